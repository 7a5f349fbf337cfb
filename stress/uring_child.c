#include "stress/uring_child.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/fmt.h"
#include "core/spawn.h"
#include "stress/digest.h"

#define MAX_RINGS 4
#define ENTRIES 64
#define BUF_SIZE 4096
#define BATCH_WAIT_S 5           /* a batch of sub-millisecond requests not done in this: a wrong (lost) completion */
#define WORKERS_PER_RING 2       /* io-wq workers per ring, bounded and unbounded each */

/* user_data = kind << 56 | ring << 48 | serial. "Never" kinds must not complete while the process
 * lives; the batch kinds must, each with its own result. */
enum kind {
    K_NONE,
    K_POLL_PIPE,        /* never: POLLIN on a pipe nobody writes                       */
    K_POLL_EVENTFD,     /* never: POLLIN on an eventfd nobody signals                  */
    K_ASYNC_READ,       /* never: IOSQE_ASYNC read of that pipe (io-wq), fixed file     */
    K_ASYNC_FIXED,      /* never: IOSQE_ASYNC read_fixed (registered buffer), fixed file */
    K_LONG_READ,        /* never: a read linked to ...                                  */
    K_LONG_LINK_TO,     /* never: ... a link timeout of an hour                         */
    K_LONG_TIMEOUT,     /* never: a plain timeout of an hour                            */
    K_MULTISHOT,        /* fires on every write to the data pipe: POLLIN, F_MORE        */
    K_NOP,              /* res 0                                                        */
    K_WRITE,            /* 8 bytes to the data pipe: res 8 ...                          */
    K_READ_FIXED,       /* ... read back into a registered buffer: res 8, same bytes    */
    K_CUT_READ,         /* a read of the empty pipe linked to ...                       */
    K_CUT_LINK_TO,      /* ... a 100 us link timeout: read -ECANCELED/-EINTR, this -ETIME */
    K_COUNT
};
static const char *const kind_names[K_COUNT] = {"none", "poll-pipe", "poll-eventfd", "async-read", "async-read-fixed",
                                                "linked-read", "link-timeout-1h", "timeout-1h", "multishot-poll",
                                                "nop", "write", "read-fixed", "cut-read", "link-timeout"};

enum { F_NEVER_R, F_EVENTFD, F_DATA_R, F_DATA_W, F_COUNT };   /* registered file indexes */

struct ring {
    struct io_uring u;
    unsigned idx;
    unsigned in_flight;        /* submitted, not completed                                */
    unsigned batch_left;       /* batch completions still to come                         */
    uint64_t serial;
    uint64_t data_sent;        /* the 8 bytes the batch wrote                             */
    unsigned char *buf;        /* registered buffers: [0] batch reads, [1] never-read     */
};

static const struct sw_uring_plan *plan;
static int fds[F_COUNT];
static unsigned char bufs[MAX_RINGS][2][BUF_SIZE] __attribute__((aligned(4096)));
static struct __kernel_timespec hour = {3600, 0}, cut = {0, 100000};
static bool inject_left;

static uint64_t tag(enum kind k, const struct ring *r, uint64_t serial)
{
    return (uint64_t)k << 56 | (uint64_t)r->idx << 48 | (serial & 0xffffffffffffull);
}

static void bad(uint64_t user_data, const char *what, uint64_t want, uint64_t got)
{
    struct sw_uring_slot *s = plan->slot;
    if (atomic_fetch_add(&s->bad, 1) == 0) {
        s->bad_user_data = user_data;
        s->bad_want = want;
        s->bad_got = got;
        sw_strlcpy(s->bad_what, what, sizeof s->bad_what);
    }
}

static void refused(int err)
{
    plan->slot->err = err;
    _exit(SW_URING_CODE_NORING);
}

static struct io_uring_sqe *sqe_of(struct ring *r)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&r->u);
    if (!sqe) {   /* full: hand what is there to the kernel and try again */
        int rc = io_uring_submit(&r->u);
        if (rc < 0)
            refused(-rc);
        sqe = io_uring_get_sqe(&r->u);
        if (!sqe)
            refused(EBUSY);
    }
    return sqe;
}

static void set(struct io_uring_sqe *sqe, struct ring *r, enum kind k, uint64_t serial, unsigned flags)
{
    io_uring_sqe_set_data64(sqe, tag(k, r, serial));
    io_uring_sqe_set_flags(sqe, flags);
    r->in_flight++;
}

/* The requests that stay in flight for the life of the process. */
static void submit_never(struct ring *r)
{
    struct io_uring_sqe *s;
    s = sqe_of(r);
    io_uring_prep_poll_add(s, fds[F_NEVER_R], POLLIN);
    set(s, r, K_POLL_PIPE, 0, 0);
    s = sqe_of(r);
    io_uring_prep_poll_add(s, F_EVENTFD, POLLIN);
    set(s, r, K_POLL_EVENTFD, 0, IOSQE_FIXED_FILE);
    s = sqe_of(r);
    io_uring_prep_read(s, F_NEVER_R, r->buf + BUF_SIZE, 64, (uint64_t)-1);
    set(s, r, K_ASYNC_READ, 0, IOSQE_FIXED_FILE | IOSQE_ASYNC);
    s = sqe_of(r);
    io_uring_prep_read_fixed(s, F_NEVER_R, r->buf + BUF_SIZE + 64, 64, (uint64_t)-1, 1);
    set(s, r, K_ASYNC_FIXED, 0, IOSQE_FIXED_FILE | IOSQE_ASYNC);
    s = sqe_of(r);
    io_uring_prep_read(s, fds[F_NEVER_R], r->buf + BUF_SIZE + 128, 64, (uint64_t)-1);
    set(s, r, K_LONG_READ, 0, IOSQE_IO_LINK);
    s = sqe_of(r);
    io_uring_prep_link_timeout(s, &hour, 0);
    set(s, r, K_LONG_LINK_TO, 0, 0);
    s = sqe_of(r);
    io_uring_prep_timeout(s, &hour, 0, 0);
    set(s, r, K_LONG_TIMEOUT, 0, 0);
    s = sqe_of(r);
    io_uring_prep_poll_multishot(s, F_DATA_R, POLLIN);
    set(s, r, K_MULTISHOT, 0, IOSQE_FIXED_FILE);
}

/* One batch: a nop, a write linked to a read_fixed of the same bytes, a read cut by a link timeout. */
static void submit_batch(struct ring *r)
{
    uint64_t n = ++r->serial;
    r->data_sent = sw_mix64(plan->seed ^ n ^ (uint64_t)r->idx << 40);
    struct io_uring_sqe *s;
    s = sqe_of(r);
    io_uring_prep_nop(s);
    set(s, r, K_NOP, n, 0);
    s = sqe_of(r);
    io_uring_prep_write(s, F_DATA_W, &r->data_sent, 8, (uint64_t)-1);
    set(s, r, K_WRITE, n, IOSQE_FIXED_FILE | IOSQE_IO_LINK);
    memset(r->buf, 0, 8);
    s = sqe_of(r);
    io_uring_prep_read_fixed(s, F_DATA_R, r->buf, 8, (uint64_t)-1, 0);
    set(s, r, K_READ_FIXED, n, IOSQE_FIXED_FILE);
    s = sqe_of(r);
    io_uring_prep_read(s, fds[F_NEVER_R], r->buf + 8, 8, (uint64_t)-1);
    set(s, r, K_CUT_READ, n, IOSQE_IO_LINK);
    s = sqe_of(r);
    io_uring_prep_link_timeout(s, &cut, 0);
    set(s, r, K_CUT_LINK_TO, n, 0);
    r->batch_left = 5;
    int rc = io_uring_submit(&r->u);
    if (rc < 0)
        refused(-rc);
}

/* Checks one completion against what was submitted. */
static void check_cqe(struct ring *r, struct io_uring_cqe *cqe)
{
    if (inject_left && (cqe->user_data >> 56) == K_NOP) {
        cqe->res ^= 0x40;   /* in the CQ ring itself, behind the checker's back */
        inject_left = false;
    }
    uint64_t ud = cqe->user_data;
    int res = cqe->res;
    enum kind k = (enum kind)(ud >> 56);
    unsigned ring_idx = (unsigned)(ud >> 48) & 0xff;
    uint64_t serial = ud & 0xffffffffffffull;
    if (k == K_NONE || k >= K_COUNT || ring_idx != r->idx) {
        bad(ud, "unknown-user-data", 0, ud);
        return;
    }
    bool more = (cqe->flags & IORING_CQE_F_MORE) != 0;
    if (!more)
        r->in_flight--;
    if (k < K_MULTISHOT) {   /* a request that cannot complete while the process lives */
        bad(ud, kind_names[k], 1ull << 32, (uint64_t)(uint32_t)res);
        return;
    }
    if (k == K_MULTISHOT) {
        if (res <= 0 || !(res & POLLIN))
            bad(ud, kind_names[k], POLLIN, (uint64_t)(uint32_t)res);
        else if (!more) {   /* the kernel ended the multishot (allowed): arm it again */
            struct io_uring_sqe *s = sqe_of(r);
            io_uring_prep_poll_multishot(s, F_DATA_R, POLLIN);
            set(s, r, K_MULTISHOT, 0, IOSQE_FIXED_FILE);
        }
        atomic_fetch_add(&plan->slot->completions, 1);
        return;
    }
    if (serial != r->serial) {
        bad(ud, "stale-serial", r->serial, serial);
        return;
    }
    bool good;
    uint64_t want;
    switch (k) {
    case K_NOP:
        good = res == 0, want = 0;
        break;
    case K_WRITE:
        good = res == 8, want = 8;
        break;
    case K_READ_FIXED: {
        uint64_t got;
        memcpy(&got, r->buf, 8);
        good = res == 8, want = 8;
        if (good && got != r->data_sent) {
            bad(ud, "read-fixed-data", r->data_sent, got);
            r->batch_left--;
            return;
        }
        break;
    }
    case K_CUT_READ:
        good = res == -ECANCELED || res == -EINTR, want = (uint64_t)(uint32_t)-ECANCELED;
        break;
    default:   /* K_CUT_LINK_TO */
        good = res == -ETIME, want = (uint64_t)(uint32_t)-ETIME;
        break;
    }
    r->batch_left--;
    if (good)
        atomic_fetch_add(&plan->slot->completions, 1);
    else
        bad(ud, kind_names[k], want, (uint64_t)(uint32_t)res);
}

/* Waits for the rest of the batch (bounded), checking everything that arrives. */
static void reap_batch(struct ring *r)
{
    while (r->batch_left) {
        struct io_uring_cqe *cqe;
        struct __kernel_timespec ts = {BATCH_WAIT_S, 0};
        int rc = io_uring_wait_cqe_timeout(&r->u, &cqe, &ts);
        if (rc == -EINTR)
            continue;   /* a SIGSTOP/SIGCONT from the worker */
        if (rc == -ETIME && io_uring_peek_cqe(&r->u, &cqe) == 0)
            rc = 0;     /* the process was stopped past the timeout (a duty cycle): what came meanwhile counts */
        if (rc < 0) {
            bad(tag(K_NONE, r, r->serial), rc == -ETIME ? "batch-not-completed" : "wait-cqe", r->batch_left,
                (uint64_t)(uint32_t)rc);
            r->batch_left = 0;
            return;
        }
        check_cqe(r, cqe);
        io_uring_cqe_seen(&r->u, cqe);
    }
}

static void setup(struct ring *r, unsigned idx)
{
    r->idx = idx;
    r->buf = bufs[idx][0];
    int rc = io_uring_queue_init(ENTRIES, &r->u, 0);
    if (rc < 0)
        refused(-rc);
    atomic_fetch_add(&plan->slot->rings_up, 1);
    unsigned workers[2] = {WORKERS_PER_RING, WORKERS_PER_RING};
    io_uring_register_iowq_max_workers(&r->u, workers);   /* keeps the task count bounded where it works */
    struct iovec iov[2] = {{bufs[idx][0], BUF_SIZE}, {bufs[idx][1], BUF_SIZE}};
    if ((rc = io_uring_register_buffers(&r->u, iov, 2)) < 0 || (rc = io_uring_register_files(&r->u, fds, F_COUNT)) < 0)
        refused(-rc);
}

static void *waiter(void *arg)
{
    struct io_uring_cqe *cqe;
    io_uring_wait_cqe(arg, &cqe);   /* nothing more will come: it is in io_uring_enter when the process ends */
    return NULL;
}

void sw_uring_child(const struct sw_uring_plan *p)
{
    plan = p;
    inject_left = p->inject;
    sw_spawn_reset_signals();
    int never[2], data[2];
    if (pipe2(never, O_CLOEXEC) != 0 || pipe2(data, O_CLOEXEC) != 0)
        refused(errno);
    fds[F_NEVER_R] = never[0];
    fds[F_DATA_R] = data[0];
    fds[F_DATA_W] = data[1];
    fds[F_EVENTFD] = eventfd(0, EFD_CLOEXEC);
    if (fds[F_EVENTFD] < 0)
        refused(errno);
    struct ring rings[MAX_RINGS];
    unsigned n = p->rings < 1 ? 1 : p->rings > MAX_RINGS ? MAX_RINGS : p->rings;
    memset(rings, 0, sizeof rings);
    for (unsigned i = 0; i < n; i++) {
        setup(&rings[i], i);
        submit_never(&rings[i]);
        int rc = io_uring_submit(&rings[i].u);
        if (rc < 0)
            refused(-rc);
    }
    uint64_t end = sw_now_mono_ns() + (uint64_t)p->life_us * 1000u;
    do {
        for (unsigned i = 0; i < n; i++) {
            submit_batch(&rings[i]);
            reap_batch(&rings[i]);
        }
    } while (sw_now_mono_ns() < end);
    unsigned pending = 0;
    for (unsigned i = 0; i < n; i++)
        pending += rings[i].in_flight;
    atomic_store(&p->slot->pending, pending);
    switch (p->end) {
    case SW_URING_END_CLOSE:
        for (unsigned i = 0; i < n; i++)
            io_uring_queue_exit(&rings[i].u);
        _exit(p->code);
    case SW_URING_END_THREAD: {
        pthread_t t;
        if (pthread_create(&t, NULL, waiter, &rings[0].u) == 0)
            usleep(200);   /* long enough to be inside io_uring_enter */
        syscall(SYS_exit_group, p->code);
        _exit(p->code);
    }
    case SW_URING_END_KILLED:
        for (;;) {
            struct io_uring_cqe *cqe;
            if (io_uring_wait_cqe(&rings[0].u, &cqe) == 0) {
                check_cqe(&rings[0], cqe);
                io_uring_cqe_seen(&rings[0].u, cqe);
            }
        }
    default:
        _exit(p->code);
    }
}

static void *warm_thread(void *arg)
{
    (void)arg;
    usleep(1);
    return NULL;
}

void sw_uring_child_prepare(void)
{
    sw_spawn_note_signals();
    /* One small ring's whole life, so that each child finds liburing's and libc's functions bound
     * (see sw_exit_family_prepare: the dynamic linker's lookups were ~14 % of the workload's CPU). */
    struct io_uring u;
    if (io_uring_queue_init(ENTRIES, &u, 0) == 0) {
        static unsigned char buf[64] __attribute__((aligned(64)));
        unsigned workers[2] = {WORKERS_PER_RING, WORKERS_PER_RING};
        struct iovec iov = {buf, sizeof buf};
        int p[2] = {-1, -1};
        io_uring_register_iowq_max_workers(&u, workers);
        io_uring_register_buffers(&u, &iov, 1);
        if (pipe2(p, O_CLOEXEC) == 0)
            io_uring_register_files(&u, p, 1);
        struct io_uring_sqe *sqe = io_uring_get_sqe(&u);
        struct io_uring_cqe *cqe;
        if (sqe) {
            io_uring_prep_nop(sqe);
            if (io_uring_submit(&u) == 1 && io_uring_wait_cqe(&u, &cqe) == 0)
                io_uring_cqe_seen(&u, cqe);
        }
        struct __kernel_timespec zero = {0, 0};
        io_uring_wait_cqe_timeout(&u, &cqe, &zero);
        io_uring_queue_exit(&u);
        for (int i = 0; i < 2; i++)
            if (p[i] >= 0)
                close(p[i]);
    }
    int efd = eventfd(0, EFD_CLOEXEC);
    if (efd >= 0)
        close(efd);
    pthread_t t;
    for (int i = 0; i < 2; i++)   /* the second takes glibc's cached-stack path */
        if (pthread_create(&t, NULL, warm_thread, NULL) == 0)
            pthread_join(t, NULL);
    /* _exit, bound by a vfork child: it shares this memory, so the binding it makes stays here. */
    pid_t pid = vfork();
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* "5.15.153.1-microsoft-standard-WSL2" -> 515 */
static int kernel_version(void)
{
    struct utsname u;
    int maj = 0, min = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &maj, &min) != 2)
        return 0;
    return maj * 100 + min;
}

bool sw_uring_supported(char *why, size_t len)
{
    struct io_uring r;
    int rc = io_uring_queue_init(4, &r, 0);
    if (rc == -ENOSYS) {
        snprintf(why, len, "the kernel has no io_uring (io_uring_setup: ENOSYS; needs Linux 5.1+ built with CONFIG_IO_URING)");
        return false;
    }
    if (rc == -EPERM) {
        char v[8] = "";
        int fd = open("/proc/sys/kernel/io_uring_disabled", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t k = read(fd, v, sizeof v - 1);
            v[k > 0 ? k : 0] = '\0';
            close(fd);
        }
        if (v[0] == '2')
            snprintf(why, len, "io_uring is switched off (sysctl kernel.io_uring_disabled=2)");
        else if (v[0] == '1')
            snprintf(why, len, "io_uring is limited to kernel.io_uring_group (sysctl kernel.io_uring_disabled=1)");
        else
            snprintf(why, len, "io_uring_setup is refused (EPERM): a seccomp profile blocks it (Docker's default does)");
        return false;
    }
    if (rc < 0) {
        snprintf(why, len, "io_uring_setup failed: %s", strerror(-rc));
        return false;
    }
    io_uring_queue_exit(&r);
    if (kernel_version() < 513) {   /* multishot polls: 5.13 */
        snprintf(why, len, "the kernel is older than 5.13 (multishot polls)");
        return false;
    }
    return true;
}
