/* `stresswsl [run]`: parse options into a job, report an earlier run that ended abruptly, hand the
 * job to the runner, write report.json (and --json), print a short summary, and exit with the code
 * the evidence says (0 stable, 1 instability, 2 bad input, 3 cannot run, 130 interrupted). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic_write.h"
#include "cli/cli.h"
#include "cli/live.h"
#include "cli/run_options.h"
#include "core/event_json.h"
#include "core/journal.h"
#include "core/recover.h"
#include "core/recover_describe.h"
#include "core/runner.h"
#include "core/rundir.h"
#include "core/units.h"
#include "probes/kmsg_monitor.h"
#include "probes/runload.h"
#include "probes/probe.h"
#include "report/finish.h"
#include "report/verdict.h"
#include "report/writers.h"

/* The callers name the path and strerror(errno). */
static int write_json_file(const json_t *j, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* /dev/null, a FIFO, a terminal: write into it; a rename would replace the device node */
        FILE *f = fopen(path, "w");
        if (!f)
            return -errno;
        int bad = json_dumpf(j, f, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0;
        bad |= fclose(f) != 0;
        if (bad)
            errno = EIO;
        return bad ? -EIO : 0;
    }
    int rc = sw_atomic_write_json(path, j, JSON_INDENT(2) | JSON_ENSURE_ASCII, NULL);
    if (rc < 0)
        errno = -rc;
    return rc;
}

static int write_json_to(const json_t *j, const char *path)
{
    if (strcmp(path, "-") == 0) {
        if (json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0)
            return -EIO;
        fputc('\n', stdout);
        return fflush(stdout) == 0 ? 0 : -errno;
    }
    return write_json_file(j, path);
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_int_t jint(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static double jnum(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* --dry-run: the plan per phase, workload and worker, and the budget. */
static void print_plan(FILE *out, const json_t *rep)
{
    const json_t *run = json_object_get(rep, "run");
    const json_t *plan = json_object_get(rep, "plan");
    const json_t *topo = json_object_get(plan, "topology");
    const json_t *b = json_object_get(plan, "budget");
    char s1[32], s2[32], s3[32];
    fprintf(out, "plan for profile '%s' (%s), %" JSON_INTEGER_FORMAT " trial%s, %.0f s in all\n", jstr(run, "profile"),
            jstr(run, "profile_source"), jint(plan, "trials"), jint(plan, "trials") == 1 ? "" : "s",
            jnum(run, "planned_duration_s"));
    fprintf(out, "topology (%s): %" JSON_INTEGER_FORMAT " CPUs, %" JSON_INTEGER_FORMAT " cores, %" JSON_INTEGER_FORMAT
            " NUMA node(s), %" JSON_INTEGER_FORMAT " CPU kind(s)\n",
            jstr(topo, "source"), jint(topo, "pus"), jint(topo, "cores"), jint(topo, "numa_nodes"),
            jint(topo, "cpu_kinds"));
    /* The same words as a budget refusal (core/budget.c usable_words), so both show one margin. */
    char cg[120] = "", s4[32], s5[32];
    if (json_is_integer(json_object_get(b, "cgroup_mem_max")))
        snprintf(cg, sizeof cg, ", cgroup %s %s with %s in use", jstr(b, "cgroup_mem_file"),
                 sw_format_size((uint64_t)jint(b, "cgroup_mem_max"), s4, sizeof s4),
                 sw_format_size((uint64_t)jint(b, "cgroup_mem_current"), s5, sizeof s5));
    fprintf(out, "budget: memory %s for the workers of a phase, of %s that may be used (MemAvailable %s%s, minus a "
            "safety margin of %s)\n",
            sw_format_size((uint64_t)jint(b, "mem_budget"), s1, sizeof s1),
            sw_format_size((uint64_t)jint(b, "mem_usable"), s2, sizeof s2),
            sw_format_size((uint64_t)jint(b, "mem_available"), s3, sizeof s3), cg,
            sw_format_size((uint64_t)jint(b, "mem_margin"), s5, sizeof s5));
    fprintf(out, "        processes %" JSON_INTEGER_FORMAT " (pids.max %s, RLIMIT_NPROC %s)\n", jint(b, "proc_budget"),
            json_is_integer(json_object_get(b, "pids_max")) ? "set" : "none",
            json_is_integer(json_object_get(b, "rlimit_nproc"))
                ? (json_is_true(json_object_get(b, "rlimit_nproc_enforced")) ? "set" : "set, not applied to root")
                : "unlimited");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(b, "notes"), i, v)
        fprintf(out, "note: %s\n", json_string_value(v));
    if (json_is_true(json_object_get(plan, "is_vm")))
        fprintf(out, "note: %s\n", jstr(plan, "vm_note"));
    json_t *ph;
    json_array_foreach(json_object_get(plan, "phases"), i, ph) {
        const json_t *duty = json_object_get(ph, "duty");
        fprintf(out, "phase %s: %.0f s", jstr(ph, "name"), jnum(ph, "duration_s"));
        if (jint(duty, "on_ms") && jint(duty, "off_ms"))
            fprintf(out, ", bursts of %" JSON_INTEGER_FORMAT " ms on / %" JSON_INTEGER_FORMAT " ms off",
                    jint(duty, "on_ms"), jint(duty, "off_ms"));
        fputc('\n', out);
        size_t k;
        json_t *w;
        json_array_foreach(json_object_get(ph, "workloads"), k, w) {
            fprintf(out, "  %s x%" JSON_INTEGER_FORMAT ", pin %s, memory %s each", jstr(w, "name"), jint(w, "workers"),
                    jstr(w, "pin"), sw_format_size((uint64_t)jint(w, "mem_per_worker"), s1, sizeof s1));
            if (jint(w, "procs_per_worker"))
                fprintf(out, ", %" JSON_INTEGER_FORMAT " child processes each", jint(w, "procs_per_worker"));
            if (jint(w, "threads_per_worker") > 1)
                fprintf(out, ", %" JSON_INTEGER_FORMAT " threads each", jint(w, "threads_per_worker"));
            fputc('\n', out);
            if (json_is_string(json_object_get(w, "placement_note")))
                fprintf(out, "    note: %s\n", jstr(w, "placement_note"));
            size_t m;
            json_t *pl;
            json_array_foreach(json_object_get(w, "placement"), m, pl) {
                const char *cpus = jstr(pl, "cpus");
                fprintf(out, "    worker %" JSON_INTEGER_FORMAT ": CPUs %s", jint(pl, "worker"), cpus[0] ? cpus : "any");
                if (jint(pl, "cpu_node") >= 0)
                    fprintf(out, ", node %" JSON_INTEGER_FORMAT, jint(pl, "cpu_node"));
                if (jint(pl, "mem_node") >= 0)
                    fprintf(out, ", memory on node %" JSON_INTEGER_FORMAT, jint(pl, "mem_node"));
                if (jstr(pl, "kind")[0])
                    fprintf(out, ", kind %s", jstr(pl, "kind"));
                if (json_is_true(json_object_get(pl, "cycle")))
                    fprintf(out, ", visits each CPU in turn");
                fputc('\n', out);
            }
        }
    }
    fprintf(out, "dry run: nothing was started\n");
}

/* The environment snapshot (docs/facts-schema.md). Host queries (WSL2 interop, slow) are never made
 * while stress runs: only before it starts and after it ended, and not after an interrupt, when the
 * user wants out within a second. window_* bound the host event queries to this run. */
static json_t *snapshot(bool ask_host, uint64_t window_start_ns)
{
    struct sw_probe_env env = {.skip_host = !ask_host, .window_start_ns = window_start_ns,
                               .window_end_ns = window_start_ns ? sw_now_real_ns() : 0};
    struct sw_diag d = {0};
    json_t *f = sw_probe_snapshot(&env, &d);
    if (!f) {
        sw_cli_warn("could not take the environment snapshot: %s", d.msg);
        return json_null();
    }
    return f;
}

/* After a guest restart, the evidence of what killed the earlier run is on the Windows host (the
 * guest's kernel log died with it): attach Hyper-V guest-crash and WHEA events and wsl-crashes files
 * from the window of the abrupt run. */
static void attach_host_evidence(json_t *prev)
{
    if (!json_is_true(json_object_get(prev, "rebooted")))
        return;
    uint64_t last = (uint64_t)json_integer_value(json_object_get(prev, "last_record_ns"));
    uint64_t from = last > 120000000000ull ? last - 120000000000ull : 0;   /* 2 min before the last record */
    struct sw_probe_env env = {0};
    struct sw_diag d = {0};
    json_t *ev = sw_host_crash_evidence(&env, from, sw_now_real_ns(), &d);
    if (!ev)
        return;
    json_object_set_new(prev, "host_evidence", ev);
    if (json_array_size(ev) == 0 && d.msg[0])
        json_object_set_new(prev, "host_evidence_note", json_string(d.msg));
    size_t i;
    json_t *e;
    json_array_foreach(ev, i, e) {
        const char *msg = jstr(e, "message");
        if (!strcmp(jstr(e, "kind"), "guest_crash") && msg[0])
            sw_cli_warn("the Windows host recorded the guest crash: %.300s", msg);
    }
}

static void print_previous(const json_t *prev)
{
    char line[1024];
    sw_recover_warning(prev, line, sizeof line);
    sw_cli_warn("%s", line);
}

static void print_summary(FILE *out, const json_t *rep)
{
    const json_t *run = json_object_get(rep, "run");
    fprintf(out, "stresswsl: run %s %s after %.1f s (planned %.0f s)\n", jstr(run, "id"), jstr(run, "status"),
            jnum(run, "duration_s"), jnum(run, "planned_duration_s"));
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(rep, "workloads"), i, w) {
        char rate[24];
        fprintf(out, "  %s/%s", jstr(w, "phase"), jstr(w, "name"));
        if (jint(w, "trial") > 1 || json_array_size(json_object_get(rep, "workloads")) > 8)
            fprintf(out, " trial %" JSON_INTEGER_FORMAT, jint(w, "trial"));
        snprintf(rate, sizeof rate, "%.1f", jnum(w, "rate_per_s"));
        fprintf(out, ": %" JSON_INTEGER_FORMAT " workers, %" JSON_INTEGER_FORMAT " %s (%s/s", jint(w, "workers"),
                jint(w, "ops"), jstr(w, "unit"), rate);
        double secs = jnum(w, "duration_s");
        if (jint(w, "bytes") > 0 && secs > 0) {   /* memory workloads: what users compare is GB/s */
            char sz[32];
            fprintf(out, ", %s/s verified", sw_format_size((uint64_t)((double)jint(w, "bytes") / secs), sz, sizeof sz));
        }
        fprintf(out, "), %" JSON_INTEGER_FORMAT " errors\n", jint(w, "errors"));
    }
    unsigned errs = 0, warns = 0;
    json_t *e;
    json_array_foreach(json_object_get(rep, "events"), i, e) {
        const char *sev = jstr(e, "severity");
        if (!strcmp(sev, "error") || !strcmp(sev, "fatal")) {
            if (errs < 5)
                fprintf(out, "  error: %s\n", jstr(e, "text"));
            errs++;
        } else if (!strcmp(sev, "warn")) {
            warns++;
        }
    }
    if (errs > 5)
        fprintf(out, "  ... and %u more error events\n", errs - 5);
    fprintf(out, "  %u error event%s, %u warning%s\n", errs, errs == 1 ? "" : "s", warns, warns == 1 ? "" : "s");
    struct sw_diag d = {0};
    sw_report_write_console(rep, out, out == stdout && sw_cli_use_color(), &d);

}

int cmd_run(int argc, char **argv)
{
    struct sw_job *job = calloc(1, sizeof *job);
    struct sw_run_cli *cli = calloc(1, sizeof *cli);
    struct sw_diag d = {0};
    int code = SW_EXIT_OK;
    json_t *prev = NULL;
    struct sw_live live = {0};
    struct sw_run_result res;
    memset(&res, 0, sizeof res);
    if (!job || !cli) {
        code = sw_cli_error(SW_EXIT_INTERNAL, "out of memory");
        goto out;
    }
    if (sw_run_parse(argc, argv, job, cli, &d) < 0) {
        code = sw_cli_diag(SW_EXIT_USAGE, &d);
        goto out;
    }
    if (cli->help_shown)
        goto out;

    /* An earlier run that died (guest crash, kill) is reported once, before this one starts. */
    if (!cli->opts.dry_run) {
        char state[512], boot[40];
        struct sw_diag rd = {0};
        if (sw_rundir_state_dir(cli->opts.state_dir, state, sizeof state, &rd) == 0) {
            sw_boot_id(boot, sizeof boot);
            if (sw_recover_scan(state, boot, &prev, &rd) == 0 && rd.msg[0])
                sw_cli_warn("%s", rd.msg);   /* run directories skipped as unsafe */
            if (prev) {
                print_previous(prev);
                attach_host_evidence(prev);
            }
        }
    }

    /* The environment before any load starts, and the kernel-log watcher beside the workers. */
    json_t *facts_before = cli->opts.dry_run ? json_null() : snapshot(true, 0);
    static const struct sw_monitor monitors[] = {
        {"kmsg", sw_kmsg_monitor_check, sw_kmsg_monitor_run, NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli->opts.monitors = monitors;
    if (sw_live_open(&live, cli->metrics_path, cli->events_path, cli->label, job->profile, facts_before, &d) < 0) {
        json_decref(facts_before);
        code = sw_cli_diag(SW_EXIT_USAGE, &d);
        goto out;
    }
    cli->opts.observer = sw_live_observer(&live);
    uint64_t started_ns = sw_now_real_ns();
    struct sw_load_sample load_before, load_after;
    sw_load_read(&load_before, "");

    int rc = sw_runner_run(job, &cli->opts, &res, &d);
    sw_load_read(&load_after, "");
    if (rc < 0) {
        json_decref(facts_before);
        code = sw_cli_diag(sw_diag_exit_code(&d, SW_EXIT_CANNOT_RUN), &d);   /* whose problem: the diag's class */
        goto out;
    }
    json_t *rep = res.report;
    if (cli->opts.dry_run) {
        if (cli->json_path && write_json_to(rep, cli->json_path) < 0)
            code = sw_cli_error(SW_EXIT_CANNOT_RUN, "cannot write %s: %s", cli->json_path, strerror(errno));
        if (!cli->json_path || strcmp(cli->json_path, "-") != 0)
            print_plan(stdout, rep);
        json_decref(facts_before);
        goto out;
    }

    json_t *facts = json_object();
    json_object_set_new(facts, "before", facts_before);
    json_object_set_new(facts, "after", snapshot(!res.interrupted, started_ns));
    json_object_set_new(rep, "facts", facts);
    json_object_set_new(rep, "load", sw_load_json(&load_before, &load_after, (int)sysconf(_SC_NPROCESSORS_ONLN)));
    json_object_set_new(rep, "previous_run", prev ? json_incref(prev) : json_null());
    if (cli->label)
        json_object_set_new(json_object_get(rep, "run"), "label", json_string(cli->label));
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) == 0 && host[0])   /* names the machine in `stresswsl fleet` */
        json_object_set_new(json_object_get(rep, "run"), "hostname", json_string(host));

    /* Findings and verdict from the rules database, then report.json, report.md and report.html. */
    code = res.exit_code;
    char runs[600];
    snprintf(runs, sizeof runs, "%s/runs", res.state_dir);
    json_t *hist = sw_report_history(runs, res.run_id, 20);
    struct sw_diag fd = {0};
    int frc = sw_report_finish(rep, res.run_dir, hist, &fd);
    json_decref(hist);
    if (frc == -ENOENT || frc == -EINVAL) {
        sw_cli_warn("no findings: %s", fd.msg);
    } else if (frc < 0) {
        sw_cli_error(SW_EXIT_CANNOT_RUN, "cannot write the reports in %s: %s: the journal there still has the run",
                     res.run_dir, fd.msg);
        if (code == SW_EXIT_OK)
            code = SW_EXIT_CANNOT_RUN;
    }
    /* Whether the run was stable, unstable or stopped is the verdict's to say (report/verdict.h). */
    if (code == SW_EXIT_OK || code == SW_EXIT_UNSTABLE || code == SW_EXIT_INTERRUPTED)
        code = sw_verdict_exit_code(rep);
    sw_live_close(&live, rep);
    bool json_stdout = (cli->json_path && !strcmp(cli->json_path, "-")) ||
                       (cli->events_path && !strcmp(cli->events_path, "-"));
    if (cli->json_path && write_json_to(rep, cli->json_path) < 0) {
        sw_cli_error(SW_EXIT_CANNOT_RUN, "cannot write %s: %s", cli->json_path, strerror(errno));
        if (code == SW_EXIT_OK || code == SW_EXIT_INCONCLUSIVE)   /* nothing found either way: say what failed */
            code = SW_EXIT_CANNOT_RUN;
    }
    /* The summary goes to stdout unless stdout carries the JSON; --quiet keeps the verdict and the report
     * path (what a script or a user coming back needs) and shows the rest only for errors. */
    FILE *sum_out = json_stdout ? stderr : stdout;
    if (!cli->quiet || code == SW_EXIT_UNSTABLE || code == SW_EXIT_LIMIT)
        print_summary(sum_out, rep);
    else
        sw_report_write_console(rep, sum_out, sum_out == stdout && sw_cli_use_color(), &d);
out:
    sw_live_close(&live, NULL);
    sw_runner_finish(&res);
    json_decref(prev);
    free(job);
    free(cli);
    return code;
}
