#include "report/compare.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/outcome.h"
#include "report/rfacts.h"
#include "report/stats.h"

#define Z95 1.959964
#define BLOCK_S 10   /* batch-means block: 10 one-second samples */

/* A report given to compare may come from anyone: a regular file (a FIFO or device could block or
 * never end) of a size a report can have (the event log is bounded). */
static int load_file(const char *path, json_t *reports, struct sw_diag *d)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return sw_fail(d, -errno, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sw_fail(d, -EINVAL, "%s: not a regular file: give a report.json or a run directory", path);
    }
    if (st.st_size > SW_COMPARE_REPORT_MAX) {
        close(fd);
        return sw_fail(d, -EFBIG, "%s: %lld MiB is larger than any stresswsl report.json (at most %d MiB): give "
                                  "a report.json or a run directory", path, (long long)(st.st_size >> 20),
                       SW_COMPARE_REPORT_MAX >> 20);
    }
    json_error_t je;
    json_t *r = json_loadfd(fd, 0, &je);
    close(fd);
    if (!r)
        return sw_fail(d, -EINVAL, "%s: not valid JSON (line %d: %s): give a report.json or a run directory",
                       path, je.line, je.text);
    if (!json_is_object(json_object_get(r, "run"))) {
        json_decref(r);
        return sw_fail(d, -EINVAL, "%s: not a stresswsl report.json (no \"run\" object)", path);
    }
    json_object_set_new(r, "_path", json_string(path));
    json_array_append_new(reports, r);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sw_compare_load_path(const char *path, json_t *reports, struct sw_diag *d)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return sw_fail(d, -errno, "%s: %s", path, strerror(errno));
    if (S_ISREG(st.st_mode))
        return load_file(path, reports, d);
    if (!S_ISDIR(st.st_mode))
        return sw_fail(d, -EINVAL, "%s: not a file or directory", path);
    char p[4096];
    snprintf(p, sizeof p, "%s/report.json", path);
    if (stat(p, &st) == 0)
        return load_file(p, reports, d);
    /* A directory of run directories: repeated trials, in name (= start time) order. */
    DIR *dir = opendir(path);
    if (!dir)
        return sw_fail(d, -errno, "%s: %s", path, strerror(errno));
    char *names[4096];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 4096) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s/report.json", path, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            names[n++] = strdup(p);
    }
    closedir(dir);
    if (!n)
        return sw_fail(d, -ENOENT, "%s: no report.json in it or in its subdirectories", path);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (!rc)
            rc = load_file(names[i], reports, d);
        free(names[i]);
    }
    return rc;
}

static json_t *side_stats(const json_t *reports, const json_t *rules)
{
    struct sw_rate rt = {0};
    double dur = 0;
    size_t i;
    const json_t *r;
    json_array_foreach(reports, i, r) {
        sw_rate_add(&rt, sw_run_outcome(r, rules));
        dur += sw_json_number(json_object_get(json_object_get(r, "run"), "duration_s"));
    }
    sw_rate_finish(&rt);
    return json_pack("{s:i,s:i,s:i,s:i,s:f,s:f,s:f,s:f}", "runs", rt.units, "conclusive", rt.conclusive,
                     "inconclusive", rt.inconclusive, "failed", rt.failed, "rate", rt.rate, "ci_low", rt.ci_low,
                     "ci_high", rt.ci_high, "duration_s", dur);
}

static const struct { const char *label, *path; } k_env[] = {
    {"CPU", "cpu.brand"},
    {"BIOS version", "firmware.bios_version"},
    {"BIOS date", "firmware.bios_date"},
    {"microcode (firmware)", "microcode.firmware"},
    {"microcode (visible)", "microcode.visible"},
    {"kernel", "kernel.release"},
    {"WSL", "wsl.versions.wsl"},
    {"WSL kernel", "wsl.versions.kernel"},
    {"Windows build", "host.windows_build"},
    {".wslconfig", "wsl.wslconfig"},
    {"memory", "memory.total"},
};

/* Distinct values of a fact over a side's runs, joined with " / ". */
static void side_values(const json_t *reports, const char *path, char *out, size_t cap)
{
    out[0] = 0;
    size_t i;
    const json_t *r;
    json_array_foreach(reports, i, r) {
        char v[256];
        sw_rfacts_text(sw_rfacts_value(sw_rfacts_snapshot(r), path), v, sizeof v);
        /* Exact-token check so "0x12" is not taken as present inside "0x12b". */
        bool dup = false;
        for (char *p = out; *p;) {
            char *sep = strstr(p, " / ");
            size_t len = sep ? (size_t)(sep - p) : strlen(p);
            if (len == strlen(v) && !strncmp(p, v, len))
                dup = true;
            p = sep ? sep + 3 : p + len;
        }
        if (!dup) {
            size_t len = strlen(out);
            snprintf(out + len, cap - len, "%s%s", len ? " / " : "", v);
        }
    }
}

struct samples {
    double *x;
    size_t n, cap;
};

static void push(struct samples *s, double v)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        double *p = realloc(s->x, cap * sizeof *p);
        if (!p)
            return;
        s->x = p;
        s->cap = cap;
    }
    s->x[s->n++] = v;
}

/* Per-second samples of one workload over a side's runs (dropping each series' first and last second,
 * which are partial), or its rate_per_s values when there is no series. */
static void gather(const json_t *reports, const char *name, struct samples *per_s, struct samples *rates,
                   const char **unit)
{
    size_t i, j;
    const json_t *r, *w, *x;
    json_array_foreach(reports, i, r) json_array_foreach(json_object_get(r, "workloads"), j, w) {
        if (strcmp(json_string_value(json_object_get(w, "name")) ?: "", name))
            continue;
        if (json_string_value(json_object_get(w, "unit")))
            *unit = json_string_value(json_object_get(w, "unit"));
        push(rates, sw_json_number(json_object_get(w, "rate_per_s")));
        const json_t *series = json_object_get(w, "series");
        double interval = sw_json_number(json_object_get(series, "interval_s"));
        if (interval <= 0)
            interval = 1;
        const json_t *ops = json_object_get(series, "ops");
        size_t n = json_array_size(ops), k;
        json_array_foreach(ops, k, x) if (n < 3 || (k > 0 && k + 1 < n)) push(per_s, sw_json_number(x) / interval);
    }
}

static json_t *throughput(const json_t *before, const json_t *after)
{
    json_t *out = json_array();
    json_t *names = json_array();
    const json_t *sides[2] = {before, after};
    for (int s = 0; s < 2; s++) {
        size_t i, j;
        const json_t *r, *w;
        json_array_foreach(sides[s], i, r) json_array_foreach(json_object_get(r, "workloads"), j, w) {
            const json_t *nm = json_object_get(w, "name");
            bool dup = false;
            size_t k;
            const json_t *x;
            json_array_foreach(names, k, x) dup = dup || json_equal(x, nm);
            if (!dup && json_is_string(nm))
                json_array_append(names, (json_t *)nm);
        }
    }
    size_t i;
    const json_t *nm;
    json_array_foreach(names, i, nm) {
        const char *name = json_string_value(nm), *unit = "ops";
        struct samples ps[2] = {{0}}, rt[2] = {{0}};
        double mean[2], se[2];
        size_t nblk[2];
        for (int s = 0; s < 2; s++) {
            gather(sides[s], name, &ps[s], &rt[s], &unit);
            if (ps[s].n)
                sw_batch_mean(ps[s].x, ps[s].n, BLOCK_S, &mean[s], &se[s]);
            else
                sw_batch_mean(rt[s].x, rt[s].n, 1, &mean[s], &se[s]);
            nblk[s] = ps[s].n ? sw_batch_count(ps[s].n, BLOCK_S) : rt[s].n;
        }
        json_t *row = json_pack("{s:s,s:s,s:f,s:f}", "workload", name, "unit", unit, "before", mean[0], "after", mean[1]);
        if (rt[0].n && rt[1].n && mean[0] > 0) {
            double change = (mean[1] - mean[0]) / mean[0] * 100;
            json_object_set_new(row, "change_pct", json_real(change));
            if (se[0] >= 0 && se[1] >= 0) {
                /* Few blocks per side: Student's t (Welch's degrees of freedom), not the normal z. */
                double df = sw_welch_df(se[0], nblk[0], se[1], nblk[1]);
                double noise = sw_t95(df) * sqrt(se[0] * se[0] + se[1] * se[1]) / mean[0] * 100;
                json_object_set_new(row, "noise_pct", json_real(noise));
                json_object_set_new(row, "noise_df", json_real(df));
                json_object_set_new(row, "within_noise", json_boolean(fabs(change) <= noise));
            }
        } else {
            json_object_set_new(row, "note", json_string(rt[0].n ? "not run after" : "not run before"));
        }
        for (int s = 0; s < 2; s++) {
            free(ps[s].x);
            free(rt[s].x);
        }
        json_array_append_new(out, row);
    }
    json_decref(names);
    return out;
}

json_t *sw_compare(const json_t *before, const json_t *after, const json_t *rules, struct sw_diag *d)
{
    if (!json_array_size(before) || !json_array_size(after))
        return sw_fail(d, -EINVAL, "compare needs at least one report on each side"), NULL;
    json_t *b = side_stats(before, rules), *a = side_stats(after, rules);
    int nb = (int)json_integer_value(json_object_get(b, "conclusive")), kb = (int)json_integer_value(json_object_get(b, "failed"));
    int na = (int)json_integer_value(json_object_get(a, "conclusive")), ka = (int)json_integer_value(json_object_get(a, "failed"));
    double blo = json_real_value(json_object_get(b, "ci_low")), bhi = json_real_value(json_object_get(b, "ci_high"));
    double alo = json_real_value(json_object_get(a, "ci_low")), ahi = json_real_value(json_object_get(a, "ci_high"));
    const char *verdict;
    char why[512];
    int need10 = sw_clean_runs_needed(0.10, 0.95);
    if (!nb || !na) {
        verdict = "inconclusive";
        snprintf(why, sizeof why, "the %s side has no conclusive run (every run was interrupted or too short)",
                 !nb ? "BEFORE" : "AFTER");
    } else if (ka > 0 && kb == 0) {
        verdict = "regressed";
        snprintf(why, sizeof why, "AFTER failed in %d of %d runs, BEFORE in none of %d", ka, na, nb);
    } else if (ka > 0) {
        verdict = alo > bhi ? "regressed" : ahi < blo ? "improved" : "unchanged";
        snprintf(why, sizeof why, "both sides fail (BEFORE %d of %d, AFTER %d of %d runs)%s", kb, nb, ka, na,
                 !strcmp(verdict, "unchanged") ? "; the intervals overlap" : "");
    } else if (kb == 0) {
        verdict = "unchanged";
        snprintf(why, sizeof why, "no failures on either side (%d and %d runs)", nb, na);
    } else if (ahi < blo) {
        verdict = "fixed";
        snprintf(why, sizeof why, "BEFORE failed in %d of %d runs; AFTER ran %d runs without a failure, enough to "
                 "rule out BEFORE's failure rate at 95%% confidence", kb, nb, na);
    } else {
        verdict = "inconclusive";
        /* The same test as "fixed" uses: the smallest n whose clean-run interval lies below BEFORE's. */
        int need = na;
        for (double lo, hi = 1; need < 100000; need++) {
            sw_wilson(0, need, Z95, &lo, &hi);
            if (hi < blo)
                break;
        }
        snprintf(why, sizeof why, "BEFORE failed in %d of %d runs and AFTER is clean so far, but %d clean run%s "
                 "cannot rule out the old failure rate: %d clean runs in all are needed", kb, nb, na, na == 1 ? "" : "s",
                 need);
    }
    json_t *changes = json_array();
    for (size_t i = 0; i < sizeof k_env / sizeof k_env[0]; i++) {
        char vb[512], va[512];
        side_values(before, k_env[i].path, vb, sizeof vb);
        side_values(after, k_env[i].path, va, sizeof va);
        json_array_append_new(changes, json_pack("{s:s,s:s,s:s,s:b}", "what", k_env[i].label, "before", vb, "after",
                                                 va, "changed", strcmp(vb, va) != 0));
    }
    char summary[768];
    snprintf(summary, sizeof summary, "%c%s: %s.", verdict[0] - 32, verdict + 1, why);
    json_t *cmp = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:i,s:s}", "verdict", verdict, "summary", summary, "before", b,
                            "after", a, "changes", changes, "throughput", throughput(before, after),
                            "clean_runs_for_10pct", need10,
                            "rule_of_three", "with no failure in n runs, the 95% upper bound of the failure rate is about 3/n");
    int code = (ka == 0 && na > 0 && (!strcmp(verdict, "fixed") || !strcmp(verdict, "improved") ||
                                      !strcmp(verdict, "unchanged"))) ? 0 : 1;
    json_object_set_new(cmp, "exit_code", json_integer(code));
    json_object_set_new(cmp, "not_comparable", sw_compare_conditions(before, after));
    return cmp;
}

int sw_compare_exit_code(const json_t *cmp)
{
    return (int)json_integer_value(json_object_get(cmp, "exit_code"));
}

static void side_line(FILE *o, const char *label, const json_t *s, bool md)
{
    int n = (int)json_integer_value(json_object_get(s, "conclusive"));
    fprintf(o, "%s%-7s %d of %d run%s failed (%.0f%%, 95%% interval %.0f%%-%.0f%%)", md ? "- " : "  ", label,
            (int)json_integer_value(json_object_get(s, "failed")), n, n == 1 ? "" : "s",
            100 * json_real_value(json_object_get(s, "rate")), 100 * json_real_value(json_object_get(s, "ci_low")),
            100 * json_real_value(json_object_get(s, "ci_high")));
    int inc = (int)json_integer_value(json_object_get(s, "inconclusive"));
    if (inc)
        fprintf(o, "; %d inconclusive run%s not counted", inc, inc == 1 ? "" : "s");
    fputc('\n', o);
}

static int write_cmp(const json_t *cmp, FILE *o, bool md, struct sw_diag *d)
{
    const char *v = json_string_value(json_object_get(cmp, "verdict"));
    char up[32];
    snprintf(up, sizeof up, "%s", v ? v : "?");
    for (char *p = up; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    if (md)
        fprintf(o, "# stresswsl compare: %s\n\n%s\n\n## What changed\n\n| | before | after |\n|---|---|---|\n", up,
                json_string_value(json_object_get(cmp, "summary")));
    else
        fprintf(o, "%s: %s\n\nWhat changed:\n", up, json_string_value(json_object_get(cmp, "summary")));
    size_t i;
    const json_t *c;
    int changed = 0;
    json_array_foreach(json_object_get(cmp, "changes"), i, c) {
        bool ch = json_is_true(json_object_get(c, "changed"));
        changed += ch;
        const char *w = json_string_value(json_object_get(c, "what"));
        const char *b = json_string_value(json_object_get(c, "before")), *a = json_string_value(json_object_get(c, "after"));
        if (md)
            fprintf(o, "| %s%s%s | %s | %s |\n", ch ? "**" : "", w, ch ? "**" : "", b, ch ? a : "(same)");
        else if (ch)
            fprintf(o, "  %-22s %s -> %s\n", w, b, a);
    }
    if (!md && !changed)
        fputs("  nothing in the recorded environment changed\n", o);
    fputs(md ? "\n## Failure rate\n\n" : "\nFailure rate (runs that found instability):\n", o);
    side_line(o, "before", json_object_get(cmp, "before"), md);
    side_line(o, "after", json_object_get(cmp, "after"), md);
    int na = (int)json_integer_value(json_object_get(json_object_get(cmp, "after"), "conclusive"));
    fprintf(o, "%sTo claim a failure rate below 10%% at 95%% confidence, AFTER needs %lld clean runs in a row "
            "(the rule of three: about 3/0.10); it has %d%s.\n", md ? "\n" : "  ",
            (long long)json_integer_value(json_object_get(cmp, "clean_runs_for_10pct")), na,
            json_integer_value(json_object_get(json_object_get(cmp, "after"), "failed")) ? " (with failures)" : "");
    fputs(md ? "\n## Throughput\n\n" : "\nThroughput (mean per-second rate; noise band from the per-second series):\n", o);
    json_array_foreach(json_object_get(cmp, "not_comparable"), i, c)
        fprintf(o, "%sNot comparable: %s.\n", md ? "- " : "  ", json_string_value(c));
    if (md)
        fputs("\n| workload | before | after | change | noise (95%) |\n|---|---:|---:|---:|---:|\n", o);
    json_array_foreach(json_object_get(cmp, "throughput"), i, c) {
        const char *w = json_string_value(json_object_get(c, "workload"));
        const char *u = json_string_value(json_object_get(c, "unit"));
        double b = json_real_value(json_object_get(c, "before")), a = json_real_value(json_object_get(c, "after"));
        char chg[64] = "-", noise[64] = "unknown";
        if (json_object_get(c, "change_pct"))
            snprintf(chg, sizeof chg, "%+.1f%%", json_real_value(json_object_get(c, "change_pct")));
        if (json_object_get(c, "noise_pct"))
            snprintf(noise, sizeof noise, "+-%.1f%%%s", json_real_value(json_object_get(c, "noise_pct")),
                     json_is_true(json_object_get(c, "within_noise")) ? " (within noise)" : "");
        if (json_object_get(c, "note"))
            snprintf(noise, sizeof noise, "%s", json_string_value(json_object_get(c, "note")));
        if (md)
            fprintf(o, "| %s | %.2f %s/s | %.2f %s/s | %s | %s |\n", w, b, u, a, u, chg, noise);
        else
            fprintf(o, "  %-12s %.2f -> %.2f %s/s  %s  noise %s\n", w, b, a, u, chg, noise);
    }
    if (fflush(o) != 0 || ferror(o))
        return sw_fail(d, -EIO, "could not write the comparison: %s", strerror(errno));
    return 0;
}

int sw_compare_write_text(const json_t *cmp, FILE *out, struct sw_diag *d)
{
    return write_cmp(cmp, out, false, d);
}

int sw_compare_write_markdown(const json_t *cmp, FILE *out, struct sw_diag *d)
{
    return write_cmp(cmp, out, true, d);
}
