#include "stress/exit_family.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/spawn.h"

#define THREAD_STACK (64u << 10)
#define MAX_THREADS 64

static const struct sw_exit_plan *plan;
static atomic_uint started;
static atomic_int futex_word;   /* never changes: FUTEX_WAIT on it sleeps until the task dies */

static void sleep_us(unsigned us)
{
    struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* A thread that stays inside system calls until the process ends: blocked in read, blocked in a
 * futex wait, or entering and leaving cheap calls as fast as it can. */
static void park(unsigned role)
{
    char b;
    for (;;) {
        switch (role % 3) {
        case 0:
            if (read(plan->park_fd, &b, 1) <= 0)
                sleep_us(1000);
            break;
        case 1:
            syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
            break;
        default:
            syscall(SYS_getppid);
            sched_yield();
            break;
        }
    }
}

static void exec_self(void)
{
    char pid[24], code[24];
    struct sw_fmt f;
    sw_fmt_init(&f, pid, sizeof pid);
    sw_fmt_i64(&f, getpid());
    sw_fmt_init(&f, code, sizeof code);
    sw_fmt_i64(&f, plan->code);
    char *self_argv[] = {(char *)plan->self_exe, (char *)"__child", (char *)"exit", pid, code, NULL};
    char *helper_argv[] = {(char *)plan->helper, (char *)SW_EXIT_CHECK_MODE, pid, code, NULL};
    char *envp[] = {NULL};
    if (plan->helper)
        execve(plan->helper, helper_argv, envp);
    else
        execve(plan->self_exe, self_argv, envp);
    _exit(errno == EAGAIN || errno == ENOMEM ? SW_EXIT_CODE_CANNOT : SW_EXIT_CODE_NOEXEC);
}

static unsigned to_start;   /* threads start_threads() waits for */

static void *thread_main(void *arg)
{
    unsigned idx = (unsigned)(uintptr_t)arg;
    if (atomic_fetch_add(&started, 1) + 1 == to_start)
        syscall(SYS_futex, &started, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    if (idx == 0 && plan->kind == SW_EXIT_MAIN_FIRST) {
        sleep_us(plan->delay_us);
        _exit(plan->code);   /* exit_group from a thread while the main thread is already gone (no
                              * atexit handlers or stdio flushes inherited from the worker) */
    }
    if (idx == 0 && plan->kind == SW_EXIT_EXEC_THREAD) {
        sleep_us(plan->delay_us);
        exec_self();
    }
    park(idx);
    return NULL;
}

static void start_threads(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, THREAD_STACK);
    unsigned n = plan->threads < MAX_THREADS ? plan->threads : MAX_THREADS;
    if (n == 0 && (plan->kind == SW_EXIT_MAIN_FIRST || plan->kind == SW_EXIT_EXEC_THREAD))
        n = 1;   /* these kinds need the thread that ends the process */
    to_start = n;
    for (unsigned i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, &a, thread_main, (void *)(uintptr_t)i) != 0)
            _exit(SW_EXIT_CODE_CANNOT);
    }
    pthread_attr_destroy(&a);
    /* The ending must meet running threads, not threads still being created. The last one to start
     * wakes this wait (a spin here took the CPU they needed to start on a busy machine); a
     * millisecond at a time, up to a second. */
    struct timespec ms = {0, 1000000};
    unsigned now;
    for (unsigned waits = 0; (now = atomic_load(&started)) < n && waits < 1000; waits++)
        syscall(SYS_futex, &started, FUTEX_WAIT_PRIVATE, now, &ms, NULL, 0);
}

static void orphan(void)
{
    pid_t g = fork();
    if (g < 0)
        _exit(SW_EXIT_CODE_CANNOT);
    if (g == 0) {
        sleep_us(plan->delay_us);   /* by now its parent is gone: it ends re-parented */
        _exit(plan->gcode);
    }
    atomic_store(&plan->slot->gpid, g);
    _exit(plan->code);
}

static void *warm_thread(void *arg)
{
    (void)arg;
    sched_yield();
    sleep_us(1);
    syscall(SYS_getppid);
    pthread_exit(NULL);
}

void sw_exit_family_prepare(void)
{
    sw_spawn_note_signals();
    /* The dynamic linker binds a library function at its first call, in each process: a family
     * would look up pthread_create & co. through every library stresswsl links, then copy the page
     * it wrote the address to. Called once here, the forked families inherit them bound. */
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, THREAD_STACK);
    for (int i = 0; i < 2; i++)   /* the second reuses the first's stack: glibc's cached-stack path */
        if (pthread_create(&t, &a, warm_thread, NULL) == 0)
            pthread_join(t, NULL);
    pthread_attr_destroy(&a);
}

void sw_exit_family(const struct sw_exit_plan *p)
{
    /* The plan lives on the worker's stack frame; after the main thread's pthread_exit that frame
     * is dead (ASan reuses its fake stack at once), yet the remaining threads still read the plan. */
    static struct sw_exit_plan own;
    own = *p;
    plan = &own;
    sw_spawn_reset_signals();
    switch (p->kind) {
    case SW_EXIT_VFORK:
        _exit(p->code);
    case SW_EXIT_ORPHAN:
        orphan();
        break;
    case SW_EXIT_MAIN_FIRST:
        start_threads();
        pthread_exit(NULL);
    case SW_EXIT_EXEC_THREAD:
        start_threads();
        park(0);
        break;
    case SW_EXIT_GROUP:
        start_threads();
        sleep_us(p->delay_us);
        syscall(SYS_exit_group, p->code);
        break;
    case SW_EXIT_KILLED:
    default:
        start_threads();
        park(0);
        break;
    }
    _exit(SW_EXIT_CODE_CANNOT);
}

int sw_exit_exec_main(int argc, char **argv)
{
    /* _exit: nothing of a normal exit may run here (a sanitizer's leak check would fork a tracer
     * that the worker, as subreaper, could get back as a task it never made). */
    _exit(argc < 3 ? SW_EXIT_CODE_MISMATCH : sw_exit_check_self(argv[1], argv[2]));
}
