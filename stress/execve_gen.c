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

/* Content bytes are printable 0x21..0x60 (never NUL): six random bits per byte, a whole word at once. */
static inline uint64_t printable(uint64_t w)
{
    return (w & 0x3f3f3f3f3f3f3f3full) + 0x2121212121212121ull;
}

/* Per-string PRNG seed, so any string can be produced or checked on its own. */
static uint64_t str_seed(const struct sw_xgen *g, uint32_t i)
{
    return sw_mix64(g->seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull));
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
    g->body_seed = 0;
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

/* Environment strings start with "SWX<i>=" so they are well formed; returns its length. */
static size_t prefix(uint32_t idx, uint32_t nargs, char *pfx)
{
    if (idx < nargs)
        return 0;
    char tmp[12];
    size_t k = 0;
    uint32_t v = idx - nargs;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    pfx[0] = 'S';
    pfx[1] = 'W';
    pfx[2] = 'X';
    for (size_t j = 0; j < k; j++)
        pfx[3 + j] = tmp[k - 1 - j];
    pfx[3 + k] = '=';
    return k + 4;
}

long sw_xgen_next_len(struct sw_xgen *g)
{
    if (g->idx >= g->nargs + g->nenv)
        return -1;
    uint32_t i = g->idx++;
    char pfx[16];
    uint64_t p = prefix(i, g->nargs, pfx);
    struct sw_rng r;
    sw_rng_seed(&r, str_seed(g, i));
    uint64_t body = sw_rng_below(&r, 2 * g->avg);
    g->body_seed = r.s;
    if (body > g->left)
        body = g->left;
    if (body + p > SW_XGEN_MAX_STR)
        body = SW_XGEN_MAX_STR - p;
    g->left -= body;
    return (long)(body + p);
}

/* The expected 8 bytes at offset k of the current string: the next PRNG word made printable, with
 * the prefix laid over the first bytes. */
static inline uint64_t expect_word(struct sw_rng *r, const char *pfx, size_t p, size_t k)
{
    uint64_t w = printable(sw_rng_next(r));
    for (size_t b = k; b < p && b < k + 8; b++) {
        unsigned sh = byte_shift((unsigned)(b - k));
        w = (w & ~(0xffull << sh)) | ((uint64_t)(unsigned char)pfx[b] << sh);
    }
    return w;
}

static inline unsigned char byte_of(uint64_t w, size_t b)
{
    return (unsigned char)(w >> byte_shift((unsigned)b));
}

/* The digest's last step for a string: the 0-7 trailing bytes, then the length. */
static inline uint64_t finish_str(uint64_t h, uint64_t tail, size_t len)
{
    return step(step(h, tail), (uint64_t)len);
}

uint64_t sw_xgen_digest(uint64_t h, const char *s, size_t len)
{
    size_t k = 0;
    for (; k + 8 <= len; k += 8)
        h = step(h, load64(s + k));
    uint64_t tail = 0;
    for (size_t b = 0; k + b < len; b++)
        tail |= (uint64_t)(unsigned char)s[k + b] << (8 * b);
    return finish_str(h, tail, len);
}

uint64_t sw_xgen_fill(const struct sw_xgen *g, char *dst, size_t len, uint64_t h)
{
    char pfx[16];
    size_t p = prefix(g->idx - 1, g->nargs, pfx);
    struct sw_rng r = {g->body_seed};
    size_t k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t w = expect_word(&r, pfx, p, k);
        store64(dst + k, w);
        h = step(h, w);
    }
    uint64_t tail = 0;
    if (k < len) {
        uint64_t w = expect_word(&r, pfx, p, k);
        for (size_t b = 0; k + b < len; b++) {
            dst[k + b] = (char)byte_of(w, b);
            tail |= (uint64_t)byte_of(w, b) << (8 * b);
        }
    }
    dst[len] = '\0';
    return finish_str(h, tail, len);
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
 * still mapped in an exec'd child (the exec file name and the end-of-stack word follow the last
 * string) and inside the buffers the tests use. */
int sw_xgen_compare(const struct sw_xgen *g, const char *s, size_t len, uint64_t *hp)
{
    char pfx[16];
    size_t p = prefix(g->idx - 1, g->nargs, pfx);
    struct sw_rng r = {g->body_seed};
    uint64_t h = *hp;
    size_t k = 0;
    for (; k + 8 <= len; k += 8) {
        uint64_t got = load64(s + k);
        if (got != expect_word(&r, pfx, p, k))
            goto differs;
        h = step(h, got);
    }
    uint64_t tail = 0;
    if (k < len) {
        uint64_t w = expect_word(&r, pfx, p, k);
        for (size_t b = 0; k + b < len; b++) {
            if ((unsigned char)s[k + b] != byte_of(w, b))
                goto differs;
            tail |= (uint64_t)byte_of(w, b) << (8 * b);
        }
    }
    if (s[len] != '\0')
        goto differs;
    *hp = finish_str(h, tail, len);
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
