/* report.html: the same content as report.md (the structure of report/report_doc.c) on one
 * self-contained page (inline CSS and SVG, no scripts, no network), with the run-wide timeline of
 * report/html_timeline.c. */
#include <stdio.h>
#include <string.h>

#include "report/html_text.h"
#include "report/report_doc.h"
#include "report/writers.h"

static void h(FILE *o, const char *s)
{
    sw_html_text(o, s);
}

static void html_code(FILE *o, const char *s)
{
    fputs("<code>", o);
    h(o, s);
    fputs("</code>", o);
}

static void html_pre(FILE *o, const char *s)
{
    fputs("<pre>", o);
    h(o, s);
    fputs("</pre>\n", o);
}

static void html_begin(FILE *o, const json_t *report)
{
    const json_t *verdict = json_object_get(report, "verdict");
    const char *st = *sw_doc_str(verdict, "status") ? sw_doc_str(verdict, "status") : "not judged";
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
          "<title>stresswsl report: ", o);
    h(o, st);
    if (sw_report_is_synthetic(report))
        fputs(" (SYNTHETIC)", o);
    fputs("</title><style>"
          "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#111;line-height:1.45}"
          ".verdict{padding:.8rem 1rem;border-radius:6px;font-size:1.1rem}"
          ".v-synthetic{background:#e0e7ff;border:2px dashed #4338ca}.v-stable{background:#dcfce7}.v-unstable{background:#fee2e2}.v-inconclusive,.v-not{background:#fef9c3}"
          ".finding{border-left:4px solid #999;padding:.2rem .9rem;margin:1rem 0;background:#f9fafb}"
          ".conf-high{border-color:#dc2626}.conf-medium{border-color:#f59e0b}.conf-low{border-color:#9ca3af}"
          ".meta{color:#555;font-size:.9rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}"
          "th{background:#f3f4f6}.num{text-align:right}.ax{font-size:10px;fill:#555}figure{margin:1rem 0}"
          "pre{background:#f3f4f6;padding:.6rem;overflow:auto}.refs{font-size:.85rem;color:#444;word-break:break-all}"
          "</style></head><body>\n", o);
    char cls[16];
    snprintf(cls, sizeof cls, "%s", st);
    cls[strcspn(cls, " ")] = 0;
    fputs("<h1>stresswsl report</h1>\n", o);
    if (sw_report_is_synthetic(report))
        fputs("<p class=\"verdict v-synthetic\"><b>SYNTHETIC:</b> faults were injected on purpose (<code>--inject</code> "
              "or <code>selftest</code>): the errors in this report test the detectors and say nothing about this "
              "machine.</p>\n", o);
    fputs("<p class=\"verdict v-", o);
    h(o, cls);
    fputs("\"><b>Verdict: ", o);
    h(o, st);
    fputs("</b> &mdash; ", o);
    const char *summary = sw_doc_str(verdict, "summary");
    h(o, *summary ? summary : "the correlator did not run on this report");
    fputs("</p>\n", o);
}

static void html_finding_open(FILE *o, const json_t *f, int n)
{
    (void)n;
    fputs("<section class=\"finding conf-", o);
    h(o, sw_doc_str(f, "confidence"));
    fputs("\"><h3>", o);
    h(o, sw_doc_str(f, "title"));
    fputs("</h3>", o);
}

static void html_kv_row(FILE *o, const char *label, const char *value)
{
    fputs("<tr><th>", o);
    h(o, label);
    fputs("</th><td>", o);
    h(o, value);
    fputs("</td></tr>", o);
}

static void html_grid_head(FILE *o, const char *const *heads, int n, int first_numeric)
{
    (void)first_numeric;   /* the cells carry class="num" */
    fputs("<table><tr>", o);
    for (int i = 0; i < n; i++) {
        fputs("<th>", o);
        h(o, heads[i]);
        fputs("</th>", o);
    }
    fputs("</tr>", o);
}

static void html_after_what_ran(FILE *o, const json_t *report)
{
    fputs("<h2>Timeline</h2>\n", o);
    sw_html_timeline(o, report);
}

static const struct sw_doc_fmt k_html = {
    .file = "report.html",
    .text = h,
    .code = html_code,
    .pre = html_pre,
    .ref = h,   /* plain text: the page makes no network requests */
    .begin = html_begin,
    .finding_open = html_finding_open,
    .kv_row = html_kv_row,
    .grid_head = html_grid_head,
    .after_what_ran = html_after_what_ran,
    .h2 = {"<h2>", "</h2>\n"},
    .p = {"<p>", "</p>\n"},
    .meta = {"<p class=\"meta\">", "</p>"},
    .b = {"<b>", "</b>"},
    .ul = {"<ul>", "</ul>\n"},
    .li = {"<li>", "</li>"},
    .kv = {"<table>", "</table>\n"},
    .row = {"<tr>", "</tr>"},
    .cell = {"<td>", "</td>"},
    .num_open = "<td class=\"num\">",
    .grid_close = "</table>\n",
    .refs_open = "<p class=\"refs\">",
    .finding_close = "</section>\n",
    .lt = " &lt; ",
    .end = "</body></html>\n",
};

void sw_html_event_text(FILE *o, const json_t *e)
{
    sw_report_doc_event(o, &k_html, e);
}

int sw_report_write_html(const json_t *report, FILE *o, struct sw_diag *d)
{
    return sw_report_doc_write(report, o, &k_html, d);
}
