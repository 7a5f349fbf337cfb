#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void overview(void)
{
    printf("usage: stresswsl [COMMAND] [OPTIONS]\n\n"
           "A hypervisor-aware stress and stability tester for WSL2 and other VM guests.\n"
           "With no command, 'run' is assumed: stresswsl --profile compile\n\ncommands:\n");
    for (const struct sw_command *c = sw_commands; c->name; c++)
        if (!(c->flags & SW_CMD_HIDDEN))
            printf("  %-9s %s\n", c->name, c->summary);
    printf("\nexit codes:\n"
           "  0    the run completed and found nothing wrong\n"
           "  1    instability detected (verification error, crashed worker, kernel error event)\n"
           "  2    bad usage or bad input\n"
           "  3    the run could not be carried out (environment, permissions)\n"
           "  130  interrupted with nothing found\n"
           "\n'stresswsl help COMMAND' or 'stresswsl COMMAND --help' shows a command's options.\n");
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        overview();
        return SW_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        overview();
        return SW_EXIT_OK;
    }
    const struct sw_command *c = sw_command_find(argv[1]);
    if (!c)
        return sw_cli_error(SW_EXIT_USAGE, "no such command '%s': see 'stresswsl help'", argv[1]);
    char *sub[] = {argv[1], "--help", NULL};
    return c->fn(2, sub);
}
