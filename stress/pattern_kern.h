/* The memory patterns' hot loops, one set per instruction-set level (stress/pattern_kern.inc compiled
 * once per level: pattern_generic.c, pattern_sse2.c, pattern_avx2.c, pattern_avx512.c). Every level
 * computes exactly the same values, checksums and verdicts; only the vector width differs, so the
 * level is picked at run time by what the CPU has (or forced, for tests, with STRESSWSL_MEM_ISA).
 *
 * Conventions shared by every kernel:
 * - buffers are 8-byte aligned; non-temporal stores are used only when asked (`nt`) and the buffer is
 *   aligned to the vector width, else plain stores (the values are the same);
 * - n is any number of words: whole 64-byte cache lines go through the vectors, a tail of fewer than
 *   8 words through scalar code;
 * - checks compare whole cache lines and branch only when a line differs: they return the index of
 *   the first word of the first differing line (or of the tail), n when everything matches. The
 *   caller then finds the word and bit;
 * - a checksum (struct sw_pat_sum) is defined over 8 lanes (word index mod 8) so that it is the same
 *   at every vector width: sa[l] = sum of lane l, sb[l] = running sum of sa[l] after each line;
 *   a = sum (2l+1) sa[l], b = sum (2l+3) sb[l]. n must be a multiple of 8 for checksums. */
#ifndef SW_PATTERN_KERN_H
#define SW_PATTERN_KERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_PAT_LINE_WORDS 8u   /* one 64-byte cache line */

struct sw_pat_sum {
    uint64_t a, b;
};

enum sw_pat_isa {
    SW_PAT_ISA_GENERIC = 0,   /* portable C vectors (16 bytes), plain stores: any architecture */
    SW_PAT_ISA_SSE2,          /* x86-64 baseline: 16-byte vectors, non-temporal stores          */
    SW_PAT_ISA_AVX2,          /* 32-byte vectors                                                */
    SW_PAT_ISA_AVX512,        /* 64-byte vectors: one cache line per register                   */
    SW_PAT_ISA_COUNT
};

struct sw_pat_kern {
    const char *name;   /* "generic", "sse2", "avx2", "avx512" */
    enum sw_pat_isa isa;
    /* word i = (i even ? a : b), i counted from buf */
    void (*fill_periodic)(uint64_t *buf, size_t n, uint64_t a, uint64_t b, bool nt);
    size_t (*diff_periodic)(const uint64_t *buf, size_t n, uint64_t a, uint64_t b);
    /* word i = its own address ^ mask */
    void (*fill_address)(uint64_t *buf, size_t n, uint64_t mask, bool nt);
    size_t (*diff_address)(const uint64_t *buf, size_t n, uint64_t mask);
    /* word i = sw_pat_rnd(key, gi0 + i) + add; with sum non-NULL also its checksum (n % 8 == 0) */
    void (*fill_random)(uint64_t *buf, size_t n, uint64_t gi0, uint64_t key, uint64_t add, bool nt,
                        struct sw_pat_sum *sum);
    size_t (*diff_random)(const uint64_t *buf, size_t n, uint64_t gi0, uint64_t key, uint64_t add);
    /* Fused verify-and-write: each line is compared with (a, b) and, if it matches, overwritten with
     * (na, nb). Upwards (down = false) it stops at the first differing line and returns its index:
     * words below it were rewritten, words from it on are untouched. Downwards it returns the end of
     * the untouched range [0, r) (0 when all matched): words from r on were rewritten. Plain stores:
     * the sweep has just read each line, so it is in the cache. */
    size_t (*verify_write)(uint64_t *buf, size_t n, uint64_t a, uint64_t b, uint64_t na, uint64_t nb, bool down);
    struct sw_pat_sum (*checksum)(const uint64_t *buf, size_t n);
    /* dst[i] = src[i] + add; returns the checksum of src as read (n % 8 == 0). */
    struct sw_pat_sum (*copy_add)(uint64_t *dst, const uint64_t *src, size_t n, uint64_t add, bool nt);
};

/* The kernels of one level: NULL when this build or this CPU cannot run them. */
const struct sw_pat_kern *sw_pat_kern_get(enum sw_pat_isa isa);
/* The level to use: STRESSWSL_MEM_ISA (generic, sse2, avx2, avx512) when set and runnable, else the
 * widest the CPU has. Read once. */
const struct sw_pat_kern *sw_pat_kern_default(void);
/* The level named by text; NULL if unknown or not runnable here. */
const struct sw_pat_kern *sw_pat_kern_by_name(const char *name);

/* Each level's table (pattern_<level>.c; the x86 levels exist only in x86-64 builds). Use sw_pat_kern_get. */
const struct sw_pat_kern *sw_pat_kern_generic(void);
const struct sw_pat_kern *sw_pat_kern_sse2(void);
const struct sw_pat_kern *sw_pat_kern_avx2(void);
const struct sw_pat_kern *sw_pat_kern_avx512(void);

/* The random patterns' word generator: counter-based, so any word can be regenerated from its index. */
static inline uint64_t sw_pat_rnd(uint64_t key, uint64_t gi)
{
    uint64_t x = (gi + key) * 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    return x ^ (x >> 32);
}

/* The checksum of a block of n words (n % 8 == 0) after adding `add` to every word: checksums are
 * linear, so a copy's destination sum follows from the verified source sum without reading it. */
static inline struct sw_pat_sum sw_pat_sum_add(struct sw_pat_sum s, size_t n, uint64_t add)
{
    uint64_t m = n / SW_PAT_LINE_WORDS;   /* words per lane */
    /* sum over lanes of (2l+1) = 64; of (2l+3) = 80; sb gains add * (1 + 2 + ... + m) per lane */
    s.a += add * m * 64u;
    s.b += add * (m * (m + 1) / 2) * 80u;
    return s;
}

#endif
