/* compile: compile-like process trees, the shape of the user reports (parallel make of the kernel,
 * OpenSSL, a Zephyr build loop: peers-users.md 4.2). A make -j style driver keeps `jobs`
 * compiler-like children running; each is stresswsl re-executed as `stresswsl __child compile`, which
 * generates a deterministic source from a seed, tokenises it, interns identifiers in a hash table,
 * builds and walks expression trees (stress/compile_gen.c) and writes an object into the worker's
 * temp dir. When every unit of a build is done, a link step reads the objects back into one artefact
 * and checks its digest.
 *
 * Known answers: the driver compiles every unit of its (fixed) project twice in-process at start and
 * cross-checks the two; children must reproduce those digests. On a mismatch the unit is rebuilt at
 * once by a fresh child: a correct retry means a transient fault (marginal CPU/voltage), the same wrong
 * digest again a persistent one. Children keep the default SIGSEGV action, so the kernel logs
 * "segfault at ... likely on CPU N" for them.
 *
 * real_cc=true instead compiles generated C with the system compiler (`cc -c -O2`) and compares each
 * object with the first build's object for the same source. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/workload.h"
#include "stress/compile_gen.h"
#include "stress/digest.h"
#include "stress/self_exec.h"

extern char **environ;

#define MAX_JOBS 256
#define MAX_UNITS 256

enum { COMPILE_JOBS, COMPILE_UNITS, COMPILE_REAL_CC, COMPILE_NPARAMS };

SW_PARAM_TABLE(compile_params, COMPILE_NPARAMS) = {
    [COMPILE_JOBS] = {.name = "jobs", .type = SW_P_INT, .def = "0", .min = 0, .max = MAX_JOBS,
        .help = "compiler-like jobs running at once per worker (make -j); 0 = the worker's process budget"},
    [COMPILE_UNITS] = {.name = "units", .type = SW_P_INT, .def = "16", .min = 1, .max = MAX_UNITS,
        .help = "translation units per build (objects linked per artefact)"},
    [COMPILE_REAL_CC] = {.name = "real_cc", .type = SW_P_BOOL, .def = "false",
        .help = "compile generated C with the system compiler (cc -c -O2) and compare objects across repeats"},
};

struct cc_record {
    int32_t pid;
    int32_t status;
    uint64_t digest;   /* FNV-1a of the object bytes the child wrote */
};

struct cjob {
    pid_t pid;   /* 0: free */
    int unit;
    int have_rec;
    struct cc_record rec;
};

struct cstate {
    struct sw_ctx *c;
    struct cjob jobs[MAX_JOBS + 1];   /* +1: the retry child */
    unsigned njobs, running;
    unsigned units;
    int rfd, wfd;
    int real_cc;
    uint64_t seed[MAX_UNITS], expect[MAX_UNITS];
    int have_expect[MAX_UNITS];
    uint8_t state[MAX_UNITS];   /* 0 pending, 1 running, 2 ok, 3 failed */
    unsigned next_unit, finished;
    uint64_t build, spawned;
    unsigned inject;            /* pending SW_INJ_SEGV / SW_INJ_WRONG */
    uint64_t owed_until_ns;     /* hang guard for the first build past the deadline      */
    char path[512], path2[512];
};

enum { U_PENDING = 0, U_RUNNING, U_OK, U_FAILED };

static void unit_path(const struct cstate *s, char *out, size_t cap, int unit, const char *suffix)
{
    struct sw_fmt f;
    sw_fmt_init(&f, out, cap);
    sw_fmt_str(&f, s->c->tmpdir);
    sw_fmt_str(&f, "/u");
    sw_fmt_i64(&f, unit);
    sw_fmt_str(&f, suffix);
}

static void hex16(char *out, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        out[i] = hex[(v >> (60 - 4 * i)) & 15];
    out[16] = '\0';
}

/* ------------------------------------------------------------------ the child */
/* The injected crash: a real store to address 0 (volatile pointer: not folded into a compiler trap;
 * not sanitized: UBSan would report and exit instead of letting the kernel deliver SIGSEGV). */
__attribute__((no_sanitize("address", "undefined"))) static void null_store(void)
{
    volatile int *volatile np = NULL;
    *np = 1;
}

static int compile_child_main(int argc, char **argv)
{
    /* argv: compile <seed-hex> <object path> <report fd> <ok|segv|wrong> */
    if (argc != 5)
        return 2;
    /* Default SIGSEGV action, unblocked: a crash must be the kernel's to log, not a handler's. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGSEGV, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGSEGV);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    char *end;
    uint64_t seed = strtoull(argv[1], &end, 16);
    int fd = (int)strtol(argv[3], NULL, 10);
    struct sw_cc_buf obj;
    uint64_t digest;
    if (sw_cc_build_unit(seed, &obj, &digest) != 0)
        return 3;
    if (!strcmp(argv[4], "segv"))
        null_store();
    if (!strcmp(argv[4], "wrong")) {
        obj.data[obj.len / 2] ^= 0x20;   /* a wrong but well-formed object */
        digest = sw_fnv1a64(SW_FNV_INIT, obj.data, obj.len);
    }
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t off = 0;
    while (out >= 0 && off < obj.len) {
        ssize_t n = write(out, obj.data + off, obj.len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    int ok = out >= 0 && off == obj.len && close(out) == 0;
    sw_cc_buf_free(&obj);
    if (!ok)
        return 4;
    struct cc_record rec = {(int32_t)getpid(), 0, digest};
    return write(fd, &rec, sizeof rec) == (ssize_t)sizeof rec ? 0 : 4;
}

/* ------------------------------------------------------------------ the driver */
static struct cjob *find_job(struct cstate *s, pid_t pid)
{
    for (unsigned i = 0; i <= s->njobs; i++)
        if (s->jobs[i].pid == pid)
            return &s->jobs[i];
    return NULL;
}

static void read_records(struct cstate *s)
{
    struct cc_record recs[32];
    ssize_t n;
    while ((n = read(s->rfd, recs, sizeof recs)) > 0)
        for (ssize_t i = 0; i < n / (ssize_t)sizeof recs[0]; i++) {
            struct cjob *j = find_job(s, recs[i].pid);
            if (j && recs[i].pid) {
                j->rec = recs[i];
                j->have_rec = 1;
            }
        }
}

static int spawn_job(struct cstate *s, struct cjob *j, int unit, const char *mode, const char *suffix)
{
    char seedarg[20], fdarg[16];
    hex16(seedarg, s->seed[unit]);
    struct sw_fmt f;
    sw_fmt_init(&f, fdarg, sizeof fdarg);
    sw_fmt_i64(&f, s->wfd);
    char obj[sizeof s->path];
    unit_path(s, obj, sizeof obj, unit, suffix);
    pid_t pid;
    int err;
    if (s->real_cc) {
        char src[sizeof s->path];
        unit_path(s, src, sizeof src, unit, ".c");
        /* -w -fwrapv: the generated expressions overflow and over-shift on purpose; only
         * repeatability matters, and the compiler's chatter must not reach the terminal. */
        char *argv[] = {(char *)"cc", (char *)"-c", (char *)"-O2", (char *)"-w", (char *)"-fwrapv",
                        (char *)"-o", obj, src, NULL};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        err = posix_spawnp(&pid, "cc", &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
    } else {
        /* ASan builds: let the kernel, not the sanitizer, take the children's SIGSEGV. */
        char *envp[] = {(char *)"ASAN_OPTIONS=handle_segv=0", NULL};
        char *argv[] = {s->c->self_exe, (char *)"__child", (char *)"compile", seedarg, obj, fdarg, (char *)mode, NULL};
        err = posix_spawn(&pid, s->c->self_exe, NULL, NULL, argv, envp);
    }
    if (err)
        return -err;
    j->pid = pid;
    j->unit = unit;
    j->have_rec = 0;
    s->running++;
    s->spawned++;
    return 0;
}

/* Digest of a file's content; -1 on error. */
static int file_digest(const char *path, uint64_t *digest, uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    uint8_t buf[16384];
    uint64_t h = SW_FNV_INIT, total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        h = sw_fnv1a64(h, buf, (size_t)n);
        total += (uint64_t)n;
    }
    close(fd);
    if (n < 0)
        return -1;
    *digest = h;
    if (size)
        *size = total;
    return 0;
}

/* What the job produced: the object's digest from the child's report (built-in compiler) or from
 * the file (real cc). Returns 0 with *got set, or -1 if it produced nothing usable. */
static int job_result(struct cstate *s, struct cjob *j, int st, uint64_t *got)
{
    if (!j->have_rec)
        read_records(s);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1;
    if (s->real_cc) {
        char obj[sizeof s->path];
        unit_path(s, obj, sizeof obj, j->unit, j == &s->jobs[s->njobs] ? ".r.o" : ".o");
        return file_digest(obj, got, NULL);
    }
    if (!j->have_rec)
        return -1;
    *got = j->rec.digest;
    return 0;
}

/* Rebuilds a unit at once with a fresh child (never injected) and waits for it. Returns 1 if the
 * retry produced the expected object (moved into place), 0 if not; *got gets its digest. */
static int retry_unit(struct cstate *s, int unit, uint64_t *got, int *sig)
{
    struct cjob *j = &s->jobs[s->njobs];
    *got = 0;
    *sig = 0;
    if (spawn_job(s, j, unit, "ok", ".r.o") < 0)
        return 0;
    int st = 0;
    while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
        ;
    s->running--;
    int ok = job_result(s, j, st, got) == 0 && (!s->have_expect[unit] || *got == s->expect[unit]);
    if (WIFSIGNALED(st))
        *sig = WTERMSIG(st);
    unit_path(s, s->path, sizeof s->path, unit, ".r.o");
    unit_path(s, s->path2, sizeof s->path2, unit, ".o");
    if (ok)
        ok = rename(s->path, s->path2) == 0;
    else
        unlink(s->path);
    j->pid = 0;
    j->have_rec = 0;
    return ok;
}

static void finish_job(struct cstate *s, struct cjob *j, int st)
{
    struct sw_ctx *c = s->c;
    int unit = j->unit;
    uint64_t got = 0;
    int res = job_result(s, j, st, &got);
    pid_t pid = j->pid;
    j->pid = 0;
    s->running--;
    s->finished++;
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    if (res < 0) {
        /* Died or failed: the evidence first, then whether a rebuild succeeds. */
        sw_report_child_status(c, s->real_cc ? "cc-job" : "compile-job", pid, st);
        uint64_t rgot;
        int rsig;
        int ok = retry_unit(s, unit, &rgot, &rsig);
        sw_fmt_str(&f, s->real_cc ? "cc" : "compile");
        sw_fmt_str(&f, ": unit ");
        sw_fmt_i64(&f, unit);
        sw_fmt_str(&f, ok ? " rebuilt correctly after the failure (transient)"
                          : " failed again on rebuild (persistent)");
        sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN, text);
        s->state[unit] = ok ? U_OK : U_FAILED;
        return;
    }
    if (s->real_cc && !s->have_expect[unit]) {
        /* First build with the system compiler: its objects are the reference for the repeats. */
        s->expect[unit] = got;
        s->have_expect[unit] = 1;
    }
    if (got == s->expect[unit]) {
        s->state[unit] = U_OK;
        sw_progress(c, 1, 0);
        return;
    }
    uint64_t rgot;
    int rsig;
    int ok = retry_unit(s, unit, &rgot, &rsig);
    sw_fmt_str(&f, "unit ");
    sw_fmt_i64(&f, unit);
    sw_fmt_str(&f, ok ? "; rebuild correct: transient"
                      : rsig ? "; rebuild crashed: persistent"
                             : rgot == got ? "; rebuild gave the same wrong object: persistent"
                                           : "; rebuild wrong differently: persistent");
    sw_report_verify_error(c, s->real_cc ? "cc-object" : "compile-object", s->expect[unit], got, text);
    s->state[unit] = ok ? U_OK : U_FAILED;
}

/* Link: read every object back into one artefact, then read the artefact back and check it, object
 * by object, against the known digests. Removes the objects and the artefact. */
static void link_build(struct cstate *s)
{
    struct sw_ctx *c = s->c;
    int ok_all = 1;
    for (unsigned u = 0; u < s->units; u++)
        ok_all &= s->state[u] == U_OK;
    unit_path(s, s->path2, sizeof s->path2, 0, ".artefact");
    int out = ok_all ? open(s->path2, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    uint64_t sizes[MAX_UNITS];
    uint8_t buf[16384];
    for (unsigned u = 0; u < s->units; u++) {
        unit_path(s, s->path, sizeof s->path, (int)u, ".o");
        sizes[u] = 0;
        int in = out >= 0 ? open(s->path, O_RDONLY | O_CLOEXEC) : -1;
        ssize_t n;
        while (in >= 0 && (n = read(in, buf, sizeof buf)) > 0) {
            if (write(out, buf, (size_t)n) != n)
                ok_all = 0;
            sizes[u] += (uint64_t)n;
        }
        if (in >= 0)
            close(in);
        else
            ok_all = 0;
        unlink(s->path);
    }
    if (out >= 0) {
        uint64_t art = SW_FNV_INIT, want = SW_FNV_INIT, total = 0;
        if (ok_all && lseek(out, 0, SEEK_SET) == 0) {
            for (unsigned u = 0; u < s->units; u++) {
                uint64_t h = SW_FNV_INIT, left = sizes[u];
                while (left) {
                    ssize_t n = read(out, buf, left < sizeof buf ? (size_t)left : sizeof buf);
                    if (n <= 0)
                        break;
                    h = sw_fnv1a64(h, buf, (size_t)n);
                    left -= (uint64_t)n;
                }
                art = sw_digest_add(art, h);
                want = sw_digest_add(want, s->expect[u]);
                total += sizes[u];
            }
            if (art != want)
                sw_report_verify_error(c, "compile-artefact", want, art,
                                       "linked artefact read back differs from its objects");
            else
                sw_progress(c, 0, total);
        }
        close(out);
        unlink(s->path2);
    }
    s->build++;
    s->next_unit = 0;
    s->finished = 0;
    memset(s->state, U_PENDING, sizeof s->state);
}

static void reap(struct cstate *s, int have_data)
{
    if (have_data) {
        read_records(s);
        for (unsigned i = 0; i < s->njobs; i++) {
            struct cjob *j = &s->jobs[i];
            int st;
            if (j->pid && j->have_rec && waitpid(j->pid, &st, 0) == j->pid)
                finish_job(s, j, st);
        }
    }
    int st;
    pid_t pid;
    while (s->running && (pid = waitpid(-1, &st, WNOHANG)) > 0) {
        struct cjob *j = find_job(s, pid);
        if (j)
            finish_job(s, j, st);
    }
}

/* Generated C for real_cc mode: one function per unit, the same expression shapes. */
static int write_c_source(struct cstate *s, int unit)
{
    struct sw_cc_buf src;
    if (sw_cc_source(s->seed[unit], &src) != 0)
        return -ENOMEM;
    unit_path(s, s->path, sizeof s->path, unit, ".c");
    int fd = open(s->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        sw_cc_buf_free(&src);
        return -errno;
    }
    char head[64];
    struct sw_fmt f;
    sw_fmt_init(&f, head, sizeof head);
    sw_fmt_str(&f, "unsigned unit_");
    sw_fmt_i64(&f, unit);
    sw_fmt_str(&f, "(unsigned seed) {\n");
    int rc = write(fd, head, f.len) == (ssize_t)f.len ? 0 : -EIO;
    /* "let x = e;" lines become "unsigned x = e + seed;" -- at most 300 statements, so one cc run
     * takes tens of milliseconds, not seconds. */
    const char *p = (const char *)src.data, *endp = p + src.len, *last = "count_0";
    char lastbuf[32];
    for (int n = 0; !rc && p < endp && n < 300; n++) {
        const char *nl = memchr(p, '\n', (size_t)(endp - p));
        if (!nl)
            break;
        const char *name = p + 4, *eq = strchr(name, ' ');
        size_t nlen = (size_t)(eq - name);
        if (nlen < sizeof lastbuf) {
            memcpy(lastbuf, name, nlen);
            lastbuf[nlen] = '\0';
            last = lastbuf;
        }
        rc |= write(fd, "unsigned ", 9) == 9 ? 0 : -EIO;
        rc |= write(fd, name, (size_t)(nl - 1 - name)) == nl - 1 - name ? 0 : -EIO;
        rc |= write(fd, " + seed;\n", 9) == 9 ? 0 : -EIO;
        p = nl + 1;
    }
    sw_fmt_init(&f, head, sizeof head);
    sw_fmt_str(&f, "return ");
    sw_fmt_str(&f, last);
    sw_fmt_str(&f, ";\n}\n");
    rc |= write(fd, head, f.len) == (ssize_t)f.len ? 0 : -EIO;
    close(fd);
    sw_cc_buf_free(&src);
    return rc;
}

static int have_cc(void)
{
    pid_t pid;
    char *argv[] = {(char *)"cc", (char *)"--version", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int err = posix_spawnp(&pid, "cc", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    if (err)
        return 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void drain(struct cstate *s)
{
    uint64_t until = sw_now_mono_ns() + 3000000000ull;
    while (s->running && sw_now_mono_ns() < until) {
        struct pollfd p = {s->rfd, POLLIN, 0};
        reap(s, poll(&p, 1, 10) > 0);
        sw_progress(s->c, 0, 0);   /* a heartbeat: the runner waits while the last jobs are verified */
    }
    for (unsigned i = 0; i <= s->njobs; i++) {
        struct cjob *j = &s->jobs[i];
        int st;
        if (!j->pid)
            continue;
        kill(j->pid, SIGKILL);
        waitpid(j->pid, &st, 0);
        j->pid = 0;
        s->running--;
    }
    /* Whatever the unfinished build left behind. */
    for (unsigned u = 0; u < s->units; u++) {
        static const char *const sfx[] = {".o", ".r.o", ".c"};
        for (unsigned k = 0; k < 3; k++) {
            unit_path(s, s->path, sizeof s->path, (int)u, sfx[k]);
            unlink(s->path);
        }
    }
    unit_path(s, s->path, sizeof s->path, 0, ".artefact");
    unlink(s->path);
}

/* A run finishes at least one whole build (every unit built, linked and read back) even when the
 * deadline passes first (a short run on a busy machine), as the runner lets a workload finish what it
 * holds while it reports progress; never after an explicit stop (Ctrl-C), nor past the hang guard. */
static bool first_build_owed(struct cstate *s)
{
    struct sw_ctx *c = s->c;
    if (s->build || (c->stop && atomic_load_explicit(c->stop, memory_order_relaxed)))
        return false;
    if (sw_now_mono_ns() >= s->owed_until_ns)
        return false;
    sw_progress(c, 0, 0);   /* a heartbeat: the runner waits while the first build completes */
    return true;
}

static bool compile_going(struct cstate *s)
{
    return sw_keep_going(s->c) || first_build_owed(s);
}

static int compile_run(struct sw_ctx *c)
{
    struct cstate *s = calloc(1, sizeof *s);
    if (!s)
        return SW_WL_NORESOURCE;
    s->c = c;
    /* below the runner's 10 s wind-down allowance, so the workload gives up before it is killed */
    s->owed_until_ns = (c->deadline_ns ? c->deadline_ns : sw_now_mono_ns()) + 8000000000ull;
    unsigned jobs = (unsigned)sw_param_int(&c->params, COMPILE_JOBS);
    if (!jobs || (c->proc_budget && jobs > c->proc_budget))
        jobs = c->proc_budget ? c->proc_budget : 1;
    s->njobs = jobs > MAX_JOBS ? MAX_JOBS : jobs;
    s->units = (unsigned)sw_param_int(&c->params, COMPILE_UNITS);
    s->inject = c->inject & (SW_INJ_SEGV | SW_INJ_WRONG);
    s->real_cc = (int)sw_param_int(&c->params, COMPILE_REAL_CC);
    for (unsigned u = 0; u < s->units; u++)
        s->seed[u] = sw_mix64(c->seed ^ ((uint64_t)c->worker << 40) ^ (u * 0x9e3779b97f4a7c15ull));
    if (s->real_cc && (s->inject || !have_cc())) {
        sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN,
                       s->inject ? "compile: real_cc ignored while injecting faults"
                                 : "compile: real_cc=true but no C compiler (cc) found; using the built-in compiler");
        s->real_cc = 0;
    }
    if (!s->real_cc) {
        /* The reference: every unit twice, in-process, compared. A difference here means the
         * driver's own CPU is computing wrongly; a third build breaks the tie. */
        for (unsigned u = 0; u < s->units && compile_going(s); u++) {
            struct sw_cc_buf o;
            uint64_t d1 = 0, d2 = 0, d3 = 0;
            if (sw_cc_build_unit(s->seed[u], &o, &d1) != 0 || (sw_cc_buf_free(&o), 0) ||
                sw_cc_build_unit(s->seed[u], &o, &d2) != 0) {
                sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "compile: no memory for the reference build");
                free(s);
                return SW_WL_NORESOURCE;
            }
            sw_cc_buf_free(&o);
            if (d1 != d2) {
                if (sw_cc_build_unit(s->seed[u], &o, &d3) == 0)
                    sw_cc_buf_free(&o);
                sw_report_verify_error(c, "compile-reference", d3, d3 == d1 ? d2 : d1,
                                       "the driver's two reference builds differ");
                d1 = d3;
            }
            s->expect[u] = d1;
            s->have_expect[u] = 1;
        }
    } else {
        for (unsigned u = 0; u < s->units; u++)
            if (write_c_source(s, (int)u) < 0) {
                sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "compile: cannot write sources to the temp dir");
                drain(s);
                free(s);
                return SW_WL_NORESOURCE;
            }
    }
    if (sw_child_report_pipe(&s->rfd, &s->wfd) < 0) {
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "compile: no file descriptors for the report pipe");
        drain(s);
        free(s);
        return SW_WL_NORESOURCE;
    }
    unsigned backoff = 0;
    uint64_t res_count = 0, res_last = 0;
    int rc = SW_WL_OK;
    while (compile_going(s)) {
        while (s->running < s->njobs && s->next_unit < s->units) {
            struct cjob *j = find_job(s, 0);
            /* Injected faults go into the first children: a busy machine may start only a couple
             * before a short run's deadline. */
            const char *mode = "ok";
            if (s->inject & SW_INJ_SEGV) {
                mode = "segv";
                s->inject &= ~(unsigned)SW_INJ_SEGV;
            } else if (s->inject & SW_INJ_WRONG) {
                mode = "wrong";
                s->inject &= ~(unsigned)SW_INJ_WRONG;
            }
            int err = spawn_job(s, j, (int)s->next_unit, mode, ".o");
            if (err == -EAGAIN || err == -ENOMEM || err == -EMFILE || err == -ENFILE) {
                res_count++;
                uint64_t now = sw_now_mono_ns();
                if (!res_last || now - res_last > 1000000000ull) {
                    res_last = now;
                    sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "compile: cannot start a job now; backing off");
                }
                backoff = backoff ? (backoff * 2 > 100 ? 100 : backoff * 2) : 1;
                break;
            }
            if (err < 0) {
                sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN,
                               "compile: cannot execute the compiler child (stresswsl itself or cc)");
                rc = SW_WL_HARNESS;
                goto out;
            }
            backoff = 0;
            s->state[s->next_unit++] = U_RUNNING;
        }
        if (backoff) {
            struct timespec ts = {0, (long)backoff * 1000000L};
            nanosleep(&ts, NULL);
        }
        struct pollfd pf = {s->rfd, POLLIN, 0};
        int n = s->running ? poll(&pf, 1, s->real_cc ? 5 : 10) : 0;
        reap(s, n > 0);
        if (s->finished == s->units && !s->running)
            link_build(s);
    }
out:
    (void)res_count;
    drain(s);
    close(s->rfd);
    close(s->wfd);
    free(s);
    return rc;
}

static unsigned compile_procs(const struct sw_params *p)
{
    int64_t n = sw_param_int(p, COMPILE_JOBS);
    return (n > 0 ? (unsigned)n : 1) + 1;   /* + the retry child */
}

static uint64_t compile_mem(const struct sw_params *p)
{
    int64_t n = sw_param_int(p, COMPILE_JOBS);
    /* a compiler-like child peaks at a few MiB (source, tokens, trees, object) */
    return (uint64_t)(n > 0 ? n : 2) * (16u << 20) + (4u << 20);
}

const struct sw_workload sw_wl_compile = {
    .name = "compile",
    .summary = "make -j style trees of compiler-like children; objects and the linked artefact checked",
    .unit = "jobs",
    .flags = SW_WL_SPAWNS,
    .injects = SW_INJ_SEGV | SW_INJ_WRONG,
    .params = compile_params,
    .mem_per_worker = compile_mem,
    .procs_per_worker = compile_procs,
    .supported = sw_can_exec_self,   /* its jobs are `stresswsl __child compile` */
    .run = compile_run,
    .child_main = compile_child_main,
};
