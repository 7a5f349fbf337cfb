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

int sw_exit_threads_line(long fd, long (*read_fn)(long fd, char *buf, long n), char *line, unsigned cap)
{
    static const char key[] = "\nThreads:";
    enum { KEEP = 48 };   /* what a window keeps of the one before: the key and its number fit */
    char win[4096];
    long have = 0;
    int eof = 0;
    if (cap < 64)
        return -1;
    while (!eof || have > 0) {
        while (!eof && have < (long)sizeof win) {
            long n = read_fn(fd, win + have, (long)sizeof win - have);
            if (n <= 0)
                eof = 1;
            else
                have += n;
        }
        for (long p = 0; p + (long)sizeof key - 1 <= have; p++) {
            unsigned i = 0;
            while (key[i] && win[p + i] == key[i])
                i++;
            if (key[i])
                continue;
            if (!eof && have - p < KEEP && p > 0)
                break;   /* its number may be in the next read: keep it for the next window */
            unsigned o = 0;
            for (long q = p; q < have && o + 2 < cap && (q == p || win[q] != '\n'); q++)
                line[o++] = win[q];
            line[o++] = '\n';
            line[o] = '\0';
            return 0;
        }
        if (eof)
            return -1;
        long keep = have < KEEP ? have : KEEP;   /* the window's tail starts the next one */
        for (long i = 0; i < keep; i++)
            win[i] = win[have - keep + i];
        have = keep;
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
