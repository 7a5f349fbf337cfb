/* The exit classifier by a table: wait status and what the worker's crash handler left -> the exit
 * words in worker_results and the events recorded (type, severity, CPU, text). */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "core/exit_classify.h"
#include "core/workload.h"
#include "tests/harness/check.h"

#define EXITED(c) ((c) << 8)
#define KILLED(s) (s)

struct expect_ev {
    enum sw_ev_type type;
    enum sw_sev sev;
    int cpu, node;
    const char *what, *text;   /* text: a part it must contain */
};

struct row {
    const char *name;
    int wstatus;
    bool ours;
    struct sw_exit_fault fault;
    const char *desc;
    int nev;
    struct expect_ev ev[SW_EXIT_MAX_EVENTS];
};

static const struct sw_exit_fault none = {0, 0, 0, -1, 0, 0, 0};
static const struct sw_exit_fault segv_at = {1, SIGSEGV, 1 /* SEGV_MAPERR */, 3, 0, 0xdead0, 0x401000};
static const struct sw_exit_fault segv_sent = {1, SIGSEGV, 0 /* SI_USER */, 3, 777, 0, 0};

static const struct row rows[] = {
    {"clean exit", EXITED(0), false, none, "ok", 0, {{0}}},
    {"clean exit after a stop", EXITED(0), true, none, "ok", 0, {{0}}},
    {"fault that did not repeat", EXITED(0), false, segv_at, "ok", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, 3, -1, "SIGSEGV", "caught SIGSEGV at 0xdead0 on CPU 3 that did not repeat"}}},
    {"out of resources", EXITED(SW_WL_NORESOURCE), false, none, "status 3", 1,
     {{SW_EV_RESOURCE, SW_SEV_WARN, -1, 1, "noresource", "could not get the memory or processes"}}},
    {"harness bug", EXITED(SW_WL_HARNESS), false, none, "status 4", 1,
     {{SW_EV_WORKER_EXIT, SW_SEV_WARN, -1, 1, "harness", "internal error of the workload (status 4)"}}},
    {"unexpected status", EXITED(7), false, none, "status 7", 1,
     {{SW_EV_WORKER_EXIT, SW_SEV_ERROR, 5, -1, "status 7", "pid 4242 exited with unexpected status 7"}}},
    {"transient fault then bad status", EXITED(9), false, segv_at, "status 9", 2,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, 3, -1, "SIGSEGV", "a transient fault"},
      {SW_EV_WORKER_EXIT, SW_SEV_ERROR, 5, -1, "status 9", "unexpected status 9"}}},
    {"our SIGTERM", KILLED(SIGTERM), true, none, "signal SIGTERM", 1,
     {{SW_EV_NOTE, SW_SEV_INFO, -1, 1, "SIGTERM", "did not stop in time and got SIGTERM"}}},
    {"our SIGKILL", KILLED(SIGKILL), true, none, "signal SIGKILL", 1,
     {{SW_EV_NOTE, SW_SEV_INFO, -1, 1, "SIGKILL", "did not stop in time and got SIGKILL"}}},
    {"SIGKILL from outside", KILLED(SIGKILL), false, none, "signal SIGKILL", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_WARN, 5, 1, "SIGKILL", "from outside stresswsl (the OOM killer or a user)"}}},
    {"SIGTERM from outside", KILLED(SIGTERM), false, none, "signal SIGTERM", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_WARN, 5, 1, "SIGTERM", "killed by SIGTERM (last on CPU 5)"}}},
    {"a fault during a stop is still a fault", KILLED(SIGSEGV), true, segv_at, "signal SIGSEGV", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, 3, 1, "SIGSEGV", "killed by SIGSEGV at 0xdead0 ip 0x401000 on CPU 3"}}},
    {"CPU fault", KILLED(SIGSEGV), false, segv_at, "signal SIGSEGV", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, 3, 1, "SIGSEGV", "pid 4242 killed by SIGSEGV at 0xdead0"}}},
    {"SIGSEGV sent by kill", KILLED(SIGSEGV), false, segv_sent, "signal SIGSEGV", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, 3, 1, "SIGSEGV", "sent by pid 777 (not a CPU fault)"}}},
    {"SIGBUS without the handler's record", KILLED(SIGBUS), false, none, "signal SIGBUS", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, 5, 1, "SIGBUS", "killed by SIGBUS (last on CPU 5)"}}},
    {"handler record for another signal", KILLED(SIGABRT), false, segv_at, "signal SIGABRT", 1,
     {{SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, 5, 1, "SIGABRT", "killed by SIGABRT (last on CPU 5)"}}},
};

static void table(void)
{
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const struct row *t = &rows[k];
        struct sw_exit_input in = {.wstatus = t->wstatus, .stopped_by_us = t->ours, .fault = t->fault, .cpu_last = 5,
                                   .worker = 2, .workload_id = 6, .phase = 1, .mem_node = 1, .pid = 4242,
                                   .name = "memory", .t_ns = 99};
        struct sw_exit_outcome out;
        sw_exit_classify(&in, &out);
        CHECK_MSG(!strcmp(out.desc, t->desc), "%s: exit '%s', want '%s'", t->name, out.desc, t->desc);
        CHECK_MSG(out.nev == t->nev, "%s: %d events, want %d", t->name, out.nev, t->nev);
        for (int i = 0; i < out.nev && i < t->nev; i++) {
            const struct sw_event *ev = &out.ev[i];
            const struct expect_ev *x = &t->ev[i];
            CHECK_MSG(ev->type == x->type && ev->sev == x->sev, "%s: event %d type %d sev %d, want %d %d", t->name, i,
                      ev->type, ev->sev, x->type, x->sev);
            CHECK_MSG(ev->cpu == x->cpu && ev->node == x->node, "%s: event %d cpu %d node %d, want %d %d", t->name, i,
                      ev->cpu, ev->node, x->cpu, x->node);
            CHECK_MSG(!strcmp(ev->what, x->what), "%s: what '%s', want '%s'", t->name, ev->what, x->what);
            CHECK_MSG(strstr(ev->text, x->text) != NULL, "%s: text '%s' lacks '%s'", t->name, ev->text, x->text);
            CHECK_MSG(strstr(ev->text, "worker 2 (memory)") != NULL, "%s: text '%s' does not name the worker",
                      t->name, ev->text);
            CHECK_MSG(ev->worker == 2 && ev->workload == 6 && ev->phase == 1 && ev->pid == 4242 && ev->t_ns == 99,
                      "%s: event %d does not carry the worker's identity", t->name, i);
        }
    }
}

/* The handler's details reach the event's fault record; an exit status lands in u.fault.status. */
static void fault_details(void)
{
    struct sw_exit_input in = {.wstatus = KILLED(SIGSEGV), .fault = segv_at, .cpu_last = 5, .worker = 0, .pid = 10,
                               .name = "x"};
    struct sw_exit_outcome out;
    sw_exit_classify(&in, &out);
    CHECK_INT(out.nev, 1);
    CHECK_INT(out.ev[0].u.fault.signo, SIGSEGV);
    CHECK_INT(out.ev[0].u.fault.code, 1);
    CHECK(out.ev[0].u.fault.addr == 0xdead0 && out.ev[0].u.fault.ip == 0x401000);
    in.wstatus = EXITED(12);
    in.fault = none;
    sw_exit_classify(&in, &out);
    CHECK_INT(out.nev, 1);
    CHECK_INT(out.ev[0].u.fault.status, 12);
    /* a status that is neither an exit nor a kill (stopped) is an unexpected status -1 */
    in.wstatus = 0x137f;   /* WIFSTOPPED, SIGSTOP */
    sw_exit_classify(&in, &out);
    CHECK_STR(out.desc, "status -1");
    CHECK_INT(out.ev[0].type, SW_EV_WORKER_EXIT);
}

static void fault_signals(void)
{
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        CHECK_MSG(sw_exit_is_fault_signal(faults[i]), "signal %d is a fault", faults[i]);
    CHECK(!sw_exit_is_fault_signal(SIGTERM));
    CHECK(!sw_exit_is_fault_signal(SIGKILL));
    CHECK(!sw_exit_is_fault_signal(SIGINT));
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"table", table}, {"fault_details", fault_details}, {"fault_signals", fault_signals}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
