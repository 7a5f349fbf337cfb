/* report.md: the support-ticket summary. Verdict first, then findings with their evidence, the
 * environment, what ran, the exact command to reproduce, and what was redacted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report/rfacts.h"
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

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void md_event_line(FILE *o, const json_t *e)
{
    fprintf(o, "#%lld %s %s", (long long)json_integer_value(json_object_get(e, "seq")), str(e, "time"), str(e, "type"));
    const json_t *k = json_object_get(e, "kernel");
    if (json_is_integer(json_object_get(k, "line")))
        fprintf(o, " (log line %lld)", (long long)json_integer_value(json_object_get(k, "line")));
    if (k) {
        fprintf(o, " %s", str(k, "kind"));
        if (*str(k, "also"))
            fprintf(o, "/%s", str(k, "also"));
    }
    if (*str(e, "workload"))
        fprintf(o, " in %s", str(e, "workload"));
    json_int_t cpu = json_integer_value(json_object_get(e, "cpu"));
    if (json_object_get(e, "cpu") && cpu >= 0)
        fprintf(o, " on CPU %lld", (long long)cpu);
    if (*str(e, "phase"))
        fprintf(o, " (phase %s)", str(e, "phase"));
    if (*str(e, "text")) {
        fputs(": ", o);
        md_text(o, str(e, "text"));
    }
    const json_t *syms = json_object_get(k, "symbols");
    if (json_array_size(syms)) {
        fputs(" [", o);
        size_t i;
        const json_t *s;
        json_array_foreach(syms, i, s) {
            if (i >= 4)
                break;
            fprintf(o, "%s`%s`", i ? " < " : "", json_string_value(s));
        }
        fputs("]", o);
    }
}

static void md_finding(FILE *o, const json_t *report, const json_t *f, int n)
{
    fprintf(o, "### %d. ", n);
    md_text(o, str(f, "title"));
    fprintf(o, "\n\n*Points to %s (%s), %s confidence* (rule `%s`)\n\n", *str(f, "lean") ? str(f, "lean") : "unknown",
            str(f, "class"), str(f, "confidence"), str(f, "rule"));
    md_text(o, str(f, "summary"));
    fputs("\n\n**What to do:** ", o);
    md_text(o, str(f, "advice"));
    fputs("\n\n", o);
    const json_t *ev = json_object_get(f, "evidence");
    const json_t *snap = sw_rfacts_snapshot(report);
    size_t i;
    const json_t *x;
    if (json_array_size(json_object_get(ev, "facts"))) {
        fputs("**Evidence (facts):**", o);
        json_array_foreach(json_object_get(ev, "facts"), i, x) {
            char buf[256];
            fprintf(o, "%s `%s` = ", i ? "," : "", json_string_value(x));
            md_text(o, sw_rfacts_text(sw_rfacts_value(snap, json_string_value(x)), buf, sizeof buf));
            const char *src = str(sw_rfacts_fact(snap, json_string_value(x)), "source");
            if (*src) {   /* the log's own line, a probe or the host: say which */
                fputs(" (from ", o);
                md_text(o, src);
                fputc(')', o);
            }
        }
        fputs("\n\n", o);
    }
    struct sw_evidence_list lists[2];
    int nl = sw_report_evidence_lists(report, f, lists);
    for (int l = 0; l < nl; l++) {
        fprintf(o, "**Evidence (%s):**\n\n", lists[l].heading);
        json_array_foreach(lists[l].seqs, i, x) {
            if (i >= SW_EVIDENCE_SHOWN) {
                fprintf(o, "- ... and %zu more\n", json_array_size(lists[l].seqs) - SW_EVIDENCE_SHOWN);
                break;
            }
            const json_t *e = sw_report_event_by_seq(lists[l].pool, json_integer_value(x));
            fputs("- ", o);
            if (e)
                md_event_line(o, e);
            else
                fprintf(o, "#%lld", (long long)json_integer_value(x));
            fputc('\n', o);
        }
        fputc('\n', o);
    }
    if (json_array_size(json_object_get(f, "confounders"))) {
        fputs("**What weakens this:**\n\n", o);
        json_array_foreach(json_object_get(f, "confounders"), i, x) {
            fputs("- ", o);
            md_text(o, json_string_value(x));
            fputc('\n', o);
        }
        fputc('\n', o);
    }
    if (json_array_size(json_object_get(f, "references"))) {
        fputs("**References:**", o);
        json_array_foreach(json_object_get(f, "references"), i, x) fprintf(o, "%s <%s>", i ? "," : "", json_string_value(x));
        fputs("\n\n", o);
    }
}

int sw_report_write_markdown(const json_t *report, FILE *o, struct sw_diag *d)
{
    const json_t *verdict = json_object_get(report, "verdict");
    const json_t *run = json_object_get(report, "run");
    const char *st = *str(verdict, "status") ? str(verdict, "status") : "not judged";
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
    md_text(o, *str(verdict, "summary") ? str(verdict, "summary") : "the correlator did not run on this report");
    fprintf(o, "\n\nRun `%s`, profile `%s`, started %s.\n\n", str(run, "id"), str(run, "profile"), str(run, "start"));

    const json_t *findings = json_object_get(report, "findings");
    size_t i;
    const json_t *f;
    int n = 0, info = 0;
    fputs("## Findings\n\n", o);
    json_array_foreach(findings, i, f) if (!json_is_true(json_object_get(f, "informational"))) md_finding(o, report, f, ++n);
    if (!n)
        fputs("No rule matched a known cause.\n\n", o);
    json_array_foreach(findings, i, f) if (json_is_true(json_object_get(f, "informational"))) info++;
    if (info) {
        fputs("## Ruled out\n\n", o);
        json_array_foreach(findings, i, f) {
            if (!json_is_true(json_object_get(f, "informational")))
                continue;
            fputs("- **", o);
            md_text(o, str(f, "title"));
            fputs("**: ", o);
            md_text(o, str(f, "summary"));
            fputc('\n', o);
        }
        fputc('\n', o);
    }

    fputs("## Environment\n\n| | |\n|---|---|\n", o);
    struct sw_env_row rows[40];
    int nr = sw_report_env_rows(report, rows, 24);
    nr += sw_report_run_rows(report, rows + nr, 40 - nr);
    for (int r = 0; r < nr; r++) {
        fprintf(o, "| %s | ", rows[r].label);
        md_text(o, rows[r].value);
        fputs(" |\n", o);
    }

    char d1[32], d2[32];
    fprintf(o, "\n## What ran\n\nStatus **%s** after %s of %s planned (exit code %lld, seed %lld).\n\n", str(run, "status"),
            sw_fmt_duration(sw_json_number(json_object_get(run, "duration_s")), d1, sizeof d1),
            sw_fmt_duration(sw_json_number(json_object_get(run, "planned_duration_s")), d2, sizeof d2),
            (long long)json_integer_value(json_object_get(run, "exit_code")),
            (long long)json_integer_value(json_object_get(run, "seed")));
    const json_t *plan = json_object_get(report, "plan");
    if (json_is_true(json_object_get(plan, "is_vm")) && *str(plan, "vm_note")) {
        fputs("Placement note: ", o);
        md_text(o, str(plan, "vm_note"));
        fputs("\n\n", o);
    }
    fputs("| Workload | Phase | Workers | Operations | Rate per second | Errors |\n|---|---|---:|---:|---:|---:|\n", o);
    json_array_foreach(json_object_get(report, "workloads"), i, f) {
        fputs("| ", o);
        md_text(o, str(f, "name"));
        fputs(" | ", o);
        md_text(o, str(f, "phase"));
        fprintf(o, " | %lld | %.0f %s | %.1f | %lld |\n", (long long)json_integer_value(json_object_get(f, "workers")),
                sw_json_number(json_object_get(f, "ops")), str(f, "unit"), sw_json_number(json_object_get(f, "rate_per_s")),
                (long long)json_integer_value(json_object_get(f, "errors")));
    }

    int errs = 0;
    json_array_foreach(json_object_get(report, "events"), i, f) {
        const char *sev = str(f, "severity");
        if (strcmp(sev, "error") && strcmp(sev, "fatal"))
            continue;
        if (!errs++)
            fputs("\n## Errors recorded\n\n", o);
        if (errs > 30) {
            fputs("- ... more in report.json\n", o);
            break;
        }
        fputs("- ", o);
        md_event_line(o, f);
        fputc('\n', o);
    }
    if (json_integer_value(json_object_get(report, "events_dropped")) > 0)
        fprintf(o, "\n%lld events were dropped (the event log is bounded).\n",
                (long long)json_integer_value(json_object_get(report, "events_dropped")));

    const json_t *prev = json_object_get(report, "previous_run");
    if (json_is_object(prev)) {
        fputs("\n## The previous run ended abruptly\n\n", o);
        fprintf(o, "Run `%s`, started %s, last record %s in phase `%s`: ", str(prev, "id"), str(prev, "started"),
                str(prev, "last_record"), str(prev, "phase"));
        md_text(o, str(prev, "cause"));
        fputs(".\n", o);
        json_array_foreach(json_object_get(prev, "last_events"), i, f) {
            fputs("- ", o);
            md_event_line(o, f);
            fputc('\n', o);
        }
    }

    char again[1200];
    fprintf(o, "\n## Reproduce\n\n```sh\n%s\n```\n", sw_report_reproduce(report, again, sizeof again));
    fputs("\n## Redaction\n\n", o);
    const json_t *red = json_object_get(report, "redacted");
    if (json_array_size(json_object_get(red, "items"))) {
        fputs("Replaced consistently before sharing (the same value always gets the same placeholder):\n\n", o);
        json_array_foreach(json_object_get(red, "items"), i, f) {
            fprintf(o, "- %s: %lld value(s) replaced by `%s`\n", str(f, "what"),
                    (long long)json_integer_value(json_object_get(f, "count")), str(f, "placeholder"));
        }
    } else if (red) {
        fputs("Redacted by `stresswsl bundle`: nothing to replace was found.\n", o);
    } else {
        fputs("Nothing was redacted in this file: it can contain user names, host names and paths. "
              "Share it through `stresswsl bundle`, which redacts them.\n", o);
    }
    if (fflush(o) != 0 || ferror(o))
        return sw_fail(d, -EIO, "could not write report.md: %s", strerror(errno));
    return 0;
}
