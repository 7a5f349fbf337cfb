/* The kernel's own bug detectors and their report headlines (names per docs/report-schema.md):
 *   kasan            "BUG: KASAN: slab-use-after-free in f+0x../0x.."
 *   kfence           "BUG: KFENCE: use-after-free read in f+0x../0x.."
 *   ubsan            "UBSAN: shift-out-of-bounds in fs/ext4/super.c:1234:5" (older: "Undefined behaviour in")
 *   list_corruption  "list_add corruption. ...", "list_del corruption, ..." (lib/list_debug.c)
 *   refcount         "refcount_t: underflow; use-after-free." (printed just before its WARNING)
 *   lockdep          "WARNING: possible circular locking dependency detected", "... recursive locking",
 *                    "WARNING: inconsistent lock state", "WARNING: suspicious RCU usage", ...
 *   atomic_sleep     "BUG: sleeping function called from invalid context at F:L", "BUG: scheduling while atomic"
 *   bad_page_map     "BUG: Bad page map in process", "BUG: Bad rss-counter state", "BUG: non-zero
 *                    pgtables_bytes", "bad pmd"/"bad pgd" lines, die("Bad pagetable")
 *   page_alloc_fail  "TASK: page allocation failure: order:N, mode:..." (warn: no crash by itself)
 * list/refcount reports live inside a WARNING or "kernel BUG at lib/list_debug.c": they become that
 * report's `also`, the same way an oops carries its cause. */
#include "probes/kmsg_cls_int.h"

#include "core/fmt.h"

/* "... in func+0x1a/0x100" or "... in fs/file.c:12:3" after the detector's own words. */
static void take_in(struct sw_kmsg_block *b, const char *p, bool path)
{
    const char *in = strstr(p, " in ");
    size_t wn = in ? (size_t)(in - p) : strlen(p);
    copyn(b->what, sizeof b->what, p, wn);
    if (!in)
        return;
    in += 4;
    size_t n = 0;
    while (in[n] && in[n] != ' ')
        n++;
    if (path) {
        /* a long build path keeps its tail: "...module/zfs/zio.c:5971:28" */
        size_t cap = sizeof b->where - 1;
        const char *from = in;
        while (n > cap) {
            const char *slash = memchr(from + 1, '/', n - 1);
            size_t skip = slash ? (size_t)(slash - from) : n - cap;
            from += skip;
            n -= skip;
        }
        copyn(b->where, sizeof b->where, from, n);
        return;
    }
    char sym[48];
    bool unsure;
    if (kc_parse_frame(in, sym, sizeof sym, &unsure, NULL, 0)) {
        sw_strlcpy(b->rip, sym, sizeof b->rip);
        b->rip_set = true;
    } else {
        size_t k = 0;
        while (symch(in[k]))
            k++;
        copyn(b->rip, sizeof b->rip, in, k);
    }
}

static void open_detector(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, int kind, int sev)
{
    kc_start(c, l, m, kind, KB_DETECTOR);
    c->b.sev_hint = sev;
}

static const char *const lockdep_heads[] = {
    "possible circular locking dependency detected", "possible recursive locking detected",
    "inconsistent lock state", "suspicious RCU usage", "bad unlock balance detected", "held lock freed",
    "possible irq lock inversion dependency detected", "lock held when returning to user space",
    "Nested lock was not taken", "inconsistent {", NULL,
};

static bool lockdep_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "WARNING: ");
    if (!p)
        p = kc_hl(c, l, m, "INFO: ");   /* 2.6/3.x: "[ INFO: possible circular locking dependency detected ]" */
    if (!p)
        p = kc_hl(c, l, m, "BUG: lock held");
    if (!p)
        return false;
    for (int i = 0; lockdep_heads[i]; i++) {
        const char *h = strstr(p, lockdep_heads[i]);
        if (h && h - p < 12) {
            open_detector(c, l, m, SW_KLOG_LOCKDEP, SW_SEV_WARN);
            copyn(c->b.what, sizeof c->b.what, h, strlen(h));
            return true;
        }
    }
    return false;
}

bool kc_detector_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    struct sw_kmsg_block *b = &c->b;
    const char *p;
    if ((p = kc_hl(c, l, m, "BUG: KASAN: ")) != NULL) {
        open_detector(c, l, m, SW_KLOG_KASAN, SW_SEV_ERROR);
        take_in(b, p + 12, false);
        return true;
    }
    if ((p = kc_hl(c, l, m, "BUG: KFENCE: ")) != NULL) {
        open_detector(c, l, m, SW_KLOG_KFENCE, SW_SEV_ERROR);
        take_in(b, p + 13, false);
        return true;
    }
    if ((p = kc_hl(c, l, m, "UBSAN: ")) != NULL && (p == m || p[-1] == ' ')) {
        open_detector(c, l, m, SW_KLOG_UBSAN, SW_SEV_WARN);
        take_in(b, p + 7, true);
        return true;
    }
    if (kc_block_is(c, SW_KLOG_KASAN) || kc_block_is(c, SW_KLOG_KFENCE)) {
        /* "Read of size 8 at addr ffff.. by task kworker/1:1/42", "Use-after-free read at 0x.. (in kfence-#79):" */
        if ((p = strstr(m, " by task ")) != NULL && !b->task[0]) {
            p += 9;
            size_t n = 0;
            while (p[n] && p[n] != ' ')
                n++;
            kc_take_task_colon_pid(b, p, n);
            char *slash = strrchr(b->task, '/');
            if (slash && dig(slash[1]) && !b->pid) {
                b->pid = (int)dec(slash + 1, NULL);
                *slash = '\0';
            }
            return true;
        }
    }
    if ((p = kc_hl(c, l, m, "list_add corruption")) != NULL || (p = kc_hl(c, l, m, "list_del corruption")) != NULL ||
        (p = kc_hl(c, l, m, "list_add double add")) != NULL) {
        if (b->open && (b->kind == SW_KLOG_WARNING || b->kind == SW_KLOG_BUG || b->kind == 0) && !(b->flags & KB_DETECTOR))
            b->flags |= KB_LIST;   /* the WARNING's own message line */
        else
            kc_start(c, l, m, 0, KB_LIST | KB_CUT);
        if (!b->headline[0])
            sw_strlcpy(b->headline, m, sizeof b->headline);
        return true;
    }
    if ((p = kc_hl(c, l, m, "refcount_t: ")) != NULL) {
        if (b->open && (b->kind == SW_KLOG_WARNING || b->kind == 0) && !(b->flags & ~(KB_CUT | KB_REFCOUNT)))
            b->flags |= KB_REFCOUNT;
        else
            kc_start(c, l, m, 0, KB_REFCOUNT | KB_CUT);
        if (!b->what[0])
            copyn(b->what, sizeof b->what, p + 12, strlen(p + 12));
        return true;
    }
    if (lockdep_line(c, l, m))
        return true;
    if ((p = kc_hl(c, l, m, "BUG: sleeping function called from invalid context")) != NULL ||
        (p = kc_hl(c, l, m, "BUG: scheduling while atomic")) != NULL) {
        bool sched = p[5] == 's' && p[6] == 'c';
        open_detector(c, l, m, SW_KLOG_ATOMIC_SLEEP, sched ? SW_SEV_ERROR : SW_SEV_WARN);
        copyn(b->what, sizeof b->what, p + 5, sched ? 23 : 16);
        const char *at = strstr(p, " at ");
        if (at && !sched)
            copyn(b->where, sizeof b->where, at + 4, strlen(at + 4));
        if (sched) {   /* "scheduling while atomic: swapper/0/0/0x00000002" */
            const char *t = strstr(p, "atomic: ");
            if (t) {
                t += 8;
                const char *e = strrchr(t, '/');
                if (e) {
                    const char *e2 = e;
                    while (e2 > t && e2[-1] != '/')
                        e2--;
                    if (e2 > t) {
                        copyn(b->task, sizeof b->task, t, (size_t)(e2 - 1 - t));
                        b->pid = (int)dec(e2, NULL);
                    }
                }
            }
        }
        return true;
    }
    if ((p = kc_hl(c, l, m, "Bad page map in process ")) != NULL || (p = kc_hl(c, l, m, "Bad rss-counter state")) != NULL ||
        (p = kc_hl(c, l, m, "non-zero pgtables_bytes")) != NULL ||
        ((p = kc_hl(c, l, m, ": bad p")) != NULL && (p[7] == 'm' || p[7] == 'g' || p[7] == 'u' || p[7] == '4') &&
         p[8] == 'd' && strstr(m, ".c:"))) {
        if (kc_block_is(c, SW_KLOG_BAD_PAGE_MAP) && b->lines <= 1 && strcmp(b->headline, m) == 0)
            return true;   /* syslog duplicated the line */
        open_detector(c, l, m, SW_KLOG_BAD_PAGE_MAP, SW_SEV_ERROR);
        const char *q = strstr(m, "process ");
        if (q) {
            q += 8;
            size_t n = 0;
            while (q[n] && q[n] != ' ')
                n++;
            copyn(b->task, sizeof b->task, q, n);
        }
        const char *w = strstr(m, "BUG: ");
        w = w ? w + 5 : p[0] == ':' ? p + 2 : p;
        size_t n = 0;
        while (w[n] && w[n] != ' ' && n < 8)
            n++;
        copyn(b->what, sizeof b->what, w, strcspn(w, ":"));
        return true;
    }
    if ((p = kc_hl(c, l, m, ": page allocation failure: ")) != NULL || (p = kc_hl(c, l, m, " page allocation failure: ")) != NULL) {
        open_detector(c, l, m, SW_KLOG_PAGE_ALLOC_FAIL, SW_SEV_WARN);
        const char *t = m;
        if (starts(t, "warn_alloc: "))
            t += 12;
        size_t n = (size_t)(p - t);
        copyn(b->task, sizeof b->task, t, n);
        const char *o = strstr(p, "order:");
        if (o)
            copyn(b->what, sizeof b->what, o, strcspn(o, ","));
        return true;
    }
    return false;
}
