/* stresswsl compare BEFORE AFTER: did a change (BIOS, microcode, kernel, WSL) fix the instability? */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "report/compare.h"
#include "report/rules.h"

enum { O_JSON, O_MARKDOWN, O_VS };
static const struct sw_opt k_opts[] = {
    {O_JSON, "json", 0, 0, SW_OPT_FLAG, NULL, "print the comparison as JSON on stdout"},
    {O_MARKDOWN, "markdown", 0, 0, SW_OPT_FLAG, NULL, "print it as Markdown (for a ticket)"},
    {O_VS, "vs", 0, 0, SW_OPT_FLAG, NULL, "the paths before it are BEFORE, those after it AFTER"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_cmd = {
    .name = "compare",
    .usage = "usage: stresswsl compare [--json | --markdown] BEFORE AFTER\n"
             "       stresswsl compare [--json | --markdown] BEFORE... --vs AFTER...\n",
    .about = "Each side is a report.json, a run directory, or a directory of run directories (repeated trials); "
             "give several paths per side with --vs between the sides. Shows what changed (BIOS, microcode, "
             "kernel, WSL), each side's failure rate with a 95% interval, throughput changes with their noise "
             "band, and a verdict: fixed, improved, unchanged, regressed or inconclusive.",
    .opts = k_opts,
    .operands = true,
    .epilog = "examples:\n"
              "  stresswsl compare ~/before ~/after            two run directories\n"
              "  stresswsl compare --markdown before/ after/ > ticket.md\n"
              "  stresswsl compare r1/report.json r2/report.json --vs r3/report.json\n\n"
              "Exit status: 0 when AFTER is stable and not worse, 1 otherwise, 2 for bad input.\n",
};

int cmd_compare(int argc, char **argv)
{
    enum { TEXT, JSON, MARKDOWN } fmt = TEXT;
    const char *paths[2][256];
    int n[2] = {0, 0}, side = 0;
    bool vs = false;
    struct sw_opt_state st = sw_opt_start(&k_cmd, argc, argv);
    const char *a;
    for (int id; (id = sw_opt_get(&st, &a)) != SW_OPT_END;) {
        if (id == SW_OPT_EXIT) {
            return st.exit_code;
        } else if (id == O_JSON) {
            fmt = JSON;
        } else if (id == O_MARKDOWN) {
            fmt = MARKDOWN;
        } else if (id == O_VS) {
            if (vs)
                return sw_cli_error(SW_EXIT_USAGE, "compare: --vs given twice: see 'stresswsl compare --help'");
            vs = true;
            side = 1;
        } else if (n[side] < 256) {
            paths[side][n[side]++] = a;
        } else {
            return sw_cli_error(SW_EXIT_USAGE, "compare: at most 256 paths per side: give their parent directory");
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
    struct sw_diag d = {0};
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
    struct sw_diag rd = {0};
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
