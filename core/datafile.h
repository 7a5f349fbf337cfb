/* Where the tool's data files are found (profiles/, rules/): one search order for every kind, so
 * `list`, `run --profile`, the correlator and `analyze` can never disagree about which copy they use.
 * For a kind ("profiles", "rules") the candidates are, in order:
 *  1. a directory the caller's environment variable names, if set (STRESSWSL_PROFILE_DIR; the rules
 *     override is a single file instead, report/rules.h);
 *  2. <directory of the running program>/../share/stresswsl/KIND: an installed copy uses its own
 *     files, even on the machine it was built on;
 *  3. the source tree's KIND/ (SW_SOURCE_DIR): a program run from its build tree has no ../share;
 *  4. SW_DATADIR/KIND (the configured install prefix). */
#ifndef SW_DATAFILE_H
#define SW_DATAFILE_H

#include <stddef.h>

#define SW_DATA_PATH 512
#define SW_DATA_MAX_DIRS 4

/* Every candidate directory for kind in order, whether it exists or not (env_dir NULL or "" is
 * skipped). Returns the count. */
int sw_data_candidates(const char *kind, const char *env_dir, char dirs[][SW_DATA_PATH], int max);
/* The candidates that exist as directories, resolved (realpath) and without repeats. */
int sw_data_dirs(const char *kind, const char *env_dir, char dirs[][SW_DATA_PATH], int max);
/* The first existing regular file dir/name over sw_data_dirs: fills path. 0, or -ENOENT with
 * searched (if non-NULL) listing every candidate directory, comma-separated. */
int sw_data_find(const char *kind, const char *env_dir, const char *name, char *path, size_t cap, char *searched,
                 size_t searched_cap);

#endif
