/* The text of the progress output: the plain status line and the live view's lines. Pure functions
 * over a struct sw_progress_status, so tests check them without a terminal. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/progress.h"

#define BAR_WIDTH 24
#define ESC_RED "\033[1;31m"
#define ESC_GREEN "\033[32m"
#define ESC_YELLOW "\033[33m"
#define ESC_BOLD "\033[1m"
#define ESC_OFF "\033[0m"

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

static unsigned percent(uint64_t part, uint64_t whole)
{
    if (!whole)
        return 0;
    return part >= whole ? 100u : (unsigned)(part * 100 / whole);
}

/* Appends to a bounded buffer; the length never passes cap-1. */
struct text {
    char *buf;
    size_t cap, n;
    int vis, max;   /* visible columns on the current line; its limit (0: none) */
};

static void raw(struct text *t, const char *s, size_t len)
{
    if (t->n + 1 >= t->cap)
        return;
    if (len > t->cap - 1 - t->n)
        len = t->cap - 1 - t->n;
    memcpy(t->buf + t->n, s, len);
    t->n += len;
    t->buf[t->n] = '\0';
}

/* Visible text: cut at the line's width (a wrapped line could not be redrawn in place). */
__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (m <= 0)
        return;
    size_t len = (size_t)m < sizeof tmp ? (size_t)m : sizeof tmp - 1;
    if (t->max > 0) {
        size_t room = t->vis < t->max ? (size_t)(t->max - t->vis) : 0;
        if (len > room)
            len = room;
    }
    raw(t, tmp, len);
    t->vis += (int)len;
}

/* A colour escape (zero width), only when colour is on. */
static void esc(struct text *t, bool color, const char *e)
{
    if (color)
        raw(t, e, strlen(e));
}

static void newline(struct text *t, int *lines)
{
    raw(t, "\n", 1);
    t->vis = 0;
    (*lines)++;
}

size_t sw_progress_format(char *buf, size_t cap, const struct sw_progress_status *st)
{
    if (!cap)
        return 0;
    buf[0] = '\0';
    struct text t = {buf, cap, 0, 0, 0};
    char e[24], tot[24], l[24], r[24];
    if (st->trials > 1)
        put(&t, "trial %u/%u | ", st->trial, st->trials);
    put(&t, "phase %d/%d %s%s %u%% | ", st->phase, st->phases, st->phase_name ? st->phase_name : "",
        st->idle ? " (idle)" : "", percent(st->elapsed_ms, st->total_ms));
    uint64_t left = st->total_ms > st->elapsed_ms ? st->total_ms - st->elapsed_ms : 0;
    put(&t, "%s / %s, %s left", clock_txt(st->elapsed_ms, e, sizeof e), clock_txt(st->total_ms, tot, sizeof tot),
        clock_txt(left, l, sizeof l));
    for (int i = 0; i < st->nwl; i++)
        put(&t, " | %s %s %s/s", st->wl[i].name, sw_progress_rate(st->wl[i].rate, r, sizeof r),
            st->wl[i].unit ? st->wl[i].unit : "ops");
    if (st->cycle_cpu >= 0)
        put(&t, " | cycling worker on CPU %d", st->cycle_cpu);
    put(&t, " | %llu error%s", (unsigned long long)st->errors, st->errors == 1 ? "" : "s");
    for (int i = 0; i < st->ncpu_err; i++)
        put(&t, "%sCPU %d: %u", i ? ", " : " (", st->cpu_err[i].cpu, st->cpu_err[i].errors);
    if (st->ncpu_err)
        put(&t, st->more_cpus ? ", %d more CPUs)" : ")", st->more_cpus);
    return t.n;
}

int sw_progress_view(char *buf, size_t cap, const struct sw_progress_status *st, int cols, bool color)
{
    if (!cap)
        return 0;
    buf[0] = '\0';
    struct text t = {buf, cap, 0, 0, cols > 1 ? cols - 1 : 1};
    int lines = 1;
    char e[24], tot[24], l[24], r[24];

    /* 1: where the run is, with a bar over the whole run and the time left */
    esc(&t, color, ESC_BOLD);
    put(&t, "stresswsl");
    esc(&t, color, ESC_OFF);
    if (st->trials > 1)
        put(&t, "  trial %u/%u", st->trial, st->trials);
    put(&t, "  phase %d/%d %s", st->phase, st->phases, st->phase_name ? st->phase_name : "");
    if (st->idle) {
        esc(&t, color, ESC_YELLOW);
        put(&t, " (idle)");
        esc(&t, color, ESC_OFF);
    }
    unsigned pct = percent(st->elapsed_ms, st->total_ms);
    unsigned fill = pct * BAR_WIDTH / 100;
    char bar[BAR_WIDTH + 1];
    memset(bar, '#', fill);
    memset(bar + fill, '-', BAR_WIDTH - fill);
    bar[BAR_WIDTH] = '\0';
    put(&t, "  [");
    esc(&t, color, ESC_GREEN);
    put(&t, "%.*s", (int)fill, bar);
    esc(&t, color, ESC_OFF);
    put(&t, "%s] %3u%%", bar + fill, pct);
    uint64_t left = st->total_ms > st->elapsed_ms ? st->total_ms - st->elapsed_ms : 0;
    put(&t, "  %s / %s  %s left", clock_txt(st->elapsed_ms, e, sizeof e), clock_txt(st->total_ms, tot, sizeof tot),
        clock_txt(left, l, sizeof l));

    /* 2: the phase's own clock */
    newline(&t, &lines);
    uint64_t pleft = st->phase_ms > st->phase_elapsed_ms ? st->phase_ms - st->phase_elapsed_ms : 0;
    put(&t, "  phase %s / %s, %s left", clock_txt(st->phase_elapsed_ms, e, sizeof e),
        clock_txt(st->phase_ms, tot, sizeof tot), clock_txt(pleft, l, sizeof l));
    if (st->cycle_cpu >= 0)
        put(&t, "   cycling worker on CPU %d", st->cycle_cpu);

    /* one line per workload */
    for (int i = 0; i < st->nwl && lines < SW_PROGRESS_MAX_LINES - 3; i++) {
        newline(&t, &lines);
        put(&t, "  %-10s %8s %s/s", st->wl[i].name, sw_progress_rate(st->wl[i].rate, r, sizeof r),
            st->wl[i].unit ? st->wl[i].unit : "ops");
    }

    /* errors, and where they happened */
    newline(&t, &lines);
    put(&t, "  errors     ");
    esc(&t, color && st->errors, ESC_RED);
    put(&t, "%8llu", (unsigned long long)st->errors);
    esc(&t, color && st->errors, ESC_OFF);
    if (st->ncpu_err) {
        newline(&t, &lines);
        put(&t, "  %6s %8s", "CPU", "errors");
        for (int i = 0; i < st->ncpu_err && lines < SW_PROGRESS_MAX_LINES - 1; i++) {
            newline(&t, &lines);
            put(&t, "  %6d %8u", st->cpu_err[i].cpu, st->cpu_err[i].errors);
        }
        if (st->more_cpus) {
            newline(&t, &lines);
            put(&t, "  and %d more CPUs with errors", st->more_cpus);
        }
    }
    return lines;
}

int sw_progress_cpu_errors(const struct sw_event *ev, size_t nev, struct sw_progress_cpu_err *out, int max,
                           int *more)
{
    static uint32_t count[INT16_MAX + 1];   /* ev->cpu is an int16_t; the runner is one thread */
    int top = -1, with = 0;
    for (size_t k = 0; k < nev; k++) {
        if (ev[k].sev < SW_SEV_ERROR || ev[k].cpu < 0)
            continue;
        if (ev[k].cpu > top) {
            memset(count + top + 1, 0, (size_t)(ev[k].cpu - top) * sizeof count[0]);
            top = ev[k].cpu;
        }
        with += count[ev[k].cpu]++ == 0;
    }
    int n = 0;
    while (n < max) {   /* the most errors first; the lower CPU first on a tie */
        int best = -1;
        for (int c = 0; c <= top; c++)
            if (count[c] && (best < 0 || count[c] > count[best]))
                best = c;
        if (best < 0)
            break;
        out[n++] = (struct sw_progress_cpu_err){best, count[best]};
        count[best] = 0;
    }
    *more = with - n;
    return n;
}
