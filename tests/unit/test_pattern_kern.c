/* Every instruction-set level of the pattern kernels this machine runs (portable C, SSE2, AVX2,
 * AVX-512) writes the same data, computes the same checksums and finds an injected bit flip at the
 * exact word and bit: at the first word, in the middle and in the last byte of a cache line, and in a
 * tail that is not a whole number of vectors. Fills with and without non-temporal stores agree. */
#include <stdlib.h>
#include <string.h>

#include "stress/pattern_kern.h"
#include "stress/patterns.h"
#include "tests/harness/check.h"

#define BW SW_PAT_BLOCK_WORDS
/* two blocks, three lines and a 5-word tail: odd, so no vector width divides it */
#define NW (2 * BW + 3 * SW_PAT_LINE_WORDS + 5)

static uint64_t *new_buf(size_t words)
{
    uint64_t *b = aligned_alloc(4096, (words * 8 + 4095) / 4096 * 4096);
    if (!b) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    memset(b, 0, words * 8);
    return b;
}

static const struct sw_pat_kern *levels[SW_PAT_ISA_COUNT];
static unsigned n_levels;

static void find_levels(void)
{
    n_levels = 0;
    for (int i = 0; i < SW_PAT_ISA_COUNT; i++)
        if ((levels[n_levels] = sw_pat_kern_get((enum sw_pat_isa)i)))
            n_levels++;
}

/* The flips: first word; a line's middle (word 3 of line 70, bit 31) and last byte (word 7, bit 63);
 * the tail's first and last words. */
static const struct {
    size_t word;
    unsigned bit;
} flips[] = {
    {0, 0}, {70 * 8 + 3, 31}, {70 * 8 + 7, 63}, {NW - 5, 7}, {NW - 1, 63}, {BW - 1, 62},
};

static void test_levels_present(void)
{
    find_levels();
    CHECK(levels[0] && levels[0]->isa == SW_PAT_ISA_GENERIC);
#if defined(__x86_64__)
    CHECK(sw_pat_kern_get(SW_PAT_ISA_SSE2) != NULL);
    CHECK((sw_pat_kern_get(SW_PAT_ISA_AVX2) != NULL) == (bool)__builtin_cpu_supports("avx2"));
    CHECK((sw_pat_kern_get(SW_PAT_ISA_AVX512) != NULL) ==
          (bool)(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")));
#endif
    printf("  levels here:");
    for (unsigned i = 0; i < n_levels; i++) {
        printf(" %s", levels[i]->name);
        CHECK(sw_pat_kern_by_name(levels[i]->name) == levels[i]);
    }
    printf(" (default %s)\n", sw_pat_kern_default()->name);
    CHECK(sw_pat_kern_by_name("avx9000") == NULL);
    CHECK(sw_pat_kern_default() != NULL);
}

static const enum sw_pat_id ids[] = {SW_PAT_ADDRESS, SW_PAT_SOLID, SW_PAT_CHECKER, SW_PAT_WALK1, SW_PAT_WALK0,
                                     SW_PAT_SPREAD, SW_PAT_MOVINV, SW_PAT_RANDOM, SW_PAT_COPY};

static struct sw_pat_pass pass(enum sw_pat_id id, unsigned step, const struct sw_pat_kern *k, bool nt)
{
    struct sw_pat_pass p = {.id = id, .step = step, .seed = 77, .kern = k, .nt = nt};
    if (id == SW_PAT_COPY)
        p.add = 0x5151515151515151ull;
    if (id == SW_PAT_MOVINV)
        p.inv = step & 1;
    return p;
}

/* The same data at every level, with and without non-temporal stores, and each level's check finds
 * each flip exactly. */
static void test_fill_and_check_agree(void)
{
    uint64_t *buf = new_buf(NW), *ref = new_buf(NW);
    for (unsigned j = 0; j < sizeof ids / sizeof ids[0]; j++)
        for (size_t base = 0; base < 2; base++) {
            struct sw_pat_pass g = pass(ids[j], 3, levels[0], false);
            sw_pat_fill(&g, buf, NW, base);
            memcpy(ref, buf, NW * 8);
            for (unsigned l = 0; l < n_levels; l++)
                for (int nt = 0; nt < 2; nt++) {
                    struct sw_pat_pass p = pass(ids[j], 3, levels[l], nt);
                    memset(buf, 0xa5, NW * 8);
                    sw_pat_fill(&p, buf, NW, base);
                    const char *name = sw_pat_info(p.id)->name;
                    CHECK_MSG(memcmp(buf, ref, NW * 8) == 0, "%s: %s fill (nt=%d, base %zu) differs from generic",
                              levels[l]->name, name, nt, base);
                    struct sw_pat_sink s;
                    memset(&s, 0, sizeof s);
                    CHECK_MSG(sw_pat_check(&p, buf, NW, base, &s) == 0, "%s: %s clean buffer reported",
                              levels[l]->name, name);
                    for (unsigned f = 0; f < sizeof flips / sizeof flips[0]; f++) {
                        size_t w = flips[f].word;
                        uint64_t bit = (uint64_t)1 << flips[f].bit, want = buf[w];
                        buf[w] ^= bit;
                        sw_pat_sink_reset(&s);
                        uint64_t bad = sw_pat_check(&p, buf, NW, base, &s);
                        CHECK_MSG(bad == 1 && s.n_rec == 1 && s.rec[0].index == w && s.rec[0].expected == want &&
                                      s.rec[0].actual == (want ^ bit) && s.rec[0].kind == SW_PAT_ERR_WORD,
                                  "%s: %s flip at word %zu bit %u: bad=%llu recs=%u index=%zu", levels[l]->name,
                                  name, w, flips[f].bit, (unsigned long long)bad, s.n_rec,
                                  s.n_rec ? s.rec[0].index : (size_t)-1);
                        buf[w] ^= bit;
                    }
                }
        }
    free(buf);
    free(ref);
}

/* The fused sweeps (verify old, write new; moving inversions both ways) at every level: each flip is
 * reported once with the old value, and the buffer ends up holding the new data everywhere. */
static void test_fused_sweeps_agree(void)
{
    uint64_t *buf = new_buf(NW);
    for (unsigned l = 0; l < n_levels; l++)
        for (unsigned f = 0; f < sizeof flips / sizeof flips[0]; f++)
            for (int mode = 0; mode < 3; mode++) {   /* check_write, movinv up, movinv down */
                size_t base = f & 1, w = flips[f].word;
                struct sw_pat_pass p = pass(SW_PAT_WALK0, 9, levels[l], f & 2), next = pass(SW_PAT_WALK0, 10, levels[l], false);
                struct sw_pat_pass mi = pass(SW_PAT_MOVINV, 4, levels[l], f & 2), miv = mi;
                mi.inv = false;
                miv.inv = true;
                const struct sw_pat_pass *old = mode == 0 ? &p : mode == 1 ? &mi : &miv;
                const struct sw_pat_pass *now = mode == 0 ? &next : mode == 1 ? &miv : &mi;
                sw_pat_fill(old, buf, NW, base);
                uint64_t bit = (uint64_t)1 << flips[f].bit, want = buf[w];
                buf[w] ^= bit;
                struct sw_pat_sink s;
                memset(&s, 0, sizeof s);
                uint64_t bad = mode == 0 ? sw_pat_check_write(old, now, buf, NW, base, &s)
                                         : sw_pat_movinv_sweep(&mi, buf, NW, base, mode == 2, &s);
                CHECK_MSG(bad == 1 && s.n_rec == 1 && s.rec[0].index == w && s.rec[0].expected == want &&
                              s.rec[0].actual == (want ^ bit),
                          "%s: sweep mode %d flip at word %zu bit %u: bad=%llu recs=%u", levels[l]->name, mode, w,
                          flips[f].bit, (unsigned long long)bad, s.n_rec);
                sw_pat_sink_reset(&s);
                CHECK_MSG(sw_pat_check(now, buf, NW, base, &s) == 0, "%s: sweep mode %d left %llu words wrong",
                          levels[l]->name, mode, (unsigned long long)s.mismatches);
            }
    free(buf);
}

/* Checksums and copies: the same sums at every level; the sum of a fill equals the sum of reading it;
 * a copy returns the source's sum and the destination's follows from it (sw_pat_sum_add). */
static void test_checksums_agree(void)
{
    uint64_t *src = new_buf(BW), *dst = new_buf(BW);
    struct sw_pat_sum ref = {0, 0};
    for (unsigned l = 0; l < n_levels; l++) {
        const struct sw_pat_kern *k = levels[l];
        struct sw_pat_sum filled, read, copied, after;
        k->fill_random(src, BW, 1000, 0xfeedull, 11, l & 1, &filled);
        read = k->checksum(src, BW);
        copied = k->copy_add(dst, src, BW, 0x8000000000000001ull, l & 1);
        after = k->checksum(dst, BW);
        struct sw_pat_sum derived = sw_pat_sum_add(read, BW, 0x8000000000000001ull);
        if (l == 0)
            ref = read;
        CHECK_MSG(filled.a == read.a && filled.b == read.b && copied.a == read.a && copied.b == read.b,
                  "%s: fill/read/copy sums differ", k->name);
        CHECK_MSG(read.a == ref.a && read.b == ref.b, "%s: checksum differs from generic", k->name);
        CHECK_MSG(after.a == derived.a && after.b == derived.b, "%s: derived destination sum wrong", k->name);
        /* any single-bit change of any word changes the sum; a swap of two words too */
        for (unsigned f = 0; f < sizeof flips / sizeof flips[0]; f++) {
            size_t w = flips[f].word % BW;
            src[w] ^= (uint64_t)1 << flips[f].bit;
            struct sw_pat_sum x = k->checksum(src, BW);
            CHECK_MSG(x.a != read.a || x.b != read.b, "%s: flip at %zu not seen by the checksum", k->name, w);
            src[w] ^= (uint64_t)1 << flips[f].bit;
        }
        uint64_t t = src[3];
        src[3] = src[11];
        src[11] = t;
        struct sw_pat_sum x = k->checksum(src, BW);
        CHECK_MSG(x.b != read.b, "%s: a swap within a lane is not seen", k->name);
        src[11] = src[3];
        src[3] = t;
    }
    free(src);
    free(dst);
}

/* A copy at every level finds a flip in its source at the exact word. */
static void test_copy_levels(void)
{
    uint64_t *src = new_buf(2 * BW), *dst = new_buf(2 * BW);
    struct sw_pat_sum sums[2], dsums[2];
    for (unsigned l = 0; l < n_levels; l++) {
        struct sw_pat_pass p = pass(SW_PAT_COPY, 2, levels[l], true);
        sw_pat_copy_fill(&p, src, 2 * BW, 0, sums);
        size_t w = BW + 8 * 9 + 7;
        uint64_t want = src[w];
        src[w] ^= (uint64_t)1 << 63;
        struct sw_pat_sink s;
        memset(&s, 0, sizeof s);
        CHECK_MSG(sw_pat_copy_verify(&p, dst, src, 2 * BW, 0, 5, sums, dsums, &s) == 1 && s.n_rec == 1 &&
                      s.rec[0].index == w && s.rec[0].expected == want,
                  "%s: source flip not found exactly", levels[l]->name);
        struct sw_pat_pass q = p;
        q.add += 5;
        sw_pat_sink_reset(&s);
        CHECK_MSG(sw_pat_copy_check(&q, dst, 2 * BW, 0, dsums, &s) == 0, "%s: destination wrong", levels[l]->name);
    }
    free(src);
    free(dst);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"levels this CPU runs", test_levels_present},
        {"fills and checks agree at every level, flips found exactly", test_fill_and_check_agree},
        {"fused sweeps agree at every level", test_fused_sweeps_agree},
        {"checksums agree at every level", test_checksums_agree},
        {"copies verify their source at every level", test_copy_levels},
        {NULL, NULL},
    };
    find_levels();
    return sw_test_main(argc, argv, cases);
}
