/* The pattern kernels in portable C (16-byte GCC/Clang vectors, plain stores): the fallback on any
 * architecture, and a reference level the tests compare the x86 levels with. */
#include "stress/pattern_kern.h"

#define KVB 16
#define KNAME(x) x##_generic
#define KSTREAM(p, v) (*(kvec *)(void *)(p) = (v))
#define KANY(v) (((v)[0] | (v)[1]) != 0)
#define KFENCE() __asm__ __volatile__("" ::: "memory")
#define KISA SW_PAT_ISA_GENERIC
#define KISA_NAME "generic"
#define KGET sw_pat_kern_generic
#include "stress/pattern_kern.inc"
