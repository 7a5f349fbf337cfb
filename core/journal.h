/* The crash-surviving run journal: one file per run in its run directory. A 4 KiB header (who, when,
 * which boot, what plan) and a preallocated, pre-zeroed ring of fixed 512-byte records (an event, a
 * heartbeat or the end mark), each with a CRC32 so a torn last record is detected after a crash.
 * Records are written with lseek + write(2) and made durable with fdatasync; the append path neither
 * allocates nor locks (it may be called while the machine is failing). */
#ifndef SW_JOURNAL_H
#define SW_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/event.h"

#define SW_JOURNAL_MAGIC "SWJRNL01"
#define SW_JOURNAL_VERSION 1u
#define SW_JOURNAL_HDR_SIZE 4096u
#define SW_JOURNAL_REC_SIZE 512u
#define SW_JOURNAL_DEFAULT_CAP 8192u   /* 4 MiB of records: hours of heartbeats plus events */
/* The format's limit: a reader refuses a header that claims more (32 MiB of records). */
#define SW_JOURNAL_MAX_CAP 65536u
_Static_assert(SW_JOURNAL_DEFAULT_CAP <= SW_JOURNAL_MAX_CAP, "the writer's journals are readable");
#define SW_JOURNAL_REC_MAGIC 0x4b524e4aU  /* "JNRK" */
#define SW_JOURNAL_MAX_PHASES 16
#define SW_JOURNAL_MAX_WL 32

enum sw_jrec_kind { SW_JREC_EVENT = 1, SW_JREC_HEARTBEAT = 2, SW_JREC_END = 3 };

struct sw_journal_wl {
    int32_t id;          /* registry index as events carry it */
    char name[28];
};

struct sw_journal_hdr_fields {
    char magic[8];
    uint32_t version, hdr_size, rec_size, capacity;
    char run_id[64];
    char tool_version[32];
    char boot_id[40];           /* /proc/sys/kernel/random/boot_id at start */
    uint64_t start_real_ns;     /* CLOCK_REALTIME                           */
    uint64_t end_real_ns;       /* set with clean_end                       */
    uint32_t clean_end;         /* 1: the run ended and its report exists  */
    uint32_t reported;          /* 1: a later run already reported it abrupt */
    int32_t runner_pid;         /* informational; liveness is the flock on the file */
    uint32_t pad0;
    uint32_t nphases, nwl;
    char profile[64];
    char tmp_root[256];         /* removed by recovery if the run died      */
    char env[256];              /* environment summary: kernel, CPU, VM     */
    char plan[1024];            /* one-line plan summary                    */
    char phase_names[SW_JOURNAL_MAX_PHASES][32];
    struct sw_journal_wl wl[SW_JOURNAL_MAX_WL];
    uint32_t crc;               /* CRC32 of everything before this field    */
};

struct sw_journal_hdr {
    union {
        struct sw_journal_hdr_fields f;
        unsigned char raw[SW_JOURNAL_HDR_SIZE];
    };
};
_Static_assert(sizeof(struct sw_journal_hdr_fields) <= SW_JOURNAL_HDR_SIZE, "header fits 4 KiB");

struct sw_jrec_body {
    uint32_t magic;      /* SW_JOURNAL_REC_MAGIC                                  */
    uint32_t kind;       /* enum sw_jrec_kind                                     */
    uint64_t jseq;       /* 1-based journal sequence: the newest record has the max */
    uint64_t mono_ns;
    struct sw_event ev;  /* ev.crc: CRC32 of the 512 bytes with this field zero   */
};
struct sw_jrec {
    struct sw_jrec_body b;
    unsigned char pad[SW_JOURNAL_REC_SIZE - sizeof(struct sw_jrec_body)];
};
_Static_assert(sizeof(struct sw_jrec) == SW_JOURNAL_REC_SIZE, "journal records are 512 bytes");

struct sw_journal {
    int fd;
    int mirror_fd;              /* -1: no mirror                                    */
    uint32_t capacity;
    uint64_t next_seq;
    unsigned mirror_errors;     /* failed mirror writes (the run goes on)           */
    unsigned write_errors;
    struct sw_journal_hdr hdr;
    struct sw_jrec stage;       /* preallocated staging record for the append path */
};

uint32_t sw_crc32(uint32_t crc, const void *buf, size_t len);

/* Initialises the fixed fields of a header (magic, sizes, capacity); the caller fills the rest. */
void sw_journal_hdr_init(struct sw_journal_hdr *h, uint32_t capacity);
/* Creates path (and mirror_path if non-NULL) pre-zeroed at full size, writes hdr, fsyncs, and holds
 * an flock on it while the run lives (recovery skips locked journals: their run is still going).
 * Refuses tmpfs/ramfs with a one-line error (-EXDEV). */
int sw_journal_create(struct sw_journal *j, const char *path, const char *mirror_path,
                      const struct sw_journal_hdr *hdr, struct sw_diag *d);
/* Appends one record; fdatasync when sync. Allocation-free, lock-free, async-signal-safe.
 * ev may be NULL for a bare record. Returns 0 or -errno (the primary file's error). */
int sw_journal_append(struct sw_journal *j, enum sw_jrec_kind kind, const struct sw_event *ev,
                      uint64_t mono_ns, bool sync);
/* Writes the end record, sets clean_end and end time in the header, fdatasyncs, closes. */
int sw_journal_end(struct sw_journal *j, uint64_t end_real_ns);
/* Closes without marking the end (the crash-like path, also used by tests). */
void sw_journal_close(struct sw_journal *j);

uint32_t sw_journal_hdr_crc(const struct sw_journal_hdr *h);

/* --- reading (core/journal_read.c: recovery, tests, fuzzing) --- */
/* Validates a header read from a file of file_size bytes against the format's limits and that size:
 * 0, or -EBADMSG with one phrase in why ("its capacity 20000000 is over the format's limit of 65536
 * records"). Terminates its strings and clamps its counts. A header whose records run past the end of
 * the file is valid (a truncated journal); the reader reads only what the file holds. */
int sw_journal_check_hdr(struct sw_journal_hdr *h, uint64_t file_size, char *why, size_t why_cap);
/* Reads and validates the header of an open journal fd: -EBADMSG if the magic/CRC/limits are wrong. */
int sw_journal_read_hdr(int fd, struct sw_journal_hdr *h);
/* Reads record idx (0..capacity-1): 1 = valid record, 0 = never written (all zero, or past the end of
 * a file cut short), -EBADMSG = torn or corrupt (CRC mismatch), other -errno on I/O error. */
int sw_journal_read_rec(int fd, const struct sw_journal_hdr *h, uint32_t idx, struct sw_jrec *out);
/* Rewrites the header of an open (O_RDWR) journal with a fresh CRC and fdatasyncs. */
int sw_journal_write_hdr(int fd, struct sw_journal_hdr *h);

/* Everything that can still be read from a journal file, damaged or not. */
struct sw_journal_scan {
    struct sw_journal_hdr hdr;
    bool hdr_ok;            /* the header passed sw_journal_check_hdr                              */
    bool damaged;           /* header unusable, or the file is shorter than its header says        */
    char why[160];          /* what is damaged, one phrase ("" when not damaged)                   */
    uint64_t file_size;
    struct sw_jrec *recs;   /* valid (CRC-checked) records, sorted by jseq; at most the file holds */
    size_t n;
    unsigned torn;          /* slots that are neither empty nor valid                              */
};
/* Reads the header and every valid record of fd. Memory and time are bounded by the file's real
 * size and SW_JOURNAL_MAX_CAP, never by a count the file states. With a damaged header the record
 * slots are still searched (records carry their own CRC). Returns 0 (s->damaged says how much could
 * be read), or -errno when the file cannot be read at all (s is then empty). */
int sw_journal_scan(int fd, struct sw_journal_scan *s);
/* The same on a buffer holding a whole journal file (fuzzing, tests). */
int sw_journal_scan_mem(const void *buf, size_t len, struct sw_journal_scan *s);
void sw_journal_scan_free(struct sw_journal_scan *s);

/* The current boot id (36 chars + NUL) or "" if unreadable. */
void sw_boot_id(char *out, size_t cap);

#endif
