#include "report/finish.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic_write.h"
#include "core/exitcode.h"
#include "report/correlate.h"
#include "report/rules.h"
#include "report/verdict.h"
#include "report/writers.h"

static int cmp_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

json_t *sw_report_history(const char *runs_dir, const char *exclude_id, int max)
{
    json_t *out = json_array();
    DIR *dir = runs_dir ? opendir(runs_dir) : NULL;
    if (!dir)
        return out;
    char *names[2048];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 2048)
        if (e->d_name[0] != '.' && !(exclude_id && !strcmp(e->d_name, exclude_id)))
            names[n++] = strdup(e->d_name);
    closedir(dir);
    qsort(names, (size_t)n, sizeof names[0], cmp_desc);   /* run ids start with the start time */
    for (int i = 0; i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s/report.json", runs_dir, names[i]);
        json_t *r = (int)json_array_size(out) < max ? json_load_file(p, 0, NULL) : NULL;
        /* Runs with injected faults are not the machine's history. */
        if (json_is_object(r) && !json_is_true(json_object_get(json_object_get(r, "run"), "synthetic")))
            json_array_append(out, r);
        json_decref(r);
        free(names[i]);
    }
    return out;
}

int sw_report_finish(json_t *report, const char *run_dir, const json_t *history, struct sw_diag *d)
{
    int rc = 0;
    json_t *rules = sw_rules_load_default(d);
    if (!rules) {
        rc = -ENOENT;
        rules = json_pack("{s:i,s:[]}", "rules_version", 1, "rules");   /* the verdict from events alone */
    }
    struct sw_diag cd;
    if (sw_correlate_apply(report, rules, history, &cd) != 0 && !rc)
        rc = sw_fail(d, -EINVAL, "%s", cd.msg);
    json_decref(rules);
    /* The run's exit code is the verdict's, unless the runner failed for its own reasons (2, 3, 4). */
    json_t *run = json_object_get(report, "run");
    json_int_t was = json_integer_value(json_object_get(run, "exit_code"));
    if (json_is_object(run) && (was == SW_EXIT_OK || was == SW_EXIT_UNSTABLE || was == SW_EXIT_INTERRUPTED))
        json_object_set_new(run, "exit_code", json_integer(sw_verdict_exit_code(report)));
    if (!run_dir)
        return rc;
    char path[4096];
    snprintf(path, sizeof path, "%s/report.json", run_dir);
    struct sw_diag wd;
    int wrc = sw_atomic_write_json(path, report, JSON_INDENT(2), d);
    if (wrc < 0)
        return wrc;
    if (sw_report_write_files(report, run_dir, &wd) != 0)
        return sw_fail(d, -EIO, "%s", wd.msg);
    return rc;
}
