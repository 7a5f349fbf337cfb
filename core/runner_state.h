/* The runner's state, shared by its parts (and their unit tests) only: core/runner.c (the outline of a run),
 * core/runner_workers.c (forking workers and monitors), core/runner_supervise.c (reaping, process
 * groups, the wind-down), core/runner_sampler.c (sampling, stalls, heartbeats, progress, live
 * outputs), core/runner_report.c (the report's JSON) and core/runner_setup.c (signals, journal). */
#ifndef SW_RUNNER_STATE_H
#define SW_RUNNER_STATE_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/arena.h"
#include "core/event_store.h"
#include "core/journal.h"
#include "core/progress.h"
#include "core/run_plan.h"
#include "core/runner.h"
#include "core/stop_stages.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define TICK_MS (SW_STOP_POLL_NS / MS)
#define STALL_NS (10 * SEC)
#define MAX_EVENTS 20000           /* kept for the report; the journal has them all  */
#define MAX_MONITORS 8
#define RING_CAP_SMALL 64
#define RING_CAP 256

struct series {
    uint64_t *ops, *errors;
    size_t n, cap;
};

/* One (trial, phase, workload) as it ran. */
struct wlrun {
    int trial, phase, wi;
    int first, n;            /* workers: w[first .. first+n) of the phase's worker table */
    struct series s;
    uint64_t prev_ops, prev_errors;
    uint64_t ops, bytes, errors;
    double rate_now;
    uint64_t t_start, t_end;
};

struct worker {
    int index;               /* global worker index (slot)           */
    int phase, wi;
    const struct sw_place *place;
    uint64_t seed;
    pid_t pid;
    bool alive;              /* leader not reaped yet                */
    bool group_live;         /* the process group may have members   */
    bool stall_reported;
    uint64_t started_ns, last_progress_ns;
    int wstatus;
    bool reaped;
    struct sw_slot_snapshot final;
    char exit_desc[40];
    int *cycle;              /* the cycle policy's CPUs, or NULL     */
    uint64_t stop_beat;      /* slot heartbeat last seen in a wind-down */
    int ncycle;
};

struct monitor {
    const struct sw_monitor *m;
    int slot;
    pid_t pid;
    bool alive, group_live;
};

struct sw_runner_priv {
    struct sw_journal journal;
    bool journal_open;
    int sigfd;
    sigset_t oldmask;
    bool mask_set;
    struct sigaction old_pipe;
};

struct runner {
    struct sw_run_plan plan;  /* built first, in place; everything below executes it */
    const struct sw_job *job; /* &plan.job: the resolved copy of the caller's job    */
    const struct sw_run_opts *o;
    struct sw_run_result *res;
    struct sw_diag *d;
    struct sw_runner_priv *priv;
    int nworkers;
    struct worker *w;
    int nmon;
    struct monitor mon[MAX_MONITORS];
    struct sw_arena arena;
    bool arena_ok;
    struct sw_progress prog;
    char boot_id[40];
    char tmp_root[224];       /* fits sw_ctx.tmpdir with "/w<index>" */
    char self_exe[256];
    char journal_path[600];
    uint64_t start_real, start_mono, end_real, end_mono, elapsed_ms_done;
    uint64_t phase_start_mono;
    int cur_phase, cur_trial;
    struct sw_event_store events;
    int interrupt_signo;
    struct sw_stop stop;     /* the wind-down's stages; stop.interrupted: a stop signal came */
    bool paused;
    struct wlrun *runs;
    size_t nruns, runs_cap;
};

static inline const struct sw_job_workload *runner_workload(const struct runner *r, int phase, int wi)
{
    return &r->job->phases[phase].wl[wi];
}

/* core/runner.c: events the runner itself records */
void runner_event_base(struct sw_event *ev, enum sw_ev_type type, enum sw_sev sev);
void runner_record_text(struct runner *r, enum sw_ev_type type, enum sw_sev sev, int worker, const char *what,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void runner_drain_all(struct runner *r);
/* Frees what the state holds (plan, workers, runs, events, arena), not the runner itself. */
void runner_free(struct runner *r);

/* core/runner_workers.c */
int runner_prepare_workers(struct runner *r);
int runner_start_worker(struct runner *r, struct worker *w, uint64_t deadline_ns);
void runner_start_monitors(struct runner *r);

/* core/runner_supervise.c */
void runner_reap(struct runner *r);
void runner_signal_groups(struct runner *r, int phase, bool monitors, int sig);
void runner_kill_our_children(void);
void runner_wait_signal_or(struct runner *r, uint64_t now, uint64_t due);
void runner_wind_down(struct runner *r, int phase, bool monitors);

/* core/runner_sampler.c */
size_t runner_add_run(struct runner *r, int trial, int phase, int wi);
void runner_sample(struct runner *r, size_t run_lo, size_t run_hi, double interval_s);
void runner_proc_state(pid_t pid, char *state, size_t scap, char *wchan, size_t wcap);
void runner_check_stalls(struct runner *r, int phase);
void runner_heartbeat(struct runner *r, size_t run_lo, size_t run_hi);
void runner_show_progress(struct runner *r, size_t run_lo, size_t run_hi, uint64_t now);
void runner_notify(struct runner *r, bool with_counts, bool done);

/* core/runner_report.c */
json_t *runner_base_report(const struct runner *r, const char *status);
json_t *runner_full_report(const struct runner *r);

/* core/runner_setup.c */
int runner_setup_signals(struct runner *r);
void runner_restore_signals(struct sw_runner_priv *pv);
int runner_open_journal(struct runner *r);

#endif
