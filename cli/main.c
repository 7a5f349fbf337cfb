/* stresswsl: the program. Picks the command (run is the default, so `stresswsl --profile compile`
 * works as users type it) and checks at exit that stdout was written completely. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static int stdout_ok(void)
{
    /* A full disk or a closed pipe while writing a report must not pass silently (git's check). */
    if (fflush(stdout) != 0 || ferror(stdout))
        return errno == EPIPE ? 1 : 0;
    return 1;
}

int main(int argc, char **argv)
{
    const struct sw_command *cmd = NULL;
    int first = 1;
    if (argc > 1 && argv[1][0] != '-') {
        cmd = sw_command_find(argv[1]);
        const char *guess = cmd ? NULL : sw_command_guess(argv[1]);
        if (guess)
            return sw_cli_error(SW_EXIT_USAGE, "unknown command '%s' (did you mean '%s'?): see 'stresswsl help'",
                                argv[1], guess);
        if (!cmd)
            return sw_cli_error(SW_EXIT_USAGE, "unknown command '%s': see 'stresswsl help'", argv[1]);
    } else if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        cmd = sw_command_find("help");
        first = 2;
        return cmd->fn(argc - first + 1, argv + first - 1);
    } else if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        cmd = sw_command_find("version");
    } else {
        cmd = sw_command_find("run");
        first = 0;   /* argv[0] stands in for "run": options start at argv[1] */
    }
    int rc = cmd->fn(argc - first, argv + first);
    if (!stdout_ok())
        return sw_cli_error(SW_EXIT_CANNOT_RUN, "could not write the output: %s", strerror(errno));
    return rc;
}
