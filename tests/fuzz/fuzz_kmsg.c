/* Kernel-log lines (probes/kmsg_line.c) and the classifier (probes/kmsg_classify.c), fed the way
 * `analyze` feeds a saved log: format detection on the first lines, then every line through the
 * reader and the classifier, popping hits as they come. The first byte also forces each format in
 * turn, so formats that detection rarely picks are reached too. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probes/kmsg_classify.h"
#include "probes/kmsg_line.h"
#include "tests/fuzz/fuzz_util.h"

#define DETECT_LINES 64

static void run(const char *text, size_t size, enum sw_kmsg_format fmt)
{
    static struct sw_kmsg_cls c;
    struct sw_kmsg_reader r;
    struct sw_kmsg_line l;
    struct sw_kmsg_hit h;
    sw_kmsg_cls_init(&c);
    sw_kmsg_reader_init(&r, fmt);
    const char *p = text, *end = text + size;
    while (p < end) {
        /* one line with its newline, as analyze reads them, in a buffer of exactly its length so
         * that reading past it is caught */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        char *line = malloc(n ? n : 1);
        memcpy(line, p, n);
        sw_kmsg_reader_feed(&r, line, n);
        while (sw_kmsg_reader_next(&r, &l)) {
            sw_kmsg_cls_feed(&c, &l);
            while (sw_kmsg_cls_pop(&c, &h))
                ;
        }
        free(line);
        p += n;
    }
    sw_kmsg_cls_flush(&c);
    while (sw_kmsg_cls_pop(&c, &h))
        ;
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
