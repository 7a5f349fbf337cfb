/* One fixed-size, pointer-free event record, used everywhere: worker rings in shared memory, the journal
 * file, and the runner's in-memory run record. Fixed size and no pointers so it can cross fork(), be
 * written with one write(2) from a path that must not allocate, and be read back after a crash. */
#ifndef SW_EVENT_H
#define SW_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum sw_ev_type {
    SW_EV_NOTE = 0,        /* informational text                                               */
    SW_EV_PHASE,           /* a phase started (what = phase name)                              */
    SW_EV_MEM_ERROR,       /* memory miscompare: u.mem                                         */
    SW_EV_VERIFY_ERROR,    /* a computed/received result differs from the known answer: u.verify */
    SW_EV_WORKER_SIGNAL,   /* a worker (or its child) was killed by a signal: u.fault           */
    SW_EV_WORKER_EXIT,     /* a worker (or its child) exited with an unexpected status: u.fault */
    SW_EV_KERNEL,          /* a kernel-log record classified by probes/kmsg: u.klog             */
    SW_EV_HOST,            /* evidence from the Windows host (WHEA, guest crash): text          */
    SW_EV_RESOURCE,        /* EAGAIN/ENOMEM/EMFILE back-off, budget scaling: text               */
    SW_EV_STALL,           /* a worker stopped making progress                                 */
    SW_EV_TYPE_COUNT
};

enum sw_sev {
    SW_SEV_INFO = 0,
    SW_SEV_WARN,
    SW_SEV_ERROR,   /* the machine misbehaved: counts as instability (exit 1) */
    SW_SEV_FATAL    /* the machine misbehaved badly: panic, MCE, ...          */
};

/* Kernel event kinds. Their names (sw_klog_kind_name) are a public contract in report.json. */
enum sw_klog_kind {
    SW_KLOG_NONE = 0,
    SW_KLOG_PANIC, SW_KLOG_OOPS, SW_KLOG_BUG, SW_KLOG_NULL_DEREF, SW_KLOG_GPF, SW_KLOG_INVALID_OPCODE,
    SW_KLOG_DIVIDE_ERROR, SW_KLOG_SLAB_CORRUPTION, SW_KLOG_BAD_PAGE, SW_KLOG_SOFT_LOCKUP,
    SW_KLOG_HARD_LOCKUP, SW_KLOG_RCU_STALL, SW_KLOG_HUNG_TASK, SW_KLOG_MCE, SW_KLOG_USER_SEGFAULT,
    SW_KLOG_USER_TRAP, SW_KLOG_OOM_KILL, SW_KLOG_WARNING,
    /* added later: appended so journals keep their numbers */
    SW_KLOG_KASAN, SW_KLOG_KFENCE, SW_KLOG_UBSAN, SW_KLOG_LIST_CORRUPTION, SW_KLOG_REFCOUNT, SW_KLOG_LOCKDEP,
    SW_KLOG_ATOMIC_SLEEP, SW_KLOG_BAD_PAGE_MAP, SW_KLOG_PAGE_ALLOC_FAIL,
    SW_KLOG_IO_ERROR, SW_KLOG_FS_CORRUPTION, SW_KLOG_THERMAL, SW_KLOG_GPU_FAULT,
    SW_KLOG_KIND_COUNT
};

/* Memory-error flags (u.mem.flags). */
#define SW_MEM_PERSISTENT 0x1u  /* the re-read still shows the bad value               */
#define SW_MEM_PADDR_OK   0x2u  /* paddr is valid (pagemap readable); guest-physical in a VM */
#define SW_MEM_BLOCK      0x4u  /* a whole block matched another pattern: addressing fault */

#define SW_EV_TEXT 160

/* Machine-check details (sw_klog_ext.mce_*). Zero always means "not known", so records written before
 * these fields existed (zero-filled) read as unknown. */
enum sw_mce_unit {
    SW_MCE_UNIT_NONE = 0, SW_MCE_UNIT_UNKNOWN, SW_MCE_UNIT_CORE, SW_MCE_UNIT_L2, SW_MCE_UNIT_L3,
    SW_MCE_UNIT_LOAD_STORE, SW_MCE_UNIT_IFETCH, SW_MCE_UNIT_MEMORY, SW_MCE_UNIT_BUS, SW_MCE_UNIT_COUNT
};
enum sw_mce_source {
    SW_MCE_SRC_NONE = 0, SW_MCE_SRC_MCE, SW_MCE_SRC_MCE_AMD, SW_MCE_SRC_EDAC, SW_MCE_SRC_GHES, SW_MCE_SRC_MCELOG,
    SW_MCE_SRC_COUNT
};
#define SW_MCE_CORRECTED   1   /* mce_corrected */
#define SW_MCE_UNCORRECTED 2

/* sw_klog_ext.flags */
#define SW_KX_TAINT_SEEN      0x01u  /* the report had a "Tainted:"/"Not tainted" line          */
#define SW_KX_STALL_SEEN      0x02u  /* stall details below are meaningful                     */
#define SW_KX_KTHREAD_STARVED 0x04u  /* "rcu_sched kthread starved for N jiffies"               */
#define SW_KX_FALSE_POSITIVE  0x08u  /* "(false positive?)": the kernel itself doubts the stall */

/* Kernel-event details that do not fit the union. They live after crc so that journal records written
 * before they existed (zeros there) still read back, as "unknown". */
struct sw_klog_ext {
    char module[16];      /* driver module in the reliable frames/RIP ("zfs", "dxgkrnl"), "" none   */
    char taint[12];       /* taint letters of this report ("PO"); "" with SW_KX_TAINT_SEEN = clean */
    char subsystem[16];   /* "io_uring", "mm", "ext4", ... ; "" unknown                            */
    uint8_t flags;        /* SW_KX_*                                                              */
    uint8_t mce_corrected;/* 0 unknown, SW_MCE_CORRECTED, SW_MCE_UNCORRECTED                      */
    uint8_t mce_unit;     /* enum sw_mce_unit                                                     */
    uint8_t mce_source;   /* enum sw_mce_source                                                   */
    int16_t mce_bank;     /* bank + 1; 0 = unknown                                                */
    uint16_t stall_cpus;  /* CPUs named in a stall report, 0 unknown                              */
};

struct sw_event {
    uint64_t seq;        /* assigned by the runner when it records the event              */
    uint64_t t_ns;       /* CLOCK_REALTIME, ns: comparable across reboots and with host logs */
    uint16_t type;       /* enum sw_ev_type                                                */
    uint8_t sev;         /* enum sw_sev                                                    */
    uint8_t klog_kind;   /* enum sw_klog_kind for SW_EV_KERNEL                             */
    uint8_t klog_also;   /* second kind (an oops that is also a NULL dereference)          */
    uint8_t pad0[3];
    int16_t worker;      /* worker index in the plan, -1 = runner or monitor               */
    int16_t cpu;         /* CPU the fault was seen on (a vCPU inside a VM), -1 unknown     */
    int16_t node;        /* NUMA node, -1 unknown                                          */
    int16_t workload;    /* registry index (stress/registry), -1 none                      */
    int32_t pid;
    uint16_t phase;      /* phase index                                                    */
    uint16_t pad1;
    union {
        struct {
            uint64_t vaddr, paddr, expected, actual, reread;
            uint32_t width;  /* bytes compared: 1, 2, 4 or 8 */
            uint32_t flags;  /* SW_MEM_*                      */
        } mem;
        struct {
            uint64_t want, got;
        } verify;
        struct {
            int32_t signo, code;  /* signal and si_code                                     */
            int32_t status;       /* exit status for SW_EV_WORKER_EXIT                       */
            int32_t pad;
            uint64_t addr, ip;    /* fault address and instruction pointer, when known      */
        } fault;
        struct {
            char task[16];        /* comm of the task the kernel names                       */
            char symbols[112];    /* call-trace symbols, space-separated, most relevant first */
            char where[40];       /* file:line for kernel BUG, bank for MCE                  */
        } klog;
    } u;
    char what[40];           /* short label: pattern name, verification unit, signal name    */
    char text[SW_EV_TEXT];   /* one human-readable line                                      */
    uint32_t crc;            /* CRC32 of the record, filled by the journal; 0 elsewhere      */
    struct sw_klog_ext kx;   /* SW_EV_KERNEL details (zero = unknown); after crc on purpose      */
};

_Static_assert(sizeof(struct sw_event) <= 512, "journal records are 512 bytes");

const char *sw_ev_type_name(enum sw_ev_type t);
const char *sw_sev_name(enum sw_sev s);
const char *sw_klog_kind_name(enum sw_klog_kind k);   /* "panic", "oops", ... ; "" for NONE  */
const char *sw_mce_unit_name(enum sw_mce_unit u);     /* "core", "l2_cache", ...; "" for NONE   */
const char *sw_mce_source_name(enum sw_mce_source s); /* "mce", "mce_amd", ...; "" for NONE     */
int sw_mce_unit_from_name(const char *name);          /* 0 if unknown                           */
int sw_mce_source_from_name(const char *name);        /* 0 if unknown                           */
int sw_klog_kind_from_name(const char *name);         /* -1 if unknown                      */
/* "SIGSEGV", or "signal 77" for a number without a name, into buf. */
const char *sw_signal_name(int signo, char *buf, size_t len);

#endif
