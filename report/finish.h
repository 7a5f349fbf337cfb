/* The end of a run in two calls (what `stresswsl run` and `analyze` use):
 *
 *   json_t *hist = sw_report_history(runs_dir, this_run_id, 20);   // earlier reports, may be empty
 *   sw_report_finish(report, run_dir, hist, &d);  // findings + verdict into report, then
 *                                                 // report.json, report.md, report.html in run_dir
 *   sw_report_write_console(report, stdout, sw_cli_use_color(), &d);   // report/writers.h
 */
#ifndef SW_FINISH_H
#define SW_FINISH_H

#include <jansson.h>

#include "core/diag.h"

/* Earlier reports of this machine: <runs_dir>/<id>/report.json, newest first, at most max, without
 * exclude_id. Never NULL (an empty array when there are none or the directory is missing). */
json_t *sw_report_history(const char *runs_dir, const char *exclude_id, int max);
/* Loads the rules (sw_rules_load_default), sets report.findings and report.verdict, and writes
 * report.json (atomically), report.md and report.html into run_dir (NULL: nothing written). When the
 * rules cannot be loaded the verdict is still set from the events alone, the files are still written,
 * and -ENOENT/-EINVAL is returned with d saying why (a warning for the caller). */
int sw_report_finish(json_t *report, const char *run_dir, const json_t *history, struct sw_diag *d);

#endif
