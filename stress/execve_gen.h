/* The execve storm's argument and environment lists: generated from a seed, so the child can
 * regenerate what it should have received and compare it with what the kernel actually copied
 * (copy_strings() in execve is where WSL2's __check_heap_object panics hit). One implementation,
 * shared by the parent (stress/wl_execve.c), `stresswsl __child execve`, the glibc helper and the
 * no-libc helper (stress/helper/exec_child_nolibc.c): so execve_gen.c is freestanding C (no libc
 * calls, no allocation) and works a machine word at a time.
 *
 * Default size mix (per child; every total is capped by max_bytes, see sw_xgen_start):
 *   7/8   a build command: 8-128 strings, up to 8 KiB (compiler line + an inherited environment)
 *   1/16  a long command line: 128-1024 strings, up to 64 KiB (link lines, big CI environments)
 *   1/16  a huge list: half to all of max_bytes, either up to 4096 strings (a link line naming
 *         thousands of objects) or up to 64 long strings (huge environment values)
 * Why: build systems exec mostly small lists and occasionally huge ones; the kernel runs
 * copy_strings (and so __check_object_size) once per string and page, so both the many small execs
 * and the share of large ones are what the WSL2 panics need. */
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
/* Bytes of "SWX<i>=" prefixes on top of max_bytes, at most (4096 environment strings). */
#define SW_XGEN_PREFIX_SLACK (SW_XGEN_MAX_STRINGS * 8u)

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
    uint64_t digest;  /* sw_xgen_digest over every string received, in order */
};

/* Iterator: strings come out in order, arguments first then environment entries ("SWX<i>=..."). */
struct sw_xgen {
    uint64_t seed, left;   /* bytes of budget left                              */
    uint32_t nargs, nenv;  /* counts                                            */
    uint32_t idx;          /* next string                                       */
    uint64_t avg;          /* mean string length                                */
    uint64_t key;          /* the current string's content key                  */
    uint32_t plen;         /* the current string's prefix length, prefix bytes: */
    char pfx[16];
};

void sw_xgen_start(struct sw_xgen *g, uint64_t seed, uint64_t max_bytes);
/* Length (without NUL) of the next string, or -1 when all nargs + nenv are done. */
long sw_xgen_next_len(struct sw_xgen *g);
/* Writes the string whose length the last sw_xgen_next_len() gave into dst (len bytes + NUL) and
 * returns the digest h continued over it (the same value sw_xgen_digest(h, dst, len) gives). */
uint64_t sw_xgen_fill(const struct sw_xgen *g, char *dst, size_t len, uint64_t h);
/* Compares the string the last sw_xgen_next_len() described (len bytes) with s, which must be
 * NUL-terminated; 0 if identical. Continues *h over s as sw_xgen_digest would, whatever s holds. */
int sw_xgen_compare(const struct sw_xgen *g, const char *s, size_t len, uint64_t *h);
/* Digest of one string of len bytes, continuing h (start with SW_FNV_INIT). Word at a time:
 * a changed byte anywhere always changes it, and string boundaries count. */
uint64_t sw_xgen_digest(uint64_t h, const char *s, size_t len);

/* The child's check: argv[1..3] = fd, seed, max_bytes; argv[4..] and envp the generated lists.
 * Fills rec->status and rec->digest (not pid) and *fd, and returns the exit code; returns
 * SW_XGEN_EXIT_USAGE (and writes nothing) if the header is malformed. No libc, no allocation. */
int sw_xgen_check(int argc, char **argv, char **envp, int *fd, struct sw_xgen_record *rec);

/* libc glue (stress/execve_child.c): sw_xgen_check, then the record to fd; returns the exit code. */
int sw_xgen_child(int argc, char **argv, char **envp);

#endif
