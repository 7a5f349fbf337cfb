/* The `io_uring` workload in-process, short: clean runs check many completions and find nothing,
 * every child is reaped; one completion's result changed in the CQ ring is found as exactly that;
 * where io_uring_setup is refused (a seccomp filter here, as Docker's profile does) the workload
 * says why and the runner skips it without an error. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress/uring_child.h"
#include "core/exitcode.h"
#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

static struct sw_wlh_result res;

static bool available(void)
{
    char why[200];
    if (sw_uring_supported(why, sizeof why))
        return true;
    printf("  io_uring is not available here (%s): nothing to run\n", why);
    return false;
}

static void clean(void)
{
    if (!available())
        return;
    const char *params[] = {"processes=6", "group=3", "life_ms=10", NULL};
    CHECK(sw_wlh_run("io_uring", params, 1500, 0, 0, &res) == 0);
    CHECK_MSG(res.rc == SW_WL_OK, "rc %d (%s)", res.rc, res.diag);
    CHECK_INT(res.errors, 0);
    sw_wlh_print_errors(&res);
    CHECK(res.ops > 10);
    CHECK(sw_wlh_no_children());
    const struct sw_event *s = sw_wlh_find_text(&res, "io_uring: ");
    unsigned long long rings = 0, done = 0, pending = 0, stops = 0;
    unsigned e[4] = {0};
    CHECK(s && sscanf(s->text, "io_uring: %llu rings up and down, %llu completions verified, %llu pending at teardown, "
                               "%llu group stops, exit/close/thread/kill %u/%u/%u/%u",
                      &rings, &done, &pending, &stops, &e[0], &e[1], &e[2], &e[3]) == 8);
    if (s)
        printf("  %s\n", s->text);
    CHECK(rings == res.ops && done > rings && pending > 0 && stops > 0);
    for (int i = 0; i < 4; i++)
        CHECK_MSG(e[i] > 0, "no child ended the way %d", i);
}

static void wrong_completion(void)
{
    if (!available())
        return;
    const char *params[] = {"processes=4", NULL};
    CHECK(sw_wlh_run("io_uring", params, 800, 0, SW_INJ_WRONG, &res) == 0);
    const struct sw_event *e = sw_wlh_the_injected(&res, SW_EV_VERIFY_ERROR);
    if (!e)
        return;
    CHECK_STR(e->what, "io_uring-cqe");
    CHECK(e->u.verify.want == 0 && e->u.verify.got == 0x40 && strstr(e->text, "nop user_data 0x"));
    CHECK(sw_wlh_no_children());
}

/* Installs a filter that fails io_uring_setup with err (and allows everything else). */
static void deny_io_uring(int err)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        _exit(90);
}

/* In a child under the filter: supported() must say no, naming the cause. */
static int refused_with(int err, const char *want)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        deny_io_uring(err);
        char why[200];
        if (sw_uring_supported(why, sizeof why))
            _exit(91);
        printf("  %s -> %s\n", strerrorname_np(err), why);
        fflush(stdout);
        _exit(strstr(why, want) ? 0 : 92);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void refused(void)
{
    if (!available())
        return;
    CHECK_INT(refused_with(EPERM, "seccomp"), 0);
    CHECK_INT(refused_with(ENOSYS, "no io_uring"), 0);
}

/* The whole path: stresswsl under the filter runs, notes the skip, finds nothing, and exits 6: a
 * 2-second run whose only workload was skipped tested nothing, so it is inconclusive, not a pass. */
static void runner_skips(void)
{
    const char *bin = getenv("STRESSWSL_BIN");
    if (!bin || !available())
        return;
    char dir[] = "/tmp/sw-uring-skip-XXXXXX", out[64], json[96];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(json, sizeof json, "%s/r.json", dir);
    pid_t p = fork();
    if (p == 0) {
        deny_io_uring(EPERM);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(bin, bin, "--workload", "io_uring", "--workers", "1", "--duration", "2s", "--quiet", "--out", out,
              "--json", json, (char *)NULL);
        _exit(93);
    }
    int st = 0;
    waitpid(p, &st, 0);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == SW_EXIT_INCONCLUSIVE, "stresswsl exited %d",
              WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    char buf[65536] = "";
    FILE *f = fopen(json, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    CHECK(strstr(buf, "io_uring: skipped, not available here: io_uring_setup is refused (EPERM)") != NULL);
    CHECK(strstr(buf, "\"severity\": \"error\"") == NULL);
    /* selftest says SKIP with the reason, and passes */
    char txt[96];
    snprintf(txt, sizeof txt, "%s/selftest.txt", dir);
    p = fork();
    if (p == 0) {
        deny_io_uring(EPERM);
        int o = open(txt, O_WRONLY | O_CREAT | O_TRUNC, 0600), null = open("/dev/null", O_WRONLY);
        dup2(o, 1);
        dup2(null, 2);
        execl(bin, bin, "selftest", "--workload", "io_uring", (char *)NULL);
        _exit(93);
    }
    waitpid(p, &st, 0);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "selftest exited %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    f = fopen(txt, "r");
    buf[0] = '\0';
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    CHECK_MSG(strstr(buf, "SKIP  io_uring/clean") && strstr(buf, "skipped, not available here: io_uring_setup is refused") &&
                  strstr(buf, "SKIP  io_uring/wrong") && strstr(buf, "2 of 2 cases passed"),
              "%s", buf);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"clean: completions checked, every ending, every child reaped", clean},
        {"a wrong completion is found", wrong_completion},
        {"refused io_uring_setup names the cause", refused},
        {"the runner skips it where io_uring is refused", runner_skips},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
