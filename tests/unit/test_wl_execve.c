#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress/execve_gen.h"
#include "stress/registry.h"
#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

/* Builds the argv/envp the parent would send for a seed (header args + generated lists). */
struct lists {
    char *argv[SW_XGEN_MAX_STRINGS + 8], *envp[SW_XGEN_MAX_STRINGS + 2];
    char *buf;
    uint64_t digest;
};

static void build(struct lists *l, uint64_t seed, uint64_t max_bytes, int fd)
{
    static char hdr[3][32];
    snprintf(hdr[0], sizeof hdr[0], "%d", fd);
    snprintf(hdr[1], sizeof hdr[1], "%016llx", (unsigned long long)seed);
    snprintf(hdr[2], sizeof hdr[2], "%llu", (unsigned long long)max_bytes);
    l->buf = malloc(max_bytes + SW_XGEN_PREFIX_SLACK + SW_XGEN_MAX_STRINGS + 64);
    struct sw_xgen g;
    sw_xgen_start(&g, seed, max_bytes);
    int a = 0, e = 0;
    l->argv[a++] = (char *)"child";
    for (int i = 0; i < 3; i++)
        l->argv[a++] = hdr[i];
    size_t off = 0;
    long len;
    l->digest = SW_FNV_INIT;
    while ((len = sw_xgen_next_len(&g)) >= 0) {
        char *s = l->buf + off;
        uint64_t before = l->digest;
        l->digest = sw_xgen_fill(&g, s, (size_t)len, l->digest);
        CHECK(strlen(s) == (size_t)len);   /* no NUL inside a generated string */
        CHECK(l->digest == sw_xgen_digest(before, s, (size_t)len));
        off += (size_t)len + 1;
        if (g.idx <= g.nargs)
            l->argv[a++] = s;
        else
            l->envp[e++] = s;
    }
    CHECK(off <= max_bytes + SW_XGEN_PREFIX_SLACK + SW_XGEN_MAX_STRINGS);
    l->argv[a] = NULL;
    l->envp[e] = NULL;
}

static int argc_of(char **argv)
{
    int n = 0;
    while (argv[n])
        n++;
    return n;
}

/* The generator is deterministic, stays within its budget, and the child check accepts exactly
 * the lists generated for its seed (run in-process: the check does not need an exec). */
static void generator_and_check(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct lists a, b;
        build(&a, seed * 7919, 256 << 10, p[1]);
        build(&b, seed * 7919, 256 << 10, p[1]);
        CHECK(a.digest == b.digest);
        int rc = sw_xgen_child(argc_of(a.argv), a.argv, a.envp);
        struct sw_xgen_record rec;
        CHECK(read(p[0], &rec, sizeof rec) == (ssize_t)sizeof rec);
        CHECK_INT(rc, sw_xgen_exit_code(a.digest));
        CHECK(rec.digest == a.digest && rec.status == rc && rec.pid == getpid());
        /* one changed byte anywhere is caught by the child's own check */
        char **victim = a.argv[4] ? &a.argv[4] : &a.envp[0];
        if (**victim) {
            (*victim)[0] ^= 1;
            rc = sw_xgen_child(argc_of(a.argv), a.argv, a.envp);
            CHECK(read(p[0], &rec, sizeof rec) == (ssize_t)sizeof rec);
            CHECK_INT(rc, SW_XGEN_EXIT_MISMATCH);
            CHECK(rec.digest != a.digest);
        }
        free(a.buf);
        free(b.buf);
    }
    close(p[0]);
    close(p[1]);
}


/* The default mix (stress/execve_gen.h): mostly build-command-sized lists, a real share of large
 * ones, some near max_bytes with thousands of strings; never over the kernel's limits. */
static void generator_varies(void)
{
    unsigned small = 0, large = 0, huge = 0, many = 0, n = 2000;
    uint64_t max_total = 0;
    for (uint64_t seed = 0; seed < n; seed++) {
        struct sw_xgen g;
        sw_xgen_start(&g, seed, 256 << 10);
        uint64_t total = 0;
        long len;
        while ((len = sw_xgen_next_len(&g)) >= 0) {
            CHECK(len <= (long)SW_XGEN_MAX_STR);
            total += (uint64_t)len;
        }
        CHECK(g.nargs + g.nenv <= SW_XGEN_MAX_STRINGS);
        small += total <= 8192 + 128 * 8 && g.nargs + g.nenv <= 128;
        large += total > 8192 + 128 * 8;
        huge += total > (100 << 10);
        many += g.nargs + g.nenv > 1024;
        max_total = total > max_total ? total : max_total;
    }
    CHECK_MSG(small > n * 80 / 100 && small < n * 95 / 100, "small %u of %u", small, n);
    CHECK_MSG(large > n * 6 / 100, "large %u of %u", large, n);
    CHECK_MSG(huge > n * 3 / 100, "huge %u of %u", huge, n);
    CHECK_MSG(many > n / 100, "over 1024 strings: %u of %u", many, n);
    CHECK(max_total <= (256 << 10) + SW_XGEN_PREFIX_SLACK);
    CHECK(max_total > (200 << 10));
    /* max_bytes caps every list, the smallest setting included */
    for (uint64_t seed = 0; seed < 200; seed++) {
        struct sw_xgen g;
        sw_xgen_start(&g, seed, 64);
        uint64_t body = 0;
        long len;
        while ((len = sw_xgen_next_len(&g)) >= 0)
            body += (uint64_t)len;
        CHECK(body <= 64 + 8 * (uint64_t)g.nenv);
    }
}

/* The digest sees every byte and where strings end. */
static void digest_sensitive(void)
{
    char buf[64];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)(0x21 + i);
    for (size_t len = 0; len < 40; len++) {
        uint64_t h = sw_xgen_digest(SW_FNV_INIT, buf, len);
        for (size_t i = 0; i < len; i++) {
            buf[i] ^= 4;
            CHECK(sw_xgen_digest(SW_FNV_INIT, buf, len) != h);
            buf[i] ^= 4;
        }
        CHECK(sw_xgen_digest(SW_FNV_INIT, buf, len + 1) != h);
    }
    /* a different digest before a string (short ones included) stays different after it */
    for (size_t len = 0; len < 40; len++)
        CHECK(sw_xgen_digest(1, buf, len) != sw_xgen_digest(2, buf, len));
    uint64_t ab_c = sw_xgen_digest(sw_xgen_digest(SW_FNV_INIT, "ab", 2), "c", 1);
    uint64_t a_bc = sw_xgen_digest(sw_xgen_digest(SW_FNV_INIT, "a", 1), "bc", 2);
    CHECK(ab_c != a_bc);
}

static void helper_path(char *out, size_t n)
{
    const char *bin = getenv("STRESSWSL_BIN");
    const char *slash = strrchr(bin, '/');
    snprintf(out, n, "%.*s/stresswsl-exec-child", slash ? (int)(slash - bin) : 1, slash ? bin : ".");
}

/* Execs the installed helper with the lists l (argv[1] replaced by the pipe's fd); returns its
 * exit code and the record it wrote (got = 0 if none). */
static int exec_helper(struct lists *l, struct sw_xgen_record *rec, int *got)
{
    char path[PATH_MAX], fdarg[16];
    helper_path(path, sizeof path);
    int p[2];
    CHECK(pipe(p) == 0);
    snprintf(fdarg, sizeof fdarg, "%d", p[1]);
    char *saved = l->argv[1];
    if (l->argv[1])
        l->argv[1] = fdarg;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        execve(path, l->argv, l->envp);
        _exit(126);
    }
    l->argv[1] = saved;
    close(p[1]);
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    ssize_t n = read(p[0], rec, sizeof *rec);
    *got = n == (ssize_t)sizeof *rec;
    if (*got)
        CHECK_INT(rec->pid, pid);
    close(p[0]);
    CHECK(WIFEXITED(st));
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The helper the workload execs (the no-libc one on x86-64) accepts exactly the generated lists
 * and rejects a changed byte, a shortened string, an extra or missing string, a bad header. */
static void helper_checks(void)
{
    struct sw_xgen_record rec;
    int got;
    for (uint64_t seed = 100; seed < 140; seed++) {
        struct lists l;
        build(&l, seed * 104729, seed < 136 ? 256 << 10 : 64, -1);
        CHECK_INT(exec_helper(&l, &rec, &got), sw_xgen_exit_code(l.digest));
        CHECK(got && rec.digest == l.digest && rec.status == sw_xgen_exit_code(l.digest));
        char *victim = l.argv[4] ? l.argv[4] : l.envp[0];
        size_t len = victim ? strlen(victim) : 0;
        if (len > 9) {
            victim[len - 1] ^= 2;   /* the last byte: the word loop's tail */
            CHECK_INT(exec_helper(&l, &rec, &got), SW_XGEN_EXIT_MISMATCH);
            CHECK(got && rec.digest != l.digest);
            victim[len - 1] ^= 2;
            victim[len / 2] = '\0';   /* shorter than expected */
            CHECK_INT(exec_helper(&l, &rec, &got), SW_XGEN_EXIT_MISMATCH);
            CHECK(got && rec.digest != l.digest);
        }
        free(l.buf);
    }
    struct lists l;
    build(&l, 77, 4096, -1);
    int e = 0;
    while (l.envp[e])
        e++;
    l.envp[e] = (char *)"EXTRA=1";
    l.envp[e + 1] = NULL;
    CHECK_INT(exec_helper(&l, &rec, &got), SW_XGEN_EXIT_MISMATCH);
    l.envp[e] = NULL;
    if (e > 0) {
        l.envp[e - 1] = NULL;   /* one missing */
        CHECK_INT(exec_helper(&l, &rec, &got), SW_XGEN_EXIT_MISMATCH);
    }
    char *seed = l.argv[2];
    l.argv[2] = (char *)"12zz";
    CHECK_INT(exec_helper(&l, &rec, &got), SW_XGEN_EXIT_USAGE);
    CHECK(!got);
    l.argv[2] = seed;
    char *none[] = {(char *)"stresswsl-exec-child", NULL};
    struct lists bare = {.argv = {NULL}};
    memcpy(bare.argv, none, sizeof none);
    bare.envp[0] = NULL;
    CHECK_INT(exec_helper(&bare, &rec, &got), SW_XGEN_EXIT_USAGE);
    free(l.buf);
}

/* On x86-64 the helper is the no-libc build (static, tiny, no interpreter), and it is what the
 * workload actually execs (child=auto finds it next to stresswsl): inotify sees each exec open it. */
static void nolibc_helper_is_used(void)
{
#if defined(__x86_64__)
    char path[PATH_MAX];
    helper_path(path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK_MSG(fd >= 0, "%s: %s", path, strerror(errno));
    if (fd < 0)
        return;
    Elf64_Ehdr eh;
    CHECK(pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh);
    CHECK(memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64);
    CHECK_MSG(eh.e_type == ET_EXEC, "e_type %d: not a static non-PIE executable", eh.e_type);
    uint64_t loaded = 0;   /* what exec maps; debug sections (Debug builds) are not loaded */
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        CHECK(pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) == (ssize_t)sizeof ph);
        CHECK(ph.p_type != PT_INTERP && ph.p_type != PT_DYNAMIC);
        if (ph.p_type == PT_LOAD)
            loaded += ph.p_memsz;
    }
    CHECK_MSG(loaded > 0 && loaded < 16 * 1024, "%llu bytes loaded: not the no-libc helper", (unsigned long long)loaded);
    close(fd);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(in >= 0);
    CHECK(inotify_add_watch(in, path, IN_OPEN) >= 0);
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("execve", NULL, 300, 0, 0, &r) == 0);
    CHECK_INT(r.rc, SW_WL_OK);
    CHECK(r.ops > 0 && r.errors == 0);
    char evbuf[4096] __attribute__((aligned(8)));
    uint64_t opens = 0;
    ssize_t n;
    while ((n = read(in, evbuf, sizeof evbuf)) > 0)
        for (char *q = evbuf; q < evbuf + n; q += sizeof(struct inotify_event) + ((struct inotify_event *)q)->len)
            opens += (((struct inotify_event *)q)->mask & IN_OPEN) != 0;
    close(in);
    /* every exec opens it once; the queue may overflow (then fewer events), never more */
    CHECK_MSG(opens > 0 && opens <= r.ops + 16, "%llu opens for %llu execs", (unsigned long long)opens,
              (unsigned long long)r.ops);
    CHECK(sw_wlh_no_children());
#else
    printf("nolibc_helper_is_used: not x86-64, the glibc helper is used (nothing to check)\n");
#endif
}

static void run_clean(const char *const *params)
{
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("execve", params, 700, 0, 0, &r) == 0);
    CHECK_INT(r.rc, SW_WL_OK);
    CHECK_MSG(r.errors == 0, "%s: %llu errors; first: %s", params ? params[0] : "default",
              (unsigned long long)r.errors, r.n_events ? r.events[0].text : "");
    CHECK(r.ops > 0);
    CHECK(r.bytes > 0);
    CHECK(sw_wlh_no_children());
}

static void clean_runs(void)
{
    run_clean(NULL);
    static const char *const self[] = {"child=self", NULL};
    run_clean(self);
    static const char *const helper[] = {"child=helper", "spawn=posix_spawn", NULL};
    run_clean(helper);
    static const char *const clone_[] = {"spawn=clone", "max_bytes=1M", "concurrency=3", NULL};
    run_clean(clone_);
}

static void injected_corruption(void)
{
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("execve", NULL, 500, 0, SW_INJ_CORRUPT, &r) == 0);
    CHECK_INT(r.errors, 1);
    CHECK_INT(sw_wlh_count(&r, SW_EV_VERIFY_ERROR), 1);
    for (int i = 0; i < r.n_events; i++)
        if (r.events[i].type == SW_EV_VERIFY_ERROR) {
            CHECK_STR(r.events[i].what, "execve-args");
            CHECK_INT(r.events[i].worker, 0);
            CHECK(r.events[i].u.verify.want != r.events[i].u.verify.got);
            CHECK_MSG(strstr(r.events[i].text, "its check failed too") != NULL, "%s", r.events[i].text);
        }
    CHECK(r.ops > 0);
    CHECK(sw_wlh_no_children());
}

static volatile sig_atomic_t winch_seen, winch_in_child;
static pid_t winch_owner;
static void on_winch(int sig)
{
    (void)sig;
    if (getpid() != winch_owner)
        winch_in_child = 1;   /* a vfork child ran it: shared memory, so the parent sees this */
    winch_seen++;
}

/* A worker with signal handlers (the runner's) whose process group keeps getting a signal (a
 * terminal resize: SIGWINCH, ignored by default): the handler must never run in a vfork child on
 * the shared stack, the waits must survive EINTR, and nothing is reported. */
static void signals_with_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_winch;   /* no SA_RESTART: blocking calls see EINTR */
    CHECK(sigaction(SIGWINCH, &sa, NULL) == 0);
    winch_seen = winch_in_child = 0;
    winch_owner = getpid();
    CHECK(setpgid(0, 0) == 0);   /* our own group, so the signals reach no one else */
    /* The pinger is a grandchild: the storm reaps any child of its process, as a worker may. */
    int stop[2];
    CHECK(pipe(stop) == 0);
    pid_t mid = fork();
    if (mid == 0) {
        if (fork() == 0) {
            signal(SIGWINCH, SIG_DFL);
            close(stop[1]);
            struct pollfd pf = {stop[0], POLLIN, 0};
            while (poll(&pf, 1, 1) == 0 && kill(-winch_owner, SIGWINCH) == 0)
                ;
            _exit(0);
        }
        _exit(0);
    }
    int st;
    pid_t w;
    while ((w = waitpid(mid, &st, 0)) < 0 && errno == EINTR)   /* the pings have begun */
        ;
    CHECK(w == mid);
    close(stop[0]);
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("execve", NULL, 700, 0, 0, &r) == 0);
    close(stop[1]);   /* the pinger stops; a last signal in flight is ignored */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGWINCH, &sa, NULL);
    CHECK_INT(r.rc, SW_WL_OK);
    CHECK_MSG(r.errors == 0, "%llu errors; first: %s", (unsigned long long)r.errors, r.n_events ? r.events[0].text : "");
    CHECK(r.ops > 0);
    CHECK(winch_seen > 10);
    CHECK_MSG(!winch_in_child, "the worker's signal handler ran in a vfork child");
    CHECK(sw_wlh_no_children());
}

static void missing_program(void)
{
    const char *saved = getenv("STRESSWSL_BIN");
    char *copy = saved ? strdup(saved) : NULL;
    setenv("STRESSWSL_BIN", "/nonexistent/stresswsl", 1);
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("execve", NULL, 200, 0, 0, &r) == 0);
    CHECK_INT(r.rc, SW_WL_HARNESS);
    CHECK_INT(r.errors, 0);
    CHECK(r.n_events >= 1);
    if (copy) {
        setenv("STRESSWSL_BIN", copy, 1);
        free(copy);
    }
}

static void budget_hooks(void)
{
    const struct sw_workload *wl = sw_workload_find("execve", NULL);
    struct sw_params p;
    struct sw_diag d;
    CHECK(wl && sw_params_defaults(&p, wl->params, &d) == 0);
    CHECK_INT(wl->procs_per_worker(&p), 1);
    CHECK(sw_params_set(&p, wl->params, "execve", "concurrency", "12", &d) == 0);
    CHECK_INT(wl->procs_per_worker(&p), 12);
    CHECK(wl->mem_per_worker(&p) > (256u << 10));
    CHECK(sw_params_set(&p, wl->params, "execve", "max_bytes", "2G", &d) < 0);
    CHECK(sw_params_set(&p, wl->params, "execve", "spawn", "fork", &d) < 0);
    CHECK(strstr(d.msg, "vfork|posix_spawn|clone") != NULL);
}

int main(int argc, char **argv)
{
    if (!getenv("STRESSWSL_BIN"))
        SW_SKIP("STRESSWSL_BIN is not set (run through ctest)");
    static const struct sw_test_case cases[] = {
        {"generator_and_check", generator_and_check}, {"generator_varies", generator_varies},
        {"digest_sensitive", digest_sensitive}, {"helper_checks", helper_checks},
        {"nolibc_helper_is_used", nolibc_helper_is_used}, {"signals_with_handlers", signals_with_handlers},

        {"clean_runs", clean_runs}, {"injected_corruption", injected_corruption},
        {"missing_program", missing_program}, {"budget_hooks", budget_hooks}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
