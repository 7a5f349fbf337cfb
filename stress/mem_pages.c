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

/* The rate is per CPU second of this thread, so a machine busy with other work does not count as
 * slow pages; a stalled fault (the host backing a page) does. */
bool sw_mem_populate(char *p, size_t len, long page, bool lock, bool *huge_slow, bool (*keep_going)(void *),
                     void *arg)
{
    bool locked = lock, huge = true;
    for (size_t off = 0; off < len; off += POPULATE_PIECE) {
        size_t n = len - off < POPULATE_PIECE ? len - off : POPULATE_PIECE;
        double t0 = cpu_s();
        /* Faulted in first, then locked: mlock alone may not populate (sanitizers make it a no-op). */
        if (madvise(p + off, n, MADV_POPULATE_WRITE) != 0)
            for (size_t i = 0; i < n; i += (size_t)page)
                ((volatile char *)p)[off + i] = 0;
        if (locked && mlock(p + off, n) != 0) {
            if (off)
                munlock(p, off);
            locked = false;
        }
        double dt = cpu_s() - t0;
        if (huge && off + n < len && dt > 0 && (double)n / dt < SW_MEM_HUGE_MIN_RATE) {
            huge = false;
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
