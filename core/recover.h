/* Recovery: at the start of every run, find an earlier run whose journal has no clean end and that no
 * run has reported yet, and describe it as report.json's "previous_run" (docs/report-schema.md): when
 * it stopped, which phase and workloads were running, its last events, and whether the machine
 * restarted since (the boot id changed: a guest crash or restart) or only the process was killed.
 * Each abrupt run is shown once: its journal is marked reported. Its temp root is removed, and an
 * "abrupt" report.json is written into its run directory if it has none. */
#ifndef SW_RECOVER_H
#define SW_RECOVER_H

#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"

#define SW_RECOVER_LAST_EVENTS 10
#define SW_RECOVER_CAUSE_REBOOT "the machine restarted (boot id changed): a guest crash or restart"
#define SW_RECOVER_CAUSE_KILLED "the stresswsl process was killed (same boot)"

/* Describes one journal (no marking, no side effects). *out = NULL when it ended cleanly. Returns 0,
 * -EBADMSG for a file that is not a journal, -EWOULDBLOCK when its run is still alive (locked). */
int sw_recover_journal(const char *journal_path, const char *boot_id_now, json_t **out, struct sw_diag *d);
/* Scans <state_dir>/runs/NAME/journal and the run directories listed in <state_dir>/external-runs;
 * reports the newest unreported abrupt run in *out (NULL if none) and marks every abrupt one as
 * reported. Returns 0 or -errno (an unreadable state dir is not an error: nothing to report). */
int sw_recover_scan(const char *state_dir, const char *boot_id_now, json_t **out, struct sw_diag *d);
/* Remembers a run directory outside <state_dir>/runs (--out) for later scans. */
int sw_recover_remember(const char *state_dir, const char *run_dir);

#endif
