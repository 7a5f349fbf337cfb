/* The verdict: the one place that decides how a run or an analysed log ended.
 *
 *   status   stable | unstable | inconclusive
 *   lean     hardware | software | environment | configuration | unknown, with a confidence and the
 *            findings that carry it
 *   summary  whose first sentence says the status and the lean in plain words
 *   exit     the process exit code of `stresswsl run` and of `stresswsl analyze`
 *
 * Every writer (Markdown, HTML, console), the run command, `analyze` and `compare` take these from
 * report.verdict; nothing else counts errors to decide them.
 *
 * Exit codes decided here (core/exitcode.h has the whole table):
 *   0    stable, or an analysed log without errors
 *   6    inconclusive: a run with nothing found that tested too little (short, failed to start, no
 *        work done); not a pass
 *   1    unstable: an error the machine should not make (wrong result, crash, kernel error, machine
 *        check), whatever its lean: a kernel bug that crashes the guest is still a crash
 *   5    no instability, but a configuration limit was hit (out-of-memory kills, page allocation
 *        failures): the run did not test what it was meant to, or the log shows the limit
 *   130  a run interrupted before anything was found
 * An OOM kill is configuration, not instability: it never makes a run unstable by itself. A panic
 * that the OOM killer caused (panic_on_oom, init killed) is configuration too.
 */
#ifndef SW_VERDICT_H
#define SW_VERDICT_H

#include <jansson.h>
#include <stdbool.h>

/* The lean of a rule class: hardware-cpu/-memory and firmware -> "hardware"; kernel-bug, driver-bug,
 * program-bug -> "software"; environment, configuration as named; unknown -> "unknown". NULL for an
 * unknown class. */
const char *sw_lean_of_class(const char *cls);
/* True for hardware, software, environment, configuration, unknown. */
bool sw_lean_valid(const char *lean);
/* True for the pairs that contradict each other (hardware vs software). */
bool sw_lean_opposite(const char *a, const char *b);

/* The verdict object {"status", "lean", "lean_confidence", "lean_findings", "summary", "exit_code"}
 * for report (docs/report-schema.md) given its sorted findings (may be empty) and the earlier reports
 * of the same machine (NULL or an array). Pure. */
json_t *sw_verdict_make(const json_t *report, const json_t *findings, const json_t *history);
/* report.verdict.exit_code; when the report has no verdict yet, the verdict from its events alone. */
int sw_verdict_exit_code(const json_t *report);
/* report.verdict.status, or the status from the events alone: "stable", "unstable", "inconclusive". */
const char *sw_verdict_status(const json_t *report);
/* True when a kernel event is a configuration limit (oom_kill, page_alloc_fail, a panic they caused). */
bool sw_verdict_is_limit_event(const json_t *event);

#endif
