/* `stresswsl [run] ...` option parsing: a profile (or --workload list) becomes a job, then the
 * command-line values override it. Runs nothing; cli/cmd_run.c hands the result to the runner. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run_options.h"
#include "core/profile.h"
#include "core/units.h"
#include "stress/registry.h"

#define SEE_HELP "see 'stresswsl run --help'"
#define MAX_PARAMS 32
#define DEFAULT_WORKLOAD_MS (10ull * 60 * 1000)

enum opt_id {
    O_PROFILE, O_DURATION, O_WORKERS, O_PIN, O_MEMORY, O_OUT, O_JSON, O_SEED, O_QUIET, O_DRY_RUN,
    O_TOPOLOGY, O_WORKLOAD, O_PARAM, O_INJECT, O_MIRROR, O_STATE_DIR, O_HELP
};

struct opt {
    const char *name;
    enum opt_id id;
    const char *arg;   /* NULL: a flag; else the value's name in messages */
};

static const struct opt opts[] = {
    {"profile", O_PROFILE, "NAME|FILE"}, {"duration", O_DURATION, "TIME"},  {"workers", O_WORKERS, "N|auto|NN%"},
    {"pin", O_PIN, "POLICY"},            {"memory", O_MEMORY, "SIZE|NN%"},  {"out", O_OUT, "DIR"},
    {"json", O_JSON, "FILE|-"},          {"seed", O_SEED, "N"},             {"quiet", O_QUIET, NULL},
    {"dry-run", O_DRY_RUN, NULL},        {"topology", O_TOPOLOGY, "FILE.xml"}, {"workload", O_WORKLOAD, "A,B,C"},
    {"param", O_PARAM, "KEY=VALUE"},     {"inject", O_INJECT, "LIST"},      {"mirror", O_MIRROR, "DIR"},
    {"state-dir", O_STATE_DIR, "DIR"},   {"help", O_HELP, NULL},
};

void sw_run_usage(FILE *out)
{
    fputs("usage: stresswsl [run] --profile NAME|FILE [OPTIONS]\n"
          "       stresswsl [run] --workload NAME[,NAME...] [OPTIONS]\n"
          "\n"
          "Runs a stress profile (or named workloads), watches the kernel log, and writes a report that says\n"
          "what any failure points to. Values given here override the profile's.\n"
          "\n"
          "options:\n"
          "  --profile NAME|FILE   a profile from 'stresswsl list', or a profile file (docs/profiles.md)\n"
          "  --workload A,B,C      run these workloads without a profile (one phase; 10m unless --duration)\n"
          "  --duration TIME       total run time, e.g. 90s, 10m, 2h, 1h30m (scales the profile's phases)\n"
          "  --workers N|auto|NN%  workers per workload: a count, one per CPU, or a share of the CPUs\n"
          "  --pin POLICY          none, spread, compact, pcores, ecores, cycle, numa-local, numa-remote\n"
          "  --memory SIZE|NN%     memory budget, e.g. 4G or 25% of available memory\n"
          "  --param KEY=VALUE     set a workload parameter (WORKLOAD.KEY=VALUE for one workload); repeatable;\n"
          "                        'stresswsl list --params' shows them\n"
          "  --seed N              fixed seed (1 or more) to repeat a run exactly\n"
          "  --out DIR             write this run's files (report.json, report.html, journal) to DIR\n"
          "  --json FILE|-         also write the report JSON to FILE, or to stdout with '-'\n"
          "  --state-dir DIR       where runs and crash journals are kept\n"
          "                        (default $XDG_STATE_HOME/stresswsl or ~/.local/state/stresswsl)\n"
          "  --mirror DIR          also write the journal to DIR (e.g. /mnt/c/... so the Windows side keeps it\n"
          "                        if the guest dies)\n"
          "  --dry-run             print the plan (workers, CPUs, memory, phases) and run nothing\n"
          "  --topology FILE.xml   with --dry-run: plan for the machine in an hwloc XML export\n"
          "  --quiet               no progress output\n"
          "  -h, --help            this help\n"
          "\n"
          "examples:\n"
          "  stresswsl --profile compile                   the main job: 10 minutes, 3 trials\n"
          "  stresswsl --profile compile --duration 2m     the same, scaled to 2 minutes\n"
          "  stresswsl --profile cpu --pin cycle --dry-run show the plan only\n"
          "  stresswsl --workload compute,memory --workers 4 --memory 25% --duration 5m\n"
          "  stresswsl --profile ./mine.json --param compute.mode=bursty --json -\n"
          "  stresswsl --profile bios-validate --mirror /mnt/c/stresswsl   before and after a BIOS update\n"
          "\n"
          "exit codes:\n"
          "  0    the run completed and found nothing wrong\n"
          "  1    instability detected (verification error, crashed worker, kernel error event)\n"
          "  2    bad usage or bad input (options, profile, sizes)\n"
          "  3    the run could not be carried out (environment, permissions, resources)\n"
          "  5    no instability, but a configuration limit was hit (out-of-memory kills)\n"
          "  130  interrupted with nothing found\n",
          out);
}

struct given {
    const char *v[O_HELP + 1];   /* the last value of each option with an argument */
    bool flag[O_HELP + 1];
    const char *params[MAX_PARAMS];
    int nparams;
};

static const struct opt *find_opt(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    return NULL;
}

static int parse_argv(int argc, char **argv, struct given *g, struct sw_diag *d)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h")) {
            g->flag[O_HELP] = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0 || !a[2]) {
            if (a[0] == '-')
                return sw_fail(d, -EINVAL, "unknown option '%s': %s", a, SEE_HELP);
            return sw_fail(d, -EINVAL, "unexpected argument '%s' (options start with --): %s", a, SEE_HELP);
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt *o = find_opt(name, len);
        if (!o)
            return sw_fail(d, -EINVAL, "unknown option '--%.*s': %s", (int)len, name, SEE_HELP);
        if (!o->arg) {
            if (eq)
                return sw_fail(d, -EINVAL, "option '--%s' takes no value: %s", o->name, SEE_HELP);
            g->flag[o->id] = true;
            continue;
        }
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!val || !*val)
            return sw_fail(d, -EINVAL, "option '--%s' needs a value (%s): %s", o->name, o->arg, SEE_HELP);
        if (o->id == O_PARAM) {
            if (g->nparams == MAX_PARAMS)
                return sw_fail(d, -E2BIG, "too many --param options (at most %d)", MAX_PARAMS);
            g->params[g->nparams++] = val;
        } else {
            g->v[o->id] = val;
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
    if (!errno && end != s && !strcmp(end, "%") && x >= 1 && x <= 400) {
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
    return sw_fail(d, -EINVAL, "--workers: must be auto, a count from 1 to %d, or a share of the CPUs such as 50%% "
                               "(got '%s')",
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
    if (g.flag[O_HELP]) {
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
    cli->json_path = g.v[O_JSON];
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
    if (dur && (rc = sw_job_set_duration(job, dur, &inner)) < 0)
        return sw_fail(d, rc, "--duration: %s", inner.msg);
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
