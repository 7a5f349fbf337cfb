/* Memory test patterns: pure generators and checkers over a buffer of 64-bit words. No I/O, no
 * allocation, no globals, so every pattern is unit-testable and the workload (stress/wl_memory.c)
 * owns everything machine-specific (mmap, pagemap, cache flushes, reporting).
 *
 * The catalogue follows memtester (address first, because every later result is meaningless if
 * addressing is broken) and stressapptest (block copies verified by checksums; whole blocks holding
 * another pattern's data are classified as one addressing fault, not thousands of bit errors).
 *
 * Buffers are processed in blocks of SW_PAT_BLOCK_WORDS words (4 KiB), counted from the buffer's start
 * (the last one may be shorter): callers pass 8-byte aligned buffers (64-byte aligned for the fastest
 * stores) and any word count (block copies: multiples of SW_PAT_BLOCK_WORDS). The hot loops are the
 * kernels of stress/pattern_kern.h at the pass's instruction-set level. Every pattern's value for a word is a function of
 * (pattern, step, seed, the word's address or its global word index `base + i`), so a pass can be
 * done in chunks and checked by a different thread than the one that wrote it. */
#ifndef SW_PATTERNS_H
#define SW_PATTERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "stress/pattern_kern.h"

enum sw_pat_id {
    SW_PAT_ADDRESS = 0,  /* each word holds its own address (then its complement)         */
    SW_PAT_SOLID,        /* all ones / all zeros, alternating by word                      */
    SW_PAT_CHECKER,      /* 0x55../0xaa.. alternating by word                              */
    SW_PAT_WALK1,        /* a single 1 bit walking through 64 positions                    */
    SW_PAT_WALK0,        /* a single 0 bit walking through 64 positions                    */
    SW_PAT_SPREAD,       /* two 1 bits two apart, walking; alternate words inverted        */
    SW_PAT_MOVINV,       /* moving inversions: verify v / write ~v upwards, then back down */
    SW_PAT_RANDOM,       /* counter-based pseudo-random data from a seed                   */
    SW_PAT_COPY,         /* random blocks copied between threads, verified by checksum     */
    SW_PAT_COUNT
};

#define SW_PAT_ALL ((1u << SW_PAT_COUNT) - 1u)
#define SW_PAT_BLOCK_WORDS 512u              /* 4 KiB: the unit of fast checks and classification */
#define SW_PAT_BLOCK_BYTES (SW_PAT_BLOCK_WORDS * 8u)
#define SW_PAT_MAX_REC 128u                  /* word records kept per pass (the count stays exact) */
#define SW_PAT_MAX_BLK 16u                   /* block (addressing) records kept per pass            */
/* A block with at least this many bad words is checked against the other patterns' data. */
#define SW_PAT_BLOCK_THRESHOLD (SW_PAT_BLOCK_WORDS / 8u)

struct sw_pattern {
    const char *name;   /* as users type it in patterns=...      */
    const char *help;
    unsigned steps;     /* distinct passes; 0 = unbounded (seeded) */
};

const struct sw_pattern *sw_pat_info(enum sw_pat_id id);
int sw_pat_from_name(const char *name);   /* -1 if unknown */
/* "all" or a comma-separated list of names into a mask of (1u << id). Bad names fail with the list. */
int sw_pat_parse_list(const char *text, unsigned *mask, struct sw_diag *d);

/* One pass of one pattern. `inv` selects the complemented data of a moving-inversions step. */
struct sw_pat_pass {
    enum sw_pat_id id;
    unsigned step;   /* taken modulo the pattern's steps (any value for unbounded ones) */
    uint64_t seed;   /* for RANDOM and COPY                                            */
    bool inv;
    bool nt;         /* non-temporal stores: buffers bigger than the last-level cache   */
    uint64_t add;    /* COPY: added to every word by the copies so far                   */
    const struct sw_pat_kern *kern;   /* instruction-set level; NULL = sw_pat_kern_default() */
};

/* The value word i of buf (global index base + i) must hold in this pass. */
uint64_t sw_pat_expected(const struct sw_pat_pass *p, const uint64_t *buf, size_t i, size_t base);

enum sw_pat_err_kind {
    SW_PAT_ERR_WORD = 0,    /* a word held the wrong value: index, expected, actual are exact          */
    SW_PAT_ERR_SUMTABLE,    /* COPY: a stored block checksum was corrupted (addr points into the table) */
    SW_PAT_ERR_TRANSIENT,   /* a block read back wrong once but right on every re-read: the bad word is
                               unknown; index is the block's first word (COPY: expected/actual are the
                               block checksums, else 0)                                               */
};

struct sw_pat_err {
    size_t index;   /* word index relative to the checked buffer */
    uint64_t expected, actual;
    enum sw_pat_err_kind kind;
};

/* A block that holds another pattern's data (stale or misdirected writes: an addressing fault). */
struct sw_pat_blk {
    size_t index;        /* first word of the block, relative to the checked buffer               */
    uint32_t nwords;     /* words in the block                                                     */
    uint32_t bad;        /* words that differ from this pass's data                                */
    int pattern;         /* whose data it holds: enum sw_pat_id                                    */
    unsigned step;
    bool inv;
    int64_t delta;       /* ADDRESS: the block holds the addresses of block + delta bytes, else 0   */
};

/* Where checkers put what they find: an exact count plus bounded records. Optional callbacks run for
 * each record kept, at the moment it is found, while the bad data is still in memory (the workload
 * flushes and re-reads it there, then writes the good value back). */
struct sw_pat_sink {
    uint64_t mismatches;   /* exact count of bad words, including those inside classified blocks */
    uint64_t blocks;       /* exact count of classified blocks                                  */
    uint64_t block_words;  /* bad words inside classified blocks (part of mismatches)           */
    unsigned n_rec, n_blk;
    struct sw_pat_err rec[SW_PAT_MAX_REC];
    struct sw_pat_blk blk[SW_PAT_MAX_BLK];
    void (*on_word)(struct sw_pat_sink *s, uint64_t *addr, const struct sw_pat_err *e);
    void (*on_block)(struct sw_pat_sink *s, uint64_t *addr, const struct sw_pat_blk *b);
    void *arg;
};

/* Clears the counts and records, keeps the callbacks and arg. */
void sw_pat_sink_reset(struct sw_pat_sink *s);

/* Writes the pass's data into n words. */
void sw_pat_fill(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base);
/* Compares n words with the pass's data; returns the number of bad words found. */
uint64_t sw_pat_check(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base, struct sw_pat_sink *s);
/* Verifies p's data and writes next's in one sweep (line by line for the periodic patterns: solid,
 * checkerboard, walking, bit spread, moving inversions; block by block for the others). Bad words are
 * reported before they are overwritten. Returns the number of bad words. */
uint64_t sw_pat_check_write(const struct sw_pat_pass *p, const struct sw_pat_pass *next, uint64_t *buf, size_t n,
                            size_t base, struct sw_pat_sink *s);
/* Moving inversions, one sweep over n words. up: checks v and writes ~v in ascending order;
 * down: checks ~v and writes v in descending order (a chunked caller visits chunks downwards too).
 * Bad words are reported before they are overwritten. Returns the number of bad words. */
uint64_t sw_pat_movinv_sweep(const struct sw_pat_pass *p, uint64_t *buf, size_t n, size_t base, bool down,
                             struct sw_pat_sink *s);

/* Block copies, verified by per-block checksums (struct sw_pat_sum, pattern_kern.h). */
/* Fills src with the pass's data and stores one checksum per block into sums[n / BLOCK_WORDS],
 * computed from the generated values, not read back from memory. */
void sw_pat_copy_fill(const struct sw_pat_pass *p, uint64_t *src, size_t n, size_t base, struct sw_pat_sum *sums);
/* Copies n words from src (holding `from`'s data, checksums src_sums) to dst adding `add` to every
 * word, and verifies each source block's checksum as it is read: a block that differs is examined
 * like sw_pat_copy_check does and the destination block gets the right data. dst_sums
 * get the destination's checksums, derived from the verified source checksums (never from what
 * was read), so a bad copy shows up when dst is verified or copied on. Returns the bad words. */
uint64_t sw_pat_copy_verify(const struct sw_pat_pass *from, uint64_t *dst, uint64_t *src, size_t n, size_t base,
                            uint64_t add, struct sw_pat_sum *src_sums, struct sw_pat_sum *dst_sums,
                            struct sw_pat_sink *s);
/* Verifies dst block by block against sums; a block whose sum differs is compared word by word with
 * the regenerated data. If no word differs, either the stored checksum was corrupted (an
 * SW_PAT_ERR_SUMTABLE record, addr = &sums[k].a or .b) or the read was transient (SW_PAT_ERR_TRANSIENT).
 * Returns the number of bad words. */
uint64_t sw_pat_copy_check(const struct sw_pat_pass *p, uint64_t *dst, size_t n, size_t base,
                           struct sw_pat_sum *sums, struct sw_pat_sink *s);
/* The checksum of n words (n a multiple of 8), as sw_pat_copy_fill computes it. */
struct sw_pat_sum sw_pat_checksum(const uint64_t *w, size_t n);

/* Tries to explain a bad block by another pattern's data (any pattern and step, the complemented
 * moving-inversions data, recent steps of the seeded patterns, or address data displaced by a
 * constant). Fills b->pattern/step/inv/delta and returns true on a match. */
bool sw_pat_classify_block(const struct sw_pat_pass *p, const uint64_t *blk, size_t nwords, size_t base,
                           struct sw_pat_blk *b);
/* One line such as "checkerboard step 1 data" or "the addresses of memory +0x1000 bytes away".
 * Allocation-free (usable on the error path). */
const char *sw_pat_blk_describe(const struct sw_pat_blk *b, char *buf, size_t len);

#endif
