/* PLACEHOLDER until the runner lands (issue 2). */
#include "cli/cli.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sw_cli_error(SW_EXIT_INTERNAL, "run: not built yet");
}
