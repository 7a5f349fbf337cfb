/* Fields of the lines inside a kernel report: CPU/PID/Comm, task names, RIP, taint, and which lines
 * are report context (registers, module list, stack words). Pure string work, no allocation. */
#include "probes/kmsg_cls_int.h"

#include "core/fmt.h"

/* "CPU: 3 PID: 44492 Comm: gcc Not tainted ..." (6.10+: "CPU: 3 UID: 0 PID: ..."). */
void kc_take_cpu_line(struct sw_kmsg_block *b, const char *m)
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
        /* comm may hold spaces ("CPU 7/KVM"): it ends where the taint part or the line ends */
        p += 6;
        const char *e = strstr(p, " Not tainted");
        if (!e)
            e = strstr(p, " Tainted:");
        if (!e)
            e = strstr(p, " Kdump:");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n > 0 && p[n - 1] == ' ')
            n--;
        copyn(b->task, sizeof b->task, p, n);
    }
}

/* "name:pid" (hung task, soft lockup): the name may itself contain ':' (kworker/u16:129). */
void kc_take_task_colon_pid(struct sw_kmsg_block *b, const char *s, size_t n)
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
void kc_take_likely_cpu(struct sw_kmsg_block *b, const char *m)
{
    const char *p = strstr(m, "likely on CPU ");
    if (p)
        b->cpu = (int)dec(p + 14, NULL);
}

/* " in libLLVM.so.22.1[7f..+..]" -> where = "libLLVM.so.22.1". */
void kc_take_dso(struct sw_kmsg_block *b, const char *m)
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

void kc_take_rip(struct sw_kmsg_block *b, const char *m)
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
    char sym[48], mod[24];
    bool unsure;
    if (kc_parse_frame(colon + 1, sym, sizeof sym, &unsure, mod, sizeof mod) && kernel) {
        sw_strlcpy(b->rip, sym, sizeof b->rip);
        b->rip_set = true;
        kc_note_module(b, sym, mod);
    }
}

/* "... Not tainted 5.15.153.1-microsoft-standard-WSL2 #1", "... Tainted: G  U  OE 6.8.0-1026-aws #28",
 * 6.x's own line "Tainted: [P]=PROPRIETARY_MODULE, [O]=OOT_MODULE": the taint letters, G left out
 * (it only says every module is GPL). Returns 1 tainted, 0 "Not tainted", -1 no taint text. */
int sw_kmsg_parse_taint(const char *m, char *letters, size_t cap)
{
    letters[0] = '\0';
    if (strstr(m, "Not tainted"))
        return 0;
    const char *p = strstr(m, "Tainted: ");
    if (!p)
        return -1;
    p += 9;
    size_t o = 0;
    bool bracketed = *p == '[';
    for (; *p && o + 1 < cap; p++) {
        if (bracketed) {
            if (p[0] == '[' && p[1] >= 'A' && p[1] <= 'Z' && p[2] == ']')
                letters[o++] = p[1];
            continue;
        }
        if (*p == ' ')
            continue;
        if (!(*p >= 'A' && *p <= 'Z') || (p[1] != ' ' && p[1] != '\0' && !(p[1] >= 'A' && p[1] <= 'Z')))
            break;   /* the release ("6.8.0-...") starts */
        if (*p != 'G')
            letters[o++] = *p;
    }
    letters[o] = '\0';
    return 1;
}

void kc_take_taint(struct sw_kmsg_block *b, const char *m)
{
    if (b->kx.flags & SW_KX_TAINT_SEEN)
        return;
    if (sw_kmsg_parse_taint(m, b->kx.taint, sizeof b->kx.taint) >= 0)
        b->kx.flags |= SW_KX_TAINT_SEEN;
}

/* Lines that belong to a report already being printed (registers, module list, ...): their prefixes. */
static const char *const context_pre[] = {
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

/* context_pre[] bucketed by first byte, so a line is compared with a few prefixes, not all. Built before
 * main: `analyze` classifies on two threads. */
enum { NPRE = sizeof context_pre / sizeof context_pre[0], PER = 32 };
static uint8_t bucket[256][PER], nbucket[256];
static bool overflow[256];

__attribute__((constructor)) static void context_buckets_init(void)
{
    _Static_assert(NPRE < 256, "prefix index fits a byte");
    for (int i = 0; context_pre[i]; i++) {
        unsigned char c = (unsigned char)context_pre[i][0];
        if (nbucket[c] < PER)
            bucket[c][nbucket[c]++] = (uint8_t)i;
        else
            overflow[c] = true;   /* too many for a bucket: that byte scans the whole list */
    }
}

bool kc_is_report_context(const char *m)
{
    unsigned char c0 = (unsigned char)m[0];
    if (overflow[c0]) {
        for (int i = 0; context_pre[i]; i++)
            if (starts(m, context_pre[i]))
                return true;
    }
    for (int k = 0; k < nbucket[c0]; k++)
        if (starts(m, context_pre[bucket[c0][k]]))
            return true;
    /* "1 lock held by khungtaskd/38:", " #0: ffffffff (rcu_read_lock){....}-{1:2}, at: ..." */
    if (m[0] == '#' && dig(m[1]))
        return true;
    for (const char *h = m; (h = strstr(h, " held by ")) != NULL; h++) {
        size_t back = (size_t)(h - m);
        if ((back >= 5 && memcmp(h - 5, " lock", 5) == 0) || (back >= 6 && memcmp(h - 6, " locks", 6) == 0))
            return true;
    }
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
bool kc_is_oom_row(const char *m)
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
bool kc_take_name_pid(struct sw_kmsg_block *b, const char *start, const char *end)
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