/* report.html: the same content as report.md on one self-contained page (inline CSS and SVG, no
 * scripts, no network), with the run-wide timeline of report/html_timeline.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report/rfacts.h"
#include "report/html_text.h"
#include "report/writers.h"

static void h(FILE *o, const char *s)
{
    sw_html_text(o, s);
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void event_text(FILE *o, const json_t *e)
{
    fprintf(o, "#%lld ", (long long)json_integer_value(json_object_get(e, "seq")));
    h(o, str(e, "time"));
    fputc(' ', o);
    h(o, str(e, "type"));
    const json_t *k = json_object_get(e, "kernel");
    if (k) {
        fputc(' ', o);
        h(o, str(k, "kind"));
        if (*str(k, "also")) {
            fputc('/', o);
            h(o, str(k, "also"));
        }
    }
    if (*str(e, "workload")) {
        fputs(" in ", o);
        h(o, str(e, "workload"));
    }
    const json_t *c = json_object_get(e, "cpu");
    if (json_is_integer(c) && json_integer_value(c) >= 0)
        fprintf(o, " on CPU %lld", (long long)json_integer_value(c));
    if (*str(e, "text")) {
        fputs(": ", o);
        h(o, str(e, "text"));
    }
    const json_t *syms = json_object_get(k, "symbols");
    size_t i;
    const json_t *s;
    json_array_foreach(syms, i, s) {
        if (i >= 4)
            break;
        fputs(i ? " &lt; " : " [", o);
        fputs("<code>", o);
        h(o, json_string_value(s));
        fputs("</code>", o);
        if (i + 1 == json_array_size(syms) || i == 3)
            fputs("]", o);
    }
}

static void finding_html(FILE *o, const json_t *report, const json_t *f)
{
    fprintf(o, "<section class=\"finding conf-%s\"><h3>", str(f, "confidence"));
    h(o, str(f, "title"));
    fputs("</h3><p class=\"meta\">points to ", o);
    h(o, *str(f, "lean") ? str(f, "lean") : "unknown");
    fputs(" (", o);
    h(o, str(f, "class"));
    fputs(")", o);
    fputs(", ", o);
    h(o, str(f, "confidence"));
    fputs(" confidence (rule <code>", o);
    h(o, str(f, "rule"));
    fputs("</code>)</p><p>", o);
    h(o, str(f, "summary"));
    fputs("</p><p><b>What to do:</b> ", o);
    h(o, str(f, "advice"));
    fputs("</p>", o);
    const json_t *ev = json_object_get(f, "evidence");
    const json_t *snap = sw_rfacts_snapshot(report);
    size_t i;
    const json_t *x;
    if (json_array_size(json_object_get(ev, "facts"))) {
        fputs("<p><b>Evidence (facts):</b> ", o);
        json_array_foreach(json_object_get(ev, "facts"), i, x) {
            char buf[256];
            fputs(i ? ", <code>" : "<code>", o);
            h(o, json_string_value(x));
            fputs("</code> = ", o);
            h(o, sw_rfacts_text(sw_rfacts_value(snap, json_string_value(x)), buf, sizeof buf));
        }
        fputs("</p>", o);
    }
    struct sw_evidence_list lists[2];
    int nl = sw_report_evidence_lists(report, f, lists);
    for (int l = 0; l < nl; l++) {
        fprintf(o, "<p><b>Evidence (%s):</b></p><ul>", lists[l].heading);
        json_array_foreach(lists[l].seqs, i, x) {
            if (i >= SW_EVIDENCE_SHOWN) {
                fprintf(o, "<li>... and %zu more</li>", json_array_size(lists[l].seqs) - SW_EVIDENCE_SHOWN);
                break;
            }
            const json_t *e = sw_report_event_by_seq(lists[l].pool, json_integer_value(x));
            fputs("<li>", o);
            if (e)
                event_text(o, e);
            else
                fprintf(o, "#%lld", (long long)json_integer_value(x));
            fputs("</li>", o);
        }
        fputs("</ul>", o);
    }
    if (json_array_size(json_object_get(f, "confounders"))) {
        fputs("<p><b>What weakens this:</b></p><ul>", o);
        json_array_foreach(json_object_get(f, "confounders"), i, x) {
            fputs("<li>", o);
            h(o, json_string_value(x));
            fputs("</li>", o);
        }
        fputs("</ul>", o);
    }
    if (json_array_size(json_object_get(f, "references"))) {
        fputs("<p class=\"refs\"><b>References:</b> ", o);
        json_array_foreach(json_object_get(f, "references"), i, x) {
            fputs(i ? ", " : "", o);
            h(o, json_string_value(x));   /* plain text: the page makes no network requests */
        }
        fputs("</p>", o);
    }
    fputs("</section>\n", o);
}

void sw_html_event_text(FILE *o, const json_t *e)
{
    event_text(o, e);
}

int sw_report_write_html(const json_t *report, FILE *o, struct sw_diag *d)
{
    const json_t *verdict = json_object_get(report, "verdict");
    const json_t *run = json_object_get(report, "run");
    const char *st = *str(verdict, "status") ? str(verdict, "status") : "not judged";
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
    fprintf(o, "<p class=\"verdict v-%s\"><b>Verdict: ", cls);
    h(o, st);
    fputs("</b> &mdash; ", o);
    h(o, *str(verdict, "summary") ? str(verdict, "summary") : "the correlator did not run on this report");
    fputs("</p>\n<p>Run <code>", o);
    h(o, str(run, "id"));
    fputs("</code>, profile <code>", o);
    h(o, str(run, "profile"));
    fputs("</code>, started ", o);
    h(o, str(run, "start"));
    fputs(".</p>\n<h2>Findings</h2>\n", o);
    size_t i;
    const json_t *f;
    int n = 0, info = 0;
    json_array_foreach(json_object_get(report, "findings"), i, f) {
        if (json_is_true(json_object_get(f, "informational"))) {
            info++;
            continue;
        }
        finding_html(o, report, f);
        n++;
    }
    if (!n)
        fputs("<p>No rule matched a known cause.</p>\n", o);
    if (info) {
        fputs("<h2>Ruled out</h2><ul>", o);
        json_array_foreach(json_object_get(report, "findings"), i, f) {
            if (!json_is_true(json_object_get(f, "informational")))
                continue;
            fputs("<li><b>", o);
            h(o, str(f, "title"));
            fputs("</b>: ", o);
            h(o, str(f, "summary"));
            fputs("</li>", o);
        }
        fputs("</ul>\n", o);
    }
    fputs("<h2>Environment</h2>\n<table>", o);
    struct sw_env_row rows[40];
    int nr = sw_report_env_rows(report, rows, 24);
    nr += sw_report_run_rows(report, rows + nr, 40 - nr);
    for (int r = 0; r < nr; r++) {
        fputs("<tr><th>", o);
        h(o, rows[r].label);
        fputs("</th><td>", o);
        h(o, rows[r].value);
        fputs("</td></tr>", o);
    }
    char d1[32], d2[32];
    fputs("</table>\n<h2>What ran</h2>\n<p>Status <b>", o);
    h(o, str(run, "status"));
    fprintf(o, "</b> after %s of %s planned (exit code %lld, seed %lld).</p>\n",
            sw_fmt_duration(sw_json_number(json_object_get(run, "duration_s")), d1, sizeof d1),
            sw_fmt_duration(sw_json_number(json_object_get(run, "planned_duration_s")), d2, sizeof d2),
            (long long)json_integer_value(json_object_get(run, "exit_code")),
            (long long)json_integer_value(json_object_get(run, "seed")));
    fputs("<table><tr><th>Workload</th><th>Phase</th><th>Workers</th><th>Operations</th><th>Rate per second</th>"
          "<th>Errors</th></tr>", o);
    json_array_foreach(json_object_get(report, "workloads"), i, f) {
        fputs("<tr><td>", o);
        h(o, str(f, "name"));
        fputs("</td><td>", o);
        h(o, str(f, "phase"));
        fprintf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%.0f ", (long long)json_integer_value(json_object_get(f, "workers")),
                sw_json_number(json_object_get(f, "ops")));
        h(o, str(f, "unit"));
        fprintf(o, "</td><td class=\"num\">%.1f</td><td class=\"num\">%lld</td></tr>",
                sw_json_number(json_object_get(f, "rate_per_s")), (long long)json_integer_value(json_object_get(f, "errors")));
    }
    fputs("</table>\n<h2>Timeline</h2>\n", o);
    sw_html_timeline(o, report);
    int errs = 0;
    json_array_foreach(json_object_get(report, "events"), i, f) {
        const char *sev = str(f, "severity");
        if (strcmp(sev, "error") && strcmp(sev, "fatal"))
            continue;
        if (!errs++)
            fputs("<h2>Errors recorded</h2><ul>", o);
        if (errs > 30)
            break;
        fputs("<li>", o);
        event_text(o, f);
        fputs("</li>", o);
    }
    if (errs)
        fputs("</ul>\n", o);
    const json_t *prev = json_object_get(report, "previous_run");
    if (json_is_object(prev)) {
        fputs("<h2>The previous run ended abruptly</h2><p>Run <code>", o);
        h(o, str(prev, "id"));
        fputs("</code>, last record ", o);
        h(o, str(prev, "last_record"));
        fputs(": ", o);
        h(o, str(prev, "cause"));
        fputs(".</p><ul>", o);
        json_array_foreach(json_object_get(prev, "last_events"), i, f) {
            fputs("<li>", o);
            event_text(o, f);
            fputs("</li>", o);
        }
        fputs("</ul>\n", o);
    }
    fputs("<h2>Reproduce</h2><pre>", o);
    char again[1200];
    h(o, sw_report_reproduce(report, again, sizeof again));
    fputs("</pre>\n<h2>Redaction</h2>\n", o);
    const json_t *red = json_object_get(report, "redacted");
    if (json_array_size(json_object_get(red, "items"))) {
        fputs("<ul>", o);
        json_array_foreach(json_object_get(red, "items"), i, f) {
            fputs("<li>", o);
            h(o, str(f, "what"));
            fprintf(o, ": %lld value(s) replaced by <code>", (long long)json_integer_value(json_object_get(f, "count")));
            h(o, str(f, "placeholder"));
            fputs("</code></li>", o);
        }
        fputs("</ul>\n", o);
    } else if (red) {
        fputs("<p>Redacted by <code>stresswsl bundle</code>: nothing to replace was found.</p>\n", o);
    } else {
        fputs("<p>Nothing was redacted in this file: it can contain user names, host names and paths. Share it "
              "through <code>stresswsl bundle</code>, which redacts them.</p>\n", o);
    }
    fputs("</body></html>\n", o);
    if (fflush(o) != 0 || ferror(o))
        return sw_fail(d, -EIO, "could not write report.html: %s", strerror(errno));
    return 0;
}
