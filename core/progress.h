/* What a user sees while a run goes, like CoreCycler, OCCT or stress-ng --progress: on a terminal a
 * live view on stderr redrawn in place (trial k/N, phase k/N, a progress bar with the time left, each
 * workload's rate, the CPU the cycling worker is on, errors so far and a per-CPU error table once
 * errors happen); not on a terminal, or with TERM=dumb, one plain line every 5 s; quiet: nothing but
 * errors. Colour only on a terminal, never with NO_COLOR or TERM=dumb. Part of the runner: the one
 * place in core/ that writes to the terminal (runner.h gives it that job). */
#ifndef SW_PROGRESS_H
#define SW_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/runner.h"

#define SW_PROGRESS_PLAIN_NS (5ull * 1000000000ull)
#define SW_PROGRESS_CPU_ROWS 8     /* rows of the per-CPU error table; the rest is "N more CPUs" */
#define SW_PROGRESS_MAX_LINES 24   /* the live view never grows past this */

struct sw_progress_wl {
    const char *name;
    const char *unit;
    double rate;       /* units per second over the last sample */
};

struct sw_progress_cpu_err {
    int cpu;
    uint32_t errors;
};

/* One update: where the run is and what it has seen. */
struct sw_progress_status {
    uint64_t elapsed_ms, total_ms;         /* the whole run                                     */
    uint64_t phase_elapsed_ms, phase_ms;   /* the current phase                                 */
    unsigned trial, trials;                /* 1-based                                           */
    int phase, phases;                     /* 1-based, within the trial                         */
    const char *phase_name;
    bool idle;                             /* in the off part of a duty cycle (bursts)          */
    const struct sw_progress_wl *wl;
    int nwl;
    uint64_t errors;
    int cycle_cpu;                         /* the cycling worker's CPU now; -1: none            */
    const struct sw_progress_cpu_err *cpu_err;   /* CPUs with errors, most first               */
    int ncpu_err, more_cpus;               /* rows given; CPUs with errors left out of them     */
};

struct sw_progress {
    enum sw_progress_mode mode;   /* resolved: never AUTO */
    int fd;
    bool color;
    int lines;                    /* lines of the live view on screen (0: none) */
    uint64_t last_plain_ns;
};

/* AUTO becomes TTY when fd is a terminal and TERM is not dumb, else PLAIN. */
void sw_progress_init(struct sw_progress *p, enum sw_progress_mode mode, int fd);
/* The user's --color over what sw_progress_init chose: never, or always (AUTO changes nothing). */
void sw_progress_set_color(struct sw_progress *p, enum sw_color c);
void sw_progress_update(struct sw_progress *p, uint64_t now_mono_ns, const struct sw_progress_status *st);
/* A message line ("note", "warning" or "error"); quiet shows only errors. Clears the live view first. */
void sw_progress_message(struct sw_progress *p, const char *kind, const char *text);
/* Removes the live view. */
void sw_progress_done(struct sw_progress *p);

/* --- text (core/progress_text.c; pure, for tests) ------------------------------------------------ */
/* The plain one-line status: "trial 1/3 | phase 2/4 build 45% | 0:12 / 1:00, 0:48 left | compute 7.23k
 * kernels/s | cycling worker on CPU 3 | 3 errors (CPU 2: 2, CPU 5: 1)". */
size_t sw_progress_format(char *buf, size_t cap, const struct sw_progress_status *st);
/* The live view: lines separated by '\n' (no trailing one), each at most cols-1 wide, colour escapes
 * only when color. Returns the number of lines. */
int sw_progress_view(char *buf, size_t cap, const struct sw_progress_status *st, int cols, bool color);
/* 1234567 -> "1.23M" */
const char *sw_progress_rate(double v, char *buf, size_t cap);
/* Errors per CPU from the recorded events (severity error, CPU known), most first; returns the rows
 * filled (at most max) and sets *more to the CPUs with errors left out. */
int sw_progress_cpu_errors(const struct sw_event *ev, size_t nev, struct sw_progress_cpu_err *out, int max,
                           int *more);

#endif
