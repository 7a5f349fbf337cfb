/* Progress while a run goes: on a terminal one live status line on stderr (elapsed / remaining,
 * per-workload rate, errors so far); not on a terminal a plain line every 5 s; quiet: nothing but
 * errors. Colour only on a terminal and only when NO_COLOR is unset. Part of the runner: the one
 * place in core/ that writes to the terminal (runner.h gives it that job). */
#ifndef SW_PROGRESS_H
#define SW_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/runner.h"

#define SW_PROGRESS_PLAIN_NS (5ull * 1000000000ull)

struct sw_progress_wl {
    const char *name;
    const char *unit;
    double rate;       /* units per second over the last sample */
};

struct sw_progress {
    enum sw_progress_mode mode;   /* resolved: never AUTO */
    int fd;
    bool color;
    bool line_open;               /* a live line is on screen */
    uint64_t last_plain_ns;
};

/* AUTO becomes TTY when fd is a terminal, else PLAIN. */
void sw_progress_init(struct sw_progress *p, enum sw_progress_mode mode, int fd);
void sw_progress_update(struct sw_progress *p, uint64_t now_mono_ns, uint64_t elapsed_ms, uint64_t total_ms,
                        const char *phase, const struct sw_progress_wl *wl, int nwl, uint64_t errors);
/* A message line ("note", "warning" or "error"); quiet shows only errors. Clears the live line first. */
void sw_progress_message(struct sw_progress *p, const char *kind, const char *text);
/* Removes the live line. */
void sw_progress_done(struct sw_progress *p);
/* The status text itself (pure, for tests): "0:12 / 1:00 left 0:48 | build | compute 1.2k ops/s | 0 errors". */
size_t sw_progress_format(char *buf, size_t cap, uint64_t elapsed_ms, uint64_t total_ms, const char *phase,
                          const struct sw_progress_wl *wl, int nwl, uint64_t errors);
/* 1234567 -> "1.23M" */
const char *sw_progress_rate(double v, char *buf, size_t cap);

#endif
