/* `stresswsl bundle`: one .tar.gz for a support ticket with a fresh probe snapshot, the latest run
 * reports (re-rendered from the redacted report.json), the runs made with --out, the files of runs
 * that ended abruptly (their journals), the kernel log since boot, host evidence and a MANIFEST saying
 * what is in it, what is missing and why, and what was redacted and how. The caller (cli) gathers the
 * live inputs. Everything read from disk is size-capped and never followed through a symlink. */
#ifndef SW_BUNDLE_H
#define SW_BUNDLE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"

struct sw_bundle_input {
    const char *state_dir;           /* runs are in <state_dir>/runs/<id>/ and <state>/external-runs */
    const char *const *run_dirs;     /* NULL-terminated: these runs instead of the state dir's     */
    const json_t *probe;             /* a fresh probe snapshot, or NULL (probe_note says why)      */
    const char *probe_note;
    const json_t *host_evidence;     /* sw_host_crash_evidence() array, or NULL (host_note)       */
    const char *host_note;
    const char *kmsg;                /* the kernel log since boot as text, or NULL (kmsg_note)     */
    const char *kmsg_note;
    bool redact;                     /* default true                                              */
    const char *const *known_users;  /* NULL-terminated: $USER, the login name, ...               */
    const char *const *known_hosts;  /* NULL-terminated: the host name                            */
    const char *const *known_ids;    /* NULL-terminated: /etc/machine-id, the boot id              */
    int latest_runs;                 /* how many of the newest runs to include (0 = 3)           */
    const char *created;             /* RFC 3339 time for the MANIFEST (cli passes "now")        */
};

/* 0 if path is a real directory (not a symlink) owned by the user that holds a stresswsl run
 * (a journal or a report.json); else -errno with a one-line reason naming the path. */
int sw_bundle_check_run_dir(const char *path, struct sw_diag *d);
/* 0 if the archive can be created at out_path (tried with a temporary file next to it, removed);
 * else -errno with a line naming the path and the reason (ENOENT, EACCES, EROFS, EISDIR: bad --out). */
int sw_bundle_check_out(const char *out_path, struct sw_diag *d);

/* Writes the archive to out_path (via a temporary file, renamed at the end). On success returns 0 and,
 * if manifest is non-NULL, a new object {"files": [...], "missing": [...], "redacted": [...]}. */
int sw_bundle_write(const struct sw_bundle_input *in, const char *out_path, json_t **manifest,
                    struct sw_diag *d);

#endif
