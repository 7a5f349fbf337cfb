/* How a worker ended, in words and events (see core/exit_classify.h). The texts are what users read
 * in the report: keep them stable. */
#include "core/exit_classify.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "core/fmt.h"
#include "core/workload.h"

bool sw_exit_is_fault_signal(int s)
{
    return s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE || s == SIGABRT || s == SIGTRAP || s == SIGSYS;
}

/* A new event naming the worker; with_node: also its memory node (the texts' events do, the fault
 * records without the handler's help do not, as they always have). */
static struct sw_event *add_event(const struct sw_exit_input *in, struct sw_exit_outcome *out, enum sw_ev_type type,
                                  enum sw_sev sev, bool with_node)
{
    struct sw_event *ev = &out->ev[out->nev++];
    memset(ev, 0, sizeof *ev);
    ev->t_ns = in->t_ns;
    ev->type = (uint16_t)type;
    ev->sev = (uint8_t)sev;
    ev->cpu = -1;
    ev->worker = (int16_t)in->worker;
    ev->workload = (int16_t)in->workload_id;
    ev->phase = (uint16_t)in->phase;
    ev->pid = in->pid;
    ev->node = (int16_t)(with_node ? in->mem_node : -1);
    return ev;
}

static void killed(const struct sw_exit_input *in, struct sw_exit_outcome *out, int sig)
{
    char sb[32];
    sw_signal_name(sig, sb, sizeof sb);
    snprintf(out->desc, sizeof out->desc, "signal %s", sb);
    if (in->stopped_by_us && (sig == SIGTERM || sig == SIGKILL)) {
        struct sw_event *ev = add_event(in, out, SW_EV_NOTE, SW_SEV_INFO, true);
        sw_strlcpy(ev->what, sb, sizeof ev->what);
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) did not stop in time and got %s", in->worker, in->name, sb);
        return;
    }
    struct sw_event *ev =
        add_event(in, out, SW_EV_WORKER_SIGNAL, sw_exit_is_fault_signal(sig) ? SW_SEV_ERROR : SW_SEV_WARN, true);
    ev->u.fault.signo = sig;
    ev->cpu = (int16_t)in->cpu_last;
    bool have_fault = in->fault.count > 0 && in->fault.signo == sig;
    if (have_fault) {
        ev->u.fault.code = in->fault.code;
        ev->u.fault.addr = in->fault.addr;
        ev->u.fault.ip = in->fault.ip;
        ev->cpu = (int16_t)in->fault.cpu;
    }
    sw_strlcpy(ev->what, sb, sizeof ev->what);
    int pid = (int)in->pid;
    if (have_fault && ev->u.fault.code <= 0)
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) pid %d killed by %s sent by pid %d (not a CPU fault)",
                 in->worker, in->name, pid, sb, in->fault.sender);
    else if (have_fault)
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) pid %d killed by %s at 0x%" PRIx64 " ip 0x%" PRIx64
                 " on CPU %d", in->worker, in->name, pid, sb, ev->u.fault.addr, ev->u.fault.ip, ev->cpu);
    else if (sig == SIGKILL)
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) pid %d killed by SIGKILL from outside stresswsl "
                 "(the OOM killer or a user)", in->worker, in->name, pid);
    else
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) pid %d killed by %s (last on CPU %d)", in->worker, in->name,
                 pid, sb, ev->cpu);
}

static void exited(const struct sw_exit_input *in, struct sw_exit_outcome *out, int code)
{
    snprintf(out->desc, sizeof out->desc, code == 0 ? "ok" : "status %d", code);
    if (in->fault.count > 0) {
        /* The handler ran but re-executing the instruction did not fault again: transient. */
        struct sw_event *ev = add_event(in, out, SW_EV_WORKER_SIGNAL, SW_SEV_ERROR, false);
        ev->u.fault.signo = in->fault.signo;
        ev->u.fault.code = in->fault.code;
        ev->u.fault.addr = in->fault.addr;
        ev->u.fault.ip = in->fault.ip;
        ev->cpu = (int16_t)in->fault.cpu;
        char sb[32];
        sw_signal_name(ev->u.fault.signo, sb, sizeof sb);
        sw_strlcpy(ev->what, sb, sizeof ev->what);
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) caught %s at 0x%" PRIx64 " on CPU %d that did not repeat: "
                 "a transient fault", in->worker, in->name, sb, ev->u.fault.addr, ev->cpu);
    }
    if (code == SW_WL_OK)
        return;
    struct sw_event *ev;
    if (code == SW_WL_NORESOURCE) {
        ev = add_event(in, out, SW_EV_RESOURCE, SW_SEV_WARN, true);
        sw_strlcpy(ev->what, "noresource", sizeof ev->what);
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) could not get the memory or processes it needs and stopped",
                 in->worker, in->name);
    } else if (code == SW_WL_HARNESS) {
        ev = add_event(in, out, SW_EV_WORKER_EXIT, SW_SEV_WARN, true);
        sw_strlcpy(ev->what, "harness", sizeof ev->what);
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) stopped on an internal error of the workload (status 4)",
                 in->worker, in->name);
    } else {
        ev = add_event(in, out, SW_EV_WORKER_EXIT, SW_SEV_ERROR, false);
        ev->cpu = (int16_t)in->cpu_last;
        ev->u.fault.status = code;
        snprintf(ev->what, sizeof ev->what, "status %d", code);
        snprintf(ev->text, sizeof ev->text, "worker %d (%s) pid %d exited with unexpected status %d", in->worker,
                 in->name, (int)in->pid, code);
    }
}

void sw_exit_classify(const struct sw_exit_input *in, struct sw_exit_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (WIFSIGNALED(in->wstatus))
        killed(in, out, WTERMSIG(in->wstatus));
    else
        exited(in, out, WIFEXITED(in->wstatus) ? WEXITSTATUS(in->wstatus) : -1);
}
