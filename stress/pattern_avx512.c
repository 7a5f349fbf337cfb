/* The pattern kernels with AVX-512 (F, DQ for 64-bit multiplies, BW): one 64-byte vector per cache
 * line. Compiled for AVX-512 whatever the build's -march; only called when the CPU has it. */
#include "stress/pattern_kern.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl")
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl"))), apply_to = function)
#endif

#define KVB 64
#define KNAME(x) x##_avx512
#define KSTREAM(p, v) _mm512_stream_si512((void *)(p), (__m512i)(v))
#define KANY(v) (_mm512_test_epi64_mask((__m512i)(v), (__m512i)(v)) != 0)
#define KFENCE() _mm_sfence()
#define KISA SW_PAT_ISA_AVX512
#define KISA_NAME "avx512"
#define KGET sw_pat_kern_avx512
#include "stress/pattern_kern.inc"

#if defined(__clang__)
#pragma clang attribute pop
#endif
#pragma GCC pop_options

#endif
