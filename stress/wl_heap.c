/* `heap`: allocator churn with full verification. Threads allocate (malloc, calloc), fill, verify,
 * reallocate and free blocks from 8 bytes to past the mmap threshold, and hand blocks to a
 * neighbouring thread to be verified and freed there (cross-thread frees, the arena path that
 * allocator and memory-ordering faults break). Every block carries a pattern derived from its address
 * and the seed, checked in full (word-wise, then a byte tail) before it is freed; a calloc block must
 * read as zeros; a realloc must preserve the old prefix. Live bytes stay within the budget. */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <emmintrin.h>
#endif

#include "core/fmt.h"
#include "core/workload.h"
#include "stress/mt.h"

/* The parameters, in the order of the table at the end of this file. */
enum { HEAP_THREADS, HEAP_MIN_SIZE, HEAP_MAX_SIZE, HEAP_NPARAMS };

typedef uint64_t v2u __attribute__((vector_size(16), may_alias));

#define SLOTS 4096u            /* live blocks per thread, at most                           */
#define INBOX 256u             /* blocks waiting for a cross-thread free                    */
#define STEP 0x9e3779b97f4a7c15ull   /* word k of a block holds base + k * STEP             */
#define MMAP_THRESHOLD (128u * 1024u)
#define MAX_EVENTS_PER_THREAD 256u

struct hblock {
    unsigned char *p;
    size_t size;
};

struct hmsg {
    unsigned char *p;
    size_t size;
    unsigned from;
};

struct heap_run;

struct heap_thread {
    struct heap_run *run;
    struct sw_mt_thread *mt;
    struct hblock *slots;
    uint64_t rng;
    uint64_t allocated, freed;   /* bytes of blocks this thread allocated / freed itself */
    unsigned events;
    _Alignas(128) atomic_uint_fast64_t freed_by_others;
    _Alignas(128) atomic_uint pending;   /* entries in the inbox, read without the lock */
    pthread_mutex_t lock;
    unsigned head, count;
    struct hmsg inbox[INBOX];
};

struct heap_run {
    unsigned n;
    uint64_t seed;
    size_t min_size, max_size;
    uint64_t cap;              /* live bytes per thread */
    bool inject_pending;       /* thread 0 only         */
    atomic_uint quiesced;
    struct heap_thread *th;
};

/* --- patterns ------------------------------------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t block_base(const void *p, uint64_t seed)
{
    return mix64((uint64_t)(uintptr_t)p ^ seed);
}

static uint64_t next_rand(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ull;
    return mix64(*s);
}

/* Blocks from malloc are 16-byte aligned, so the word loop uses aligned 16-byte vectors. */
static void fill_block(unsigned char *p, size_t size, uint64_t base)
{
    size_t nw = size / 8, i = 0;
    v2u v = {base, base + STEP}, inc = {2 * STEP, 2 * STEP};
    for (; i + 2 <= nw; i += 2) {
        *(v2u *)(void *)(p + 8 * i) = v;
        v += inc;
    }
    if (i < nw)
        *(uint64_t *)(void *)(p + 8 * i) = base + i * STEP;
    uint64_t tail = base + nw * STEP;
    memcpy(p + 8 * nw, &tail, size % 8);
}

struct mismatch {
    size_t off;          /* first bad byte offset (word-aligned for words)     */
    uint64_t expected, actual;
    unsigned width;      /* 8 for a word, 1 for a tail byte                    */
    size_t bad;          /* bad words (plus bad tail bytes)                    */
};

/* True if len bytes of p hold base + k * step in word k (step 0 and base 0: zeros). */
static bool verify_block(const unsigned char *p, size_t len, uint64_t base, uint64_t step, struct mismatch *m)
{
    size_t nw = len / 8, i = 0;
    v2u v = {base, base + step}, inc = {2 * step, 2 * step};
    v2u x0 = {0, 0}, x1 = {0, 0};
    for (; i + 4 <= nw; i += 4) {
        x0 |= *(const v2u *)(const void *)(p + 8 * i) ^ v;
        v += inc;
        x1 |= *(const v2u *)(const void *)(p + 8 * i + 16) ^ v;
        v += inc;
    }
    uint64_t acc = x0[0] | x0[1] | x1[0] | x1[1];
    for (; i < nw; i++)
        acc |= *(const uint64_t *)(const void *)(p + 8 * i) ^ (base + i * step);
    uint64_t tail = base + nw * step;
    for (size_t j = 0; j < len % 8; j++)
        acc |= (uint64_t)(p[8 * nw + j] ^ (unsigned char)(tail >> (8 * j)));
    if (acc == 0)
        return true;
    /* Slow path, only for a bad block: find the first difference and count them. */
    const volatile unsigned char *vp = p;
    memset(m, 0, sizeof *m);
    for (i = 0; i < nw; i++) {
        uint64_t got = *(const volatile uint64_t *)(const volatile void *)(vp + 8 * i), want = base + i * step;
        if (got != want && m->bad++ == 0) {
            m->off = 8 * i;
            m->expected = want;
            m->actual = got;
            m->width = 8;
        }
    }
    for (size_t j = 0; j < len % 8; j++) {
        unsigned char got = vp[8 * nw + j], want = (unsigned char)(tail >> (8 * j));
        if (got != want && m->bad++ == 0) {
            m->off = 8 * nw + j;
            m->expected = want;
            m->actual = got;
            m->width = 1;
        }
    }
    if (m->bad == 0) {   /* the fast pass saw a difference that no longer reads back */
        m->bad = 1;
        m->width = 8;
    }
    return false;
}

/* --- reporting ----------------------------------------------------------------------------------- */

static void flush_line(const volatile void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_clflush((const void *)p);
    _mm_mfence();
#else
    (void)p;
    __asm__ __volatile__("" ::: "memory");
#endif
}

static void report(struct heap_thread *t, const char *what, const unsigned char *blk, size_t size,
                   const struct mismatch *m)
{
    if (t->events >= MAX_EVENTS_PER_THREAD) {
        sw_mt_unlisted(t->mt, 1);
        return;
    }
    t->events++;
    const volatile unsigned char *at = blk + m->off;
    flush_line(at);
    uint64_t reread = m->width == 8 ? *(const volatile uint64_t *)(const volatile void *)at : *at;
    unsigned cpu = 0;
    struct sw_mem_fault f = {.pattern = what, .vaddr = (uintptr_t)at, .expected = m->expected, .actual = m->actual,
                             .reread = reread, .width = m->width,
                             .flags = reread != m->expected ? SW_MEM_PERSISTENT : 0,
                             .cpu = getcpu(&cpu, NULL) == 0 ? (int)cpu : -1};
    char detail[SW_EV_TEXT];
    struct sw_fmt fm;
    sw_fmt_init(&fm, detail, sizeof detail);
    sw_fmt_str(&fm, "expected ");
    sw_fmt_hex(&fm, m->expected);
    sw_fmt_str(&fm, " got ");
    sw_fmt_hex(&fm, m->actual);
    sw_fmt_str(&fm, " in block ");
    sw_fmt_hex(&fm, (uintptr_t)blk);
    sw_fmt_str(&fm, "+");
    sw_fmt_hex(&fm, m->off);
    sw_fmt_str(&fm, " (");
    sw_fmt_u64(&fm, size);
    sw_fmt_str(&fm, " B, ");
    sw_fmt_u64(&fm, m->bad);
    sw_fmt_str(&fm, m->bad == 1 ? " bad word" : " bad words");
    sw_fmt_str(&fm, f.flags & SW_MEM_PERSISTENT ? ", persistent)" : ", transient)");
    f.detail = detail;
    sw_mt_push_fault(t->mt, &f);
}

/* Verifies a block in full and counts the bytes; reports the first difference. */
static bool check(struct heap_thread *t, const char *what, const unsigned char *p, size_t size)
{
    struct mismatch m;
    bool good = verify_block(p, size, block_base(p, t->run->seed), STEP, &m);
    if (!good)
        report(t, what, p, size, &m);
    sw_mt_count(t->mt, 0, size);
    return good;
}

/* --- allocator actions ---------------------------------------------------------------------------- */

static uint64_t live(const struct heap_thread *t)
{
    return t->allocated - t->freed - atomic_load_explicit(&t->freed_by_others, memory_order_relaxed);
}

static void free_block(struct heap_thread *t, struct hblock *b, const char *what)
{
    check(t, what, b->p, b->size);
    free(b->p);
    t->freed += b->size;
    b->p = NULL;
    sw_mt_count(t->mt, 1, 0);
}

/* Frees some live block (budget pressure, back-off). Returns false if there is none. */
static bool free_some(struct heap_thread *t)
{
    unsigned start = (unsigned)(next_rand(&t->rng) % SLOTS);
    for (unsigned k = 0; k < SLOTS; k++) {
        struct hblock *b = &t->slots[(start + k) % SLOTS];
        if (b->p) {
            free_block(t, b, "heap-block");
            return true;
        }
    }
    return false;
}

static void back_off(struct heap_thread *t)
{
    atomic_fetch_add_explicit(&t->mt->resource, 1, memory_order_relaxed);
    for (int i = 0; i < 8 && free_some(t); i++)
        ;
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

/* Log-uniform over [min, max]: as many tiny as huge blocks, the way programs allocate. */
static size_t pick_size(struct heap_thread *t)
{
    const struct heap_run *r = t->run;
    uint64_t x = next_rand(&t->rng);
    unsigned lo = 63 - (unsigned)__builtin_clzll(r->min_size), hi = 63 - (unsigned)__builtin_clzll(r->max_size);
    unsigned bits = lo + (unsigned)(x % (hi - lo + 1));
    size_t size = ((size_t)1 << bits) + (size_t)((x >> 8) & (((size_t)1 << bits) - 1));
    if (size < r->min_size)
        size = r->min_size;
    return size > r->max_size ? r->max_size : size;
}

static bool make_room(struct heap_thread *t, size_t size)
{
    while (live(t) + size > t->run->cap)
        if (!free_some(t))
            return live(t) + size <= t->run->cap;
    return true;
}

static void alloc_block(struct heap_thread *t, struct hblock *b, bool zeroed)
{
    size_t size = pick_size(t);
    if (!make_room(t, size))
        return;
    unsigned char *p = zeroed ? calloc(1, size) : malloc(size);
    sw_mt_count(t->mt, 1, 0);
    if (!p) {
        back_off(t);
        return;
    }
    if (zeroed) {
        struct mismatch m;
        if (!verify_block(p, size, 0, 0, &m))
            report(t, "heap-calloc-zero", p, size, &m);
        sw_mt_count(t->mt, 0, size);
    }
    fill_block(p, size, block_base(p, t->run->seed));
    b->p = p;
    b->size = size;
    t->allocated += size;
}

static void realloc_block(struct heap_thread *t, struct hblock *b)
{
    size_t size = pick_size(t);
    if (size > b->size && !make_room(t, size - b->size)) {
        if (b->p)
            free_block(t, b, "heap-block");
        return;
    }
    if (!b->p)   /* make_room may have freed this very block */
        return;
    if (!check(t, "heap-block", b->p, b->size)) {
        /* Already reported: reallocating would carry the bad byte into the prefix check again. */
        free(b->p);
        t->freed += b->size;
        b->p = NULL;
        sw_mt_count(t->mt, 1, 0);
        return;
    }
    uint64_t old_base = block_base(b->p, t->run->seed);
    unsigned char *q = realloc(b->p, size);
    sw_mt_count(t->mt, 1, 0);
    if (!q) {
        back_off(t);
        return;
    }
    size_t keep = size < b->size ? size : b->size;
    struct mismatch m;
    if (!verify_block(q, keep, old_base, STEP, &m))
        report(t, "heap-realloc-prefix", q, size, &m);
    sw_mt_count(t->mt, 0, keep);
    fill_block(q, size, block_base(q, t->run->seed));
    t->allocated += size;
    t->freed += b->size;
    b->p = q;
    b->size = size;
}

/* Gives the block to the next thread, which verifies and frees it. */
static void hand_off(struct heap_thread *t, struct hblock *b)
{
    struct heap_run *r = t->run;
    unsigned n = t->mt->mt->n;   /* threads that really started */
    if (n < 2) {
        free_block(t, b, "heap-block");
        return;
    }
    struct heap_thread *to = &r->th[(t->mt->idx + 1) % n];
    pthread_mutex_lock(&to->lock);
    bool queued = to->count < INBOX;
    if (queued) {
        to->inbox[(to->head + to->count) % INBOX] = (struct hmsg){b->p, b->size, t->mt->idx};
        to->count++;
        atomic_store_explicit(&to->pending, to->count, memory_order_relaxed);
    }
    pthread_mutex_unlock(&to->lock);
    if (queued)
        b->p = NULL;
    else
        free_block(t, b, "heap-block");
}

static void drain_inbox(struct heap_thread *t)
{
    struct hmsg got[32];
    unsigned n = 0;
    pthread_mutex_lock(&t->lock);
    while (t->count && n < 32) {
        got[n++] = t->inbox[t->head];
        t->head = (t->head + 1) % INBOX;
        t->count--;
    }
    atomic_store_explicit(&t->pending, t->count, memory_order_relaxed);
    pthread_mutex_unlock(&t->lock);
    for (unsigned i = 0; i < n; i++) {
        check(t, "heap-cross-thread", got[i].p, got[i].size);
        free(got[i].p);
        sw_mt_count(t->mt, 1, 0);
        atomic_fetch_add_explicit(&t->run->th[got[i].from].freed_by_others, got[i].size, memory_order_relaxed);
    }
}

/* Corrupts one byte of one live block behind the verifier's back, once, for `selftest`: as soon as
 * thread 0 holds a block, not after some number of steps a slow or busy machine may never reach in a
 * short run. The block is verified when it is freed, reallocated or handed over, or at the latest in
 * the wind-down. */
static void maybe_inject(struct heap_thread *t)
{
    struct heap_run *r = t->run;
    if (t->mt->idx != 0 || !r->inject_pending)
        return;
    for (unsigned k = 0; k < SLOTS; k++) {
        struct hblock *b = &t->slots[k];
        if (b->p && b->size >= 16) {
            ((volatile unsigned char *)b->p)[b->size / 2] ^= 0x5a;
            r->inject_pending = false;
            return;
        }
    }
}

static void step(struct heap_thread *t)
{
    uint64_t x = next_rand(&t->rng);
    struct hblock *b = &t->slots[x % SLOTS];
    unsigned what = (unsigned)(x >> 40) & 7;
    if (!b->p)
        alloc_block(t, b, what < 2);   /* a quarter of the allocations through calloc */
    else if (what < 4)
        free_block(t, b, "heap-block");
    else if (what < 6)
        realloc_block(t, b);
    else
        hand_off(t, b);
}

static int heap_thread(struct sw_mt_thread *mt, void *arg)
{
    struct heap_run *r = arg;
    struct heap_thread *t = &r->th[mt->idx];
    t->mt = mt;
    t->rng = r->seed ^ ((uint64_t)(mt->idx + 1) << 48);
    /* At least one step, even when the stop came before this thread was first scheduled (a short run
     * on a busy machine): a started workload does some work, and selftest's injected fault has a block. */
    do {
        step(t);
        if (atomic_load_explicit(&t->pending, memory_order_relaxed))
            drain_inbox(t);
        maybe_inject(t);
    } while (sw_mt_going(mt));
    /* Wind down: verify and free my blocks; once nobody hands off any more, empty my inbox. */
    for (unsigned k = 0; k < SLOTS; k++)
        if (t->slots[k].p)
            free_block(t, &t->slots[k], "heap-block");
    atomic_fetch_add(&r->quiesced, 1);
    while (atomic_load(&r->quiesced) < mt->mt->n) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    while (atomic_load_explicit(&t->pending, memory_order_relaxed))
        drain_inbox(t);
    return SW_WL_OK;
}

/* --- setup ---------------------------------------------------------------------------------------- */

/* Live bytes are kept to half the budget: the allocator's own overhead, per-thread arenas and
 * fragmentation need the other half. The hook asks for room for a few dozen of the largest blocks. */
static uint64_t heap_mem_per_worker(const struct sw_params *p)
{
    uint64_t max = (uint64_t)sw_param_int(p, HEAP_MAX_SIZE);
    uint64_t per_thread = 16 * max < (4u << 20) ? (4u << 20) : 16 * max;
    return 2 * per_thread * sw_mt_threads_param(p, HEAP_THREADS, 1) + (1u << 20);
}

static int heap_check_params(const struct sw_params *p, struct sw_diag *d)
{
    if (sw_param_int(p, HEAP_MIN_SIZE) > sw_param_int(p, HEAP_MAX_SIZE))
        return sw_fail(d, -EINVAL, "heap: min_size (%s) is larger than max_size (%s): lower min_size or raise max_size",
                       sw_param_str(p, HEAP_MIN_SIZE), sw_param_str(p, HEAP_MAX_SIZE));
    return 0;
}

static int heap_run(struct sw_ctx *c)
{
    struct heap_run r;
    memset(&r, 0, sizeof r);
    r.min_size = (size_t)sw_param_int(&c->params, HEAP_MIN_SIZE);
    r.max_size = (size_t)sw_param_int(&c->params, HEAP_MAX_SIZE);
    if (r.min_size > r.max_size) {
        sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN, "heap: min_size is larger than max_size: lower min_size");
        return SW_WL_HARNESS;
    }
    r.n = sw_mt_threads_param(&c->params, HEAP_THREADS, c->threads);
    r.seed = c->seed;
    r.cap = c->mem_budget / 2 / r.n;
    if (r.cap < r.min_size || r.cap < 4096) {
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "heap: the memory budget is too small for any block");
        return SW_WL_NORESOURCE;
    }
    if (r.max_size > r.cap)
        r.max_size = (size_t)r.cap;
    r.inject_pending = (c->inject & SW_INJ_CORRUPT) != 0;
    /* A fixed threshold keeps big blocks on mmap/munmap: glibc would otherwise raise it after the
     * first big free and stop exercising that path. The worker is its own process. */
    if (r.max_size > MMAP_THRESHOLD)
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    void *mem = NULL;
    if (posix_memalign(&mem, 128, sizeof(struct heap_thread) * r.n) != 0)
        return SW_WL_NORESOURCE;
    r.th = mem;
    memset(r.th, 0, sizeof(struct heap_thread) * r.n);
    unsigned ready = 0;
    for (; ready < r.n; ready++) {
        r.th[ready].run = &r;
        r.th[ready].slots = calloc(SLOTS, sizeof(struct hblock));
        if (!r.th[ready].slots)
            break;
        pthread_mutex_init(&r.th[ready].lock, NULL);
    }
    int rc = SW_WL_NORESOURCE;
    if (ready == r.n)
        rc = sw_mt_run(c, r.n, heap_thread, &r, "heap: allocations that failed with ENOMEM");
    for (unsigned i = 0; i < ready; i++) {
        pthread_mutex_destroy(&r.th[i].lock);
        free(r.th[i].slots);
    }
    free(mem);
    return rc;
}

SW_PARAM_TABLE(heap_params, HEAP_NPARAMS) = {
    [HEAP_THREADS] = {.name = "threads", .type = SW_P_INT, .def = "0", .min = 0, .max = SW_MT_MAX_THREADS,
        .help = "allocating threads per worker; 0 = the worker's thread allowance"},
    [HEAP_MIN_SIZE] = {.name = "min_size", .type = SW_P_SIZE, .def = "8", .min = 1, .max = 1ll << 30,
        .help = "smallest block"},
    [HEAP_MAX_SIZE] = {.name = "max_size", .type = SW_P_SIZE, .def = "4M", .min = 8, .max = 1ll << 30,
        .help = "largest block (past 128K blocks come from mmap); capped by the budget"},
};

const struct sw_workload sw_wl_heap = {
    .name = "heap",
    .summary = "malloc/calloc/realloc/free churn across threads, each block verified in full",
    .unit = "allocs",
    .flags = SW_WL_MEMORY | SW_WL_THREADS,
    .injects = SW_INJ_CORRUPT,
    .params = heap_params,
    .mem_per_worker = heap_mem_per_worker,
    .check_params = heap_check_params,
    .run = heap_run,
};
