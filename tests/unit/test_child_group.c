/* stress/child_group: every child reaped exactly once with its own slot and status, a child past its
 * bound reported and killed, the wind-down kills and reaps the rest and calls its hook. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "stress/child_group.h"
#include "tests/harness/check.h"

struct seen {
    int n;
    int status[SW_CHILD_GROUP_MAX];
    int count[SW_CHILD_GROUP_MAX];
    int after_kill;
};

static void on_finish(void *owner, unsigned i, int wstatus)
{
    struct seen *s = owner;
    s->n++;
    s->status[i] = wstatus;
    s->count[i]++;
}

static void on_after_kill(void *owner)
{
    ((struct seen *)owner)->after_kill++;
}

static pid_t child(int code, unsigned sleep_ms)
{
    pid_t pid = fork();
    if (pid == 0) {
        usleep(sleep_ms * 1000u);
        _exit(code);
    }
    return pid;
}

static void group_lifecycle(void)
{
    struct sw_arena a;
    CHECK_INT(sw_arena_create(&a, 1, 1024), 0);
    static const atomic_uint no_stop = 0;
    struct sw_ctx *c = calloc(1, sizeof *c);
    c->slot = &a.slots[0];
    c->ring = sw_arena_ring(&a, 0);
    c->stop = &no_stop;
    c->cpu_planned = c->node_planned = -1;
    struct seen s = {0};
    struct sw_child_group g;
    sw_children_init(&g, c, "test child", 4, on_finish, &s);
    uint64_t now = sw_now_mono_ns();
    sw_children_add(&g, 0, child(7, 0), now + 1000000000ull);
    sw_children_add(&g, 1, child(0, 60000), now);   /* overstays: its end is now */
    sw_children_add(&g, 3, child(0, 0), now + 1000000000ull);
    CHECK_INT(g.live, 3);
    for (int t = 0; t < 2000 && g.live > 1; t++) {
        usleep(1000);
        sw_children_reap(&g);
    }
    CHECK_INT(g.live, 1);
    CHECK(WIFEXITED(s.status[0]) && WEXITSTATUS(s.status[0]) == 7);
    CHECK(WIFEXITED(s.status[3]) && WEXITSTATUS(s.status[3]) == 0);
    CHECK(g.k[0].pid == 0 && g.k[3].pid == 0 && g.k[1].pid > 0);
    /* Past its bound: reported once (a stall event naming it) and killed. */
    sw_children_check(&g, sw_now_mono_ns() + 5000000ull, 1);
    sw_children_check(&g, sw_now_mono_ns() + 5000000ull, 1);
    CHECK(g.k[1].killed && g.k[1].stuck_reported);
    struct sw_event ev[16];
    size_t ne = sw_ring_drain(c->ring, ev, 16);
    int stalls = 0;
    for (size_t i = 0; i < ne; i++)
        stalls += ev[i].type == SW_EV_STALL;
    CHECK_INT(stalls, 1);
    /* The wind-down reaps it (killed: SIGKILL) and calls the hook once. */
    sw_children_drain(&g, 5000, "test wind-down", on_after_kill);
    CHECK_INT(g.live, 0);
    CHECK(WIFSIGNALED(s.status[1]) && WTERMSIG(s.status[1]) == SIGKILL);
    CHECK_INT(s.after_kill, 1);
    CHECK_INT(s.n, 3);
    CHECK(s.count[0] == 1 && s.count[1] == 1 && s.count[3] == 1 && s.count[2] == 0);
    int st;
    CHECK(waitpid(-1, &st, WNOHANG) < 0);   /* no child left */
    /* A wind-down with live children kills them at once (they would sleep a minute). */
    sw_children_add(&g, 2, child(0, 60000), sw_now_mono_ns() + 60000000000ull);
    uint64_t t0 = sw_now_mono_ns();
    sw_children_drain(&g, 5000, "test wind-down", NULL);
    CHECK_INT(g.live, 0);
    CHECK(sw_now_mono_ns() - t0 < 4000000000ull);
    CHECK(WIFSIGNALED(s.status[2]) && WTERMSIG(s.status[2]) == SIGKILL);
    free(c);
    sw_arena_destroy(&a);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"group_lifecycle", group_lifecycle}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
