/* The pattern kernels with AVX2: 32-byte vectors, two per cache line. Compiled for AVX2 whatever the
 * build's -march; only called when the CPU has it (stress/pattern_kern.c). */
#include "stress/pattern_kern.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2")
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#endif

#define KVB 32
#define KNAME(x) x##_avx2
#define KSTREAM(p, v) _mm256_stream_si256((__m256i *)(void *)(p), (__m256i)(v))
#define KANY(v) (!_mm256_testz_si256((__m256i)(v), (__m256i)(v)))
#define KFENCE() _mm_sfence()
#define KISA SW_PAT_ISA_AVX2
#define KISA_NAME "avx2"
#define KGET sw_pat_kern_avx2
#include "stress/pattern_kern.inc"

#if defined(__clang__)
#pragma clang attribute pop
#endif
#pragma GCC pop_options

#endif
