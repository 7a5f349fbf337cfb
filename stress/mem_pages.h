/* The memory workload's buffer set-up: faulting it in (locked when permitted) with transparent huge
 * pages while they come fast, and finding out afterwards which page size backs it. */
#ifndef SW_MEM_PAGES_H
#define SW_MEM_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_MEM_HUGE_MIN_RATE 2e9   /* bytes per CPU second: slower huge-page faults fall back */

/* The transparent huge page size (hpage_pmd_size), 2 MiB when the kernel does not say. */
size_t sw_mem_thp_size(void);

/* Faults [p, p + len) in, in pieces (MADV_POPULATE_WRITE, else a write per page), writes each page
 * once, and mlocks it when `lock` and permitted. When a huge-page piece comes slower than
 * SW_MEM_HUGE_MIN_RATE per CPU second of this thread, the next piece tries small pages, first write
 * included; if they came faster, the rest is marked MADV_NOHUGEPAGE and *huge_slow set (the caller
 * starts it false). keep_going(arg) is asked between pieces. Returns whether the whole range is locked. */
bool sw_mem_populate(char *p, size_t len, long page, bool lock, bool *huge_slow, bool (*keep_going)(void *),
                     void *arg);

/* The page-size trial of sw_mem_populate: fed each piece's rate (bytes per CPU second, first write
 * included) and whether more pieces follow; returns true when the rest should take small pages. */
struct sw_mem_trial {
    enum { SW_MEM_HUGE, SW_MEM_TRY_SMALL, SW_MEM_DECIDED } state;
    double huge_rate;
};
bool sw_mem_trial_next(struct sw_mem_trial *t, double rate, bool more);

/* Resident and huge-page-backed kB of [p, p + len), from /proc/self/smaps. False if unreadable or
 * nothing is resident. */
bool sw_mem_huge_share(const void *p, size_t len, uint64_t *rss_kb, uint64_t *huge_kb);

#endif
