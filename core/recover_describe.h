/* JSON views of a scanned journal (core/recover_describe.c): no file is touched. */
#ifndef SW_RECOVER_DESCRIBE_H
#define SW_RECOVER_DESCRIBE_H

#include <jansson.h>
#include <stddef.h>

#include "core/journal.h"

/* report.json's "previous_run" object (docs/report-schema.md) for a run that did not end cleanly.
 * run_dir and journal are where the tool found it (never paths read from the file); fallback_id
 * names the run when its header is damaged. */
json_t *sw_recover_describe(const struct sw_journal_scan *s, const char *run_dir, const char *journal,
                            const char *fallback_id, const char *boot_now);
/* The "abrupt" report.json for the dead run's own directory. */
json_t *sw_recover_abrupt_report(const struct sw_journal_scan *s, const json_t *prev, const char *run_dir);
/* The one-line warning the next run prints about prev. */
void sw_recover_warning(const json_t *prev, char *buf, size_t cap);

#endif
