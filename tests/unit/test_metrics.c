/* --metrics: label values are escaped, every family has HELP and TYPE, counters end in _total, the
 * verdict and lean come from the report's verdict (lean optional), and the file is replaced atomically
 * (never through a symlink) at most every interval during the run, at once at the end. */
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/metrics.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static char *text_of(const struct sw_metrics *m)
{
    static char buf[1 << 16];
    memset(buf, 0, sizeof buf);
    FILE *o = fmemopen(buf, sizeof buf - 1, "w");
    CHECK_INT(sw_metrics_format(m, o), 0);
    fclose(o);
    return strdup(buf);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_format(void)
{
    char dir[] = "/tmp/sw-metrics-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/stresswsl.prom", dir);
    json_t *facts = tf_facts("GenuineIntel", "Evil \"CPU\" \\ with\nnewline", "0xb0671", 6, 183, "0x129", NULL, "wsl2");
    struct sw_metrics m;
    struct sw_diag d;
    CHECK_INT(sw_metrics_open(&m, path, "before-bios", "compile", facts, &d), 0);
    json_decref(facts);
    char *t = text_of(&m);
    CHECK(strstr(t, "cpu_model=\"Evil \\\"CPU\\\" \\\\ with\\nnewline\"") != NULL);
    CHECK(strstr(t, "microcode_firmware=\"0x129\"") != NULL);
    CHECK(strstr(t, "cpu_signature=\"0xb0671\"") != NULL);
    CHECK(strstr(t, "stresswsl_verdict{status=\"pending\"} 1") != NULL);
    CHECK(strstr(t, "stresswsl_run_state{state=\"running\"} 1") != NULL);
    CHECK(strstr(t, "stresswsl_run_end_timestamp_seconds") == NULL);   /* not ended yet */
    /* Every sample's family has HELP and TYPE lines; counters are *_total. */
    char *lines = strdup(t);
    for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(line, "{ "), line);
        char want[200], help[200];
        snprintf(want, sizeof want, "# TYPE %s ", name);
        snprintf(help, sizeof help, "# HELP %s ", name);
        const char *type = strstr(t, want);
        CHECK_MSG(type && strstr(t, help), "no HELP/TYPE for %s", name);
        if (type && strstr(name, "_total"))
            CHECK_MSG(!strncmp(type + strlen(want), "counter", 7), "%s is not a counter", name);
    }
    free(lines);
    free(t);
    /* Events by kind and severity; workload totals over runs of the same workload. */
    struct sw_event e = {0};
    e.type = SW_EV_KERNEL;
    e.sev = SW_SEV_ERROR;
    e.klog_kind = SW_KLOG_MCE;
    sw_metrics_event(&m, &e);
    sw_metrics_event(&m, &e);
    struct sw_run_counts c[] = {{"compile", "jobs", 10, 0, 1}, {"memory", "bytes", 5, 4096, 0}, {"compile", "jobs", 7, 0, 2}};
    struct sw_run_tick tick = {"20261203-1", "build", 1796313939000000000ull, 1796313940000000000ull, c, 3, NULL, false};
    sw_metrics_tick(&m, &tick, &d);
    t = slurp(path);
    CHECK(t && strstr(t, "stresswsl_kernel_events_total{kind=\"mce\"} 2") != NULL);
    CHECK(t && strstr(t, "stresswsl_events_total{severity=\"error\"} 2") != NULL);
    CHECK(t && strstr(t, "stresswsl_workload_operations_total{workload=\"compile\",unit=\"jobs\"} 17") != NULL);
    CHECK(t && strstr(t, "stresswsl_workload_errors_total{workload=\"compile\"} 3") != NULL);
    CHECK(t && strstr(t, "stresswsl_workload_verified_bytes_total{workload=\"memory\"} 4096") != NULL);
    CHECK(t && strstr(t, "stresswsl_run_start_timestamp_seconds 1796313939.000") != NULL);
    CHECK(t && strstr(t, "run_id=\"20261203-1\"") != NULL);
    /* Within the interval the file is not rewritten; after it, it is. */
    c[0].ops = 100;
    tick.now_real_ns += 2000000000ull;
    sw_metrics_tick(&m, &tick, &d);
    t = slurp(path);
    CHECK(t && strstr(t, "unit=\"jobs\"} 17") != NULL);
    tick.now_real_ns += 4000000000ull;
    sw_metrics_tick(&m, &tick, &d);
    t = slurp(path);
    CHECK(t && strstr(t, "unit=\"jobs\"} 107") != NULL);
    /* The end: verdict and lean from report.json; no temporary file left beside it. */
    json_t *rep = json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s}}", "run", "status", "completed", "start",
                            "2026-12-03T10:00:00Z", "end", "2026-12-03T10:10:00Z", "verdict", "status", "unstable",
                            "summary", "x", "lean", "hardware-cpu");
    CHECK_INT(sw_metrics_finish(&m, rep, &d), 0);
    t = slurp(path);
    CHECK(t && strstr(t, "stresswsl_verdict{status=\"unstable\"} 1") != NULL);
    CHECK(t && strstr(t, "stresswsl_verdict{status=\"pending\"} 0") != NULL);
    CHECK(t && strstr(t, "stresswsl_verdict_lean{lean=\"hardware-cpu\"} 1") != NULL);
    CHECK(t && strstr(t, "stresswsl_run_state{state=\"completed\"} 1") != NULL);
    CHECK(t && strstr(t, "stresswsl_run_end_timestamp_seconds 1796292600.000") != NULL);
    /* lean as an object, and no lean at all (older verdicts). */
    json_object_set_new(json_object_get(rep, "verdict"), "lean", json_pack("{s:s}", "class", "firmware"));
    sw_metrics_finish(&m, rep, &d);
    t = slurp(path);
    CHECK(t && strstr(t, "stresswsl_verdict_lean{lean=\"firmware\"} 1") != NULL);
    json_object_del(json_object_get(rep, "verdict"), "lean");
    sw_metrics_finish(&m, rep, &d);
    t = slurp(path);
    CHECK(t && !strstr(t, "stresswsl_verdict_lean"));
    json_decref(rep);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = stresswsl.prom", dir);
    CHECK_MSG(system(cmd) == 0, "a temporary file was left in %s", dir);
    /* A symlink (or a directory) at the path is never replaced; a missing directory is refused. */
    char link[300];
    snprintf(link, sizeof link, "%s/link.prom", dir);
    CHECK(symlink("/etc/passwd", link) == 0);
    CHECK(sw_metrics_open(&m, link, NULL, "x", NULL, &d) < 0);
    CHECK(sw_metrics_open(&m, dir, NULL, "x", NULL, &d) < 0);
    CHECK(sw_metrics_open(&m, "/nonexistent-dir/x.prom", NULL, "x", NULL, &d) < 0);
    CHECK(strstr(d.msg, "/nonexistent-dir") != NULL);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* Leaves stack garbage where an uninitialised message buffer would be read. */
static __attribute__((noinline)) void scribble_stack(void)
{
    volatile char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = '\x7f';   /* in no path or message */
}

/* A write that fails (a full disk; here the file-size limit) is one warning naming the file, not
 * whatever was on the stack (the metrics writer failed without a message of its own). */
static void test_write_failure_named(void)
{
    char dir[] = "/tmp/sw-metrics-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/full.prom", dir);
    struct sw_metrics m;
    struct sw_diag d = {0};
    CHECK_INT(sw_metrics_open(&m, path, NULL, "x", NULL, &d), 0);
    struct rlimit old, tiny = {64, 64};
    CHECK_INT(getrlimit(RLIMIT_FSIZE, &old), 0);
    tiny.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &tiny), 0);
    json_t *rep = json_pack("{s:{s:s}}", "run", "status", "completed");
    scribble_stack();
    int rc = sw_metrics_finish(&m, rep, &d);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    json_decref(rep);
    CHECK(rc < 0);
    CHECK_MSG(strstr(d.msg, "full.prom") != NULL && !strchr(d.msg, '\x7f'), "%.200s", d.msg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir);
    CHECK_MSG(system(cmd) == 0, "a temporary file was left in %s", dir);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"format", test_format},
        {"write failure named", test_write_failure_named},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
