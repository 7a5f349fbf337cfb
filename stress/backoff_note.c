#include "stress/backoff_note.h"

#include "core/fmt.h"

void sw_note_backoff(struct sw_ctx *c, struct sw_backoff_note *n, const char *what, const char *why)
{
    n->count++;
    uint64_t now = sw_now_mono_ns();
    if (n->last_ns && now - n->last_ns < 1000000000ull)
        return;
    n->last_ns = now;
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, what);
    if (why)
        sw_fmt_str(&f, why);
    sw_fmt_str(&f, "; backing off (");
    sw_fmt_u64(&f, n->count);
    sw_fmt_str(&f, " so far)");
    sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, text);
}
