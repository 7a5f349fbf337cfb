/* The per-file half of reading a kernel log (probes/kmsg_line.h): what one line cannot know. A Hyper-V
 * event text's guest lines follow "Guest message:", and event viewers may join them into one physical
 * line; every other format is one line, one message, parsed in place when the caller allows it. */
#include "probes/kmsg_line.h"

#include <string.h>

void sw_kmsg_reader_init(struct sw_kmsg_reader *r, enum sw_kmsg_format fmt)
{
    memset(r, 0, sizeof *r);
    r->fmt = fmt;
}

void sw_kmsg_reader_feed(struct sw_kmsg_reader *r, const char *line, size_t len)
{
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    r->rest = line;
    r->rest_len = len;
    r->first = true;
}

static void skip_line(struct sw_kmsg_line *out)
{
    sw_kmsg_line_parse("", 0, SW_KFMT_PLAIN, out);
    out->skip = true;
}

bool sw_kmsg_reader_next(struct sw_kmsg_reader *r, struct sw_kmsg_line *out)
{
    if (!r->rest)
        return false;
    const char *s = r->rest;
    size_t len = r->rest_len;
    if (r->fmt != SW_KFMT_HYPERV) {
        r->rest = NULL;
        if (r->inplace)
            sw_kmsg_line_parse_inplace(s, len, r->fmt, out);
        else
            sw_kmsg_line_parse(s, len, r->fmt, out);
        return true;
    }
    if (r->first) {
        r->first = false;
        /* A new event's header ends the previous event's guest text. */
        if (memmem(s, len, "has encountered a fatal error", 29) || (len >= 9 && memcmp(s, "Log Name:", 9) == 0))
            r->in_guest = false;
        if (!r->in_guest) {
            const char *g = memmem(s, len, "Guest message:", 14);
            if (!g) {
                r->rest = NULL;
                skip_line(out);
                return true;
            }
            r->in_guest = true;
            size_t off = (size_t)(g - s) + 14;
            s += off;
            len -= off;
        }
    }
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    if (len == 0) {
        r->rest = NULL;
        skip_line(out);
        return true;
    }
    /* Event viewers may join the guest lines: split before every later "[ t.ttt]" stamp. */
    size_t cut = len;
    for (size_t k = 1; k < len; k++) {
        if (s[k] == '[' && (s[k - 1] == ' ' || s[k - 1] == '\t') && sw_kmsg_scan_ts(s + k, len - k, NULL)) {
            cut = k;
            break;
        }
    }
    sw_kmsg_line_parse(s, cut, SW_KFMT_DMESG, out);
    if (cut < len) {
        r->rest = s + cut;
        r->rest_len = len - cut;
    } else {
        r->rest = NULL;
    }
    return true;
}
