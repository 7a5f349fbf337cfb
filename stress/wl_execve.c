/* execve: an execve storm. Short-lived children are created as fast as the kernel allows, each
 * execve'ing a tiny checker with argument and environment lists of varying count and size (up to
 * max_bytes in total). The kernel copies every string during execve (copy_strings ->
 * __check_object_size -> __check_heap_object: the path of the WSL2 panics in peers-users.md 4.1).
 * Each child regenerates the lists from the seed, compares them with what it received, and reports a
 * digest of what it received through the report pipe AND its exit status; the parent checks both
 * against the digest of what it sent.
 *
 * The size mix (stress/execve_gen.h) is a build's: 7/8 of children get a small command (8-128
 * strings, <= 8 KiB), 1/16 a long command line (128-1024 strings, <= 64 KiB), 1/16 a huge list
 * (max_bytes/2..max_bytes, up to 4096 strings or up to 64 long ones): at 256K that is 159 strings
 * and 18 KiB per child on average (the old uniform mix: 765 strings, 43 KiB), every one of them
 * copied, and with hardened usercopy checked, by the kernel.
 *
 * Measured on the team machine (2 vCPU KVM guest), 2 workers x 8 concurrent children, verification
 * on, execs/s, medians of 6 rounds interleaved with the bare loop in one quiet sitting (the host's
 * speed drifts, down to ~40 % in slow phases: only same-sitting rows compare). Bare loop = 2
 * processes doing vfork + execve + waitpid of a no-libc static program with no arguments.
 *                                      max_bytes=256K (default)   max_bytes=64
 *   bare loop                              20387 (1.00)            20387 (1.00)
 *   this file, vfork (default)             11428 (0.56)            17847 (0.88)
 *     spawn=clone (CLONE_VM|CLONE_VFORK)   12130 (0.60)            18342 (0.90)
 *     spawn=posix_spawn                     9860 (0.48)            13003 (0.64)
 *     child=self (stresswsl __child)        1852 (0.09)             2039 (0.10)
 *   before (glibc helper, posix_spawn,      1980 (0.10)             3660 (0.18)
 *     byte-wise FNV, old size mix; at 64 bytes both mixes are ~30 strings, so that column is
 *     the like-for-like one: 4.9x)
 * CPU per exec (children included): bare 90 us, default 163 us at 256K and 101 us at 64 bytes; the
 * difference is the kernel copying the strings plus ~10 us of checking in the child.
 * Where the time went before: glibc start-up in the helper (its bare loop: 4252/s), posix_spawn's
 * ~120 sigaction calls per child (glibc resets every signal in the child), and byte-at-a-time
 * generation and FNV digests over 43 KiB per child on both sides. Now: the helper is no-libc on
 * x86-64 (stress/helper/exec_child_nolibc.c; its bare loop equals the bare loop), generation and
 * checking go a word at a time, each generated list serves LIST_REUSE children, records are read
 * before polling, and children whose record is in are reaped with a blocking waitpid(-1): per child
 * the parent makes ~3 syscalls (vfork, wait4, a share of one read).
 * vfork and clone(CLONE_VM|CLONE_VFORK) are the same kernel path (an ABBA run of 20, in a loaded
 * phase: 3231 vs 3203/s); vfork needs no separate stack. The execve errno comes back through
 * shared memory, so EAGAIN/ENOMEM are backed off and counted as with posix_spawn (still
 * selectable), and the worker's signal handlers are reset in the child before one could run on
 * the shared stack (refresh_handled).
 *
 * What is exec'd: the tiny stresswsl-exec-child next to the stresswsl binary when it is there
 * (child=auto), else stresswsl itself as `stresswsl __child execve ...`. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/workload.h"
#include "stress/backoff_note.h"
#include "stress/digest.h"
#include "stress/execve_gen.h"
#include "stress/helper_path.h"
#include "stress/self_exec.h"

extern char **environ;

#define HELPER_NAME SW_HELPER_NAME
#define MAX_CONC 256
#define CLONE_STACK (64u << 10)
#define DEFAULT_CONC 16
/* Children that exec the same generated lists before new ones are made: generating costs the
 * parent about what checking costs the child, and the kernel's copy is the same either way. */
#define LIST_REUSE 4

enum { EXECVE_MAX_BYTES, EXECVE_CONCURRENCY, EXECVE_SPAWN, EXECVE_CHILD, EXECVE_NPARAMS };
#define EXECVE_SPAWNS(X) X(SPAWN_VFORK, "vfork") X(SPAWN_POSIX, "posix_spawn") X(SPAWN_CLONE, "clone")
enum execve_spawn { EXECVE_SPAWNS(SW_CHOICE_ENUM) };
#define EXECVE_CHILDREN(X) X(CHILD_AUTO, "auto") X(CHILD_HELPER, "helper") X(CHILD_SELF, "self")
enum execve_child { EXECVE_CHILDREN(SW_CHOICE_ENUM) };

SW_PARAM_TABLE(execve_params, EXECVE_NPARAMS) = {
    [EXECVE_MAX_BYTES] = {.name = "max_bytes", .type = SW_P_SIZE, .def = "256K", .min = 64, .max = 1 << 20,
        .help = "largest total size of one child's argument + environment strings (the kernel copies them all); "
                "each child gets a build-like mix: 7/8 small commands (8-128 strings, <= 8K), 1/16 long command "
                "lines (<= 1024 strings, <= 64K), 1/16 huge lists (max_bytes/2 .. max_bytes)"},
    [EXECVE_CONCURRENCY] = {.name = "concurrency", .type = SW_P_INT, .def = "0", .min = 0, .max = MAX_CONC,
        .help = "children alive at once per worker; 0 = the worker's process budget, at most 16"},
    [EXECVE_SPAWN] = {.name = "spawn", .type = SW_P_CHOICE, .def = "vfork", SW_CHOICES(EXECVE_SPAWNS),
        .help = "how children are created (vfork and clone measured fastest; glibc's posix_spawn adds ~120 sigaction calls per child)"},
    [EXECVE_CHILD] = {.name = "child", .type = SW_P_CHOICE, .def = "auto", SW_CHOICES(EXECVE_CHILDREN),
        .help = "what is exec'd: the tiny " HELPER_NAME " (helper), stresswsl __child (self), or helper if installed (auto)"},
};

struct xchild {
    pid_t pid;          /* 0: free slot */
    int have_rec;
    uint64_t want;      /* digest of what was sent (before any injected corruption) */
    uint64_t bytes;
    struct sw_xgen_record rec;
};

struct xstate {
    struct sw_ctx *c;
    struct xchild kids[MAX_CONC];
    unsigned conc, active;
    unsigned exiting;   /* children whose record is in: they are exiting, a blocking wait is safe */
    int rfd, wfd;
    int method;
    const char *path;
    int self_mode;
    char **argv, **envp;
    char *strbuf;
    size_t strcap;
    uint64_t max_bytes, spawned, lists;
    unsigned reuse_left;          /* children still to exec the current lists               */
    uint64_t list_want, list_bytes;
    char *list_victim;            /* a non-empty string of the current lists (injection)    */
    void *clone_stack;
    int inject_pending;
    volatile int exec_err;        /* set by a vfork/clone child whose execve failed (shared memory) */
    uint64_t handled;             /* signals with a handler in this process (bit sig-1)           */
    uint64_t handled_ns;          /* when `handled` was last read                                 */
    sigset_t child_mask;          /* the mask to restore in the child before execve               */
    struct sigaction dfl;         /* SIG_DFL; here, not on the child's stack (no locals there:
                                   * under ASan a clone child's stack keeps stale poison)          */
    struct sw_backoff_note res;        /* rate-limited resource notes */
    unsigned forgot;                   /* times children vanished (ECHILD), noted once */
    char fdarg[16], seedarg[24], maxarg[24];
    char helper[SW_HELPER_PATH_CAP(sizeof((struct sw_ctx *)0)->self_exe)];
};

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

static void note_resource(struct xstate *x, int err)
{
    sw_note_backoff(x->c, &x->res, "execve: spawn failed with ", strerrorname_np(err) ? strerrorname_np(err) : "error");
}

static struct xchild *find_kid(struct xstate *x, pid_t pid)
{
    for (unsigned i = 0; i < x->conc; i++)
        if (x->kids[i].pid == pid)
            return &x->kids[i];
    return NULL;
}

/* Reads every complete record waiting in the pipe into its child's slot; returns how many. */
static unsigned read_records(struct xstate *x)
{
    struct sw_xgen_record recs[256];
    unsigned got = 0;
    for (;;) {
        ssize_t n = read(x->rfd, recs, sizeof recs);
        if (n <= 0)
            return got;
        /* Records are written atomically (16 bytes < PIPE_BUF), so reads return whole records. */
        for (ssize_t i = 0; i < n / (ssize_t)sizeof recs[0]; i++) {
            struct xchild *k = find_kid(x, recs[i].pid);
            if (k && !k->have_rec) {
                k->rec = recs[i];
                k->have_rec = 1;
                x->exiting++;
                got++;
            }
        }
        if ((size_t)n < sizeof recs)
            return got;
    }
}

static void finish(struct xstate *x, struct xchild *k, int wstatus)
{
    struct sw_ctx *c = x->c;
    if (!k->have_rec)
        read_records(x);   /* it wrote before exiting: the record is in the pipe by now */
    if (k->have_rec)
        x->exiting--;
    if (WIFSIGNALED(wstatus)) {
        sw_report_child_status(c, "execve-child", k->pid, wstatus);
    } else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127 && !k->have_rec) {
        /* the execve itself failed in the child (resources, most likely) */
        note_resource(x, EAGAIN);
    } else {
        int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
        char detail[80];
        struct sw_fmt f;
        sw_fmt_init(&f, detail, sizeof detail);
        if (!k->have_rec) {
            sw_fmt_str(&f, "no report from the child; exit status ");
            sw_fmt_i64(&f, code);
            sw_report_verify_error(c, "execve-report", k->want, 0, detail);
        } else if (k->rec.digest != k->want) {
            sw_fmt_str(&f, code == SW_XGEN_EXIT_MISMATCH ? "child received different strings (its check failed too)"
                                                          : "child received different strings");
            sw_report_verify_error(c, "execve-args", k->want, k->rec.digest, detail);
        } else if (code != k->rec.status || code != sw_xgen_exit_code(k->want)) {
            sw_fmt_str(&f, "right digest, wrong exit status");
            sw_report_verify_error(c, "execve-status", (uint64_t)sw_xgen_exit_code(k->want), (uint64_t)code,
                                   detail);
        } else {
            sw_progress(c, 1, k->bytes);
        }
    }
    k->pid = 0;
    k->have_rec = 0;
    x->active--;
}

/* Which signals have a handler here. A vfork/clone child shares our memory until it execs, so a
 * handler must not run in it: those signals are reset to default in the child, under a full mask.
 * Read once a second (not per child: 64 syscalls), which is how posix_spawn's per-child loop over
 * every signal is avoided; with no handlers at all, no mask juggling is needed either. */
static void refresh_handled(struct xstate *x)
{
    uint64_t now = sw_now_mono_ns();
    if (x->handled_ns && now - x->handled_ns < 1000000000ull)
        return;
    x->handled_ns = now;
    x->handled = 0;
    for (int sig = 1; sig <= 64 && sig < NSIG; sig++) {
        struct sigaction sa;
        if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &sa) != 0)
            continue;
        if (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
            x->handled |= 1ull << (sig - 1);
    }
}

/* Runs in the vfork/clone child, on memory shared with the parent: only async-signal-safe calls. */
static void exec_child(struct xstate *x)
{
    if (x->handled) {
        for (int sig = 1; sig <= 64; sig++)
            if (x->handled & (1ull << (sig - 1)))
                sigaction(sig, &x->dfl, NULL);
        sigprocmask(SIG_SETMASK, &x->child_mask, NULL);
    }
    execve(x->path, x->argv, x->envp);
    x->exec_err = errno;
    _exit(127);
}

static int clone_child(void *arg)
{
    exec_child(arg);
    return 127;
}

/* Generates a new set of lists into the shared buffers: argv[] after the header, envp[]. */
static void generate(struct xstate *x)
{
    uint64_t seed = sw_mix64(x->c->seed ^ (x->lists++ * 0x9e3779b97f4a7c15ull) ^ (uint64_t)x->c->worker << 48);
    struct sw_xgen g;
    sw_xgen_start(&g, seed, x->max_bytes);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        x->seedarg[i] = hex[(seed >> (60 - 4 * i)) & 15];
    x->seedarg[16] = '\0';
    int a = x->self_mode ? 3 : 1;   /* the program's own leading arguments are set once */
    a += 3;                         /* fd, seed, max_bytes: likewise */
    uint64_t h = SW_FNV_INIT, bytes = 0;
    size_t off = 0;
    int e = 0;
    long len;
    x->list_victim = NULL;
    while ((len = sw_xgen_next_len(&g)) >= 0) {
        char *str = x->strbuf + off;
        h = sw_xgen_fill(&g, str, (size_t)len, h);
        off += (size_t)len + 1;
        bytes += (uint64_t)len + 1;
        if (!x->list_victim && len > 0)
            x->list_victim = str;
        if (g.idx <= g.nargs)
            x->argv[a++] = str;
        else
            x->envp[e++] = str;
    }
    x->argv[a] = NULL;
    x->envp[e] = NULL;
    x->list_want = h;
    x->list_bytes = bytes;
    x->reuse_left = LIST_REUSE;
}

/* Starts one child on the current lists (new ones every LIST_REUSE children). The buffers can be
 * reused at once: with vfork semantics the parent resumes only after the kernel has copied the
 * strings, so an injected wrong byte is also undone right after the spawn. */
static int spawn_one(struct xstate *x, struct xchild *k)
{
    if (!x->reuse_left)
        generate(x);
    x->reuse_left--;
    char *flip = NULL, saved = 0;
    if (x->inject_pending && x->list_victim) {
        flip = x->list_victim;
        saved = flip[0];
        flip[0] = saved == 'A' ? 'B' : 'A';   /* one wrong byte in one string, after the digest */
        x->inject_pending = 0;
    }
    k->want = x->list_want;
    k->bytes = x->list_bytes;
    k->have_rec = 0;
    x->spawned++;
    pid_t pid = -1;
    int err = 0;
    if (x->method == SPAWN_POSIX) {
        err = posix_spawn(&pid, x->path, NULL, NULL, x->argv, x->envp);
    } else {
        sigset_t all, old;
        if (x->handled) {
            sigfillset(&all);
            pthread_sigmask(SIG_SETMASK, &all, &old);
            x->child_mask = old;
        }
        x->exec_err = 0;
        if (x->method == SPAWN_CLONE) {
            pid = clone(clone_child, (char *)x->clone_stack + CLONE_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, x);
        } else {
            pid = vfork();
            if (pid == 0)
                exec_child(x);
        }
        err = pid < 0 ? errno : 0;
        if (x->handled)
            pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (pid > 0 && x->exec_err) {   /* the child has exited already: reap it, report the errno */
            int st;
            err = x->exec_err;
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
        }
    }
    if (flip) {
        flip[0] = saved;
        x->inject_pending = err != 0;   /* not started: inject into the next one */
    }
    if (err)
        return -err;
    k->pid = pid;
    x->active++;
    return 0;
}

/* ECHILD with children on the books: something else reaped them (SIGCHLD set to SIG_IGN behind
 * our back). Forget them rather than wait, or later kill, pids that may belong to others now. */
static void forget_all(struct xstate *x)
{
    for (unsigned i = 0; i < x->conc; i++) {
        x->kids[i].pid = 0;
        x->kids[i].have_rec = 0;
    }
    x->active = x->exiting = 0;
    if (!x->forgot++)
        sw_report_note(x->c, SW_EV_NOTE, SW_SEV_WARN,
                       "execve: children were reaped by someone else (SIGCHLD ignored?); exit statuses unchecked");
}

/* Reaps children: blocking while some child's record is in (it is exiting, so the wait is short),
 * then whatever else has exited (a child that died without writing). */
static void reap(struct xstate *x)
{
    int st;
    pid_t pid;
    while (x->exiting) {
        pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == ECHILD)
                forget_all(x);
            return;
        }
        struct xchild *k = find_kid(x, pid);
        if (k)
            finish(x, k, st);
    }
}

static void reap_nohang(struct xstate *x)
{
    int st;
    pid_t pid = 0;
    while (x->active && (pid = waitpid(-1, &st, WNOHANG)) > 0) {
        struct xchild *k = find_kid(x, pid);
        if (k)
            finish(x, k, st);
    }
    if (x->active && pid < 0 && errno == ECHILD)
        forget_all(x);
}

/* Waits up to ms for records, then reaps. Records usually wait already (read first, poll only
 * when the pipe is empty: one syscall fewer per child in the steady state). */
static void collect(struct xstate *x, int ms)
{
    if (!read_records(x) && !x->exiting) {
        struct pollfd pf = {x->rfd, POLLIN, 0};
        if (poll(&pf, 1, ms) <= 0 || !read_records(x)) {
            reap_nohang(x);
            return;
        }
    }
    reap(x);
}

/* Waits for every child still running; a child that has not exited after 2 s is killed. */
static void drain(struct xstate *x)
{
    uint64_t until = sw_now_mono_ns() + 2000000000ull;
    while (x->active && sw_now_mono_ns() < until)
        collect(x, 10);
    for (unsigned i = 0; i < x->conc; i++) {
        struct xchild *k = &x->kids[i];
        int st;
        if (!k->pid)
            continue;
        kill(k->pid, SIGKILL);
        if (waitpid(k->pid, &st, 0) == k->pid)
            sw_report_child_status(x->c, "execve-child (hung, killed)", k->pid, st);
        k->pid = 0;
        x->active--;
    }
}

static int find_program(struct xstate *x, struct sw_ctx *c)
{
    int want = (int)sw_param_int(&c->params, EXECVE_CHILD);
    char *helper = x->helper;
    bool have_helper = sw_helper_path(c->self_exe, helper, sizeof x->helper);
    if (want == CHILD_HELPER || (want == CHILD_AUTO && have_helper)) {
        if (!have_helper) {
            sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN,
                           "execve: " HELPER_NAME " is not installed (libexec/stresswsl/ or next to stresswsl); "
                           "reinstall, or use child=self");
            return -1;
        }
        x->path = helper;
        x->self_mode = 0;
    } else {
        if (!c->self_exe[0] || access(c->self_exe, X_OK) != 0) {
            sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN, "execve: cannot find the stresswsl program to re-execute");
            return -1;
        }
        x->path = c->self_exe;
        x->self_mode = 1;
    }
    return 0;
}

static void xstate_free(struct xstate *x)
{
    if (x->rfd >= 0)
        close(x->rfd);
    if (x->wfd >= 0)
        close(x->wfd);
    free(x->argv);
    free(x->envp);
    free(x->strbuf);
    free(x->clone_stack);
    free(x);
}

static int execve_run(struct sw_ctx *c)
{
    struct xstate *x = calloc(1, sizeof *x);
    if (!x)
        return SW_WL_NORESOURCE;
    x->c = c;
    x->rfd = x->wfd = -1;
    x->method = (int)sw_param_int(&c->params, EXECVE_SPAWN);
    x->max_bytes = (uint64_t)sw_param_int(&c->params, EXECVE_MAX_BYTES);
    unsigned conc = (unsigned)sw_param_int(&c->params, EXECVE_CONCURRENCY);
    if (!conc)
        conc = c->proc_budget < DEFAULT_CONC ? c->proc_budget : DEFAULT_CONC;
    if (conc > c->proc_budget && c->proc_budget)
        conc = c->proc_budget;
    x->conc = conc ? conc : 1;
    x->inject_pending = (c->inject & SW_INJ_CORRUPT) != 0;
    if (find_program(x, c) < 0) {
        xstate_free(x);
        return SW_WL_HARNESS;
    }
    x->strcap = x->max_bytes + SW_XGEN_PREFIX_SLACK + SW_XGEN_MAX_STRINGS + 64;
    x->argv = calloc(SW_XGEN_MAX_STRINGS + 8, sizeof *x->argv);
    x->envp = calloc(SW_XGEN_MAX_STRINGS + 2, sizeof *x->envp);
    x->strbuf = malloc(x->strcap);
    x->clone_stack = x->method == SPAWN_CLONE ? malloc(CLONE_STACK) : NULL;
    if (!x->argv || !x->envp || !x->strbuf || (x->method == SPAWN_CLONE && !x->clone_stack) ||
        sw_child_report_pipe(&x->rfd, &x->wfd) < 0) {
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "execve: no memory or file descriptors to start");
        xstate_free(x);
        return SW_WL_NORESOURCE;
    }
    struct sw_fmt f;
    sw_fmt_init(&f, x->fdarg, sizeof x->fdarg);
    sw_fmt_i64(&f, x->wfd);
    sw_fmt_init(&f, x->maxarg, sizeof x->maxarg);
    sw_fmt_u64(&f, x->max_bytes);
    int a = 0;
    if (x->self_mode) {
        x->argv[a++] = c->self_exe;
        x->argv[a++] = (char *)"__child";
        x->argv[a++] = (char *)"execve";
    } else {
        x->argv[a++] = (char *)HELPER_NAME;
    }
    x->argv[a++] = x->fdarg;
    x->argv[a++] = x->seedarg;
    x->argv[a++] = x->maxarg;
    x->dfl.sa_handler = SIG_DFL;
    refresh_handled(x);

    unsigned backoff = 0;
    int rc = SW_WL_OK;
    while (sw_keep_going(c)) {
        while (x->active < x->conc) {
            struct xchild *k = find_kid(x, 0);
            int err = spawn_one(x, k);
            if (err == -EAGAIN || err == -ENOMEM || err == -EMFILE || err == -ENFILE) {
                note_resource(x, -err);
                backoff = backoff ? (backoff * 2 > 100 ? 100 : backoff * 2) : 1;
                break;
            }
            if (err < 0) {
                char text[SW_EV_TEXT];
                sw_fmt_init(&f, text, sizeof text);
                sw_fmt_str(&f, "execve: cannot start ");
                sw_fmt_str(&f, x->path);
                sw_fmt_str(&f, ": ");
                sw_fmt_str(&f, strerrorname_np(-err) ? strerrorname_np(-err) : "error");
                sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN, text);
                rc = SW_WL_HARNESS;
                goto out;
            }
            backoff = 0;
            if (!sw_keep_going(c))
                break;
        }
        if (backoff)
            sleep_ms(backoff);
        if (x->active)
            collect(x, 10);
        refresh_handled(x);
    }
out:
    drain(x);
    xstate_free(x);
    return rc;
}

static int execve_child_main(int argc, char **argv)
{
    return sw_xgen_child(argc, argv, environ);
}

static unsigned execve_procs(const struct sw_params *p)
{
    int64_t n = sw_param_int(p, EXECVE_CONCURRENCY);
    return n > 0 ? (unsigned)n : 1;   /* 0 = adapt to whatever budget the worker gets */
}

static uint64_t execve_mem(const struct sw_params *p)
{
    /* the parent's buffers, plus a small exec'd child (a few MiB each) per concurrent child */
    int64_t n = sw_param_int(p, EXECVE_CONCURRENCY);
    uint64_t kids = n > 0 ? (uint64_t)n : 16;
    return (uint64_t)sw_param_int(p, EXECVE_MAX_BYTES) + (2u << 20) + kids * (4u << 20);
}

const struct sw_workload sw_wl_execve = {
    .name = "execve",
    .summary = "execve storm: short-lived children check the argument/environment strings the kernel copied",
    .unit = "execs",
    .flags = SW_WL_SPAWNS,
    .injects = SW_INJ_CORRUPT,
    .params = execve_params,
    .mem_per_worker = execve_mem,
    .procs_per_worker = execve_procs,
    .supported = sw_can_exec_self,   /* the helper is found beside it, or it runs itself */
    .run = execve_run,
    .child_main = execve_child_main,
};
