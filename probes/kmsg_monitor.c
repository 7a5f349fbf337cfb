#include "probes/kmsg_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "probes/kmsg_classify.h"
#include "probes/kmsg_line.h"

#define KMSG_PATH "/dev/kmsg"
#define POLL_MS 100                       /* *stop is noticed within one poll period        */
#define QUIET_FLUSH_NS (1000ull * 1000000) /* a report is complete after 1 s without records */
#define BATCH 256                         /* records per wake-up before stop is re-checked   */
#define HISTORY_SLACK_NS (50ull * 1000000) /* printk vs CLOCK_REALTIME disagreement at run
                                                start (measured ~3 ms); more would pull in the
                                                previous program's crashes */

int sw_kmsg_monitor_check(void *arg, struct sw_diag *d)
{
    (void)arg;
    int fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == EPERM || e == EACCES)
            return sw_fail(d, -e, "cannot read the kernel log: run as root or set kernel.dmesg_restrict=0");
        return sw_fail(d, -e, "cannot read the kernel log (%s: %s): kernel events will not be recorded", KMSG_PATH,
                       strerror(e));
    }
    close(fd);
    return 0;
}

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void note(struct sw_monitor_io *io, uint8_t sev, const char *text, uint64_t count)
{
    struct sw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_EV_NOTE;
    ev.sev = sev;
    ev.t_ns = clock_ns(CLOCK_REALTIME);
    ev.worker = ev.cpu = ev.node = ev.workload = -1;
    ev.pid = (int32_t)getpid();
    sw_strlcpy(ev.what, "kmsg", sizeof ev.what);
    struct sw_fmt f;
    sw_fmt_init(&f, ev.text, sizeof ev.text);
    sw_fmt_str(&f, text);
    if (count) {
        sw_fmt_str(&f, " (");
        sw_fmt_u64(&f, count);
        sw_fmt_str(&f, " times)");
    }
    sw_ring_push(io->ring, io->slot, &ev);
}

/* True for a task this run created: workers are named sw-<workload>, the programs they exec are
 * stresswsl (compile jobs) and stresswsl-exec-child (comm truncated to 15 bytes). */
static bool own_task(const char *task)
{
    return !strncmp(task, "stresswsl", 9) || !strncmp(task, "sw-", 3);
}

/* A user-space crash of some other program during the run is recorded, but as a warning: it is not
 * the stress load's own evidence (a kernel oops or MCE is, whoever triggered it). */
static void demote_foreign_crash(struct sw_event *ev)
{
    if ((ev->klog_kind != SW_KLOG_USER_SEGFAULT && ev->klog_kind != SW_KLOG_USER_TRAP) || own_task(ev->u.klog.task))
        return;
    if (ev->sev >= SW_SEV_ERROR)
        ev->sev = SW_SEV_WARN;
    sw_strlcpy(ev->what, "not a stresswsl process", sizeof ev->what);
}

static uint64_t push_hits(struct sw_monitor_io *io, struct sw_kmsg_cls *c)
{
    struct sw_kmsg_hit h;
    uint64_t errors = 0;
    while (sw_kmsg_cls_pop(c, &h)) {
        demote_foreign_crash(&h.ev);
        if (h.ev.sev >= SW_SEV_ERROR)
            errors++;
        sw_ring_push(io->ring, io->slot, &h.ev);
    }
    return errors;
}

/* Everything the monitor carries between records. */
struct mon {
    struct sw_monitor_io *io;
    struct sw_kmsg_cls cls;
    struct sw_kmsg_line line;
    uint64_t boot_real, records, bytes, errors, overwritten, last_record, max_seq;
};

static void mon_read_error(struct mon *m)
{
    /* EPIPE: the kernel overwrote records before we read them; the next read resumes at the
     * oldest record still there. */
    if (m->overwritten++ == 0)
        note(m->io, SW_SEV_WARN,
             "kernel log records were overwritten before stresswsl could read them: some kernel messages are missing",
             0);
}

/* One record: "prio,seq,ts,flags;message\n KEY=value\n...". history: from the backlog pass, where
 * only records from (about) run start on count. */
static void mon_record(struct mon *m, const char *buf, size_t n, bool history)
{
    const char *nl = memchr(buf, '\n', n);
    size_t len = nl ? (size_t)(nl - buf) : n;
    sw_kmsg_line_parse(buf, len, SW_KFMT_KMSG, &m->line);
    if (history) {
        /* printk's clock and CLOCK_BOOTTIME disagree by milliseconds (seconds after long uptimes):
         * records up to HISTORY_SLACK before run start are taken as this run's. */
        if (m->line.ts_us >= 0 &&
            m->boot_real + (uint64_t)m->line.ts_us * 1000u + HISTORY_SLACK_NS < m->io->run_start_real_ns)
            return;
        if (m->line.seq > m->max_seq)
            m->max_seq = m->line.seq;
    } else if (m->line.seq && m->line.seq <= m->max_seq) {
        return;   /* already seen in the backlog pass */
    }
    m->records++;
    m->bytes += n;
    m->last_record = clock_ns(CLOCK_MONOTONIC);
    sw_kmsg_cls_feed(&m->cls, &m->line);
    m->errors += push_hits(m->io, &m->cls);
}

int sw_kmsg_monitor_run(struct sw_monitor_io *io, void *arg)
{
    (void)arg;
    /* The live descriptor starts at the end of the buffer: whatever it returns is new. The backlog
     * descriptor reads the buffer once for records written between run start and now. */
    int fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    int hist = fd >= 0 ? open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
    if (fd < 0 || hist < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        note(io, SW_SEV_WARN,
             e == EPERM || e == EACCES ? "cannot read the kernel log: run as root or set kernel.dmesg_restrict=0"
                                       : "cannot open /dev/kmsg: kernel events are not recorded in this run",
             0);
        return -e;
    }
    lseek(fd, 0, SEEK_END);
    struct mon m;
    memset(&m, 0, sizeof m);
    m.io = io;
    /* kmsg timestamps count from boot; CLOCK_REALTIME - CLOCK_BOOTTIME turns them into wall time
     * (as dmesg -T does). */
    m.boot_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
    sw_kmsg_cls_init(&m.cls);
    m.cls.boot_real_ns = m.boot_real;
    m.last_record = clock_ns(CLOCK_MONOTONIC);
    char buf[8192];   /* > the kernel's record size; a smaller buffer makes read() fail */
    if (io->slot) {
        atomic_store(&io->slot->pid, (int)getpid());
        atomic_store(&io->slot->state, SW_SLOT_RUNNING);
    }
    for (;;) {
        if (atomic_load_explicit(io->stop, memory_order_acquire))
            break;
        ssize_t n = read(hist, buf, sizeof buf - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EPIPE) {
            mon_read_error(&m);
            continue;
        }
        if (n <= 0)
            break;   /* EAGAIN: the backlog is done */
        buf[n] = '\0';
        mon_record(&m, buf, (size_t)n, true);
    }
    close(hist);

    while (!atomic_load_explicit(io->stop, memory_order_acquire)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int pr = poll(&p, 1, POLL_MS);
        if (pr < 0 && errno != EINTR)
            break;
        for (int k = 0; k < BATCH; k++) {
            ssize_t n = read(fd, buf, sizeof buf - 1);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EPIPE) {
                    mon_read_error(&m);
                    continue;
                }
                break;   /* EAGAIN: nothing more for now */
            }
            if (n == 0)
                break;
            buf[n] = '\0';
            mon_record(&m, buf, (size_t)n, false);
        }
        if (sw_kmsg_cls_pending(&m.cls) && clock_ns(CLOCK_MONOTONIC) - m.last_record > QUIET_FLUSH_NS) {
            sw_kmsg_cls_flush(&m.cls);
            m.errors += push_hits(io, &m.cls);
        }
        if (io->slot)
            sw_slot_publish(io->slot, m.records, m.bytes, m.errors, -1);
    }
    sw_kmsg_cls_flush(&m.cls);
    m.errors += push_hits(io, &m.cls);
    if (m.overwritten > 1)
        note(io, SW_SEV_WARN, "kernel log records were overwritten before stresswsl could read them", m.overwritten);
    if (io->slot) {
        sw_slot_publish(io->slot, m.records, m.bytes, m.errors, -1);
        atomic_store(&io->slot->state, SW_SLOT_DONE);
    }
    close(fd);
    return 0;
}

const struct sw_monitor sw_kmsg_monitor = {
    .name = "kmsg",
    .start_check = sw_kmsg_monitor_check,
    .run = sw_kmsg_monitor_run,
    .arg = NULL,
};
