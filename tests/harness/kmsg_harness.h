/* Shared by the kernel-log classifier tests: run text through detect + reader + classifier exactly as
 * `analyze` does, and check a directory of recorded fixtures against a table of expectations. */
#ifndef SW_TEST_KMSG_HARNESS_H
#define SW_TEST_KMSG_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/kmsg_classify.h"
#include "probes/kmsg_line.h"

#define KMSG_MAXEV 32
#define K(k) (1u << (SW_KLOG_##k))

struct kmsg_result {
    enum sw_kmsg_format fmt;
    int n;
    struct sw_kmsg_hit ev[KMSG_MAXEV];
    unsigned kinds;              /* kind | also of every event */
    unsigned kernel_lines;
};

struct kmsg_expect {
    const char *file;
    unsigned kinds;          /* exactly the kinds (kind|also) the events must have              */
    int nevents;             /* exact event count, -1 = any                                     */
    const char *symbols;     /* each must appear in some event's symbols (NULL = no check)      */
    int cpu;                 /* some event must carry this CPU (-1 = no check)                  */
    const char *task;        /* some event must name this task (NULL = no check)                */
    const char *where;       /* some event's where must start with this (NULL = no check)       */
    int max_sev;             /* the highest severity expected                                   */
};

/* The format `analyze` detects for text (lines separated by '\n'): its first 32 non-empty lines. */
enum sw_kmsg_format kmsg_detect_text(const char *text);
/* Runs text (lines separated by '\n') through the classifier into r. */
void kmsg_classify_text(const char *text, struct kmsg_result *r);
/* Reads up to 64 KiB of a file into a static buffer; NULL if unreadable. */
char *kmsg_slurp(const char *path);
void kmsg_kinds_text(unsigned kinds, char *buf, size_t cap);
void kmsg_check_expect(const struct kmsg_expect *x, const struct kmsg_result *r);
/* Checks every *.log of the fixture directory rel against table (terminated by file == NULL): a
 * fixture without an expectation, or an expectation without its fixture, fails. */
void kmsg_check_fixture_dir(const char *rel, const struct kmsg_expect *table);

#endif
