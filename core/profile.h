/* Profiles: JSON files that describe a job (phases of workloads), loaded and validated strictly
 * before anything starts. The format is documented in docs/profiles.md. The workload table is a
 * parameter so core/ does not depend on stress/ (the CLI passes the registry, tests a fake table). */
#ifndef SW_PROFILE_H
#define SW_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/datafile.h"
#include "core/diag.h"
#include "core/job.h"
#include "core/workload.h"

#define SW_PROFILE_SCHEMA 1
#define SW_MAX_WORKERS 4096        /* an exact "workers" count above this is refused              */
#define SW_MIN_PHASE_MS 1000       /* a phase shorter than this after splitting is refused        */
#define SW_PROFILE_MAX_DIRS 4

/* Loads and validates the profile file at path into job (fully reset first). On error d holds one
 * line "FILE[:LINE:COL]: JSON.PATH: problem (what is allowed)" and the result is < 0. */
int sw_profile_load_file(const char *path, const struct sw_workload *const *table, int n, struct sw_job *job,
                         struct sw_diag *d);

/* NAME (no '/', no ".json") is looked up in the profile directories; anything else is a file path.
 * path gets the file to load. */
int sw_profile_resolve(const char *name_or_path, char *path, size_t len, struct sw_diag *d);

/* sw_profile_resolve + sw_profile_load_file. */
int sw_profile_load(const char *name_or_path, const struct sw_workload *const *table, int n, struct sw_job *job,
                    struct sw_diag *d);

/* The directories searched for profile NAMEs, in order, existing ones only: core/datafile.h's data
 * directories for "profiles", $STRESSWSL_PROFILE_DIR first. Returns the count. */
int sw_profile_dirs(char dirs[][SW_DATA_PATH], int max);

/* Sets the total duration and splits it over the phases by weight (so --duration scales a profile).
 * Refuses a total that would give some phase less than SW_MIN_PHASE_MS, naming the minimum. */
int sw_job_set_duration(struct sw_job *job, uint64_t total_ms, struct sw_diag *d);

/* Finds a workload by name in table; NULL if unknown. */
const struct sw_workload *sw_profile_find_workload(const struct sw_workload *const *table, int n,
                                                   const char *name, int *id);
/* "a, b, c": the names in table, for error messages. */
const char *sw_profile_workload_names(const struct sw_workload *const *table, int n, char *buf, size_t len);
/* Validates one workload entry's worker count and pin, shared by profiles and the command line:
 * "cycle" runs exactly one worker. */
int sw_job_workload_check(const struct sw_job_workload *w, struct sw_diag *d);
/* Runs every workload's whole-parameter-set check (core/workload.h check_params) over a job: for
 * values changed after loading (--param). 0 or -EINVAL with d naming the workload and the fix. */
int sw_job_params_check(const struct sw_job *job, struct sw_diag *d);

/* One line of `stresswsl list`. */
struct sw_profile_entry {
    char name[64];
    char description[256];
    uint64_t duration_ms;
    char path[512];
    char error[512];   /* non-empty: the file did not load; the one-line reason */
};

/* Every profile found in the directories, first directory winning for a name, sorted by name.
 * Each is validated against table. Returns the count (at most max) or -errno. */
int sw_profile_list(const struct sw_workload *const *table, int n, struct sw_profile_entry *out, int max,
                    struct sw_diag *d);

#endif
