/* Worker processes: own process group, clean signal state, only kept fds, parent-death SIGKILL (and
 * the getppid check behind it); the fatal-signal recorder stores the fault where the runner reads it
 * and still lets the worker die by the signal. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/crashsig.h"
#include "core/spawn.h"
#include "tests/harness/check.h"

struct probe_arg {
    int keep_fd, drop_fd;
};

/* Returns a bit per property that is wrong, so the parent can say which. */
static int probe_child(void *arg)
{
    struct probe_arg *a = arg;
    int bad = 0;
    if (getpgid(0) != getpid())
        bad |= 1;
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    if (sigismember(&cur, SIGUSR1) || sigismember(&cur, SIGCHLD))
        bad |= 2;
    struct sigaction sa;
    sigaction(SIGPIPE, NULL, &sa);
    if (sa.sa_handler != SIG_DFL)
        bad |= 4;
    if (fcntl(a->keep_fd, F_GETFD) < 0)
        bad |= 8;
    if (fcntl(a->drop_fd, F_GETFD) >= 0)
        bad |= 16;
    struct stat st, nul;
    if (fstat(0, &st) != 0 || stat("/dev/null", &nul) != 0 || st.st_rdev != nul.st_rdev)
        bad |= 32;
    return bad;
}

static void child_state_is_clean(void)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);   /* as the runner's signalfd setup does */
    struct sigaction ign = {.sa_handler = SIG_IGN}, oldpipe;
    sigaction(SIGPIPE, &ign, &oldpipe);
    int keep = open("/dev/null", O_RDONLY);
    int drop = open("/dev/null", O_RDONLY);
    struct probe_arg a = {keep, drop};
    struct sw_spawn_req req = {probe_child, &a, &keep, 1, getpid()};
    struct sw_diag d;
    pid_t pid = sw_spawn(&req, &d);
    CHECK(pid > 0);
    CHECK_INT(getpgid(pid) == pid || errno == ESRCH, 1);
    int st = 0;
    CHECK_INT(waitpid(pid, &st, 0), pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child state bits 0x%x", WEXITSTATUS(st));
    close(keep);
    close(drop);
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigaction(SIGPIPE, &oldpipe, NULL);
}

static int never_runs(void *arg)
{
    (void)arg;
    return 0;
}

static void wrong_parent_exits_at_once(void)
{
    /* runner_pid that is not our pid: the child must not run its body */
    struct sw_spawn_req req = {never_runs, NULL, NULL, 0, 1};
    struct sw_diag d;
    pid_t pid = sw_spawn(&req, &d);
    int st = 0;
    CHECK_INT(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 125);
}

static int sleeper(void *arg)
{
    int fd = *(int *)arg;   /* say "running" (past the parent-death check) */
    if (write(fd, "r", 1) != 1)
        return 4;
    for (int i = 0; i < 200; i++)
        usleep(50000);   /* 10 s at most, but the parent's death must end it long before */
    return 3;
}

static void parent_death_kills_worker(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);   /* the orphan comes to us, so we can see how it ended */
    int p[2], ready[2];
    CHECK(pipe(p) == 0 && pipe(ready) == 0);
    pid_t mid = fork();
    if (mid == 0) {   /* a stand-in runner */
        struct sw_spawn_req req = {sleeper, &ready[1], &ready[1], 1, getpid()};
        struct sw_diag d;
        pid_t w = sw_spawn(&req, &d);
        char c;
        if (read(ready[0], &c, 1) != 1 || write(p[1], &w, sizeof w) != (ssize_t)sizeof w)
            _exit(1);
        _exit(0);   /* the runner dies while its worker runs */
    }
    pid_t w = 0;
    CHECK(read(p[0], &w, sizeof w) == (ssize_t)sizeof w);
    int st;
    waitpid(mid, &st, 0);
    st = 0;
    CHECK_INT(waitpid(w, &st, 0), w);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "worker status 0x%x", st);
    close(p[0]);
    close(p[1]);
    close(ready[0]);
    close(ready[1]);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
}

struct crash_arg {
    struct sw_slot *slot;
    int how;
};

static int crasher(void *arg)
{
    struct crash_arg *a = arg;
    if (sw_crashsig_install(a->slot) != 0)
        return 9;
    /* The address comes through a volatile so the compiler cannot see (and reject) the bad store. */
    volatile uintptr_t bad = 16;
    if (a->how == 0)
        *(volatile int *)bad = 1;   /* a real fault at address 16 */
    else
        raise(SIGBUS);                        /* a sent signal: must still be fatal */
    return 0;
}

static void fault_recorded_and_fatal(void)
{
    struct sw_arena ar;
    CHECK_INT(sw_arena_create(&ar, 2, 8), 0);
    struct crash_arg a = {&ar.slots[0], 0};
    struct sw_spawn_req req = {crasher, &a, NULL, 0, getpid()};
    struct sw_diag d;
    pid_t pid = sw_spawn(&req, &d);
    int st = 0;
    CHECK_INT(waitpid(pid, &st, 0), pid);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status 0x%x", st);
    struct sw_slot *s = &ar.slots[0];
    CHECK_INT(atomic_load(&s->fault_count), 1);
    CHECK_INT(atomic_load(&s->fault_signo), SIGSEGV);
    CHECK(atomic_load(&s->fault_addr) == 16);
    CHECK(atomic_load(&s->fault_ip) != 0);
    CHECK(atomic_load(&s->fault_cpu) >= 0);

    a.slot = &ar.slots[1];
    a.how = 1;
    pid = sw_spawn(&req, &d);
    CHECK_INT(waitpid(pid, &st, 0), pid);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "status 0x%x", st);
    CHECK_INT(atomic_load(&ar.slots[1].fault_signo), SIGBUS);
    sw_arena_destroy(&ar);
}

/* A group whose only member is a zombie is dead (kill(-pgid, 0) still succeeds for it); a group with
 * a running member lives; an empty group is dead. */
static void zombie_group_is_dead(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        pause();
        _exit(0);
    }
    CHECK(pid > 0);
    if (pid <= 0)
        return;
    setpgid(pid, pid);
    CHECK(sw_group_live(pid));
    kill(pid, SIGKILL);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_INT(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);   /* dead, not collected: a zombie */
    CHECK_INT(kill(-pid, 0), 0);
    CHECK(!sw_group_live(pid));
    int st;
    CHECK_INT(waitpid(pid, &st, 0), pid);
    CHECK(!sw_group_live(pid));
}

static void ignore_sig(int sig)
{
    (void)sig;
}

/* After sw_spawn_note_signals() a child's reset covers exactly what the parent changed: a caught
 * signal and an ignored one come back to their default action (both kill the child here). */
static void noted_signals_reset(void)
{
    struct sigaction sa, old_usr2, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ignore_sig;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, &old_usr2);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, &old_hup);
    for (int which = 0; which < 2; which++) {
        pid_t pid = fork();
        if (pid == 0) {
            sw_spawn_note_signals();
            pid_t child = fork();
            if (child == 0) {
                sw_spawn_reset_signals();
                raise(which ? SIGHUP : SIGUSR2);
                _exit(0);
            }
            int st = 0;
            waitpid(child, &st, 0);
            _exit(WIFSIGNALED(st) && WTERMSIG(st) == (which ? SIGHUP : SIGUSR2) ? 0 : 1);
        }
        int st = 0;
        CHECK(waitpid(pid, &st, 0) == pid);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s was not reset", which ? "SIGHUP (ignored)" : "SIGUSR2");
    }
    sigaction(SIGUSR2, &old_usr2, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"child_state_is_clean", child_state_is_clean}, {"wrong_parent_exits_at_once", wrong_parent_exits_at_once},
        {"parent_death_kills_worker", parent_death_kills_worker}, {"fault_recorded_and_fatal", fault_recorded_and_fatal},
        {"zombie_group_is_dead", zombie_group_is_dead}, {"noted_signals_reset", noted_signals_reset},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
