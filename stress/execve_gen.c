/* Freestanding on purpose (stress/execve_gen.h): the no-libc helper links this file alone, so no
 * libc calls here, and the compiler must not be able to turn a loop into one (the helper's build
 * uses -fno-tree-loop-distribute-patterns; the loops below are not memcpy/memset shaped anyway). */
#include "stress/execve_gen.h"

/* Unaligned, alias-safe 8-byte access: the received strings start at any address. */
typedef uint64_t sw_u64_unaligned __attribute__((aligned(1), may_alias));

static inline uint64_t load64(const char *p)
{
    return *(const sw_u64_unaligned *)p;
}

static inline void store64(char *p, uint64_t w)
{
    *(sw_u64_unaligned *)p = w;
}

/* Shift that moves byte b (memory order) of a loaded word to the bottom. */
static inline unsigned byte_shift(unsigned b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return 56 - 8 * b;
#else
    return 8 * b;
#endif
}

/* One digest step per 8 bytes: a bijection of h for a fixed w and of w for a fixed h, so one
 * changed word always changes the result (FNV-1a byte by byte was the hot spot of the child). */
static inline uint64_t step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

/* A string is digested in two lanes (even and odd words) so the two multiply chains overlap: lane
 * a continues the running digest, lane b starts from a constant (starting it from the digest too
 * would cancel in the first fold). Then the lanes, the 0-7 trailing bytes and the length are
 * folded in; each fold is a bijection in either input, so one changed word, or a different digest
 * before the string, always changes the result, and string boundaries count. */
#define LANE_B 0x5851f42d4c957f2dull
static inline uint64_t fold(uint64_t a, uint64_t b, uint64_t tail, size_t len)
{
    return step(step(step(a, b), tail), (uint64_t)len);
}

/* Content word j of a string: independent of the others (no PRNG chain to wait for), made
 * printable 0x21..0x60 (never NUL), six random bits per byte, a whole word at once. */
static inline uint64_t word_at(uint64_t key, uint64_t j)
{
    uint64_t z = key + (j + 1) * 0x9e3779b97f4a7c15ull;
    z ^= z >> 32;
    z *= 0xd6e8feb86659fd93ull;
    z ^= z >> 32;
    return (z & 0x3f3f3f3f3f3f3f3full) + 0x2121212121212121ull;
}

static inline uint64_t below(uint64_t x, uint64_t n)
{
#ifdef __SIZEOF_INT128__
    return (uint64_t)(((unsigned __int128)x * n) >> 64);   /* no division per string */
#else
    return x % n;
#endif
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Uniform in [lo, hi] after capping both at cap (cap >= 1). */
static uint64_t draw(struct sw_rng *r, uint64_t lo, uint64_t hi, uint64_t cap)
{
    hi = min64(hi, cap);
    lo = min64(lo, hi);
    return lo + sw_rng_below(r, hi - lo + 1);
}

void sw_xgen_start(struct sw_xgen *g, uint64_t seed, uint64_t max_bytes)
{
    struct sw_rng r;
    sw_rng_seed(&r, seed);
    g->seed = seed;
    g->idx = 0;
    g->key = 0;
    g->plen = 0;
    uint64_t pick = sw_rng_next(&r);
    uint64_t cap = max_bytes ? max_bytes : 1;
    uint64_t total, count;
    unsigned cls = (unsigned)(pick & 63);
    if (cls < 56) {          /* 7/8: one build command */
        total = draw(&r, 1, 8192, cap);
        count = draw(&r, 8, 128, SW_XGEN_MAX_STRINGS);
    } else if (cls < 60) {   /* 1/16: a long command line */
        total = draw(&r, 8192, 65536, cap);
        count = draw(&r, 128, 1024, SW_XGEN_MAX_STRINGS);
    } else {                 /* 1/16: huge, many strings or a few long ones */
        total = draw(&r, cap / 2, cap, cap);
        count = draw(&r, 1, (pick >> 8) & 1 ? SW_XGEN_MAX_STRINGS : 64, SW_XGEN_MAX_STRINGS);
    }
    if (total < 1)
        total = 1;
    if (count > total)
        count = total;
    g->left = total;
    g->nargs = (uint32_t)sw_rng_below(&r, count + 1);
    g->nenv = (uint32_t)(count - g->nargs);
    g->avg = total / count + 1;
}

/* Environment strings start with "SWX<i>=" so they are well formed. */
static uint32_t make_prefix(uint32_t idx, uint32_t nargs, char *pfx)
{
    if (idx < nargs)
        return 0;
    char tmp[12];
    uint32_t k = 0;
    uint32_t v = idx - nargs;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    pfx[0] = 'S';
    pfx[1] = 'W';
    pfx[2] = 'X';
    for (uint32_t j = 0; j < k; j++)
        pfx[3 + j] = tmp[k - 1 - j];
    pfx[3 + k] = '=';
    return k + 4;
}

long sw_xgen_next_len(struct sw_xgen *g)
{
    if (g->idx >= g->nargs + g->nenv)
        return -1;
    uint32_t i = g->idx++;
    /* per-string key, so any string can be produced or checked on its own */
    g->key = sw_mix64(g->seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull));
    g->plen = make_prefix(i, g->nargs, g->pfx);
    uint64_t body = below(sw_mix64(g->key), 2 * g->avg);
    if (body > g->left)
        body = g->left;
    if (body + g->plen > SW_XGEN_MAX_STR)
        body = SW_XGEN_MAX_STR - g->plen;
    g->left -= body;
    return (long)(body + g->plen);
}

/* The expected 8 bytes at offset k of the current string, the prefix laid over the first ones. */
static inline uint64_t expect_word(const struct sw_xgen *g, size_t k)
{
    uint64_t w = word_at(g->key, k / 8);
    for (size_t b = k; b < g->plen && b < k + 8; b++) {
        unsigned sh = byte_shift((unsigned)(b - k));
        w = (w & ~(0xffull << sh)) | ((uint64_t)(unsigned char)g->pfx[b] << sh);
    }
    return w;
}

static inline unsigned char byte_of(uint64_t w, size_t b)
{
    return (unsigned char)(w >> byte_shift((unsigned)b));
}

uint64_t sw_xgen_digest(uint64_t h, const char *s, size_t len)
{
    uint64_t a = h, b = LANE_B;
    size_t k = 0;
    for (; k + 16 <= len; k += 16) {
        a = step(a, load64(s + k));
        b = step(b, load64(s + k + 8));
    }
    if (k + 8 <= len) {
        a = step(a, load64(s + k));
        k += 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; k + i < len; i++)
        tail |= (uint64_t)(unsigned char)s[k + i] << (8 * i);
    return fold(a, b, tail, len);
}

/* The trailing 0-7 bytes of the expected string, packed as sw_xgen_digest packs them. */
static inline uint64_t expect_tail(const struct sw_xgen *g, size_t k, size_t len)
{
    if (k >= len)
        return 0;
    uint64_t w = expect_word(g, k), tail = 0;
    for (size_t i = 0; k + i < len; i++)
        tail |= (uint64_t)byte_of(w, i) << (8 * i);
    return tail;
}

uint64_t sw_xgen_fill(const struct sw_xgen *g, char *dst, size_t len, uint64_t h)
{
    uint64_t a = h, b = LANE_B;
    size_t k = 0;
    for (; k + 16 <= len; k += 16) {
        uint64_t w0 = expect_word(g, k), w1 = expect_word(g, k + 8);
        store64(dst + k, w0);
        store64(dst + k + 8, w1);
        a = step(a, w0);
        b = step(b, w1);
    }
    if (k + 8 <= len) {
        uint64_t w0 = expect_word(g, k);
        store64(dst + k, w0);
        a = step(a, w0);
        k += 8;
    }
    uint64_t tail = expect_tail(g, k, len);
    for (size_t i = 0; k + i < len; i++)
        dst[k + i] = (char)(tail >> (8 * i));
    dst[len] = '\0';
    return fold(a, b, tail, len);
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Compares and digests in one pass. The word loads stop at the first difference, and generated
 * bytes are never NUL, so a string shorter than expected is read at most 7 bytes past its NUL:
 * still mapped in an exec'd child (the exec file name, its NUL and the 8-byte end-of-stack word
 * follow the last string) and inside the buffers the tests use. */
int sw_xgen_compare(const struct sw_xgen *g, const char *s, size_t len, uint64_t *hp)
{
    uint64_t a = *hp, b = LANE_B;
    size_t k = 0;
    for (; k + 16 <= len; k += 16) {
        uint64_t w0 = load64(s + k);
        if (w0 != expect_word(g, k))
            goto differs;
        uint64_t w1 = load64(s + k + 8);   /* only once w0 has no NUL: see above */
        if (w1 != expect_word(g, k + 8))
            goto differs;
        a = step(a, w0);
        b = step(b, w1);
    }
    if (k + 8 <= len) {
        uint64_t w0 = load64(s + k);
        if (w0 != expect_word(g, k))
            goto differs;
        a = step(a, w0);
        k += 8;
    }
    uint64_t tail = expect_tail(g, k, len);
    for (size_t i = 0; k + i < len; i++)
        if ((unsigned char)s[k + i] != (unsigned char)(tail >> (8 * i)))
            goto differs;
    if (s[len] != '\0')
        goto differs;
    *hp = fold(a, b, tail, len);
    return 0;
differs:
    *hp = sw_xgen_digest(*hp, s, str_len(s));
    return 1;
}

static int parse_u64(const char *s, unsigned base, uint64_t *out)
{
    if (!s || !*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return -1;
        if (v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

/* One received string: compared with the next expected one while nothing differed yet, else
 * only digested. */
static void check_one(struct sw_xgen *g, const char *s, uint64_t *h, int *bad)
{
    if (!*bad) {
        long want = sw_xgen_next_len(g);
        if (want >= 0) {
            *bad = sw_xgen_compare(g, s, (size_t)want, h);
            return;
        }
        *bad = 1;
    }
    *h = sw_xgen_digest(*h, s, str_len(s));
}

int sw_xgen_check(int argc, char **argv, char **envp, int *fd, struct sw_xgen_record *rec)
{
    uint64_t fdv, seed, max_bytes;
    if (argc < SW_XGEN_HDR || parse_u64(argv[1], 10, &fdv) < 0 || fdv > 0x7fffffff ||
        parse_u64(argv[2], 16, &seed) < 0 || parse_u64(argv[3], 10, &max_bytes) < 0)
        return SW_XGEN_EXIT_USAGE;
    /* Digest what arrived; separately, compare it with what should have arrived. */
    struct sw_xgen g;
    sw_xgen_start(&g, seed, max_bytes);
    uint64_t h = SW_FNV_INIT;
    int nargs = argc - SW_XGEN_HDR;
    int bad = (uint32_t)nargs != g.nargs;
    for (int i = 0; i < nargs; i++)
        check_one(&g, argv[SW_XGEN_HDR + i], &h, &bad);
    uint32_t nenv = 0;
    for (char **e = envp; e && *e; e++, nenv++)
        check_one(&g, *e, &h, &bad);
    if (nenv != g.nenv)
        bad = 1;
    *fd = (int)fdv;
    rec->pid = 0;
    rec->status = bad ? SW_XGEN_EXIT_MISMATCH : sw_xgen_exit_code(h);
    rec->digest = h;
    return rec->status;
}
