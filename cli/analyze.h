/* `stresswsl analyze` internals shared by its files: the bounded line reader (cli_analyze_input.c) and
 * the choice of facts with their conflicts (cli_analyze_facts.c). */
#ifndef SW_CLI_ANALYZE_H
#define SW_CLI_ANALYZE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/kmsg_facts.h"

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
};

/* Opens path ("-" = standard input) for reading. Refuses, with one line in why: a directory, a device,
 * a FIFO or socket named on the command line, an empty file, and binary data (checked on the first
 * block, so `analyze /dev/zero` or a core file is refused at once). Returns 0 or -1. */
int sw_ar_open(struct sw_line_reader *r, const char *path, char *why, size_t why_cap);
/* The next line without its newline, NUL-terminated in place ((*line)[*len] == '\0'), valid until the
 * next call; false at the end (or on a read error: r->err). */
bool sw_ar_next(struct sw_line_reader *r, const char **line, size_t *len);
void sw_ar_close(struct sw_line_reader *r);

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
