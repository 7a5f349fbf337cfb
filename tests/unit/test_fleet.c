/* fleet: the member skimmer agrees with a full parse and rejects broken text; cohort rates are
 * machine-level Wilson intervals; known-bad cohorts, before/after and the look-first ranking; the
 * loader refuses symlinks and oversize files, reads bundles, and skips what is not a report. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/fleet.h"
#include "report/json_skim.h"
#include "report/rules.h"
#include "report/stats.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static const char *const k_keep[] = {"run", "verdict", NULL};

static json_t *skim_parse(const char *text)
{
    char out[4096];
    long n = sw_json_skim(text, strlen(text), k_keep, out);
    return n < 0 ? NULL : json_loadb(out, (size_t)n, 0, NULL);
}

static void test_skim(void)
{
    /* Braces and quotes inside strings of a skipped member must not confuse the walk. */
    const char *t = "{ \"workloads\": [{\"s\": \"a}]\\\"{[\"}, [1, 2, {\"x\": null}]],\n"
                    "  \"run\": {\"id\": \"r1\", \"note\": \"\\\\\"}, \"plan\": {\"x\": \"}\"}, \"verdict\": "
                    "{\"status\": \"stable\"}, \"n\": -1.5e3, \"t\": true }";
    json_t *full = json_loads(t, 0, NULL), *sk = skim_parse(t);
    CHECK(full && sk);
    CHECK(json_equal(json_object_get(full, "run"), json_object_get(sk, "run")));
    CHECK(json_equal(json_object_get(full, "verdict"), json_object_get(sk, "verdict")));
    CHECK_INT(json_object_size(sk), 2);
    json_decref(full);
    json_decref(sk);
    json_t *empty = skim_parse("{}");
    CHECK(json_is_object(empty) && json_object_size(empty) == 0);
    json_decref(empty);
    /* Dotted paths keep parts of nested objects; a non-object value at a partial path is kept whole. */
    static const char *const nested[] = {"facts.before.cpu", "facts.after.cpu", "run", NULL};
    const char *f = "{\"facts\": {\"before\": {\"cpu\": {\"value\": 1}, \"memory\": [1,2]}, \"after\": null, "
                    "\"x\": 2}, \"workloads\": [], \"run\": {}}";
    char out[512];
    long n = sw_json_skim(f, strlen(f), nested, out);
    json_t *j = n > 0 ? json_loadb(out, (size_t)n, 0, NULL) : NULL;
    json_t *want = json_loads("{\"facts\": {\"before\": {\"cpu\": {\"value\": 1}}, \"after\": null}, \"run\": {}}", 0, NULL);
    CHECK_MSG(j && json_equal(j, want), "nested skim: %s", n > 0 ? out : "(failed)");
    json_decref(j);
    json_decref(want);
    CHECK(sw_json_skim("{} x", 4, nested, out) < 0);   /* trailing garbage */
    static const char *const bad[] = {"", "[1]", "{\"run\": {\"a\": 1}", "{\"run\" {}}", "{\"run\": \"abc}",
                                      "{\"a\": 1,}", "{\"a\": 1 \"b\": 2}", "{\"a\": [1, 2}", "nul"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(sw_json_skim(bad[i], strlen(bad[i]), k_keep, out) < 0, "accepted: %s", bad[i]);
    /* Deep nesting is refused, not recursed into. */
    static char deep[2100];
    memcpy(deep, "{\"a\":", 5);
    for (int i = 0; i < 1000; i++)
        deep[5 + i] = '[';
    for (int i = 0; i < 1000; i++)
        deep[1005 + i] = ']';
    deep[2005] = '}';
    char *o = malloc(sizeof deep + 3);
    CHECK(sw_json_skim(deep, 2006, k_keep, o) < 0);
    free(o);
}

/* A report of machine `host` with CPU/microcode/BIOS, a label and an outcome. */
static json_t *rep(const char *host, const char *id, const char *brand, const char *fw, const char *bios,
                   const char *label, const char *status, const char *rule)
{
    json_t *f = tf_facts("GenuineIntel", brand, "0xb0671", 6, 183, fw, NULL, "wsl2");
    json_object_set_new(json_object_get(json_object_get(f, "firmware"), "bios_version"), "value", json_string(bios));
    json_t *r = tf_report(f, "[]", 1200, "completed", "null");
    json_t *run = json_object_get(r, "run");
    json_object_set_new(run, "id", json_string(id));
    json_object_set_new(run, "hostname", json_string(host));
    unsigned h = 0;   /* one boot per machine: a boot id derived from the host name */
    for (const char *c = host; *c; c++)
        h = h * 31 + (unsigned char)*c;
    char boot[40];
    snprintf(boot, sizeof boot, "%08x-0000-4000-8000-000000000000", h);
    json_object_set_new(run, "boot_id", json_string(boot));
    json_object_set_new(run, "start", json_string(label && !strcmp(label, "after") ? "2026-11-20T10:00:00Z"
                                                                                  : "2026-11-10T10:00:00Z"));
    if (label)
        json_object_set_new(run, "label", json_string(label));
    json_object_set_new(r, "verdict", json_pack("{s:s,s:s}", "status", status, "summary", "x"));
    if (rule)
        json_object_set_new(r, "findings", json_pack("[{s:s,s:s,s:s}]", "rule", rule, "class", "firmware", "title",
                                                     "Raptor Lake below the fix"));
    return r;
}

static void add(struct sw_fleet *f, json_t *r)
{
    struct sw_fleet_source src = {"mem", "layout-name", false};
    CHECK_INT(sw_fleet_add(f, r, &src), 0);
    json_decref(r);
}

static const json_t *cohort_row(const json_t *res, const char *dim, const char *cohort)
{
    size_t i, j;
    const json_t *d, *row;
    json_array_foreach(json_object_get(res, "cohorts"), i, d) {
        if (strcmp(json_string_value(json_object_get(d, "dimension")), dim))
            continue;
        json_array_foreach(json_object_get(d, "rows"), j, row) if (!strcmp(json_string_value(json_object_get(row, "cohort")),
                                                                           cohort)) return row;
    }
    return NULL;
}

static void test_cohorts(void)
{
    struct sw_fleet *f = sw_fleet_new(NULL);
    const char *i9 = "13th Gen Intel(R) Core(TM) i9-13900K";
    char host[32], id[32];
    /* 10 i9 machines on 0x123: 6 fail; one of them ran three times (two clean, one failed). */
    for (int m = 0; m < 10; m++) {
        snprintf(host, sizeof host, "i9-%d", m);
        snprintf(id, sizeof id, "r-i9-%d", m);
        add(f, rep(host, id, i9, "0x123", "1402", NULL, m < 6 ? "unstable" : "stable", "rpl-vmin-fw-below-0x125"));
    }
    add(f, rep("i9-0", "r-i9-0b", i9, "0x123", "1402", NULL, "stable", "rpl-vmin-fw-below-0x125"));
    add(f, rep("i9-0", "r-i9-0c", i9, "0x123", "1402", NULL, "stable", "rpl-vmin-fw-below-0x125"));
    /* 20 machines of another CPU, all clean; one inconclusive. */
    for (int m = 0; m < 20; m++) {
        snprintf(host, sizeof host, "i5-%d", m);
        snprintf(id, sizeof id, "r-i5-%d", m);
        add(f, rep(host, id, "Intel(R) Core(TM) i5-12400", "0x35", "0812", NULL, m == 19 ? "inconclusive" : "stable",
                   NULL));
    }
    /* The same run read twice (its directory and a bundle) counts once. */
    add(f, rep("i5-0", "r-i5-0", "Intel(R) Core(TM) i5-12400", "0x35", "0812", NULL, "stable", NULL));
    /* Another machine's run with the same id and start (both started by one Ansible play) is not one;
     * a bundle's copy of a run, whose boot id is redacted, is. */
    add(f, rep("i5-x", "r-i5-1", "Intel(R) Core(TM) i5-12400", "0x35", "0812", NULL, "stable", NULL));
    json_t *copy = rep("i5-2", "r-i5-2", "Intel(R) Core(TM) i5-12400", "0x35", "0812", NULL, "stable", NULL);
    json_object_set_new(json_object_get(copy, "run"), "boot_id", json_string("uuid-1"));
    add(f, copy);
    json_t *res = sw_fleet_result(f, NULL);
    const json_t *fl = json_object_get(res, "fleet");
    CHECK_INT(json_integer_value(json_object_get(fl, "reports")), 33);
    CHECK_INT(json_integer_value(json_object_get(fl, "duplicates")), 2);
    CHECK_INT(json_integer_value(json_object_get(fl, "machines")), 31);
    CHECK_INT(json_integer_value(json_object_get(fl, "machines_unstable")), 6);
    const json_t *row = cohort_row(res, "cpu", "13th Gen Intel(R) Core(TM) i9-13900K (0xb0671)");
    CHECK(row != NULL);
    double lo, hi;
    sw_wilson(6, 10, 1.959964, &lo, &hi);
    CHECK_INT(json_integer_value(json_object_get(row, "machines")), 10);   /* i9-0's three runs: one machine */
    CHECK_INT(json_integer_value(json_object_get(row, "runs")), 12);
    CHECK_INT(json_integer_value(json_object_get(row, "machines_failed")), 6);
    CHECK(fabs(json_real_value(json_object_get(row, "ci_low")) - lo) < 1e-9);
    CHECK(fabs(json_real_value(json_object_get(row, "ci_high")) - hi) < 1e-9);
    row = cohort_row(res, "bios", "0812");
    CHECK(row && json_integer_value(json_object_get(row, "machines_inconclusive")) == 1);
    CHECK(row && json_integer_value(json_object_get(row, "machines_failed")) == 0);
    /* The worst cohort is listed first in each dimension. */
    const json_t *first = json_array_get(json_object_get(json_array_get(json_object_get(res, "cohorts"), 0), "rows"), 0);
    CHECK_STR(json_string_value(json_object_get(first, "cohort")), "13th Gen Intel(R) Core(TM) i9-13900K (0xb0671)");
    /* Known-bad: the flagged cohort, all ten machines. */
    const json_t *bad = json_array_get(json_object_get(res, "known_bad"), 0);
    CHECK_INT(json_array_size(json_object_get(res, "known_bad")), 1);
    CHECK_STR(json_string_value(json_object_get(bad, "rule")), "rpl-vmin-fw-below-0x125");
    CHECK_INT(json_integer_value(json_object_get(bad, "machines")), 10);
    CHECK_STR(json_string_value(json_object_get(bad, "microcode_firmware")), "0x123");
    /* Look first: failing machines before merely flagged ones; clean unflagged ones not at all. */
    const json_t *lf = json_object_get(res, "look_first");
    CHECK_INT(json_array_size(lf), 10);
    CHECK(json_integer_value(json_object_get(json_array_get(lf, 0), "runs_failed")) == 1);
    CHECK(json_integer_value(json_object_get(json_array_get(lf, 9), "runs_failed")) == 0);
    CHECK_INT(json_integer_value(json_object_get(res, "failed_runs_total")), 6);
    CHECK_INT(sw_fleet_exit_code(res), 1);
    CHECK_INT(json_array_size(json_object_get(res, "before_after")), 0);   /* no labels */
    /* The writers render it. */
    char *buf = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&buf, &len);
    struct sw_diag d;
    CHECK_INT(sw_fleet_write_markdown(res, o, &d), 0);
    CHECK_INT(sw_fleet_write_html(res, o, &d), 0);
    CHECK_INT(sw_fleet_write_csv(res, o, &d), 0);
    fclose(o);
    CHECK(strstr(buf, "| 13th Gen Intel(R) Core(TM) i9-13900K (0xb0671) | 10 | 6 | 60.0% |") != NULL);
    CHECK(strstr(buf, "<td>13th Gen Intel(R) Core(TM) i9-13900K (0xb0671)</td>") != NULL);
    CHECK(strstr(buf, "cpu,13th Gen Intel(R) Core(TM) i9-13900K (0xb0671),10,6,0,0.6000,") != NULL);
    free(buf);
    json_decref(res);
    sw_fleet_free(f);
}

static void test_before_after(void)
{
    struct sw_fleet *f = sw_fleet_new(NULL);
    const char *i9 = "13th Gen Intel(R) Core(TM) i9-13900K";
    char host[32], id[32];
    for (int m = 0; m < 30; m++) {
        snprintf(host, sizeof host, "ws-%d", m);
        snprintf(id, sizeof id, "b-%d", m);
        add(f, rep(host, id, i9, "0x123", "1402", "before", m < 20 ? "unstable" : "stable", NULL));
        snprintf(id, sizeof id, "a-%d", m);
        add(f, rep(host, id, i9, "0x12f", "1801", "after", m < 1 ? "unstable" : "stable", NULL));
    }
    json_t *res = sw_fleet_result(f, NULL);
    const json_t *labels = json_object_get(res, "labels");
    CHECK_INT(json_array_size(labels), 2);
    CHECK_STR(json_string_value(json_array_get(labels, 0)), "before");   /* by first use, not by name */
    const json_t *ba = json_object_get(res, "before_after");
    /* all machines + CPU + kernel + WSL + hypervisor cohorts, two rows each; not BIOS or microcode. */
    CHECK_INT(json_array_size(ba), 10);
    const json_t *b = json_array_get(ba, 0), *a = json_array_get(ba, 1);
    CHECK_STR(json_string_value(json_object_get(b, "cohort")), "all machines");
    CHECK_INT(json_integer_value(json_object_get(b, "machines_failed")), 20);
    CHECK_INT(json_integer_value(json_object_get(a, "machines_failed")), 1);
    CHECK_STR(json_string_value(json_object_get(a, "change")), "better");
    /* A machine whose BIOS changed is one unit in each BIOS cohort. */
    CHECK(cohort_row(res, "bios", "1402") && cohort_row(res, "bios", "1801"));
    json_decref(res);
    sw_fleet_free(f);
}

/* Reports without findings (written without the correlator) are judged with the rules database. */
static void test_judged_here(void)
{
    struct sw_diag d;
    json_t *rules = sw_rules_load_default(&d);
    CHECK_MSG(rules != NULL, "%s", d.msg);
    struct sw_fleet *f = sw_fleet_new(rules);
    json_t *r = rep("old-1", "r-old-1", "13th Gen Intel(R) Core(TM) i9-13900K", "0x123", "1402", NULL, "x", NULL);
    json_object_del(r, "findings");
    json_object_del(r, "verdict");
    add(f, r);
    json_t *res = sw_fleet_result(f, NULL);
    const json_t *bad = json_array_get(json_object_get(res, "known_bad"), 0);
    CHECK_MSG(bad && !strcmp(json_string_value(json_object_get(bad, "rule")), "rpl-vmin-fw-below-0x125"),
              "known_bad: %s", bad ? json_dumps(bad, 0) : "none");
    json_decref(res);
    sw_fleet_free(f);
    json_decref(rules);
}

static int count_cb(void *arg, const json_t *r, const struct sw_fleet_source *src)
{
    (void)r;
    json_array_append_new(arg, json_pack("{s:s,s:s,s:b}", "path", src->path, "machine", src->machine, "bundle",
                                         src->from_bundle));
    return 0;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_loader(void)
{
    char dir[] = "/tmp/sw-fleet-XXXXXX", p[512], q[512];
    CHECK(mkdtemp(dir) != NULL);
    const char *good = "{\"run\": {\"id\": \"x\"}, \"workloads\": [1, 2, 3]}";
    snprintf(p, sizeof p, "%s/hostA", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/hostA/r1", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/hostA/r1/report.json", dir);
    put(p, good);
    snprintf(p, sizeof p, "%s/hostA/r2", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/hostA/r2/report.json", dir);
    put(p, "{\"run\": {\"id\": ");   /* cut short: skipped */
    snprintf(p, sizeof p, "%s/hostA/r3", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/hostA/r3/report.json", dir);
    put(p, "{\"not\": \"a report\"}");
    /* A symlink to a report elsewhere and a symlinked directory are not followed. */
    snprintf(p, sizeof p, "%s/outside.json", dir);
    put(p, good);
    snprintf(p, sizeof p, "%s/hostA/r4", dir);
    mkdir(p, 0755);
    snprintf(q, sizeof q, "%s/hostA/r4/report.json", dir);
    CHECK(symlink("../../outside.json", q) == 0);
    snprintf(q, sizeof q, "%s/hostB", dir);
    snprintf(p, sizeof p, "%s/hostA", dir);
    CHECK(symlink(p, q) == 0);
    /* Oversize: a sparse 40 MiB report.json. */
    snprintf(p, sizeof p, "%s/hostC", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/hostC/report.json", dir);
    int fd = open(p, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0 && ftruncate(fd, 40 << 20) == 0);
    close(fd);
    /* A bundle with a report, a symlink member and a hard link member. */
    snprintf(p, sizeof p, "%s/bundles", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/bundles/ws-7.tar.gz", dir);
    struct archive *a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    CHECK(archive_write_open_filename(a, p) == ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "stresswsl-bundle/runs/r9/report.json");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)strlen(good));
    archive_write_header(a, e);
    archive_write_data(a, good, strlen(good));
    archive_entry_clear(e);
    archive_entry_set_pathname(e, "stresswsl-bundle/runs/r8/report.json");
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_symlink(e, "/etc/passwd");
    archive_entry_set_perm(e, 0777);
    archive_write_header(a, e);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);

    json_t *seen = json_array();
    struct sw_fleet_load_stats st = {0};
    struct sw_diag d;
    CHECK_INT(sw_fleet_load(dir, sw_fleet_members, count_cb, seen, &st, &d), 0);
    CHECK_INT(json_array_size(seen), 2);   /* hostA/r1 and the bundle's r9; outside.json is no report.json */
    size_t i;
    const json_t *x;
    bool r1 = false, bundle = false;
    json_array_foreach(seen, i, x) {
        const char *path = json_string_value(json_object_get(x, "path"));
        const char *m = json_string_value(json_object_get(x, "machine"));
        if (strstr(path, "/hostA/r1/report.json")) {
            r1 = true;
            CHECK_STR(m, "hostA");
        }
        if (strstr(path, "ws-7.tar.gz:stresswsl-bundle/runs/r9/report.json")) {
            bundle = true;
            CHECK_STR(m, "ws-7");
            CHECK(json_is_true(json_object_get(x, "bundle")));
        }
        CHECK_MSG(!strstr(path, "hostB") && !strstr(path, "r4") && !strstr(path, "r8"), "followed a link: %s", path);
    }
    CHECK(r1 && bundle);
    CHECK(st.skipped >= 5);   /* r2, r3, r4 link, hostB link, hostC oversize */
    json_decref(seen);
    /* A path that does not exist is an error naming it. */
    CHECK(sw_fleet_load("/nonexistent/fleet", NULL, count_cb, NULL, &st, &d) < 0);
    CHECK(strstr(d.msg, "/nonexistent/fleet") != NULL);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"skim", test_skim},
        {"cohorts", test_cohorts},
        {"before_after", test_before_after},
        {"judged_here", test_judged_here},
        {"loader", test_loader},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
