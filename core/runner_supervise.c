/* Supervision: reaping workers, monitors and re-parented orphans, signalling process groups, and the
 * wind-down that carries out the stop stages (core/stop_stages.h) until everything is reaped or left
 * behind as unkillable. All from the runner's single-threaded loop on its signalfd. */
#include "core/runner_state.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/exit_classify.h"
#include "core/fmt.h"
#include "core/spawn.h"

static void worker_exited(struct runner *r, struct worker *w, int status)
{
    w->alive = false;
    w->reaped = true;
    w->wstatus = status;
    struct sw_slot *s = &r->arena.slots[w->index];
    sw_slot_read(s, &w->final);
    const struct sw_job_workload *j = runner_workload(r, w->phase, w->wi);
    /* Whatever it left behind in its group goes with it (the workload's contract is to reap its own
     * children; this is the backstop). */
    kill(-w->pid, SIGKILL);
    struct sw_exit_input in = {
        .wstatus = status, .stopped_by_us = r->stop.stage >= SW_STOP_TERM_SENT, .cpu_last = w->final.cpu_now,
        .fault = {atomic_load(&s->fault_count), atomic_load(&s->fault_signo), atomic_load(&s->fault_code),
                  atomic_load(&s->fault_cpu), atomic_load(&s->fault_sender), atomic_load(&s->fault_addr),
                  atomic_load(&s->fault_ip)},
        .worker = w->index, .workload_id = j->workload_id, .phase = w->phase,
        .mem_node = w->place ? w->place->mem_node : -1, .pid = w->pid, .name = j->wl->name,
        .t_ns = sw_now_real_ns()};
    struct sw_exit_outcome out;
    sw_exit_classify(&in, &out);
    sw_strlcpy(w->exit_desc, out.desc, sizeof w->exit_desc);
    for (int i = 0; i < out.nev; i++)
        sw_event_store_record(&r->events, &out.ev[i], true);
}

static struct worker *worker_by_pid(struct runner *r, pid_t pid)
{
    for (int i = 0; i < r->nworkers; i++)
        if (r->w[i].pid == pid && r->w[i].alive)
            return &r->w[i];
    return NULL;
}

/* pids are reused (an earlier phase's worker may have had this one): the group is the latest worker's
 * with that pid, since a group's id is not handed out again while the group has a member. */
static struct worker *worker_by_pgid(struct runner *r, pid_t pgid)
{
    struct worker *best = NULL;
    for (int i = 0; i < r->nworkers; i++)
        if (r->w[i].pid == pgid && r->w[i].pid > 0 && (!best || r->w[i].started_ns >= best->started_ns))
            best = &r->w[i];
    return best;
}

/* A descendant re-parented to us (we are the subreaper) died. A fault there is evidence too. */
static void orphan_exited(struct runner *r, pid_t pid, pid_t pgid, int status)
{
    if (!WIFSIGNALED(status) || !sw_exit_is_fault_signal(WTERMSIG(status)))
        return;
    struct worker *w = pgid > 0 ? worker_by_pgid(r, pgid) : NULL;
    char sb[32];
    sw_signal_name(WTERMSIG(status), sb, sizeof sb);
    struct sw_event ev;
    runner_event_base(&ev, SW_EV_WORKER_SIGNAL, SW_SEV_ERROR);
    ev.pid = pid;
    ev.u.fault.signo = WTERMSIG(status);
    ev.phase = (uint16_t)(w ? w->phase : r->cur_phase);
    if (w) {
        ev.worker = (int16_t)w->index;
        ev.workload = (int16_t)runner_workload(r, w->phase, w->wi)->workload_id;
    }
    sw_strlcpy(ev.what, sb, sizeof ev.what);
    snprintf(ev.text, sizeof ev.text, "a child process (pid %d) of worker %d, orphaned, was killed by %s", (int)pid,
             w ? w->index : -1, sb);
    sw_event_store_record(&r->events, &ev, true);
}

void runner_reap(struct runner *r)
{
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
            return;
        pid_t pid = si.si_pid;
        pid_t pgid = getpgid(pid);   /* still answers for a zombie */
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) != pid)
            return;
        struct worker *w = worker_by_pid(r, pid);
        if (w) {
            worker_exited(r, w, status);
            continue;
        }
        bool mon = false;
        for (int i = 0; i < r->nmon; i++)
            if (r->mon[i].pid == pid && r->mon[i].alive) {
                mon = true;
                r->mon[i].alive = false;
                kill(-pid, SIGKILL);
                bool expected = atomic_load(&r->arena.hdr->stop) || r->stop.stage >= SW_STOP_ASKED;
                if (!expected || (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 130) ||
                    (WIFSIGNALED(status) && !(r->stop.stage >= SW_STOP_TERM_SENT)))
                    runner_record_text(r, SW_EV_NOTE, SW_SEV_WARN, -1, r->mon[i].m->name,
                                       "monitor %s ended early (%s %d): its evidence stops here", r->mon[i].m->name,
                                       WIFSIGNALED(status) ? "signal" : "status",
                                       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            }
        if (!mon)
            orphan_exited(r, pid, pgid, status);
    }
}

void runner_signal_groups(struct runner *r, int phase, bool monitors, int sig)
{
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (w->pid > 0 && w->group_live && (phase < 0 || w->phase == phase)) {
            if (sig != SIGCONT && r->paused)
                kill(-w->pid, SIGCONT);   /* a stopped group would not act on SIGTERM */
            if (kill(-w->pid, sig) != 0 && errno == ESRCH)
                w->group_live = false;
        }
    }
    for (int i = 0; monitors && i < r->nmon; i++)
        if (r->mon[i].pid > 0 && r->mon[i].group_live && kill(-r->mon[i].pid, sig) != 0 && errno == ESRCH)
            r->mon[i].group_live = false;
}

/* Any process whose parent is us (re-parented orphans that left their group) gets SIGKILL. */
void runner_kill_our_children(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    int pid;
    while (fscanf(f, "%d", &pid) == 1)
        if (pid > 0)
            kill(pid, SIGKILL);
    fclose(f);
}

static bool phase_done(struct runner *r, int phase, bool monitors)
{
    bool done = true;
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (w->pid <= 0 || (phase >= 0 && w->phase != phase))
            continue;
        if (w->alive) {
            done = false;
        } else if (w->group_live) {
            w->group_live = sw_group_live(w->pid);
            if (w->group_live)
                done = false;
        }
    }
    for (int i = 0; monitors && i < r->nmon; i++) {
        if (r->mon[i].alive) {
            done = false;
        } else if (r->mon[i].group_live) {
            r->mon[i].group_live = sw_group_live(r->mon[i].pid);
            if (r->mon[i].group_live)
                done = false;
        }
    }
    return done;
}

static void on_stop_signal(struct runner *r, int signo, uint64_t now)
{
    if (sw_stop_interrupt(&r->stop, now)) {
        r->interrupt_signo = signo;
        atomic_store(&r->arena.hdr->stop, 1);
        char sb[32];
        runner_record_text(r, SW_EV_NOTE, SW_SEV_INFO, -1, sw_signal_name(signo, sb, sizeof sb),
                           "interrupted by %s: stopping", sb);
    }
}

static void read_signals(struct runner *r, uint64_t now)
{
    struct signalfd_siginfo si;
    while (read(r->priv->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        int s = (int)si.ssi_signo;
        if (s == SIGINT || s == SIGTERM || s == SIGHUP)
            on_stop_signal(r, s, now);
    }
}

static uint64_t slot_beat(const struct runner *r, int i)
{
    struct sw_slot_snapshot ss;
    sw_slot_read(&r->arena.slots[i], &ss);
    return ss.progress_ns;
}

/* At a deadline (not on an interruption) a worker that still publishes (sw_progress) is verifying
 * what it held when the stop came, or waiting for its children's results: evidence like any other.
 * Each new heartbeat restarts the cooperative stage (within the stop stages' cap); a silent worker
 * is not waited for. */
static void wait_for_finishers(struct runner *r, int phase, uint64_t now)
{
    if (!r->arena_ok || !sw_stop_waits_for_finishers(&r->stop, now))
        return;
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (!w->alive || (phase >= 0 && w->phase != phase))
            continue;
        uint64_t beat = slot_beat(r, i);
        if (beat != w->stop_beat) {
            w->stop_beat = beat;
            sw_stop_heartbeat(&r->stop, now);
        }
    }
}

/* Carries out the stages due now; returns the next time something is due. */
static uint64_t escalate(struct runner *r, int phase, bool monitors, uint64_t now)
{
    wait_for_finishers(r, phase, now);
    uint64_t next;
    unsigned act = sw_stop_step(&r->stop, now, &next);
    if (act & SW_STOP_DO_KILL_ALL) {
        runner_signal_groups(r, phase, true, SIGKILL);
        runner_kill_our_children();
    }
    if (act & SW_STOP_DO_TERM)
        runner_signal_groups(r, phase, monitors, SIGTERM);
    if (act & SW_STOP_DO_KILL) {
        runner_signal_groups(r, phase, monitors, SIGKILL);
        if (monitors)
            runner_kill_our_children();
    }
    return next;
}

static int poll_ms(uint64_t now, uint64_t due)
{
    if (due <= now)
        return 0;
    uint64_t ms = (due - now + MS - 1) / MS;
    return ms > TICK_MS ? (int)TICK_MS : (int)ms;
}

void runner_wait_signal_or(struct runner *r, uint64_t now, uint64_t due)
{
    struct pollfd pfd = {r->priv->sigfd, POLLIN, 0};
    poll(&pfd, 1, poll_ms(now, due));
    read_signals(r, sw_now_mono_ns());
}

static void report_unkillable(struct runner *r, int phase)
{
    for (int i = 0; i < r->nworkers; i++) {
        struct worker *w = &r->w[i];
        if (w->pid > 0 && (phase < 0 || w->phase == phase) && (w->alive || w->group_live)) {
            char st[8], wc[64];
            runner_proc_state(w->pid, st, sizeof st, wc, sizeof wc);
            runner_record_text(r, SW_EV_STALL, SW_SEV_WARN, i, wc,
                               "worker %d process group %d did not die from SIGKILL: state %s, wchan %s (left behind)",
                               i, (int)w->pid, st, wc);
            w->group_live = false;
            w->alive = false;
        }
    }
}

/* Stops what is still running of a phase (or everything, phase < 0) within the one-second budget, or
 * later at a deadline while workers still verify what they hold (wait_for_finishers). */
void runner_wind_down(struct runner *r, int phase, bool monitors)
{
    uint64_t now = sw_now_mono_ns();
    if (sw_stop_begin(&r->stop, now)) {
        for (int i = 0; i < r->nworkers && r->arena_ok; i++)
            r->w[i].stop_beat = slot_beat(r, i);   /* a heartbeat from before the stop is not finishing */
    }
    for (;;) {
        now = sw_now_mono_ns();
        runner_reap(r);
        runner_drain_all(r);
        if (phase_done(r, phase, monitors))
            break;
        if (sw_stop_gave_up(&r->stop, now)) {
            report_unkillable(r, phase);
            break;
        }
        uint64_t due = escalate(r, phase, monitors, now);
        runner_wait_signal_or(r, now, due);
    }
    sw_stop_end(&r->stop);
}
