#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

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

int sw_cli_use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc);
}
