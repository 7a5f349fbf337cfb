/* The pattern kernels with SSE2 (the x86-64 baseline): 16-byte vectors, non-temporal stores. */
#include "stress/pattern_kern.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>

#pragma GCC push_options
#pragma GCC target("sse2")

#define KVB 16
#define KNAME(x) x##_sse2
#define KSTREAM(p, v) _mm_stream_si128((__m128i *)(void *)(p), (__m128i)(v))
/* all 16 bytes equal to zero <=> movemask of the compare is 0xffff */
#define KANY(v) (_mm_movemask_epi8(_mm_cmpeq_epi8((__m128i)(v), _mm_setzero_si128())) != 0xffff)
#define KFENCE() _mm_sfence()
#define KISA SW_PAT_ISA_SSE2
#define KISA_NAME "sse2"
#define KGET sw_pat_kern_sse2
#include "stress/pattern_kern.inc"

#pragma GCC pop_options

#endif
