/* A pure kernel-log classifier: feed it normalised lines (probes/kmsg_line.h) in order and it turns
 * them into SW_EV_KERNEL events (core/event.h). A multi-line report (oops, BUG, lockup, hung task, RCU
 * stall, panic) becomes ONE event carrying its task, CPU, call-trace symbols and file:line. Fixed-size
 * state, no allocation, no I/O: the kmsg monitor runs it in a child that must not allocate.
 *
 * Severity policy (docs/report-schema.md: error/fatal = instability):
 *   fatal: panic, hard lockup, uncorrected machine check;
 *   error: oops, bug, gpf, null_deref, invalid_opcode, divide_error, slab_corruption, bad_page,
 *          soft_lockup, rcu_stall, hung_task, user_segfault, user_trap, oom_kill, and a CORRECTED
 *          machine check: the CPU reported a hardware fault it could repair, which is still evidence
 *          of failing hardware (Raptor Lake degradation shows up first as corrected Bank 0 errors);
 *   warn:  WARNING, a user int3 trap, and an OOM task table seen without its kill line.
 * Kinds: an oops with a specific cause is kind "oops" + also "<cause>" (null_deref, gpf,
 * divide_error, invalid_opcode); "kernel BUG at F:L" is kind "bug" (+ also slab_corruption for
 * mm/slub.c, mm/slab.c, mm/usercopy.c); a panic caused by a lockup/OOM is "panic" + also that cause.
 * A report whose header is not in the log (a 4 KiB host excerpt starts mid-oops) is still reported,
 * as "oops" with what = "partial: header not in log" (or "bug" when its Code: bytes show ud2). */
#ifndef SW_KMSG_CLASSIFY_H
#define SW_KMSG_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "probes/kmsg_line.h"

/* One classified event and where it came from. */
struct sw_kmsg_hit {
    struct sw_event ev;
    int64_t ts_us;      /* kernel timestamp of the headline, -1 if the log had none */
    uint32_t line_no;   /* 1-based number of the headline line in the fed input      */
    char stamp[40];     /* the headline line's own time text, may be ""              */
};

#define SW_KMSG_QUEUE 8
/* An OOM kill that stresswsl's pressure workload provokes in its own memory cgroup: the task name
 * its processes carry, and the event's `what` (severity info; never counted as an OOM problem). */
#define SW_KMSG_PRESSURE_TASK "sw-pressure"
#define SW_KMSG_EXPECTED_OOM "expected: pressure cgroup limit"

/* One report being assembled. */
struct sw_kmsg_block {
    bool open;
    uint32_t flags;          /* SW_KB_* indicators seen so far               */
    int kind;                /* the headline's own kind                      */
    int sev_hint;            /* -1 = by kind                                  */
    int cpu, pid;
    int64_t ts_us;
    uint64_t real_ns;
    uint32_t line_no, lines, frames;
    bool in_trace, rip_set, first_frame, accept_trace;
    char stamp[40];
    char headline[SW_EV_TEXT];
    char what[40];
    char where[40];
    char task[16];
    char rip[48];            /* function from "RIP: 0010:func+0x.." (most relevant) */
    char frames_sure[112];   /* reliable call-trace frames, boring ones skipped   */
    char frames_maybe[112];  /* "? func" frames (stack leftovers)                 */
    struct sw_klog_ext kx;   /* module, taint, subsystem, machine-check and stall details */
    uint8_t mce_parts;       /* KC_MCE_* parts of one machine-check record already seen */
    int ghes_id;             /* "{7}[Hardware Error]" record number, -1 none          */
};

struct sw_kmsg_cls {
    struct sw_kmsg_block b;
    uint64_t boot_real_ns;   /* if non-zero: t_ns = boot_real_ns + ts_us * 1000 */
    uint32_t line_no;
    int last_kind;           /* kind of the last emitted event (MCE "events logged" de-dup) */
    char last_text[SW_EV_TEXT];
    struct sw_kmsg_hit q[SW_KMSG_QUEUE];
    unsigned q_head, q_len;
    uint64_t dropped;        /* hits lost to a full queue (callers pop after every feed) */
    uint64_t kernel_lines;   /* lines with kernel framing or kernel-report content       */
    bool exhaustive;         /* tests: every detector on every line, no cheap first test   */
    uint64_t mask;           /* sw_kmsg_char_mask of the line being fed                    */
};

void sw_kmsg_cls_init(struct sw_kmsg_cls *c);
/* Feeds one normalised line. Returns true if the line looked like kernel-log content (framing or a
 * recognised report line): `analyze` uses it to tell a kernel log from any other file. */
bool sw_kmsg_cls_feed(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l);
/* The next fed line is line n of the file (a reader may split one physical line into several). */
static inline void sw_kmsg_cls_set_line(struct sw_kmsg_cls *c, uint32_t n)
{
    c->line_no = n ? n - 1 : 0;
}
/* Ends the report being assembled (end of input, or the log went quiet). */
void sw_kmsg_cls_flush(struct sw_kmsg_cls *c);
/* True between reports with no event waiting: the state right after sw_kmsg_cls_init (counters and
 * line numbers aside). Two classifiers idle at the same line go on to classify the rest alike, which
 * lets `analyze` classify a big log's halves side by side (cli/cli_analyze_split.c). */
bool sw_kmsg_cls_idle(const struct sw_kmsg_cls *c);
/* True while a report is open (the monitor flushes it after a quiet period). */
bool sw_kmsg_cls_pending(const struct sw_kmsg_cls *c);
/* Takes the next finished event; false when none is ready. */
bool sw_kmsg_cls_pop(struct sw_kmsg_cls *c, struct sw_kmsg_hit *out);

/* Taint letters of a report line ("Tainted: G  U  OE 6.8.0" -> "UOE", G left out) into letters.
 * Returns 1 tainted, 0 "Not tainted", -1 the line has no taint text. */
int sw_kmsg_parse_taint(const char *m, char *letters, size_t cap);

/* "oops+null_deref error cpu 5 task z_wr_iss in zap_leaf_lookup fzap_length: BUG: kernel NULL ..."
 * into buf (always terminated). Allocation-free. */
void sw_kmsg_event_line(const struct sw_event *ev, char *buf, size_t cap);

#endif
