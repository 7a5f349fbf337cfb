/* The children a workload keeps alive at once (io_uring's ring holders, pressure's page pushers):
 * which slots hold a live child, when each child's life should be over, which the worker killed on
 * purpose, reaping, reporting a child that outlives its bound, and the wind-down that kills and reaps
 * them all. The workload keeps what else it knows of a child in its own array, at the same index. */
#ifndef SW_CHILD_GROUP_H
#define SW_CHILD_GROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/workload.h"

#define SW_CHILD_GROUP_MAX 64

struct sw_child {
    pid_t pid;                 /* 0: a free slot                                          */
    bool killed;               /* the worker sent SIGKILL: that death is expected         */
    bool stuck_reported;
    uint64_t end_ns;           /* CLOCK_MONOTONIC time its life should be over            */
};

struct sw_child_group {
    struct sw_ctx *c;
    const char *what;          /* "io_uring child": names it in stuck-child reports       */
    unsigned n;                /* slots in use (at most SW_CHILD_GROUP_MAX)               */
    unsigned live;
    struct sw_child k[SW_CHILD_GROUP_MAX];
    /* A reaped child of slot i with its wait status, before the slot is freed. */
    void (*finish)(void *owner, unsigned i, int wstatus);
    void *owner;
    uint64_t last_tick_ns;     /* for sw_paused_ns                                        */
};

/* Empties g and sets who is told about reaped children. */
void sw_children_init(struct sw_child_group *g, struct sw_ctx *c, const char *what, unsigned n,
                      void (*finish)(void *owner, unsigned i, int wstatus), void *owner);
/* Records a child forked into free slot i. */
void sw_children_add(struct sw_child_group *g, unsigned i, pid_t pid, uint64_t end_ns);
/* Once per loop: moves every end forward by the time the worker was stopped (SIGSTOP, a suspended
 * VM), so a pause is not taken for children overstaying. */
void sw_children_tick(struct sw_child_group *g);
/* SIGKILLs child i once (end_ns moves to now when stopping: its bound counts from the kill). */
void sw_children_kill(struct sw_child_group *g, unsigned i, uint64_t now, bool stopping);
/* Reports (once) and kills every child still there bound_ms after its end. */
void sw_children_check(struct sw_child_group *g, uint64_t now, uint64_t bound_ms);
/* Reaps whatever has ended (no waiting), calling finish for each. */
void sw_children_reap(struct sw_child_group *g);
/* The wind-down: holds the runner's SIGTERM, kills every child, calls after_kill (if any: e.g. kill a
 * cgroup's other tasks), and reaps for up to drain_ms with heartbeats; a child left then is noted
 * as `wind_down`. */
void sw_children_drain(struct sw_child_group *g, uint64_t drain_ms, const char *wind_down,
                       void (*after_kill)(void *owner));

#endif
