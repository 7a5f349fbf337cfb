/* Where a run lives: the state directory ($XDG_STATE_HOME/stresswsl or ~/.local/state/stresswsl),
 * the run id, the run directory (<state>/runs/<id> or --out), and the per-run temp root (under
 * $TMPDIR when set, else <run_dir>/tmp) that is removed at the end even when workers were killed. */
#ifndef SW_RUNDIR_H
#define SW_RUNDIR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/diag.h"

/* override (may be NULL) or the XDG default; creates it. */
int sw_rundir_state_dir(const char *override, char *out, size_t cap, struct sw_diag *d);
/* "20261123-145051-4f2a": UTC start time and 16 random bits. */
void sw_rundir_new_id(char *out, size_t cap, uint64_t real_ns);
/* out_dir if given, else <state_dir>/runs/<id>; creates it. */
int sw_rundir_create(const char *state_dir, const char *out_dir, const char *id, char *run_dir, size_t cap,
                     struct sw_diag *d);
/* Creates the run's temp root; returns its path in out. */
int sw_rundir_tmp_create(const char *run_dir, const char *id, char *out, size_t cap, struct sw_diag *d);
/* rm -rf without following symlinks or crossing filesystems; 0 or the first -errno. */
int sw_rundir_remove_tree(const char *path);
/* mkdir -p */
int sw_mkdir_p(const char *path, mode_t mode);

#endif
