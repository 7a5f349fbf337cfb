/* `stresswsl selftest`: proves that every detector works, end to end. For each workload it first runs
 * a clean case (must find nothing: a detector that fires on a healthy machine is broken too), then
 * each fault-injection case (a fault planted behind the verifier's back must be found, attributed to
 * the right workload, worker and CPU, land in report.json, and make the run exit 1). Every case goes
 * through the real runner: forked, pinned workers, rings, journal, report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "cli/selftest.h"
#include "core/runner.h"
#include "core/rundir.h"
#include "core/arena.h"
#include "core/atomic_write.h"
#include "stress/registry.h"

#define CASE_MS 1000ull              /* each case runs about a second                       */
#define RETRY_MS 3000ull             /* a case whose workload did no work at all gets one longer try */
#define CASE_MEM (256ull << 20)      /* memory budget of one case: small, the faults are few */
#define MAX_WORKLOADS 32

struct opts {
    bool json;
    bool want[MAX_WORKLOADS];  /* per sw_workloads[] entry */
};

enum { O_WORKLOAD, O_JSON };
static const struct sw_opt k_opts[] = {
    {O_WORKLOAD, "workload", 0, 0, SW_OPT_VALUE, "A,B",
     "only these workloads (memory, heap, execve, compile, compute, io_uring, exit, pressure)"},
    {O_JSON, "json", 0, 0, SW_OPT_FLAG, NULL, "print the results as JSON on stdout instead of one line per case"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_cmd = {
    .name = "selftest",
    .usage = "usage: stresswsl selftest [--workload A,B] [--json]\n",
    .about = "Proves that every detector works: runs each workload for about a second cleanly (it must find "
             "nothing), then again with a fault injected behind its verifier's back (it must find it, name the "
             "workload, worker and CPU, and exit 1). A workload this machine cannot run (io_uring switched off, "
             "say) is skipped with the reason. Takes about 25 seconds.",
    .opts = k_opts,
    .epilog = "examples:\n"
              "  stresswsl selftest                      every workload\n"
              "  stresswsl selftest --workload memory    one detector, e.g. after changing RAM\n"
              "\n"
              "exit codes: 0 every case passed, 1 a case failed, 2 bad usage, 3 cannot run\n"
              "here, 130 interrupted\n",
};

static int parse(int argc, char **argv, struct opts *o)
{
    int nw = sw_workload_count < MAX_WORKLOADS ? sw_workload_count : MAX_WORKLOADS;
    bool any = false;
    memset(o, 0, sizeof *o);
    struct sw_opt_state st = sw_opt_start(&k_cmd, argc, argv);
    const char *list;
    for (int id; (id = sw_opt_get(&st, &list)) != SW_OPT_END;) {
        if (id == SW_OPT_EXIT)
            return st.exit_code == SW_EXIT_OK ? 1 : -1;   /* 1: help shown */
        if (id == O_JSON) {
            o->json = true;
            continue;
        }
        if (!*list) {
            sw_cli_error(SW_EXIT_USAGE, "selftest: --workload needs names, e.g. --workload memory,heap");
            return -1;
        }
        for (const char *p = list; *p;) {
            size_t len = strcspn(p, ",");
            int k = 0;
            while (k < nw && !(strlen(sw_workloads[k]->name) == len && !strncmp(sw_workloads[k]->name, p, len)))
                k++;
            if (k == nw) {
                char known[240] = "";
                for (int j = 0; j < nw; j++)
                    snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", j ? ", " : "",
                             sw_workloads[j]->name);
                sw_cli_error(SW_EXIT_USAGE, "selftest: --workload: no self-test for '%.*s' (known: %s)", (int)len, p,
                             known);
                return -1;
            }
            o->want[k] = any = true;
            p += len;
            if (*p == ',')
                p++;
        }
    }
    if (!any)
        for (int k = 0; k < nw; k++)
            o->want[k] = true;
    return 0;
}

struct result {
    const struct sw_selftest_case *c;
    struct sw_selftest_verdict v;
    int exit_code;
    double seconds;
    unsigned long long seed;
    bool retried;
    bool skipped;                    /* the workload cannot run here: not a verdict on its detector */
};

static int build_job(struct sw_job *job, const struct sw_selftest_case *c, const struct sw_workload *wl, int id,
                     int workers, uint64_t ms, struct sw_diag *d)
{
    memset(job, 0, sizeof *job);
    snprintf(job->profile, sizeof job->profile, "selftest");
    snprintf(job->profile_source, sizeof job->profile_source, "built-in");
    snprintf(job->description, sizeof job->description, "selftest: %s with %s", c->workload,
             c->inject ? c->what : "no fault injected");
    job->trials = 1;
    job->nphases = 1;
    job->duration_ms = ms;
    job->mem_limit = CASE_MEM;
    job->inject = c->inject;   /* the only place fault injection is ever switched on (besides --inject) */
    struct sw_job_phase *ph = &job->phases[0];
    snprintf(ph->name, sizeof ph->name, "%s-%s", c->workload, c->fault);
    ph->duration_ms = ms;
    ph->weight = 1;
    ph->n = 1;
    struct sw_job_workload *w = &ph->wl[0];
    w->wl = wl;
    w->workload_id = id;
    w->count_kind = SW_COUNT_EXACT;
    w->count = workers;
    w->pin = SW_PIN_SPREAD;   /* each worker on its own CPU, so the event's CPU can be checked */
    int rc = sw_params_defaults(&w->params, wl->params, d);
    return rc < 0 ? rc : sw_selftest_tune(wl, &w->params, d);
}

/* Runs one case through the runner, writes and re-reads its report.json, and judges it.
 * Returns 130 if the user interrupted, else 0. */
static int run_case(struct result *r, const char *state_dir, int idx, int workers, uint64_t ms)
{
    const struct sw_selftest_case *c = r->c;
    int id = -1;
    const struct sw_workload *wl = sw_workload_find(c->workload, &id);
    r->exit_code = -1;
    if (!wl) {
        snprintf(r->v.detail, sizeof r->v.detail, "workload '%s' is not built into this binary", c->workload);
        return 0;
    }
    char why[200];
    if (wl->supported && !wl->supported(why, sizeof why)) {
        r->skipped = r->v.pass = true;
        snprintf(r->v.detail, sizeof r->v.detail, "skipped, not available here: %s", why);
        return 0;
    }
    struct sw_job job;
    struct sw_diag d = {0};
    if (build_job(&job, c, wl, id, workers, ms, &d) < 0) {
        snprintf(r->v.detail, sizeof r->v.detail, "cannot set up the case: %.440s", d.msg);
        return 0;
    }
    char out_dir[600], cmd[160], report_path[640];
    snprintf(out_dir, sizeof out_dir, "%s/case%02d-%s-%s-%llu", state_dir, idx, c->workload, c->fault,
             (unsigned long long)ms);
    snprintf(cmd, sizeof cmd, "stresswsl selftest (%s/%s)", c->workload, c->fault);
    struct sw_run_opts o = {.state_dir = state_dir, .out_dir = out_dir, .progress = SW_PROGRESS_QUIET,
                            .command_line = cmd};
    struct sw_run_result res;
    uint64_t t0 = sw_now_mono_ns();
    int rc = sw_runner_run(&job, &o, &res, &d);
    r->seconds = (double)(sw_now_mono_ns() - t0) / 1e9;
    r->seed = (unsigned long long)res.seed;   /* the runner leaves the job as it was */
    if (rc < 0 || !res.report) {
        snprintf(r->v.detail, sizeof r->v.detail, "the run did not start: %.440s", d.msg[0] ? d.msg : strerror(-rc));
        sw_runner_finish(&res);
        return 0;
    }
    r->exit_code = res.exit_code;
    bool interrupted = res.interrupted;
    /* Judge what a user would read: the report as written to disk and parsed back. */
    snprintf(report_path, sizeof report_path, "%s/report.json", res.run_dir);
    json_t *back = NULL;
    json_error_t je;
    if (sw_atomic_write_json(report_path, res.report, JSON_INDENT(1), &d) < 0)
        snprintf(r->v.detail, sizeof r->v.detail, "%.500s", d.msg);
    else if (!(back = json_load_file(report_path, 0, &je)))
        snprintf(r->v.detail, sizeof r->v.detail, "report.json does not parse back: %s", je.text);
    else
        sw_selftest_judge(c, back, res.exit_code, &r->v);
    json_decref(back);
    sw_runner_finish(&res);
    return interrupted ? SW_EXIT_INTERRUPTED : 0;
}

static void print_line(const struct result *r)
{
    char label[40];
    snprintf(label, sizeof label, "%s/%s", r->c->workload, r->c->fault);
    printf("%s  %-16s %s (%.1f s%s", r->skipped ? "SKIP" : r->v.pass ? "PASS" : "FAIL", label, r->v.detail, r->seconds,
           r->retried ? ", retried longer: no work done in the first second" : "");
    if (!r->v.pass && r->seed)
        printf(", seed %llu", r->seed);
    printf(")\n");
    fflush(stdout);
}

static void print_json(const struct result *rs, int n, int passed, double secs)
{
    json_t *root = json_object(), *arr = json_array();
    for (int i = 0; i < n; i++) {
        const struct result *r = &rs[i];
        json_t *o = json_object();
        json_object_set_new(o, "workload", json_string(r->c->workload));
        json_object_set_new(o, "fault", json_string(r->c->fault));
        json_object_set_new(o, "injected", json_string(r->c->inject ? r->c->what : "nothing"));
        json_object_set_new(o, "result", json_string(r->skipped ? "skip" : r->v.pass ? "pass" : "fail"));
        json_object_set_new(o, "exit_code", json_integer(r->exit_code));
        json_object_set_new(o, "error_events", json_integer(r->v.error_events));
        json_object_set_new(o, "matching_events", json_integer(r->v.matched));
        json_object_set_new(o, "detail", json_string(r->v.detail));
        json_object_set_new(o, "seed", json_integer((json_int_t)r->seed));
        json_object_set_new(o, "duration_s", json_real(r->seconds));
        json_object_set_new(o, "retried", json_boolean(r->retried));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "result", json_string(passed == n ? "pass" : "fail"));
    json_object_set_new(root, "passed", json_integer(passed));
    json_object_set_new(root, "failed", json_integer(n - passed));
    json_object_set_new(root, "duration_s", json_real(secs));
    json_object_set_new(root, "cases", arr);
    json_dumpf(root, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(root);
}

int cmd_selftest(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc > 0 ? SW_EXIT_OK : SW_EXIT_USAGE;

    const struct sw_workload *wls[MAX_WORKLOADS];
    int nw = 0;
    for (int k = 0; k < sw_workload_count && k < MAX_WORKLOADS; k++)
        if (o.want[k])
            wls[nw++] = sw_workloads[k];
    static struct sw_selftest_case cases[SW_SELFTEST_MAX_CASES];
    static struct result rs[SW_SELFTEST_MAX_CASES];
    int n = sw_selftest_build(wls, nw, cases, SW_SELFTEST_MAX_CASES);
    memset(rs, 0, sizeof rs);
    for (int i = 0; i < n; i++)
        rs[i].c = &cases[i];

    const char *tmp = getenv("TMPDIR");
    char state_dir[512];
    snprintf(state_dir, sizeof state_dir, "%s/stresswsl-selftest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(state_dir))
        return sw_cli_error(SW_EXIT_CANNOT_RUN, "selftest: cannot create a temporary directory in %s: %s (set TMPDIR "
                                                "to a writable directory)",
                            tmp && *tmp ? tmp : "/tmp", strerror(errno));
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int workers = ncpu >= 2 ? 2 : 1;
    if (!o.json)
        fprintf(stderr, "selftest: %d cases, about %.0f s each, %d worker%s per case\n", n, CASE_MS / 1000.0, workers,
                workers == 1 ? "" : "s");

    uint64_t t0 = sw_now_mono_ns();
    int passed = 0, done = 0, interrupted = 0;
    for (int i = 0; i < n && !interrupted; i++) {
        interrupted = run_case(&rs[i], state_dir, i, workers, CASE_MS);
        if (!interrupted && !rs[i].v.pass && rs[i].exit_code >= 0 && rs[i].v.ops == 0 && !rs[i].v.error_events) {
            /* Not a verdict on the detector: the workload never got to work in a second (a slow or
             * busy machine). One longer try; a detector that misses a fault it got to see is not retried. */
            memset(&rs[i].v, 0, sizeof rs[i].v);
            rs[i].retried = true;
            interrupted = run_case(&rs[i], state_dir, i, workers, RETRY_MS);
        }
        done++;
        passed += rs[i].v.pass;
        if (!o.json)
            print_line(&rs[i]);
    }
    double secs = (double)(sw_now_mono_ns() - t0) / 1e9;
    if (sw_rundir_remove_tree(state_dir) < 0)
        sw_cli_warn("selftest: could not remove all of %s", state_dir);
    if (o.json)
        print_json(rs, done, passed, secs);
    else
        printf("selftest: %d of %d cases passed in %.1f s%s\n", passed, n, secs,
               interrupted ? " (interrupted)" : passed == n ? "" : ": the failing detectors cannot be trusted");
    if (interrupted)
        return SW_EXIT_INTERRUPTED;
    return passed == n ? SW_EXIT_OK : SW_EXIT_UNSTABLE;
}
