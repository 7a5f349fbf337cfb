#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
    l->buf = malloc(max_bytes + SW_XGEN_MAX_STRINGS * 12 + 64);
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
        sw_xgen_fill(&g, s, (size_t)len);
        CHECK(strlen(s) == (size_t)len);   /* no NUL inside a generated string */
        l->digest = sw_xgen_digest(l->digest, s, (size_t)len);
        off += (size_t)len + 1;
        if (g.idx <= g.nargs)
            l->argv[a++] = s;
        else
            l->envp[e++] = s;
    }
    CHECK(off <= max_bytes + SW_XGEN_MAX_STRINGS * 12);
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

static void generator_varies(void)
{
    uint64_t seen_small = 0, seen_big = 0, max_total = 0;
    for (uint64_t seed = 0; seed < 400; seed++) {
        struct sw_xgen g;
        sw_xgen_start(&g, seed, 256 << 10);
        uint64_t total = 0;
        long len;
        while ((len = sw_xgen_next_len(&g)) >= 0) {
            CHECK(len <= (long)SW_XGEN_MAX_STR);
            total += (uint64_t)len;
        }
        CHECK(g.nargs + g.nenv <= SW_XGEN_MAX_STRINGS);
        seen_small += total < 1024;
        seen_big += total > (128 << 10);
        max_total = total > max_total ? total : max_total;
    }
    CHECK(seen_small > 20 && seen_big > 10);
    CHECK(max_total <= (256 << 10) + SW_XGEN_MAX_STRINGS * 10);
}

static void no_children_left(void)
{
    errno = 0;
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
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
    no_children_left();
}

static void clean_runs(void)
{
    run_clean(NULL);
    static const char *const self[] = {"child=self", NULL};
    run_clean(self);
    static const char *const helper[] = {"child=helper", "spawn=vfork", NULL};
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
    no_children_left();
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
    CHECK(strstr(d.msg, "posix_spawn|vfork|clone") != NULL);
}

int main(int argc, char **argv)
{
    if (!getenv("STRESSWSL_BIN"))
        SW_SKIP("STRESSWSL_BIN is not set (run through ctest)");
    static const struct sw_test_case cases[] = {
        {"generator_and_check", generator_and_check}, {"generator_varies", generator_varies},
        {"clean_runs", clean_runs}, {"injected_corruption", injected_corruption},
        {"missing_program", missing_program}, {"budget_hooks", budget_hooks}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
