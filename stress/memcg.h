/* A child memory cgroup of the calling process's own, for workloads that drive memory to a limit
 * the kernel enforces (reclaim, compaction, swap, the OOM killer) without touching the rest of the
 * guest. cgroup v1 (the memory controller's hierarchy) and v2 (where the parent delegates the memory
 * controller). Names are "stresswsl-<pid>-<tag>": one left behind by a process that is gone is
 * removed by the next sw_memcg_create (rmdir only removes an empty cgroup). */
#ifndef SW_MEMCG_H
#define SW_MEMCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_memcg {
    char path[400];     /* the cgroup's directory; "" when none */
    int version;        /* 1 or 2                               */
};

/* Creates the cgroup with a memory limit. Returns 0, or -errno with why set (not created: the caller
 * falls back to its own budget). */
int sw_memcg_create(struct sw_memcg *m, const char *tag, uint64_t limit, char *why, size_t len);
/* The memory limit the cgroup has (memory.limit_in_bytes / memory.max), or 0. */
uint64_t sw_memcg_limit(const struct sw_memcg *m);
/* Moves the calling process into the cgroup. 0 or -errno. */
int sw_memcg_enter(const struct sw_memcg *m);
/* OOM kills inside the cgroup so far (memory.oom_control / memory.events "oom_kill"), or 0. */
uint64_t sw_memcg_oom_kills(const struct sw_memcg *m);
/* SIGKILLs every process in the cgroup (its copy-on-write grandchildren too). Returns how many. */
unsigned sw_memcg_kill_all(const struct sw_memcg *m);
/* Removes the cgroup (waiting up to wait_ms for its last tasks to leave). 0 or -errno. */
int sw_memcg_remove(struct sw_memcg *m, unsigned wait_ms);

#endif
