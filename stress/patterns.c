/* The memory pattern catalogue: values, the drivers around the hot loops, the error path and the
 * classification of bad blocks. The hot loops are the kernels of stress/pattern_kern.h (vectors as
 * wide as the CPU has, non-temporal fills for buffers bigger than the last-level cache, plain stores in
 * the fused sweeps, which have just read the line they write); they compare
 * whole cache lines and report only where a line differs, so the error path below costs nothing on
 * a good machine and is the same code at every instruction-set level. */
#include "stress/patterns.h"

#include "core/fmt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
        return sw_pat_rnd(rnd_key(p->id, p->seed, step), base + i) + p->add;
    if (periodic(p->id, step, p->inv, &a, &b))
        return ((base + i) & 1) ? b : a;
    return 0;
}

static const struct sw_pat_kern *kern_of(const struct sw_pat_pass *p)
{
    return p->kern ? p->kern : sw_pat_kern_default();
}

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
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

/* --- fill and check -------------------------------------------------------------------------------- */

/* A periodic pass's values for words at even and odd offsets from a buffer at global index base. */
static bool periodic_at(const struct sw_pat_pass *p, size_t base, uint64_t *a, uint64_t *b)
{
    uint64_t x, y;
    if (!periodic(p->id, step_of(p), p->inv, &x, &y))
        return false;
    *a = (base & 1) ? y : x;
    *b = (base & 1) ? x : y;
    return true;
}

void sw_pat_fill(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base)
{
    const struct sw_pat_kern *k = kern_of(p);
    uint64_t a, b;
    if (p->id == SW_PAT_ADDRESS)
        k->fill_address(buf, n, addr_mask(step_of(p)), p->nt);
    else if (p->id == SW_PAT_RANDOM || p->id == SW_PAT_COPY)
        k->fill_random(buf, n, base, rnd_key(p->id, p->seed, step_of(p)), p->add, p->nt, NULL);
    else if (periodic_at(p, base, &a, &b))
        k->fill_periodic(buf, n, a, b, p->nt);
    /* The compiler must not carry values from a fill into the check that follows. */
    __asm__ __volatile__("" ::: "memory");
}

/* The first line of buf that differs from the pass's data: its index, or n. */
static size_t first_diff(const struct sw_pat_pass *p, const struct sw_pat_kern *k, const uint64_t *buf, size_t n,
                         size_t base)
{
    uint64_t a, b;
    if (p->id == SW_PAT_ADDRESS)
        return k->diff_address(buf, n, addr_mask(step_of(p)));
    if (p->id == SW_PAT_RANDOM || p->id == SW_PAT_COPY)
        return k->diff_random(buf, n, base, rnd_key(p->id, p->seed, step_of(p)), p->add);
    if (periodic_at(p, base, &a, &b))
        return k->diff_periodic(buf, n, a, b);
    return n;
}

uint64_t sw_pat_check(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base, struct sw_pat_sink *s)
{
    const struct sw_pat_kern *k = kern_of(p);
    uint64_t bad = 0;
    size_t pos = 0;
    while (pos < n) {
        size_t d = pos + first_diff(p, k, buf + pos, n - pos, base + pos);
        if (d >= n)
            break;
        /* the whole 4 KiB block around the line: counted, classified, reported */
        size_t blk = d / BW * BW, nw = min_sz(BW, n - blk);
        bad += slow_block(p, buf + blk, nw, blk, base + blk, s);
        pos = blk + nw;
    }
    return bad;
}

/* One block of a fused sweep: verify want's data and write next's, line by line in the sweep's
 * direction. Where a line differs, the part of the block not yet rewritten is examined word by word
 * (reported before it is overwritten), then gets next's data. */
static uint64_t sweep_block(const struct sw_pat_pass *want, const struct sw_pat_pass *next,
                            const struct sw_pat_kern *k, uint64_t *w, size_t nw, size_t idx0, size_t gbase,
                            bool down, struct sw_pat_sink *s)
{
    uint64_t a = 0, b = 0, na = 0, nb = 0;
    periodic_at(want, gbase, &a, &b);
    periodic_at(next, gbase, &na, &nb);
    size_t r = k->verify_write(w, nw, a, b, na, nb, down);
    size_t from = down ? 0 : r, to = down ? r : nw;   /* the untouched part */
    if (from >= to)
        return 0;
    uint64_t bad = slow_block(want, w + from, to - from, idx0 + from, gbase + from, s);
    k->fill_periodic(w + from, to - from, from & 1 ? nb : na, from & 1 ? na : nb, false);
    return bad;
}

static uint64_t sweep(const struct sw_pat_pass *want, const struct sw_pat_pass *next, uint64_t *buf, size_t n,
                      size_t base, bool down, struct sw_pat_sink *s)
{
    const struct sw_pat_kern *k = kern_of(want);
    size_t nblocks = (n + BW - 1) / BW;
    uint64_t bad = 0;
    for (size_t j = 0; j < nblocks; j++) {
        size_t blk = (down ? nblocks - 1 - j : j) * BW;
        bad += sweep_block(want, next, k, buf + blk, min_sz(BW, n - blk), blk, base + blk, down, s);
    }
    __asm__ __volatile__("" ::: "memory");
    return bad;
}

uint64_t sw_pat_check_write(const struct sw_pat_pass *p, const struct sw_pat_pass *next, uint64_t *buf, size_t n,
                            size_t base, struct sw_pat_sink *s)
{
    uint64_t x, y;
    if (periodic(p->id, step_of(p), p->inv, &x, &y) && periodic(next->id, step_of(next), next->inv, &x, &y))
        return sweep(p, next, buf, n, base, false, s);
    /* Any other pattern, fused a block at a time: verifying a block brings it into the cache, and next's
     * data then goes in by plain stores that hit it: one read and one write of memory per line, as in
     * the periodic kernels' sweep. */
    const struct sw_pat_kern *k = kern_of(p);
    struct sw_pat_pass into = *next;
    into.nt = false;
    uint64_t bad = 0;
    for (size_t blk = 0; blk < n; blk += BW) {
        size_t nw = min_sz(BW, n - blk);
        if (first_diff(p, k, buf + blk, nw, base + blk) < nw)
            bad += slow_block(p, buf + blk, nw, blk, base + blk, s);
        sw_pat_fill(&into, buf + blk, nw, base + blk);
    }
    return bad;
}

uint64_t sw_pat_movinv_sweep(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base, bool down,
                             struct sw_pat_sink *s)
{
    struct sw_pat_pass want = *p, next = *p;
    want.id = next.id = SW_PAT_MOVINV;
    want.inv = down;
    next.inv = !down;
    return sweep(&want, &next, buf, n, base, down, s);
}

/* --- block copies --------------------------------------------------------------------------------- */

struct sw_pat_sum sw_pat_checksum(const uint64_t *w, size_t n)
{
    return sw_pat_kern_default()->checksum(w, n);
}

void sw_pat_copy_fill(const struct sw_pat_pass *p, uint64_t *src, size_t n, size_t base, struct sw_pat_sum *sums)
{
    const struct sw_pat_kern *k = kern_of(p);
    uint64_t key = rnd_key(SW_PAT_COPY, p->seed, step_of(p));
    for (size_t blk = 0; blk < n; blk += BW)
        k->fill_random(src + blk, BW, base + blk, key, p->add, p->nt, &sums[blk / BW]);
}

static uint64_t count_bad(const struct sw_pat_pass *p, const uint64_t *blk, size_t nw, size_t base)
{
    uint64_t bad = 0;
    for (size_t k = 0; k < nw; k++)
        bad += blk[k] != sw_pat_expected(p, blk, k, base);
    return bad;
}

/* The checksum the block should have, from the regenerated data (the error path). */
static struct sw_pat_sum expected_sum(const struct sw_pat_pass *p, size_t base)
{
    uint64_t sa[SW_PAT_LINE_WORDS] = {0}, sb[SW_PAT_LINE_WORDS] = {0};
    for (size_t i = 0; i < BW; i += SW_PAT_LINE_WORDS)
        for (unsigned l = 0; l < SW_PAT_LINE_WORDS; l++) {
            sa[l] += sw_pat_expected(p, NULL, i + l, base);
            sb[l] += sa[l];
        }
    struct sw_pat_sum r = {0, 0};
    for (unsigned l = 0; l < SW_PAT_LINE_WORDS; l++) {
        r.a += sa[l] * (2 * l + 1);
        r.b += sb[l] * (2 * l + 3);
    }
    return r;
}

/* A block whose checksum (got) differs from the stored one: bad words are found and reported word by
 * word; if none differs, the stored checksum was corrupted or the read was transient. Returns the
 * bad words (at least 1); *truth gets the block's right checksum. */
static uint64_t sum_mismatch(const struct sw_pat_pass *p, uint64_t *blk, size_t idx0, size_t base,
                             struct sw_pat_sum *want, struct sw_pat_sum got, struct sw_pat_sum *truth,
                             struct sw_pat_sink *s)
{
    struct sw_pat_pass cp = *p;
    cp.id = SW_PAT_COPY;
    *truth = expected_sum(&cp, base);
    if (count_bad(&cp, blk, BW, base))
        return slow_block(&cp, blk, BW, idx0, base, s);
    volatile uint64_t *ws = &want->a;
    uint64_t wa = ws[0], wb = ws[1];
    if (wa != truth->a)
        record_word(s, &want->a, idx0, truth->a, wa, SW_PAT_ERR_SUMTABLE);
    else if (wb != truth->b)
        record_word(s, &want->b, idx0, truth->b, wb, SW_PAT_ERR_SUMTABLE);
    else
        record_word(s, blk, idx0, truth->a, got.a, SW_PAT_ERR_TRANSIENT);
    return 1;
}

static bool sum_eq(struct sw_pat_sum x, struct sw_pat_sum y)
{
    return x.a == y.a && x.b == y.b;
}

uint64_t sw_pat_copy_verify(const struct sw_pat_pass *from, uint64_t *dst, uint64_t *src, size_t n, size_t base,
                            uint64_t add, struct sw_pat_sum *src_sums, struct sw_pat_sum *dst_sums,
                            struct sw_pat_sink *s)
{
    const struct sw_pat_kern *k = kern_of(from);
    uint64_t bad = 0;
    for (size_t blk = 0; blk < n; blk += BW) {
        struct sw_pat_sum got = k->copy_add(dst + blk, src + blk, BW, add, from->nt), *want = &src_sums[blk / BW];
        if (!sum_eq(got, *want)) {
            /* The source is examined in place (the reporter writes good values back); the destination
             * gets the right data, so a fault is reported once, where it is, not again downstream. */
            bad += sum_mismatch(from, src + blk, blk, base + blk, want, got, &got, s);
            k->fill_random(dst + blk, BW, base + blk, rnd_key(SW_PAT_COPY, from->seed, step_of(from)),
                           from->add + add, false, NULL);
        }
        dst_sums[blk / BW] = sw_pat_sum_add(got, BW, add);
    }
    return bad;
}

uint64_t sw_pat_copy_check(const struct sw_pat_pass *p, uint64_t *dst, size_t n, size_t base,
                           struct sw_pat_sum *sums, struct sw_pat_sink *s)
{
    const struct sw_pat_kern *k = kern_of(p);
    uint64_t bad = 0;
    for (size_t blk = 0; blk < n; blk += BW) {
        struct sw_pat_sum got = k->checksum(dst + blk, BW), truth;
        if (!sum_eq(got, sums[blk / BW]))
            bad += sum_mismatch(p, dst + blk, blk, base + blk, &sums[blk / BW], got, &truth, s);
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
        if (blk[k] != sw_pat_rnd(key, base + k))
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
