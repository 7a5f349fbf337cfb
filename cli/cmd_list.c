/* `stresswsl list`: the profiles (grouped by the directory they come from, so an installed copy can
 * be told from a build tree) and the workloads, one line each; --params adds each workload's
 * parameters. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "core/profile.h"
#include "core/units.h"
#include "stress/registry.h"

#define MAX_LISTED 128

enum { O_PARAMS, O_NAMES };
static const struct sw_opt k_opts[] = {
    {O_PARAMS, "params", 0, 0, SW_OPT_FLAG, NULL,
     "also list each workload's parameters, which profiles set under \"params\" and the command line with "
     "--param WORKLOAD.KEY=VALUE"},
    {O_NAMES, "names", 0, 0, SW_OPT_FLAG, NULL, "only the names, one a line (what the shell completions read)"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_cmd = {
    .name = "list",
    .usage = "usage: stresswsl list [profiles|workloads] [--params|--names]\n",
    .about = "Lists the profiles (name, default duration, description) and the workloads (name, what their "
             "operation count counts, summary).\n\nProfile NAMEs are looked up in $STRESSWSL_PROFILE_DIR, then "
             "next to the program (../share/stresswsl/profiles), then the source tree, then the installed data "
             "directory.",
    .opts = k_opts,
    .operands = true,
    .epilog = "examples:\n"
              "  stresswsl list                      everything, one line each\n"
              "  stresswsl list workloads --params   each workload's parameters and defaults\n",
};

static const char *type_text(const struct sw_param_def *p, char *buf, size_t len)
{
    char lo[32], hi[32];
    switch (p->type) {
    case SW_P_INT:
        snprintf(buf, len, "integer %lld..%lld", (long long)p->min, (long long)p->max);
        break;
    case SW_P_SIZE:
        snprintf(buf, len, "size %s..%s", sw_format_size((uint64_t)p->min, lo, sizeof lo),
                 sw_format_size((uint64_t)p->max, hi, sizeof hi));
        break;
    case SW_P_BOOL:
        snprintf(buf, len, "true|false");
        break;
    case SW_P_STR:
        snprintf(buf, len, "text");
        break;
    case SW_P_CHOICE:
        snprintf(buf, len, "%s", p->choices ? p->choices : "");
        break;
    }
    return buf;
}

/* "10m", "8h", "90s": profiles' round default durations read better without the zero fields. */
static void short_duration(uint64_t ms, char *buf, size_t len)
{
    if (!ms)
        snprintf(buf, len, "?");
    else if (ms % 3600000 == 0)
        snprintf(buf, len, "%lluh", (unsigned long long)(ms / 3600000));
    else if (ms % 60000 == 0)
        snprintf(buf, len, "%llum", (unsigned long long)(ms / 60000));
    else
        sw_format_duration(ms, buf, (unsigned)len);
}

static void list_profiles(void)
{
    static struct sw_profile_entry e[MAX_LISTED];
    struct sw_diag d;
    char dirs[SW_PROFILE_MAX_DIRS][512];
    int nd = sw_profile_dirs(dirs, SW_PROFILE_MAX_DIRS);
    int n = sw_profile_list(sw_workloads, sw_workload_count, e, MAX_LISTED, &d);
    if (n <= 0) {
        printf("profiles: none found (set STRESSWSL_PROFILE_DIR or give --profile FILE)\n");
        return;
    }
    for (int k = 0; k < nd; k++) {
        size_t dl = strlen(dirs[k]);
        bool header = false;
        for (int i = 0; i < n; i++) {
            if (strncmp(e[i].path, dirs[k], dl) != 0 || e[i].path[dl] != '/' || strchr(e[i].path + dl + 1, '/'))
                continue;
            if (!header) {
                printf("profiles in %s:\n", dirs[k]);
                header = true;
            }
            char dur[32];
            short_duration(e[i].duration_ms, dur, sizeof dur);
            /* The error starts with the file's path, which the header already says. */
            const char *why = e[i].error;
            size_t pl = strlen(e[i].path);
            if (!strncmp(why, e[i].path, pl) && why[pl] == ':')
                why += pl + (why[pl + 1] == ' ' ? 2 : 1);
            char text[sizeof e[i].description + sizeof e[i].error + 32];
            int col = printf("  %-14s %-6s ", e[i].name, dur);
            if (e[i].error[0])
                snprintf(text, sizeof text, "%s [does not load: %s]", e[i].description, why);
            else
                snprintf(text, sizeof text, "%s", e[i].description);
            sw_opt_wrap(stdout, text, col, 24, SW_HELP_WIDTH);
        }
    }
}

/* One name a line, each profile once (the first directory that has it wins, as for --profile). */
static void list_names(bool profiles, bool workloads)
{
    static struct sw_profile_entry e[MAX_LISTED];
    struct sw_diag d;
    int n = profiles ? sw_profile_list(sw_workloads, sw_workload_count, e, MAX_LISTED, &d) : 0;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(e[i].name, e[j].name);
        if (!seen)
            printf("%s\n", e[i].name);
    }
    for (int i = 0; workloads && i < sw_workload_count; i++)
        printf("%s\n", sw_workloads[i]->name);
}

static void list_workloads(bool params)
{
    printf("workloads:\n");
    if (sw_workload_count == 0)
        printf("  (none built in)\n");
    for (int i = 0; i < sw_workload_count; i++) {
        const struct sw_workload *w = sw_workloads[i];
        int col = printf("  %-10s %-8s ", w->name, w->unit ? w->unit : "");
        sw_opt_wrap(stdout, w->summary ? w->summary : "", col, 22, SW_HELP_WIDTH);
        char why[160];
        if (w->supported && !w->supported(why, sizeof why))
            printf("      (not available here, runs are skipped: %s)\n", why);
        if (!params)
            continue;
        if (!w->params || !w->params->name)
            printf("      (no parameters)\n");
        for (const struct sw_param_def *p = w->params; p && p->name; p++) {
            /* name, type and default on one line, what it does below: within 80 columns */
            char t[96], head[256];
            snprintf(head, sizeof head, "%s  %s, default %s", p->name, type_text(p, t, sizeof t),
                     p->def && p->def[0] ? p->def : "none");
            fputs("      ", stdout);
            sw_opt_wrap(stdout, head, 6, 10, SW_HELP_WIDTH);
            if (p->help && p->help[0]) {
                fputs("          ", stdout);
                sw_opt_wrap(stdout, p->help, 10, 10, SW_HELP_WIDTH);
            }
        }
    }
}

int cmd_list(int argc, char **argv)
{
    bool params = false, names = false, profiles = true, workloads = true;
    struct sw_opt_state st = sw_opt_start(&k_cmd, argc, argv);
    const char *val;
    for (int id; (id = sw_opt_get(&st, &val)) != SW_OPT_END;) {
        if (id == SW_OPT_EXIT) {
            return st.exit_code;
        } else if (id == O_PARAMS) {
            params = true;
        } else if (id == O_NAMES) {
            names = true;
        } else if (id == SW_OPT_OPERAND && !strcmp(val, "profiles")) {
            workloads = false;
        } else if (id == SW_OPT_OPERAND && !strcmp(val, "workloads")) {
            profiles = false;
        } else {
            return sw_cli_error(SW_EXIT_USAGE, "list: unknown argument '%s' (give profiles or workloads): see "
                                "'stresswsl list --help'", val);
        }
    }
    if (!profiles && !workloads)
        return sw_cli_error(SW_EXIT_USAGE, "list: give 'profiles' or 'workloads', not both: see 'stresswsl list --help'");
    if (params && !workloads)
        return sw_cli_error(SW_EXIT_USAGE, "list: --params lists workload parameters: use 'stresswsl list workloads "
                                           "--params'");
    if (params && names)
        return sw_cli_error(SW_EXIT_USAGE, "list: --names and --params do not mix: see 'stresswsl list --help'");
    if (names) {
        list_names(profiles, workloads);
        return SW_EXIT_OK;
    }
    if (profiles)
        list_profiles();
    if (profiles && workloads)
        printf("\n");
    if (workloads)
        list_workloads(params);
    return SW_EXIT_OK;
}
