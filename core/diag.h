/* A caller-provided, fixed-size error message: library code fills it and returns a negative errno;
 * only cli/ prints it. One line that names the problem and the fix. */
#ifndef SW_DIAG_H
#define SW_DIAG_H

/* Whose the problem is: what the process exit code says (core/exitcode.h), decided where the error is
 * found rather than guessed from errno values afterwards. */
enum sw_diag_class {
    SW_DIAG_UNSET = 0,   /* sw_fail: the caller's default applies                             */
    SW_DIAG_INPUT,       /* the user's options or input cannot work: exit 2                   */
    SW_DIAG_ENVIRONMENT, /* this machine or its permissions do not allow it: exit 3           */
    SW_DIAG_INTERNAL,    /* a bug in stresswsl: exit 4                                        */
};

struct sw_diag {
    char msg[512];
    enum sw_diag_class cls;
};

/* Formats into d (if non-NULL), sets its class to UNSET and returns err, so callers write
 * `return sw_fail(d, -EINVAL, ...)`. */
int sw_fail(struct sw_diag *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for an error in what the user gave (options, files, sizes that cannot fit): class INPUT. */
int sw_fail_input(struct sw_diag *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The exit code for d's class; fallback for UNSET. */
int sw_diag_exit_code(const struct sw_diag *d, int fallback);

#endif
