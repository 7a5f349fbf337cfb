/* The memory pattern catalogue: pure fill/check loops. Hot loops work on 16-byte vectors (GCC/Clang
 * vector extensions, so they vectorise at -O2 and on any architecture) and fill with non-temporal
 * stores on x86, so verification reads come from DRAM rather than from the cache the fill warmed.
 * Every check first ORs whole 4 KiB blocks together; only a block that differs is examined word by
 * word, so the error path costs nothing on a good machine. */
#include "stress/patterns.h"

#include "core/fmt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef uint64_t v2u __attribute__((vector_size(16), may_alias));

#define ONES (~(uint64_t)0)
#define BW SW_PAT_BLOCK_WORDS

static const struct sw_pattern catalogue[SW_PAT_COUNT] = {
    [SW_PAT_ADDRESS] = {"address", "each word holds its own address, then its complement (runs first: gates the rest)", 2},
    [SW_PAT_SOLID] = {"solid", "all ones, then all zeros", 2},
    [SW_PAT_CHECKER] = {"checkerboard", "0x55../0xaa.. alternating by word, then swapped", 2},
    [SW_PAT_WALK1] = {"walking-ones", "a single 1 bit in each of the 64 positions", 64},
    [SW_PAT_WALK0] = {"walking-zeros", "a single 0 bit in each of the 64 positions", 64},
    [SW_PAT_SPREAD] = {"bit-spread", "two 1 bits two apart, walking; odd words inverted", 64},
    [SW_PAT_MOVINV] = {"moving-inversions", "verify v and write ~v upwards, verify ~v and write v downwards", 9},
    [SW_PAT_RANDOM] = {"random", "seeded pseudo-random words, new data every pass", 0},
    [SW_PAT_COPY] = {"block-copy", "random 4 KiB blocks copied between threads, verified by checksum", 0},
};

const struct sw_pattern *sw_pat_info(enum sw_pat_id id)
{
    return (unsigned)id < SW_PAT_COUNT ? &catalogue[id] : NULL;
}

int sw_pat_from_name(const char *name)
{
    for (int i = 0; i < SW_PAT_COUNT; i++)
        if (strcmp(catalogue[i].name, name) == 0)
            return i;
    return -1;
}

int sw_pat_parse_list(const char *text, unsigned *mask, struct sw_diag *d)
{
    char names[256];
    size_t off = 0;
    for (int i = 0; i < SW_PAT_COUNT; i++)
        off += (size_t)snprintf(names + off, off < sizeof names ? sizeof names - off : 0, "%s%s", i ? ", " : "",
                                catalogue[i].name);
    *mask = 0;
    if (strcmp(text, "all") == 0) {
        *mask = SW_PAT_ALL;
        return 0;
    }
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ')
            e++;
        char word[32];
        size_t n = (size_t)(e - p);
        int id = -1;
        if (n < sizeof word) {
            memcpy(word, p, n);
            word[n] = '\0';
            id = sw_pat_from_name(word);
        }
        if (id < 0)
            return sw_fail(d, -EINVAL, "memory: unknown pattern '%.*s' in patterns=%s (use 'all' or a comma list of: %s)",
                           (int)n, p, text, names);
        *mask |= 1u << id;
        p = e;
    }
    if (!*mask)
        return sw_fail(d, -EINVAL, "memory: patterns= is empty (use 'all' or a comma list of: %s)", names);
    return 0;
}

/* --- pattern values ------------------------------------------------------------------------------- */

static unsigned step_of(const struct sw_pat_pass *p)
{
    unsigned n = catalogue[p->id].steps;
    return n ? p->step % n : p->step;
}

/* The periodic patterns: word value a at even global index, b at odd. */
static bool periodic(enum sw_pat_id id, unsigned step, bool inv, uint64_t *a, uint64_t *b)
{
    uint64_t q;
    switch (id) {
    case SW_PAT_SOLID:
        *a = *b = (step & 1) ? 0 : ONES;
        return true;
    case SW_PAT_CHECKER:
        q = (step & 1) ? 0xaaaaaaaaaaaaaaaaull : 0x5555555555555555ull;
        *a = q, *b = ~q;
        return true;
    case SW_PAT_WALK1:
        *a = *b = (uint64_t)1 << (step & 63);
        return true;
    case SW_PAT_WALK0:
        *a = *b = ~((uint64_t)1 << (step & 63));
        return true;
    case SW_PAT_SPREAD:
        q = ((uint64_t)1 << (step & 63)) | ((uint64_t)1 << ((step + 2) & 63));
        *a = q, *b = ~q;
        return true;
    case SW_PAT_MOVINV:
        q = step == 0 ? 0 : 0x0101010101010101ull << ((step - 1) & 7);
        *a = *b = inv ? ~q : q;
        return true;
    default:
        return false;
    }
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static uint64_t rnd_key(enum sw_pat_id id, uint64_t seed, unsigned step)
{
    return mix64(seed ^ ((uint64_t)step * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)id << 56));
}

/* Counter-based, so any word can be regenerated from its index alone (chunks, other threads). */
static inline uint64_t rnd_word(uint64_t key, uint64_t gi)
{
    uint64_t x = (gi + key) * 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    return x ^ (x >> 32);
}

static uint64_t addr_mask(unsigned step)
{
    return (step & 1) ? ONES : 0;
}

uint64_t sw_pat_expected(const struct sw_pat_pass *p, const uint64_t *buf, size_t i, size_t base)
{
    unsigned step = step_of(p);
    uint64_t a, b;
    if (p->id == SW_PAT_ADDRESS)
        return (uint64_t)(uintptr_t)(buf + i) ^ addr_mask(step);
    if (p->id == SW_PAT_RANDOM || p->id == SW_PAT_COPY)
        return rnd_word(rnd_key(p->id, p->seed, step), base + i);
    if (periodic(p->id, step, p->inv, &a, &b))
        return ((base + i) & 1) ? b : a;
    return 0;
}

/* --- stores --------------------------------------------------------------------------------------- */

static inline v2u v2(uint64_t lo, uint64_t hi)
{
    v2u v = {lo, hi};
    return v;
}

static inline void store_nt(uint64_t *dst, v2u v)
{
#if defined(__SSE2__)
    _mm_stream_si128((__m128i *)(void *)dst, (__m128i)v);
#else
    *(v2u *)(void *)dst = v;
#endif
}

static inline void store_fence(void)
{
#if defined(__SSE2__)
    _mm_sfence();
#endif
    /* The compiler must not carry values from a fill into the check that follows. */
    __asm__ __volatile__("" ::: "memory");
}

static inline v2u load2(const uint64_t *src)
{
    return *(const v2u *)(const void *)src;
}

static inline bool any(v2u v)
{
    return (v[0] | v[1]) != 0;
}

/* --- the word-by-word path for a block that differs ------------------------------------------------ */

static void record_word(struct sw_pat_sink *s, uint64_t *addr, size_t index, uint64_t expected, uint64_t actual,
                        enum sw_pat_err_kind kind)
{
    s->mismatches++;
    if (s->n_rec >= SW_PAT_MAX_REC)
        return;
    struct sw_pat_err *e = &s->rec[s->n_rec++];
    e->index = index;
    e->expected = expected;
    e->actual = actual;
    e->kind = kind;
    if (s->on_word)
        s->on_word(s, addr, e);
}

/* blk: the block; idx0: its index relative to the checked buffer; base: its global index. One scan
 * reads each word once (volatile), counts the bad ones and keeps the first few with the value that
 * was compared; only then are they classified and reported. Returns the number of bad words. */
static uint64_t slow_block(const struct sw_pat_pass *p, uint64_t *blk, size_t nw, size_t idx0, size_t base,
                           struct sw_pat_sink *s)
{
    const volatile uint64_t *vb = blk;
    uint32_t where[SW_PAT_MAX_REC];
    uint64_t seen[SW_PAT_MAX_REC];
    unsigned room = SW_PAT_MAX_REC - (s->n_rec < SW_PAT_MAX_REC ? s->n_rec : SW_PAT_MAX_REC), kept = 0;
    uint64_t bad = 0;
    for (size_t k = 0; k < nw; k++) {
        uint64_t got = vb[k];
        if (got != sw_pat_expected(p, blk, k, base)) {
            if (kept < room) {
                where[kept] = (uint32_t)k;
                seen[kept++] = got;
            }
            bad++;
        }
    }
    if (bad == 0) {
        /* The fast check saw a difference that no longer reads back: a transient read error. */
        record_word(s, blk, idx0, 0, 0, SW_PAT_ERR_TRANSIENT);
        return 1;
    }
    if (bad >= SW_PAT_BLOCK_THRESHOLD) {
        struct sw_pat_blk b = {.index = idx0, .nwords = (uint32_t)nw, .bad = (uint32_t)bad};
        if (sw_pat_classify_block(p, blk, nw, base, &b)) {
            s->mismatches += bad;
            s->block_words += bad;
            s->blocks++;
            if (s->n_blk < SW_PAT_MAX_BLK) {
                s->blk[s->n_blk++] = b;
                if (s->on_block)
                    s->on_block(s, blk, &b);
            }
            return bad;
        }
    }
    for (unsigned j = 0; j < kept; j++)
        record_word(s, blk + where[j], idx0 + where[j], sw_pat_expected(p, blk, where[j], base), seen[j],
                    SW_PAT_ERR_WORD);
    s->mismatches += bad - kept;   /* beyond the records: counted, not listed */
    return bad;
}

/* --- fill ----------------------------------------------------------------------------------------- */

static void fill_periodic(uint64_t *buf, size_t n, size_t base, uint64_t a, uint64_t b)
{
    v2u v = (base & 1) ? v2(b, a) : v2(a, b);
    for (size_t i = 0; i < n; i += 8) {
        store_nt(buf + i, v);
        store_nt(buf + i + 2, v);
        store_nt(buf + i + 4, v);
        store_nt(buf + i + 6, v);
    }
}

static void fill_address(uint64_t *buf, size_t n, uint64_t mask)
{
    uint64_t a0 = (uint64_t)(uintptr_t)buf;
    v2u m = v2(mask, mask), inc = v2(16, 16);
    v2u v = v2(a0, a0 + 8);
    for (size_t i = 0; i < n; i += 2) {
        store_nt(buf + i, v ^ m);
        v += inc;
    }
}

/* Generated words also go into the block checksum (COPY) when sums is non-NULL. */
static void fill_random(uint64_t *buf, size_t n, size_t base, uint64_t key, struct sw_pat_sum *sums)
{
    for (size_t blk = 0; blk < n; blk += BW) {
        v2u sa = {0, 0}, sb = {0, 0};
        for (size_t i = blk; i < blk + BW; i += 2) {
            v2u v = v2(rnd_word(key, base + i), rnd_word(key, base + i + 1));
            store_nt(buf + i, v);
            sa += v;
            sb += sa;
        }
        if (sums) {
            sums[blk / BW].a = sa[0] + 3 * sa[1];
            sums[blk / BW].b = sb[0] + 5 * sb[1];
        }
    }
}

void sw_pat_fill(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base)
{
    unsigned step = step_of(p);
    uint64_t a, b;
    if (p->id == SW_PAT_ADDRESS)
        fill_address(buf, n, addr_mask(step));
    else if (p->id == SW_PAT_RANDOM || p->id == SW_PAT_COPY)
        fill_random(buf, n, base, rnd_key(p->id, p->seed, step), NULL);
    else if (periodic(p->id, step, p->inv, &a, &b))
        fill_periodic(buf, n, base, a, b);
    store_fence();
}

/* --- check ---------------------------------------------------------------------------------------- */

static bool block_differs_periodic(const uint64_t *blk, v2u v)
{
    v2u x0 = {0, 0}, x1 = {0, 0}, x2 = {0, 0}, x3 = {0, 0};
    for (size_t i = 0; i < BW; i += 8) {
        x0 |= load2(blk + i) ^ v;
        x1 |= load2(blk + i + 2) ^ v;
        x2 |= load2(blk + i + 4) ^ v;
        x3 |= load2(blk + i + 6) ^ v;
    }
    return any(x0 | x1 | x2 | x3);
}

static bool block_differs_address(const uint64_t *blk, uint64_t mask)
{
    uint64_t a0 = (uint64_t)(uintptr_t)blk;
    v2u m = v2(mask, mask), inc = v2(16, 16), x = {0, 0};
    v2u v = v2(a0, a0 + 8);
    for (size_t i = 0; i < BW; i += 2) {
        x |= load2(blk + i) ^ (v ^ m);
        v += inc;
    }
    return any(x);
}

static bool block_differs_random(const uint64_t *blk, size_t base, uint64_t key)
{
    uint64_t x0 = 0, x1 = 0;
    for (size_t i = 0; i < BW; i += 2) {
        x0 |= blk[i] ^ rnd_word(key, base + i);
        x1 |= blk[i + 1] ^ rnd_word(key, base + i + 1);
    }
    return (x0 | x1) != 0;
}

uint64_t sw_pat_check(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base, struct sw_pat_sink *s)
{
    unsigned step = step_of(p);
    uint64_t a = 0, b = 0, key = 0, mask = addr_mask(step), bad = 0;
    bool per = periodic(p->id, step, p->inv, &a, &b);
    if (p->id == SW_PAT_RANDOM || p->id == SW_PAT_COPY)
        key = rnd_key(p->id, p->seed, step);
    for (size_t blk = 0; blk < n; blk += BW) {
        bool differs;
        if (per)
            differs = block_differs_periodic(buf + blk, ((base + blk) & 1) ? v2(b, a) : v2(a, b));
        else if (p->id == SW_PAT_ADDRESS)
            differs = block_differs_address(buf + blk, mask);
        else
            differs = block_differs_random(buf + blk, base + blk, key);
        if (differs)
            bad += slow_block(p, buf + blk, BW, blk, base + blk, s);
    }
    return bad;
}

uint64_t sw_pat_movinv_sweep(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base, bool down,
                             struct sw_pat_sink *s)
{
    struct sw_pat_pass want = *p, next = *p;
    want.inv = down;
    next.inv = !down;
    uint64_t a, b, na, nb, bad = 0;
    unsigned step = step_of(p);
    periodic(SW_PAT_MOVINV, step, want.inv, &a, &b);
    periodic(SW_PAT_MOVINV, step, next.inv, &na, &nb);
    size_t nblocks = n / BW;
    for (size_t j = 0; j < nblocks; j++) {
        size_t blk = (down ? nblocks - 1 - j : j) * BW;
        uint64_t *w = buf + blk;
        bool odd = (base + blk) & 1;
        v2u v = odd ? v2(b, a) : v2(a, b), nv = odd ? v2(nb, na) : v2(na, nb);
        /* Read the block, then write it: the read-modify-write order per word is what moving
         * inversions is about; doing it per 4 KiB block keeps the bad data for the report. */
        v2u x = {0, 0};
        if (!down) {
            for (size_t i = 0; i < BW; i += 2)
                x |= load2(w + i) ^ v;
        } else {
            for (size_t i = BW; i > 0; i -= 2)
                x |= load2(w + i - 2) ^ v;
        }
        if (any(x))
            bad += slow_block(&want, w, BW, blk, base + blk, s);
        if (!down) {
            for (size_t i = 0; i < BW; i += 2)
                *(v2u *)(void *)(w + i) = nv;
        } else {
            for (size_t i = BW; i > 0; i -= 2)
                *(v2u *)(void *)(w + i - 2) = nv;
        }
    }
    __asm__ __volatile__("" ::: "memory");
    return bad;
}

/* --- block copies --------------------------------------------------------------------------------- */

struct sw_pat_sum sw_pat_checksum(const uint64_t *w, size_t n)
{
    v2u sa = {0, 0}, sb = {0, 0};
    for (size_t i = 0; i < n; i += 2) {
        sa += load2(w + i);
        sb += sa;
    }
    struct sw_pat_sum r = {sa[0] + 3 * sa[1], sb[0] + 5 * sb[1]};
    return r;
}

void sw_pat_copy_fill(const struct sw_pat_pass *p, uint64_t *src, size_t n, size_t base, struct sw_pat_sum *sums)
{
    fill_random(src, n, base, rnd_key(SW_PAT_COPY, p->seed, step_of(p)), sums);
    store_fence();
}

void sw_pat_copy_blocks(uint64_t *dst, const uint64_t *src, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        v2u x0 = load2(src + i), x1 = load2(src + i + 2), x2 = load2(src + i + 4), x3 = load2(src + i + 6);
        store_nt(dst + i, x0);
        store_nt(dst + i + 2, x1);
        store_nt(dst + i + 4, x2);
        store_nt(dst + i + 6, x3);
    }
    store_fence();
}

static uint64_t count_bad(const struct sw_pat_pass *p, const uint64_t *blk, size_t nw, size_t base)
{
    uint64_t bad = 0;
    for (size_t k = 0; k < nw; k++)
        bad += blk[k] != sw_pat_expected(p, blk, k, base);
    return bad;
}

uint64_t sw_pat_copy_check(const struct sw_pat_pass *p, uint64_t *dst, size_t n, size_t base,
                           struct sw_pat_sum *sums, struct sw_pat_sink *s)
{
    struct sw_pat_pass cp = *p;
    cp.id = SW_PAT_COPY;
    uint64_t key = rnd_key(SW_PAT_COPY, p->seed, step_of(p)), bad = 0;
    for (size_t blk = 0; blk < n; blk += BW) {
        struct sw_pat_sum got = sw_pat_checksum(dst + blk, BW);
        struct sw_pat_sum *want = &sums[blk / BW];
        if (got.a == want->a && got.b == want->b)
            continue;
        uint64_t nbad = count_bad(&cp, dst + blk, BW, base + blk);
        if (nbad) {
            bad += slow_block(&cp, dst + blk, BW, blk, base + blk, s);
            continue;
        }
        /* The data is right: either the stored checksum was corrupted in memory, or one read of the
         * block returned bad data that is good again now (a transient read error). */
        v2u sa = {0, 0}, sb = {0, 0};
        for (size_t i = 0; i < BW; i += 2) {
            sa += v2(rnd_word(key, base + blk + i), rnd_word(key, base + blk + i + 1));
            sb += sa;
        }
        struct sw_pat_sum truth = {sa[0] + 3 * sa[1], sb[0] + 5 * sb[1]};
        volatile uint64_t *ws = &want->a;
        uint64_t wa = ws[0], wb = ws[1];
        if (wa != truth.a)
            record_word(s, &want->a, blk, truth.a, wa, SW_PAT_ERR_SUMTABLE);
        else if (wb != truth.b)
            record_word(s, &want->b, blk, truth.b, wb, SW_PAT_ERR_SUMTABLE);
        else
            record_word(s, dst + blk, blk, truth.a, got.a, SW_PAT_ERR_TRANSIENT);
        bad++;
    }
    return bad;
}

/* --- classification -------------------------------------------------------------------------------- */

static bool block_is_periodic(const uint64_t *blk, size_t nw, size_t base, uint64_t a, uint64_t b)
{
    for (size_t k = 0; k < nw; k++)
        if (blk[k] != (((base + k) & 1) ? b : a))
            return false;
    return true;
}

static bool block_is_random(const uint64_t *blk, size_t nw, size_t base, uint64_t key)
{
    for (size_t k = 0; k < nw; k++)
        if (blk[k] != rnd_word(key, base + k))
            return false;
    return true;
}

/* Address data displaced by a constant: word k holds (address of word k + delta) ^ mask. */
static bool block_is_address(const uint64_t *blk, size_t nw, uint64_t mask, int64_t *delta)
{
    uint64_t a0 = (uint64_t)(uintptr_t)blk;
    uint64_t d = (blk[0] ^ mask) - a0;
    for (size_t k = 1; k < nw; k++)
        if ((blk[k] ^ mask) != a0 + 8 * k + d)
            return false;
    *delta = (int64_t)d;
    return true;
}

bool sw_pat_classify_block(const struct sw_pat_pass *p, const uint64_t *blk, size_t nwords, size_t base,
                           struct sw_pat_blk *b)
{
    unsigned cur = step_of(p);
    b->delta = 0;
    /* Periodic patterns, every step (moving inversions both ways). */
    for (int id = SW_PAT_SOLID; id <= SW_PAT_MOVINV; id++) {
        unsigned steps = catalogue[id].steps;
        for (unsigned st = 0; st < steps; st++)
            for (int inv = 0; inv <= (id == SW_PAT_MOVINV); inv++) {
                if (id == (int)p->id && st == cur && inv == (int)p->inv)
                    continue;
                uint64_t x, y;
                periodic((enum sw_pat_id)id, st, inv, &x, &y);
                if (block_is_periodic(blk, nwords, base, x, y)) {
                    b->pattern = id;
                    b->step = st;
                    b->inv = inv;
                    return true;
                }
            }
    }
    /* Address data: its own addresses in the other polarity, or someone else's (an alias). */
    for (unsigned st = 0; st < 2; st++) {
        int64_t delta;
        if (block_is_address(blk, nwords, addr_mask(st), &delta) &&
            !(p->id == SW_PAT_ADDRESS && st == cur && delta == 0)) {
            b->pattern = SW_PAT_ADDRESS;
            b->step = st;
            b->inv = false;
            b->delta = delta;
            return true;
        }
    }
    /* Seeded patterns: this pass's seed, the current and the two previous passes (stale data). */
    for (int id = SW_PAT_RANDOM; id <= SW_PAT_COPY; id++)
        for (unsigned back = 0; back < 3; back++) {
            unsigned st = p->step - back;
            if (id == (int)p->id && st == cur)
                continue;
            if (block_is_random(blk, nwords, base, rnd_key((enum sw_pat_id)id, p->seed, st))) {
                b->pattern = id;
                b->step = st;
                b->inv = false;
                return true;
            }
        }
    return false;
}

const char *sw_pat_blk_describe(const struct sw_pat_blk *b, char *buf, size_t len)
{
    struct sw_fmt f;
    sw_fmt_init(&f, buf, len);
    if (b->pattern == SW_PAT_ADDRESS && b->delta != 0) {
        sw_fmt_str(&f, "the addresses of memory ");
        sw_fmt_str(&f, b->delta < 0 ? "-" : "+");
        sw_fmt_hex(&f, b->delta < 0 ? (uint64_t)0 - (uint64_t)b->delta : (uint64_t)b->delta);
        sw_fmt_str(&f, " bytes away (aliased)");
    } else if (b->pattern == SW_PAT_SOLID) {
        sw_fmt_str(&f, b->step & 1 ? "all zeros (solid step 1 data)" : "all ones (solid step 0 data)");
    } else {
        sw_fmt_str(&f, (unsigned)b->pattern < SW_PAT_COUNT ? catalogue[b->pattern].name : "unknown");
        sw_fmt_str(&f, " step ");
        sw_fmt_u64(&f, b->step);
        sw_fmt_str(&f, b->inv ? " (inverted) data" : " data");
    }
    return buf;
}

void sw_pat_sink_reset(struct sw_pat_sink *s)
{
    s->mismatches = 0;
    s->blocks = 0;
    s->block_words = 0;
    s->n_rec = 0;
    s->n_blk = 0;
}
