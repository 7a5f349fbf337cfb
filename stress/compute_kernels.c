/* FP results must be the same bits on every x86-64 CPU: IEEE +, -, *, / and sqrt are correctly
 * rounded, so only the operation order matters. Fused multiply-add would change the rounding (and is
 * available only on some CPUs), so contraction is off for this file, for GCC and clang alike. No
 * libm function other than sqrt is used: glibc picks FMA code paths per CPU at run time. */
#pragma GCC optimize("fp-contract=off")
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#include "stress/compute_kernels.h"

#include <math.h>
#include <string.h>

#include "stress/digest.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SW_CK_X86 1
#endif

#define INT_MUL_STEPS (1u << 15)
#define INT_DIV_STEPS (1u << 13)
#define SERIES_STEPS 4096
#define VEC_ROUNDS 48

/* Known answers, generated once by this code (gcc -O0/-O2/-O3 -march=native and clang -O2 agree;
 * the FP series' final values match Python's IEEE doubles bit for bit; the matrix product matches
 * integer arithmetic; the vector kernel gives the same digest at scalar, SSE2, AVX2 and AVX-512
 * levels). Changing a kernel means regenerating these; tests/unit/test_wl_compute.c checks them. */
#define EXPECT_INT_MUL   0xfdae95a8e3a1c66full
#define EXPECT_INT_DIV   0x992b6aa94202c380ull
#define EXPECT_CRC32C    0x3867d9a3bf57cecaull
#define EXPECT_FP_MATRIX 0xe0cb2b2918c4f047ull
#define EXPECT_FP_SERIES 0xf0141aa0ea3eec6aull
#define EXPECT_VECTOR    0xdcea5d25715a7554ull
#define EXPECT_LZ        0x192e950554431931ull

static uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

void sw_ck_text(uint8_t *buf, size_t n, uint64_t seed)
{
    static const char *const words[] = {
        "static", "int", "return", "struct", "const", "unsigned", "void", "for", "while", "if",
        "else", "sizeof", "uint64_t", "buffer", "length", "offset", "worker", "kernel", "result",
        "expected", "the", "of", "and", "a", "to", "is", "in", "verify", "compute", "memory"};
    static const char punct[] = " ,;.(){}[]=+-*/\n\t";
    struct sw_rng r;
    sw_rng_seed(&r, seed);
    size_t i = 0;
    while (i < n) {
        uint64_t x = sw_rng_next(&r);
        const char *w;
        char num[24];
        if ((x & 7) == 0) {
            /* a number: digits vary, so the text is not trivially repetitive */
            uint64_t v = (x >> 8) % 100000;
            int k = 0;
            char tmp[24];
            do {
                tmp[k++] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            for (int j = 0; j < k; j++)
                num[j] = tmp[k - 1 - j];
            num[k] = '\0';
            w = num;
        } else {
            w = words[(x >> 8) % (sizeof words / sizeof words[0])];
        }
        for (; *w && i < n; w++)
            buf[i++] = (uint8_t)*w;
        if (i < n)
            buf[i++] = (uint8_t)punct[(x >> 40) % (sizeof punct - 1)];
    }
}

void sw_ck_init(struct sw_ck_state *s)
{
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
        s->crc_table[i] = c;
    }
    struct sw_rng r;
    sw_rng_seed(&r, 0x5757435243ull);
    for (size_t i = 0; i < SW_CK_CRC_BYTES; i++)
        s->crc_buf[i] = (uint8_t)(sw_rng_next(&r) >> 56);
    /* Dyadic matrix entries (k/4, |k| <= 8): every product and partial sum of the 40-term dot
     * products is exactly representable, so the product is the exact mathematical value whatever the
     * summation order; the unit test checks it against integer arithmetic. */
    for (int i = 0; i < SW_CK_MAT_N; i++)
        for (int j = 0; j < SW_CK_MAT_N; j++) {
            s->mat_a[i * SW_CK_MAT_N + j] = (double)((i * 7 + j * 3) % 17 - 8) / 4.0;
            s->mat_b[i * SW_CK_MAT_N + j] = (double)((i * 5 + j * 11 + 3) % 17 - 8) / 4.0;
        }
    sw_rng_seed(&r, 0x564543ull);
    for (int i = 0; i < SW_CK_VEC_LANES; i++) {
        uint64_t x = sw_rng_next(&r);
        s->vec_u[i] = (uint32_t)x;
        s->vec_w[i] = (uint32_t)(x >> 32);
        /* f in [0.5, 1), g in [0.25, 0.75): the recurrence stays in a normal, bounded range */
        s->vec_f[i] = 0.5f + (float)((x >> 8) & 0xffff) / 131072.0f;
        s->vec_g[i] = 0.25f + (float)((x >> 24) & 0xffff) / 131072.0f;
    }
    sw_ck_text(s->lz_in, SW_CK_LZ_BYTES, 0x4c5a3737ull);
}

uint32_t sw_ck_crc32c(const struct sw_ck_state *s, uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = s->crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint64_t k_int_mul(struct sw_ck_state *s)
{
    (void)s;
    uint64_t x = 0x0123456789abcdefull, acc = 0;
    for (uint32_t i = 0; i < INT_MUL_STEPS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned __int128 p = (unsigned __int128)x * (x | 1);
        acc = rotl64(acc, 7) ^ ((uint64_t)(p >> 64) + (uint64_t)p * 0x9e3779b97f4a7c15ull + i);
    }
    return acc;
}

static uint64_t k_int_div(struct sw_ck_state *s)
{
    (void)s;
    uint64_t x = 0xfedcba9876543210ull, acc = 1;
    for (uint32_t i = 0; i < INT_DIV_STEPS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t d = (x >> (i & 31)) | 1;
        uint64_t a = x * 0xd6e8feb86659fd93ull;
        uint64_t q = a / d, r = a % d;
        /* signed division (idiv) too: |divisor| >= 3, so INT64_MIN / -1 cannot happen */
        int64_t sa = (int64_t)(a ^ rotl64(x, 29));
        int64_t sd = (int64_t)((d >> 3) | 3) * ((i & 1) ? -1 : 1);
        int64_t sq = sa / sd, sr = sa % sd;
        acc = rotl64(acc, 11) ^ (q + r * 3 + (uint64_t)sq * 5 + (uint64_t)sr);
    }
    return acc;
}

static uint64_t k_crc32c(struct sw_ck_state *s)
{
    uint32_t a = sw_ck_crc32c(s, 0, s->crc_buf, SW_CK_CRC_BYTES);
    uint32_t b = sw_ck_crc32c(s, a, s->crc_buf + 1, SW_CK_CRC_BYTES / 2 - 1);
    return (uint64_t)a << 32 | b;
}

static uint64_t bits_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint64_t k_fp_matrix(struct sw_ck_state *s)
{
    const int n = SW_CK_MAT_N;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (int k = 0; k < n; k++)
                sum += s->mat_a[i * n + k] * s->mat_b[k * n + j];
            s->mat_c[i * n + j] = sum;
        }
    uint64_t h = SW_FNV_INIT;
    for (int i = 0; i < n * n; i++)
        h = sw_digest_add(h, bits_of(s->mat_c[i]));
    return h;
}

/* Rounding-heavy series: every step rounds, so the result pins down the exact IEEE behaviour of
 * divide, sqrt, multiply and add. The test checks the final values against bit patterns computed
 * independently with Python floats. */
void sw_ck_series(double out[3])
{
    double sum = 0.0, x = 1.0, y = 0.5;
    for (int i = 1; i <= SERIES_STEPS; i++) {
        double di = (double)i;
        sum = sum + 1.0 / (di * di);
        x = sqrt(x + sum) * 0.75 + y / di;
        y = y * 0.9375 + x / (sum + 1.0);
    }
    out[0] = sum;
    out[1] = x;
    out[2] = y;
}

static uint64_t k_fp_series(struct sw_ck_state *s)
{
    (void)s;
    double v[3];
    sw_ck_series(v);
    return sw_digest_add(sw_digest_add(sw_digest_add(SW_FNV_INIT, bits_of(v[0])), bits_of(v[1])),
                         bits_of(v[2]));
}

/* ---- vector kernel: lane-wise identical at every SIMD level, so one known answer fits all ---- */
#define VMUL 0x9e3779b1u

static void vec_scalar(const struct sw_ck_state *s, uint32_t *ou, uint32_t *ow, float *of, float *og)
{
    for (int i = 0; i < SW_CK_VEC_LANES; i++) {
        uint32_t u = s->vec_u[i], w = s->vec_w[i];
        float f = s->vec_f[i], g = s->vec_g[i];
        for (int r = 0; r < VEC_ROUNDS; r++) {
            u = u * VMUL + w;
            u ^= u >> 13;
            w = w + (u << 3);
            f = f * g + 0.25f;
            g = g * 0.5f + f * 0.0009765625f;
        }
        ou[i] = u;
        ow[i] = w;
        of[i] = f;
        og[i] = g;
    }
}

#ifdef SW_CK_X86
static __m128i mullo32_sse2(__m128i a, __m128i b)
{
    __m128i even = _mm_mul_epu32(a, b);
    __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
    return _mm_unpacklo_epi32(_mm_shuffle_epi32(even, _MM_SHUFFLE(0, 0, 2, 0)),
                              _mm_shuffle_epi32(odd, _MM_SHUFFLE(0, 0, 2, 0)));
}

static void vec_sse2(const struct sw_ck_state *s, uint32_t *ou, uint32_t *ow, float *of, float *og)
{
    const __m128i m = _mm_set1_epi32((int)VMUL);
    const __m128 q = _mm_set1_ps(0.25f), h = _mm_set1_ps(0.5f), e = _mm_set1_ps(0.0009765625f);
    for (int i = 0; i < SW_CK_VEC_LANES; i += 4) {
        __m128i u = _mm_loadu_si128((const __m128i *)(s->vec_u + i));
        __m128i w = _mm_loadu_si128((const __m128i *)(s->vec_w + i));
        __m128 f = _mm_loadu_ps(s->vec_f + i), g = _mm_loadu_ps(s->vec_g + i);
        for (int r = 0; r < VEC_ROUNDS; r++) {
            u = _mm_add_epi32(mullo32_sse2(u, m), w);
            u = _mm_xor_si128(u, _mm_srli_epi32(u, 13));
            w = _mm_add_epi32(w, _mm_slli_epi32(u, 3));
            f = _mm_add_ps(_mm_mul_ps(f, g), q);
            g = _mm_add_ps(_mm_mul_ps(g, h), _mm_mul_ps(f, e));
        }
        _mm_storeu_si128((__m128i *)(ou + i), u);
        _mm_storeu_si128((__m128i *)(ow + i), w);
        _mm_storeu_ps(of + i, f);
        _mm_storeu_ps(og + i, g);
    }
}

__attribute__((target("avx2"))) static void vec_avx2(const struct sw_ck_state *s, uint32_t *ou, uint32_t *ow,
                                                     float *of, float *og)
{
    const __m256i m = _mm256_set1_epi32((int)VMUL);
    const __m256 q = _mm256_set1_ps(0.25f), h = _mm256_set1_ps(0.5f), e = _mm256_set1_ps(0.0009765625f);
    for (int i = 0; i < SW_CK_VEC_LANES; i += 8) {
        __m256i u = _mm256_loadu_si256((const __m256i *)(s->vec_u + i));
        __m256i w = _mm256_loadu_si256((const __m256i *)(s->vec_w + i));
        __m256 f = _mm256_loadu_ps(s->vec_f + i), g = _mm256_loadu_ps(s->vec_g + i);
        for (int r = 0; r < VEC_ROUNDS; r++) {
            u = _mm256_add_epi32(_mm256_mullo_epi32(u, m), w);
            u = _mm256_xor_si256(u, _mm256_srli_epi32(u, 13));
            w = _mm256_add_epi32(w, _mm256_slli_epi32(u, 3));
            f = _mm256_add_ps(_mm256_mul_ps(f, g), q);
            g = _mm256_add_ps(_mm256_mul_ps(g, h), _mm256_mul_ps(f, e));
        }
        _mm256_storeu_si256((__m256i *)(ou + i), u);
        _mm256_storeu_si256((__m256i *)(ow + i), w);
        _mm256_storeu_ps(of + i, f);
        _mm256_storeu_ps(og + i, g);
    }
}

__attribute__((target("avx512f"))) static void vec_avx512(const struct sw_ck_state *s, uint32_t *ou, uint32_t *ow,
                                                          float *of, float *og)
{
    const __m512i m = _mm512_set1_epi32((int)VMUL);
    const __m512 q = _mm512_set1_ps(0.25f), h = _mm512_set1_ps(0.5f), e = _mm512_set1_ps(0.0009765625f);
    for (int i = 0; i < SW_CK_VEC_LANES; i += 16) {
        __m512i u = _mm512_loadu_si512((const void *)(s->vec_u + i));
        __m512i w = _mm512_loadu_si512((const void *)(s->vec_w + i));
        __m512 f = _mm512_loadu_ps(s->vec_f + i), g = _mm512_loadu_ps(s->vec_g + i);
        for (int r = 0; r < VEC_ROUNDS; r++) {
            u = _mm512_add_epi32(_mm512_mullo_epi32(u, m), w);
            u = _mm512_xor_si512(u, _mm512_srli_epi32(u, 13));
            w = _mm512_add_epi32(w, _mm512_slli_epi32(u, 3));
            f = _mm512_add_ps(_mm512_mul_ps(f, g), q);
            g = _mm512_add_ps(_mm512_mul_ps(g, h), _mm512_mul_ps(f, e));
        }
        _mm512_storeu_si512((void *)(ou + i), u);
        _mm512_storeu_si512((void *)(ow + i), w);
        _mm512_storeu_ps(of + i, f);
        _mm512_storeu_ps(og + i, g);
    }
}
#endif

enum sw_ck_simd sw_ck_simd_best(void)
{
#ifdef SW_CK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return SW_CK_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return SW_CK_AVX2;
    return SW_CK_SSE2;
#else
    return SW_CK_SCALAR;
#endif
}

const char *sw_ck_simd_name(enum sw_ck_simd level)
{
    switch (level) {
    case SW_CK_SSE2: return "vec-sse2";
    case SW_CK_AVX2: return "vec-avx2";
    case SW_CK_AVX512: return "vec-avx512";
    case SW_CK_SCALAR: break;
    }
    return "vec-scalar";
}

uint64_t sw_ck_vector(struct sw_ck_state *s, enum sw_ck_simd level)
{
    /* Outputs reuse the LZ scratch (the kernels run one at a time): 4 arrays of 8 KiB. */
    _Static_assert(sizeof s->lz_out >= 4 * SW_CK_VEC_LANES * 4, "vector outputs fit the scratch");
    uint32_t *ou = (uint32_t *)(void *)s->lz_out, *ow = ou + SW_CK_VEC_LANES;
    float *of = (float *)(void *)(ow + SW_CK_VEC_LANES), *og = of + SW_CK_VEC_LANES;
    switch (level) {
#ifdef SW_CK_X86
    case SW_CK_AVX512: vec_avx512(s, ou, ow, of, og); break;
    case SW_CK_AVX2: vec_avx2(s, ou, ow, of, og); break;
    case SW_CK_SSE2: vec_sse2(s, ou, ow, of, og); break;
#endif
    default: vec_scalar(s, ou, ow, of, og); break;
    }
    return sw_fnv1a64(SW_FNV_INIT, s->lz_out, 4 * SW_CK_VEC_LANES * 4);
}

uint64_t sw_ck_vector_expect(void)
{
    return EXPECT_VECTOR;
}

static uint64_t k_vec_best(struct sw_ck_state *s)
{
    return sw_ck_vector(s, sw_ck_simd_best());
}

static uint64_t k_lz(struct sw_ck_state *s)
{
    size_t c = sw_lz_compress(&s->lz_work, s->lz_in, SW_CK_LZ_BYTES, s->lz_comp, sizeof s->lz_comp);
    long d = sw_lz_decompress(s->lz_comp, c, s->lz_out, sizeof s->lz_out);
    uint64_t h = sw_fnv1a64(SW_FNV_INIT, s->lz_comp, c);
    h = sw_digest_add(h, c);
    h = sw_digest_add(h, (uint64_t)d);
    /* Round trip: the output must be the input, byte for byte (folded into the digest). */
    return sw_digest_add(h, d > 0 ? sw_fnv1a64(SW_FNV_INIT, s->lz_out, (size_t)d) : 0);
}

const struct sw_ck_kernel *sw_ck_kernels(void)
{
    static const struct sw_ck_kernel tab[] = {
        {"int-mul", k_int_mul, EXPECT_INT_MUL, 0},       {"int-div", k_int_div, EXPECT_INT_DIV, 0},
        {"crc32c", k_crc32c, EXPECT_CRC32C, 0},          {"fp-matrix", k_fp_matrix, EXPECT_FP_MATRIX, 0},
        {"fp-series", k_fp_series, EXPECT_FP_SERIES, 0}, {"vec", k_vec_best, EXPECT_VECTOR, 1},
        {"lz-roundtrip", k_lz, EXPECT_LZ, 0},            {NULL, NULL, 0, 0}};
    return tab;
}
