#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"

const struct sw_command sw_commands[] = {
#define SW_COMMAND(n, f, s) {#n, cmd_##n, f, s},
#include "cli/commands.def"
#undef SW_COMMAND
    {NULL, NULL, 0, NULL},
};

const struct sw_command *sw_command_find(const char *name)
{
    for (const struct sw_command *c = sw_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int sw_cli_error(int code, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "stresswsl: %s\n", buf);
    return code;
}

void sw_cli_warn(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "stresswsl: warning: %s\n", buf);
}

int sw_cli_diag(int code, const struct sw_diag *d)
{
    return sw_cli_error(code, "%s", d->msg[0] ? d->msg : "unknown error");
}

static enum sw_color g_color = SW_COLOR_AUTO;

void sw_cli_set_color(enum sw_color mode)
{
    g_color = mode;
}

enum sw_color sw_cli_color_mode(void)
{
    return g_color;
}

int sw_cli_use_color(void)
{
    if (g_color != SW_COLOR_AUTO)
        return g_color == SW_COLOR_ALWAYS;
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");   /* https://no-color.org */
    return isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

const char *sw_command_guess(const char *name)
{
    const char *names[32];
    size_t n = 0;
    for (const struct sw_command *c = sw_commands; c->name && n < 32; c++)
        if (!(c->flags & SW_CMD_HIDDEN))
            names[n++] = c->name;
    return sw_did_you_mean(name, names, n);
}
