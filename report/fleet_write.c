/* The fleet answer (report/fleet.h) as Markdown, one self-contained HTML page, and CSV. Markdown and
 * HTML share one description of each table, so they always show the same columns. */
#include <errno.h>
#include <string.h>

#include "report/fleet.h"
#include "report/html_text.h"

enum col_kind { C_STR, C_INT, C_RATE, C_CI };

struct col {
    const char *head, *key;
    enum col_kind kind;
};

struct table {
    const char *title, *intro, *empty;
    const struct col *cols;
    int ncols;
};

#define COLS(a) a, (int)(sizeof a / sizeof a[0])

static const struct col k_cohort_cols[] = {
    {"cohort", "cohort", C_STR}, {"machines", "machines", C_INT}, {"failed", "machines_failed", C_INT},
    {"failure rate", "rate", C_RATE}, {"95% interval", "", C_CI}, {"inconclusive", "machines_inconclusive", C_INT},
    {"runs", "runs", C_INT}, {"failed runs", "runs_failed", C_INT}};
static const struct col k_bad_cols[] = {
    {"rule", "rule", C_STR}, {"CPU", "cpu", C_STR}, {"firmware microcode", "microcode_firmware", C_STR},
    {"BIOS versions", "bios", C_STR}, {"machines", "machines", C_INT}, {"failed", "machines_failed", C_INT},
    {"95% interval", "", C_CI}};
static const struct col k_ba_cols[] = {
    {"dimension", "dimension", C_STR}, {"cohort", "cohort", C_STR}, {"label", "label", C_STR},
    {"machines", "machines", C_INT}, {"failed", "machines_failed", C_INT}, {"failure rate", "rate", C_RATE},
    {"95% interval", "", C_CI}, {"change", "change", C_STR}};
static const struct col k_first_cols[] = {
    {"machine", "machine", C_STR}, {"runs", "runs", C_INT}, {"failed runs", "runs_failed", C_INT},
    {"workload errors", "workload_errors", C_INT}, {"error events", "error_events", C_INT}, {"why", "why", C_STR},
    {"latest run", "path", C_STR}};
static const struct col k_failed_cols[] = {
    {"machine", "machine", C_STR}, {"run", "run_id", C_STR}, {"label", "label", C_STR},
    {"workload errors", "workload_errors", C_INT}, {"error events", "error_events", C_INT},
    {"finding", "finding", C_STR}, {"path", "path", C_STR}};

static const struct table k_bad = {"Known-bad cohorts",
                                   "Machines whose reports carry a firmware finding of the rules database (e.g. a "
                                   "Raptor Lake CPU with firmware microcode below Intel's fix): update these first.",
                                   "No machine is in a cohort the rules flag.", COLS(k_bad_cols)};
static const struct table k_ba = {"Before and after",
                                  "Cohorts with runs under several labels (--label), in the order the labels were "
                                  "first used. 'better'/'worse': the 95% intervals do not overlap.",
                                  "", COLS(k_ba_cols)};
static const struct table k_first = {"Machines to look at first",
                                     "Most failed runs first, then most errors found by stresswsl's own workloads "
                                     "(wrong results, crashed workers), then most error events, then known-bad flags.",
                                     "No machine failed and none is flagged.", COLS(k_first_cols)};
static const struct table k_failed = {"Runs that found instability",
                                      "Runs whose workloads found errors first: kernel events alone may come from "
                                      "other processes.",
                                      "No run found instability.",
                                      COLS(k_failed_cols)};

/* One cell as text: integers, percentages, the interval, strings. */
static void cell(const json_t *row, const struct col *c, char *out, size_t cap)
{
    const json_t *v = json_object_get(row, c->key);
    switch (c->kind) {
    case C_INT: snprintf(out, cap, "%lld", (long long)json_integer_value(v)); break;
    case C_RATE: snprintf(out, cap, "%.1f%%", 100 * json_number_value(v)); break;
    case C_CI:
        snprintf(out, cap, "%.1f%%-%.1f%%", 100 * json_number_value(json_object_get(row, "ci_low")),
                 100 * json_number_value(json_object_get(row, "ci_high")));
        break;
    default: snprintf(out, cap, "%s", json_string_value(v) ? json_string_value(v) : ""); break;
    }
}

static void md_text(FILE *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<')
            fputc('\\', o);
        fputc(*s == '\n' ? ' ' : *s, o);
    }
}

static void md_table(FILE *o, const struct table *t, const json_t *rows, int level)
{
    fprintf(o, "%.*s %s\n\n", level, "###", t->title);
    if (t->intro)
        fprintf(o, "%s\n\n", t->intro);
    if (!json_array_size(rows)) {
        fprintf(o, "%s\n\n", t->empty);
        return;
    }
    for (int i = 0; i < t->ncols; i++)
        fprintf(o, "| %s ", t->cols[i].head);
    fputs("|\n", o);
    for (int i = 0; i < t->ncols; i++)
        fputs(t->cols[i].kind == C_STR ? "|---" : "|---:", o);
    fputs("|\n", o);
    size_t r;
    const json_t *row;
    json_array_foreach(rows, r, row) {
        for (int i = 0; i < t->ncols; i++) {
            char b[512];
            cell(row, &t->cols[i], b, sizeof b);
            fputs("| ", o);
            md_text(o, b);
            fputc(' ', o);
        }
        fputs("|\n", o);
    }
    fputc('\n', o);
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static int finish(FILE *o, struct sw_diag *d)
{
    if (fflush(o) != 0 || ferror(o))
        return sw_fail(d, -EIO, "could not write the fleet report: %s", strerror(errno));
    return 0;
}

static void html_table(FILE *o, const struct table *t, const json_t *rows, int level);

typedef void (*table_fn)(FILE *o, const struct table *t, const json_t *rows, int level);

/* The sections in their order, the same in every format. */
static void body(FILE *o, const json_t *res, table_fn table, const char *cohort_heading)
{
    table(o, &k_first, json_object_get(res, "look_first"), 2);
    table(o, &k_bad, json_object_get(res, "known_bad"), 2);
    fputs(cohort_heading, o);
    size_t i;
    const json_t *dim;
    json_array_foreach(json_object_get(res, "cohorts"), i, dim) {
        struct table t = {jstr(dim, "title"), NULL, "No runs.", COLS(k_cohort_cols)};
        table(o, &t, json_object_get(dim, "rows"), 3);
    }
    if (json_array_size(json_object_get(res, "before_after")))
        table(o, &k_ba, json_object_get(res, "before_after"), 2);
    table(o, &k_failed, json_object_get(res, "failed_runs"), 2);
}

int sw_fleet_write_markdown(const json_t *res, FILE *o, struct sw_diag *d)
{
    const json_t *fl = json_object_get(res, "fleet");
    fprintf(o, "# stresswsl fleet report\n\n%s\n\n", jstr(res, "summary"));
    fprintf(o, "%lld reports from %lld machines", jint(fl, "reports"), jint(fl, "machines"));
    if (jint(fl, "skipped"))
        fprintf(o, "; %lld files skipped (see fleet.json)", jint(fl, "skipped"));
    fputs(". A machine counts once per cohort: unstable there when any of its runs failed. Intervals are 95% "
          "Wilson intervals over machines.\n\n", o);
    body(o, res, md_table, "## Failure rate per cohort\n\n");
    if (jint(res, "failed_runs_total") > (long long)json_array_size(json_object_get(res, "failed_runs")))
        fprintf(o, "(%lld in all; fleet.json lists the first %zu.)\n", jint(res, "failed_runs_total"),
                json_array_size(json_object_get(res, "failed_runs")));
    return finish(o, d);
}

static void h(FILE *o, const char *s)
{
    sw_html_text(o, s);
}

static void html_table(FILE *o, const struct table *t, const json_t *rows, int level)
{
    fprintf(o, "<h%d>", level);
    h(o, t->title);
    fprintf(o, "</h%d>\n", level);
    if (t->intro) {
        fputs("<p class=\"meta\">", o);
        h(o, t->intro);
        fputs("</p>\n", o);
    }
    if (!json_array_size(rows)) {
        fputs("<p>", o);
        h(o, t->empty);
        fputs("</p>\n", o);
        return;
    }
    fputs("<table><tr>", o);
    for (int i = 0; i < t->ncols; i++) {
        fputs("<th>", o);
        h(o, t->cols[i].head);
        fputs("</th>", o);
    }
    fputs("</tr>\n", o);
    size_t r;
    const json_t *row;
    json_array_foreach(rows, r, row) {
        bool bad = json_integer_value(json_object_get(row, "machines_failed")) > 0 ||
                   json_integer_value(json_object_get(row, "runs_failed")) > 0;
        fprintf(o, "<tr%s>", bad ? " class=\"bad\"" : "");
        for (int i = 0; i < t->ncols; i++) {
            char b[512];
            cell(row, &t->cols[i], b, sizeof b);
            fprintf(o, "<td%s>", t->cols[i].kind == C_STR ? "" : " class=\"num\"");
            h(o, b);
            fputs("</td>", o);
        }
        fputs("</tr>\n", o);
    }
    fputs("</table>\n", o);
}

int sw_fleet_write_html(const json_t *res, FILE *o, struct sw_diag *d)
{
    const json_t *fl = json_object_get(res, "fleet");
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
          "<title>stresswsl fleet report</title><style>"
          "body{font-family:system-ui,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;color:#111}"
          ".summary{padding:.8rem 1rem;border-radius:6px;background:#f3f4f6;font-size:1.1rem}"
          "table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;"
          "text-align:left}th{background:#f3f4f6}.num{text-align:right}tr.bad td{background:#fee2e2}"
          ".meta{color:#555;font-size:.9rem}</style></head><body>\n<h1>stresswsl fleet report</h1>\n"
          "<p class=\"summary\">", o);
    h(o, jstr(res, "summary"));
    fprintf(o, "</p>\n<p class=\"meta\">%lld reports from %lld machines; %lld files skipped. Intervals are 95%% "
            "Wilson intervals over machines.</p>\n", jint(fl, "reports"), jint(fl, "machines"), jint(fl, "skipped"));
    body(o, res, html_table, "<h2>Failure rate per cohort</h2>\n");
    fputs("</body></html>\n", o);
    return finish(o, d);
}

/* RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. A leading = + - @ is
 * prefixed with ' so a spreadsheet does not run it as a formula. */
static void csv_field(FILE *o, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', o);
    if (strchr("=+-@", s[0]) && s[0])
        fputc('\'', o);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', o);
        fputc(*s, o);
    }
    if (quote)
        fputc('"', o);
}

int sw_fleet_write_csv(const json_t *res, FILE *o, struct sw_diag *d)
{
    fputs("dimension,cohort,machines,machines_failed,machines_inconclusive,failure_rate,ci_low,ci_high,runs,"
          "runs_failed\r\n", o);
    size_t i, j;
    const json_t *dim, *row;
    json_array_foreach(json_object_get(res, "cohorts"), i, dim) json_array_foreach(json_object_get(dim, "rows"), j, row) {
        csv_field(o, jstr(dim, "dimension"));
        fputc(',', o);
        csv_field(o, jstr(row, "cohort"));
        fprintf(o, ",%lld,%lld,%lld,%.4f,%.4f,%.4f,%lld,%lld\r\n", jint(row, "machines"), jint(row, "machines_failed"),
                jint(row, "machines_inconclusive"), json_number_value(json_object_get(row, "rate")),
                json_number_value(json_object_get(row, "ci_low")), json_number_value(json_object_get(row, "ci_high")),
                jint(row, "runs"), jint(row, "runs_failed"));
    }
    return finish(o, d);
}
