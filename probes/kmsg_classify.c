#include "probes/kmsg_classify.h"

#include <string.h>

#include "core/fmt.h"
#include "probes/kmsg_cls_int.h"


static void push(struct sw_kmsg_cls *c, const struct sw_kmsg_hit *h)
{
    if (c->q_len == SW_KMSG_QUEUE) {
        c->dropped++;
        return;
    }
    c->q[(c->q_head + c->q_len) % SW_KMSG_QUEUE] = *h;
    c->q_len++;
    c->last_kind = h->ev.klog_kind;
}

bool sw_kmsg_cls_pop(struct sw_kmsg_cls *c, struct sw_kmsg_hit *out)
{
    if (!c->q_len)
        return false;
    *out = c->q[c->q_head];
    c->q_head = (c->q_head + 1) % SW_KMSG_QUEUE;
    c->q_len--;
    return true;
}

void sw_kmsg_cls_init(struct sw_kmsg_cls *c)
{
    memset(c, 0, sizeof *c);
}

bool sw_kmsg_cls_pending(const struct sw_kmsg_cls *c)
{
    return c->b.open;
}

/* ---- block life cycle ------------------------------------------------------------------------ */

static void open_block(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, int kind,
                       uint32_t flags)
{
    struct sw_kmsg_block *b = &c->b;
    memset(b, 0, sizeof *b);
    b->open = true;
    b->kind = kind;
    b->flags = flags;
    b->sev_hint = -1;
    b->cpu = l->cpu;   /* a PRINTK_CALLER "[C3]" prefix, if any */
    b->pid = 0;
    b->ts_us = l->ts_us;
    b->real_ns = l->real_ns;
    b->line_no = c->line_no;
    b->accept_trace = true;
    b->first_frame = true;
    b->ghes_id = -1;
    sw_strlcpy(b->stamp, l->stamp, sizeof b->stamp);
    if (m && !(flags & KB_ORPHAN))
        sw_strlcpy(b->headline, m, sizeof b->headline);
}

/* The detector a report carries as its cause: list/refcount lines, or the file of its BUG/WARNING. */
static int detector_cause(const struct sw_kmsg_block *b)
{
    if ((b->flags & KB_LIST) || starts(b->where, "lib/list_debug.c"))
        return SW_KLOG_LIST_CORRUPTION;
    if ((b->flags & KB_REFCOUNT) || starts(b->where, "lib/refcount.c"))
        return SW_KLOG_REFCOUNT;
    if (b->flags & KB_BADPT)
        return SW_KLOG_BAD_PAGE_MAP;
    return 0;
}

static int decide_kind(const struct sw_kmsg_block *b, int *also)
{
    uint32_t f = b->flags;
    *also = 0;
    if (f & KB_DETECTOR)
        return b->kind;
    int cause = detector_cause(b);
    if (cause && (b->kind == SW_KLOG_WARNING || (f & KB_BUG_AT))) {
        *also = cause;
        return b->kind == SW_KLOG_WARNING ? SW_KLOG_WARNING : SW_KLOG_BUG;
    }
    if (cause && b->kind == 0 && !(f & (KB_DIE | KB_ORPHAN)))
        return cause;   /* the detector's line alone, its WARNING/BUG not in the log */
    if (b->kind == SW_KLOG_PANIC) {
        *also = (f & KB_HARDLOCK) ? SW_KLOG_HARD_LOCKUP
              : (f & KB_OOM)      ? SW_KLOG_OOM_KILL
              : (f & KB_MCE)      ? SW_KLOG_MCE
              : (f & KB_SOFT)     ? SW_KLOG_SOFT_LOCKUP
              : (f & KB_HUNG)     ? SW_KLOG_HUNG_TASK
                                  : 0;
        return SW_KLOG_PANIC;
    }
    if (f & KB_BUG_AT) {
        *also = (f & KB_SLAB) ? SW_KLOG_SLAB_CORRUPTION : (f & KB_NULL) ? SW_KLOG_NULL_DEREF : 0;
        return SW_KLOG_BUG;
    }
    if ((f & KB_ORPHAN) && (f & KB_LOCKS))
        return SW_KLOG_HUNG_TASK;   /* khungtaskd's trace without its "INFO: task" header */
    bool oopsy = (f & (KB_DIE | KB_NULL | KB_PF | KB_GPF | KB_DIV | KB_INVOP)) || (f & KB_ORPHAN);
    if (oopsy) {
        if ((f & KB_UD2) && !(f & (KB_NULL | KB_GPF | KB_DIV | KB_PF))) {
            *also = SW_KLOG_INVALID_OPCODE;   /* ud2 = BUG() without file:line */
            return SW_KLOG_BUG;
        }
        *also = cause            ? cause
              : (f & KB_NULL)    ? SW_KLOG_NULL_DEREF
              : (f & KB_GPF)     ? SW_KLOG_GPF
              : (f & KB_DIV)     ? SW_KLOG_DIVIDE_ERROR
              : (f & KB_INVOP)   ? SW_KLOG_INVALID_OPCODE
              : (f & KB_SLAB)    ? SW_KLOG_SLAB_CORRUPTION
                                 : 0;
        return SW_KLOG_OOPS;
    }
    if (f & KB_SLAB)
        return SW_KLOG_SLAB_CORRUPTION;
    return b->kind;
}

static int sev_of(int kind)
{
    switch (kind) {
    case SW_KLOG_PANIC:
    case SW_KLOG_HARD_LOCKUP: return SW_SEV_FATAL;
    case SW_KLOG_WARNING: return SW_SEV_WARN;
    default: return SW_SEV_ERROR;
    }
}

static void emit_block(struct sw_kmsg_cls *c);

/* Ends the open report, pushing its event if it makes one. The block is then all zero, as after
 * sw_kmsg_cls_init: the classifier's state between reports is always the same (sw_kmsg_cls_idle). */
void kc_close(struct sw_kmsg_cls *c)
{
    if (!c->b.open)
        return;
    emit_block(c);
    memset(&c->b, 0, sizeof c->b);
}

bool sw_kmsg_cls_idle(const struct sw_kmsg_cls *c)
{
    static const struct sw_kmsg_block closed;
    return c->q_len == 0 && memcmp(&c->b, &closed, sizeof closed) == 0;
}

static void emit_block(struct sw_kmsg_cls *c)
{
    struct sw_kmsg_block *b = &c->b;
    b->open = false;
    if (b->flags & KB_ORPHAN) {
        /* Keep a headerless fragment only if it is clearly a kernel report, not a stray frame. A
         * bare trace counts only if it is not a sleeping task's (hung-task, RCU-stall and sysrq
         * dumps print those) and no stall report follows it (then it is that dump's tail). */
        bool strong = (b->flags & (KB_KREGS | KB_UD2 | KB_END | KB_LOCKS)) || b->rip_set;
        bool trace = b->frames >= 2 && !(b->flags & (KB_SLEEP | KB_STALLTAIL));
        if (!strong && !trace)
            return;
    }
    if (b->kind == 0 && !(b->flags & ~(KB_CUT)))
        return;   /* "cut here" and nothing else */
    struct sw_kmsg_hit h;
    memset(&h, 0, sizeof h);
    struct sw_event *ev = &h.ev;
    int also = 0;
    int kind = decide_kind(b, &also);
    if (kind == SW_KLOG_NONE)
        return;
    ev->type = SW_EV_KERNEL;
    ev->klog_kind = (uint8_t)kind;
    ev->klog_also = (uint8_t)(also != kind ? also : 0);
    ev->sev = (uint8_t)(b->sev_hint >= 0 ? b->sev_hint : sev_of(kind));
    if (also == SW_KLOG_LIST_CORRUPTION || also == SW_KLOG_REFCOUNT)
        ev->sev = SW_SEV_ERROR;   /* a corruption detector fired inside the WARNING */
    if (kind == SW_KLOG_PANIC || also == SW_KLOG_HARD_LOCKUP)
        ev->sev = SW_SEV_FATAL;
    ev->worker = -1;
    ev->node = -1;
    ev->workload = -1;
    ev->cpu = (int16_t)(b->cpu >= 0 && b->cpu < 32768 ? b->cpu : -1);
    ev->pid = b->pid;
    if (b->real_ns)
        ev->t_ns = b->real_ns;
    else if (c->boot_real_ns && b->ts_us >= 0)
        ev->t_ns = c->boot_real_ns + (uint64_t)b->ts_us * 1000u;
    sw_strlcpy(ev->u.klog.task, b->task, sizeof ev->u.klog.task);
    sw_strlcpy(ev->u.klog.where, b->where, sizeof ev->u.klog.where);
    char *syms = ev->u.klog.symbols;
    size_t cap = sizeof ev->u.klog.symbols;
    syms[0] = '\0';
    kc_list_add(syms, cap, b->rip);
    char tmp[112];
    for (int pass = 0; pass < 2; pass++) {
        sw_strlcpy(tmp, pass ? b->frames_maybe : b->frames_sure, sizeof tmp);
        for (char *tok = tmp, *next; tok && *tok; tok = next) {
            next = strchr(tok, ' ');
            if (next)
                *next++ = '\0';
            kc_list_add(syms, cap, tok);
        }
    }
    kc_guess_subsystem(b, b->rip);
    kc_guess_subsystem(b, b->frames_sure);
    if (kind == SW_KLOG_RCU_STALL || kind == SW_KLOG_SOFT_LOCKUP || also == SW_KLOG_SOFT_LOCKUP) {
        b->kx.flags |= SW_KX_STALL_SEEN;
        if (kind == SW_KLOG_SOFT_LOCKUP && !b->kx.stall_cpus)
            b->kx.stall_cpus = 1;
    }
    ev->kx = b->kx;
    if (kind != SW_KLOG_MCE && also != SW_KLOG_MCE) {
        ev->kx.mce_corrected = ev->kx.mce_unit = ev->kx.mce_source = 0;
        ev->kx.mce_bank = 0;
    }
    if (b->flags & KB_ORPHAN) {
        sw_strlcpy(ev->what, "partial: header not in log", sizeof ev->what);
        struct sw_fmt f;
        sw_fmt_init(&f, ev->text, sizeof ev->text);
        sw_fmt_str(&f, kind == SW_KLOG_HUNG_TASK ? "hung-task trace (its 'INFO: task' header is not in this log)"
                                                 : "kernel oops/BUG report (its header line is not in this log)");
        if (syms[0]) {
            sw_fmt_str(&f, ": ");
            sw_fmt_str(&f, syms);
        }
    } else {
        sw_strlcpy(ev->what, b->what, sizeof ev->what);
        sw_strlcpy(ev->text, b->headline, sizeof ev->text);
    }
    h.ts_us = b->ts_us;
    h.line_no = b->line_no;
    sw_strlcpy(h.stamp, b->stamp, sizeof h.stamp);
    push(c, &h);
}

void sw_kmsg_cls_flush(struct sw_kmsg_cls *c)
{
    kc_close(c);
}

/* ---- field extraction ------------------------------------------------------------------------ */

/* Finds a headline pattern in m. Lines with kernel framing match anywhere (a "stresswsl-test: "
 * prefix is fine); unframed text (a pasted oops, or prose) only when nothing quoted or parenthesised
 * comes before it, so a sentence that quotes a log line is not taken for the log line. */
const char *kc_hl_m(const struct sw_kmsg_line *l, const char *m, const char *needle)
{
    const char *p = strstr(m, needle);
    if (!p || l->kernel)
        return p;
    if (p - m > 80)
        return NULL;
    for (const char *q = m; q < p; q++)
        if (*q == '\'' || *q == '"' || *q == '(' || *q == '`')
            return NULL;
    return p;
}

bool kc_block_is(const struct sw_kmsg_cls *c, int kind)
{
    return c->b.open && c->b.kind == kind;
}

void kc_start(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, int kind, uint32_t flags)
{
    /* A bare trace right before a stall or hung-task report is the tail of the same kind of dump. */
    if (c->b.open && (c->b.flags & KB_ORPHAN) &&
        (kind == SW_KLOG_HUNG_TASK || kind == SW_KLOG_RCU_STALL || kind == SW_KLOG_SOFT_LOCKUP))
        c->b.flags |= KB_STALLTAIL;
    kc_close(c);
    open_block(c, l, m, kind, flags);
}

static bool only_cut_or(const struct sw_kmsg_block *b, uint32_t allowed)
{
    return b->open && !(b->flags & ~(KB_CUT | KB_LIST | KB_REFCOUNT | allowed)) &&
           (b->kind == 0 || b->kind == SW_KLOG_SLAB_CORRUPTION);
}

static bool handle_panic(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *p)
{
    const char *reason = p + strlen("Kernel panic - not syncing:");
    while (*reason == ' ')
        reason++;
    /* panic_on_oom: the task table just printed is this panic's context, not a second event. */
    if (c->b.open && (c->b.flags & KB_OOMTAB) && strstr(reason, "Out of memory"))
        c->b.open = false;
    kc_start(c, l, m, SW_KLOG_PANIC, 0);
    struct sw_kmsg_block *b = &c->b;
    sw_strlcpy(b->what, reason, sizeof b->what);
    const char *q;
    if ((q = strstr(reason, "hard LOCKUP")) != NULL) {
        b->flags |= KB_HARDLOCK;
        if ((q = strstr(reason, "on cpu ")) != NULL)
            b->cpu = (int)dec(q + 7, NULL);
    }
    if (strstr(reason, "Out of memory") || strstr(reason, "out of memory"))
        b->flags |= KB_OOM;
    if (strstr(reason, "achine check"))
        b->flags |= KB_MCE;
    if (strstr(reason, "softlockup"))
        b->flags |= KB_SOFT;
    if (strstr(reason, "hung_task"))
        b->flags |= KB_HUNG;
    return true;
}


static bool handle_user_fault(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "]: segfault at ");
    if (p) {
        kc_start(c, l, m, SW_KLOG_USER_SEGFAULT, 0);
        struct sw_kmsg_block *b = &c->b;
        b->accept_trace = false;
        kc_take_name_pid(b, m, p + 1);
        const char *e = strstr(p, " error ");
        if (e) {
            size_t n = 6;
            while (e[n + 1] && e[n + 1] != ' ')
                n++;
            copyn(b->what, sizeof b->what, e + 1, n);
        }
        kc_take_dso(b, p);
        kc_take_likely_cpu(b, p);
        return true;
    }
    /* "traps: NAME[PID] trap divide error ip:...", "traps: NAME[PID] general protection fault ip:..." */
    const char *t = kc_hl(c, l, m, "] trap ");
    const char *g = kc_hl(c, l, m, "] general protection");
    if (!t && !g)
        return false;
    const char *br = t ? t : g;
    const char *name = starts(m, "traps: ") ? m + 7 : m;
    if (br < name)
        return false;
    kc_start(c, l, m, SW_KLOG_USER_TRAP, 0);
    struct sw_kmsg_block *b = &c->b;
    b->accept_trace = false;
    if (!kc_take_name_pid(b, name, br + 1)) {
        b->open = false;
        return false;
    }
    const char *what = t ? br + 7 : br + 2;
    const char *ip = strstr(what, " ip");
    size_t n = ip ? (size_t)(ip - what) : strlen(what);
    copyn(b->what, sizeof b->what, what, n);
    if (starts(what, "int3"))
        b->sev_hint = SW_SEV_WARN;   /* a debugger breakpoint, not a fault */
    kc_take_dso(b, what);
    kc_take_likely_cpu(b, what);
    return true;
}

static void handle_warning(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *w)
{
    if (!only_cut_or(&c->b, 0))
        kc_start(c, l, m, SW_KLOG_WARNING, 0);
    struct sw_kmsg_block *b = &c->b;
    b->kind = SW_KLOG_WARNING;
    sw_strlcpy(b->headline, m, sizeof b->headline);
    const char *p = w + 9;   /* after "WARNING: " */
    const char *at = NULL;
    if (starts(p, "CPU: ")) {
        kc_take_cpu_line(b, p);
        at = strstr(p, " at ");
        if (at)
            at += 4;
    } else if (starts(p, "at ")) {
        at = p + 3;   /* 2.6/3.x: "WARNING: at kernel/foo.c:42 func()" */
    } else {
        /* 6.x: "WARNING: mm/page_alloc.c:4678 at __alloc_pages+0x1/0x2, CPU#0: swapper/0/1" */
        const char *sp = strchr(p, ' ');
        if (sp && starts(sp, " at ") && memchr(p, ':', (size_t)(sp - p))) {
            copyn(b->where, sizeof b->where, p, (size_t)(sp - p));
            char sym[48];
            bool unsure;
            if (kc_parse_frame(sp + 4, sym, sizeof sym, &unsure, NULL, 0))
                sw_strlcpy(b->rip, sym, sizeof b->rip);
            const char *cpu = strstr(sp, "CPU#");
            if (cpu)
                b->cpu = (int)dec(cpu + 4, NULL);
        }
        sw_strlcpy(b->what, "warning", sizeof b->what);
        return;
    }
    if (at) {
        size_t n = 0;
        while (at[n] && at[n] != ' ')
            n++;
        copyn(b->where, sizeof b->where, at, n);
        const char *fn = at + n;
        while (*fn == ' ')
            fn++;
        size_t k = 0;
        while (symch(fn[k]))
            k++;
        const char *dot = memchr(fn, '.', k);
        if (dot && dot != fn)
            k = (size_t)(dot - fn);
        if (k)
            copyn(b->rip, sizeof b->rip, fn, k);
    }
}

/* The die() line: "Oops: 0000 [#1] SMP", "invalid opcode: 0000 [#1]", "divide error: 0000 [#1]",
 * "general protection fault, probably for non-canonical address 0x..: 0000 [#1]", and 6.x's
 * "Oops: invalid opcode: 0000 [#1]". Returns the cause flags or 0 if m is not a die line. */
static uint32_t die_line(const char *m)
{
    const char *hash = strstr(m, " [#");   /* callers gate on '#' (kc_has) */
    if (!hash || !dig(hash[3]))
        return 0;
    const char *p = m;
    uint32_t f = KB_DIE;
    if (starts(p, "Internal error: "))
        p += 16;
    if (starts(p, "Oops: "))
        p += 6;
    if (starts(p, "general protection fault"))
        f |= KB_GPF;
    else if (starts(p, "invalid opcode:"))
        f |= KB_INVOP;
    else if (starts(p, "divide error:"))
        f |= KB_DIV;
    else if (p == m && !starts(p, "Oops") && !starts(p, "stack segment:") && !starts(p, "double fault:") &&
             !starts(p, "int3:") && !starts(p, "kernel stack overflow") && !starts(p, "alignment check:"))
        return 0;
    return f;
}

bool sw_kmsg_cls_feed(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l)
{
    c->line_no++;
    if (l->skip)
        return false;
    const char *raw = l->text;
    const char *m = raw;
    while (*m == ' ' || *m == '\t')
        m++;
    size_t mlen = l->text_len - (size_t)(m - raw);
    bool kernelish = l->kernel;
    if (!*m)
        return kernelish;
    /* The cheap first test (kmsg_quiet.c): no headline search can match a line without an anchor, and
     * with no report open such a line is only counted. Most lines end here. */
    bool anchored = c->exhaustive || kc_has_anchor(m, mlen);
    if (!anchored && !c->b.open && kc_quiet_without_anchor(l, m))
        return kernelish;
    c->mask = anchored ? sw_kmsg_char_mask(m, mlen) : 0;
    struct sw_kmsg_block *b = &c->b;
    if (b->open) {
        if (l->ts_us >= 0 && b->ts_us >= 0 && (l->ts_us - b->ts_us > GAP_CLOSE_US || l->ts_us < b->ts_us - GAP_CLOSE_US))
            kc_close(c);
        else if (++b->lines > MAX_BLOCK_LINES)
            kc_close(c);
    }
    const char *p;

    /* End markers first: "---[ end Kernel panic - not syncing: ..." is not a new panic. */
    if (starts(m, "---[ end ")) {
        if (!b->open)
            open_block(c, l, NULL, 0, KB_ORPHAN);
        b->flags |= KB_END | KB_KREGS;
        kc_close(c);
        return true;
    }
    if ((p = kc_hl(c, l, m, "Kernel panic - not syncing:")) != NULL)
        return handle_panic(c, l, m, p);
    /* User-space faults before anything else: "traps: x[1] general protection fault" is not a
     * kernel gpf, and "x[1]: segfault" is not a kernel oops. */
    if (handle_user_fault(c, l, m))
        return true;
    if (kc_mce_line(c, l, m))
        return true;
    if (kc_detector_line(c, l, m))
        return true;
    if (kc_thermal_line(c, l, m) || kc_storage_line(c, l, m) || kc_gpu_line(c, l, m))
        return true;
    if ((p = kc_hl(c, l, m, "soft lockup - CPU#")) != NULL) {
        kc_start(c, l, m, SW_KLOG_SOFT_LOCKUP, 0);
        b->cpu = (int)dec(p + 18, NULL);
        const char *st = strstr(p, "stuck for ");
        if (st) {
            size_t n = 0;
            while (st[n] && st[n] != '!')
                n++;
            copyn(b->what, sizeof b->what, st, n);
        }
        const char *lb = strrchr(p, '['), *rb = strrchr(p, ']');
        if (lb && rb && rb > lb)
            kc_take_task_colon_pid(b, lb + 1, (size_t)(rb - lb - 1));
        return true;
    }
    if ((p = kc_hl(c, l, m, "hard LOCKUP on cpu ")) != NULL) {
        kc_start(c, l, m, SW_KLOG_HARD_LOCKUP, KB_HARDLOCK);
        b->cpu = (int)dec(p + 19, NULL);
        return true;
    }
    if ((p = kc_hl(c, l, m, "detected stalls on CPUs")) != NULL || kc_hl(c, l, m, "self-detected stall on CPU") ||
        kc_hl(c, l, m, "detected expedited stalls")) {
        kc_start(c, l, m, SW_KLOG_RCU_STALL, 0);
        /* 3.x lists the CPUs on the line itself: "... CPUs/tasks: { 1 3} (detected by 0, ...)" */
        const char *lb = p ? strchr(p, '{') : NULL, *rb = lb ? strchr(lb, '}') : NULL;
        for (const char *q = lb; q && q < rb; q++)
            if (dig(*q) && !dig(q[-1])) {
                if (b->cpu < 0)
                    b->cpu = (int)dec(q, NULL);
                b->kx.stall_cpus++;
            }
        return true;
    }
    if (kc_hl(c, l, m, "kthread starved for")) {
        if (!kc_block_is(c, SW_KLOG_RCU_STALL))
            kc_start(c, l, m, SW_KLOG_RCU_STALL, 0);
        sw_strlcpy(b->what, "grace-period kthread starved", sizeof b->what);
        b->kx.flags |= SW_KX_KTHREAD_STARVED;
        return true;
    }
    if (kc_block_is(c, SW_KLOG_RCU_STALL)) {
        /* "rcu: \t1-...!: (0 ticks this GP) ... fqs=0 (false positive?)": one stalled CPU per line. */
        const char *q = starts(m, "rcu:") ? m + 4 : m;
        while (*q == ' ' || *q == '\t')
            q++;
        const char *e;
        long cpu = dec(q, &e);
        if (cpu >= 0 && *e == '-' && strstr(e, "GP")) {
            if (b->cpu < 0)
                b->cpu = (int)cpu;
            if (b->kx.stall_cpus < UINT16_MAX)
                b->kx.stall_cpus++;
            if (strstr(e, "(false positive?)"))
                b->kx.flags |= SW_KX_FALSE_POSITIVE;
            return true;
        }
    }
    if (starts(m, "INFO: task ") && (p = kc_hl(c, l, m, " blocked for more than ")) != NULL) {
        kc_start(c, l, m, SW_KLOG_HUNG_TASK, KB_HUNG);
        kc_take_task_colon_pid(b, m + 11, (size_t)(p - m - 11));
        struct sw_fmt f;
        sw_fmt_init(&f, b->what, sizeof b->what);
        sw_fmt_str(&f, "blocked > ");
        sw_fmt_i64(&f, dec(p + 23, NULL));
        sw_fmt_str(&f, " s");
        return true;
    }
    if (starts(m, "Showing all locks held in the system")) {
        if (b->open && (b->flags & KB_ORPHAN))
            b->flags |= KB_LOCKS;
        return true;
    }
    if ((p = kc_hl(c, l, m, " invoked oom-killer:")) != NULL) {
        kc_start(c, l, m, SW_KLOG_OOM_KILL, KB_OOM);
        copyn(b->task, sizeof b->task, m, (size_t)(p - m));
        sw_strlcpy(b->what, "oom-killer invoked", sizeof b->what);
        return true;
    }
    if ((p = kc_hl(c, l, m, "Killed process ")) != NULL || (p = kc_hl(c, l, m, "Kill process ")) != NULL) {
        if (!kc_block_is(c, SW_KLOG_OOM_KILL) || !(b->flags & KB_OOM) || (b->flags & KB_OOMTAB))
            kc_start(c, l, m, SW_KLOG_OOM_KILL, KB_OOM);
        sw_strlcpy(b->headline, m, sizeof b->headline);
        const char *q = strchr(p, ' ') + 1;
        q = strchr(q, ' ');
        const char *e;
        long pid = q ? dec(q + 1, &e) : -1;
        if (pid > 0) {
            b->pid = (int)pid;
            if (e[0] == ' ' && e[1] == '(') {
                const char *rp = strchr(e + 2, ')');
                if (rp)
                    copyn(b->task, sizeof b->task, e + 2, (size_t)(rp - e - 2));
            }
        }
        sw_strlcpy(b->what, starts(m, "Memory cgroup") ? "cgroup limit: process killed" : "process killed",
                   sizeof b->what);
        b->sev_hint = -1;
        /* stresswsl's pressure workload drives its own memory cgroup into the OOM killer on purpose;
         * its processes are named sw-pressure. Such a kill is expected, not a finding. */
        if (starts(m, "Memory cgroup") && !strcmp(b->task, SW_KMSG_PRESSURE_TASK)) {
            sw_strlcpy(b->what, SW_KMSG_EXPECTED_OOM, sizeof b->what);
            b->sev_hint = SW_SEV_INFO;
        }
        kc_close(c);
        return true;
    }
    if (kc_is_oom_row(m) || starts(m, "[  pid  ]")) {
        if (!kc_block_is(c, SW_KLOG_OOM_KILL)) {
            kc_start(c, l, NULL, SW_KLOG_OOM_KILL, KB_OOMTAB);
            sw_strlcpy(b->headline, "OOM killer task table (its 'Killed process' line is not in this log)",
                       sizeof b->headline);
            sw_strlcpy(b->what, "task table only", sizeof b->what);
            b->sev_hint = SW_SEV_WARN;   /* context of an OOM, not proof of a kill */
            b->accept_trace = false;
        }
        return true;
    }
    if ((p = kc_hl(c, l, m, "Bad page state in process ")) != NULL) {
        if (kc_block_is(c, SW_KLOG_BAD_PAGE) && b->lines <= 1 && strcmp(b->headline, m) == 0)
            return true;   /* syslog duplicated the line */
        kc_start(c, l, m, SW_KLOG_BAD_PAGE, 0);
        const char *q = strstr(p, "process ") + 8;
        size_t n = 0;
        while (q[n] && q[n] != ' ')
            n++;
        copyn(b->task, sizeof b->task, q, n);
        return true;
    }
    if ((p = kc_hl(c, l, m, "usercopy: Kernel memory ")) != NULL ||
        (starts(m, "BUG ") && (kc_hl(c, l, m, " (Not tainted)") || kc_hl(c, l, m, " (Tainted"))) ||
        starts(m, "Redzone overwritten") || starts(m, "Poison overwritten") || starts(m, "Object already free") ||
        kc_hl(c, l, m, "Freepointer corrupt") || starts(m, "Object padding overwritten") ||
        kc_hl(c, l, m, "Padding overwritten")) {
        if (!(b->open && (b->flags & KB_SLAB) && !(b->flags & (KB_BUG_AT | KB_DIE))))
            kc_start(c, l, m, SW_KLOG_SLAB_CORRUPTION, KB_SLAB);
        if (!b->what[0]) {
            const char *w = m;
            if (kc_hl(c, l, m, "): "))
                w = kc_hl(c, l, m, "): ") + 3;
            else if (starts(m, "usercopy: "))
                w = m + 10;
            copyn(b->what, sizeof b->what, w, strlen(w));
        }
        return true;
    }
    if (kc_hl(c, l, m, "------------[ cut here ]------------")) {
        /* usercopy_abort() prints its line, then BUG()s: keep both in one report. */
        if (b->open && (b->flags & (KB_SLAB | KB_LIST)) && !(b->flags & (KB_BUG_AT | KB_DIE)))
            b->flags |= KB_CUT;
        else
            kc_start(c, l, NULL, 0, KB_CUT);
        return true;
    }
    if ((p = kc_hl(c, l, m, "kernel BUG at ")) != NULL) {
        if (!only_cut_or(b, KB_SLAB))
            kc_start(c, l, m, SW_KLOG_BUG, 0);
        b->kind = SW_KLOG_BUG;
        b->flags |= KB_BUG_AT;
        if (!(b->flags & KB_SLAB) || !b->headline[0])
            sw_strlcpy(b->headline, m, sizeof b->headline);
        const char *f = p + 14;
        size_t n = 0;
        while (f[n] && f[n] != '!' && f[n] != ' ')
            n++;
        copyn(b->where, sizeof b->where, f, n);
        if (starts(f, "mm/slub.c") || starts(f, "mm/slab.c") || starts(f, "mm/usercopy.c"))
            b->flags |= KB_SLAB;
        return true;
    }
    if ((p = kc_hl(c, l, m, "NULL pointer dereference")) != NULL && (kc_hl(c, l, m, "BUG: ") || kc_hl(c, l, m, "Unable to handle"))) {
        kc_start(c, l, m, SW_KLOG_OOPS, KB_NULL);
        return true;
    }
    if (kc_hl(c, l, m, "BUG: unable to handle page fault") || kc_hl(c, l, m, "BUG: unable to handle kernel paging request") ||
        kc_hl(c, l, m, "Unable to handle kernel paging request")) {
        kc_start(c, l, m, SW_KLOG_OOPS, KB_PF);
        return true;
    }
    uint32_t die = kc_has(c, l, m, " [#") ? die_line(m) : 0;
    if (die) {
        if (!(b->open && !(b->flags & KB_DIE) && !(b->flags & KB_ORPHAN) &&
              (b->kind == 0 || b->kind == SW_KLOG_OOPS || b->kind == SW_KLOG_BUG || b->kind == SW_KLOG_SLAB_CORRUPTION)))
            kc_start(c, l, m, SW_KLOG_OOPS, 0);
        b->flags |= die;
        if (!b->headline[0])
            sw_strlcpy(b->headline, m, sizeof b->headline);
        if (b->kind == 0)
            b->kind = SW_KLOG_OOPS;
        return true;
    }
    p = kc_hl(c, l, m, "WARNING: CPU: ");
    if (!p && starts(m, "WARNING: "))
        p = m;
    if (p) {
        handle_warning(c, l, m, p);
        return true;
    }
    if (kc_has(c, l, m, " messages suppressed") || kc_has(c, l, m, " callbacks suppressed"))
        return true;   /* printk's rate-limit notes ("BUG: Bad page map: 31 messages suppressed") */
    if ((p = kc_hl(c, l, m, "BUG: ")) != NULL && (p == m || p[-1] == ' ')) {
        /* Other kernel BUG reports: "sleeping function called from invalid context", "scheduling
         * while atomic", "workqueue lockup", "spinlock recursion", ... */
        kc_start(c, l, m, SW_KLOG_BUG, KB_BUG_AT);
        size_t n = strlen(p + 5);
        copyn(b->what, sizeof b->what, p + 5, n);
        return true;
    }

    /* ---- context lines of a report ---- */
    if (starts(m, "Pid: ") && (p = strstr(m, ", comm: ")) != NULL && b->open && b->accept_trace) {
        /* 2.6.x: "Pid: 4321, comm: foo Not tainted 2.6.32-5-amd64 #1" */
        if (b->pid <= 0)
            b->pid = (int)dec(m + 5, NULL);
        if (!b->task[0]) {
            const char *t = p + 8, *e = strstr(t, " Not tainted");
            if (!e)
                e = strstr(t, " Tainted:");
            copyn(b->task, sizeof b->task, t, e ? (size_t)(e - t) : strlen(t));
        }
        kc_take_taint(b, m);
        return true;
    }
    if (starts(m, "CPU: ") && strstr(m, "PID: ")) {
        if (!b->open || !b->accept_trace)
            kc_start(c, l, NULL, 0, KB_ORPHAN);
        kc_take_cpu_line(b, m);
        kc_take_taint(b, m);
        return true;
    }
    if (starts(m, "RIP: ")) {
        if (!b->open || !b->accept_trace)
            kc_start(c, l, NULL, 0, KB_ORPHAN);
        kc_take_rip(b, m);
        return true;
    }
    if (starts(m, "Call Trace:")) {
        if (!b->open || !b->accept_trace)
            kc_start(c, l, NULL, 0, KB_ORPHAN);
        b->in_trace = true;
        return true;
    }
    char sym[64], mod[24];
    bool unsure;
    /* arm64 registers: "pc : func+0x1c/0x60" is the faulting function (like RIP), "lr : caller+0x..". */
    if ((starts(m, "pc : ") || starts(m, "lr : ")) && kc_parse_frame(m + 5, sym, sizeof sym, &unsure, mod, sizeof mod)) {
        if (!b->open || !b->accept_trace)
            kc_start(c, l, NULL, 0, KB_ORPHAN);
        b->flags |= KB_KREGS;
        if (m[0] == 'p' && !b->rip_set) {
            sw_strlcpy(b->rip, sym, sizeof b->rip);
            b->rip_set = true;
            kc_note_module(b, sym, mod);
        } else {
            kc_add_frame(b, sym, false, mod);
        }
        return true;
    }
    if (kc_parse_frame(m, sym, sizeof sym, &unsure, mod, sizeof mod)) {
        if (!b->open || !b->accept_trace)
            kc_start(c, l, NULL, 0, KB_ORPHAN);
        kc_add_frame(b, sym, unsure, mod);
        return true;
    }
    if (kc_is_report_context(m)) {
        bool user_code = starts(m, "Code:") && b->open && !b->accept_trace;
        if (user_code)
            return true;   /* the Code: line printed after a user segfault/trap */
        bool starter = starts(m, "Code:") || starts(m, "RSP:") || starts(m, "RAX:") || starts(m, "CS:") ||
                       starts(m, "Modules linked in:");
        if (starter && (!b->open || !b->accept_trace))
            kc_start(c, l, NULL, 0, KB_ORPHAN);
        if (b->open) {
            if (starts(m, "Tainted:"))
                kc_take_taint(b, m);
            if (starts(m, "Code:") && strstr(m, "<0f> 0b"))
                b->flags |= KB_UD2;
            if (starts(m, "CS:  0010") || starts(m, "RSP: 0018:") || starts(m, "CS: 0010"))
                b->flags |= KB_KREGS;
        }
        return true;
    }
    if (b->open && !b->accept_trace)
        kc_close(c);   /* one-line events end at the next unrelated line */
    return kernelish;
}
