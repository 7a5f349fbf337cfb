/* A caller-provided, fixed-size error message: library code fills it and returns a negative errno;
 * only cli/ prints it. One line that names the problem and the fix. */
#ifndef SW_DIAG_H
#define SW_DIAG_H

struct sw_diag {
    char msg[512];
};

/* Formats into d (if non-NULL) and returns err, so callers write `return sw_fail(d, -EINVAL, ...)`. */
int sw_fail(struct sw_diag *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
