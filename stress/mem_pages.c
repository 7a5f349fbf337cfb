/* Populating the memory workload's buffer and reading back its page sizes (stress/mem_pages.h). */
#include "stress/mem_pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define POPULATE_PIECE (16u << 20)   /* stop checks and rate measurements between pieces */

size_t sw_mem_thp_size(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "re");
    unsigned long long v = 0;
    if (f) {
        if (fscanf(f, "%llu", &v) != 1)
            v = 0;
        fclose(f);
    }
    return v >= 4096 && v <= (1ull << 30) && (v & (v - 1)) == 0 ? (size_t)v : 2u << 20;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Faults one piece in, writes it once through this mapping (one write per `touch` bytes) and mlocks
 * it when `lock`; returns the CPU seconds of this thread it took. The write is part of the cost: in a
 * guest whose hypervisor shadows its page tables, the first user write to each page is a host fault
 * that a kernel-side populate never shows (there, 512 MiB of 4 KiB pages cost 0.6 s more on the first
 * pass than later ones; of 2 MiB pages, nothing). A machine busy with other work does not count as
 * slow pages; a stalled fault does. */
static double populate_piece(char *q, size_t n, long page, size_t touch, bool *locked)
{
    double t0 = cpu_s();
    /* Faulted in first, then locked: mlock alone may not populate (sanitizers make it a no-op). */
    if (madvise(q, n, MADV_POPULATE_WRITE) != 0)
        for (size_t i = 0; i < n; i += (size_t)page)
            ((volatile char *)q)[i] = 0;
    for (size_t i = 0; i < n; i += touch)
        ((volatile char *)q)[i] = 0;
    if (*locked && mlock(q, n) != 0)
        *locked = false;
    return cpu_s() - t0;
}

/* Huge pages first. A huge piece slower than SW_MEM_HUGE_MIN_RATE (the kernel compacting memory for
 * it, or a host backing fresh huge pages lazily) is not proof that small pages are faster, so the next
 * piece tries small pages, first write included, and the faster of the two takes the rest. */
bool sw_mem_trial_next(struct sw_mem_trial *t, double rate, bool more)
{
    if (t->state == SW_MEM_HUGE && more && rate < SW_MEM_HUGE_MIN_RATE) {
        t->huge_rate = rate;
        t->state = SW_MEM_TRY_SMALL;
    } else if (t->state == SW_MEM_TRY_SMALL) {
        t->state = SW_MEM_DECIDED;
        return more && rate > t->huge_rate;
    }
    return false;
}

bool sw_mem_populate(char *p, size_t len, long page, bool lock, bool *huge_slow, bool (*keep_going)(void *),
                     void *arg)
{
    struct sw_mem_trial trial = {SW_MEM_HUGE, 0};
    bool locked = lock;
    size_t thp = sw_mem_thp_size();
    for (size_t off = 0; off < len; off += POPULATE_PIECE) {
        size_t n = len - off < POPULATE_PIECE ? len - off : POPULATE_PIECE;
        bool small = trial.state == SW_MEM_TRY_SMALL || *huge_slow;
        if (trial.state == SW_MEM_TRY_SMALL)
            madvise(p + off, n, MADV_NOHUGEPAGE);
        bool was_locked = locked;
        double dt = populate_piece(p + off, n, page, small ? (size_t)page : thp, &locked);
        if (was_locked && !locked && off)
            munlock(p, off);
        if (sw_mem_trial_next(&trial, dt > 0 ? (double)n / dt : 1e30, off + n < len)) {
            madvise(p + off + n, len - off - n, MADV_NOHUGEPAGE);
            *huge_slow = true;
        }
        if (!keep_going(arg))
            return false;   /* stopped part way: the rest is neither populated nor locked */
    }
    return locked;
}

bool sw_mem_huge_share(const void *p, size_t len, uint64_t *rss_kb, uint64_t *huge_kb)
{
    FILE *f = fopen("/proc/self/smaps", "re");
    if (!f)
        return false;
    char line[512];
    bool in = false, line_start = true;
    uintptr_t lo = (uintptr_t)p, hi = lo + len;
    *rss_kb = *huge_kb = 0;
    while (fgets(line, sizeof line, f)) {
        bool start = line_start;
        line_start = strchr(line, '\n') != NULL;   /* a longer line continues in the next read */
        if (!start)
            continue;
        uintmax_t a, b;
        unsigned long long kb;
        char dash;
        if (sscanf(line, "%jx%c%jx ", &a, &dash, &b) == 3 && dash == '-')
            in = a < hi && b > lo;
        else if (in && sscanf(line, "Rss: %llu kB", &kb) == 1)
            *rss_kb += kb;
        else if (in && sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
            *huge_kb += kb;
    }
    fclose(f);
    return *rss_kb > 0;
}
