/* stresswsl fleet PATH...: many machines' runs (run directories, report.json files, bundles) in, the
 * fleet's answer out: failure rate per cohort with intervals, known-bad cohorts, before/after per
 * label, the machines to look at first. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/atomic_write.h"
#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "report/fleet.h"
#include "report/rules.h"

#define MAX_PATHS 4096

enum { O_FORMAT, O_OUT, O_QUIET };
static const struct sw_opt k_opts[] = {
    {O_FORMAT, "format", 'f', 0, SW_OPT_VALUE, "F", "what to print on stdout: md (default), html, json or csv (the "
                                                      "cohort table)"},
    {O_OUT, "out", 'o', 0, SW_OPT_VALUE, "DIR", "write fleet.md, fleet.html, fleet.json and fleet.csv into DIR "
                                                "(created if needed); stdout then gets the summary, or the --format "
                                                "given"},
    {O_QUIET, "quiet", 'q', 0, SW_OPT_FLAG, NULL, "no progress line on stderr"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_cmd = {
    .name = "fleet",
    .usage = "usage: stresswsl fleet [--format md|html|json|csv] [--out DIR] PATH...\n",
    .about = "Reads many machines' results - run directories, report.json files, directories of them (e.g. what "
             "Ansible's fetch leaves: DEST/<host>/...), bundles from 'stresswsl bundle' - and answers: the failure "
             "rate per cohort (CPU model and signature, firmware microcode, BIOS, kernel, WSL, hypervisor) with 95% "
             "intervals, the cohorts the rules flag as known-bad, a before/after view per cohort for runs made with "
             "--label, and the machines to look at first.\n\nSymbolic links inside PATHs are not followed; files "
             "over 32 MiB and unreadable or invalid files are skipped and counted.",
    .opts = k_opts,
    .operands = true,
    .epilog = "examples:\n"
              "  stresswsl fleet results/                         one directory per host\n"
              "  stresswsl fleet --out report/ results/ bundles/*.tar.gz\n"
              "  stresswsl fleet --format csv results/ > cohorts.csv\n\n"
              "Exit status: 0 when no machine found instability, 1 when some did, 2 for bad\n"
              "usage or no reports.\n",
};

typedef int (*writer_fn)(const json_t *, FILE *, struct sw_diag *);

static int write_json(const json_t *res, FILE *o, struct sw_diag *d)
{
    if (json_dumpf(res, o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII) != 0 || fputc('\n', o) == EOF ||
        fflush(o) != 0)
        return sw_fail(d, -EIO, "could not write the fleet report: %s", strerror(errno));
    return 0;
}

static const struct {
    const char *name, *file;
    writer_fn fn;
} k_formats[] = {
    {"md", "fleet.md", sw_fleet_write_markdown},
    {"html", "fleet.html", sw_fleet_write_html},
    {"json", "fleet.json", write_json},
    {"csv", "fleet.csv", sw_fleet_write_csv},
};
#define NFORMATS (int)(sizeof k_formats / sizeof k_formats[0])

static int write_all(const json_t *res, const char *dir, struct sw_diag *d)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return sw_fail(d, -errno, "--out %s: %s", dir, strerror(errno));
    for (int i = 0; i < NFORMATS; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, k_formats[i].file);
        int rc = sw_atomic_write_doc(path, res, k_formats[i].fn, d);
        if (rc)
            return rc;
    }
    return 0;
}

int cmd_fleet(int argc, char **argv)
{
    const char *paths[MAX_PATHS];
    int npaths = 0, fmt = 0;
    bool fmt_given = false;
    const char *out = NULL;
    bool quiet = false;
    struct sw_opt_state ost = sw_opt_start(&k_cmd, argc, argv);
    const char *a;
    for (int id; (id = sw_opt_get(&ost, &a)) != SW_OPT_END;) {
        if (id == SW_OPT_EXIT) {
            return ost.exit_code;
        } else if (id == O_OUT) {
            out = a;
        } else if (id == O_FORMAT) {
            for (fmt = 0; fmt < NFORMATS && strcmp(k_formats[fmt].name, a); fmt++)
                ;
            if (fmt == NFORMATS)
                return sw_cli_error(SW_EXIT_USAGE, "fleet: --format %s: give md, html, json or csv", a);
            fmt_given = true;
        } else if (id == O_QUIET) {
            quiet = true;
        } else if (npaths == MAX_PATHS) {
            return sw_cli_error(SW_EXIT_USAGE, "fleet: at most %d paths: give their parent directory instead",
                                MAX_PATHS);
        } else {
            paths[npaths++] = a;
        }
    }
    if (!npaths)
        return sw_cli_error(SW_EXIT_USAGE, "fleet: give at least one PATH (run directories, report.json files or "
                            "bundles): see 'stresswsl fleet --help'");
    struct sw_diag rd = {0}, d = {0};
    json_t *rules = sw_rules_load_default(&rd);
    if (!rules)
        sw_cli_warn("%s (runs without a verdict are judged by their error events only)", rd.msg);
    struct sw_fleet *fl = sw_fleet_new(rules);
    struct sw_fleet_load_stats st = {0};
    int rc = fl ? 0 : sw_fail(&d, -ENOMEM, "out of memory");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < npaths && !rc; i++)
        rc = sw_fleet_load(paths[i], sw_fleet_members, sw_fleet_add, fl, &st, &d);
    int code = SW_EXIT_OK;
    if (rc) {
        code = sw_cli_diag(SW_EXIT_USAGE, &d);
    } else if (!sw_fleet_runs(fl)) {
        code = sw_cli_error(SW_EXIT_USAGE, "fleet: no stresswsl report found in the given paths%s%s",
                            st.skipped ? "; first problem: " : " (give run directories, report.json files or bundles)",
                            st.skipped ? st.skips[0] : "");
    } else {
        for (int i = 0; i < st.skipped && i < 5; i++)
            sw_cli_warn("skipped %s", st.skips[i]);
        if (st.skipped > 5)
            sw_cli_warn("... and %d more skipped files (fleet.json lists the first five)", st.skipped - 5);
        json_t *res = sw_fleet_result(fl, &st);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (!quiet)
            fprintf(stderr, "stresswsl: fleet: %d reports read and analysed in %.2f s\n", sw_fleet_runs(fl),
                    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        int w = !res ? sw_fail(&d, -ENOMEM, "out of memory")
                     : out ? write_all(res, out, &d) : k_formats[fmt].fn(res, stdout, &d);
        if (!w && out && fmt_given)
            w = k_formats[fmt].fn(res, stdout, &d);
        else if (!w && out)   /* the files hold the report: one line here */
            printf("%s\nReport: %s/fleet.md (and fleet.html, fleet.json, fleet.csv)\n",
                   json_string_value(json_object_get(res, "summary")), out);
        code = w ? sw_cli_diag(SW_EXIT_CANNOT_RUN, &d) : sw_fleet_exit_code(res);
        json_decref(res);
    }
    sw_fleet_free(fl);
    json_decref(rules);
    return code;
}
