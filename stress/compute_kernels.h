/* The compute workload's kernels: deterministic integer, floating-point, vector and compression work
 * on fixed inputs, each reduced to one 64-bit digest that must equal a constant embedded in the
 * program (stress/compute_kernels.c). The constants were produced once by this code and cross-checked
 * independently (integer arithmetic for the exact FP matrix, Python's IEEE doubles for the FP series),
 * so a CPU that computes wrongly cannot also compute a wrong reference. */
#ifndef SW_COMPUTE_KERNELS_H
#define SW_COMPUTE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "stress/lz.h"

#define SW_CK_CRC_BYTES (32u << 10)
#define SW_CK_LZ_BYTES (48u << 10)
#define SW_CK_MAT_N 40
#define SW_CK_VEC_LANES 2048

/* Inputs and scratch for one worker, set up once (sw_ck_init) and reused: no allocation in the loop. */
struct sw_ck_state {
    uint32_t crc_table[256];
    uint8_t crc_buf[SW_CK_CRC_BYTES];
    double mat_a[SW_CK_MAT_N * SW_CK_MAT_N], mat_b[SW_CK_MAT_N * SW_CK_MAT_N];
    double mat_c[SW_CK_MAT_N * SW_CK_MAT_N];
    uint32_t vec_u[SW_CK_VEC_LANES], vec_w[SW_CK_VEC_LANES];
    float vec_f[SW_CK_VEC_LANES], vec_g[SW_CK_VEC_LANES];
    uint8_t lz_in[SW_CK_LZ_BYTES];
    uint8_t lz_comp[SW_CK_LZ_BYTES + SW_CK_LZ_BYTES / 255 + 16];
    uint8_t lz_out[SW_CK_LZ_BYTES];
    struct sw_lz_work lz_work;
};

enum sw_ck_simd { SW_CK_SCALAR = 0, SW_CK_SSE2, SW_CK_AVX2, SW_CK_AVX512 };

struct sw_ck_kernel {
    const char *unit;                              /* event "what": "int-mul", "fp-matrix", ... */
    uint64_t (*fn)(struct sw_ck_state *s);
    uint64_t expect;                               /* the embedded known answer                */
    int is_vector;   /* unit is then sw_ck_simd_name(sw_ck_simd_best()): "vec-avx512", ...   */
};

/* Fills the fixed inputs. */
void sw_ck_init(struct sw_ck_state *s);
/* The kernel table (terminated by unit == NULL). The vector kernel uses the best SIMD level this
 * CPU has (sw_ck_simd_best). */
const struct sw_ck_kernel *sw_ck_kernels(void);
/* The vector kernel at a given level (for tests): same known answer at every level. */
uint64_t sw_ck_vector(struct sw_ck_state *s, enum sw_ck_simd level);
enum sw_ck_simd sw_ck_simd_best(void);
const char *sw_ck_simd_name(enum sw_ck_simd level);
/* The expected answer of the vector kernel (any level). */
uint64_t sw_ck_vector_expect(void);
/* The FP series' final (sum, x, y): checked bit-exactly against an independent computation. */
void sw_ck_series(double out[3]);
/* Software CRC32C (Castagnoli) with s->crc_table. */
uint32_t sw_ck_crc32c(const struct sw_ck_state *s, uint32_t crc, const uint8_t *p, size_t n);
/* Deterministic compressible text (words, numbers, punctuation) for the LZ kernel. */
void sw_ck_text(uint8_t *buf, size_t n, uint64_t seed);

#endif
