/* `memory`: memory bit patterns over a locked (when permitted), node-bound buffer, split between
 * threads. The threads populate their own regions in parallel, with transparent huge pages where the
 * kernel grants them (the page size is reported: it changes which translations are exercised). Each round runs address-in-address first (with barriers, so an alias between two threads'
 * regions is caught too); if it fails, the round's other patterns are skipped because their results
 * would mean nothing. Then one step of every selected pattern (stress/patterns.h). A miscompare is
 * re-read after a cache-line flush (persistent vs transient), located physically through
 * /proc/self/pagemap when permitted, reported with the CPU that saw it, and the good value is
 * written back so one fault does not cascade. */
#include <errno.h>
#include <fcntl.h>
#include <numaif.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <emmintrin.h>
#endif

#include "core/fmt.h"
#include "core/units.h"
#include "core/workload.h"
#include "stress/mem_pages.h"
#include "stress/mt.h"
#include "stress/patterns.h"

/* The parameters, in the order of the table at the end of this file. */
enum { MEMORY_SIZE, MEMORY_THREADS, MEMORY_PATTERNS, MEMORY_NPARAMS };

#define BW SW_PAT_BLOCK_WORDS
#define CHUNK_WORDS (64u * BW)          /* 256 KiB: tens of microseconds between stop checks     */
#define REGION_ALIGN (2u * SW_PAT_BLOCK_BYTES)   /* a region splits into two whole-block halves    */
#define MAX_EVENTS_PER_THREAD 512u      /* listed per thread per run; beyond that only counted   */
#define THREAD_RESERVE (1u << 20)       /* stack and bookkeeping per thread, for the budget       */
#define MIN_BUFFER (16u << 20)          /* the least worth running with size=0                    */
#define COPY_LEGS 4u                    /* copies per block-copy round, each verifying its source */

struct mem_run;

struct mem_thread {
    struct mem_run *run;
    struct sw_mt_thread *mt;
    uint64_t *region;          /* nwords words; COPY: two halves copied between threads     */
    size_t nwords;
    struct sw_pat_sum *sums;   /* COPY: one per block of the region (half 0, then half 1)   */
    struct sw_pat_pass half_pass[2];   /* COPY: whose data each half holds                  */
    uint64_t seed;             /* this thread's COPY data                                   */
    bool locked;               /* its region (thread 0: and the checksums) is locked        */
    struct sw_pat_sink sink;
    struct sw_pat_pass pass;   /* being checked: for the callbacks                        */
    size_t chunk_base;         /* global index of the chunk being checked                 */
    unsigned events;
    bool verified_one;         /* a whole pass filled and checked: the deadline may cut the next */
};

struct mem_run {
    unsigned nthreads, mask;
    uint64_t seed;
    int pagemap_fd;
    long page;
    bool guest;
    bool nt;                          /* non-temporal stores: the buffer is bigger than the LLC */
    bool lock;                        /* try to mlock while populating                           */
    const struct sw_pat_kern *kern;
    char *map;                        /* the buffer and checksums, map_len bytes                 */
    size_t map_len;
    double populate_s;                /* thread 0's populate time                                */
    atomic_bool huge_slow;            /* a thread gave up huge pages: they came too slowly        */
    bool inject_flip, inject_block;   /* thread 0 only */
    bool flip_in_address;             /* the patterns chosen include the address pass ("all" does) */
    atomic_uint addr_failed;     /* round + 1 of the last round whose address pass failed */
    struct mem_thread *th;
};

/* --- machine helpers ---------------------------------------------------------------------------- */

static void flush_line(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_clflush(p);
    _mm_mfence();
#elif defined(__aarch64__)
    __asm__ __volatile__("dc civac, %0\n\tdsb sy" ::"r"(p) : "memory");
#else
    (void)p;
    __asm__ __volatile__("" ::: "memory");
#endif
}

static bool under_hypervisor(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c >> 31) & 1u;
#else
    return access("/sys/hypervisor/type", F_OK) == 0;
#endif
}

static int cpu_now(void)
{
    unsigned cpu;
    return getcpu(&cpu, NULL) == 0 ? (int)cpu : -1;
}

/* Physical address through pagemap: needs CAP_SYS_ADMIN (PFNs read as 0 otherwise). */
static bool paddr_of(const struct mem_run *r, uintptr_t va, uint64_t *pa)
{
    uint64_t e;
    if (r->pagemap_fd < 0 ||
        pread(r->pagemap_fd, &e, sizeof e, (off_t)(va / (uintptr_t)r->page) * 8) != (ssize_t)sizeof e)
        return false;
    uint64_t pfn = e & ((1ull << 55) - 1);
    if (!((e >> 63) & 1) || pfn == 0)
        return false;
    *pa = pfn * (uint64_t)r->page + va % (uintptr_t)r->page;
    return true;
}

/* --- reporting from the checkers' callbacks -------------------------------------------------------- */

static void emit(struct mem_thread *t, struct sw_mem_fault *f)
{
    if (t->events >= MAX_EVENTS_PER_THREAD) {
        sw_mt_unlisted(t->mt, 1);
        return;
    }
    t->events++;
    uint64_t pa;
    if (paddr_of(t->run, f->vaddr, &pa)) {
        f->paddr = pa;
        f->flags |= SW_MEM_PADDR_OK;
    }
    f->guest_phys = t->run->guest;
    sw_mt_push_fault(t->mt, f);
}

static void on_word(struct sw_pat_sink *s, uint64_t *addr, const struct sw_pat_err *e)
{
    struct mem_thread *t = s->arg;
    volatile uint64_t *va = addr;
    struct sw_mem_fault f = {.pattern = sw_pat_info(t->pass.id)->name, .vaddr = (uintptr_t)addr,
                             .expected = e->expected, .actual = e->actual, .width = 8, .cpu = cpu_now()};
    char detail[SW_EV_TEXT];
    struct sw_fmt fm;
    sw_fmt_init(&fm, detail, sizeof detail);
    if (e->kind == SW_PAT_ERR_TRANSIENT) {
        f.reread = e->expected;
        sw_fmt_str(&fm, "4 KiB block read back wrong once, right on every re-read (transient)");
        f.detail = detail;
    } else {
        flush_line(addr);
        f.reread = *va;
        if (f.reread != e->expected)
            f.flags |= SW_MEM_PERSISTENT;
        *va = e->expected;   /* so the fault does not cascade into later checks */
        flush_line(addr);
        if (e->kind == SW_PAT_ERR_SUMTABLE) {
            sw_fmt_str(&fm, "(stored block checksum) expected ");
            sw_fmt_hex(&fm, e->expected);
            sw_fmt_str(&fm, " got ");
            sw_fmt_hex(&fm, e->actual);
            sw_fmt_str(&fm, f.flags & SW_MEM_PERSISTENT ? " (persistent)" : " (transient)");
            f.detail = detail;
        }
    }
    emit(t, &f);
}

static void on_block(struct sw_pat_sink *s, uint64_t *addr, const struct sw_pat_blk *b)
{
    struct mem_thread *t = s->arg;
    volatile uint64_t *va = addr;
    size_t base = t->chunk_base + b->index;
    struct sw_mem_fault f = {.pattern = sw_pat_info(t->pass.id)->name, .vaddr = (uintptr_t)addr,
                             .expected = sw_pat_expected(&t->pass, addr, 0, base), .actual = va[0],
                             .width = 8, .flags = SW_MEM_BLOCK, .cpu = cpu_now()};
    flush_line(addr);
    f.reread = va[0];
    if (f.reread != f.expected)
        f.flags |= SW_MEM_PERSISTENT;
    char desc[96], detail[SW_EV_TEXT];
    sw_pat_blk_describe(b, desc, sizeof desc);
    struct sw_fmt fm;
    sw_fmt_init(&fm, detail, sizeof detail);
    sw_fmt_str(&fm, "addressing fault: 4 KiB block holds ");
    sw_fmt_str(&fm, desc);
    sw_fmt_str(&fm, " (");
    sw_fmt_u64(&fm, b->bad);
    sw_fmt_str(&fm, "/");
    sw_fmt_u64(&fm, b->nwords);
    sw_fmt_str(&fm, " words wrong)");
    f.detail = detail;
    for (size_t k = 0; k < b->nwords; k++)
        va[k] = sw_pat_expected(&t->pass, addr, k, base);
    emit(t, &f);
}

/* Every record is one error (a queued event or, past the cap, a count); words the bounded lists
 * could not hold are counted too, so the worker's error count stays exact. */
static void finish_pass(struct mem_thread *t)
{
    struct sw_pat_sink *s = &t->sink;
    uint64_t unlisted = (s->mismatches - s->block_words - s->n_rec) + (s->blocks - s->n_blk);
    if (unlisted)
        sw_mt_unlisted(t->mt, unlisted);
    sw_pat_sink_reset(s);
}

/* --- populating the buffer ------------------------------------------------------------------------ */

static bool thread_going(void *arg)
{
    return sw_mt_verifying(arg);
}

/* Faults my part of the buffer in on my CPU: populating is parallel and pages come from my node. */
static bool populate(struct mem_thread *t, char *p, size_t len)
{
    bool slow = false;
    bool locked = sw_mem_populate(p, len, t->run->page, t->run->lock, &slow, thread_going, t->mt);
    if (slow)
        atomic_store(&t->run->huge_slow, true);
    return locked;
}

/* Thread 0, once everyone has populated: which page size backs the buffer, how long it took. */
static void page_note(struct mem_thread *t)
{
    struct mem_run *r = t->run;
    unsigned locked = 0;
    for (unsigned i = 0; i < t->mt->mt->n; i++)
        locked += r->th[i].locked;
    uint64_t rss = 0, huge = 0;
    char text[SW_EV_TEXT], sz[32];
    struct sw_fmt fm;
    sw_fmt_init(&fm, text, sizeof text);
    sw_fmt_str(&fm, "memory: populated by ");
    sw_fmt_u64(&fm, t->mt->mt->n);
    sw_fmt_str(&fm, t->mt->mt->n == 1 ? " thread in " : " threads in ");
    sw_fmt_u64(&fm, (uint64_t)(r->populate_s * 1000));
    sw_fmt_str(&fm, " ms, ");
    sw_fmt_str(&fm, locked == t->mt->mt->n ? "locked" : locked ? "partly locked" : "not locked");
    if (sw_mem_huge_share(r->map, r->map_len, &rss, &huge) && huge > 0) {
        sw_fmt_str(&fm, "; pages: ");
        sw_fmt_str(&fm, sw_format_size(sw_mem_thp_size(), sz, sizeof sz));
        sw_fmt_str(&fm, " huge pages for ");
        sw_fmt_u64(&fm, huge * 100 / rss);
        sw_fmt_str(&fm, "%, ");
        sw_fmt_str(&fm, sw_format_size((size_t)r->page, sz, sizeof sz));
        sw_fmt_str(&fm, " for the rest");
        if (atomic_load(&r->huge_slow))
            sw_fmt_str(&fm, " (small pages, first write included, came faster than huge ones)");
    } else {
        sw_fmt_str(&fm, "; pages: ");
        sw_fmt_str(&fm, sw_format_size((size_t)r->page, sz, sizeof sz));
        sw_fmt_str(&fm, " (no transparent huge pages granted: see /sys/kernel/mm/transparent_hugepage/enabled)");
    }
    sw_mt_push_note(t->mt, SW_EV_NOTE, SW_SEV_INFO, text);
}

/* --- the passes ---------------------------------------------------------------------------------- */

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}

static struct sw_pat_pass pass_of(const struct mem_run *r, enum sw_pat_id id, unsigned step)
{
    struct sw_pat_pass p = {.id = id, .step = step, .nt = r->nt, .kern = r->kern};
    return p;
}

/* For `selftest`, once, in thread 0, behind the verifier's back: BITFLIP flips one bit (the check must
 * find exactly it); CORRUPT overwrites one 4 KiB block with another pattern's data (the check must
 * report one addressing-fault block, not 512 bit errors). The flip goes into the first pass of the
 * chosen patterns: the address pass when it is chosen (as by "all"), so that it does not wait for a
 * pass a busy machine may not reach in a short run; the block goes into the first pattern pass. */
static void maybe_inject(struct mem_thread *t, uint64_t *buf, size_t n, size_t base, bool address_pass)
{
    struct mem_run *r = t->run;
    if (t->mt->idx != 0)
        return;
    if (r->inject_flip && address_pass == r->flip_in_address) {
        r->inject_flip = false;
        volatile uint64_t *w = buf + n / 2 + 5;
        *w ^= (uint64_t)1 << (r->seed % 64);
    }
    if (r->inject_block && (!address_pass || r->mask == (1u << SW_PAT_ADDRESS))) {
        r->inject_block = false;
        size_t off = n / 4 / BW * BW;
        struct sw_pat_pass foreign = {.id = SW_PAT_WALK1, .step = 5};
        if (t->pass.id == SW_PAT_WALK1)
            foreign = (struct sw_pat_pass){.id = SW_PAT_CHECKER, .step = 1};
        sw_pat_fill(&foreign, buf + off, BW, base + off);
    }
}

/* Until a thread has verified one whole pass, the deadline does not cut its fill (only Ctrl-C does):
 * a short run on a busy machine, where the stop may come before the thread is first scheduled, still
 * verifies its region once. */
static bool fill(struct mem_thread *t, const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base)
{
    for (size_t off = 0; off < n; off += CHUNK_WORDS) {
        if (!(t->verified_one ? sw_mt_going(t->mt) : sw_mt_verifying(t->mt)))
            return false;
        sw_pat_fill(p, buf + off, min_sz(CHUNK_WORDS, n - off), base + off);
    }
    return true;
}

/* Verifies p's data; with next, writes next's data in the same sweep (sw_pat_check_write). */
static bool check(struct mem_thread *t, const struct sw_pat_pass *p, const struct sw_pat_pass *next, uint64_t *buf,
                  size_t n, size_t base)
{
    t->pass = *p;
    for (size_t off = 0; off < n; off += CHUNK_WORDS) {
        if (!sw_mt_verifying(t->mt))
            return false;
        size_t len = min_sz(CHUNK_WORDS, n - off);
        t->chunk_base = base + off;
        if (next)
            sw_pat_check_write(p, next, buf + off, len, base + off, &t->sink);
        else
            sw_pat_check(p, buf + off, len, base + off, &t->sink);
        sw_mt_count(t->mt, len, len * 8);
    }
    t->verified_one = true;
    return true;
}

static bool movinv(struct mem_thread *t, const struct sw_pat_pass *p, uint64_t *buf, size_t n)
{
    struct sw_pat_pass up = *p, down = *p;
    down.inv = true;
    if (!fill(t, p, buf, n, 0))
        return false;
    t->pass = up;
    maybe_inject(t, buf, n, 0, false);
    for (size_t off = 0; off < n; off += CHUNK_WORDS) {
        if (!sw_mt_verifying(t->mt))
            return false;
        size_t len = min_sz(CHUNK_WORDS, n - off);
        t->chunk_base = off;
        sw_pat_movinv_sweep(p, buf + off, len, off, false, &t->sink);
        sw_mt_count(t->mt, len, len * 8);
    }
    t->pass = down;
    size_t nchunks = (n + CHUNK_WORDS - 1) / CHUNK_WORDS;
    for (size_t j = nchunks; j > 0; j--) {
        if (!sw_mt_verifying(t->mt))
            return false;
        size_t off = (j - 1) * CHUNK_WORDS, len = min_sz(CHUNK_WORDS, n - off);
        t->chunk_base = off;
        sw_pat_movinv_sweep(p, buf + off, len, off, true, &t->sink);
        sw_mt_count(t->mt, len, len * 8);
    }
    return check(t, p, NULL, buf, n, 0);
}

/* What a copy leg adds to every word: new data in every leg, so a copy that did not land (the
 * destination still holding what it held before) cannot pass for a good one. */
static uint64_t leg_add(unsigned round, unsigned leg)
{
    return ((uint64_t)round * COPY_LEGS + leg + 1) * 0x9e3779b97f4a7c15ull;
}

/* Block copies, as stressapptest does them: I fill half 0 of my region; then in each leg every thread
 * copies its neighbour's last-written half into its own other half, verifying the source's block
 * checksums as it reads them (so every byte counted was written by a copy and verified by the next
 * one: data crosses CPUs, and with one thread just the two halves). A final sweep verifies the last
 * copy. Counted: the bytes verified (each leg's source, then the last destination). */
static bool copy(struct mem_thread *t, unsigned round)
{
    struct mem_run *r = t->run;
    size_t half = t->nwords / 2, hb = half / BW;
    struct sw_pat_pass mine = pass_of(r, SW_PAT_COPY, round);
    mine.seed = t->seed;
    for (size_t off = 0; off < half; off += CHUNK_WORDS) {
        if (!sw_mt_going(t->mt))
            return false;
        sw_pat_copy_fill(&mine, t->region + off, min_sz(CHUNK_WORDS, half - off), off, t->sums + off / BW);
    }
    t->half_pass[0] = mine;
    unsigned d = 0;
    for (unsigned leg = 0; leg < COPY_LEGS; leg++) {
        if (!sw_mt_barrier(t->mt))
            return false;
        /* mt->n, not nthreads: the system may have refused some threads */
        struct mem_thread *o = &r->th[(t->mt->idx + 1) % t->mt->mt->n];
        unsigned s = leg & 1;
        d = s ^ 1;
        struct sw_pat_pass from = o->half_pass[s];
        uint64_t add = leg_add(round, leg), *src = o->region + s * half, *dst = t->region + d * half;
        t->pass = from;
        if (leg == 0)
            maybe_inject(t, src, half, 0, false);
        for (size_t off = 0; off < half; off += CHUNK_WORDS) {
            if (!sw_mt_verifying(t->mt))
                return false;
            size_t len = min_sz(CHUNK_WORDS, half - off);
            t->chunk_base = off;
            sw_pat_copy_verify(&from, dst + off, src + off, len, off, add, o->sums + s * hb + off / BW,
                               t->sums + d * hb + off / BW, &t->sink);
            sw_mt_count(t->mt, len, len * 8);
        }
        t->half_pass[d] = from;
        t->half_pass[d].add += add;
    }
    t->pass = t->half_pass[d];
    for (size_t off = 0; off < half; off += CHUNK_WORDS) {
        if (!sw_mt_verifying(t->mt))
            return false;
        size_t len = min_sz(CHUNK_WORDS, half - off);
        t->chunk_base = off;
        sw_pat_copy_check(&t->pass, t->region + d * half + off, len, off, t->sums + d * hb + off / BW, &t->sink);
        sw_mt_count(t->mt, len, len * 8);
    }
    /* My predecessor must not be reading my half when the next round overwrites it. */
    return sw_mt_barrier(t->mt);
}

/* Each word holds its own address, then its complement: fill the first, verify it while writing the
 * second (one sweep), verify the second. Everyone has written a step before anyone checks it, so an
 * alias across regions shows up too. At the deadline a barrier gives way, and my own region is still
 * verified once. */
static bool address(struct mem_thread *t, unsigned round)
{
    struct mem_run *r = t->run;
    uint64_t before = t->sink.mismatches;
    struct sw_pat_pass p = pass_of(r, SW_PAT_ADDRESS, 0), q = pass_of(r, SW_PAT_ADDRESS, 1);
    if (!fill(t, &p, t->region, t->nwords, 0))
        return false;
    t->pass = p;
    maybe_inject(t, t->region, t->nwords, 0, true);
    bool met = sw_mt_barrier(t->mt);
    if (!check(t, &p, met ? &q : NULL, t->region, t->nwords, 0) || !met)
        return false;
    if (!sw_mt_barrier(t->mt) || !check(t, &q, NULL, t->region, t->nwords, 0))
        return false;
    if (t->sink.mismatches != before) {
        atomic_store(&r->addr_failed, round + 1);
        char text[SW_EV_TEXT];
        struct sw_fmt fm;
        sw_fmt_init(&fm, text, sizeof text);
        sw_fmt_str(&fm, "memory: address-in-address failed in thread ");
        sw_fmt_u64(&fm, t->mt->idx);
        sw_fmt_str(&fm, ": skipping this round's other patterns (their results would mean nothing)");
        sw_mt_push_note(t->mt, SW_EV_NOTE, SW_SEV_WARN, text);
    }
    finish_pass(t);
    return sw_mt_barrier(t->mt);
}

/* Every pattern but address, moving inversions and the copies takes two steps per round, fused: fill
 * step 2r, verify it while writing step 2r + 1, verify that. */
static bool pattern(struct mem_thread *t, enum sw_pat_id id, unsigned round)
{
    struct sw_pat_pass p = pass_of(t->run, id, round);
    p.seed = t->run->seed ^ t->seed;
    bool ok;
    if (id == SW_PAT_COPY) {
        ok = copy(t, round);
    } else if (id == SW_PAT_MOVINV) {
        ok = movinv(t, &p, t->region, t->nwords);
    } else {
        struct sw_pat_pass next = p;
        p.step = 2 * round;
        next.step = 2 * round + 1;
        ok = fill(t, &p, t->region, t->nwords, 0);
        t->pass = p;
        if (ok)
            maybe_inject(t, t->region, t->nwords, 0, false);
        ok = ok && check(t, &p, &next, t->region, t->nwords, 0);
        ok = ok && check(t, &next, NULL, t->region, t->nwords, 0);
    }
    finish_pass(t);
    return ok;
}

static int memory_thread(struct sw_mt_thread *mt, void *arg)
{
    struct mem_run *r = arg;
    struct mem_thread *t = &r->th[mt->idx];
    t->mt = mt;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t->locked = populate(t, (char *)t->region, t->nwords * 8);
    if (mt->idx == 0) {   /* and the checksums, after the regions */
        char *sums = (char *)r->th[0].sums;
        t->locked = populate(t, sums, (size_t)(r->map + r->map_len - sums)) && t->locked;
    }
    bool met = sw_mt_barrier(mt);
    if (mt->idx == 0) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        r->populate_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (met)
            page_note(t);
    }
    for (unsigned round = 0; round == 0 || sw_mt_going(mt); round++) {   /* round 0: see fill() */
        if (!address(t, round))
            break;
        if (atomic_load(&r->addr_failed) == round + 1)
            continue;
        for (int id = SW_PAT_ADDRESS + 1; id < SW_PAT_COUNT; id++)
            if ((r->mask & (1u << id)) && !pattern(t, (enum sw_pat_id)id, round))
                break;
    }
    finish_pass(t);
    return SW_WL_OK;
}

/* --- sizing ------------------------------------------------------------------------------------- */

static uint64_t overhead(uint64_t buf, unsigned threads)
{
    return buf / 256 + (uint64_t)(threads + 1) * THREAD_RESERVE;   /* checksums + stacks/bookkeeping */
}

static uint64_t memory_mem_per_worker(const struct sw_params *p)
{
    uint64_t size = (uint64_t)sw_param_int(p, MEMORY_SIZE);
    unsigned threads = sw_mt_threads_param(p, MEMORY_THREADS, 1);
    if (size == 0)
        size = MIN_BUFFER;
    return size + overhead(size, threads);
}

static void note(struct sw_ctx *c, enum sw_ev_type type, enum sw_sev sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void note(struct sw_ctx *c, enum sw_ev_type type, enum sw_sev sev, const char *fmt, ...)
{
    char text[SW_EV_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    sw_report_note(c, type, sev, text);
}

static const char *bind_node(void *buf, size_t len, int node)
{
    if (node < 0)
        return "any node";
    unsigned long mask[1024 / (8 * sizeof(unsigned long))];
    if ((unsigned)node >= 8 * sizeof mask)
        return "any node (node number too large to bind)";
    memset(mask, 0, sizeof mask);
    mask[(unsigned)node / (8 * sizeof(unsigned long))] |= 1ul << ((unsigned)node % (8 * sizeof(unsigned long)));
    if (mbind(buf, len, MPOL_BIND, mask, 8 * sizeof mask, MPOL_MF_MOVE) != 0)
        return "any node (mbind refused)";
    return NULL;
}

static int memory_check_params(const struct sw_params *p, struct sw_diag *d)
{
    unsigned mask;
    struct sw_diag inner;
    if (sw_pat_parse_list(sw_param_str(p, MEMORY_PATTERNS), &mask, &inner) < 0)
        return sw_fail(d, -EINVAL, "%s", inner.msg);
    return 0;
}

static int memory_run(struct sw_ctx *c)
{
    struct sw_diag d;
    unsigned mask;
    if (sw_pat_parse_list(sw_param_str(&c->params, MEMORY_PATTERNS), &mask, &d) < 0) {
        sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN, d.msg);
        return SW_WL_HARNESS;
    }
    bool address_chosen = (mask & (1u << SW_PAT_ADDRESS)) != 0;
    mask |= 1u << SW_PAT_ADDRESS;   /* always: it gates the rest */
    unsigned threads = sw_mt_threads_param(&c->params, MEMORY_THREADS, c->threads);
    uint64_t size = (uint64_t)sw_param_int(&c->params, MEMORY_SIZE);
    uint64_t fixed = (uint64_t)(threads + 1) * THREAD_RESERVE;
    uint64_t most = c->mem_budget > fixed ? (c->mem_budget - fixed) / 257 * 256 : 0;
    if (size > most) {
        note(c, SW_EV_RESOURCE, SW_SEV_INFO, "memory: size=%llu MiB is above this worker's budget: using %llu MiB",
             (unsigned long long)(size >> 20), (unsigned long long)(most >> 20));
        size = most;
    }
    if (size == 0)
        size = most;
    uint64_t per = size / threads / REGION_ALIGN * REGION_ALIGN;
    if (per == 0) {
        threads = (unsigned)(size / REGION_ALIGN);
        per = REGION_ALIGN;
    }
    if (threads == 0) {
        note(c, SW_EV_RESOURCE, SW_SEV_WARN, "memory: a budget of %llu KiB is too small to test anything",
             (unsigned long long)(c->mem_budget >> 10));
        return SW_WL_NORESOURCE;
    }
    size_t buf_bytes = (size_t)per * threads;
    size_t sums_per = (size_t)per / SW_PAT_BLOCK_BYTES;
    long page = sysconf(_SC_PAGESIZE);
    size_t sums_bytes = (sums_per * threads * sizeof(struct sw_pat_sum) + (size_t)page - 1) / (size_t)page * (size_t)page;
    size_t map_len = buf_bytes + sums_bytes;
    /* Mapped with room to start on a huge-page boundary, so that transparent huge pages can back it
     * from the first byte (the kernel grants them only to aligned 2 MiB ranges). */
    size_t huge = sw_mem_thp_size(), raw_len = map_len + huge;
    void *raw = mmap(NULL, raw_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) {
        note(c, SW_EV_RESOURCE, SW_SEV_WARN, "memory: could not map %llu MiB (%s)",
             (unsigned long long)(map_len >> 20), strerror(errno));
        return SW_WL_NORESOURCE;
    }
    char *map = (char *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
    madvise(map, map_len, MADV_HUGEPAGE);   /* refused where THP is off: 4 KiB pages then */
    const char *where = bind_node(map, map_len, c->node_planned);
    /* Non-temporal stores when the buffer cannot stay in the last-level cache: the test must reach
     * DRAM. A smaller buffer is tested where it lives, in the cache. */
    long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (llc <= 0)
        llc = sysconf(_SC_LEVEL2_CACHE_SIZE);

    struct mem_run r;
    memset(&r, 0, sizeof r);
    r.nthreads = threads;
    r.mask = mask;
    r.seed = c->seed;
    r.page = page;
    r.map = map;
    r.map_len = map_len;
    r.lock = true;
    r.nt = llc <= 0 || buf_bytes > (size_t)llc;
    r.kern = sw_pat_kern_default();
    r.guest = under_hypervisor();
    r.inject_flip = (c->inject & SW_INJ_BITFLIP) != 0;
    r.flip_in_address = address_chosen;
    r.inject_block = (c->inject & SW_INJ_CORRUPT) != 0;
    r.pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    r.th = calloc(threads, sizeof *r.th);
    if (!r.th) {
        if (r.pagemap_fd >= 0)
            close(r.pagemap_fd);
        munmap(raw, raw_len);
        return SW_WL_NORESOURCE;
    }
    ((volatile char *)map)[0] = 0;   /* a present page, to see whether PFNs are readable */
    uint64_t pa;
    if (!paddr_of(&r, (uintptr_t)map, &pa) && r.pagemap_fd >= 0) {
        close(r.pagemap_fd);
        r.pagemap_fd = -1;
    }
    for (unsigned i = 0; i < threads; i++) {
        struct mem_thread *t = &r.th[i];
        t->run = &r;
        t->region = (uint64_t *)((char *)map + (size_t)per * i);
        t->nwords = (size_t)per / 8;
        t->sums = (struct sw_pat_sum *)((char *)map + buf_bytes) + sums_per * i;
        t->seed = c->seed * 0x9e3779b97f4a7c15ull + i + 1;
        t->sink.on_word = on_word;
        t->sink.on_block = on_block;
        t->sink.arg = t;
    }
    char sz[32];
    char llc_sz[32];
    note(c, SW_EV_NOTE, SW_SEV_INFO, "memory: %s at %#llx-%#llx, %u thread%s, %s, physical addresses %s",
         sw_format_size(buf_bytes, sz, sizeof sz), (unsigned long long)(uintptr_t)map,
         (unsigned long long)(uintptr_t)map + buf_bytes, threads, threads == 1 ? "" : "s",
         where ? where : "bound to its node",
         r.pagemap_fd < 0 ? "unavailable (needs root)" : r.guest ? "guest-physical" : "available");
    note(c, SW_EV_NOTE, SW_SEV_INFO, "memory: %s vectors, %s fills (%s %s last-level cache), plain stores in the "
         "verify-and-write sweeps", r.kern->name, r.nt ? "non-temporal" : "cached",
         r.nt ? "buffer larger than the" : "buffer fits the",
         llc > 0 ? sw_format_size((size_t)llc, llc_sz, sizeof llc_sz) : "unknown");

    /* The threads populate (and lock) their regions; a deadline that passes meanwhile still lets each
     * thread verify its region once (see fill()). */
    int rc = sw_mt_run(c, threads, memory_thread, &r, NULL);

    if (r.pagemap_fd >= 0)
        close(r.pagemap_fd);
    free(r.th);
    munlock(map, map_len);
    munmap(raw, raw_len);
    return rc;
}

SW_PARAM_TABLE(memory_params, MEMORY_NPARAMS) = {
    [MEMORY_SIZE] = {.name = "size", .type = SW_P_SIZE, .def = "0", .min = 0, .max = INT64_MAX,
        .help = "bytes to test per worker; 0 = the worker's memory budget (never more than it)"},
    [MEMORY_THREADS] = {.name = "threads", .type = SW_P_INT, .def = "0", .min = 0, .max = SW_MT_MAX_THREADS,
        .help = "threads per worker splitting the buffer; 0 = the worker's thread allowance"},
    [MEMORY_PATTERNS] = {.name = "patterns", .type = SW_P_STR, .def = "all",
        .help = "'all' or a comma list of: solid, checkerboard, walking-ones, walking-zeros, bit-spread, "
                "moving-inversions, random, block-copy (address always runs first)"},
};

const struct sw_workload sw_wl_memory = {
    .name = "memory",
    .summary = "memory bit patterns: address, walking bits, moving inversions, random, copies",
    .unit = "words verified",
    .flags = SW_WL_MEMORY | SW_WL_THREADS,
    .injects = SW_INJ_BITFLIP | SW_INJ_CORRUPT,
    .params = memory_params,
    .mem_per_worker = memory_mem_per_worker,
    .check_params = memory_check_params,
    .run = memory_run,
};
