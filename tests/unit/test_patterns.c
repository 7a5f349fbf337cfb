/* The memory pattern catalogue as pure units: every generator/checker passes a clean buffer, finds a
 * single flipped bit at the first and at the last word with the right index/expected/actual, keeps
 * its records bounded with an exact count, and classifies whole foreign blocks (stale data, aliased
 * addresses) as one addressing fault. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stress/patterns.h"
#include "tests/harness/check.h"

#define BW SW_PAT_BLOCK_WORDS
#define NWORDS (4 * BW)

static uint64_t *new_buf(size_t words)
{
    uint64_t *b = aligned_alloc(4096, words * 8);
    if (!b) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    memset(b, 0, words * 8);
    return b;
}

static const enum sw_pat_id simple[] = {SW_PAT_ADDRESS, SW_PAT_SOLID, SW_PAT_CHECKER, SW_PAT_WALK1,
                                        SW_PAT_WALK0, SW_PAT_SPREAD, SW_PAT_RANDOM};

static unsigned steps_to_try(enum sw_pat_id id, unsigned *out)
{
    unsigned n = sw_pat_info(id)->steps;
    if (n == 0) {   /* unbounded: a few rounds */
        out[0] = 0, out[1] = 1, out[2] = 77;
        return 3;
    }
    out[0] = 0, out[1] = 1, out[2] = n - 1;
    return n > 2 ? 3 : 2;
}

/* Flips a bit at word w, checks, and expects exactly that word back. */
static void expect_one(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base, size_t w, unsigned bit)
{
    struct sw_pat_sink s;
    memset(&s, 0, sizeof s);
    uint64_t want = sw_pat_expected(p, buf, w, base);
    buf[w] ^= (uint64_t)1 << bit;
    uint64_t bad = sw_pat_check(p, buf, n, base, &s);
    const char *name = sw_pat_info(p->id)->name;
    CHECK_MSG(bad == 1 && s.mismatches == 1 && s.n_rec == 1 && s.blocks == 0,
              "%s step %u word %zu: bad=%llu mismatches=%llu recs=%u blocks=%llu", name, p->step, w,
              (unsigned long long)bad, (unsigned long long)s.mismatches, s.n_rec, (unsigned long long)s.blocks);
    if (s.n_rec == 1) {
        CHECK_MSG(s.rec[0].index == w, "%s: index %zu != %zu", name, s.rec[0].index, w);
        CHECK_MSG(s.rec[0].expected == want, "%s: expected %llx != %llx", name,
                  (unsigned long long)s.rec[0].expected, (unsigned long long)want);
        CHECK_MSG(s.rec[0].actual == (want ^ ((uint64_t)1 << bit)), "%s: actual %llx", name,
                  (unsigned long long)s.rec[0].actual);
        CHECK(s.rec[0].kind == SW_PAT_ERR_WORD);
    }
    buf[w] ^= (uint64_t)1 << bit;
}

static void test_simple_patterns(void)
{
    uint64_t *buf = new_buf(NWORDS);
    for (unsigned k = 0; k < sizeof simple / sizeof simple[0]; k++) {
        unsigned steps[3], ns = steps_to_try(simple[k], steps);
        for (unsigned j = 0; j < ns; j++)
            for (size_t base = 0; base < 2 * NWORDS; base += NWORDS + 1) {   /* even and odd bases */
                struct sw_pat_pass p = {.id = simple[k], .step = steps[j], .seed = 42};
                sw_pat_fill(&p, buf, NWORDS, base);
                struct sw_pat_sink s;
                memset(&s, 0, sizeof s);
                CHECK_MSG(sw_pat_check(&p, buf, NWORDS, base, &s) == 0 && s.mismatches == 0,
                          "%s step %u: clean buffer reported %llu", sw_pat_info(p.id)->name, p.step,
                          (unsigned long long)s.mismatches);
                for (size_t w = 0; w < NWORDS; w++)
                    if (buf[w] != sw_pat_expected(&p, buf, w, base)) {
                        CHECK_MSG(0, "%s: fill and expected disagree at %zu", sw_pat_info(p.id)->name, w);
                        break;
                    }
                expect_one(&p, buf, NWORDS, base, 0, 0);
                expect_one(&p, buf, NWORDS, base, NWORDS - 1, 63);
                expect_one(&p, buf, NWORDS, base, BW + 17, (unsigned)(7 * j + k) % 64);
            }
    }
    free(buf);
}

/* The data really differs between steps (a pattern that wrote the same thing every pass would not
 * test anything). */
static void test_steps_differ(void)
{
    uint64_t *buf = new_buf(BW);
    for (unsigned k = 0; k < sizeof simple / sizeof simple[0]; k++) {
        struct sw_pat_pass a = {.id = simple[k], .step = 0, .seed = 1}, b = a;
        b.step = 1;
        CHECK_MSG(sw_pat_expected(&a, buf, 3, 0) != sw_pat_expected(&b, buf, 3, 0), "%s",
                  sw_pat_info(simple[k])->name);
    }
    struct sw_pat_pass w1 = {.id = SW_PAT_WALK1, .step = 5};
    CHECK(sw_pat_expected(&w1, buf, 0, 0) == (uint64_t)1 << 5);
    struct sw_pat_pass w0 = {.id = SW_PAT_WALK0, .step = 63};
    CHECK(sw_pat_expected(&w0, buf, 0, 0) == ~((uint64_t)1 << 63));
    struct sw_pat_pass ad = {.id = SW_PAT_ADDRESS, .step = 0};
    CHECK(sw_pat_expected(&ad, buf, 9, 0) == (uint64_t)(uintptr_t)&buf[9]);
    ad.step = 1;
    CHECK(sw_pat_expected(&ad, buf, 9, 0) == ~(uint64_t)(uintptr_t)&buf[9]);
    free(buf);
}

static void test_moving_inversions(void)
{
    uint64_t *buf = new_buf(NWORDS);
    for (unsigned step = 0; step < sw_pat_info(SW_PAT_MOVINV)->steps; step++) {
        struct sw_pat_pass p = {.id = SW_PAT_MOVINV, .step = step};
        struct sw_pat_pass inv = p;
        inv.inv = true;
        struct sw_pat_sink s;
        memset(&s, 0, sizeof s);
        sw_pat_fill(&p, buf, NWORDS, 0);
        CHECK(sw_pat_movinv_sweep(&p, buf, NWORDS, 0, false, &s) == 0);
        CHECK(buf[0] == ~sw_pat_expected(&p, buf, 0, 0));
        CHECK(sw_pat_movinv_sweep(&p, buf, NWORDS, 0, true, &s) == 0);
        CHECK(sw_pat_check(&p, buf, NWORDS, 0, &s) == 0 && s.mismatches == 0);

        /* first word, seen by the upward sweep (expects v) */
        buf[0] ^= 1;
        CHECK(sw_pat_movinv_sweep(&p, buf, NWORDS, 0, false, &s) == 1);
        CHECK(s.n_rec == 1 && s.rec[0].index == 0 && s.rec[0].expected == sw_pat_expected(&p, buf, 0, 0) &&
              s.rec[0].actual == (sw_pat_expected(&p, buf, 0, 0) ^ 1));
        /* last word, seen by the downward sweep (expects ~v) */
        sw_pat_sink_reset(&s);
        buf[NWORDS - 1] ^= (uint64_t)1 << 62;
        CHECK(sw_pat_movinv_sweep(&p, buf, NWORDS, 0, true, &s) == 1);
        CHECK(s.n_rec == 1 && s.rec[0].index == NWORDS - 1 &&
              s.rec[0].expected == sw_pat_expected(&inv, buf, NWORDS - 1, 0) &&
              s.rec[0].actual == (sw_pat_expected(&inv, buf, NWORDS - 1, 0) ^ ((uint64_t)1 << 62)));
        /* the sweep rewrote both: the buffer is good again */
        sw_pat_sink_reset(&s);
        CHECK(sw_pat_check(&p, buf, NWORDS, 0, &s) == 0);
    }
    free(buf);
}

static void test_block_copy(void)
{
    uint64_t *src = new_buf(NWORDS), *dst = new_buf(NWORDS);
    struct sw_pat_sum sums[NWORDS / BW], dsums[NWORDS / BW];
    struct sw_pat_pass p = {.id = SW_PAT_COPY, .step = 3, .seed = 99};
    struct sw_pat_sink s;
    memset(&s, 0, sizeof s);
    sw_pat_copy_fill(&p, src, NWORDS, 0, sums);
    for (unsigned b = 0; b < NWORDS / BW; b++) {
        struct sw_pat_sum c = sw_pat_checksum(src + b * BW, BW);
        CHECK(c.a == sums[b].a && c.b == sums[b].b);
    }
    /* a copy adds its constant to every word; the destination's checksums follow without a read */
    const uint64_t add = 0x1234567890abcdefull;
    CHECK(sw_pat_copy_verify(&p, dst, src, NWORDS, 0, add, sums, dsums, &s) == 0 && s.mismatches == 0);
    for (size_t i = 0; i < NWORDS; i++)
        if (dst[i] != src[i] + add) {
            CHECK_MSG(0, "word %zu not copied", i);
            break;
        }
    struct sw_pat_pass q = p;
    q.add = add;
    CHECK(sw_pat_copy_check(&q, dst, NWORDS, 0, dsums, &s) == 0 && s.mismatches == 0);
    CHECK(sw_pat_expected(&q, dst, 5, 0) == dst[5]);

    size_t where[2] = {0, NWORDS - 1};
    for (int i = 0; i < 2; i++) {
        sw_pat_sink_reset(&s);
        uint64_t want = dst[where[i]];
        dst[where[i]] ^= (uint64_t)1 << (i ? 63 : 0);
        CHECK(sw_pat_copy_check(&q, dst, NWORDS, 0, dsums, &s) == 1);
        CHECK(s.n_rec == 1 && s.rec[0].index == where[i] && s.rec[0].expected == want &&
              s.rec[0].actual == (want ^ ((uint64_t)1 << (i ? 63 : 0))) && s.rec[0].kind == SW_PAT_ERR_WORD);
        dst[where[i]] = want;
    }
    /* A bit flipped in the source is found as the copy reads it, at the source word; the destination
     * still gets the right data (the fault is reported once, where it is). */
    sw_pat_sink_reset(&s);
    src[BW + 3] ^= 16;
    CHECK(sw_pat_copy_verify(&p, dst, src, NWORDS, 0, add, sums, dsums, &s) == 1);
    CHECK(s.n_rec == 1 && s.rec[0].index == BW + 3 && s.rec[0].actual == (s.rec[0].expected ^ 16));
    src[BW + 3] ^= 16;
    sw_pat_sink_reset(&s);
    CHECK(sw_pat_copy_check(&q, dst, NWORDS, 0, dsums, &s) == 0);
    /* A copy that did not land (the destination keeps the previous leg's data) fails verification. */
    struct sw_pat_sum d2[NWORDS / BW];
    CHECK(sw_pat_copy_verify(&q, src, dst, NWORDS, 0, add, dsums, d2, &s) == 0);
    struct sw_pat_pass q2 = q;
    q2.add = 2 * add;
    memcpy(src + 2 * BW, dst + 2 * BW, BW * 8);   /* block 2 holds q's data, not q2's */
    sw_pat_sink_reset(&s);
    CHECK_INT(sw_pat_copy_check(&q2, src, NWORDS, 0, d2, &s), BW);
    CHECK(s.rec[0].index == 2 * BW);
    /* A corrupted checksum is reported against the table, not the data. */
    sw_pat_sink_reset(&s);
    dsums[2].b ^= 4;
    CHECK(sw_pat_copy_check(&q, dst, NWORDS, 0, dsums, &s) == 1);
    CHECK(s.n_rec == 1 && s.rec[0].kind == SW_PAT_ERR_SUMTABLE && s.rec[0].actual == (s.rec[0].expected ^ 4));
    /* ... also while copying, and the destination's checksum comes from the truth */
    sw_pat_sink_reset(&s);
    CHECK(sw_pat_copy_verify(&q, src, dst, NWORDS, 0, add, dsums, d2, &s) == 1);
    CHECK(s.n_rec == 1 && s.rec[0].kind == SW_PAT_ERR_SUMTABLE);
    sw_pat_sink_reset(&s);
    CHECK(sw_pat_copy_check(&q2, src, NWORDS, 0, d2, &s) == 0);
    dsums[2].b ^= 4;
    /* The wrong source (another thread's data and checksums) is every word wrong. */
    struct sw_pat_pass other = p;
    other.seed = 100;
    struct sw_pat_sum other_sums[NWORDS / BW];
    sw_pat_copy_fill(&other, dst, NWORDS, 0, other_sums);
    sw_pat_sink_reset(&s);
    CHECK(sw_pat_copy_check(&other, dst, NWORDS, 0, other_sums, &s) == 0);
    CHECK_INT(sw_pat_copy_check(&p, dst, NWORDS, 0, sums, &s), NWORDS);
    CHECK(s.mismatches == NWORDS && s.n_rec == SW_PAT_MAX_REC);
    free(src);
    free(dst);
}

/* Verify-and-write in one sweep, for a periodic pattern (line by line) and for address and random (block
 * by block): a flip in the old data is reported with the old value before the sweep overwrites it, and
 * afterwards every word holds the new data. */
static void test_check_write(void)
{
    uint64_t *buf = new_buf(NWORDS);
    static const struct sw_pat_pass pairs[][2] = {
        {{.id = SW_PAT_CHECKER, .step = 0}, {.id = SW_PAT_CHECKER, .step = 1}},
        {{.id = SW_PAT_ADDRESS, .step = 0, .nt = true}, {.id = SW_PAT_ADDRESS, .step = 1, .nt = true}},
        {{.id = SW_PAT_RANDOM, .step = 4, .seed = 3}, {.id = SW_PAT_RANDOM, .step = 5, .seed = 3}},
        {{.id = SW_PAT_CHECKER, .step = 1}, {.id = SW_PAT_RANDOM, .step = 1, .seed = 3}},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        for (size_t base = 0; base < 2; base++) {
            const struct sw_pat_pass *p = &pairs[i][0], *next = &pairs[i][1];
            sw_pat_fill(p, buf, NWORDS, base);
            size_t w = BW + 8 * 5 + 7;
            uint64_t want = sw_pat_expected(p, buf, w, base);
            buf[w] ^= (uint64_t)1 << 63;
            struct sw_pat_sink s;
            memset(&s, 0, sizeof s);
            CHECK_INT(sw_pat_check_write(p, next, buf, NWORDS, base, &s), 1);
            CHECK(s.n_rec == 1 && s.rec[0].index == w && s.rec[0].expected == want &&
                  s.rec[0].actual == (want ^ ((uint64_t)1 << 63)));
            sw_pat_sink_reset(&s);
            CHECK_INT(sw_pat_check(next, buf, NWORDS, base, &s), 0);
        }
    free(buf);
}

struct seen {
    unsigned words, blocks;
    uint64_t *last_addr;
};

static void cb_word(struct sw_pat_sink *s, uint64_t *addr, const struct sw_pat_err *e)
{
    struct seen *x = s->arg;
    x->words++;
    x->last_addr = addr;
    (void)e;
}

static void cb_block(struct sw_pat_sink *s, uint64_t *addr, const struct sw_pat_blk *b)
{
    struct seen *x = s->arg;
    x->blocks++;
    x->last_addr = addr;
    (void)b;
}

/* Records are bounded, the count is exact, callbacks get the word's address. */
static void test_bounded_records(void)
{
    uint64_t *buf = new_buf(NWORDS);
    struct sw_pat_pass p = {.id = SW_PAT_CHECKER, .step = 0};
    sw_pat_fill(&p, buf, NWORDS, 0);
    for (size_t i = 0; i < 200; i++)   /* 50 per block: below the block threshold */
        buf[i * (NWORDS / 200)] ^= 2;
    struct seen x = {0, 0, NULL};
    struct sw_pat_sink s;
    memset(&s, 0, sizeof s);
    s.on_word = cb_word;
    s.on_block = cb_block;
    s.arg = &x;
    CHECK_INT(sw_pat_check(&p, buf, NWORDS, 0, &s), 200);
    CHECK_INT(s.mismatches, 200);
    CHECK_INT(s.n_rec, SW_PAT_MAX_REC);
    CHECK_INT(x.words, SW_PAT_MAX_REC);
    CHECK_INT(s.blocks, 0);
    CHECK(x.last_addr == &buf[s.rec[SW_PAT_MAX_REC - 1].index]);
    free(buf);
}

/* Puts the data of `foreign` into block 1 of a buffer holding `cur` and expects one classified block. */
static void expect_block(const struct sw_pat_pass *cur, const struct sw_pat_pass *foreign, int want_pattern,
                         unsigned want_step)
{
    uint64_t *buf = new_buf(NWORDS);
    sw_pat_fill(cur, buf, NWORDS, 0);
    sw_pat_fill(foreign, buf + BW, BW, BW);
    struct seen x = {0, 0, NULL};
    struct sw_pat_sink s;
    memset(&s, 0, sizeof s);
    s.on_word = cb_word;
    s.on_block = cb_block;
    s.arg = &x;
    uint64_t bad = sw_pat_check(cur, buf, NWORDS, 0, &s);
    const char *name = sw_pat_info(cur->id)->name;
    CHECK_MSG(s.blocks == 1 && s.n_blk == 1 && s.n_rec == 0 && x.blocks == 1 && x.words == 0,
              "%s holding %s: blocks=%llu recs=%u", name, sw_pat_info(foreign->id)->name,
              (unsigned long long)s.blocks, s.n_rec);
    CHECK(bad > 0 && s.mismatches == bad && s.block_words == bad);
    if (s.n_blk == 1) {
        CHECK_MSG(s.blk[0].pattern == want_pattern && s.blk[0].step == want_step,
                  "%s: classified as pattern %d step %u, want %d step %u", name, s.blk[0].pattern, s.blk[0].step,
                  want_pattern, want_step);
        CHECK(s.blk[0].index == BW && s.blk[0].nwords == BW);
        CHECK(x.last_addr == buf + BW);
        char d[96];
        CHECK(strlen(sw_pat_blk_describe(&s.blk[0], d, sizeof d)) > 5);
    }
    free(buf);
}

static void test_block_classification(void)
{
    struct sw_pat_pass walk5 = {.id = SW_PAT_WALK1, .step = 5};
    struct sw_pat_pass check1 = {.id = SW_PAT_CHECKER, .step = 1};
    struct sw_pat_pass spread3 = {.id = SW_PAT_SPREAD, .step = 3};
    for (unsigned k = 0; k < sizeof simple / sizeof simple[0]; k++) {
        struct sw_pat_pass cur = {.id = simple[k], .step = 7, .seed = 5};
        const struct sw_pat_pass *f = simple[k] == SW_PAT_WALK1 ? &check1 : &walk5;
        expect_block(&cur, f, f->id, f->step);
    }
    /* a stale block: the same pattern's previous step */
    struct sw_pat_pass s2 = {.id = SW_PAT_SPREAD, .step = 4};
    expect_block(&s2, &spread3, SW_PAT_SPREAD, 3);
    struct sw_pat_pass r7 = {.id = SW_PAT_RANDOM, .step = 7, .seed = 5}, r6 = r7;
    r6.step = 6;
    expect_block(&r7, &r6, SW_PAT_RANDOM, 6);
    /* a lost page reading all zeros */
    struct sw_pat_pass zeros = {.id = SW_PAT_SOLID, .step = 1};
    expect_block(&r7, &zeros, SW_PAT_SOLID, 1);
    /* the inverted moving-inversions data (a sweep's writes did not land) */
    struct sw_pat_pass mi = {.id = SW_PAT_MOVINV, .step = 4}, miinv = mi;
    miinv.inv = true;
    expect_block(&mi, &miinv, SW_PAT_MOVINV, 4);

    /* Random junk is not an addressing fault: it is reported as words (bounded). */
    uint64_t *buf = new_buf(NWORDS);
    struct sw_pat_pass c0 = {.id = SW_PAT_CHECKER, .step = 0};
    sw_pat_fill(&c0, buf, NWORDS, 0);
    for (size_t i = 0; i < BW; i++)
        buf[BW + i] = (uint64_t)i * 0x12345678ull + 3;
    struct sw_pat_sink s;
    memset(&s, 0, sizeof s);
    CHECK_INT(sw_pat_check(&c0, buf, NWORDS, 0, &s), BW);
    CHECK(s.blocks == 0 && s.n_rec == SW_PAT_MAX_REC && s.mismatches == BW);
    free(buf);
}

/* Address-in-address against aliasing. First the single-word picture (the write meant for word 700
 * landed on word 10), then a real alias: two virtual pages mapped onto the same memory. */
static void test_address_aliasing(void)
{
    uint64_t *buf = new_buf(NWORDS);
    struct sw_pat_pass a = {.id = SW_PAT_ADDRESS, .step = 0};
    sw_pat_fill(&a, buf, NWORDS, 0);
    buf[10] = buf[700];
    struct sw_pat_sink s;
    memset(&s, 0, sizeof s);
    CHECK_INT(sw_pat_check(&a, buf, NWORDS, 0, &s), 1);
    CHECK(s.n_rec == 1 && s.rec[0].index == 10 && s.rec[0].expected == (uint64_t)(uintptr_t)&buf[10] &&
          s.rec[0].actual == (uint64_t)(uintptr_t)&buf[700]);
    free(buf);

    long page = sysconf(_SC_PAGESIZE);
    if (page != 4096) {
        printf("  (real alias check skipped: page size %ld)\n", page);
        return;
    }
    int fd = memfd_create("sw-alias", 0);
    CHECK(fd >= 0);
    if (fd < 0 || ftruncate(fd, 2 * page) != 0)
        return;
    char *base = mmap(NULL, 4 * (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(base != MAP_FAILED);
    void *m0 = mmap(base, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
    void *m1 = mmap(base + 2 * page, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
    CHECK(m0 == base && m1 == base + 2 * page);
    uint64_t *w = (uint64_t *)(void *)base;
    for (unsigned step = 0; step < 2; step++) {
        struct sw_pat_pass p = {.id = SW_PAT_ADDRESS, .step = step};
        sw_pat_fill(&p, w, 4 * BW, 0);
        memset(&s, 0, sizeof s);
        uint64_t bad = sw_pat_check(&p, w, 4 * BW, 0, &s);
        /* the second half's writes landed on the first half: 2 pages of aliased addresses */
        CHECK_INT(bad, 2 * BW);
        CHECK_INT(s.blocks, 2);
        CHECK(s.n_blk == 2 && s.blk[0].pattern == SW_PAT_ADDRESS && s.blk[0].delta == 2 * page &&
              s.blk[0].step == step && s.blk[0].index == 0 && s.blk[1].index == BW);
        char d[96];
        if (s.n_blk)
            CHECK_STR(sw_pat_blk_describe(&s.blk[0], d, sizeof d), "the addresses of memory +0x2000 bytes away (aliased)");
    }
    munmap(base, 4 * (size_t)page);
    close(fd);
}

static void test_parse_list(void)
{
    struct sw_diag d;
    unsigned mask = 0;
    CHECK(sw_pat_parse_list("all", &mask, &d) == 0 && mask == SW_PAT_ALL);
    CHECK(sw_pat_parse_list("solid,checkerboard", &mask, &d) == 0 &&
          mask == ((1u << SW_PAT_SOLID) | (1u << SW_PAT_CHECKER)));
    CHECK(sw_pat_parse_list("walking-ones, random", &mask, &d) == 0 &&
          mask == ((1u << SW_PAT_WALK1) | (1u << SW_PAT_RANDOM)));
    CHECK(sw_pat_parse_list("solid,bogus", &mask, &d) < 0);
    CHECK(strstr(d.msg, "'bogus'") && strstr(d.msg, "walking-zeros"));
    CHECK(sw_pat_parse_list(",", &mask, &d) < 0);
    for (int i = 0; i < SW_PAT_COUNT; i++)
        CHECK(sw_pat_from_name(sw_pat_info((enum sw_pat_id)i)->name) == i);
    CHECK(sw_pat_from_name("nope") == -1);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"simple patterns: clean, first/last word flips", test_simple_patterns},
        {"steps differ; known values", test_steps_differ},
        {"moving inversions up and down", test_moving_inversions},
        {"block copy with checksums", test_block_copy},
        {"verify and write in one sweep", test_check_write},
        {"bounded records, exact count, callbacks", test_bounded_records},
        {"block classification (addressing faults)", test_block_classification},
        {"address-in-address finds aliases", test_address_aliasing},
        {"pattern list parsing", test_parse_list},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
