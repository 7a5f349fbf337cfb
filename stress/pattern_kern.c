/* Picks the pattern kernels' instruction-set level: the widest this CPU runs, or the one named by
 * STRESSWSL_MEM_ISA (tests force each level in turn; a user can fall back if a level misbehaves). */
#include "stress/pattern_kern.h"

#include <stdlib.h>
#include <string.h>

static bool cpu_has(enum sw_pat_isa isa)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    switch (isa) {
    case SW_PAT_ISA_GENERIC:
    case SW_PAT_ISA_SSE2:
        return true;
    case SW_PAT_ISA_AVX2:
        return __builtin_cpu_supports("avx2");
    case SW_PAT_ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    default:
        return false;
    }
#else
    return isa == SW_PAT_ISA_GENERIC;
#endif
}

const struct sw_pat_kern *sw_pat_kern_get(enum sw_pat_isa isa)
{
    const struct sw_pat_kern *k = NULL;
    switch (isa) {
    case SW_PAT_ISA_GENERIC:
        k = sw_pat_kern_generic();
        break;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case SW_PAT_ISA_SSE2:
        k = sw_pat_kern_sse2();
        break;
    case SW_PAT_ISA_AVX2:
        k = sw_pat_kern_avx2();
        break;
    case SW_PAT_ISA_AVX512:
        k = sw_pat_kern_avx512();
        break;
#endif
    default:
        break;
    }
    return k && cpu_has(isa) ? k : NULL;
}

const struct sw_pat_kern *sw_pat_kern_by_name(const char *name)
{
    for (int i = 0; i < SW_PAT_ISA_COUNT; i++) {
        const struct sw_pat_kern *k = sw_pat_kern_get((enum sw_pat_isa)i);
        if (k && strcmp(k->name, name) == 0)
            return k;
    }
    return NULL;
}

const struct sw_pat_kern *sw_pat_kern_default(void)
{
    static const struct sw_pat_kern *_Atomic chosen;
    const struct sw_pat_kern *k = chosen;
    if (k)
        return k;
    const char *env = getenv("STRESSWSL_MEM_ISA");
    if (env && *env)
        k = sw_pat_kern_by_name(env);
    for (int i = SW_PAT_ISA_COUNT - 1; !k && i >= 0; i--)
        k = sw_pat_kern_get((enum sw_pat_isa)i);
    chosen = k;
    return k;
}
