/* Small, allocation-free digests and a PRNG shared by the process workloads (compute, execve,
 * compile) and their re-executed children. Deterministic on every CPU: integer-only. */
#ifndef SW_DIGEST_H
#define SW_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define SW_FNV_INIT 0xcbf29ce484222325ull

/* FNV-1a 64 over bytes, continuing from h (start with SW_FNV_INIT). */
static inline uint64_t sw_fnv1a64(uint64_t h, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* splitmix64 finaliser: a bijective 64-bit mix. */
static inline uint64_t sw_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* Folds a 64-bit value into a running digest (order-sensitive). */
static inline uint64_t sw_digest_add(uint64_t h, uint64_t v)
{
    return sw_mix64(h ^ sw_mix64(v + 0x9e3779b97f4a7c15ull));
}

/* xorshift64* PRNG; state must be non-zero (sw_rng_seed makes sure). */
struct sw_rng {
    uint64_t s;
};

static inline void sw_rng_seed(struct sw_rng *r, uint64_t seed)
{
    r->s = sw_mix64(seed) | 1u;
}

static inline uint64_t sw_rng_next(struct sw_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

/* Uniform-ish in [0, n) (n > 0); the modulo bias is irrelevant for test data. */
static inline uint64_t sw_rng_below(struct sw_rng *r, uint64_t n)
{
    return sw_rng_next(r) % n;
}

#endif
