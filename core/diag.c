#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>

int sw_fail(struct sw_diag *d, int err, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof d->msg, fmt, ap);
        va_end(ap);
    }
    return err;
}
