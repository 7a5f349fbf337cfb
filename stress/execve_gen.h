/* The execve storm's argument and environment lists: generated from a seed, so the child can
 * regenerate what it should have received and compare it with what the kernel actually copied
 * (copy_strings() in execve is where WSL2's __check_heap_object panics hit). Shared, unchanged, by
 * the parent (stress/wl_execve.c), `stresswsl __child execve` and the tiny stresswsl-exec-child
 * helper, so it uses libc only and never allocates. */
#ifndef SW_EXECVE_GEN_H
#define SW_EXECVE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "stress/digest.h"

/* Header arguments before the generated ones: <fd> <seed-hex> <max_bytes> (argv[1..3]). */
#define SW_XGEN_HDR 4
/* The kernel refuses one string longer than MAX_ARG_STRLEN (32 pages). */
#define SW_XGEN_MAX_STR (128u * 1024 - 1)
#define SW_XGEN_MAX_STRINGS 4096u

/* Child exit codes: success carries 6 bits of the digest, so a wrong exit status is evidence too. */
#define SW_XGEN_EXIT_MISMATCH 1
#define SW_XGEN_EXIT_USAGE 2
#define SW_XGEN_EXIT_OK_BASE 64
#define SW_XGEN_EXIT_OK_SPAN 48
static inline int sw_xgen_exit_code(uint64_t digest)
{
    return SW_XGEN_EXIT_OK_BASE + (int)(digest % SW_XGEN_EXIT_OK_SPAN);
}

/* The record each child writes to the report pipe (one write, < PIPE_BUF, so it is atomic). */
struct sw_xgen_record {
    int32_t pid;
    int32_t status;   /* the exit code it is about to return */
    uint64_t digest;  /* FNV-1a over every string received, NULs included */
};

/* Iterator: strings come out in order, arguments first then environment entries ("SWX<i>=..."). */
struct sw_xgen {
    uint64_t seed, left;   /* bytes of budget left                              */
    uint32_t nargs, nenv;  /* counts                                            */
    uint32_t idx;          /* next string                                       */
    uint64_t avg;          /* mean string length                                */
};

void sw_xgen_start(struct sw_xgen *g, uint64_t seed, uint64_t max_bytes);
/* Length (without NUL) of the next string, or -1 when all nargs + nenv are done. */
long sw_xgen_next_len(struct sw_xgen *g);
/* Writes the string whose length the last sw_xgen_next_len() gave into dst (len bytes + NUL). */
void sw_xgen_fill(const struct sw_xgen *g, char *dst, size_t len);
/* Compares the string the last sw_xgen_next_len() described with s; 0 if identical. */
int sw_xgen_compare(const struct sw_xgen *g, const char *s, size_t len);
/* Digest of one string (bytes + NUL), continuing h. */
static inline uint64_t sw_xgen_digest(uint64_t h, const char *s, size_t len)
{
    return sw_fnv1a64(h, s, len + 1);
}

/* The child side: argv[1..3] = fd, seed, max_bytes; argv[4..] and envp the generated lists. Checks
 * everything, writes a record to fd, returns the exit code. No allocation, no stdio. */
int sw_xgen_child(int argc, char **argv, char **envp);

#endif
