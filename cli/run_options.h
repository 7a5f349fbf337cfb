/* Parsing of `stresswsl [run] ...` options into a job (from a profile or --workload) and runner
 * options. Command-line values override profile values. */
#ifndef SW_RUN_OPTIONS_H
#define SW_RUN_OPTIONS_H

#include <stdio.h>

#include "core/diag.h"
#include "core/job.h"
#include "core/runner.h"

struct sw_run_cli {
    struct sw_run_opts opts;
    const char *json_path;   /* --json FILE or "-"; NULL = only <run_dir>/report.json */
    const char *metrics_path; /* --metrics FILE (Prometheus textfile); NULL = none      */
    const char *events_path;  /* --events FILE or "-" (JSON Lines); NULL = none         */
    const char *label;        /* --label TEXT, stored as run.label; NULL = none         */
    bool quiet;              /* --quiet: no progress; the verdict and report path still show */
    bool help_shown;         /* --help was given and printed: exit 0                 */
    char command_line[1024];
};

/* Returns 0, or a negative errno with d set (the caller exits 2). argv[0] is "run" or the program;
 * the options follow. --help prints the usage and sets help_shown. Uses the workload registry. */
int sw_run_parse(int argc, char **argv, struct sw_job *job, struct sw_run_cli *cli, struct sw_diag *d);
/* The same against a given workload table (tests use a fake one). */
int sw_run_parse_table(int argc, char **argv, const struct sw_workload *const *table, int n, struct sw_job *job,
                       struct sw_run_cli *cli, struct sw_diag *d);
/* The usage text of `stresswsl run --help`. */
void sw_run_usage(FILE *out);

#endif
