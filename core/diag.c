#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/exitcode.h"

__attribute__((format(printf, 4, 0))) static int fail_v(struct sw_diag *d, enum sw_diag_class cls, int err,
                                                       const char *fmt, va_list ap)
{
    if (d) {
        vsnprintf(d->msg, sizeof d->msg, fmt, ap);
        d->cls = cls;
    }
    return err;
}

int sw_fail(struct sw_diag *d, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(d, SW_DIAG_UNSET, err, fmt, ap);
    va_end(ap);
    return err;
}

int sw_fail_input(struct sw_diag *d, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(d, SW_DIAG_INPUT, err, fmt, ap);
    va_end(ap);
    return err;
}

int sw_diag_exit_code(const struct sw_diag *d, int fallback)
{
    switch (d->cls) {
    case SW_DIAG_INPUT: return SW_EXIT_USAGE;
    case SW_DIAG_ENVIRONMENT: return SW_EXIT_CANNOT_RUN;
    case SW_DIAG_INTERNAL: return SW_EXIT_INTERNAL;
    case SW_DIAG_UNSET: break;
    }
    return fallback;
}
