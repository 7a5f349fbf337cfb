/* stresswsl compare BEFORE AFTER: did a change (BIOS, microcode, kernel, WSL) fix the instability? */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/compare.h"
#include "report/rules.h"

static void usage(FILE *o)
{
    fputs("usage: stresswsl compare [--json | --markdown] BEFORE AFTER\n"
          "       stresswsl compare [--json | --markdown] BEFORE... --vs AFTER...\n\n"
          "Each side is a report.json, a run directory, or a directory of run directories (repeated trials);\n"
          "give several paths per side with --vs between the sides. Shows what changed (BIOS, microcode,\n"
          "kernel, WSL), each side's failure rate with a 95% interval, throughput changes with their noise\n"
          "band, and a verdict: fixed, improved, unchanged, regressed or inconclusive.\n\n"
          "examples:\n"
          "  stresswsl compare ~/before ~/after                      two run directories\n"
          "  stresswsl compare --markdown before/ after/ > ticket.md  directories of repeated trials\n"
          "  stresswsl compare r1/report.json r2/report.json --vs r3/report.json r4/report.json\n\n"
          "Exit status: 0 when AFTER is stable and not worse, 1 otherwise, 2 for bad input.\n", o);
}

int cmd_compare(int argc, char **argv)
{
    enum { TEXT, JSON, MARKDOWN } fmt = TEXT;
    const char *paths[2][256];
    int n[2] = {0, 0}, side = 0;
    bool vs = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return SW_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            fmt = JSON;
        } else if (!strcmp(a, "--markdown")) {
            fmt = MARKDOWN;
        } else if (!strcmp(a, "--vs")) {
            if (vs)
                return sw_cli_error(SW_EXIT_USAGE, "compare: --vs given twice: see 'stresswsl compare --help'");
            vs = true;
            side = 1;
        } else if (a[0] == '-' && a[1]) {
            return sw_cli_error(SW_EXIT_USAGE, "compare: unknown option '%s': see 'stresswsl compare --help'", a);
        } else if (n[side] < 256) {
            paths[side][n[side]++] = a;
        }
    }
    if (!vs) {
        if (n[0] != 2)
            return sw_cli_error(SW_EXIT_USAGE, "compare: give BEFORE and AFTER (or several paths per side with "
                                "--vs between them): see 'stresswsl compare --help'");
        paths[1][0] = paths[0][1];
        n[0] = n[1] = 1;
    } else if (!n[0] || !n[1]) {
        return sw_cli_error(SW_EXIT_USAGE, "compare: each side of --vs needs at least one path");
    }
    struct sw_diag d = {{0}};
    json_t *sides[2] = {json_array(), json_array()};
    int rc = SW_EXIT_OK;
    for (int s = 0; s < 2 && rc == SW_EXIT_OK; s++)
        for (int i = 0; i < n[s]; i++)
            if (sw_compare_load_path(paths[s][i], sides[s], &d) != 0) {
                rc = sw_cli_diag(SW_EXIT_USAGE, &d);
                break;
            }
    if (rc != SW_EXIT_OK) {
        json_decref(sides[0]);
        json_decref(sides[1]);
        return rc;
    }
    /* The rules judge reports written without a verdict; without them, error events decide. */
    struct sw_diag rd = {{0}};
    json_t *rules = sw_rules_load_default(&rd);
    if (!rules)
        sw_cli_warn("%s (judging runs by their error events only)", rd.msg);
    json_t *cmp = sw_compare(sides[0], sides[1], rules, &d);
    if (!cmp) {
        rc = sw_cli_diag(SW_EXIT_USAGE, &d);
    } else {
        int w = 0;
        if (fmt == JSON) {
            w = json_dumpf(cmp, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
            fputc('\n', stdout);
        } else if (fmt == MARKDOWN) {
            w = sw_compare_write_markdown(cmp, stdout, &d);
        } else {
            w = sw_compare_write_text(cmp, stdout, &d);
        }
        rc = w ? sw_cli_diag(SW_EXIT_CANNOT_RUN, &d) : sw_compare_exit_code(cmp);
    }
    json_decref(cmp);
    json_decref(rules);
    json_decref(sides[0]);
    json_decref(sides[1]);
    return rc;
}
