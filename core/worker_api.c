/* The hot-path API every workload reports through. Runs in worker processes, sometimes in signal
 * handlers: no allocation, no locks, no stdio. */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/workload.h"

/* Publishing every call would put a shared-cache-line store on every operation; every 2 ms is fine
 * for a runner that samples once a second. */
#define SW_PUBLISH_NS 2000000ull

static int current_cpu(void)
{
    unsigned cpu = 0;
    return getcpu(&cpu, NULL) == 0 ? (int)cpu : -1;
}

bool sw_keep_going(struct sw_ctx *c)
{
    if (c->stop && atomic_load_explicit(c->stop, memory_order_relaxed))
        return false;
    uint64_t now = sw_now_mono_ns();
    if (c->deadline_ns && now >= c->deadline_ns)
        return false;
    if (c->slot && now - c->last_publish_ns >= SW_PUBLISH_NS) {
        c->last_publish_ns = now;
        sw_slot_publish(c->slot, c->ops, c->bytes, c->errors, current_cpu());
    }
    return true;
}

void sw_progress(struct sw_ctx *c, uint64_t ops, uint64_t bytes)
{
    c->ops += ops;
    c->bytes += bytes;
    uint64_t now = sw_now_mono_ns();
    if (c->slot && now - c->last_publish_ns >= SW_PUBLISH_NS) {
        c->last_publish_ns = now;
        sw_slot_publish(c->slot, c->ops, c->bytes, c->errors, current_cpu());
    }
}

static void event_init(struct sw_ctx *c, struct sw_event *ev, enum sw_ev_type type, enum sw_sev sev)
{
    memset(ev, 0, sizeof *ev);
    ev->t_ns = sw_now_real_ns();
    ev->type = (uint16_t)type;
    ev->sev = (uint8_t)sev;
    ev->worker = (int16_t)c->worker;
    ev->cpu = (int16_t)current_cpu();
    ev->node = (int16_t)c->node_planned;
    ev->workload = (int16_t)c->workload_id;
    ev->pid = (int32_t)getpid();
    ev->phase = (uint16_t)c->phase;
}

static void push_error(struct sw_ctx *c, const struct sw_event *ev)
{
    c->errors++;
    if (c->ring)
        sw_ring_push(c->ring, c->slot, ev);
    if (c->slot) /* errors must be visible at once, not at the next publish */
        sw_slot_publish(c->slot, c->ops, c->bytes, c->errors, ev->cpu);
}

void sw_report_mem_fault(struct sw_ctx *c, const struct sw_mem_fault *m)
{
    struct sw_event ev;
    event_init(c, &ev, SW_EV_MEM_ERROR, SW_SEV_ERROR);
    if (m->cpu >= 0)
        ev.cpu = (int16_t)m->cpu;
    ev.u.mem.vaddr = m->vaddr;
    ev.u.mem.paddr = (m->flags & SW_MEM_PADDR_OK) ? m->paddr : 0;
    ev.u.mem.expected = m->expected;
    ev.u.mem.actual = m->actual;
    ev.u.mem.reread = m->reread;
    ev.u.mem.width = m->width;
    ev.u.mem.flags = m->flags;
    sw_strlcpy(ev.what, m->pattern, sizeof ev.what);
    struct sw_fmt f;
    sw_fmt_init(&f, ev.text, sizeof ev.text);
    sw_fmt_str(&f, "pattern ");
    sw_fmt_str(&f, m->pattern);
    sw_fmt_str(&f, ": at ");
    sw_fmt_hex(&f, m->vaddr);
    if (m->detail) {
        sw_fmt_str(&f, " ");
        sw_fmt_str(&f, m->detail);
    } else {
        sw_fmt_str(&f, " expected ");
        sw_fmt_hex(&f, m->expected);
        sw_fmt_str(&f, " got ");
        sw_fmt_hex(&f, m->actual);
        sw_fmt_str(&f, (m->flags & SW_MEM_PERSISTENT) ? " (persistent)" : " (transient: re-read was good)");
    }
    if (m->flags & SW_MEM_PADDR_OK) {
        sw_fmt_str(&f, m->guest_phys ? " guest-physical " : " physical ");
        sw_fmt_hex(&f, m->paddr);
    }
    push_error(c, &ev);
}

void sw_report_mem_error(struct sw_ctx *c, const char *pattern, uintptr_t vaddr, uint64_t expected,
                         uint64_t actual, uint64_t reread, unsigned width, unsigned flags)
{
    struct sw_mem_fault m = {.pattern = pattern, .vaddr = vaddr, .expected = expected, .actual = actual,
                             .reread = reread, .width = width, .flags = flags & ~SW_MEM_PADDR_OK, .cpu = -1};
    sw_report_mem_fault(c, &m);
}

void sw_report_verify_error(struct sw_ctx *c, const char *unit, uint64_t want, uint64_t got, const char *detail)
{
    struct sw_event ev;
    event_init(c, &ev, SW_EV_VERIFY_ERROR, SW_SEV_ERROR);
    ev.u.verify.want = want;
    ev.u.verify.got = got;
    sw_strlcpy(ev.what, unit, sizeof ev.what);
    struct sw_fmt f;
    sw_fmt_init(&f, ev.text, sizeof ev.text);
    sw_fmt_str(&f, unit);
    sw_fmt_str(&f, ": expected ");
    sw_fmt_hex(&f, want);
    sw_fmt_str(&f, " got ");
    sw_fmt_hex(&f, got);
    if (detail && *detail) {
        sw_fmt_str(&f, " (");
        sw_fmt_str(&f, detail);
        sw_fmt_str(&f, ")");
    }
    push_error(c, &ev);
}

void sw_report_child_status(struct sw_ctx *c, const char *what, int pid, int wstatus)
{
    struct sw_event ev;
    bool sig = WIFSIGNALED(wstatus);
    event_init(c, &ev, sig ? SW_EV_WORKER_SIGNAL : SW_EV_WORKER_EXIT, SW_SEV_ERROR);
    ev.pid = pid;
    ev.cpu = -1; /* the child's CPU is not known here; the kernel's segfault line names it */
    if (sig)
        ev.u.fault.signo = WTERMSIG(wstatus);
    else
        ev.u.fault.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    sw_strlcpy(ev.what, what, sizeof ev.what);
    struct sw_fmt f;
    sw_fmt_init(&f, ev.text, sizeof ev.text);
    sw_fmt_str(&f, what);
    sw_fmt_str(&f, " pid ");
    sw_fmt_i64(&f, pid);
    if (sig) {
        sw_fmt_str(&f, " killed by signal ");
        sw_fmt_i64(&f, WTERMSIG(wstatus));
        const char *abbrev = sigabbrev_np(WTERMSIG(wstatus));
        if (abbrev) {
            sw_fmt_str(&f, " (SIG");
            sw_fmt_str(&f, abbrev);
            sw_fmt_str(&f, ")");
        }
    } else {
        sw_fmt_str(&f, " exited with status ");
        sw_fmt_i64(&f, ev.u.fault.status);
    }
    push_error(c, &ev);
}

void sw_report_task_stuck(struct sw_ctx *c, const char *what, int pid, const char *text)
{
    struct sw_event ev;
    event_init(c, &ev, SW_EV_STALL, SW_SEV_ERROR);
    ev.pid = pid;
    ev.cpu = -1;
    sw_strlcpy(ev.what, what, sizeof ev.what);
    sw_strlcpy(ev.text, text, sizeof ev.text);
    push_error(c, &ev);
}

void sw_report_note(struct sw_ctx *c, enum sw_ev_type type, enum sw_sev sev, const char *text)
{
    struct sw_event ev;
    event_init(c, &ev, type, sev);
    sw_strlcpy(ev.text, text, sizeof ev.text);
    if (c->ring)
        sw_ring_push(c->ring, c->slot, &ev);
}

bool sw_workload_skipped(struct sw_ctx *c)
{
    char why[SW_EV_TEXT - 48];
    if (!c->wl || !c->wl->supported || c->wl->supported(why, sizeof why))
        return false;
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, c->wl->name);
    sw_fmt_str(&f, ": skipped, not available here: ");
    sw_fmt_str(&f, why);
    sw_report_note(c, SW_EV_NOTE, SW_SEV_WARN, text);
    return true;
}

void sw_hold_sigterm(void)
{
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
}
