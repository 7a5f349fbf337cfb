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

/* Faults [p, p + len) in, in pieces (MADV_POPULATE_WRITE, else a write per page), and mlocks it
 * when `lock` and permitted. Once a piece comes slower than SW_MEM_HUGE_MIN_RATE
 * per CPU second of this thread (a guest whose host backs fresh huge pages lazily), the rest is
 * marked MADV_NOHUGEPAGE and *huge_slow set. keep_going(arg) is asked between pieces. Returns
 * whether the whole range is locked. */
bool sw_mem_populate(char *p, size_t len, long page, bool lock, bool *huge_slow, bool (*keep_going)(void *),
                     void *arg);

/* Resident and huge-page-backed kB of [p, p + len), from /proc/self/smaps. False if unreadable or
 * nothing is resident. */
bool sw_mem_huge_share(const void *p, size_t len, uint64_t *rss_kb, uint64_t *huge_kb);

#endif
