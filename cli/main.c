/* stresswsl: the program. Picks the command (run is the default, so `stresswsl --profile compile`
 * works as users type it) and checks at exit that stdout was written completely. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/atomic_write.h"

/* Ctrl-C, SIGTERM or a closed terminal while a command writes a file: its temp file goes, then the
 * signal ends the process as it would have (the run command installs handlers of its own). */
static void remove_temps_and_die(int sig)
{
    sw_atomic_remove_pending();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_ending_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_temps_and_die;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)   /* `nohup`, `cmd &` keep theirs */
            sigaction(sigs[i], &sa, NULL);
    }
}

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
    if (strncmp(cmd->name, "__", 2) != 0)   /* internal children keep the dispositions they were given */
        catch_ending_signals();
    int rc = cmd->fn(argc - first, argv + first);
    if (!stdout_ok())
        return sw_cli_error(SW_EXIT_CANNOT_RUN, "could not write the output: %s", strerror(errno));
    return rc;
}
