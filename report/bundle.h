/* `stresswsl bundle`: one .tar.gz for a support ticket with a fresh probe snapshot, the latest run
 * reports (re-rendered from the redacted report.json), the files of runs that ended abruptly (their
 * journals), the kernel log since boot, host evidence and a MANIFEST saying what is in it, what is
 * missing and why, and what was redacted and how. The caller (cli) gathers the live inputs. */
#ifndef SW_BUNDLE_H
#define SW_BUNDLE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"

struct sw_bundle_input {
    const char *state_dir;           /* runs are in <state_dir>/runs/<id>/                        */
    const json_t *probe;             /* a fresh probe snapshot, or NULL (probe_note says why)      */
    const char *probe_note;
    const json_t *host_evidence;     /* sw_host_crash_evidence() array, or NULL (host_note)       */
    const char *host_note;
    const char *kmsg;                /* the kernel log since boot as text, or NULL (kmsg_note)     */
    const char *kmsg_note;
    bool redact;                     /* default true                                              */
    const char *const *known_users;  /* NULL-terminated: $USER, the login name, ...               */
    const char *const *known_hosts;  /* NULL-terminated: the host name                            */
    int latest_runs;                 /* how many of the newest runs to include (0 = 3)           */
    const char *created;             /* RFC 3339 time for the MANIFEST (cli passes "now")        */
};

/* Writes the archive to out_path (via a temporary file, renamed at the end). On success returns 0 and,
 * if manifest is non-NULL, a new object {"files": [...], "missing": [...], "redacted": [...]}. */
int sw_bundle_write(const struct sw_bundle_input *in, const char *out_path, json_t **manifest,
                    struct sw_diag *d);

#endif
