/* `exit`: tasks that end in every way at once. The worker keeps `concurrency` families alive, each
 * a forked process that ends one way (stress/exit_family.h): its main thread pthread_exit()s while
 * other threads run and one of them exit()s; exit_group() while the threads sit in read, futex and
 * getppid calls; execve() from a non-main thread (the exec'd program checks that it is alone and kept
 * the process id); a vfork child's _exit; a family that exits at once, leaving a grandchild that is
 * re-parented to the worker (a child subreaper, as the runner is) and exits later; a family
 * SIGKILLed with its threads in system calls. The worker reaps them three ways at once, racing the
 * exits: waitid(P_ALL) sweeps, pidfd poll + waitid(P_PIDFD), and waitpid(pid).
 *
 * Verified: every exit status is the one its family was given (or SIGKILL where the worker killed
 * it); every task is reaped exactly once (a pid reaped twice, or one we never made, is an error);
 * every task is reaped within REAP_BOUND_MS (else reported with its state, wchan and kernel stack);
 * at the end no task is left: the worker's children in /proc must be none. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/workload.h"
#include "stress/backoff_note.h"
#include "stress/digest.h"
#include "stress/exit_family.h"
#include "stress/helper_path.h"
#include "stress/task_probe.h"

/* The parameters, in the order of the table at the end of this file. */
enum { EXIT_CONCURRENCY, EXIT_THREADS, EXIT_NPARAMS };

#define MAX_FAM 64
#define MAX_TASKS (2 * MAX_FAM)
#define DEFAULT_FAM 8
#define REAP_BOUND_MS 10000u   /* a task that should end within milliseconds: generous for a loaded box */
#define DRAIN_MS 8000u         /* SIGTERM held meanwhile; heartbeats keep the runner waiting (a busy
                                  * machine can take seconds to finish killed tasks off) */
#define RECENT 256             /* recently reaped pids, to tell "reaped twice" from "never made" */

enum wait_how { W_ALL, W_PIDFD, W_PID, W_COUNT };
static const char *const kind_names[SW_EXIT_KIND_COUNT] = {"main-thread-exit", "exit-group", "exec-from-thread",
                                                           "vfork-exit", "orphan", "killed"};

struct task {
    pid_t pid;               /* 0: free entry */
    int pidfd;               /* W_PIDFD: the pidfd, else -1 */
    enum sw_exit_kind kind;
    enum wait_how how;
    int fam;                 /* its family's slot                                  */
    int code;                /* the exit status it must end with                   */
    int gcode;               /* an orphan family: its grandchild's                  */
    bool grandchild;         /* this is an orphan's grandchild                     */
    bool killed;             /* the worker sent SIGKILL: SIGKILL is a good end too */
    bool stuck_reported;
    bool inject;             /* ends with another status than `code` (selftest) */
    uint64_t born_ns, kill_at_ns;
};

struct xrun {
    struct sw_ctx *c;
    struct task t[MAX_TASKS];
    struct sw_exit_slot *slots;   /* MAP_SHARED, MAX_FAM */
    unsigned fam_tasks[MAX_FAM];  /* tasks of the family still to be reaped (0: slot free) */
    unsigned conc, threads, live_fams;
    int park[2];
    struct sw_rng rng;
    bool inject_pending, can_exec;
    pid_t recent[RECENT];
    unsigned recent_pos;
    unsigned unrecorded;          /* orphan families killed before they recorded the grandchild */
    uint64_t by_kind[SW_EXIT_KIND_COUNT], by_how[W_COUNT], threads_ended;
    struct sw_backoff_note res;
    bool have_helper;             /* exec-from-thread runs the tiny helper's check, not stresswsl */
    char helper[SW_HELPER_PATH_CAP(sizeof((struct sw_ctx *)0)->self_exe)];
};

static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

/* "exit 17" / "signal 9" as one number for a verify event: the code, or 0x100 + the signal. */
static uint64_t status_num(int wstatus)
{
    return WIFEXITED(wstatus) ? (uint64_t)WEXITSTATUS(wstatus) : 0x100u + (uint64_t)WTERMSIG(wstatus);
}

static void add_status(struct sw_fmt *f, int wstatus)
{
    if (WIFEXITED(wstatus)) {
        sw_fmt_str(f, "exit ");
        sw_fmt_i64(f, WEXITSTATUS(wstatus));
    } else {
        sw_fmt_str(f, "signal ");
        sw_fmt_i64(f, WTERMSIG(wstatus));
    }
}

static void note_resource(struct xrun *x, const char *what)
{
    sw_note_backoff(x->c, &x->res, "exit: ", what);
}

static struct task *free_task(struct xrun *x)
{
    for (unsigned i = 0; i < MAX_TASKS; i++)
        if (!x->t[i].pid)
            return &x->t[i];
    return NULL;
}

static struct task *find_task(struct xrun *x, pid_t pid)
{
    for (unsigned i = 0; i < MAX_TASKS; i++)
        if (x->t[i].pid == pid)
            return &x->t[i];
    return NULL;
}

static void release_task(struct xrun *x, struct task *t)
{
    if (t->pidfd >= 0)
        close(t->pidfd);
    if (--x->fam_tasks[t->fam] == 0)
        x->live_fams--;
    x->recent[x->recent_pos++ % RECENT] = t->pid;
    memset(t, 0, sizeof *t);
    t->pidfd = -1;
}

/* Adds a task to the books; the wait method is drawn here (pidfd where the kernel has them). */
static struct task *add_task(struct xrun *x, pid_t pid, enum sw_exit_kind kind, int fam, int code)
{
    struct task *t = free_task(x);   /* there is always room: MAX_TASKS = 2 per family */
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->kind = kind;
    t->fam = fam;
    t->code = code;
    t->pidfd = -1;
    t->born_ns = sw_now_mono_ns();
    t->how = (enum wait_how)sw_rng_below(&x->rng, W_COUNT);
    if (t->how == W_PIDFD && (t->pidfd = pidfd_open_(pid)) < 0)
        t->how = W_ALL;
    x->fam_tasks[fam]++;
    return t;
}

/* A task came back from a wait: check it ended as planned, register an orphan's grandchild. */
static void finish(struct xrun *x, struct task *t, int wstatus, enum wait_how how)
{
    struct sw_ctx *c = x->c;
    bool want_kill = t->kind == SW_EXIT_KILLED && !t->grandchild;
    int want = t->code;
    bool good;
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == SW_EXIT_CODE_CANNOT && !t->grandchild) {
        note_resource(x, "a family could not create its threads, grandchild or exec");
        good = true;
        x->inject_pending |= t->inject;   /* it never got to its ending: the next family carries it */
    } else if (want_kill) {
        good = WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL;
    } else {
        good = (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == want) ||
               (t->killed && WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
    }
    if (!good) {
        char detail[120];
        struct sw_fmt f;
        sw_fmt_init(&f, detail, sizeof detail);
        sw_fmt_str(&f, t->grandchild ? "orphaned grandchild" : kind_names[t->kind]);
        sw_fmt_str(&f, " pid ");
        sw_fmt_i64(&f, t->pid);
        sw_fmt_str(&f, want_kill ? ": want signal 9, got " : ": want exit ");
        if (!want_kill) {
            sw_fmt_i64(&f, want);
            sw_fmt_str(&f, ", got ");
        }
        add_status(&f, wstatus);
        if (t->kind == SW_EXIT_EXEC_THREAD && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == SW_EXIT_CODE_MISMATCH)
            sw_fmt_str(&f, " (the exec'd program was not alone or had another pid)");
        sw_report_verify_error(c, "exit-status", want_kill ? 0x100u + SIGKILL : (uint64_t)want, status_num(wstatus),
                               detail);
    } else {
        sw_progress(c, 1, 0);
        x->by_kind[t->grandchild ? SW_EXIT_ORPHAN : t->kind]++;
        x->by_how[how]++;
        if (t->kind != SW_EXIT_VFORK && t->kind != SW_EXIT_ORPHAN)
            x->threads_ended += x->threads + 1;
    }
    /* An orphan family's grandchild goes on the books before the family leaves them. */
    if (t->kind == SW_EXIT_ORPHAN && !t->grandchild) {
        pid_t g = atomic_load(&x->slots[t->fam].gpid);
        bool cannot = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == SW_EXIT_CODE_CANNOT;
        if (g > 0) {
            struct task *gt = add_task(x, g, SW_EXIT_ORPHAN, t->fam, t->gcode);
            if (gt)
                gt->grandchild = true;
        } else if (g == 0 && t->killed) {
            x->unrecorded++;   /* killed between its fork and the record: its grandchild may still come */
        } else if (g < 0) {
            /* reaped before its family: already on the books */
        } else if (good && !cannot) {
            sw_report_verify_error(c, "exit-orphan", 1, 0, "an orphan family exited without recording its grandchild");
        }
    }
    release_task(x, t);
}

/* An orphan family killed by the worker that has not recorded its grandchild (and is not reaped
 * yet): its grandchild may be reaped first, unknown. Marks the family (-1) so it is counted once. */
static bool killed_unrecorded(struct xrun *x)
{
    for (unsigned i = 0; i < MAX_TASKS; i++) {
        struct task *t = &x->t[i];
        if (t->pid && t->kind == SW_EXIT_ORPHAN && !t->grandchild && t->killed && atomic_load(&x->slots[t->fam].gpid) == 0) {
            atomic_store(&x->slots[t->fam].gpid, -1);
            return true;
        }
    }
    return false;
}

/* Something was reaped: find whose it was. */
static void reaped(struct xrun *x, pid_t pid, int wstatus, enum wait_how how)
{
    struct task *t = find_task(x, pid);
    if (!t) {
        /* An orphan's grandchild reaped before its family was: the family recorded it. */
        for (int f = 0; f < MAX_FAM && !t; f++)
            if (x->fam_tasks[f] && atomic_load(&x->slots[f].gpid) == pid) {
                struct task *fam_task = NULL;
                for (unsigned i = 0; i < MAX_TASKS; i++)
                    if (x->t[i].pid && x->t[i].fam == f && x->t[i].kind == SW_EXIT_ORPHAN)
                        fam_task = &x->t[i];
                if (!fam_task)
                    break;
                atomic_store(&x->slots[f].gpid, -1);   /* registered here, not again when the family ends */
                t = add_task(x, pid, SW_EXIT_ORPHAN, f, fam_task->gcode);
                if (t)
                    t->grandchild = true;
            }
    }
    if (t) {
        finish(x, t, wstatus, how);
        return;
    }
    /* The grandchild of an orphan family the worker killed before it recorded that grandchild. */
    if (x->unrecorded || killed_unrecorded(x)) {
        if (x->unrecorded)
            x->unrecorded--;
        return;
    }
    bool twice = false;
    for (unsigned i = 0; i < RECENT; i++)
        twice |= x->recent[i] == pid;
    char detail[96];
    struct sw_fmt f;
    sw_fmt_init(&f, detail, sizeof detail);
    sw_fmt_str(&f, twice ? "pid " : "reaped pid ");
    sw_fmt_i64(&f, pid);
    sw_fmt_str(&f, twice ? " was reaped a second time" : ", a task this worker never made");
    sw_report_verify_error(x->c, "exit-reap", 1, twice ? 2 : 0, detail);
}

static void sleep_us(unsigned us)
{
    struct timespec ts = {0, (long)us * 1000L};
    nanosleep(&ts, NULL);
}

/* A vfork child that _exit()s at once; in its own frame (nothing of the caller's to clobber). */
static __attribute__((noinline)) pid_t vfork_exit(int code)
{
    pid_t pid = vfork();
    if (pid == 0)
        _exit(code);
    return pid;
}

/* Starts one family. Returns false when the system refused (backed off). */
static bool spawn_family(struct xrun *x)
{
    int fam = 0;
    while (fam < MAX_FAM && x->fam_tasks[fam])
        fam++;
    if (fam == MAX_FAM)
        return false;
    enum sw_exit_kind kind = (enum sw_exit_kind)sw_rng_below(&x->rng, SW_EXIT_KIND_COUNT);
    if (kind == SW_EXIT_EXEC_THREAD && (!x->can_exec || (!x->have_helper && sw_rng_below(&x->rng, 4))))
        kind = SW_EXIT_GROUP;   /* exec'ing stresswsl itself is costly: a quarter of its draws */
    struct sw_exit_plan p = {.kind = kind, .threads = x->threads, .park_fd = x->park[0],
                             .self_exe = x->c->self_exe, .helper = x->have_helper ? x->helper : NULL,
                             .slot = &x->slots[fam]};
    int want = 16 + (int)sw_rng_below(&x->rng, 96);
    p.code = want;
    p.gcode = 128 + (int)sw_rng_below(&x->rng, 96);
    p.delay_us = (unsigned)sw_rng_below(&x->rng, 2000);
    if (x->inject_pending && kind != SW_EXIT_KILLED) {
        p.code ^= 1;   /* the family ends with a status the books do not expect */
        x->inject_pending = false;
    }
    atomic_store(&x->slots[fam].gpid, 0);
    pid_t pid = kind == SW_EXIT_VFORK ? vfork_exit(p.code) : fork();
    if (pid == 0)
        sw_exit_family(&p);
    if (pid < 0) {
        if (p.code != want)
            x->inject_pending = true;
        note_resource(x, errno == EAGAIN ? "fork failed with EAGAIN" : "fork failed");
        return false;
    }
    x->live_fams++;
    struct task *t = add_task(x, pid, kind, fam, want);
    if (!t)
        return false;   /* not reached: a free family slot means free task entries */
    t->gcode = p.gcode;
    t->inject = p.code != want;
    if (kind == SW_EXIT_KILLED)
        t->kill_at_ns = t->born_ns + 1000ull * (p.delay_us + 200);
    return true;
}

static int siginfo_status(const siginfo_t *si)
{
    if (si->si_code == CLD_EXITED)
        return (si->si_status & 0xff) << 8;
    return si->si_status & 0x7f;
}

/* One round of waits: pidfds polled (up to ms), waitpid per task, pidfd waits, then a waitid(P_ALL)
 * sweep that takes whatever exited meanwhile (the others' too: the race is the point). */
static void wait_round(struct xrun *x, int ms)
{
    struct pollfd pf[MAX_TASKS];
    struct task *who[MAX_TASKS];
    int n = 0;
    for (unsigned i = 0; i < MAX_TASKS; i++)
        if (x->t[i].pid && x->t[i].how == W_PIDFD) {
            pf[n] = (struct pollfd){x->t[i].pidfd, POLLIN, 0};
            who[n++] = &x->t[i];
        }
    if (n)
        poll(pf, (nfds_t)n, ms);
    else
        sleep_us((unsigned)ms * 250u);
    for (unsigned i = 0; i < MAX_TASKS; i++) {
        int st;
        if (x->t[i].pid && x->t[i].how == W_PID && waitpid(x->t[i].pid, &st, WNOHANG) == x->t[i].pid)
            reaped(x, x->t[i].pid, st, W_PID);
    }
    for (int i = 0; i < n; i++) {
        if (!(pf[i].revents & (POLLIN | POLLHUP)) || who[i]->pidfd != pf[i].fd)
            continue;
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PIDFD, (id_t)pf[i].fd, &si, WEXITED | WNOHANG) == 0 && si.si_pid > 0)
            reaped(x, si.si_pid, siginfo_status(&si), W_PIDFD);
    }
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) != 0 || si.si_pid == 0)
            break;
        reaped(x, si.si_pid, siginfo_status(&si), W_ALL);
    }
}

/* Kills families due to be killed; reports (once) tasks past the reap bound. */
static void check_tasks(struct xrun *x, bool stopping)
{
    uint64_t now = sw_now_mono_ns();
    for (unsigned i = 0; i < MAX_TASKS; i++) {
        struct task *t = &x->t[i];
        if (!t->pid)
            continue;
        if ((stopping || (t->kill_at_ns && now >= t->kill_at_ns)) && !t->killed) {
            kill(t->pid, SIGKILL);
            t->killed = true;
        }
        if (!t->stuck_reported && now > t->born_ns && now - t->born_ns > REAP_BOUND_MS * 1000000ull) {
            t->stuck_reported = true;
            sw_report_stuck_child(x->c, t->grandchild ? "exit-orphan" : "exit-family", t->pid,
                                  (now - t->born_ns) / 1000000u);
            kill(t->pid, SIGKILL);
            t->killed = true;
        }
    }
}

/* Counts (and SIGKILLs) the worker's children in /proc that are not on its books; report: each is
 * an error (a task the books lost). */
static unsigned leftovers(struct xrun *x, bool report)
{
    char path[64], buf[1024];
    struct sw_fmt f;
    sw_fmt_init(&f, path, sizeof path);
    sw_fmt_str(&f, "/proc/self/task/");
    sw_fmt_i64(&f, (int64_t)syscall(SYS_gettid));
    sw_fmt_str(&f, "/children");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    unsigned count = 0;
    for (char *p = buf, *end; *p; p = end) {
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        if (pid <= 0 || find_task(x, (pid_t)pid))   /* on the books: noted by drain() */
            continue;
        count++;
        if (report)
            sw_report_stuck_child(x->c, "exit-leftover", (pid_t)pid, DRAIN_MS);
        kill((pid_t)pid, SIGKILL);
    }
    return count;
}

static void drain(struct xrun *x)
{
    sw_hold_sigterm();
    check_tasks(x, true);
    uint64_t until = sw_now_mono_ns() + DRAIN_MS * 1000000ull;
    while (x->live_fams && sw_now_mono_ns() < until) {
        wait_round(x, 2);
        check_tasks(x, true);
        sw_progress(x->c, 0, 0);   /* a heartbeat: the runner waits while the killed tasks are reaped */
    }
    for (unsigned i = 0; i < MAX_TASKS; i++)
        if (x->t[i].pid) {
            unsigned n = 0;
            for (unsigned j = 0; j < MAX_TASKS; j++)
                n += x->t[j].pid != 0;
            sw_note_left_behind(x->c, "exit wind-down", n, x->t[i].pid, DRAIN_MS);
            break;
        }
    /* Nothing may be left: a task the books missed (a grandchild never recorded) shows up here. */
    if (leftovers(x, x->unrecorded == 0) > 0) {
        sleep_us(100000);
        int st;
        while (waitpid(-1, &st, WNOHANG) > 0)
            ;
    }
}

static void summary(struct xrun *x)
{
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, "exit: verified");
    for (int k = 0; k < SW_EXIT_KIND_COUNT; k++) {
        sw_fmt_str(&f, k ? ", " : " ");
        sw_fmt_u64(&f, x->by_kind[k]);
        sw_fmt_str(&f, " ");
        sw_fmt_str(&f, kind_names[k]);
    }
    sw_fmt_str(&f, "; reaped by waitid/pidfd/waitpid ");
    sw_fmt_u64(&f, x->by_how[W_ALL]);
    sw_fmt_str(&f, "/");
    sw_fmt_u64(&f, x->by_how[W_PIDFD]);
    sw_fmt_str(&f, "/");
    sw_fmt_u64(&f, x->by_how[W_PID]);
    sw_report_note(x->c, SW_EV_NOTE, SW_SEV_INFO, text);
}

static unsigned threads_param(const struct sw_params *p)
{
    return (unsigned)sw_param_int(p, EXIT_THREADS);
}

static int exit_run(struct sw_ctx *c)
{
    struct xrun *x = calloc(1, sizeof *x);
    if (!x)
        return SW_WL_NORESOURCE;
    x->c = c;
    for (unsigned i = 0; i < MAX_TASKS; i++)
        x->t[i].pidfd = -1;
    x->threads = threads_param(&c->params);
    unsigned per = x->threads + 2;   /* the family, its threads, a grandchild */
    unsigned conc = (unsigned)sw_param_int(&c->params, EXIT_CONCURRENCY);
    if (!conc)
        conc = DEFAULT_FAM;
    if (c->proc_budget && conc > c->proc_budget / per)
        conc = c->proc_budget / per;
    x->conc = conc ? conc : 1;
    sw_rng_seed(&x->rng, c->seed ^ ((uint64_t)c->worker << 40));
    x->inject_pending = (c->inject & SW_INJ_WRONG) != 0;
    /* The helper's check costs what the kernel's exec costs; stresswsl's own start-up (its shared
     * libraries) cost ~5x a whole family, for the same check. */
    x->have_helper = c->self_exe[0] && sw_helper_path(c->self_exe, x->helper, sizeof x->helper);
    x->can_exec = x->have_helper || (c->self_exe[0] && access(c->self_exe, X_OK) == 0);
    x->slots = mmap(NULL, MAX_FAM * sizeof *x->slots, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (x->slots == MAP_FAILED || pipe2(x->park, O_CLOEXEC) != 0) {
        if (x->slots != MAP_FAILED)
            munmap(x->slots, MAX_FAM * sizeof *x->slots);
        free(x);
        return SW_WL_NORESOURCE;
    }
    /* Orphaned grandchildren come back to this worker, not to the runner: the worker checks them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (!x->can_exec)
        sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN, "exit: stresswsl cannot be found to re-execute: no exec-from-thread");
    sw_exit_family_prepare();
    unsigned backoff = 0;
    uint64_t last = 0;
    while (sw_keep_going(c)) {
        uint64_t paused = sw_paused_ns(&last);
        for (unsigned i = 0; paused && i < MAX_TASKS; i++)
            if (x->t[i].pid) {   /* never past now: a task born during the gap did not wait through it */
                uint64_t now = sw_now_mono_ns();
                x->t[i].born_ns = x->t[i].born_ns + paused < now ? x->t[i].born_ns + paused : now;
                x->t[i].kill_at_ns += x->t[i].kill_at_ns ? paused : 0;
            }
        while (x->live_fams < x->conc && sw_keep_going(c)) {
            if (!spawn_family(x)) {
                backoff = backoff ? (backoff * 2 > 50 ? 50 : backoff * 2) : 1;
                break;
            }
            backoff = 0;
        }
        if (backoff)
            sleep_us(backoff * 1000u);
        wait_round(x, 1);
        check_tasks(x, false);
    }
    drain(x);
    summary(x);
    close(x->park[0]);
    close(x->park[1]);
    munmap(x->slots, MAX_FAM * sizeof *x->slots);
    free(x);
    return SW_WL_OK;
}

static unsigned exit_procs(const struct sw_params *p)
{
    int64_t n = sw_param_int(p, EXIT_CONCURRENCY);
    return (unsigned)(n > 0 ? n : DEFAULT_FAM) * (threads_param(p) + 2);
}

static int exit_child_main(int argc, char **argv)
{
    return sw_exit_exec_main(argc, argv);
}

SW_PARAM_TABLE(exit_params, EXIT_NPARAMS) = {
    [EXIT_CONCURRENCY] = {.name = "concurrency", .type = SW_P_INT, .def = "0", .min = 0, .max = MAX_FAM,
        .help = "families (a process, its threads, maybe a grandchild) alive at once per worker; 0 = 8, within the process budget"},
    [EXIT_THREADS] = {.name = "threads", .type = SW_P_INT, .def = "4", .min = 0, .max = 32,
        .help = "threads per family besides its main thread, running while it ends"},
};

const struct sw_workload sw_wl_exit = {
    .name = "exit",
    .summary = "tasks ending every way at once (pthread_exit from main, exit_group mid-syscall, exec from a thread, "
               "vfork, orphans), each exit status and reap checked",
    .unit = "tasks",
    .flags = SW_WL_SPAWNS,
    .injects = SW_INJ_WRONG,
    .params = exit_params,
    .procs_per_worker = exit_procs,
    .run = exit_run,
    .child_main = exit_child_main,
};
