/* Kernel-log lines (probes/kmsg_line.c) and the classifier (probes/kmsg_classify.c), fed the way
 * `analyze` feeds a saved log: format detection on the first lines, then every line through the
 * reader and the classifier, popping hits as they come. The first byte also forces each format in
 * turn, so formats that detection rarely picks are reached too. A second classifier runs every
 * detector on every line (exhaustive, no first test), and a third is fed the same lines parsed in place
 * (NUL-terminated, without their newline, as analyze's reader hands them out): all must say exactly the
 * same, or it aborts. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probes/kmsg_classify.h"
#include "probes/kmsg_line.h"
#include "tests/fuzz/fuzz_util.h"

#define DETECT_LINES 64

/* The next hits of two classifiers, which must be the same. */
static void same_hits(struct sw_kmsg_cls *c, struct sw_kmsg_cls *x)
{
    struct sw_kmsg_hit h, hx;
    for (;;) {
        bool a = sw_kmsg_cls_pop(c, &h), b = sw_kmsg_cls_pop(x, &hx);
        if (a != b || (a && (memcmp(&h.ev, &hx.ev, sizeof h.ev) || h.ts_us != hx.ts_us || h.line_no != hx.line_no ||
                             strcmp(h.stamp, hx.stamp))))
            abort();   /* the first test, or parsing in place, changed a classification */
        if (!a)
            return;
    }
}

/* c's pending hits against x's and i's: copies of c's queue are compared with each. */
static void same_hits3(struct sw_kmsg_cls *c, struct sw_kmsg_cls *x, struct sw_kmsg_cls *i)
{
    static struct sw_kmsg_cls c2;
    c2 = *c;
    same_hits(c, x);
    same_hits(&c2, i);
}

static void run(const char *text, size_t size, enum sw_kmsg_format fmt)
{
    static struct sw_kmsg_cls c, x, in;
    struct sw_kmsg_reader r, ri;
    static struct sw_kmsg_line l, li;
    sw_kmsg_cls_init(&c);
    sw_kmsg_cls_init(&x);
    sw_kmsg_cls_init(&in);
    x.exhaustive = true;
    sw_kmsg_reader_init(&r, fmt);
    sw_kmsg_reader_init(&ri, fmt);
    ri.inplace = true;
    const char *p = text, *end = text + size;
    while (p < end) {
        /* one line with its newline, as analyze reads them, in a buffer of exactly its length so
         * that reading past it is caught */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        char *line = malloc(n ? n : 1);
        memcpy(line, p, n);
        size_t zn = nl ? n - 1 : n;   /* the in-place copy: no newline, a NUL, nothing after it */
        char *z = malloc(zn + 1);
        memcpy(z, p, zn);
        z[zn] = '\0';
        sw_kmsg_reader_feed(&r, line, n);
        sw_kmsg_reader_feed(&ri, z, zn);
        while (sw_kmsg_reader_next(&r, &l)) {
            if (!sw_kmsg_reader_next(&ri, &li) || l.text_len != li.text_len || memcmp(l.text, li.text, l.text_len + 1))
                abort();   /* parsed in place, the message must be the same bytes */
            bool k = sw_kmsg_cls_feed(&c, &l);
            if (k != sw_kmsg_cls_feed(&x, &l) || k != sw_kmsg_cls_feed(&in, &li))
                abort();
            same_hits3(&c, &x, &in);
        }
        if (sw_kmsg_reader_next(&ri, &li))
            abort();
        free(line);
        free(z);
        p += n;
    }
    sw_kmsg_cls_flush(&c);
    sw_kmsg_cls_flush(&x);
    sw_kmsg_cls_flush(&in);
    same_hits3(&c, &x, &in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *lines[DETECT_LINES];
    size_t lens[DETECT_LINES], n = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end && n < DETECT_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lines[n] = p;
        lens[n++] = len;
        p += len + 1;
    }
    enum sw_kmsg_format fmt = sw_kmsg_detect(lines, lens, n);
    run((const char *)data, size, fmt);
    if (size > 0) {
        enum sw_kmsg_format forced = (enum sw_kmsg_format)(data[0] % SW_KFMT_COUNT);
        if (forced != fmt)
            run((const char *)data, size, forced);
    }
    for (size_t i = 0; i < n; i++) {   /* the single-line parser and timestamp scanner alone */
        struct sw_kmsg_line l;
        sw_kmsg_line_parse(lines[i], lens[i], fmt, &l);
        int64_t us;
        sw_kmsg_scan_ts(lines[i], lens[i], &us);
    }
    return 0;
}
