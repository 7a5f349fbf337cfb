/* The child side of the `pressure` workload: a process (inside the workload's memory cgroup when
 * there is one) that fills anonymous memory (half of it asking for transparent huge pages) and a
 * file mapping with patterns derived from each word's address, then keeps pushing those pages
 * through the kernel's memory-management paths and checks every word when it comes back: MADV_PAGEOUT
 * and MADV_COLD (reclaim, swap-out where swap exists, write-back for the file), MADV_COLLAPSE and a
 * one-page mprotect (THP collapse and split, compaction), fork with copy-on-write (both sides write
 * and check), MADV_DONTNEED and refill. The OOM killer may end it at any moment: that is expected. */
#ifndef SW_PRESSURE_CHILD_H
#define SW_PRESSURE_CHILD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "stress/memcg.h"

#define SW_PRESSURE_CODE_NOCG 2     /* could not enter the cgroup                      */
#define SW_PRESSURE_CODE_NOMEM 3    /* could not map its memory: resources             */

struct sw_pressure_slot {
    atomic_uint_fast64_t pages;     /* pages checked (re-checks count again)           */
    atomic_uint_fast64_t steps;     /* page-outs, collapses, splits, forks ... done      */
    atomic_uint bad;                /* words that came back wrong                       */
    atomic_uint injected;           /* the selftest's flip was made                     */
    uint64_t bad_vaddr, bad_expected, bad_actual, bad_reread;
    char bad_what[24];              /* "pressure-anon", "pressure-cow", "pressure-file" */
};

struct sw_pressure_plan {
    uint64_t anon_bytes, file_bytes;
    const char *file_dir;           /* where the file mapping's (unlinked) file lives, or NULL */
    const struct sw_memcg *cg;      /* the cgroup to enter, or NULL                     */
    unsigned life_ms;
    uint64_t seed;
    bool inject;                    /* flip one bit behind the checker's back (selftest) */
    struct sw_pressure_slot *slot;
};

/* Runs in the forked child; never returns. */
void sw_pressure_child(const struct sw_pressure_plan *p) __attribute__((noreturn));

#endif
