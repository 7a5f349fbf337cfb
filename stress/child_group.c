#include "stress/child_group.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "stress/task_probe.h"

void sw_children_init(struct sw_child_group *g, struct sw_ctx *c, const char *what, unsigned n,
                      void (*finish)(void *owner, unsigned i, int wstatus), void *owner)
{
    memset(g, 0, sizeof *g);
    g->c = c;
    g->what = what;
    g->n = n < SW_CHILD_GROUP_MAX ? n : SW_CHILD_GROUP_MAX;
    g->finish = finish;
    g->owner = owner;
}

void sw_children_add(struct sw_child_group *g, unsigned i, pid_t pid, uint64_t end_ns)
{
    g->k[i] = (struct sw_child){.pid = pid, .end_ns = end_ns};
    g->live++;
}

void sw_children_tick(struct sw_child_group *g)
{
    uint64_t paused = sw_paused_ns(&g->last_tick_ns);
    for (unsigned i = 0; paused && i < g->n; i++)
        g->k[i].end_ns += paused;
}

void sw_children_kill(struct sw_child_group *g, unsigned i, uint64_t now, bool stopping)
{
    struct sw_child *k = &g->k[i];
    if (!k->pid || k->killed)
        return;
    kill(k->pid, SIGKILL);
    k->killed = true;
    if (stopping)
        k->end_ns = now;
}

void sw_children_check(struct sw_child_group *g, uint64_t now, uint64_t bound_ms)
{
    for (unsigned i = 0; i < g->n; i++) {
        struct sw_child *k = &g->k[i];
        if (!k->pid || k->stuck_reported || now <= k->end_ns + bound_ms * 1000000ull)
            continue;
        k->stuck_reported = true;
        sw_report_stuck_child(g->c, g->what, k->pid, (now - k->end_ns) / 1000000u);
        kill(k->pid, SIGKILL);
        k->killed = true;
    }
}

void sw_children_reap(struct sw_child_group *g)
{
    int st;
    pid_t pid;
    while (g->live && (pid = waitpid(-1, &st, WNOHANG)) > 0)
        for (unsigned i = 0; i < g->n; i++)
            if (g->k[i].pid == pid) {
                g->finish(g->owner, i, st);
                g->k[i].pid = 0;
                g->live--;
                break;
            }
}

void sw_children_drain(struct sw_child_group *g, uint64_t drain_ms, const char *wind_down,
                       void (*after_kill)(void *owner))
{
    sw_hold_sigterm();
    uint64_t t0 = sw_now_mono_ns();
    for (unsigned i = 0; i < g->n; i++)
        sw_children_kill(g, i, t0, true);
    if (after_kill)
        after_kill(g->owner);
    while (g->live && sw_now_mono_ns() < t0 + drain_ms * 1000000ull) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
        sw_children_reap(g);
        sw_progress(g->c, 0, 0);   /* a heartbeat: the runner waits while the killed children are reaped */
    }
    for (unsigned i = 0; g->live && i < g->n; i++)
        if (g->k[i].pid) {
            sw_note_left_behind(g->c, wind_down, g->live, g->k[i].pid, drain_ms);
            break;
        }
}
