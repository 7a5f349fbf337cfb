/* A small LZ77 compressor/decompressor (LZ4-like sequence format) written for the compute workload's
 * round-trip kernel: branchy, table-driven, pointer-chasing integer work of the kind real compressors
 * and compilers do, with an exactly known output. Pure: no allocation, bounds-checked decode. */
#ifndef SW_LZ_H
#define SW_LZ_H

#include <stddef.h>
#include <stdint.h>

#define SW_LZ_HASH_BITS 12

/* Caller-provided match finder state (16 KiB), so the hot loop never allocates. */
struct sw_lz_work {
    uint32_t table[1u << SW_LZ_HASH_BITS];
};

/* Worst-case compressed size of n input bytes. */
static inline size_t sw_lz_bound(size_t n)
{
    return n + n / 255 + 16;
}

/* Compresses n bytes into out (cap >= sw_lz_bound(n)). Returns the compressed size, 0 if out is
 * too small. Deterministic: the same input always gives the same bytes. */
size_t sw_lz_compress(struct sw_lz_work *w, const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* Decompresses into out. Returns the decompressed size, or -1 if the stream is malformed or would
 * overflow cap (never reads or writes out of bounds). */
long sw_lz_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

#endif
