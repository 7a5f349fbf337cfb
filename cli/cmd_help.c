/* `stresswsl help [COMMAND]`: the overview is built from the command table (cli/commands.def), so
 * commands other parts add (probe, analyze, compare, bundle, selftest, ...) show up without an edit
 * here; `help COMMAND` asks the command itself for its --help. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "cli/run_options.h"

static void overview(void)
{
    printf("usage: stresswsl [COMMAND] [OPTIONS]\n\n");
    sw_opt_wrap(stdout, "A hypervisor-aware stress and stability tester for WSL2 and other VM guests: it provokes "
                        "the failure, catches it with evidence, survives the guest dying, and says what the evidence "
                        "points to. With no command, 'run' is assumed: stresswsl --profile compile",
                0, 0, SW_HELP_WIDTH);
    printf("\ncommands:\n");
    for (const struct sw_command *c = sw_commands; c->name; c++)
        if (!(c->flags & SW_CMD_HIDDEN)) {
            int col = printf("  %-9s ", c->name);
            sw_opt_wrap(stdout, c->summary, col, col, SW_HELP_WIDTH);
        }
    printf("\nexamples:\n"
           "  stresswsl --profile compile                the main job (10 minutes, 3 trials)\n"
           "  stresswsl -p compile -d 2m --trials 1      the same, shorter\n"
           "  stresswsl list                             profiles and workloads\n"
           "  stresswsl run --help                       every run option\n");
    printf("\ncommon options (every command):\n"
           "  -h, --help             the command's options\n"
           "  --color[=WHEN]         auto, always or never (auto: NO_COLOR, TERM=dumb)\n"
           "  -V, --version          the version (before a command)\n"
           "Long options may be abbreviated while unambiguous (--dur 2m); '--' ends options.\n"
           "\n" SW_EXIT_CODES_HELP
           "\n'stresswsl help COMMAND' or 'stresswsl COMMAND --help' shows its options;\n"
           "'man stresswsl' has the whole manual.\n");
}

static const struct sw_opt k_opts[] = {{0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL}};
static const struct sw_opt_cmd k_cmd = {.name = "help", .usage = "usage: stresswsl help [COMMAND]\n", .opts = k_opts,
                                        .operands = true};

int cmd_help(int argc, char **argv)
{
    struct sw_opt_state st;
    struct sw_diag d = {0};
    const char *val, *topic = NULL;
    int id, n = 0;
    sw_opt_init(&st, argc, argv);
    while ((id = sw_opt_next(&st, &k_cmd, &val, &d)) != SW_OPT_END) {
        if (id == SW_OPT_OPERAND) {
            topic = val;
            n++;
        } else if (id == SW_OPT_HELP) {   /* `help --help` is the overview, not a generated usage */
            break;
        } else {
            return sw_cli_diag(SW_EXIT_USAGE, &d);
        }
    }
    if (!topic || id == SW_OPT_HELP) {
        overview();
        return SW_EXIT_OK;
    }
    if (n > 1)
        return sw_cli_error(SW_EXIT_USAGE, "help takes one command name (got %d): see 'stresswsl help'", n);
    const struct sw_command *c = sw_command_find(topic);
    const char *guess = c ? NULL : sw_command_guess(topic);
    if (!c)
        return sw_cli_error(SW_EXIT_USAGE, "no such command '%s'%s%s%s: see 'stresswsl help'", topic,
                            guess ? " (did you mean '" : "", guess ? guess : "", guess ? "'?)" : "");
    if (!strcmp(c->name, "help")) {
        overview();
        return SW_EXIT_OK;
    }
    if (!strcmp(c->name, "run")) {   /* the run options live here in cli/, whatever cmd_run does */
        sw_run_usage(stdout);
        return SW_EXIT_OK;
    }
    char *sub[] = {(char *)topic, "--help", NULL};
    return c->fn(2, sub);
}
