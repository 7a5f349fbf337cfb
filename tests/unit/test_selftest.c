/* The selftest's judge: fed doctored report.json objects, it must pass only a fault that was detected
 * AND attributed to the right workload, worker and CPU with the run exiting 1, and a clean run only
 * when it found nothing and did work. A judge that passes anything would make the selftest useless. */
#include <stdio.h>
#include <string.h>

#include "cli/selftest.h"
#include "core/workload.h"
#include "stress/registry.h"
#include "tests/harness/check.h"

/* A report of one phase with workload wl, workers 0 and 1 pinned to CPUs 0 and 1, run exit code
 * rep_exit, the workload's ops/errors, and the given events (a JSON array body). */
static json_t *report(const char *wl, int rep_exit, long ops, long errors, const char *worker1_exit, const char *events)
{
    char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"schema_version\": 1, \"run\": {\"exit_code\": %d},"
             " \"plan\": {\"phases\": [{\"name\": \"p\", \"workloads\": [{\"name\": \"%s\", \"workers\": 2,"
             "   \"placement\": [{\"worker\": 0, \"cpus\": \"0\"}, {\"worker\": 1, \"cpus\": \"1\"}]}]}]},"
             " \"workloads\": [{\"name\": \"%s\", \"ops\": %ld, \"errors\": %ld, \"worker_results\": ["
             "   {\"worker\": 0, \"exit\": \"ok\"}, {\"worker\": 1, \"exit\": \"%s\"}]}],"
             " \"events\": [%s]}",
             rep_exit, wl, wl, ops, errors, worker1_exit, events);
    json_error_t e;
    json_t *r = json_loads(buf, 0, &e);
    if (!r)
        fprintf(stderr, "bad test JSON: %s: %s\n", e.text, buf);
    return r;
}

/* The cases `stresswsl selftest` runs: built from every registered workload. */
static const struct sw_selftest_case *real_cases(int *n)
{
    static struct sw_selftest_case c[SW_SELFTEST_MAX_CASES];
    static int nc = -1;
    if (nc < 0)
        nc = sw_selftest_build(sw_workloads, sw_workload_count, c, SW_SELFTEST_MAX_CASES);
    *n = nc;
    return c;
}

static const struct sw_selftest_case *find_case(const char *wl, const char *fault)
{
    int n;
    const struct sw_selftest_case *c = real_cases(&n);
    for (int i = 0; i < n; i++)
        if (!strcmp(c[i].workload, wl) && !strcmp(c[i].fault, fault))
            return &c[i];
    return NULL;
}

/* Judges and frees r; returns pass. */
static bool judge(const struct sw_selftest_case *c, json_t *r, int exit_code, struct sw_selftest_verdict *v)
{
    sw_selftest_judge(c, r, exit_code, v);
    json_decref(r);
    return v->pass;
}

/* One mem_error (flipped_bits = expected ^ actual, as the runner writes it) and an unrelated warning. */
static json_t *mem_report(const char *wl_ev, int worker, int cpu, const char *vaddr, unsigned long long exp,
                          unsigned long long act, int rep_exit)
{
    char ev[1024];
    snprintf(ev, sizeof ev,
             "{\"seq\": 5, \"type\": \"mem_error\", \"severity\": \"error\", \"workload\": \"%s\", \"worker\": %d,"
             " \"cpu\": %d, \"pid\": 42, \"what\": \"walking-ones\", \"text\": \"t\", \"mem\": {\"vaddr\": \"%s\","
             " \"expected\": \"0x%llx\", \"actual\": \"0x%llx\", \"flipped_bits\": \"0x%llx\"}},"
             "{\"seq\": 6, \"type\": \"note\", \"severity\": \"warn\", \"workload\": null, \"worker\": -1, \"cpu\": -1,"
             " \"pid\": 1, \"what\": \"x\", \"text\": \"unrelated warning\"}",
             wl_ev, worker, cpu, vaddr, exp, act, exp ^ act);
    return report("memory", rep_exit, 1000, 1, "ok", ev);
}

/* The cases of wls, as (workload, inject) pairs, must be exactly: a clean case per workload first,
 * then each declared inject bit of each workload, once, in bit order. */
static void check_cases_equal_injects(const struct sw_workload *const *wls, int nwl)
{
    struct sw_selftest_case c[SW_SELFTEST_MAX_CASES];
    int n = sw_selftest_build(wls, nwl, c, SW_SELFTEST_MAX_CASES);
    int i = 0;
    for (int w = 0; w < nwl; w++, i++) {
        CHECK_MSG(i < n && !strcmp(c[i].workload, wls[w]->name) && c[i].inject == 0, "clean case %d", w);
        if (i < n)
            CHECK_STR(c[i].fault, "clean");
    }
    for (int w = 0; w < nwl; w++)
        for (unsigned bit = 1; bit && bit <= SW_INJ_WRONG; bit <<= 1) {
            if (!(wls[w]->injects & bit))
                continue;
            CHECK_MSG(i < n && !strcmp(c[i].workload, wls[w]->name) && c[i].inject == bit, "%s inject %#x",
                      wls[w]->name, bit);
            if (i < n) {
                CHECK_STR(sw_selftest_fault_name(c[i].inject), c[i].fault);
                CHECK(c[i].want_types != 0 && c[i].what && *c[i].what);
            }
            i++;
        }
    CHECK_INT(n, i);   /* nothing beyond what the workloads declare */
}

static void test_cases_table(void)
{
    /* Fakes: injects alone decide the cases; a workload without any gets only its clean case. */
    static const struct sw_workload a = {.name = "a", .injects = SW_INJ_WRONG | SW_INJ_BITFLIP};
    static const struct sw_workload b = {.name = "b", .injects = 0};
    static const struct sw_workload c = {.name = "c", .injects = SW_INJ_SEGV | SW_INJ_CORRUPT | SW_INJ_WRONG};
    static const struct sw_workload *const fakes[] = {&a, &b, &c};
    check_cases_equal_injects(fakes, 3);
    struct sw_selftest_case out[SW_SELFTEST_MAX_CASES];
    CHECK_INT(sw_selftest_build(fakes, 3, out, SW_SELFTEST_MAX_CASES), 3 + 2 + 3);
    CHECK_INT(sw_selftest_build(fakes, 3, out, 4), 4);   /* bounded by the caller's array */
    /* The real registry: every declared inject is a case, and every workload has one at least. */
    check_cases_equal_injects(sw_workloads, sw_workload_count);
    for (int w = 0; w < sw_workload_count; w++)
        CHECK_MSG(sw_workloads[w]->injects != 0, "%s declares no injection: its detector is never tested",
                  sw_workloads[w]->name);
    CHECK(find_case("compile", "segv") && find_case("compile", "segv")->want_signo == 11);
    CHECK(find_case("io_uring", "wrong") && find_case("exit", "wrong"));
    CHECK(find_case("pressure", "bitflip") && find_case("pressure", "bitflip")->one_bit);
    CHECK_STR(sw_selftest_fault_name(0), "clean");
}

/* The selftest's light sizes name real parameters of real workloads. */
static void test_tuning_applies(void)
{
    for (int w = 0; w < sw_workload_count; w++) {
        struct sw_params p;
        struct sw_diag d = {0};
        CHECK(sw_params_defaults(&p, sw_workloads[w]->params, &d) == 0);
        CHECK_MSG(sw_selftest_tune(sw_workloads[w], &p, &d) == 0, "%s", d.msg);
    }
    static const struct sw_workload renamed = {.name = "memory", .params = NULL};
    struct sw_params p = {0};
    struct sw_diag d = {0};
    CHECK(sw_selftest_tune(&renamed, &p, &d) < 0);
    CHECK_MSG(strstr(d.msg, "no parameter 'size'") != NULL, "%s", d.msg);
}

static void test_bitflip_detected_and_attributed(void)
{
    const struct sw_selftest_case *c = find_case("memory", "bitflip");
    struct sw_selftest_verdict v;
    CHECK(judge(c, mem_report("memory", 1, 1, "0x7f0000001000", 0x5555555555555555ull, 0x5555555555555554ull, 1), 1,
                &v));
    CHECK_INT(v.matched, 1);
    CHECK_INT(v.error_events, 1);
    CHECK_MSG(strstr(v.detail, "worker 1 on cpu 1") && strstr(v.detail, "(1 bit)"), "%s", v.detail);
}

static void test_bitflip_rejections(void)
{
    const struct sw_selftest_case *c = find_case("memory", "bitflip");
    struct sw_selftest_verdict v;
    /* two bits flipped: not the injected single flip */
    CHECK(!judge(c, mem_report("memory", 0, 0, "0x7f0000001000", 0xffull, 0xfcull, 1), 1, &v));
    CHECK_MSG(strstr(v.detail, "not detected as injected"), "%s", v.detail);
    /* address outside user space */
    CHECK(!judge(c, mem_report("memory", 0, 0, "0x0", 1, 0, 1), 1, &v));
    CHECK(!judge(c, mem_report("memory", 0, 0, "0xffff800000000000", 1, 0, 1), 1, &v));
    /* the CPU the event names is not the one the worker was pinned to */
    CHECK(!judge(c, mem_report("memory", 0, 1, "0x7f0000001000", 1, 0, 1), 1, &v));
    CHECK_MSG(strstr(v.detail, "pinned to cpus 0"), "%s", v.detail);
    /* no CPU at all where the workload can know it */
    CHECK(!judge(c, mem_report("memory", 0, -1, "0x7f0000001000", 1, 0, 1), 1, &v));
    /* a worker the plan does not have */
    CHECK(!judge(c, mem_report("memory", 7, 0, "0x7f0000001000", 1, 0, 1), 1, &v));
    CHECK_MSG(strstr(v.detail, "worker 7"), "%s", v.detail);
    /* attributed to another workload */
    CHECK(!judge(c, mem_report("heap", 0, 0, "0x7f0000001000", 1, 0, 1), 1, &v));
    CHECK_MSG(strstr(v.detail, "'heap'"), "%s", v.detail);
    /* detected, but the run did not exit 1 */
    CHECK(!judge(c, mem_report("memory", 0, 0, "0x7f0000001000", 1, 0, 0), 0, &v));
    CHECK_MSG(strstr(v.detail, "exited 0"), "%s", v.detail);
    /* the runner's exit code and report.json disagree */
    CHECK(!judge(c, mem_report("memory", 0, 0, "0x7f0000001000", 1, 0, 1), 0, &v));
    /* nothing found at all */
    CHECK(!judge(c, report("memory", 0, 1000, 0, "ok", ""), 0, &v));
    CHECK_MSG(strstr(v.detail, "not detected"), "%s", v.detail);
    /* wrong event type: a verify_error does not prove a memory bit flip was caught by the pattern check */
    CHECK(!judge(c,
                 report("memory", 1, 10, 1, "ok",
                        "{\"seq\": 1, \"type\": \"verify_error\", \"severity\": \"error\", \"workload\": \"memory\","
                        " \"worker\": 0, \"cpu\": 0, \"pid\": 9, \"verify\": {\"want\": \"0x1\", \"got\": \"0x2\"}}"),
                 1, &v));
    CHECK(!judge(c, NULL, 1, &v));
}

static void test_segv_case(void)
{
    const struct sw_selftest_case *c = find_case("compile", "segv");
    struct sw_selftest_verdict v;
    const char *ev11 = "{\"seq\": 3, \"type\": \"worker_signal\", \"severity\": \"error\", \"workload\": \"compile\","
                       " \"worker\": 1, \"cpu\": -1, \"pid\": 77, \"what\": \"compile-job\", \"text\": \"t\","
                       " \"fault\": {\"signal\": \"SIGSEGV\", \"signo\": 11}}";
    const char *ev6 = "{\"seq\": 3, \"type\": \"worker_signal\", \"severity\": \"error\", \"workload\": \"compile\","
                      " \"worker\": 1, \"cpu\": -1, \"pid\": 77, \"what\": \"compile-job\", \"text\": \"t\","
                      " \"fault\": {\"signal\": \"SIGABRT\", \"signo\": 6}}";
    CHECK(judge(c, report("compile", 1, 30, 1, "ok", ev11), 1, &v));
    CHECK_MSG(strstr(v.detail, "SIGSEGV"), "%s", v.detail);
    CHECK(!judge(c, report("compile", 1, 30, 1, "ok", ev6), 1, &v));
    /* the injected child's death must not take the worker with it */
    CHECK(!judge(c, report("compile", 1, 30, 1, "signal SIGSEGV", ev11), 1, &v));
    CHECK_MSG(strstr(v.detail, "worker 1 exit 'signal SIGSEGV'"), "%s", v.detail);
}

static void test_verify_cases(void)
{
    const struct sw_selftest_case *c = find_case("compute", "wrong");
    struct sw_selftest_verdict v;
    const char *good = "{\"seq\": 2, \"type\": \"verify_error\", \"severity\": \"error\", \"workload\": \"compute\","
                       " \"worker\": 0, \"cpu\": 0, \"pid\": 5, \"what\": \"fp-matrix\", \"text\": \"t\","
                       " \"verify\": {\"want\": \"0xe0cb2b2918c4f047\", \"got\": \"0xe0cb2b2918c6f047\"}}";
    const char *same = "{\"seq\": 2, \"type\": \"verify_error\", \"severity\": \"error\", \"workload\": \"compute\","
                       " \"worker\": 0, \"cpu\": 0, \"pid\": 5, \"what\": \"fp-matrix\", \"text\": \"t\","
                       " \"verify\": {\"want\": \"0x10\", \"got\": \"0x10\"}}";
    CHECK(judge(c, report("compute", 1, 500, 1, "ok", good), 1, &v));
    CHECK_MSG(strstr(v.detail, "fp-matrix want 0xe0cb2b2918c4f047 got 0xe0cb2b2918c6f047"), "%s", v.detail);
    CHECK(!judge(c, report("compute", 1, 500, 1, "ok", same), 1, &v));
    /* the event is there but the workload's own error counter says 0: the counts are broken */
    CHECK(!judge(c, report("compute", 1, 500, 0, "ok", good), 1, &v));
}

static void test_clean_case(void)
{
    struct sw_selftest_case clean = {.workload = "execve", .fault = "clean", .what = "nothing"};
    struct sw_selftest_verdict v;
    CHECK(judge(&clean, report("execve", 0, 1651, 0, "ok", ""), 0, &v));
    CHECK_MSG(strstr(v.detail, "1651 ops"), "%s", v.detail);
    /* warnings are fine on a clean run */
    CHECK(judge(&clean,
                report("execve", 0, 10, 0, "ok",
                       "{\"seq\": 1, \"type\": \"resource\", \"severity\": \"warn\", \"workload\": \"execve\","
                       " \"worker\": 0, \"cpu\": 0, \"pid\": 3, \"text\": \"backing off\"}"),
                0, &v));
    /* a detector that fires on a clean run is broken */
    CHECK(!judge(&clean,
                 report("execve", 1, 10, 1, "ok",
                        "{\"seq\": 1, \"type\": \"verify_error\", \"severity\": \"error\", \"workload\": \"execve\","
                        " \"worker\": 0, \"cpu\": 0, \"pid\": 3, \"text\": \"boom\", \"verify\": {\"want\": \"0x1\","
                        " \"got\": \"0x2\"}}"),
                 1, &v));
    CHECK_MSG(strstr(v.detail, "clean run reported 1 error event"), "%s", v.detail);
    CHECK(!judge(&clean, report("execve", 0, 0, 0, "ok", ""), 0, &v));        /* did no work */
    CHECK(!judge(&clean, report("execve", 0, 10, 3, "ok", ""), 0, &v));       /* counted errors, no events */
    CHECK(!judge(&clean, report("execve", 0, 10, 0, "status 4", ""), 0, &v)); /* a worker failed */
    CHECK(!judge(&clean, report("heap", 0, 10, 0, "ok", ""), 0, &v));         /* the workload did not run */
    CHECK_MSG(strstr(v.detail, "no results for workload 'execve'"), "%s", v.detail);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"cases_table", test_cases_table},
        {"tuning_applies", test_tuning_applies},
        {"bitflip_detected_and_attributed", test_bitflip_detected_and_attributed},
        {"bitflip_rejections", test_bitflip_rejections},
        {"segv_case", test_segv_case},
        {"verify_cases", test_verify_cases},
        {"clean_case", test_clean_case},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
