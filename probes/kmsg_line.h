/* Normalises one kernel-log line from any of the formats users hand us (live /dev/kmsg records, dmesg,
 * syslog/kern.log, RFC 3339 syslog, journalctl -k, Windows Hyper-V "Guest message:" event text, WSL
 * GuestLog CSV/TSV exports, bare text) into (timestamp, priority, caller, message). Pure string work:
 * no allocation, no I/O, so the kmsg monitor child and `stresswsl analyze` share it. */
#ifndef SW_KMSG_LINE_H
#define SW_KMSG_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sw_kmsg_format {
    SW_KFMT_UNKNOWN = 0,
    SW_KFMT_KMSG,       /* /dev/kmsg records "prio,seq,ts_us,flags;msg" (+ " KEY=value" lines)    */
    SW_KFMT_DMESG,      /* "[  123.456789] msg", optional "<6>" and "[T38]"/"[C3]" caller          */
    SW_KFMT_SYSLOG,     /* "Nov 23 14:50:51 host kernel: ..." (kern.log, journalctl -k short)    */
    SW_KFMT_ISO,        /* "2024-05-01T10:11:12.123456+00:00 host kernel: ..." (RFC 3339, short-iso) */
    SW_KFMT_HYPERV,     /* Windows event 18590 text: kernel lines follow "Guest message:"          */
    SW_KFMT_GUESTLOG_CSV, /* WSL ETW GuestLog export, comma-separated, quoted message column      */
    SW_KFMT_GUESTLOG_TSV, /* the same, tab-separated                                              */
    SW_KFMT_PLAIN,      /* no prefixes at all (journalctl -o cat, copied oops text)               */
    SW_KFMT_COUNT
};

#define SW_KMSG_MSG_MAX 1024   /* printk's own line limit is 1024 bytes */

struct sw_kmsg_line {
    char msg[SW_KMSG_MSG_MAX];  /* the message text, prefixes removed, leading frame spaces kept  */
    const char *text;    /* the message: msg, or (sw_kmsg_line_parse_inplace) the same bytes left
                            in the caller's line; NUL-terminated either way                        */
    size_t text_len;     /* strlen(text), so a caller never measures it again                     */
    int64_t ts_us;       /* kernel timestamp (µs since boot) if the line had one, else -1         */
    uint64_t real_ns;    /* wall-clock time (CLOCK_REALTIME ns) if the line had a full date, else 0 */
    char stamp[40];      /* the line's own time text for display ("Nov  3 15:20:05"), may be ""  */
    int prio;            /* syslog level 0..7 if known, else -1                                  */
    int facility;        /* syslog facility if known (0 = kernel), else -1                        */
    int cpu;             /* from a PRINTK_CALLER "[C3]" prefix, else -1                           */
    int caller_tid;      /* from a PRINTK_CALLER "[T38]" prefix, else -1                          */
    uint64_t seq;        /* /dev/kmsg sequence number, 0 if none                                  */
    bool kernel;         /* the line carries kernel-log framing (kmsg record, [ t], "kernel:" tag) */
    bool skip;           /* not a log line at all: kmsg continuation, other syslog tag, event header */
};

/* A 64-bit set of the characters in s (letters each, digits, some punctuation, "other"): a text can
 * only contain a needle whose set is a subset of its own. 0 only for an empty text. */
uint64_t sw_kmsg_char_mask(const char *s, size_t n);

const char *sw_kmsg_format_name(enum sw_kmsg_format f);   /* "dmesg", "syslog", ...           */

/* Looks at up to n lines (the first non-empty lines of a file) and names their format. */
enum sw_kmsg_format sw_kmsg_detect(const char *const *lines, const size_t *lens, size_t n);

/* Normalises one physical line (no trailing newline needed; "\r" is dropped). fmt is the file's
 * format or SW_KFMT_UNKNOWN; every known prefix is also tried per line, so mixed files work. */
void sw_kmsg_line_parse(const char *line, size_t len, enum sw_kmsg_format fmt, struct sw_kmsg_line *out);
/* The same for a line whose byte after len is a NUL the caller wrote (a read buffer it owns): where the
 * message is the line's own tail as it stands (nothing to unescape, no trailing blank, shorter than
 * msg), out->text points into line and nothing is copied; else as sw_kmsg_line_parse. out->text is
 * valid while line is. */
void sw_kmsg_line_parse_inplace(const char *line, size_t len, enum sw_kmsg_format fmt, struct sw_kmsg_line *out);

/* A reader adds the per-file state a single line cannot know: whether a Hyper-V event text has
 * reached its "Guest message:" part, and the splitting of guest lines that were joined into one
 * physical line. Feed a line, then call next() until it returns false. */
struct sw_kmsg_reader {
    enum sw_kmsg_format fmt;
    bool in_guest;          /* Hyper-V text: past "Guest message:"              */
    const char *rest;       /* unconsumed part of the fed line (joined lines)    */
    size_t rest_len;
    bool first;             /* the next piece is the start of the physical line  */
    bool inplace;           /* fed lines are NUL-terminated: parse them in place */
};

void sw_kmsg_reader_init(struct sw_kmsg_reader *r, enum sw_kmsg_format fmt);
void sw_kmsg_reader_feed(struct sw_kmsg_reader *r, const char *line, size_t len);
bool sw_kmsg_reader_next(struct sw_kmsg_reader *r, struct sw_kmsg_line *out);

/* Length of a "[  123.456789]" kernel timestamp at s (0 if none); *us gets its value. */
size_t sw_kmsg_scan_ts(const char *s, size_t len, int64_t *us);

#endif
