#include "core/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void put(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return;   /* a closed terminal must not stop the run */
        s += w;
        n -= (size_t)w;
    }
}

void sw_progress_init(struct sw_progress *p, enum sw_progress_mode mode, int fd)
{
    memset(p, 0, sizeof *p);
    p->fd = fd;
    bool tty = isatty(fd);
    p->mode = mode != SW_PROGRESS_AUTO ? mode : tty ? SW_PROGRESS_TTY : SW_PROGRESS_PLAIN;
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    p->color = tty && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

const char *sw_progress_rate(double v, char *buf, size_t cap)
{
    static const char sfx[] = " kMGT";
    int i = 0;
    while (v >= 1000.0 && i < 4) {
        v /= 1000.0;
        i++;
    }
    if (i == 0)
        snprintf(buf, cap, v < 100 ? "%.1f" : "%.0f", v);
    else
        snprintf(buf, cap, v < 10 ? "%.2f%c" : v < 100 ? "%.1f%c" : "%.0f%c", v, sfx[i]);
    return buf;
}

static const char *clock_txt(uint64_t ms, char *buf, size_t cap)
{
    uint64_t s = ms / 1000;
    if (s >= 3600)
        snprintf(buf, cap, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600), (unsigned long long)(s / 60 % 60),
                 (unsigned long long)(s % 60));
    else
        snprintf(buf, cap, "%llu:%02llu", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
    return buf;
}

size_t sw_progress_format(char *buf, size_t cap, uint64_t elapsed_ms, uint64_t total_ms, const char *phase,
                          const struct sw_progress_wl *wl, int nwl, uint64_t errors)
{
    char e[24], t[24], l[24];
    uint64_t left = total_ms > elapsed_ms ? total_ms - elapsed_ms : 0;
    size_t n = (size_t)snprintf(buf, cap, "%s / %s, %s left | %s", clock_txt(elapsed_ms, e, sizeof e),
                                clock_txt(total_ms, t, sizeof t), clock_txt(left, l, sizeof l), phase ? phase : "");
    for (int i = 0; i < nwl && n < cap; i++) {
        char r[24];
        n += (size_t)snprintf(buf + n, cap - n, " | %s %s %s/s", wl[i].name, sw_progress_rate(wl[i].rate, r, sizeof r),
                              wl[i].unit ? wl[i].unit : "ops");
    }
    if (n < cap)
        n += (size_t)snprintf(buf + n, cap - n, " | %llu error%s", (unsigned long long)errors, errors == 1 ? "" : "s");
    return n < cap ? n : cap - 1;
}

static int columns(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
        return ws.ws_col;
    return 80;
}

void sw_progress_update(struct sw_progress *p, uint64_t now_mono_ns, uint64_t elapsed_ms, uint64_t total_ms,
                        const char *phase, const struct sw_progress_wl *wl, int nwl, uint64_t errors)
{
    if (p->mode == SW_PROGRESS_QUIET)
        return;
    char line[1024];
    size_t n = sw_progress_format(line, sizeof line, elapsed_ms, total_ms, phase, wl, nwl, errors);
    if (p->mode == SW_PROGRESS_PLAIN) {
        if (p->last_plain_ns && now_mono_ns - p->last_plain_ns < SW_PROGRESS_PLAIN_NS)
            return;
        p->last_plain_ns = now_mono_ns;
        char out[1100];
        int m = snprintf(out, sizeof out, "stresswsl: %s\n", line);
        put(p->fd, out, m > 0 && (size_t)m < sizeof out ? (size_t)m : strlen(out));
        return;
    }
    /* TTY: rewrite one line, never wider than the terminal (a wrapped line cannot be rewritten). */
    int cols = columns(p->fd) - 1;
    if ((int)n > cols)
        n = (size_t)cols;
    line[n] = '\0';
    char out[1200];
    int m;
    if (p->color && errors > 0)
        m = snprintf(out, sizeof out, "\r\033[K\033[1;31m%s\033[0m", line);
    else
        m = snprintf(out, sizeof out, "\r\033[K%s", line);
    put(p->fd, out, m > 0 && (size_t)m < sizeof out ? (size_t)m : strlen(out));
    p->line_open = true;
}

void sw_progress_done(struct sw_progress *p)
{
    if (p->line_open)
        put(p->fd, "\r\033[K", 4);
    p->line_open = false;
}

void sw_progress_message(struct sw_progress *p, const char *kind, const char *text)
{
    if (p->mode == SW_PROGRESS_QUIET && strcmp(kind, "error") != 0)
        return;
    sw_progress_done(p);
    char out[1200];
    bool red = p->color && !strcmp(kind, "error");
    int m = snprintf(out, sizeof out, "stresswsl: %s%s%s: %s\n", red ? "\033[1;31m" : "", kind, red ? "\033[0m" : "",
                     text);
    put(p->fd, out, m > 0 && (size_t)m < sizeof out ? (size_t)m : strlen(out));
}
