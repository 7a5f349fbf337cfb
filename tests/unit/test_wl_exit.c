/* The `exit` workload in-process, short: every kind of ending happens and is verified, every wait
 * method reaps some, nothing is left behind; a family ending with another status than it was given
 * is reported as exactly that; the exec'd checker tells alone-with-the-same-pid from anything else. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress/exit_family.h"
#include "stress/helper_path.h"
#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

static struct sw_wlh_result res;

/* The number after "<n> name" in the summary note, or -1. */
static long count_of(const char *text, const char *name)
{
    const char *p = strstr(text, name);
    if (!p || p == text)
        return -1;
    while (p > text && p[-1] == ' ')
        p--;
    while (p > text && p[-1] >= '0' && p[-1] <= '9')
        p--;
    return strtol(p, NULL, 10);
}

static const char *const kinds[] = {"main-thread-exit", "exit-group", "exec-from-thread", "vfork-exit", "orphan",
                                    "killed"};

/* Runs until every kind of ending and every wait method has been verified (a loaded or sanitized
 * build is slow: up to 6 runs of 1.5 s), each run clean and leaving nothing behind. */
static void clean(void)
{
    long seen[6] = {0};
    unsigned how[3] = {0};
    bool exec = getenv("STRESSWSL_BIN") != NULL, all = false;
    for (int run = 0; run < 6 && !all; run++) {
        const char *params[] = {"threads=3", NULL};
        CHECK(sw_wlh_run("exit", params, 1500, 0, 0, &res) == 0);
        CHECK_MSG(res.rc == SW_WL_OK, "rc %d (%s)", res.rc, res.diag);
        CHECK_INT(res.errors, 0);
        sw_wlh_print_errors(&res);
        CHECK(res.ops > 0);
        CHECK(sw_wlh_no_children());   /* orphans came back to us and were reaped: none left */
        const struct sw_event *s = sw_wlh_find_text(&res, "exit: verified");
        CHECK(s != NULL);
        if (!s)
            return;
        printf("  %s (%llu tasks in 1.5 s)\n", s->text, (unsigned long long)res.ops);
        for (int i = 0; i < 6; i++)
            seen[i] += count_of(s->text, kinds[i]);
        const char *w = strstr(s->text, "waitpid ");
        unsigned a = 0, b = 0, c = 0;
        CHECK(w && sscanf(w, "waitpid %u/%u/%u", &a, &b, &c) == 3);
        how[0] += a, how[1] += b, how[2] += c;
        all = how[0] && how[1] && how[2];
        for (int i = 0; i < 6; i++)
            all &= seen[i] > 0 || (i == 2 && !exec);
    }
    for (int i = 0; i < 6; i++)
        CHECK_MSG(seen[i] > 0 || (i == 2 && !exec), "no %s verified", kinds[i]);
    CHECK(how[0] > 0 && how[1] > 0 && how[2] > 0);
}

static void wrong_status(void)
{
    CHECK(sw_wlh_run("exit", NULL, 800, 0, SW_INJ_WRONG, &res) == 0);
    const struct sw_event *e = sw_wlh_the_injected(&res, SW_EV_VERIFY_ERROR);
    if (!e)
        return;
    CHECK_STR(e->what, "exit-status");
    CHECK(e->u.verify.got == (e->u.verify.want ^ 1));
    CHECK(sw_wlh_no_children());
}

static void *sleeper(void *arg)
{
    (void)arg;
    pause();
    return NULL;
}

/* Runs sw_exit_exec_main in a forked child (optionally with a second thread); returns its status. */
static int exec_check(long pid_delta, bool extra_thread)
{
    pid_t p = fork();
    if (p == 0) {
        pthread_t t;
        if (extra_thread)
            pthread_create(&t, NULL, sleeper, NULL);
        char pid[24];
        snprintf(pid, sizeof pid, "%ld", (long)getpid() + pid_delta);
        char *argv[] = {(char *)"exit", pid, (char *)"42", NULL};
        _exit(sw_exit_exec_main(3, argv));
    }
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void exec_checker(void)
{
    CHECK_INT(exec_check(0, false), 42);
    CHECK_INT(exec_check(1, false), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(exec_check(0, true), SW_EXIT_CODE_MISMATCH);
}

/* A fake status file read in pieces of a given size (1 byte, odd sizes, whole pages). */
static const char *fake_text;
static size_t fake_len, fake_pos, fake_piece;

static long fake_read(long fd, char *buf, long n)
{
    (void)fd;
    size_t k = fake_len - fake_pos;
    if (k > fake_piece)
        k = fake_piece;
    if (k > (size_t)n)
        k = (size_t)n;
    memcpy(buf, fake_text + fake_pos, k);
    fake_pos += k;
    return (long)k;
}

/* The Threads line is found however long the lines before it are (a Groups line of 60000 groups) and
 * however the reads cut the text, and is not found when it is not there. */
static void threads_line_streamed(void)
{
    static char text[600000];
    static const size_t pieces[] = {1, 7, 47, 48, 49, 4095, 4096, 100000};
    for (int big = 0; big < 2; big++) {
        int n = snprintf(text, sizeof text, "Name:\tx\nGroups:\t");
        for (int g = 0; big && g < 60000; g++)
            n += snprintf(text + n, sizeof text - (size_t)n, "%d ", 100000 + g);
        n += snprintf(text + n, sizeof text - (size_t)n, "\nThreads:\t1\nSigQ:\t0/1\n");
        for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
            char line[64];
            fake_text = text, fake_len = (size_t)n, fake_pos = 0, fake_piece = pieces[i];
            CHECK_INT(sw_exit_threads_line(0, fake_read, line, sizeof line), 0);
            CHECK_MSG(strcmp(line, "\nThreads:\t1\n") == 0, "pieces of %zu: '%s'", pieces[i], line);
            CHECK_INT(sw_exit_check("77", "42", 77, line), 42);
        }
        /* cut right after the key: the number is not there, and that is not one thread */
        char *cut = strstr(text, "Threads:") + 8;
        char line[64];
        fake_text = text, fake_len = (size_t)(cut - text), fake_pos = 0, fake_piece = 4096;
        CHECK_INT(sw_exit_threads_line(0, fake_read, line, sizeof line), 0);
        CHECK_INT(sw_exit_check("77", "42", 77, line), SW_EXIT_CODE_MISMATCH);
    }
    /* the key and its number across the end of the first 4 KiB window, at every offset */
    for (int pad = 4040; pad < 4110; pad++) {
        int n = snprintf(text, sizeof text, "Name:\t%*s\nThreads:\t1\nSigQ:\t0/1\n", pad, "x");
        char line[64];
        fake_text = text, fake_len = (size_t)n, fake_pos = 0, fake_piece = 4096;
        CHECK_MSG(sw_exit_threads_line(0, fake_read, line, sizeof line) == 0 && strcmp(line, "\nThreads:\t1\n") == 0,
                  "key at %d", pad + 6);
    }
    char line[64];
    fake_text = "Name:\tx\nSigQ:\t0/1\n", fake_len = strlen(fake_text), fake_pos = 0, fake_piece = 3;
    CHECK_INT(sw_exit_threads_line(0, fake_read, line, sizeof line), -1);
}

/* The check itself, on /proc/self/status texts: one thread and the same pid, nothing else. */
static void exit_check_texts(void)
{
    const char *one = "Name:\tx\nTgid:\t77\nThreads:\t1\nSigQ:\t0/1\n";
    CHECK_INT(sw_exit_check("77", "42", 77, one), 42);
    CHECK_INT(sw_exit_check("77", "0", 77, one), 0);
    CHECK_INT(sw_exit_check("77", "42", 78, one), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(sw_exit_check("77", "42", 77, "Name:\tx\nThreads:\t2\n"), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(sw_exit_check("77", "42", 77, "Name:\tx\nThreads:\t12\n"), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(sw_exit_check("77", "42", 77, NULL), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(sw_exit_check("77", "42", 77, "Name:\tx\n"), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(sw_exit_check("77", "256", 77, one), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(sw_exit_check("77x", "42", 77, one), SW_EXIT_CODE_MISMATCH);
    CHECK_INT(sw_exit_check("", "42", 77, one), SW_EXIT_CODE_MISMATCH);
    char *good[] = {(char *)"h", (char *)"exit", (char *)"1", (char *)"2", NULL};
    char *other[] = {(char *)"h", (char *)"exitx", (char *)"1", (char *)"2", NULL};
    CHECK(sw_exit_check_mode(4, good) && !sw_exit_check_mode(3, good) && !sw_exit_check_mode(4, other));
}

/* The tiny helper, exec'd as the workload does, from a non-main thread of a process with siblings:
 * it reports the code when it took over the pid alone, the mismatch when the pid is not its own. */
static void *exec_helper_thread(void *arg)
{
    execve(((char **)arg)[0], (char **)arg, (char *[]){NULL});
    _exit(99);
}

static int helper_exec(const char *helper, long pid_delta)
{
    pid_t p = fork();
    if (p == 0) {
        pthread_t s, t;
        pthread_create(&s, NULL, sleeper, NULL);
        char pid[24];
        snprintf(pid, sizeof pid, "%ld", (long)getpid() + pid_delta);
        char *argv[] = {(char *)helper, (char *)"exit", pid, (char *)"42", NULL};
        pthread_create(&t, NULL, exec_helper_thread, argv);
        pause();
        _exit(98);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void helper_checker(void)
{
    const char *bin = getenv("STRESSWSL_BIN");
    char helper[4096];
    if (!bin || !sw_helper_path(bin, helper, sizeof helper))
        SW_SKIP("no stresswsl-exec-child next to STRESSWSL_BIN (run through ctest)");
    CHECK_INT(helper_exec(helper, 0), 42);
    CHECK_INT(helper_exec(helper, 1), SW_EXIT_CODE_MISMATCH);
}

static void ignore_usr1(int sig)
{
    (void)sig;
}

/* A family resets what the worker changed (its crash handlers must not run in a family): with the
 * worker's SIGUSR1 handler noted by sw_exit_family_prepare, the family dies of SIGUSR1 instead of
 * running that handler and exiting with its code. */
static void family_resets_worker_signals(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ignore_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, &old);
    sw_exit_family_prepare();
    int park[2];
    CHECK(pipe(park) == 0);
    struct sw_exit_slot slot = {0};
    struct sw_exit_plan p = {.kind = SW_EXIT_GROUP, .code = 42, .threads = 2, .delay_us = 400000, .park_fd = park[0],
                             .self_exe = "", .slot = &slot};
    pid_t pid = fork();
    if (pid == 0)
        sw_exit_family(&p);
    usleep(100000);
    kill(pid, SIGUSR1);
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "status 0x%x: the worker's handler ran in the family", st);
    sigaction(SIGUSR1, &old, NULL);
    close(park[0]);
    close(park[1]);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"clean: every ending verified, every wait method, nothing left", clean},
        {"a wrong exit status is found", wrong_status},
        {"the exec'd checker: alone, same pid", exec_checker},
        {"the check on status texts", exit_check_texts},
        {"the Threads line found after long lines, however read", threads_line_streamed},
        {"the helper exec'd from a thread: alone, same pid", helper_checker},
        {"a family resets the worker's signal handlers", family_resets_worker_signals},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
