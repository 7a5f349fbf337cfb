/* The human-readable reports written from a finished report.json (with findings and verdict, see
 * report/correlate.h): report.md (a support-ticket summary), report.html (one self-contained page, no
 * network, with an SVG timeline) and the few console lines printed at the end of a run. Each returns 0
 * or a negative errno with d set (a write error). */
#ifndef SW_WRITERS_H
#define SW_WRITERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"

int sw_report_write_markdown(const json_t *report, FILE *out, struct sw_diag *d);
int sw_report_write_html(const json_t *report, FILE *out, struct sw_diag *d);
/* The verdict and the top findings in a few lines; color adds ANSI colors (cli decides via
 * sw_cli_use_color). */
int sw_report_write_console(const json_t *report, FILE *out, bool color, struct sw_diag *d);
/* Writes report.md and report.html into dir (the run directory). */
int sw_report_write_files(const json_t *report, const char *dir, struct sw_diag *d);

/* ---- shared by the writers ---- */
struct sw_env_row {
    char label[40];
    char value[256];
};
/* The environment table: CPU, signature, microcode (firmware / visible / host), BIOS, board,
 * hypervisor, WSL and kernel versions, Windows build, memory. Returns the number of rows filled. */
int sw_report_env_rows(const json_t *report, struct sw_env_row *rows, int max);
/* The run's conditions (report/runinfo.c): tool version, injected faults (synthetic), kernel log
 * watched or why not, CPUs, cgroup memory limit, load and steal. Returns the rows filled. */
int sw_report_run_rows(const json_t *report, struct sw_env_row *rows, int max);
/* run.synthetic: the faults in this report were injected on purpose (--inject, selftest). */
bool sw_report_is_synthetic(const json_t *report);
/* The command that repeats the run, with --seed added when the command did not give it. */
const char *sw_report_reproduce(const json_t *report, char *buf, size_t cap);
/* Seconds from run.start to an event (its t_ns, else its time), or -1 when unknown. */
double sw_report_event_offset(const json_t *report, const json_t *event);
/* report.html pieces (report/html.c, report/html_timeline.c): one event in a line, and the run-wide
 * timeline figure. HTML-escaped text: report/html_text.h. */
void sw_html_event_text(FILE *o, const json_t *event);
void sw_html_timeline(FILE *o, const json_t *report);
/* Parses an RFC 3339 UTC time ("2026-11-23T14:50:51.123Z") to seconds since the epoch; -1 if bad. */
double sw_report_parse_time(const char *s);

#endif
