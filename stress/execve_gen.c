#include "stress/execve_gen.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes of string i: printable (no NUL may appear), from a per-string PRNG so any string can be
 * produced or checked on its own. Env strings get a "SWX<i>=" key so they are well formed. */
static uint64_t str_seed(const struct sw_xgen *g, uint32_t i)
{
    return sw_mix64(g->seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull));
}

void sw_xgen_start(struct sw_xgen *g, uint64_t seed, uint64_t max_bytes)
{
    struct sw_rng r;
    sw_rng_seed(&r, seed);
    g->seed = seed;
    g->idx = 0;
    /* Total size: mostly small lists (the fast common case), sometimes near the maximum (the
     * kernel copying hundreds of KiB of strings). */
    uint64_t pick = sw_rng_next(&r);
    uint64_t cap = max_bytes ? max_bytes : 1;
    uint64_t total;
    switch (pick & 3) {
    case 0: total = sw_rng_below(&r, cap < 512 ? cap : 512) + 1; break;
    case 1: total = sw_rng_below(&r, cap < 8192 ? cap : 8192) + 1; break;
    case 2: total = sw_rng_below(&r, cap < 65536 ? cap : 65536) + 1; break;
    default: total = sw_rng_below(&r, cap) + 1; break;
    }
    g->left = total;
    uint64_t count = sw_rng_below(&r, (pick >> 8) & 1 ? 64 : SW_XGEN_MAX_STRINGS) + 1;
    if (count > total)
        count = total;
    g->nargs = (uint32_t)sw_rng_below(&r, count + 1);
    g->nenv = (uint32_t)(count - g->nargs);
    g->avg = total / count + 1;
}

static uint64_t prefix_len(uint32_t idx, uint32_t nargs, char *pfx)
{
    if (idx < nargs)
        return 0;
    /* "SWX" + decimal index + "=" */
    char tmp[12];
    int k = 0;
    uint32_t v = idx - nargs;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    pfx[0] = 'S';
    pfx[1] = 'W';
    pfx[2] = 'X';
    for (int j = 0; j < k; j++)
        pfx[3 + j] = tmp[k - 1 - j];
    pfx[3 + k] = '=';
    return (uint64_t)k + 4;
}

long sw_xgen_next_len(struct sw_xgen *g)
{
    if (g->idx >= g->nargs + g->nenv)
        return -1;
    uint32_t i = g->idx++;
    char pfx[16];
    uint64_t p = prefix_len(i, g->nargs, pfx);
    struct sw_rng r;
    sw_rng_seed(&r, str_seed(g, i));
    uint64_t body = sw_rng_below(&r, 2 * g->avg);
    if (body > g->left)
        body = g->left;
    if (body + p > SW_XGEN_MAX_STR)
        body = SW_XGEN_MAX_STR - p;
    g->left -= body;
    return (long)(body + p);
}

/* The k-th content byte of string i, computed 8 at a time. */
#define BODY_BYTE(word, k) ((char)(0x21 + (((word) >> ((k) * 8)) & 0xff) % 94))

void sw_xgen_fill(const struct sw_xgen *g, char *dst, size_t len)
{
    uint32_t i = g->idx - 1;
    char pfx[16];
    size_t p = (size_t)prefix_len(i, g->nargs, pfx);
    memcpy(dst, pfx, p);
    struct sw_rng r;
    sw_rng_seed(&r, str_seed(g, i));
    sw_rng_next(&r);   /* the length draw */
    for (size_t k = p; k < len;) {
        uint64_t w = sw_rng_next(&r);
        for (int b = 0; b < 8 && k < len; b++, k++)
            dst[k] = BODY_BYTE(w, b);
    }
    dst[len] = '\0';
}

int sw_xgen_compare(const struct sw_xgen *g, const char *s, size_t len)
{
    uint32_t i = g->idx - 1;
    char pfx[16];
    size_t p = (size_t)prefix_len(i, g->nargs, pfx);
    if (len < p || memcmp(s, pfx, p) != 0)
        return 1;
    struct sw_rng r;
    sw_rng_seed(&r, str_seed(g, i));
    sw_rng_next(&r);
    for (size_t k = p; k < len;) {
        uint64_t w = sw_rng_next(&r);
        for (int b = 0; b < 8 && k < len; b++, k++)
            if (s[k] != BODY_BYTE(w, b))
                return 1;
    }
    return 0;
}

static int parse_u64(const char *s, int base, uint64_t *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    *out = strtoull(s, &end, base);
    return *end ? -1 : 0;
}

int sw_xgen_child(int argc, char **argv, char **envp)
{
    uint64_t fd, seed, max_bytes;
    if (argc < SW_XGEN_HDR || parse_u64(argv[1], 10, &fd) < 0 || parse_u64(argv[2], 16, &seed) < 0 ||
        parse_u64(argv[3], 10, &max_bytes) < 0)
        return SW_XGEN_EXIT_USAGE;
    /* Digest what arrived; separately, compare it with what should have arrived. */
    uint64_t h = SW_FNV_INIT;
    int bad = 0;
    struct sw_xgen g;
    sw_xgen_start(&g, seed, max_bytes);
    int nargs = argc - SW_XGEN_HDR;
    if ((uint32_t)nargs != g.nargs)
        bad = 1;
    for (int i = 0; i < nargs; i++) {
        size_t len = strlen(argv[SW_XGEN_HDR + i]);
        h = sw_xgen_digest(h, argv[SW_XGEN_HDR + i], len);
        if (!bad) {
            long want = sw_xgen_next_len(&g);
            bad = want != (long)len || sw_xgen_compare(&g, argv[SW_XGEN_HDR + i], len);
        }
    }
    uint32_t nenv = 0;
    for (char **e = envp; e && *e; e++, nenv++) {
        size_t len = strlen(*e);
        h = sw_xgen_digest(h, *e, len);
        if (!bad) {
            long want = sw_xgen_next_len(&g);
            bad = want != (long)len || sw_xgen_compare(&g, *e, len);
        }
    }
    if (nenv != g.nenv)
        bad = 1;
    struct sw_xgen_record rec = {(int32_t)getpid(), bad ? SW_XGEN_EXIT_MISMATCH : sw_xgen_exit_code(h), h};
    if (write((int)fd, &rec, sizeof rec) != (ssize_t)sizeof rec)
        return SW_XGEN_EXIT_USAGE;
    return rec.status;
}
