/* One kernel event as one line a person reads: "oops+null_deref error cpu 5 task z_wr_iss in zap_leaf_lookup
 * fzap_length: BUG: kernel NULL ..." (analyze's readable output, the live view). Allocation-free. */
#include "probes/kmsg_classify.h"

#include "core/fmt.h"

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
