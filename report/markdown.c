/* report.md: the support-ticket summary. Verdict first, then the structure shared with report.html
 * (report/report_doc.c): findings with their evidence, the environment, what ran, the exact command
 * to reproduce, and what was redacted. */
#include <stdio.h>
#include <string.h>

#include "report/report_doc.h"
#include "report/writers.h"

/* Table cells and inline text: no pipes or newlines that would break the Markdown structure. */
static void md_text(FILE *o, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", o);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', o);
        else if (*s == '<')
            fputs("&lt;", o);
        else
            fputc(*s, o);
    }
}

/* A code span shows its text as is; only what would end it or the line is replaced. */
static void md_code(FILE *o, const char *s)
{
    fputc('`', o);
    for (; s && *s; s++)
        fputc(*s == '`' ? '\'' : *s == '\n' || *s == '\r' ? ' ' : *s, o);
    fputc('`', o);
}

/* A fenced block whose fence is longer than any run of backticks in s: a report's command comes from a
 * file (report.json, a bundle), and a line of its own backticks must not end the block early. */
static void md_pre(FILE *o, const char *s)
{
    size_t run = 0, longest = 0;
    for (const char *p = s ? s : ""; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t fence = longest >= 3 ? longest + 1 : 3;
    for (size_t i = 0; i < fence; i++)
        fputc('`', o);
    fprintf(o, "sh\n%s\n", s ? s : "");
    for (size_t i = 0; i < fence; i++)
        fputc('`', o);
    fputs("\n\n", o);
}

static void md_ref(FILE *o, const char *s)
{
    fprintf(o, "<%s>", s ? s : "");
}

static void md_begin(FILE *o, const json_t *report)
{
    const json_t *verdict = json_object_get(report, "verdict");
    const char *st = *sw_doc_str(verdict, "status") ? sw_doc_str(verdict, "status") : "not judged";
    char up[32];
    snprintf(up, sizeof up, "%s", st);
    for (char *p = up; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    bool synthetic = sw_report_is_synthetic(report);
    fprintf(o, "# stresswsl report: %s%s\n\n", up, synthetic ? " (SYNTHETIC)" : "");
    if (synthetic)
        fputs("> **SYNTHETIC:** faults were injected on purpose (`--inject` or `selftest`): the errors below test "
              "the detectors and say nothing about this machine.\n\n", o);
    fputs("**Verdict:** ", o);
    const char *summary = sw_doc_str(verdict, "summary");
    md_text(o, *summary ? summary : "the correlator did not run on this report");
    fputs("\n\n", o);
}

static void md_finding_open(FILE *o, const json_t *f, int n)
{
    fprintf(o, "### %d. ", n);
    md_text(o, sw_doc_str(f, "title"));
    fputs("\n\n", o);
}

static void md_kv_row(FILE *o, const char *label, const char *value)
{
    fputs("| ", o);
    md_text(o, label);
    fputs(" | ", o);
    md_text(o, value);
    fputs(" |\n", o);
}

static void md_grid_head(FILE *o, const char *const *heads, int n, int first_numeric)
{
    for (int i = 0; i < n; i++)
        fprintf(o, "| %s ", heads[i]);
    fputs("|\n", o);
    for (int i = 0; i < n; i++)
        fputs(i >= first_numeric ? "|---:" : "|---", o);
    fputs("|\n", o);
}

static const struct sw_doc_fmt k_markdown = {
    .file = "report.md",
    .text = md_text,
    .code = md_code,
    .pre = md_pre,
    .ref = md_ref,
    .begin = md_begin,
    .finding_open = md_finding_open,
    .kv_row = md_kv_row,
    .grid_head = md_grid_head,
    .h2 = {"## ", "\n\n"},
    .p = {"", "\n\n"},
    .meta = {"*", "*\n\n"},
    .b = {"**", "**"},
    .ul = {"", "\n"},
    .li = {"- ", "\n"},
    .kv = {"| | |\n|---|---|\n", "\n"},
    .row = {"", "|\n"},
    .cell = {"| ", " "},
    .num_open = "| ",
    .grid_close = "\n",
    .refs_open = "",
    .finding_close = "",
    .lt = " < ",
    .end = "",
};

int sw_report_write_markdown(const json_t *report, FILE *o, struct sw_diag *d)
{
    return sw_report_doc_write(report, o, &k_markdown, d);
}
