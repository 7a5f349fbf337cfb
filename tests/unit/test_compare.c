/* compare: verdicts on synthetic before/after sets (fixed, regressed, inconclusive with one clean run),
 * what changed, throughput with a noise band, loading run directories, and the statistics. */
#include <math.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/compare.h"
#include "report/stats.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static json_t *one(const char *bios, const char *fw, const char *status, int base_rate)
{
    json_t *f = tf_facts("GenuineIntel", "13th Gen Intel(R) Core(TM) i9-13900K", "0xb0671", 6, 183, fw, NULL, "wsl2");
    json_object_set_new(json_object_get(json_object_get(f, "firmware"), "bios_version"), "value", json_string(bios));
    json_t *r = tf_report(f, "[]", 1200, "completed", "null");
    json_object_set_new(r, "verdict", json_pack("{s:s,s:s}", "status", status, "summary", "x"));
    /* 60 seconds of per-second ops around base_rate, with a little deterministic wobble. */
    json_t *ops = json_array();
    for (int i = 0; i < 60; i++)
        json_array_append_new(ops, json_integer(base_rate + (i * 7) % 5 - 2));
    json_t *w = json_array_get(json_object_get(r, "workloads"), 0);
    json_object_set_new(json_object_get(w, "series"), "ops", ops);
    json_object_set_new(w, "rate_per_s", json_real(base_rate));
    return r;
}

static json_t *side(int n, const char *bios, const char *fw, int unstable, int rate)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, one(bios, fw, i < unstable ? "unstable" : "stable", rate));
    return a;
}

static json_t *cmp(json_t *b, json_t *a)
{
    struct sw_diag d = {0};
    json_t *c = sw_compare(b, a, NULL, &d);
    CHECK_MSG(c != NULL, "%s", d.msg);
    json_decref(b);
    json_decref(a);
    return c;
}

static const char *verdict(const json_t *c)
{
    return json_string_value(json_object_get(c, "verdict"));
}

static void test_fixed(void)
{
    json_t *c = cmp(side(3, "1402", "0x123", 3, 20), side(5, "1801", "0x12f", 0, 30));
    CHECK_STR(verdict(c), "fixed");
    CHECK_INT(sw_compare_exit_code(c), 0);
    const json_t *ch = json_object_get(c, "changes");
    size_t i;
    const json_t *x;
    bool bios = false, fw = false, kernel_changed = false;
    json_array_foreach(ch, i, x) {
        const char *w = json_string_value(json_object_get(x, "what"));
        if (!strcmp(w, "BIOS version"))
            bios = json_is_true(json_object_get(x, "changed")) && !strcmp(json_string_value(json_object_get(x, "after")), "1801");
        if (!strcmp(w, "microcode (firmware)"))
            fw = json_is_true(json_object_get(x, "changed"));
        if (!strcmp(w, "kernel"))
            kernel_changed = json_is_true(json_object_get(x, "changed"));
    }
    CHECK(bios && fw && !kernel_changed);
    const json_t *t = json_array_get(json_object_get(c, "throughput"), 0);
    CHECK(fabs(json_real_value(json_object_get(t, "change_pct")) - 50.0) < 2.0);
    CHECK(json_object_get(t, "noise_pct") && json_is_false(json_object_get(t, "within_noise")));
    CHECK_INT(json_integer_value(json_object_get(c, "clean_runs_for_10pct")), 29);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct sw_diag d;
    CHECK(sw_compare_write_text(c, f, &d) == 0);
    fclose(f);
    CHECK_MSG(strstr(buf, "FIXED: Fixed:") == buf && strstr(buf, "BIOS version") && strstr(buf, "1402 -> 1801") &&
              strstr(buf, "3 of 3 runs failed") && strstr(buf, "0 of 5 runs failed") && strstr(buf, "29 clean runs"),
              "%s", buf);
    free(buf);
    f = open_memstream(&buf, &len);
    CHECK(sw_compare_write_markdown(c, f, &d) == 0);
    fclose(f);
    CHECK_MSG(strstr(buf, "# stresswsl compare: FIXED") && strstr(buf, "| **BIOS version** | 1402 | 1801 |"), "%s", buf);
    free(buf);
    json_decref(c);
}

static void test_inconclusive_with_one_clean_run(void)
{
    json_t *c = cmp(side(3, "1402", "0x123", 3, 20), side(1, "1801", "0x12f", 0, 20));
    CHECK_STR(verdict(c), "inconclusive");
    CHECK_INT(sw_compare_exit_code(c), 1);
    CHECK_MSG(strstr(json_string_value(json_object_get(c, "summary")), "5 clean runs in all are needed") != NULL, "%s",
              json_string_value(json_object_get(c, "summary")));
    const json_t *t = json_array_get(json_object_get(c, "throughput"), 0);
    CHECK(json_is_true(json_object_get(t, "within_noise")));   /* same rate: inside the noise band */
    json_decref(c);
}

static void test_regressed_and_unchanged(void)
{
    json_t *c = cmp(side(3, "1402", "0x12b", 0, 20), side(2, "1801", "0x12f", 1, 20));
    CHECK_STR(verdict(c), "regressed");
    CHECK_INT(sw_compare_exit_code(c), 1);
    json_decref(c);
    c = cmp(side(2, "1402", "0x12b", 0, 20), side(2, "1402", "0x12b", 0, 20));
    CHECK_STR(verdict(c), "unchanged");
    CHECK_INT(sw_compare_exit_code(c), 0);
    json_decref(c);
    c = cmp(side(4, "1402", "0x123", 4, 20), side(4, "1801", "0x12f", 1, 20));
    CHECK_STR(verdict(c), "unchanged");   /* intervals overlap: not shown to be better */
    CHECK_INT(sw_compare_exit_code(c), 1);
    json_decref(c);
    /* Only interrupted runs after: nothing to judge. */
    json_t *after = side(2, "1801", "0x12f", 0, 20);
    size_t i;
    json_t *r;
    json_array_foreach(after, i, r) json_object_set_new(json_object_get(r, "verdict"), "status", json_string("inconclusive"));
    c = cmp(side(2, "1402", "0x123", 2, 20), after);
    CHECK_STR(verdict(c), "inconclusive");
    json_decref(c);
}

static void test_load_paths(void)
{
    char dir[256];
    sw_test_tmpdir(dir, sizeof dir, "sw-compare");
    char p[256];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/run%d", dir, i);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/run%d/report.json", dir, i);
        json_t *r = one("1402", "0x123", "stable", 10);
        json_dump_file(r, p, 0);
        json_decref(r);
    }
    struct sw_diag d = {0};
    json_t *reps = json_array();
    CHECK_MSG(sw_compare_load_path(dir, reps, &d) == 0, "%s", d.msg);   /* a directory of run dirs */
    CHECK_INT(json_array_size(reps), 3);
    snprintf(p, sizeof p, "%s/run1", dir);
    CHECK(sw_compare_load_path(p, reps, &d) == 0);   /* one run directory */
    CHECK_INT(json_array_size(reps), 4);
    snprintf(p, sizeof p, "%s/bad.json", dir);
    FILE *f = fopen(p, "w");
    fputs("{\"not\": \"a report\"}", f);
    fclose(f);
    CHECK(sw_compare_load_path(p, reps, &d) != 0 && strstr(d.msg, "not a stresswsl report.json"));
    CHECK(sw_compare_load_path("/nonexistent/x", reps, &d) != 0 && strstr(d.msg, "/nonexistent/x"));
    json_decref(reps);
    unlink(p);
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/run%d/report.json", dir, i);
        unlink(p);
        snprintf(p, sizeof p, "%s/run%d", dir, i);
        rmdir(p);
    }
    CHECK(rmdir(dir) == 0);
}

static void test_stats(void)
{
    double lo, hi;
    sw_wilson(0, 10, 1.959964, &lo, &hi);
    CHECK(lo == 0 && fabs(hi - 0.2775) < 0.001);
    sw_wilson(5, 10, 1.959964, &lo, &hi);
    CHECK(fabs(lo - 0.2366) < 0.001 && fabs(hi - 0.7634) < 0.001);
    CHECK_INT(sw_clean_runs_needed(0.10, 0.95), 29);
    CHECK_INT(sw_clean_runs_needed(0.05, 0.95), 59);
    double x[40], mean, se;
    for (int i = 0; i < 40; i++)
        x[i] = 10;
    sw_batch_mean(x, 40, 10, &mean, &se);
    CHECK(mean == 10 && se == 0);
    sw_batch_mean(x, 5, 10, &mean, &se);
    CHECK(se < 0);   /* too short for a noise band */
}

/* Student's t for the few blocks a short run has: wider than z, converging to it. */
static void test_student_t(void)
{
    CHECK(fabs(sw_t95(1) - 12.706) < 1e-3);
    CHECK(fabs(sw_t95(10) - 2.228) < 1e-3);
    CHECK(fabs(sw_t95(2.5) - (4.303 + 3.182) / 2) < 1e-3);   /* Welch's fractional df interpolate */
    CHECK(fabs(sw_t95(60) - 2.000) < 1e-3);
    CHECK(sw_t95(1e9) > 1.9599 && sw_t95(1e9) < 1.9601);
    CHECK(sw_t95(0.2) == sw_t95(1));
    for (double df = 1; df < 500; df += 0.5)   /* never below z, never rising */
        CHECK(sw_t95(df) >= 1.959 && sw_t95(df + 0.5) <= sw_t95(df));
    CHECK(fabs(sw_welch_df(1, 10, 1, 10) - 18) < 1e-9);   /* equal spread: n1 + n2 - 2 */
    CHECK(fabs(sw_welch_df(1, 2, 0, 50) - 1) < 1e-9);     /* one noisy side dominates */
    CHECK_INT((int)sw_batch_count(25, 10), 2);
    /* One 60 s run a side gives 6 blocks of 10 s: the band uses t with about 10 df, not 1.96. */
    json_t *c = cmp(side(1, "1402", "0x123", 0, 100), side(1, "1402", "0x123", 0, 100));
    const json_t *row = json_array_get(json_object_get(c, "throughput"), 0);
    double df = json_real_value(json_object_get(row, "noise_df"));
    CHECK(df >= 5 && df <= 10.001);
    json_decref(c);
}

/* Load, steal and CPU count recorded in each run decide whether throughput can be compared. */
static void with_load(json_t *side_reports, double load_before, double steal, int cpus)
{
    size_t i;
    json_t *r;
    json_array_foreach(side_reports, i, r) {
        json_object_set_new(r, "load", json_pack("{s:f,s:f,s:f,s:i}", "loadavg_before", load_before, "loadavg_after",
                                                 load_before, "steal_pct", steal, "cpus", cpus));
        json_object_set_new(r, "plan", json_pack("{s:{s:i}}", "budget", "online_cpus", cpus));
    }
}

static void test_not_comparable(void)
{
    json_t *b = side(2, "1402", "0x123", 0, 100), *a = side(2, "1402", "0x123", 0, 100);
    with_load(b, 0.1, 0.5, 8);
    with_load(a, 0.2, 1.0, 8);
    json_t *c = cmp(b, a);
    CHECK_INT((int)json_array_size(json_object_get(c, "not_comparable")), 0);   /* same conditions */
    json_decref(c);
    b = side(2, "1402", "0x123", 0, 100);
    a = side(2, "1402", "0x123", 0, 100);
    with_load(b, 0.1, 0.5, 8);
    with_load(a, 6.0, 14.0, 4);
    c = cmp(b, a);
    const json_t *nc = json_object_get(c, "not_comparable");
    CHECK_INT((int)json_array_size(nc), 3);
    CHECK_STR(json_string_value(json_array_get(nc, 0)),
              "AFTER: the machine was already busy before a run (load 6.00 on 4 CPUs)");
    CHECK_STR(json_string_value(json_array_get(nc, 1)), "the hypervisor stole up to 0.5% of CPU time BEFORE and 14.0% AFTER");
    CHECK_STR(json_string_value(json_array_get(nc, 2)), "the CPU count differs (8 BEFORE, 4 AFTER)");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct sw_diag d = {0};
    CHECK(sw_compare_write_text(c, f, &d) == 0);
    fclose(f);
    CHECK(strstr(buf, "  Not comparable: the CPU count differs (8 BEFORE, 4 AFTER).\n") != NULL);
    free(buf);
    json_decref(c);
    /* reports from before load was recorded: said, not guessed */
    c = cmp(side(1, "1402", "0x123", 0, 100), side(1, "1402", "0x123", 0, 100));
    CHECK(strstr(json_string_value(json_array_get(json_object_get(c, "not_comparable"), 0)),
                 "BEFORE: 1 of 1 runs recorded no load or steal") != NULL);
    json_decref(c);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"fixed", test_fixed},
        {"student_t", test_student_t},
        {"not_comparable", test_not_comparable},
        {"inconclusive_with_one_clean_run", test_inconclusive_with_one_clean_run},
        {"regressed_and_unchanged", test_regressed_and_unchanged},
        {"load_paths", test_load_paths},
        {"stats", test_stats},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
