#include "probes/kmsg_classify.h"

#include <string.h>

#include "core/fmt.h"

/* Indicators a report block collects; the event's kind is decided from them when it closes. */
enum {
    KB_CUT = 1u << 0,      /* "------------[ cut here ]------------"                  */
    KB_BUG_AT = 1u << 1,   /* "kernel BUG at file:line!"                              */
    KB_DIE = 1u << 2,      /* the die() line: "Oops: 0000 [#1]", "invalid opcode: ..." */
    KB_NULL = 1u << 3,
    KB_PF = 1u << 4,       /* unable to handle page fault / paging request           */
    KB_GPF = 1u << 5,
    KB_INVOP = 1u << 6,
    KB_DIV = 1u << 7,
    KB_SLAB = 1u << 8,
    KB_ORPHAN = 1u << 9,   /* report whose header is not in the log                   */
    KB_KREGS = 1u << 10,   /* kernel-mode registers / end-of-trace marker seen        */
    KB_UD2 = 1u << 11,     /* Code: bytes show the faulting instruction is ud2 (BUG()) */
    KB_LOCKS = 1u << 12,   /* khungtaskd's "Showing all locks held in the system"     */
    KB_OOMTAB = 1u << 13,  /* OOM task table rows                                     */
    KB_HARDLOCK = 1u << 14,
    KB_OOM = 1u << 15,
    KB_MCE = 1u << 16,
    KB_SOFT = 1u << 17,
    KB_HUNG = 1u << 18,
    KB_END = 1u << 19,     /* "---[ end trace" seen                                    */
};

#define GAP_CLOSE_US (30ll * 1000000)   /* a report's lines never straddle 30 s of log time */
#define MAX_BLOCK_LINES 400

/* ---- small string helpers (no allocation) -------------------------------------------------- */

static bool dig(char c) { return c >= '0' && c <= '9'; }
static bool xdig(char c) { return dig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool symch(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || dig(c) || c == '_' || c == '.' || c == '$';
}
static bool starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static void copyn(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static long dec(const char *s, const char **end)
{
    long v = 0;
    const char *p = s;
    while (dig(*p) && p - s < 12)
        v = v * 10 + (*p++ - '0');
    if (end)
        *end = p;
    return p == s ? -1 : v;
}

static uint64_t hexval(const char *s, const char **end)
{
    uint64_t v = 0;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    while (xdig(*p) && p - s < 18) {
        char c = *p++;
        v = v * 16 + (uint64_t)(dig(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    if (end)
        *end = p;
    return v;
}

/* ---- call-trace symbols ---------------------------------------------------------------------- */

/* Frames every report has: they say nothing about the cause, so they are left out. */
static const char *const boring[] = {
    "dump_stack", "dump_stack_lvl", "show_stack", "show_trace_log_lvl", "panic", "__warn", "report_bug",
    "handle_bug", "die", "__die", "die_body", "oops_end", "do_trap", "do_error_trap", "no_context",
    "page_fault_oops", "kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "bad_area_nosemaphore",
    "do_user_addr_fault", "__do_page_fault", "do_page_fault", "page_fault", "do_divide_error",
    "do_invalid_op", "do_general_protection", "invalid_op", "divide_error", "general_protection",
    "error_entry", "ret_from_fork", "ret_from_fork_asm", "kthread", "worker_thread", "process_one_work",
    "do_syscall_64", "x64_sys_call", "__schedule", "schedule", "schedule_timeout",
    "schedule_preempt_disabled", "io_schedule", "nmi_handle", "default_do_nmi", "do_nmi", "end_repeat_nmi",
    "hrtimer_interrupt", "__hrtimer_run_queues", "irq_exit_rcu", "__irq_exit_rcu", "smpboot_thread_fn",
    "dump_header", "show_regs", "__show_regs", NULL,
};
static const char *const boring_prefix[] = {"asm_", "exc_", "entry_SYSCALL", "warn_slowpath", "sysvec_",
                                            "__sysvec_", NULL};

static bool is_boring(const char *sym)
{
    for (int i = 0; boring[i]; i++)
        if (strcmp(sym, boring[i]) == 0)
            return true;
    for (int i = 0; boring_prefix[i]; i++)
        if (starts(sym, boring_prefix[i]))
            return true;
    return false;
}

/* Parses "[<ffffffff81234>] ? func.isra.0+0x1/0x2 [mod]" or "? func+0x1/0x2": the function name
 * without compiler suffixes (.isra.0, .constprop.0, .cold) into sym. Returns false if not a frame. */
static bool parse_frame(const char *p, char *sym, size_t cap, bool *unsure)
{
    *unsure = false;
    while (*p == ' ' || *p == '\t')
        p++;
    while (p[0] == '[' && p[1] == '<') {   /* old "[<address>]" prefix */
        const char *e = strstr(p, ">]");
        if (!e)
            return false;
        p = e + 2;
        while (*p == ' ')
            p++;
    }
    if (p[0] == '?' && p[1] == ' ') {
        *unsure = true;
        p += 2;
    }
    const char *s = p;
    while (symch(*p))
        p++;
    if (p == s || !starts(p, "+0x") || !strstr(p, "/0x"))
        return false;
    size_t n = (size_t)(p - s);
    const char *dot = memchr(s, '.', n);
    if (dot && dot != s)
        n = (size_t)(dot - s);
    copyn(sym, cap, s, n);
    return sym[0] != '\0';
}

static bool has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* Appends w to a space-separated list if it fits whole and is not there yet. */
static void list_add(char *list, size_t cap, const char *w)
{
    size_t len = strlen(list), n = strlen(w);
    if (!n || has_word(list, w) || len + (len ? 1 : 0) + n + 1 > cap)
        return;
    if (len)
        list[len++] = ' ';
    memcpy(list + len, w, n + 1);
}

static void add_frame(struct sw_kmsg_block *b, const char *sym, bool unsure)
{
    bool first = b->first_frame;
    b->first_frame = false;
    b->frames++;
    if (is_boring(sym))
        return;
    /* A headerless excerpt's first frame is usually the faulting function, even when marked '?'. */
    if (!unsure || (first && (b->flags & KB_ORPHAN) && !b->rip_set))
        list_add(b->frames_sure, sizeof b->frames_sure, sym);
    else
        list_add(b->frames_maybe, sizeof b->frames_maybe, sym);
}

/* ---- queue ----------------------------------------------------------------------------------- */

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
    sw_strlcpy(b->stamp, l->stamp, sizeof b->stamp);
    if (m && !(flags & KB_ORPHAN))
        sw_strlcpy(b->headline, m, sizeof b->headline);
}

static int decide_kind(const struct sw_kmsg_block *b, int *also)
{
    uint32_t f = b->flags;
    *also = 0;
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
        *also = (f & KB_NULL)    ? SW_KLOG_NULL_DEREF
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

static void close_block(struct sw_kmsg_cls *c)
{
    struct sw_kmsg_block *b = &c->b;
    if (!b->open)
        return;
    b->open = false;
    if (b->flags & KB_ORPHAN) {
        /* Keep a headerless fragment only if it is clearly a kernel report, not a stray frame. */
        bool real = (b->flags & (KB_KREGS | KB_UD2 | KB_END | KB_LOCKS)) || b->rip_set || b->frames >= 2;
        if (!real)
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
    list_add(syms, cap, b->rip);
    char tmp[112];
    for (int pass = 0; pass < 2; pass++) {
        sw_strlcpy(tmp, pass ? b->frames_maybe : b->frames_sure, sizeof tmp);
        for (char *tok = tmp, *next; tok && *tok; tok = next) {
            next = strchr(tok, ' ');
            if (next)
                *next++ = '\0';
            list_add(syms, cap, tok);
        }
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
    close_block(c);
}

/* ---- field extraction ------------------------------------------------------------------------ */

/* "CPU: 3 PID: 44492 Comm: gcc Not tainted ..." (6.10+: "CPU: 3 UID: 0 PID: ..."). */
static void take_cpu_line(struct sw_kmsg_block *b, const char *m)
{
    const char *p = strstr(m, "CPU: ");
    if (p && b->cpu < 0)
        b->cpu = (int)dec(p + 5, NULL);
    p = strstr(m, "PID: ");
    if (p && b->pid <= 0) {
        long v = dec(p + 5, NULL);
        b->pid = v > 0 ? (int)v : 0;
    }
    p = strstr(m, "Comm: ");
    if (p && !b->task[0]) {
        p += 6;
        size_t n = 0;
        while (p[n] && p[n] != ' ')
            n++;
        copyn(b->task, sizeof b->task, p, n);
    }
}

/* "name:pid" (hung task, soft lockup): the name may itself contain ':' (kworker/u16:129). */
static void take_task_colon_pid(struct sw_kmsg_block *b, const char *s, size_t n)
{
    size_t k = n;
    while (k > 0 && s[k - 1] != ':')
        k--;
    if (k > 1 && dig(s[k])) {
        copyn(b->task, sizeof b->task, s, k - 1);
        b->pid = (int)dec(s + k, NULL);
    } else {
        copyn(b->task, sizeof b->task, s, n);
    }
}

/* "likely on CPU 3 (core 2, socket 0)" on user fault lines. */
static void take_likely_cpu(struct sw_kmsg_block *b, const char *m)
{
    const char *p = strstr(m, "likely on CPU ");
    if (p)
        b->cpu = (int)dec(p + 14, NULL);
}

/* " in libLLVM.so.22.1[7f..+..]" -> where = "libLLVM.so.22.1". */
static void take_dso(struct sw_kmsg_block *b, const char *m)
{
    const char *p = strstr(m, " in ");
    if (!p)
        return;
    p += 4;
    size_t n = 0;
    while (p[n] && p[n] != '[' && p[n] != ' ')
        n++;
    copyn(b->where, sizeof b->where, p, n);
}

static void take_rip(struct sw_kmsg_block *b, const char *m)
{
    /* "RIP: 0010:func+0x9e/0x470" or old "RIP: 0010:[<ffffffff81234>]  [<ffffffff81234>] func+0x.." */
    const char *p = m + 5;
    while (*p == ' ')
        p++;
    bool kernel = starts(p, "0010:");
    if (kernel)
        b->flags |= KB_KREGS;
    const char *colon = strchr(p, ':');
    if (!colon || b->rip_set)
        return;
    char sym[48];
    bool unsure;
    if (parse_frame(colon + 1, sym, sizeof sym, &unsure) && kernel) {
        sw_strlcpy(b->rip, sym, sizeof b->rip);
        b->rip_set = true;
    }
}

/* Lines that belong to a report already being printed (registers, module list, ...). */
static bool is_report_context(const char *m)
{
    static const char *const pre[] = {
        "RSP:", "RAX:", "RBX:", "RCX:", "RDX:", "RBP:", "RSI:", "RDI:", "R08:", "R09:", "R10:", "R11:",
        "R12:", "R13:", "R14:", "R15:", "FS:", "GS:", "CS:", "CR0:", "CR2:", "CR3:", "CR4:", "DR0:",
        "DR1:", "DR2:", "DR3:", "DR6:", "DR7:", "PKRU:", "EFLAGS", "ORIG_RAX", "Code:", "Stack:", "PGD ",
        "P4D ", "PUD ", "PMD ", "#PF:", "Hardware name:", "Workqueue:", "Modules linked in:", "Tainted:",
        "Kernel Offset:", "Dumping ftrace", "irq event stamp", "hardirqs last", "softirqs last",
        "Fixing recursive fault", "note: ", "task:", "<TASK>", "</TASK>", "<IRQ>", "</IRQ>", "<NMI>",
        "</NMI>", "<EOI>", "<<EOE>>", "Call Trace:", "Sending NMI", "NMI backtrace", "(detected by",
        "rcu: RCU grace-period kthread", "Showing all locks held", "RIP:", "Mem-Info:", "Node ",
        "Tasks state", "oom-kill:", "[  pid  ]", "Free swap", "Total swap", "active_anon:",
        "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\"", "page dumped because", "page:",
        "page flags:", "flags:", "raw:", "Disabling lock debugging", "Lockdep", "Object ", "Redzone ",
        "Padding ", "INFO: Freed in", "INFO: Allocated in", "INFO: Slab ", "INFO: Object ", NULL};
    for (int i = 0; pre[i]; i++)
        if (starts(m, pre[i]))
            return true;
    /* "1 lock held by khungtaskd/38:", " #0: ffffffff (rcu_read_lock){....}-{1:2}, at: ..." */
    if (strstr(m, " lock held by ") || strstr(m, " locks held by ") || (m[0] == '#' && dig(m[1])))
        return true;
    /* raw stack words: "ffffffff814a2759 ffffffff814a16b1 0000000000000010 ffff880409a48d60" */
    int words = 0;
    const char *p = m;
    while (*p) {
        int n = 0;
        while (xdig(p[n]))
            n++;
        if (n != 16 || (p[n] != ' ' && p[n] != '\0'))
            break;
        words++;
        p += n;
        while (*p == ' ')
            p++;
    }
    return words >= 2 && *p == '\0';
}

/* OOM task table row: "[  1018]  1000  1018 18504817     6834  1785856    71296             0 claude". */
static bool is_oom_row(const char *m)
{
    const char *p = m;
    if (*p != '[')
        return false;
    p++;
    while (*p == ' ')
        p++;
    if (!dig(*p))
        return false;
    while (dig(*p))
        p++;
    if (*p != ']')
        return false;
    p++;
    int nums = 0;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '-')
            p++;
        if (!dig(*p))
            break;
        while (dig(*p))
            p++;
        nums++;
    }
    return nums >= 5 && *p != '\0';
}

/* "NAME[PID]" ending right before end: copies NAME and PID (NAME may hold spaces: "opt cgu.5"). */
static bool take_name_pid(struct sw_kmsg_block *b, const char *start, const char *end)
{
    if (end <= start || end[-1] != ']')
        return false;
    const char *lb = end - 1;
    while (lb > start && lb[-1] != '[')
        lb--;
    if (lb <= start || !dig(*lb))
        return false;
    b->pid = (int)dec(lb, NULL);
    copyn(b->task, sizeof b->task, start, (size_t)(lb - 1 - start));
    return true;
}

/* ---- the classifier ------------------------------------------------------------------------- */

/* Finds a headline pattern in m. Lines with kernel framing match anywhere (a "stresswsl-test: "
 * prefix is fine); unframed text (a pasted oops, or prose) only when nothing quoted or parenthesised
 * comes before it, so a sentence that quotes a log line is not taken for the log line. */
static const char *hl(const struct sw_kmsg_line *l, const char *m, const char *needle)
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

static bool block_is(const struct sw_kmsg_cls *c, int kind)
{
    return c->b.open && c->b.kind == kind;
}

static void start(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, int kind, uint32_t flags)
{
    close_block(c);
    open_block(c, l, m, kind, flags);
}

static bool only_cut_or(const struct sw_kmsg_block *b, uint32_t allowed)
{
    return b->open && !(b->flags & ~(KB_CUT | allowed)) && (b->kind == 0 || b->kind == SW_KLOG_SLAB_CORRUPTION);
}

static bool handle_panic(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *p)
{
    const char *reason = p + strlen("Kernel panic - not syncing:");
    while (*reason == ' ')
        reason++;
    /* panic_on_oom: the task table just printed is this panic's context, not a second event. */
    if (c->b.open && (c->b.flags & KB_OOMTAB) && strstr(reason, "Out of memory"))
        c->b.open = false;
    start(c, l, m, SW_KLOG_PANIC, 0);
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

static void handle_mce(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *bank)
{
    start(c, l, m, SW_KLOG_MCE, KB_MCE);
    struct sw_kmsg_block *b = &c->b;
    b->accept_trace = false;
    const char *p = strstr(m, "CPU ");
    if (p && p < bank) {
        p += 4;
        while (*p == ' ')
            p++;   /* "CPU  8" in hand-aligned notes */
        b->cpu = (int)dec(p, NULL);
    }
    const char *e;
    long nb = dec(bank + 5, &e);
    uint64_t status = 0;
    if (*e == ':') {
        e++;
        while (*e == ' ')
            e++;
        status = hexval(e, NULL);
    }
    /* MCi_STATUS: bit 61 UC (uncorrected), bit 57 PCC (processor context corrupt). */
    bool uc = (status >> 61) & 1, pcc = (status >> 57) & 1;
    sw_strlcpy(b->what, uc ? (pcc ? "uncorrected, context corrupt" : "uncorrected") : "corrected", sizeof b->what);
    b->sev_hint = uc ? SW_SEV_FATAL : SW_SEV_ERROR;
    struct sw_fmt f;
    sw_fmt_init(&f, b->where, sizeof b->where);
    sw_fmt_str(&f, "bank ");
    sw_fmt_i64(&f, nb);
    sw_fmt_str(&f, " status ");
    sw_fmt_hex(&f, status);
}

static bool handle_user_fault(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = hl(l, m, "]: segfault at ");
    if (p) {
        start(c, l, m, SW_KLOG_USER_SEGFAULT, 0);
        struct sw_kmsg_block *b = &c->b;
        b->accept_trace = false;
        take_name_pid(b, m, p + 1);
        const char *e = strstr(p, " error ");
        if (e) {
            size_t n = 6;
            while (e[n + 1] && e[n + 1] != ' ')
                n++;
            copyn(b->what, sizeof b->what, e + 1, n);
        }
        take_dso(b, p);
        take_likely_cpu(b, p);
        return true;
    }
    /* "traps: NAME[PID] trap divide error ip:...", "traps: NAME[PID] general protection fault ip:..." */
    const char *t = hl(l, m, "] trap ");
    const char *g = hl(l, m, "] general protection");
    if (!t && !g)
        return false;
    const char *br = t ? t : g;
    const char *name = starts(m, "traps: ") ? m + 7 : m;
    if (br < name)
        return false;
    start(c, l, m, SW_KLOG_USER_TRAP, 0);
    struct sw_kmsg_block *b = &c->b;
    b->accept_trace = false;
    if (!take_name_pid(b, name, br + 1)) {
        b->open = false;
        return false;
    }
    const char *what = t ? br + 7 : br + 2;
    const char *ip = strstr(what, " ip");
    size_t n = ip ? (size_t)(ip - what) : strlen(what);
    copyn(b->what, sizeof b->what, what, n);
    if (starts(what, "int3"))
        b->sev_hint = SW_SEV_WARN;   /* a debugger breakpoint, not a fault */
    take_dso(b, what);
    take_likely_cpu(b, what);
    return true;
}

static void handle_warning(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *w)
{
    if (!only_cut_or(&c->b, 0))
        start(c, l, m, SW_KLOG_WARNING, 0);
    struct sw_kmsg_block *b = &c->b;
    b->kind = SW_KLOG_WARNING;
    sw_strlcpy(b->headline, m, sizeof b->headline);
    const char *p = w + 9;   /* after "WARNING: " */
    const char *at = NULL;
    if (starts(p, "CPU: ")) {
        take_cpu_line(b, p);
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
            if (parse_frame(sp + 4, sym, sizeof sym, &unsure))
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
    const char *hash = strstr(m, " [#");
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
    const char *raw = l->msg;
    const char *m = raw;
    while (*m == ' ' || *m == '\t')
        m++;
    bool kernelish = l->kernel;
    if (!*m)
        return kernelish;
    struct sw_kmsg_block *b = &c->b;
    if (b->open) {
        if (l->ts_us >= 0 && b->ts_us >= 0 && (l->ts_us - b->ts_us > GAP_CLOSE_US || l->ts_us < b->ts_us - GAP_CLOSE_US))
            close_block(c);
        else if (++b->lines > MAX_BLOCK_LINES)
            close_block(c);
    }
    const char *p;

    /* End markers first: "---[ end Kernel panic - not syncing: ..." is not a new panic. */
    if (starts(m, "---[ end ")) {
        if (!b->open)
            open_block(c, l, NULL, 0, KB_ORPHAN);
        b->flags |= KB_END | KB_KREGS;
        close_block(c);
        return true;
    }
    if ((p = hl(l, m, "Kernel panic - not syncing:")) != NULL)
        return handle_panic(c, l, m, p);
    /* User-space faults before anything else: "traps: x[1] general protection fault" is not a
     * kernel gpf, and "x[1]: segfault" is not a kernel oops. */
    if (handle_user_fault(c, l, m))
        return true;
    if ((p = hl(l, m, "Machine Check")) != NULL && (p = strstr(p, "Bank ")) != NULL && dig(p[5])) {
        handle_mce(c, l, m, p);
        return true;
    }
    if (hl(l, m, "[Hardware Error]:")) {
        if (block_is(c, SW_KLOG_MCE))
            return true;   /* TSC/ADDR/PROCESSOR lines of the same record */
        if (hl(l, m, "Machine check events logged") && c->last_kind != SW_KLOG_MCE) {
            start(c, l, m, SW_KLOG_MCE, KB_MCE);
            sw_strlcpy(b->what, "logged (details in mcelog)", sizeof b->what);
            b->accept_trace = false;
        }
        return true;
    }
    if ((p = hl(l, m, "soft lockup - CPU#")) != NULL) {
        start(c, l, m, SW_KLOG_SOFT_LOCKUP, 0);
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
            take_task_colon_pid(b, lb + 1, (size_t)(rb - lb - 1));
        return true;
    }
    if ((p = hl(l, m, "hard LOCKUP on cpu ")) != NULL) {
        start(c, l, m, SW_KLOG_HARD_LOCKUP, KB_HARDLOCK);
        b->cpu = (int)dec(p + 19, NULL);
        return true;
    }
    if (hl(l, m, "detected stalls on CPUs") || hl(l, m, "self-detected stall on CPU") ||
        hl(l, m, "detected expedited stalls")) {
        start(c, l, m, SW_KLOG_RCU_STALL, 0);
        return true;
    }
    if (hl(l, m, "kthread starved for")) {
        if (!block_is(c, SW_KLOG_RCU_STALL))
            start(c, l, m, SW_KLOG_RCU_STALL, 0);
        sw_strlcpy(b->what, "grace-period kthread starved", sizeof b->what);
        return true;
    }
    if (block_is(c, SW_KLOG_RCU_STALL) && b->cpu < 0) {
        /* "rcu: \t1-...!: (0 ticks this GP) ...": the stalled CPU. */
        const char *q = starts(m, "rcu:") ? m + 4 : m;
        while (*q == ' ' || *q == '\t')
            q++;
        const char *e;
        long cpu = dec(q, &e);
        if (cpu >= 0 && *e == '-' && strstr(e, "GP")) {
            b->cpu = (int)cpu;
            return true;
        }
    }
    if (starts(m, "INFO: task ") && (p = hl(l, m, " blocked for more than ")) != NULL) {
        start(c, l, m, SW_KLOG_HUNG_TASK, KB_HUNG);
        take_task_colon_pid(b, m + 11, (size_t)(p - m - 11));
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
    if ((p = hl(l, m, " invoked oom-killer:")) != NULL) {
        start(c, l, m, SW_KLOG_OOM_KILL, KB_OOM);
        copyn(b->task, sizeof b->task, m, (size_t)(p - m));
        sw_strlcpy(b->what, "oom-killer invoked", sizeof b->what);
        return true;
    }
    if ((p = hl(l, m, "Killed process ")) != NULL || (p = hl(l, m, "Kill process ")) != NULL) {
        if (!block_is(c, SW_KLOG_OOM_KILL) || !(b->flags & KB_OOM) || (b->flags & KB_OOMTAB))
            start(c, l, m, SW_KLOG_OOM_KILL, KB_OOM);
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
        close_block(c);
        return true;
    }
    if (is_oom_row(m) || starts(m, "[  pid  ]")) {
        if (!block_is(c, SW_KLOG_OOM_KILL)) {
            start(c, l, NULL, SW_KLOG_OOM_KILL, KB_OOMTAB);
            sw_strlcpy(b->headline, "OOM killer task table (its 'Killed process' line is not in this log)",
                       sizeof b->headline);
            sw_strlcpy(b->what, "task table only", sizeof b->what);
            b->sev_hint = SW_SEV_WARN;   /* context of an OOM, not proof of a kill */
            b->accept_trace = false;
        }
        return true;
    }
    if ((p = hl(l, m, "Bad page state in process ")) != NULL || (p = hl(l, m, "Bad page map in process ")) != NULL) {
        if (block_is(c, SW_KLOG_BAD_PAGE) && b->lines <= 1 && strcmp(b->headline, m) == 0)
            return true;   /* syslog duplicated the line */
        start(c, l, m, SW_KLOG_BAD_PAGE, 0);
        const char *q = strstr(p, "process ") + 8;
        size_t n = 0;
        while (q[n] && q[n] != ' ')
            n++;
        copyn(b->task, sizeof b->task, q, n);
        return true;
    }
    if ((p = hl(l, m, "BUG: KASAN: ")) != NULL || (p = hl(l, m, "usercopy: Kernel memory ")) != NULL ||
        (starts(m, "BUG ") && (hl(l, m, " (Not tainted)") || hl(l, m, " (Tainted"))) ||
        starts(m, "Redzone overwritten") || starts(m, "Poison overwritten") || starts(m, "Object already free") ||
        hl(l, m, "Freepointer corrupt") || starts(m, "Object padding overwritten") ||
        hl(l, m, "Padding overwritten")) {
        if (!(b->open && (b->flags & KB_SLAB) && !(b->flags & (KB_BUG_AT | KB_DIE))))
            start(c, l, m, SW_KLOG_SLAB_CORRUPTION, KB_SLAB);
        if (!b->what[0]) {
            const char *w = m;
            if (hl(l, m, "KASAN: "))
                w = hl(l, m, "KASAN: ") + 7;
            else if (hl(l, m, "): "))
                w = hl(l, m, "): ") + 3;
            else if (starts(m, "usercopy: "))
                w = m + 10;
            copyn(b->what, sizeof b->what, w, strlen(w));
        }
        return true;
    }
    if (hl(l, m, "------------[ cut here ]------------")) {
        /* usercopy_abort() prints its line, then BUG()s: keep both in one report. */
        if (b->open && (b->flags & KB_SLAB) && !(b->flags & (KB_BUG_AT | KB_DIE)))
            b->flags |= KB_CUT;
        else
            start(c, l, NULL, 0, KB_CUT);
        return true;
    }
    if ((p = hl(l, m, "kernel BUG at ")) != NULL) {
        if (!only_cut_or(b, KB_SLAB))
            start(c, l, m, SW_KLOG_BUG, 0);
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
    if ((p = hl(l, m, "NULL pointer dereference")) != NULL && (hl(l, m, "BUG: ") || hl(l, m, "Unable to handle"))) {
        start(c, l, m, SW_KLOG_OOPS, KB_NULL);
        return true;
    }
    if (hl(l, m, "BUG: unable to handle page fault") || hl(l, m, "BUG: unable to handle kernel paging request") ||
        hl(l, m, "Unable to handle kernel paging request")) {
        start(c, l, m, SW_KLOG_OOPS, KB_PF);
        return true;
    }
    uint32_t die = die_line(m);
    if (die) {
        if (!(b->open && !(b->flags & KB_DIE) && !(b->flags & KB_ORPHAN) &&
              (b->kind == 0 || b->kind == SW_KLOG_OOPS || b->kind == SW_KLOG_BUG || b->kind == SW_KLOG_SLAB_CORRUPTION)))
            start(c, l, m, SW_KLOG_OOPS, 0);
        b->flags |= die;
        if (!b->headline[0])
            sw_strlcpy(b->headline, m, sizeof b->headline);
        if (b->kind == 0)
            b->kind = SW_KLOG_OOPS;
        return true;
    }
    p = hl(l, m, "WARNING: CPU: ");
    if (!p && starts(m, "WARNING: "))
        p = m;
    if (p) {
        handle_warning(c, l, m, p);
        return true;
    }
    if ((p = hl(l, m, "BUG: ")) != NULL && (p == m || p[-1] == ' ')) {
        /* Other kernel BUG reports: "sleeping function called from invalid context", "scheduling
         * while atomic", "workqueue lockup", "spinlock recursion", ... */
        start(c, l, m, SW_KLOG_BUG, KB_BUG_AT);
        size_t n = strlen(p + 5);
        copyn(b->what, sizeof b->what, p + 5, n);
        return true;
    }

    /* ---- context lines of a report ---- */
    if (starts(m, "CPU: ") && strstr(m, "PID: ")) {
        if (!b->open || !b->accept_trace)
            start(c, l, NULL, 0, KB_ORPHAN);
        take_cpu_line(b, m);
        return true;
    }
    if (starts(m, "RIP: ")) {
        if (!b->open || !b->accept_trace)
            start(c, l, NULL, 0, KB_ORPHAN);
        take_rip(b, m);
        return true;
    }
    if (starts(m, "Call Trace:")) {
        if (!b->open || !b->accept_trace)
            start(c, l, NULL, 0, KB_ORPHAN);
        b->in_trace = true;
        return true;
    }
    char sym[64];
    bool unsure;
    if (parse_frame(m, sym, sizeof sym, &unsure)) {
        if (!b->open || !b->accept_trace)
            start(c, l, NULL, 0, KB_ORPHAN);
        add_frame(b, sym, unsure);
        return true;
    }
    if (is_report_context(m)) {
        bool user_code = starts(m, "Code:") && b->open && !b->accept_trace;
        if (user_code)
            return true;   /* the Code: line printed after a user segfault/trap */
        bool starter = starts(m, "Code:") || starts(m, "RSP:") || starts(m, "RAX:") || starts(m, "CS:") ||
                       starts(m, "Modules linked in:");
        if (starter && (!b->open || !b->accept_trace))
            start(c, l, NULL, 0, KB_ORPHAN);
        if (b->open) {
            if (starts(m, "Code:") && strstr(m, "<0f> 0b"))
                b->flags |= KB_UD2;
            if (starts(m, "CS:  0010") || starts(m, "RSP: 0018:") || starts(m, "CS: 0010"))
                b->flags |= KB_KREGS;
        }
        return true;
    }
    if (b->open && !b->accept_trace)
        close_block(c);   /* one-line events end at the next unrelated line */
    return kernelish;
}

/* ---- one human line --------------------------------------------------------------------------- */

void sw_kmsg_event_line(const struct sw_event *ev, char *buf, size_t cap)
{
    struct sw_fmt f;
    sw_fmt_init(&f, buf, cap);
    sw_fmt_str(&f, sw_klog_kind_name((enum sw_klog_kind)ev->klog_kind));
    if (ev->klog_also) {
        sw_fmt_str(&f, "+");
        sw_fmt_str(&f, sw_klog_kind_name((enum sw_klog_kind)ev->klog_also));
    }
    sw_fmt_str(&f, " ");
    sw_fmt_str(&f, sw_sev_name((enum sw_sev)ev->sev));
    if (ev->cpu >= 0) {
        sw_fmt_str(&f, " cpu ");
        sw_fmt_i64(&f, ev->cpu);
    }
    if (ev->u.klog.task[0]) {
        sw_fmt_str(&f, " task ");
        sw_fmt_str(&f, ev->u.klog.task);
        if (ev->pid > 0) {
            sw_fmt_str(&f, "[");
            sw_fmt_i64(&f, ev->pid);
            sw_fmt_str(&f, "]");
        }
    }
    if (ev->what[0]) {
        sw_fmt_str(&f, " (");
        sw_fmt_str(&f, ev->what);
        sw_fmt_str(&f, ")");
    }
    if (ev->u.klog.where[0]) {
        sw_fmt_str(&f, " at ");
        sw_fmt_str(&f, ev->u.klog.where);
    }
    if (ev->u.klog.symbols[0]) {
        sw_fmt_str(&f, " in ");
        sw_fmt_str(&f, ev->u.klog.symbols);
    }
    sw_fmt_str(&f, ": ");
    sw_fmt_str(&f, ev->text);
}
