#include "stress/exit_check.h"

/* A decimal number of at most 9 digits, or -1. */
static long parse_dec(const char *s)
{
    long v = 0;
    int n = 0;
    for (; s && *s >= '0' && *s <= '9' && n < 10; s++, n++)
        v = v * 10 + (*s - '0');
    return s && !*s && n > 0 && n < 10 ? v : -1;
}

int sw_exit_check_mode(int argc, char *const *argv)
{
    const char *m = SW_EXIT_CHECK_MODE, *a = argc == 4 ? argv[1] : 0;
    if (!a)
        return 0;
    while (*m && *a == *m)
        a++, m++;
    return !*m && !*a;
}

/* The number after "\nThreads:" (tabs and spaces skipped), or -1. */
static long threads_of(const char *status)
{
    static const char key[] = "\nThreads:";
    for (const char *p = status; p && *p; p++) {
        unsigned i = 0;
        while (key[i] && p[i] == key[i])
            i++;
        if (key[i])
            continue;
        p += i;
        while (*p == ' ' || *p == '\t')
            p++;
        long v = 0;
        int n = 0;
        for (; *p >= '0' && *p <= '9' && n < 10; p++, n++)
            v = v * 10 + (*p - '0');
        return n ? v : -1;
    }
    return -1;
}

int sw_exit_check(const char *pid_arg, const char *code_arg, long self_pid, const char *status)
{
    long pid = parse_dec(pid_arg), code = parse_dec(code_arg);
    if (pid <= 0 || pid != self_pid || code < 0 || code > 255 || threads_of(status) != 1)
        return SW_EXIT_CODE_MISMATCH;
    return (int)code;
}
