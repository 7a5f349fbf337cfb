/* The stop stages as a state machine: on a fake clock (Ctrl-C timings, a deadline's extra patience,
 * finishers' heartbeats and their cap, a second signal), and driving real forked children in their own
 * process groups: one that stops on SIGTERM, one that ignores it and needs SIGKILL. */
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/spawn.h"
#include "core/stop_stages.h"
#include "tests/harness/check.h"
#include "tests/harness/runner_harness.h"

#define T0 (1000 * SEC)   /* a clock that does not start at 0, as CLOCK_MONOTONIC does not */

/* Steps the machine at now and returns the actions. */
static unsigned at(struct sw_stop *s, uint64_t now, uint64_t *next)
{
    uint64_t n;
    unsigned act = sw_stop_step(s, now, next ? next : &n);
    return act;
}

static void ctrl_c_timings(void)
{
    struct sw_stop s = {0};
    CHECK(sw_stop_interrupt(&s, T0));
    CHECK_INT(s.stage, SW_STOP_ASKED);
    uint64_t next;
    CHECK_INT(at(&s, T0 + 100 * MS, &next), 0);
    CHECK(next == T0 + SW_STOP_TERM_NS);
    CHECK_INT(at(&s, T0 + 499 * MS, NULL), 0);
    CHECK_INT(at(&s, T0 + 500 * MS, &next), SW_STOP_DO_TERM);
    CHECK_INT(s.stage, SW_STOP_TERM_SENT);
    CHECK(next == T0 + SW_STOP_KILL_NS);
    CHECK_INT(at(&s, T0 + 799 * MS, NULL), 0);
    CHECK_INT(at(&s, T0 + 800 * MS, &next), SW_STOP_DO_KILL);
    CHECK_INT(s.stage, SW_STOP_KILL_SENT);
    CHECK(next == T0 + 900 * MS);   /* nothing more to send: look again soon */
    CHECK_INT(at(&s, T0 + 900 * MS, NULL), 0);
    CHECK(!sw_stop_gave_up(&s, T0 + 1499 * MS));
    CHECK(sw_stop_gave_up(&s, T0 + 1500 * MS));
    sw_stop_end(&s);
    CHECK_INT(s.stage, SW_STOP_NONE);
    CHECK(s.interrupted);   /* the run still ends */
}

/* A late step does both stages at once, in order. */
static void late_step_does_both(void)
{
    struct sw_stop s = {0};
    sw_stop_interrupt(&s, T0);
    CHECK_INT(at(&s, T0 + 5 * SEC, NULL), SW_STOP_DO_TERM | SW_STOP_DO_KILL);
    CHECK_INT(s.stage, SW_STOP_KILL_SENT);
}

/* At a deadline a silent worker gets 1.5 s more than on Ctrl-C before each stage. */
static void deadline_timings(void)
{
    struct sw_stop s = {0};
    CHECK(sw_stop_begin(&s, T0));
    CHECK(!sw_stop_begin(&s, T0 + SEC));   /* already under way */
    CHECK(!s.interrupted);
    CHECK_INT(at(&s, T0 + 1999 * MS, NULL), 0);
    CHECK_INT(at(&s, T0 + 2000 * MS, NULL), SW_STOP_DO_TERM);
    CHECK_INT(at(&s, T0 + 2299 * MS, NULL), 0);
    CHECK_INT(at(&s, T0 + 2300 * MS, NULL), SW_STOP_DO_KILL);
    CHECK(!sw_stop_gave_up(&s, T0 + 2999 * MS));
    CHECK(sw_stop_gave_up(&s, T0 + 3000 * MS));
}

/* Heartbeats restart the cooperative stage, but only up to the cap: an endless finisher gets SIGTERM
 * 10 s after the deadline. */
static void finishers_and_cap(void)
{
    struct sw_stop s = {0};
    sw_stop_begin(&s, T0);
    for (uint64_t t = T0 + 500 * MS; t < T0 + 4 * SEC; t += 500 * MS) {
        CHECK(sw_stop_waits_for_finishers(&s, t));
        sw_stop_heartbeat(&s, t);
        CHECK_INT(at(&s, t, NULL), 0);
    }
    /* silent from T0 + 3.5 s: SIGTERM 2 s later */
    CHECK_INT(at(&s, T0 + 5499 * MS, NULL), 0);
    CHECK_INT(at(&s, T0 + 5500 * MS, NULL), SW_STOP_DO_TERM);
    CHECK(!sw_stop_waits_for_finishers(&s, T0 + 5600 * MS));   /* SIGTERM sent: no more waiting */

    struct sw_stop e = {0};
    sw_stop_begin(&e, T0);
    uint64_t t;
    for (t = T0; t < T0 + 20 * SEC; t += 100 * MS) {
        sw_stop_heartbeat(&e, t);
        if (at(&e, t, NULL) & SW_STOP_DO_TERM)
            break;
    }
    CHECK_MSG(t == T0 + SW_STOP_FINISH_MAX_NS, "an endless finisher got SIGTERM %llu ms after the deadline",
              (unsigned long long)((t - T0) / MS));
    CHECK(!sw_stop_gave_up(&e, T0 + SW_STOP_FINISH_MAX_NS + 999 * MS));
    CHECK(sw_stop_gave_up(&e, T0 + SW_STOP_FINISH_MAX_NS + SEC));

    /* On Ctrl-C heartbeats do not extend anything. */
    struct sw_stop c = {0};
    sw_stop_interrupt(&c, T0);
    CHECK(!sw_stop_waits_for_finishers(&c, T0 + 100 * MS));
    sw_stop_heartbeat(&c, T0 + 400 * MS);
    CHECK_INT(at(&c, T0 + 500 * MS, NULL), SW_STOP_DO_TERM);
}

/* Ctrl-C during a deadline's wind-down keeps its start and drops the extra patience. */
static void interrupt_during_deadline(void)
{
    struct sw_stop s = {0};
    sw_stop_begin(&s, T0);
    CHECK_INT(at(&s, T0 + SEC, NULL), 0);
    CHECK(sw_stop_interrupt(&s, T0 + SEC));
    CHECK_INT(at(&s, T0 + SEC, NULL), SW_STOP_DO_TERM | SW_STOP_DO_KILL);
}

/* A second signal: the same one forwarded twice (within 250 ms) changes nothing; a real second one
 * asks for SIGKILL at once, and only once. */
static void second_signal(void)
{
    struct sw_stop s = {0};
    CHECK(sw_stop_interrupt(&s, T0));
    CHECK(!sw_stop_interrupt(&s, T0 + 100 * MS));
    CHECK(!s.kill_now);
    CHECK_INT(at(&s, T0 + 200 * MS, NULL), 0);
    CHECK(!sw_stop_interrupt(&s, T0 + 300 * MS));
    CHECK(s.kill_now);
    CHECK_INT(at(&s, T0 + 300 * MS, NULL), SW_STOP_DO_KILL_ALL);
    CHECK_INT(s.stage, SW_STOP_KILL_SENT);
    CHECK_INT(at(&s, T0 + 900 * MS, NULL), 0);
    sw_stop_end(&s);
    CHECK(!s.kill_now);
}

/* ---- real children ---------------------------------------------------------------------------- */

static atomic_uint *stop_word;   /* shared with the children */

/* Runs one wind-down over children like the runner's loop does; returns each one's wait status and
 * the ms from the stop to its end. */
static void drive(int (*const bodies[])(void *), int n, int *status, uint64_t *ms)
{
    pid_t pid[4];
    bool alive[4];
    for (int i = 0; i < n; i++) {
        struct sw_spawn_req req = {bodies[i], NULL, NULL, 0, getpid()};
        struct sw_diag d;
        pid[i] = sw_spawn(&req, &d);
        CHECK_MSG(pid[i] > 0, "%s", d.msg);
        alive[i] = pid[i] > 0;
        status[i] = -1;
    }
    usleep(50000);   /* let them set their dispositions */
    struct sw_stop s = {0};
    uint64_t t0 = sw_now_mono_ns();
    sw_stop_interrupt(&s, t0);
    atomic_store(stop_word, 1);
    int left = n;
    while (left > 0) {
        uint64_t now = sw_now_mono_ns();
        for (int i = 0; i < n; i++)
            if (alive[i] && waitpid(pid[i], &status[i], WNOHANG) == pid[i]) {
                alive[i] = false;
                ms[i] = (now - t0) / MS;
                left--;
            }
        if (left == 0 || sw_stop_gave_up(&s, now))
            break;
        uint64_t next;
        unsigned act = sw_stop_step(&s, now, &next);
        for (int i = 0; i < n; i++)
            if (alive[i] && (act & (SW_STOP_DO_TERM | SW_STOP_DO_KILL | SW_STOP_DO_KILL_ALL)))
                kill(-pid[i], act & SW_STOP_DO_TERM ? SIGTERM : SIGKILL);
        usleep(5000);
    }
    for (int i = 0; i < n; i++)
        if (alive[i]) {   /* not expected: clean up and fail */
            kill(-pid[i], SIGKILL);
            waitpid(pid[i], &status[i], 0);
            CHECK_MSG(false, "child %d outlived the give-up stage", i);
        }
    atomic_store(stop_word, 0);
}

static void real_children(void)
{
    stop_word = mmap(NULL, sizeof *stop_word, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(stop_word != MAP_FAILED);
    if (stop_word == MAP_FAILED)
        return;
    rh_stop_word = stop_word;
    int (*const bodies[])(void *) = {rh_child_cooperative, rh_child_sleeper, rh_child_ignores_term};
    int st[3];
    uint64_t ms[3] = {0};
    drive(bodies, 3, st, ms);
    printf("  cooperative %llu ms, SIGTERM %llu ms, SIGKILL %llu ms\n", (unsigned long long)ms[0],
           (unsigned long long)ms[1], (unsigned long long)ms[2]);
    CHECK_MSG(WIFEXITED(st[0]) && WEXITSTATUS(st[0]) == 0, "the cooperative child ended with status 0x%x", st[0]);
    CHECK_MSG(ms[0] < 500, "the cooperative child took %llu ms", (unsigned long long)ms[0]);
    CHECK_MSG(WIFSIGNALED(st[1]) && WTERMSIG(st[1]) == SIGTERM, "the sleeper ended with status 0x%x", st[1]);
    CHECK_MSG(ms[1] >= 500, "SIGTERM came after %llu ms, before its stage", (unsigned long long)ms[1]);
    CHECK_MSG(WIFSIGNALED(st[2]) && WTERMSIG(st[2]) == SIGKILL, "the TERM-ignoring child ended with 0x%x", st[2]);
    CHECK_MSG(ms[2] >= 800, "SIGKILL came after %llu ms, before its stage", (unsigned long long)ms[2]);
    munmap(stop_word, sizeof *stop_word);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"ctrl_c_timings", ctrl_c_timings},
        {"late_step_does_both", late_step_does_both},
        {"deadline_timings", deadline_timings},
        {"finishers_and_cap", finishers_and_cap},
        {"interrupt_during_deadline", interrupt_during_deadline},
        {"second_signal", second_signal},
        {"real_children", real_children},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
