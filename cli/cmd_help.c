/* `stresswsl help [COMMAND]`: the overview is built from the command table (cli/commands.def), so
 * commands other parts add (probe, analyze, compare, bundle, selftest, ...) show up without an edit
 * here; `help COMMAND` asks the command itself for its --help. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run_options.h"

static void overview(void)
{
    printf("usage: stresswsl [COMMAND] [OPTIONS]\n\n"
           "A hypervisor-aware stress and stability tester for WSL2 and other VM guests: it provokes the\n"
           "failure, catches it with evidence, survives the guest dying, and says what the evidence points to.\n"
           "With no command, 'run' is assumed: stresswsl --profile compile\n\ncommands:\n");
    for (const struct sw_command *c = sw_commands; c->name; c++)
        if (!(c->flags & SW_CMD_HIDDEN))
            printf("  %-9s %s\n", c->name, c->summary);
    printf("\nexamples:\n"
           "  stresswsl --profile compile                 the main job (10 minutes, 3 trials)\n"
           "  stresswsl --profile compile --duration 2m   the same, shorter\n"
           "  stresswsl list                              profiles and workloads\n"
           "  stresswsl run --help                        every run option\n");
    printf("\nexit codes:\n"
           "  0    the run completed and found nothing wrong\n"
           "  1    instability detected (verification error, crashed worker, kernel error event)\n"
           "  2    bad usage or bad input\n"
           "  3    the run could not be carried out (environment, permissions)\n"
           "  5    no instability, but a configuration limit was hit (out-of-memory kills)\n"
           "  130  interrupted with nothing found\n"
           "\n'stresswsl help COMMAND' or 'stresswsl COMMAND --help' shows a command's options;\n"
           "'man stresswsl' has the whole manual.\n");
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        overview();
        return SW_EXIT_OK;
    }
    if (argc > 2)
        return sw_cli_error(SW_EXIT_USAGE, "help takes one command name (got %d): see 'stresswsl help'", argc - 1);
    const struct sw_command *c = sw_command_find(argv[1]);
    if (!c)
        return sw_cli_error(SW_EXIT_USAGE, "no such command '%s': see 'stresswsl help'", argv[1]);
    if (!strcmp(c->name, "help")) {
        overview();
        return SW_EXIT_OK;
    }
    if (!strcmp(c->name, "run")) {   /* the run options live here in cli/, whatever cmd_run does */
        sw_run_usage(stdout);
        return SW_EXIT_OK;
    }
    char *sub[] = {argv[1], "--help", NULL};
    return c->fn(2, sub);
}
