/* GPU faults (kind `gpu_fault`, docs/report-schema.md): the GPU drivers' own reports, with a `what` the
 * rules use:
 *   NVIDIA     "NVRM: Xid (PCI:0000:01:00): 79, pid=1234, GPU has fallen off the bus." The Xid number is
 *              NVIDIA's error catalog: 48/63/64/92/94/95 the card's memory (ECC, retired or remapped rows),
 *              79 the card gone from PCIe, 74 NVLink, 13/31/43/69 a program's GPU work faulting, the rest
 *              hangs and driver or firmware errors; 45 only cleans up after another and makes no event.
 *   amdgpu     "[drm:amdgpu_job_timedout [amdgpu]] *ERROR* ring gfx timeout, ...", then "GPU reset begin!";
 *              "[gfxhub0] no-retry page fault (src_id:0 ring:24 ..., for process X pid 1 ...)".
 *   radeon     "radeon 0000:01:00.0: ring 0 stalled for more than 10000msec".
 *   i915       "[drm] GPU HANG: ecode 9:1:85dffffb, in Xorg [1234]", "... GPU hung".
 * A program's fault is severity warn (the program's work failed, the machine did not); hangs, lost
 * cards and memory errors are errors. Repeats of one report make one event. */
#include "probes/kmsg_cls_int.h"

#include "core/fmt.h"

#define PROGRAM_FAULT "GPU program fault"

static struct sw_kmsg_block *gpu_event(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m,
                                       const char *what, const char *where, int sev)
{
    struct sw_kmsg_block *b = &c->b;
    if (kc_block_is(c, SW_KLOG_GPU_FAULT) && !strcmp(b->what, what) && !strcmp(b->where, where))
        return b;   /* the same report again */
    kc_start(c, l, m, SW_KLOG_GPU_FAULT, KB_DETECTOR);
    b->accept_trace = false;
    b->sev_hint = sev;
    sw_strlcpy(b->what, what, sizeof b->what);
    sw_strlcpy(b->where, where, sizeof b->where);
    return b;
}

/* What an Xid number says, from NVIDIA's Xid catalog; NULL for one that makes no event. */
static const char *xid_what(long x, int *sev)
{
    *sev = SW_SEV_ERROR;
    switch (x) {
    case 45: return NULL;   /* preemptive cleanup after another error */
    case 48: case 63: case 64: case 92: case 94: case 95: return "GPU memory ECC error";
    case 79: return "fell off the bus";
    case 74: return "GPU link error";
    case 13: case 31: case 43: case 69:
        *sev = SW_SEV_WARN;
        return PROGRAM_FAULT;
    default: return "GPU hang or driver error";
    }
}

static bool nvidia(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "NVRM: Xid (");
    if (p) {
        const char *e = strstr(p, "): ");
        long x = e ? dec(e + 3, NULL) : -1;
        int sev;
        const char *what = x >= 0 ? xid_what(x, &sev) : NULL;
        if (!what)
            return x >= 0;   /* Xid 45: consumed, no event */
        char where[40];
        struct sw_fmt f;
        sw_fmt_init(&f, where, sizeof where);
        sw_fmt_str(&f, "Xid ");
        sw_fmt_i64(&f, x);
        struct sw_kmsg_block *b = gpu_event(c, l, m, what, where, sev);
        const char *pid = strstr(e, "pid=");
        if (pid && !b->pid)
            b->pid = (int)dec(pid + 4, NULL);
        return true;
    }
    if (kc_hl(c, l, m, "fallen off the bus") && starts(m, "NVRM: ")) {
        if (!(kc_block_is(c, SW_KLOG_GPU_FAULT) && !strcmp(c->b.what, "fell off the bus")))
            gpu_event(c, l, m, "fell off the bus", "NVRM", SW_SEV_ERROR);
        return true;
    }
    return false;
}

static bool amd_and_intel(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p;
    if ((p = kc_hl(c, l, m, "*ERROR* ring ")) != NULL && strstr(p, " timeout")) {
        gpu_event(c, l, m, "GPU hang (ring timeout)", strstr(m, "amdgpu") ? "amdgpu" : "drm", SW_SEV_ERROR);
        return true;
    }
    if (kc_hl(c, l, m, "stalled for more than") && strstr(m, "ring ")) {
        gpu_event(c, l, m, "GPU hang (ring timeout)", strstr(m, "radeon") ? "radeon" : "drm", SW_SEV_ERROR);
        return true;
    }
    if (kc_block_is(c, SW_KLOG_GPU_FAULT) && (p = strstr(m, "*ERROR* Process information: process ")) != NULL) {
        p += 37;   /* the timed-out job's program: "process Xorg pid 1234 thread Xorg:cs0 pid 1240" */
        if (!c->b.task[0])
            copyn(c->b.task, sizeof c->b.task, p, strcspn(p, " "));
        return true;
    }
    if (kc_hl(c, l, m, "GPU reset")) {   /* "amdgpu: GPU reset begin!", "GPU reset(2) succeeded!" */
        if (kc_block_is(c, SW_KLOG_GPU_FAULT))
            return true;
        if (strstr(m, "begin")) {
            gpu_event(c, l, m, "GPU hang (reset)", strstr(m, "amdgpu") ? "amdgpu" : "drm", SW_SEV_ERROR);
            return true;
        }
        return false;
    }
    if ((p = kc_hl(c, l, m, "page fault (src_id")) != NULL && strstr(m, "hub")) {
        struct sw_kmsg_block *b = gpu_event(c, l, m, PROGRAM_FAULT, "amdgpu", SW_SEV_WARN);
        const char *proc = strstr(p, "for process ");
        if (proc && !b->task[0]) {
            proc += 12;
            copyn(b->task, sizeof b->task, proc, strcspn(proc, " "));
        }
        return true;
    }
    if ((p = kc_hl(c, l, m, "GPU HANG")) != NULL || (p = kc_hl(c, l, m, "GPU hung")) != NULL) {
        struct sw_kmsg_block *b = gpu_event(c, l, m, "GPU hang", strstr(m, "i915") ? "i915" : "drm", SW_SEV_ERROR);
        const char *in = strstr(p, ", in ");   /* "GPU HANG: ecode 9:1:85dffffb, in Xorg [1234]" */
        if (in && !b->task[0]) {
            in += 5;
            copyn(b->task, sizeof b->task, in, strcspn(in, " ["));
        }
        return true;
    }
    return false;
}

bool kc_gpu_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    return nvidia(c, l, m) || amd_and_intel(c, l, m);
}
