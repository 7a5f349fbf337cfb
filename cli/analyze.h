/* `stresswsl analyze` internals shared by its files: the bounded line reader (cli_analyze_input.c) and
 * the choice of facts with their conflicts (cli_analyze_facts.c). */
#ifndef SW_CLI_ANALYZE_H
#define SW_CLI_ANALYZE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pthread.h>
#include <stdatomic.h>

#include "probes/kmsg_classify.h"
#include "probes/kmsg_facts.h"
#include "probes/kmsg_line.h"

#define SW_AR_LINE_MAX (64 * 1024)   /* longer lines are cut: no kernel line is anywhere near it */

/* Reads a file line by line through one fixed buffer: memory does not grow with the file. */
struct sw_line_reader {
    int fd;
    bool own_fd;
    bool eof;
    int err;               /* errno of a failed read, 0 */
    char *buf;             /* SW_AR_BUF bytes                                    */
    size_t start, end;     /* unread bytes are buf[start, end)                   */
    uint64_t bytes;        /* bytes read so far                                   */
    uint64_t cut_lines;    /* lines longer than SW_AR_LINE_MAX (cut)              */
    bool skip_rest;        /* the rest of a cut line is still to be skipped       */
    bool use_pread;        /* read at offset `bytes` (a second reader of one fd)   */
    uint64_t line_off;     /* file offset of the line sw_ar_next last handed out  */
};

/* Opens path ("-" = standard input) for reading. Refuses, with one line in why: a directory, a device,
 * a FIFO or socket named on the command line, an empty file, and binary data (checked on the first
 * block, so `analyze /dev/zero` or a core file is refused at once). Returns 0 or -1. */
int sw_ar_open(struct sw_line_reader *r, const char *path, char *why, size_t why_cap);
/* A second reader of an open regular file, from offset on, by pread: fd is not closed by sw_ar_close
 * and its file offset is not moved. Returns 0 or -1. */
int sw_ar_open_at(struct sw_line_reader *r, int fd, uint64_t offset);
/* The next line without its newline, NUL-terminated in place ((*line)[*len] == '\0'), valid until the
 * next call; false at the end (or on a read error: r->err). */
bool sw_ar_next(struct sw_line_reader *r, const char **line, size_t *len);
void sw_ar_close(struct sw_line_reader *r);

/* A big log's second half, classified on a second thread (cli_analyze_split.c says how and why the
 * result is the same as one pass). */
#define SW_SPLIT_WINDOW 65536   /* the halves may join within this many lines of the seam */
struct sw_analyze_half {
    int fd;
    enum sw_kmsg_format fmt;
    uint64_t seam;                 /* file offset of the half's first line                  */
    pthread_t thread;
    bool started;
    atomic_bool stop;
    /* read after sw_analyze_half_join */
    bool usable;                   /* read to the end without giving up                     */
    uint64_t lines, kernel_lines;  /* lines numbered from 1 at the seam                     */
    uint64_t idle[SW_SPLIT_WINDOW / 64], kernel[SW_SPLIT_WINDOW / 64];   /* per line, a bit  */
    struct {
        uint64_t at;               /* the line whose reading pushed it (lines + 1: the end)  */
        struct sw_kmsg_hit h;      /* line_no counted from the seam                         */
    } *hits;
    size_t nhits;
    char *facts;                   /* the lines that may state a fact (sw_analyze_half_fact) */
    size_t facts_len, fact_count;
    uint32_t *fact_slots;          /* their texts, hashed: each kept once                   */
};
/* Starts the second half of the regular file open on fd, detected as fmt, if it is big enough and a
 * second CPU is there. Returns 0 (then join it), or -1: read the file in one pass. */
int sw_analyze_half_start(struct sw_analyze_half *h, int fd, enum sw_kmsg_format fmt);
/* Waits for the half (stop: tells it to stop first; its results are then not usable). */
void sw_analyze_half_join(struct sw_analyze_half *h, bool stop);
/* Was the half's classifier idle (sw_kmsg_cls_idle) before its line `line`? */
bool sw_analyze_half_idle_at(const struct sw_analyze_half *h, uint64_t line);
/* How many of its lines before `line` held kernel content (line <= SW_SPLIT_WINDOW + 1). */
uint64_t sw_analyze_half_kernel_before(const struct sw_analyze_half *h, uint64_t line);
/* The kept fact lines in order, from *pos (start at 0); NULL after the last. */
const char *sw_analyze_half_fact(const struct sw_analyze_half *h, size_t *pos, uint32_t *line, size_t *len);
/* Joins (stopping it) if still running, and frees what it kept. */
void sw_analyze_half_free(struct sw_analyze_half *h);

/* Where the facts for the correlator come from. */
struct sw_analyze_facts_opt {
    const char *facts_file, *cpuid_dump, *sysroot, *host_replay;
    bool none, this_machine;
};

/* The facts object for the report: the log's own facts by default; the user's (--facts), recorded
 * (replay options) or this machine's (--this-machine) when asked, with what the log states winning and
 * every disagreement added to *conflicts ([{"fact", "log", "given"}]). NULL (after an error line) when
 * the user's facts are unusable. *source says where the facts came from. */
json_t *sw_analyze_facts(const struct sw_analyze_facts_opt *o, const struct sw_kmsg_facts *log_facts,
                         const char *format, uint64_t lines, uint64_t kernel_lines, json_t **conflicts,
                         const char **source);

#endif
