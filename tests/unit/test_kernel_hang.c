/* A hang provoked by the kernel workloads (io_uring, exit, pressure) is the kernel's: the correlator names
 * the kernel, says whether its version has the io_uring exit-work fix (or that it cannot know), tells
 * what to do, and never raises the CPU lean. Synthetic run reports, and `analyze` of real public logs. */
#include <libgen.h>
#include <stdbool.h>

#include "report/correlate.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static json_t *g_rules;

#define I9 "13th Gen Intel(R) Core(TM) i9-13900K"

/* The io_uring workload's own report of a child it could not reap (stress/task_probe.c's wording). */
#define STUCK_URING                                                                                      \
    "{\"seq\":2,\"type\":\"stall\",\"severity\":\"error\",\"workload\":\"io_uring\",\"worker\":0,"     \
    "\"cpu\":-1,\"pid\":4242,\"phase\":\"full\",\"what\":\"io_uring child\",\"text\":\"io_uring child "  \
    "pid 4242 not reaped after 10500 ms: state D, thread 4243 wchan io_wq_exit_workers, stack: "        \
    "io_wq_exit_workers < io_uring_cancel_generic < do_exit < do_group_exit\"}"
#define STUCK_EXIT                                                                                       \
    "{\"seq\":2,\"type\":\"stall\",\"severity\":\"error\",\"workload\":\"exit\",\"worker\":0,"         \
    "\"cpu\":-1,\"pid\":515,\"phase\":\"full\",\"what\":\"exit-family\",\"text\":\"exit-family pid "    \
    "515 not reaped after 10000 ms: state D wchan rwsem_down_write_slowpath, stack: "                   \
    "rwsem_down_write_slowpath < exit_mmap < mmput < do_exit\"}"

/* A run report whose only workload is name (ops as given), on a kernel release and CPU. */
static json_t *kreport(const char *workload, double ops, const char *release, const char *events)
{
    json_t *facts = tf_facts("GenuineIntel", I9, "0xb0671", 6, 183, "0x12b", "0x12b", "wsl2");
    json_object_set_new(json_object_get(json_object_get(facts, "kernel"), "release"), "value",
                        release ? json_string(release) : json_null());
    json_t *r = tf_report(facts, events, 1200, "completed", "null");
    json_t *w = json_array_get(json_object_get(r, "workloads"), 0);
    json_object_set_new(w, "name", json_string(workload));
    json_object_set_new(w, "ops", json_real(ops));
    return r;
}

static json_t *judge(json_t *report)
{
    struct sw_diag d = {0};
    json_t *out = sw_correlate(report, g_rules, NULL, &d);
    if (!out) {
        fprintf(stderr, "correlate failed: %s\n", d.msg);
        abort();
    }
    json_decref(report);
    return out;
}

static const char *verdict(const json_t *out, const char *key)
{
    return tf_str(json_object_get(out, "verdict"), key);
}

/* No finding that leans hardware carries evidence (events): the hang did not raise the CPU lean. */
static bool hardware_carries_nothing(const json_t *out)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(out, "findings"), i, f) {
        const json_t *ev = json_object_get(json_object_get(f, "evidence"), "events");
        if (!strcmp(tf_str(f, "lean"), "hardware") && json_array_size(ev))
            return false;
    }
    return !strcmp(verdict(out, "lean"), "software");
}

static void test_stuck_uring_child_on_unfixed_kernel(void)
{
    json_t *out = judge(kreport("io_uring", 900, "6.6.20", "[" STUCK_URING "]"));
    const json_t *f = tf_finding(out, "kernel-workload-hang-unfixed-kernel");
    CHECK(f != NULL);
    CHECK_STR(tf_str(f, "confidence"), "high");
    CHECK_STR(tf_str(f, "lean"), "software");
    const char *s = tf_str(f, "summary");
    CHECK_MSG(strstr(s, "the io_uring workload") && strstr(s, "6.6.20") && strstr(s, "predates the fix") &&
                  strstr(s, "73eaa2b58349") && strstr(s, "io_wq_exit_workers") && strstr(s, "names io_uring") &&
                  strstr(s, "not the CPU's"),
              "%s", s);
    CHECK(strstr(tf_str(f, "advice"), "6.6.26") && strstr(tf_str(f, "advice"), "wsl --update"));
    CHECK_STR(verdict(out, "status"), "unstable");
    CHECK_MSG(strstr(verdict(out, "summary"), "Seen: 1 stuck task."), "%s", verdict(out, "summary"));
    CHECK(hardware_carries_nothing(out));
    json_decref(out);
}

static void test_fix_state_by_kernel(void)
{
    /* WSL's 5.15 kernel: Microsoft's build, no established 5.15.y backport: say it is not known. */
    json_t *out = judge(kreport("io_uring", 900, "5.15.167.4-microsoft-standard-WSL2", "[" STUCK_URING "]"));
    const json_t *f = tf_finding(out, "kernel-workload-hang-fix-unknown");
    CHECK(f && strstr(tf_str(f, "summary"), "5.15.167.4-microsoft-standard-WSL2") &&
          strstr(tf_str(f, "summary"), "is not known") && strstr(tf_str(f, "advice"), "wsl --update"));
    CHECK(f && !strcmp(tf_str(f, "confidence"), "high"));   /* the stack names io_uring */
    CHECK(!tf_finding(out, "kernel-workload-hang-unfixed-kernel") && !tf_finding(out, "kernel-workload-hang"));
    CHECK(hardware_carries_nothing(out));
    json_decref(out);
    /* A distribution's own numbering (x.y.0-N) says nothing about stable fixes. */
    out = judge(kreport("io_uring", 900, "6.8.0-45-generic", "[" STUCK_URING "]"));
    CHECK(tf_finding(out, "kernel-workload-hang-fix-unknown") != NULL);
    json_decref(out);
    /* No release recorded at all: unknown too. */
    out = judge(kreport("io_uring", 900, NULL, "[" STUCK_URING "]"));
    CHECK(tf_finding(out, "kernel-workload-hang-fix-unknown") != NULL);
    json_decref(out);
    /* A current WSL kernel has the fix: another kernel bug, still the kernel's. */
    out = judge(kreport("io_uring", 900, "6.6.87.2-microsoft-standard-WSL2", "[" STUCK_URING "]"));
    f = tf_finding(out, "kernel-workload-hang");
    CHECK(f && strstr(tf_str(f, "summary"), "already has the fix") && strstr(tf_str(f, "summary"), "another kernel bug"));
    CHECK(!tf_finding(out, "kernel-workload-hang-fix-unknown") && !tf_finding(out, "kernel-workload-hang-unfixed-kernel"));
    CHECK(hardware_carries_nothing(out));
    json_decref(out);
}

static void test_io_uring_stack_strengthens(void)
{
    /* The exit workload's child stuck elsewhere: the kernel's, but not tied to io_uring (medium). */
    json_t *out = judge(kreport("exit", 5000, "6.6.87.2-microsoft-standard-WSL2", "[" STUCK_EXIT "]"));
    const json_t *f = tf_finding(out, "kernel-workload-hang");
    CHECK(f && !strcmp(tf_str(f, "confidence"), "medium"));
    CHECK(f && strstr(tf_str(f, "summary"), "the exit workload") && !strstr(tf_str(f, "summary"), "names io_uring"));
    CHECK(hardware_carries_nothing(out));
    json_decref(out);
    out = judge(kreport("io_uring", 900, "6.6.87.2-microsoft-standard-WSL2", "[" STUCK_URING "]"));
    f = tf_finding(out, "kernel-workload-hang");
    CHECK(f && !strcmp(tf_str(f, "confidence"), "high") && strstr(tf_str(f, "summary"), "names io_uring"));
    json_decref(out);
}

static void test_kernel_messages_during_the_workloads(void)
{
    /* The kmsg watcher's hung task with generic frames while the pressure workload ran: the kernel's
     * hang, not "tasks blocked for a long time, cause unknown". */
    char ev[1200];
    snprintf(ev, sizeof ev, "[%s]",
             tf_kev(3, "hung_task", "", "error", -1, "\"task\":\"sw-pressure\",\"symbols\":[\"rwsem_down_read_slowpath\",\"do_user_addr_fault\"]",
                    "INFO: task sw-pressure:812 blocked for more than 122 seconds."));
    json_t *out = judge(kreport("pressure", 40, "6.6.87.2-microsoft-standard-WSL2", ev));
    CHECK(tf_finding(out, "kernel-workload-hang") != NULL);
    CHECK(tf_finding(out, "hung-task-generic") == NULL);
    CHECK(hardware_carries_nothing(out));
    json_decref(out);
    /* A soft lockup in io_uring code on a 6.7 kernel (its branch ended without the fix). */
    snprintf(ev, sizeof ev, "[%s]",
             tf_kev(3, "soft_lockup", "", "error", 1, "\"symbols\":[\"io_uring_try_cancel_requests\",\"io_ring_exit_work\"]",
                    "watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [kworker/u4:2:93]"));
    out = judge(kreport("io_uring", 900, "6.7.12", ev));
    const json_t *f = tf_finding(out, "kernel-workload-hang-unfixed-kernel");
    CHECK(f && strstr(tf_str(f, "summary"), "soft_lockup") && strstr(tf_str(f, "summary"), "names io_uring"));
    CHECK(tf_finding(out, "vm-stall") == NULL && tf_finding(out, "kernel-stall-unknown-environment") == NULL);
    CHECK(hardware_carries_nothing(out));
    json_decref(out);
}

static void test_runner_no_progress_in_d_state(void)
{
    const char *d = "[{\"seq\":4,\"type\":\"stall\",\"severity\":\"warn\",\"workload\":\"io_uring\",\"worker\":1,"
                    "\"cpu\":-1,\"pid\":700,\"phase\":\"full\",\"what\":\"io_wq_exit_workers\",\"text\":\"worker 1 "
                    "(io_uring) made no progress for 14 s: state D, wchan io_wq_exit_workers\"}]";
    json_t *out = judge(kreport("io_uring", 900, "6.6.20", d));
    CHECK(tf_finding(out, "kernel-workload-hang-unfixed-kernel") != NULL);
    json_decref(out);
    /* Running (R) without progress is a busy or starved machine, not a kernel hang. */
    const char *r = "[{\"seq\":4,\"type\":\"stall\",\"severity\":\"warn\",\"workload\":\"io_uring\",\"worker\":1,"
                    "\"cpu\":-1,\"pid\":700,\"phase\":\"full\",\"what\":\"0\",\"text\":\"worker 1 "
                    "(io_uring) made no progress for 14 s: state R, wchan 0\"}]";
    out = judge(kreport("io_uring", 900, "6.6.20", r));
    CHECK(tf_finding(out, "kernel-workload-hang-unfixed-kernel") == NULL);
    json_decref(out);
}

static void test_not_without_the_workloads(void)
{
    /* The same hung task while only compile ran: no claim about the kernel workloads. */
    char ev[1200];
    snprintf(ev, sizeof ev, "[%s]",
             tf_kev(3, "hung_task", "", "error", -1, "\"symbols\":[\"rwsem_down_read_slowpath\"]",
                    "INFO: task cc1:812 blocked for more than 122 seconds."));
    json_t *out = judge(kreport("compile", 900, "6.6.20", ev));
    CHECK(!tf_finding(out, "kernel-workload-hang-unfixed-kernel") && !tf_finding(out, "kernel-workload-hang"));
    CHECK(tf_finding(out, "hung-task-generic") != NULL);
    json_decref(out);
    /* io_uring was listed but skipped here (no ops, no errors): it provoked nothing. */
    out = judge(kreport("io_uring", 0, "6.6.20", ev));
    CHECK(!tf_finding(out, "kernel-workload-hang-unfixed-kernel"));
    json_decref(out);
}

/* `stresswsl analyze` of real public logs of io_uring hangs names io_uring and the kernel. */
static void test_real_logs_name_io_uring(void)
{
    const char *bin = getenv("STRESSWSL_BIN");
    if (!bin)
        SW_SKIP("STRESSWSL_BIN is not set (run through ctest)");
    char here[4096], corpus[4096];
    snprintf(here, sizeof here, "%s", __FILE__);
    snprintf(corpus, sizeof corpus, "%s/../corpus/kmsg", dirname(here));
    const char *logs[] = {"kmsg/hung-task-io-uring-exit-work-5.12.log",
                          "kmsg/hung-task-io-uring-exit-work-lockdep-printk-caller.log",
                          "kmsg-more/hung-task-io-uring-ring-leak-d-state-5.18.log",
                          "@hung-task-io-uring-cancel-files-do-exit-5.10.13-journal.log",
                          "@hung-task-io-uring-poll-task-func-arm64-aws-6.8-rfc3339.log"};
    for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
        char path[4096], cmd[8300];
        if (logs[i][0] == '@')
            snprintf(path, sizeof path, "%s/%s", corpus, logs[i] + 1);
        else
            snprintf(path, sizeof path, "%s", sw_test_fixture(logs[i]));
        snprintf(cmd, sizeof cmd, "'%s' analyze --json '%s' 2>/dev/null", bin, path);
        FILE *p = popen(cmd, "r");
        CHECK(p != NULL);
        if (!p)
            continue;
        json_error_t je;
        json_t *out = json_loadf(p, 0, &je);
        pclose(p);
        CHECK_MSG(out != NULL, "%s: %s", path, je.text);
        const json_t *v = json_object_get(out, "verdict");
        const json_t *top = json_array_get(json_object_get(out, "findings"), 0);
        CHECK_MSG(!strcmp(tf_str(v, "lean"), "software"), "%s: lean %s", logs[i], tf_str(v, "lean"));
        CHECK_MSG(!strncmp(tf_str(top, "rule"), "io-uring-hung-task", 18) && !strcmp(tf_str(top, "class"), "kernel-bug") &&
                      strstr(tf_str(top, "summary"), "io_uring") && strstr(tf_str(top, "summary"), "kernel"),
                  "%s: %s", logs[i], tf_str(top, "rule"));
        json_decref(out);
    }
}

static void test_load(void)
{
    g_rules = tf_load_rules();
}

int main(int argc, char **argv)
{
    test_load();
    static const struct sw_test_case cases[] = {
        {"stuck_uring_child_on_unfixed_kernel", test_stuck_uring_child_on_unfixed_kernel},
        {"fix_state_by_kernel", test_fix_state_by_kernel},
        {"io_uring_stack_strengthens", test_io_uring_stack_strengthens},
        {"kernel_messages_during_the_workloads", test_kernel_messages_during_the_workloads},
        {"runner_no_progress_in_d_state", test_runner_no_progress_in_d_state},
        {"not_without_the_workloads", test_not_without_the_workloads},
        {"real_logs_name_io_uring", test_real_logs_name_io_uring},
        {NULL, NULL},
    };
    int rc = sw_test_main(argc, argv, cases);
    json_decref(g_rules);
    return rc;
}
