/* The compile workload's "compiler": generates a deterministic source text from a seed, tokenises it,
 * interns identifiers in a chained hash table, parses expressions into a heap-allocated tree, walks
 * the tree (evaluates and emits post-order code) and serialises an "object". The pointer-heavy,
 * allocation-heavy, branchy shape of a real compiler front end, with an exactly reproducible output.
 * Used both by the compiler-like children and by the driver for the reference digests. */
#ifndef SW_COMPILE_GEN_H
#define SW_COMPILE_GEN_H

#include <stddef.h>
#include <stdint.h>

struct sw_cc_buf {
    uint8_t *data;
    size_t len, cap;
};

/* The source text for seed (NUL-terminated, malloc'd into out). Returns 0 or -ENOMEM. */
int sw_cc_source(uint64_t seed, struct sw_cc_buf *out);
/* Compiles src into an object (malloc'd into obj). Returns 0, -ENOMEM, or -EINVAL on a syntax
 * error (the generator never produces one: a corrupted source does). */
int sw_cc_compile(const char *src, size_t len, struct sw_cc_buf *obj);
/* Source + compile in one; the object's digest in *digest. */
int sw_cc_build_unit(uint64_t seed, struct sw_cc_buf *obj, uint64_t *digest);
void sw_cc_buf_free(struct sw_cc_buf *b);

#endif
