/* The runner: turns a job into a bounded, pinned, supervised run. It resolves budgets and placement,
 * writes the journal, forks one process per worker (plus monitor processes), samples their slots every
 * second, drains their event rings, stops everything on deadline/Ctrl-C/SIGTERM/SIGHUP within a
 * second, reaps every descendant, and hands back the run record as JSON (report.json minus the parts
 * probes and the correlator add). Printing progress is the runner's job; the final summary is cli's. */
#ifndef SW_RUNNER_H
#define SW_RUNNER_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/event_json.h"
#include "core/job.h"

/* A monitor is a process the runner forks beside the workers (e.g. the kernel-log watcher in
 * probes/). It pushes events into its own ring until *stop is set; it must not use stdio. */
struct sw_monitor_io {
    struct sw_ring *ring;
    struct sw_slot *slot;
    const atomic_uint *stop;
    uint64_t run_start_real_ns;   /* events before this are history, not this run's */
};
struct sw_monitor {
    const char *name;                           /* "kmsg"                                   */
    int (*start_check)(void *arg, struct sw_diag *d);   /* in the parent, before forking:
                                                           <0 = cannot run (d says why; a warning) */
    int (*run)(struct sw_monitor_io *io, void *arg);    /* the child's body                  */
    void *arg;
};

enum sw_progress_mode { SW_PROGRESS_AUTO = 0, SW_PROGRESS_QUIET, SW_PROGRESS_PLAIN, SW_PROGRESS_TTY };

/* Live outputs (core/live.h: --metrics, --events) watch the run through these calls, all made from the
 * runner's single-threaded main loop, never from workers. */
struct sw_run_counts {
    const char *workload, *unit;
    uint64_t ops, bytes, errors;
};
struct sw_run_tick {
    const char *run_id, *phase;          /* phase NULL once the stress is over                    */
    uint64_t start_real_ns, now_real_ns;
    const struct sw_run_counts *c;       /* one entry per (trial, phase, workload) run so far     */
    size_t n;
    const struct sw_ev_names *names;     /* phase and workload names for the events                */
    bool done;                           /* the last call: workers are reaped, events drained      */
};
struct sw_run_observer {
    void *arg;
    /* In the event-recording path: copy, count; must not allocate, block or print. */
    void (*event)(void *arg, const struct sw_event *ev);
    /* After each drain of the rings and after each one-second sample (tick->c is NULL on a drain-only
     * call): write out what was gathered. */
    void (*flush)(void *arg, const struct sw_run_tick *tick);
};

/* --color=WHEN of every command (cli/opt_parse.c): AUTO leaves it to the terminal and NO_COLOR. */
enum sw_color { SW_COLOR_AUTO, SW_COLOR_ALWAYS, SW_COLOR_NEVER };

struct sw_run_opts {
    const char *state_dir;      /* journals and run dirs live in <state_dir>/runs; NULL = default
                                   ($XDG_STATE_HOME/stresswsl or ~/.local/state/stresswsl)      */
    const char *out_dir;        /* --out: this run's directory exactly (overrides state_dir/runs/ID) */
    const char *topology_xml;   /* --topology FILE.xml: plan for that machine (dry-run only)     */
    bool dry_run;               /* print the plan and budget; fork nothing                        */
    enum sw_progress_mode progress;
    const char *command_line;   /* as typed, for "reproduce with"                                 */
    const char *mirror_dir;     /* --mirror DIR: also write the journal there (WSL2 host side)     */
    const struct sw_monitor *monitors;   /* NULL-terminated by name == NULL; may be NULL          */
    const struct sw_run_observer *observer;   /* live outputs; may be NULL                        */
    bool stop_on_error;         /* --stop-on-error: end the run at the first error event          */
    enum sw_color color;        /* --color: AUTO lets the progress view decide (terminal, NO_COLOR) */
};

struct sw_runner_priv;

struct sw_run_result {
    json_t *report;        /* report.json object without facts/findings/verdict: caller owns     */
    char run_dir[512];     /* where report.json etc. go                                          */
    int exit_code;         /* enum sw_exit from what the runner saw (1 if any error event)       */
    bool interrupted;
    /* added by the runner: */
    char run_id[64];
    char state_dir[512];   /* resolved state directory (recovery scans it)                       */
    unsigned error_events; /* events of severity error or fatal                                  */
    uint64_t seed;         /* the run's seed: the job's, or the random one chosen when it had none */
    uint64_t errors;       /* errors the workers counted (exact even when events were dropped)    */
    struct sw_runner_priv *priv;   /* the open journal and signal state until sw_runner_finish    */
};

/* Runs job, which it leaves unchanged (the plan resolves a copy, core/run_plan.h).
 * Returns 0 or a negative errno (d says what and how to fix: bad plan, over budget, no state dir). */
int sw_runner_run(const struct sw_job *job, const struct sw_run_opts *o, struct sw_run_result *res,
                  struct sw_diag *d);
/* Marks the run's journal as ended cleanly; call after the reports are written. Also restores the
 * signal mask and frees res->report. Safe to call after a failed or dry run. */
void sw_runner_finish(struct sw_run_result *res);

#endif
