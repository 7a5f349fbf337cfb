/* stress/task_probe: the state of a child that does not end, read from /proc. A vfork parent waits
 * killably, which /proc shows as D: a real D-state task without a kernel bug. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stress/task_probe.h"
#include "tests/harness/check.h"

static void msleep(unsigned ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

static void states(void)
{
    pid_t p = fork();
    if (p == 0) {
        pause();
        _exit(0);
    }
    msleep(50);
    CHECK(sw_task_state(p) == 'S');
    kill(p, SIGSTOP);
    msleep(50);
    CHECK(sw_task_state(p) == 'T');
    char d[160];
    sw_task_describe(p, d, sizeof d);
    CHECK_MSG(strncmp(d, "state T", 7) == 0, "%s", d);
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
    CHECK(sw_task_state(p) == 0);
    sw_task_describe(p, d, sizeof d);
    CHECK_STR(d, "gone");
}

static void d_state_with_wchan(void)
{
    pid_t p = fork();
    if (p == 0) {
        if (vfork() == 0) {
            sleep(2);   /* the vfork parent (p) waits in D meanwhile */
            _exit(0);
        }
        _exit(0);
    }
    msleep(200);
    char d[160];
    sw_task_describe(p, d, sizeof d);
    printf("  %s\n", d);
    CHECK(sw_task_state(p) == 'D');
    CHECK_MSG(strncmp(d, "state D", 7) == 0, "%s", d);
    if (getuid() == 0)   /* the kernel stack is readable by root only */
        CHECK_MSG(strstr(d, "stack: ") != NULL, "%s", d);
    kill(p, SIGKILL);
    waitpid(p, NULL, 0);
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
        ;
}

/* The worker's own pauses (the runner's duty cycle stops its whole group) are measured, short gaps not. */
static void paused(void)
{
    uint64_t last = 0;
    CHECK(sw_paused_ns(&last) == 0);   /* the first look */
    msleep(20);
    CHECK(sw_paused_ns(&last) == 0);
    msleep(150);
    uint64_t p = sw_paused_ns(&last);
    CHECK_MSG(p >= 150000000ull && p < 5000000000ull, "%llu ns", (unsigned long long)p);
    CHECK(sw_paused_ns(&last) == 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"sleeping, stopped, gone", states},
        {"a task in D state: wchan and stack", d_state_with_wchan},
        {"pauses of the worker itself", paused},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
