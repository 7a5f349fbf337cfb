/* Shared by the command files in cli/: the command table and the one-line message helpers. */
#ifndef SW_CLI_H
#define SW_CLI_H

#include "core/diag.h"
#include "core/exitcode.h"
#include "core/runner.h"

/* (The runner installs its own signal handling and subreaper: no command needs a flag for it.) */
enum sw_cmd_flags {
    SW_CMD_HIDDEN = 1u << 0,   /* internal: not listed in help or suggested */
};

struct sw_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    unsigned flags;
    const char *summary;
};

#define SW_COMMAND(n, f, s) int cmd_##n(int argc, char **argv);
#include "cli/commands.def"
#undef SW_COMMAND

extern const struct sw_command sw_commands[];
const struct sw_command *sw_command_find(const char *name);

/* "stresswsl: <message>" on stderr, one line; returns code so callers `return sw_cli_error(2, ...)`. */
int sw_cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sw_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a diag as an error line and returns code. */
int sw_cli_diag(int code, const struct sw_diag *d);
/* --color=WHEN (every command takes it; cli/opt_parse.c applies it); enum sw_color is core/runner.h's. */
void sw_cli_set_color(enum sw_color mode);
enum sw_color sw_cli_color_mode(void);
/* always: true; never: false; auto: stdout is a terminal, NO_COLOR is unset or empty, TERM is not dumb. */
int sw_cli_use_color(void);
/* The closest command name to a misspelt one, or NULL (hidden commands are never suggested). */
const char *sw_command_guess(const char *name);

#endif
