/* The progress output's modes and terminal handling; the text itself is core/progress_text.c. */
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
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    bool dumb = term && !strcmp(term, "dumb");   /* no cursor movement, no colour */
    bool tty = isatty(fd);
    p->mode = mode != SW_PROGRESS_AUTO ? mode : tty && !dumb ? SW_PROGRESS_TTY : SW_PROGRESS_PLAIN;
    p->color = tty && !dumb && !(nc && *nc);
}

void sw_progress_set_color(struct sw_progress *p, enum sw_color c)
{
    if (c != SW_COLOR_AUTO)
        p->color = c == SW_COLOR_ALWAYS;
}

static int columns(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
        return ws.ws_col;
    return 80;
}

/* Back to the first line of the live view and clear from there down. */
static size_t rewind_view(const struct sw_progress *p, char *out, size_t cap)
{
    if (p->lines <= 0)
        return 0;
    int m = p->lines > 1 ? snprintf(out, cap, "\r\033[%dA\033[J", p->lines - 1) : snprintf(out, cap, "\r\033[J");
    return m > 0 && (size_t)m < cap ? (size_t)m : 0;
}

void sw_progress_update(struct sw_progress *p, uint64_t now_mono_ns, const struct sw_progress_status *st)
{
    if (p->mode == SW_PROGRESS_QUIET)
        return;
    if (p->mode == SW_PROGRESS_PLAIN) {
        if (p->last_plain_ns && now_mono_ns - p->last_plain_ns < SW_PROGRESS_PLAIN_NS)
            return;
        p->last_plain_ns = now_mono_ns;
        char line[1100];
        size_t n = (size_t)snprintf(line, sizeof line, "stresswsl: ");
        n += sw_progress_format(line + n, sizeof line - n - 1, st);
        line[n++] = '\n';
        put(p->fd, line, n);
        return;
    }
    /* TTY: redraw the view in place, one write so the terminal never shows half of it. */
    static char out[8192];   /* the runner is one thread; not on the stack of its loop */
    size_t n = rewind_view(p, out, sizeof out);
    p->lines = sw_progress_view(out + n, sizeof out - n, st, columns(p->fd), p->color);
    put(p->fd, out, strlen(out));
}

void sw_progress_done(struct sw_progress *p)
{
    char out[32];
    size_t n = rewind_view(p, out, sizeof out);
    if (n)
        put(p->fd, out, n);
    p->lines = 0;
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
