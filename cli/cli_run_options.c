/* `stresswsl [run] ...` option parsing: a profile (or --workload list) becomes a job, then the
 * command-line values override it. Runs nothing; cli/cmd_run.c hands the result to the runner. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "cli/run_options.h"
#include "core/exitcode.h"
#include "core/profile.h"
#include "core/units.h"
#include "stress/registry.h"

#define SEE_HELP "see 'stresswsl run --help'"
#define MAX_PARAMS 32
#define DEFAULT_WORKLOAD_MS (10ull * 60 * 1000)

enum opt_id {
    O_PROFILE, O_DURATION, O_WORKERS, O_PIN, O_MEMORY, O_OUT, O_JSON, O_SEED, O_QUIET, O_DRY_RUN,
    O_TOPOLOGY, O_WORKLOAD, O_PARAM, O_INJECT, O_MIRROR, O_STATE_DIR, O_METRICS, O_EVENTS, O_LABEL, O_TRIALS,
    O_STOP_ON_ERROR, O_COUNT
};

static const struct sw_opt k_opts[] = {
    {O_PROFILE, "profile", 'p', 0, SW_OPT_VALUE, "NAME|FILE",
     "a profile from 'stresswsl list', or a profile file (docs/profiles.md)"},
    {O_WORKLOAD, "workload", 0, 0, SW_OPT_VALUE, "A,B,C",
     "run these workloads without a profile (one phase; 10m unless --duration)"},
    {O_DURATION, "duration", 'd', 0, SW_OPT_VALUE, "TIME",
     "total run time, e.g. 90s, 10m, 2h, 1h30m (scales the profile's phases)"},
    {O_TRIALS, "trials", 0, 0, SW_OPT_VALUE, "N",
     "repeat the phases N times (1 to 100) within the duration; a profile sets its own"},
    {O_WORKERS, "workers", 'w', 'j', SW_OPT_VALUE, "N|auto|NN%",
     "workers per workload: a count, one per CPU, or a share of the CPUs (up to 100%)"},
    {O_PIN, "pin", 0, 0, SW_OPT_VALUE, "POLICY", "where workers run: see 'pin policies' below"},
    {O_MEMORY, "memory", 'm', 0, SW_OPT_VALUE, "SIZE|NN%", "memory budget, e.g. 4G or 25% of available memory"},
    {O_PARAM, "param", 0, 0, SW_OPT_VALUE, "KEY=VALUE",
     "set a workload parameter (WORKLOAD.KEY=VALUE for one workload); repeatable; 'stresswsl list --params' "
     "shows them"},
    {O_SEED, "seed", 0, 0, SW_OPT_VALUE, "N", "fixed seed (1 or more) to repeat a run exactly"},
    {O_STOP_ON_ERROR, "stop-on-error", 0, 0, SW_OPT_FLAG, NULL,
     "end the run at the first error (wrong result, crashed worker, kernel error) instead of running on"},
    {O_OUT, "out", 'o', 0, SW_OPT_VALUE, "DIR", "write this run's files (report.json, report.html, journal) to DIR"},
    {O_JSON, "json", 0, 0, SW_OPT_OPTIONAL, "FILE",
     "also write the report JSON to FILE, or to stdout when no FILE (or '-') is given"},
    {O_STATE_DIR, "state-dir", 0, 0, SW_OPT_VALUE, "DIR",
     "the directory where runs and crash journals are kept (default $XDG_STATE_HOME/stresswsl or "
     "~/.local/state/stresswsl)"},
    {O_MIRROR, "mirror", 0, 0, SW_OPT_VALUE, "DIR",
     "also write the journal to DIR (e.g. /mnt/c/... so the Windows side keeps it if the guest dies)"},
    {O_LABEL, "label", 0, 0, SW_OPT_VALUE, "TEXT",
     "tag the run (e.g. before-bios-1.H0): kept in report.json, used by 'stresswsl fleet' for before/after "
     "views; letters, digits and . _ - + : only"},
    {O_METRICS, "metrics", 0, 0, SW_OPT_VALUE, "FILE",
     "keep FILE up to date in Prometheus text format (node_exporter's textfile collector): every 5 s and at "
     "the end, replaced atomically"},
    {O_EVENTS, "events", 0, 0, SW_OPT_VALUE, "FILE|-",
     "append every event to FILE as JSON Lines as it happens (docs/events-schema.md)"},
    {O_INJECT, "inject", 0, 0, SW_OPT_VALUE, "LIST", NULL},   /* hidden: selftest's fault injection */
    {O_DRY_RUN, "dry-run", 'n', 0, SW_OPT_FLAG, NULL, "print the plan (workers, CPUs, memory, phases) and run nothing"},
    {O_TOPOLOGY, "topology", 0, 0, SW_OPT_VALUE, "FILE.xml",
     "with --dry-run: plan for the machine in an hwloc XML export"},
    {O_QUIET, "quiet", 'q', 0, SW_OPT_FLAG, NULL, "no progress output; the verdict and the report path are still printed"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};

static const struct sw_opt_cmd k_run_cmd = {
    .name = "run",
    .usage = "usage: stresswsl [run] --profile NAME|FILE [OPTIONS]\n"
             "       stresswsl [run] --workload NAME[,NAME...] [OPTIONS]\n",
    .about = "Runs a stress profile (or named workloads), watches the kernel log, and writes a report that says "
             "what any failure points to. Values given here override the profile's.",
    .opts = k_opts,
    .operands = false,
    .epilog =
        "pin policies: none spread compact pcores ecores cycle numa-local numa-remote\n"
        "\n"
        "examples:\n"
        "  stresswsl --profile compile               the main job: 10 minutes, 3 trials\n"
        "  stresswsl -p compile --duration 2m --trials 1   the same, 2 minutes, 1 trial\n"
        "  stresswsl --profile cpu --pin cycle -n    show the plan only\n"
        "  stresswsl --workload compute,memory -w 4 --memory 25% --duration 5m\n"
        "  stresswsl -p ./mine.json --param compute.mode=bursty --json\n"
        "  stresswsl -p bios-validate --mirror /mnt/c/sw   before/after a BIOS change\n"
        "\n"
        SW_EXIT_CODES_HELP,
};

void sw_run_usage(FILE *out)
{
    sw_opt_help(out, &k_run_cmd);
}

struct given {
    const char *v[O_COUNT];   /* the last value of each option with an argument */
    bool flag[O_COUNT];
    const char *params[MAX_PARAMS];
    int nparams;
};

/* Returns 0, 1 when --help was shown, or a negative errno with d set. */
static int parse_argv(int argc, char **argv, struct given *g, struct sw_diag *d)
{
    struct sw_opt_state st;
    const char *val;
    int id;
    sw_opt_init(&st, argc, argv);
    while ((id = sw_opt_next(&st, &k_run_cmd, &val, d)) != SW_OPT_END) {
        if (id == SW_OPT_HELP)
            return 1;
        if (id < 0)
            return -EINVAL;
        if (id == O_PARAM) {
            if (g->nparams == MAX_PARAMS)
                return sw_fail(d, -E2BIG, "too many --param options (at most %d)", MAX_PARAMS);
            g->params[g->nparams++] = val;
        } else if (id == O_JSON) {
            g->v[id] = val ? val : "-";
        } else if (val) {
            g->v[id] = val;
        } else {
            g->flag[id] = true;
        }
    }
    return 0;
}

static void join_command_line(int argc, char **argv, char *out, size_t len)
{
    size_t off = (size_t)snprintf(out, len, "stresswsl%s", strcmp(argv[0], "run") == 0 ? " run" : "");
    for (int i = 1; i < argc && off < len; i++) {
        /* Quote what the shell would split so "reproduce with" can be pasted back. */
        bool plain = argv[i][0] && strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                  "0123456789-_=.,/:%+@") == strlen(argv[i]);
        if (plain) {
            off += (size_t)snprintf(out + off, len - off, " %s", argv[i]);
            continue;
        }
        off += (size_t)snprintf(out + off, len - off, " '");
        for (const char *c = argv[i]; *c && off < len; c++)
            off += (size_t)(*c == '\'' ? snprintf(out + off, len - off, "'\\''")
                                       : snprintf(out + off, len - off, "%c", *c));
        if (off < len)
            off += (size_t)snprintf(out + off, len - off, "'");
    }
}

/* "auto", N (1..SW_MAX_WORKERS) or "NN%" into w's count fields. */
static int parse_workers(const char *s, struct sw_job_workload *w, struct sw_diag *d)
{
    char *end;
    if (!strcmp(s, "auto")) {
        w->count_kind = SW_COUNT_AUTO;
        return 0;
    }
    errno = 0;
    double x = strtod(s, &end);
    if (!errno && end != s && !strcmp(end, "%") && x >= 1 && x <= 100) {
        w->count_kind = SW_COUNT_SHARE;
        w->share = x / 100.0;
        return 0;
    }
    long n = strtol(s, &end, 10);
    if (end != s && !*end && n >= 1 && n <= SW_MAX_WORKERS) {
        w->count_kind = SW_COUNT_EXACT;
        w->count = (int)n;
        return 0;
    }
    return sw_fail(d, -EINVAL, "--workers: must be auto, a count from 1 to %d, or a share of the CPUs from 1%% to 100%% "
                               "(got '%s'; for more workers than CPUs give a count)",
                   SW_MAX_WORKERS, s);
}

static int parse_inject(const char *s, unsigned *mask, struct sw_diag *d)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"bitflip", SW_INJ_BITFLIP}, {"corrupt", SW_INJ_CORRUPT}, {"segv", SW_INJ_SEGV}, {"wrong", SW_INJ_WRONG}};
    *mask = 0;
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, ",");
        bool ok = false;
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !ok; i++)
            if (strlen(names[i].name) == n && !strncmp(p, names[i].name, n)) {
                *mask |= names[i].bit;
                ok = true;
            }
        if (!ok)
            return sw_fail(d, -EINVAL, "--inject: unknown fault '%.*s' (allowed: bitflip, corrupt, segv, wrong)",
                           (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* --workload a,b,c: one phase running each named workload. */
static int job_from_workloads(const char *list, const struct sw_workload *const *table, int n, struct sw_job *job,
                              struct sw_diag *d)
{
    memset(job, 0, sizeof *job);
    snprintf(job->profile, sizeof job->profile, "workloads");
    snprintf(job->profile_source, sizeof job->profile_source, "command line");
    snprintf(job->description, sizeof job->description, "--workload %s", list);
    job->trials = 1;
    job->nphases = 1;
    struct sw_job_phase *ph = &job->phases[0];
    snprintf(ph->name, sizeof ph->name, "workloads");
    ph->weight = 1;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char name[64];
        if (len == 0 || len >= sizeof name)
            return sw_fail(d, -EINVAL, "--workload: give names separated by commas, e.g. compute,memory (got '%s')",
                           list);
        memcpy(name, p, len);
        name[len] = '\0';
        for (int i = 0; i < ph->n; i++)
            if (!strcmp(ph->wl[i].wl->name, name))
                return sw_fail(d, -EINVAL, "--workload: '%s' is listed twice: use --workers to run more of it", name);
        if (ph->n == SW_PHASE_MAX_WORKLOADS)
            return sw_fail(d, -E2BIG, "--workload: at most %d workloads at once", SW_PHASE_MAX_WORKLOADS);
        struct sw_job_workload *w = &ph->wl[ph->n];
        w->wl = sw_profile_find_workload(table, n, name, &w->workload_id);
        if (!w->wl) {
            char known[256];
            return sw_fail(d, -EINVAL, "--workload: unknown workload '%s' (known: %s)", name,
                           sw_profile_workload_names(table, n, known, sizeof known));
        }
        if (sw_params_defaults(&w->params, w->wl->params, d) < 0)
            return -EINVAL;
        w->count_kind = SW_COUNT_AUTO;
        w->pin = SW_PIN_NONE;
        ph->n++;
        p += len;
        if (*p == ',' && !*++p)
            return sw_fail(d, -EINVAL, "--workload: trailing comma in '%s'", list);
    }
    return sw_job_set_duration(job, DEFAULT_WORKLOAD_MS, d);
}

/* --param KEY=VALUE or WORKLOAD.KEY=VALUE on every matching workload entry of the job. */
static int apply_param(struct sw_job *job, const char *text, struct sw_diag *d)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text)
        return sw_fail(d, -EINVAL, "--param: give KEY=VALUE or WORKLOAD.KEY=VALUE, e.g. --param compute.mode=bursty "
                                   "(got '%s')",
                       text);
    char key[128], target[64] = "";
    size_t klen = (size_t)(eq - text);
    if (klen >= sizeof key)
        return sw_fail(d, -EINVAL, "--param: name too long in '%s'", text);
    memcpy(key, text, klen);
    key[klen] = '\0';
    char *dot = strchr(key, '.');
    const char *name = key;
    if (dot) {
        *dot = '\0';
        if (strlen(key) >= sizeof target)
            return sw_fail(d, -EINVAL, "--param: workload name too long in '%s'", text);
        memcpy(target, key, strlen(key) + 1);
        name = dot + 1;
    }
    int applied = 0;
    bool target_seen = false;
    char has[256] = "";
    size_t off = 0;
    for (int p = 0; p < job->nphases; p++)
        for (int i = 0; i < job->phases[p].n; i++) {
            struct sw_job_workload *w = &job->phases[p].wl[i];
            if (target[0] && strcmp(target, w->wl->name) != 0)
                continue;
            target_seen = true;
            bool found = false;
            for (const struct sw_param_def *def = w->wl->params; def && def->name && !found; def++)
                found = !strcmp(def->name, name);
            if (!found) {
                if (off < sizeof has && !strstr(has, w->wl->name)) {
                    off += (size_t)snprintf(has + off, sizeof has - off, "%s%s:", off ? "; " : "", w->wl->name);
                    for (const struct sw_param_def *def = w->wl->params; def && def->name && off < sizeof has; def++)
                        off += (size_t)snprintf(has + off, sizeof has - off, " %s", def->name);
                    if (!w->wl->params || !w->wl->params->name)
                        off += (size_t)snprintf(has + off, off < sizeof has ? sizeof has - off : 0, " none");
                }
                continue;
            }
            struct sw_diag inner;
            if (sw_params_set(&w->params, w->wl->params, w->wl->name, name, eq + 1, &inner) < 0)
                return sw_fail(d, -EINVAL, "--param %s: %s", text, inner.msg);
            applied++;
        }
    if (target[0] && !target_seen)
        return sw_fail(d, -EINVAL, "--param %s: workload '%s' is not part of this run", text, target);
    if (!applied)
        return sw_fail(d, -EINVAL, "--param %s: no workload in this run has a parameter '%s' (%s)", text, name, has);
    return 0;
}

int sw_run_parse_table(int argc, char **argv, const struct sw_workload *const *table, int n, struct sw_job *job,
                       struct sw_run_cli *cli, struct sw_diag *d)
{
    struct given g;
    memset(&g, 0, sizeof g);
    memset(cli, 0, sizeof *cli);
    memset(job, 0, sizeof *job);
    int rc = parse_argv(argc, argv, &g, d);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        sw_run_usage(stdout);
        cli->help_shown = true;
        return 0;
    }
    join_command_line(argc, argv, cli->command_line, sizeof cli->command_line);
    cli->opts.command_line = cli->command_line;
    cli->opts.out_dir = g.v[O_OUT];
    cli->opts.state_dir = g.v[O_STATE_DIR];
    cli->opts.mirror_dir = g.v[O_MIRROR];
    cli->opts.topology_xml = g.v[O_TOPOLOGY];
    cli->opts.dry_run = g.flag[O_DRY_RUN];
    cli->opts.progress = g.flag[O_QUIET] ? SW_PROGRESS_QUIET : SW_PROGRESS_AUTO;
    cli->quiet = g.flag[O_QUIET];
    cli->opts.stop_on_error = g.flag[O_STOP_ON_ERROR];
    cli->opts.color = sw_cli_color_mode();
    cli->json_path = g.v[O_JSON];
    cli->metrics_path = g.v[O_METRICS];
    cli->events_path = g.v[O_EVENTS];
    cli->label = g.v[O_LABEL];
    if (cli->label && (strlen(cli->label) > 64 ||
                       strspn(cli->label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+:") !=
                           strlen(cli->label)))
        return sw_fail(d, -EINVAL, "--label: up to 64 letters, digits and . _ - + : (got '%s')", cli->label);
    if (cli->json_path && cli->events_path && !strcmp(cli->json_path, "-") && !strcmp(cli->events_path, "-"))
        return sw_fail(d, -EINVAL, "--json - and --events - both want stdout: send one of them to a file");
    if ((cli->metrics_path || cli->events_path) && g.flag[O_DRY_RUN])
        return sw_fail(d, -EINVAL, "--metrics and --events watch a run; a --dry-run runs nothing: %s", SEE_HELP);
    if (g.v[O_TOPOLOGY] && !g.flag[O_DRY_RUN])
        return sw_fail(d, -EINVAL, "--topology plans for another machine and only works with --dry-run: %s", SEE_HELP);

    /* Check every value before loading anything, so the message names the option. */
    uint64_t dur = 0, mem = 0, seed = 0;
    unsigned pct = 0, inject = 0;
    int pin = -1;
    struct sw_job_workload workers = {0};
    struct sw_diag inner;
    if (g.v[O_DURATION] && sw_parse_duration_ms(g.v[O_DURATION], &dur, &inner) < 0)
        return sw_fail(d, -EINVAL, "--duration: %s", inner.msg);
    if (g.v[O_MEMORY]) {
        if (sw_parse_size_or_percent(g.v[O_MEMORY], &mem, &pct, &inner) < 0)
            return sw_fail(d, -EINVAL, "--memory: %s", inner.msg);
        if (!pct && mem < (1u << 20))
            return sw_fail(d, -EINVAL, "--memory: must be at least 1M or a percentage such as 25%% (got '%s')",
                           g.v[O_MEMORY]);
    }
    if (g.v[O_PIN] && (pin = sw_pin_from_name(g.v[O_PIN])) < 0)
        return sw_fail(d, -EINVAL, "--pin: unknown policy '%s' (allowed: %s)", g.v[O_PIN], sw_pin_names_allowed());
    if (g.v[O_WORKERS] && (rc = parse_workers(g.v[O_WORKERS], &workers, d)) < 0)
        return rc;
    if (g.v[O_SEED]) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(g.v[O_SEED], &end, 10);
        if (errno || *end || g.v[O_SEED][0] == '-' || s == 0)
            return sw_fail(d, -EINVAL, "--seed: must be a whole number of 1 or more (got '%s')", g.v[O_SEED]);
        seed = s;
    }
    if (g.v[O_INJECT] && (rc = parse_inject(g.v[O_INJECT], &inject, d)) < 0)
        return rc;
    unsigned trials = 0;
    if (g.v[O_TRIALS]) {
        char *end;
        errno = 0;
        long t = strtol(g.v[O_TRIALS], &end, 10);
        if (errno || *end || end == g.v[O_TRIALS] || t < 1 || t > 100)
            return sw_fail(d, -EINVAL, "--trials: must be a whole number from 1 to 100 (got '%s')", g.v[O_TRIALS]);
        trials = (unsigned)t;
    }

    /* The job: a profile or a workload list. */
    if (g.v[O_PROFILE] && g.v[O_WORKLOAD])
        return sw_fail(d, -EINVAL, "give either --profile or --workload, not both: %s", SEE_HELP);
    if (g.v[O_PROFILE])
        rc = sw_profile_load(g.v[O_PROFILE], table, n, job, d);
    else if (g.v[O_WORKLOAD])
        rc = job_from_workloads(g.v[O_WORKLOAD], table, n, job, d);
    else
        return sw_fail(d, -EINVAL,
                       "nothing to run: give --profile NAME (e.g. --profile compile; 'stresswsl list' shows them) or "
                       "--workload NAMES: %s",
                       SEE_HELP);
    if (rc < 0)
        return rc;

    /* Command-line values override the profile's. */
    if (trials)
        job->trials = trials;
    if ((dur || trials) && (rc = sw_job_set_duration(job, dur ? dur : job->duration_ms, &inner)) < 0)
        return sw_fail(d, rc, "%s: %s: give a longer --duration%s%s", dur ? "--duration" : "--trials", inner.msg,
                       job->trials > 1 ? ", --trials 1" : "", strcmp(job->profile, "quick") ? ", or the 'quick' profile" : "");
    if (g.v[O_MEMORY]) {
        job->mem_limit = mem;
        job->mem_percent = pct;
    }
    if (seed)
        job->seed = seed;
    job->inject = inject;
    for (int p = 0; p < job->nphases; p++)
        for (int i = 0; i < job->phases[p].n; i++) {
            struct sw_job_workload *w = &job->phases[p].wl[i];
            if (pin >= 0) {
                w->pin = (enum sw_pin)pin;
                if (pin == SW_PIN_CYCLE && !g.v[O_WORKERS]) {
                    w->count_kind = SW_COUNT_EXACT;   /* cycle is one worker */
                    w->count = 1;
                }
            }
            /* A profile's cycle entry stays one worker when only --workers is given. */
            if (g.v[O_WORKERS] && (w->pin != SW_PIN_CYCLE || pin == SW_PIN_CYCLE)) {
                w->count_kind = workers.count_kind;
                w->count = workers.count;
                w->share = workers.share;
            }
            if (sw_job_workload_check(w, &inner) < 0)
                return sw_fail(d, -EINVAL, "--pin %s --workers %s: %s", g.v[O_PIN] ? g.v[O_PIN] : sw_pin_name(w->pin),
                               g.v[O_WORKERS] ? g.v[O_WORKERS] : "auto", inner.msg);
        }
    for (int i = 0; i < g.nparams; i++)
        if ((rc = apply_param(job, g.params[i], d)) < 0)
            return rc;
    if (g.nparams && sw_job_params_check(job, &inner) < 0)
        return sw_fail(d, -EINVAL, "--param: %s", inner.msg);
    return 0;
}

int sw_run_parse(int argc, char **argv, struct sw_job *job, struct sw_run_cli *cli, struct sw_diag *d)
{
    return sw_run_parse_table(argc, argv, sw_workloads, sw_workload_count, job, cli, d);
}
