/* The classifier's cheap first test (probes/kmsg_quiet.c) changes nothing but speed: every corpus and
 * fixture log, and lines built from every literal the classifier's files search for, classify exactly
 * the same with it and without it (sw_kmsg_cls.exhaustive). Nor does parsing lines in place (the
 * reader's inplace mode, `analyze`'s way): the same logs classify the same, and every line parses to
 * the same fields and text. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_json.h"
#include "probes/kmsg_classify.h"
#include "probes/kmsg_cls_int.h"
#include "probes/kmsg_line.h"
#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

#define MAX_FILE (8u << 20)
#define MAX_LITERALS 1024

/* The source tree, from this file's own path (CMake compiles it by its absolute path). */
static const char *source_path(const char *rel)
{
    static char buf[4096];
    const char *me = __FILE__, *cut = strstr(me, "tests/unit/");
    if (!cut || me[0] != '/')
        SW_SKIP("the source tree is not known (%s)", me);
    snprintf(buf, sizeof buf, "%.*s%s", (int)(cut - me), me, rel);
    return buf;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* One classifier run's output as text: every event in full (its report.json form) and, per line,
 * whether the classifier called it kernel content. */
struct transcript {
    char *text;
    size_t len, cap;
};

static void put(struct transcript *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->text = realloc(t->text, t->cap);
        if (!t->text)
            abort();
    }
    memcpy(t->text + t->len, s, n + 1);
    t->len += n;
}

static void put_hits(struct sw_kmsg_cls *c, struct transcript *t)
{
    struct sw_kmsg_hit h;
    while (sw_kmsg_cls_pop(c, &h)) {
        json_t *o = sw_event_to_json(&h.ev, NULL);
        char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        char where[96];
        snprintf(where, sizeof where, "\n@%u %lld %s ", h.line_no, (long long)h.ts_us, h.stamp);
        put(t, where);
        put(t, s ? s : "?");
        free(s);
        json_decref(o);
    }
}

static struct sw_kmsg_cls cls;
static struct sw_kmsg_line line;

static char one_line[MAX_FILE + 1];

/* A whole log through detect + reader + classifier, the way `analyze` reads it (inplace: each line
 * copied into a buffer of its own and NUL-terminated, as analyze's reader hands them out). */
static void run_log(const char *text, bool exhaustive, bool inplace, struct transcript *t)
{
    struct sw_kmsg_reader rd;
    sw_kmsg_reader_init(&rd, kmsg_detect_text(text));
    rd.inplace = inplace;
    sw_kmsg_cls_init(&cls);
    cls.exhaustive = exhaustive;
    uint32_t n = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (inplace) {
            memcpy(one_line, p, len);
            one_line[len] = '\0';
            sw_kmsg_reader_feed(&rd, one_line, len);
        } else {
            sw_kmsg_reader_feed(&rd, p, len);
        }
        sw_kmsg_cls_set_line(&cls, ++n);
        while (sw_kmsg_reader_next(&rd, &line)) {
            put(t, sw_kmsg_cls_feed(&cls, &line) ? "K" : ".");
            put_hits(&cls, t);
        }
        p += len + (e ? 1 : 0);
    }
    sw_kmsg_cls_flush(&cls);
    put_hits(&cls, t);
}

static int same_logs_in(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        bool log = nl > 4 && !strcmp(de->d_name + nl - 4, ".log");
        bool txt = nl > 4 && !strcmp(de->d_name + nl - 4, ".txt");
        if (!log && !txt)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len;
        char *text = read_file(path, &len);
        if (!text)
            continue;
        struct transcript fast = {0}, full = {0}, inpl = {0};
        run_log(text, false, false, &fast);
        run_log(text, true, false, &full);
        run_log(text, false, true, &inpl);
        CHECK_MSG(fast.len == full.len && !memcmp(fast.text, full.text, fast.len),
                  "%s classifies differently with the first test:\n--- with\n%.2000s\n--- without\n%.2000s", path,
                  fast.text, full.text);
        CHECK_MSG(inpl.len == full.len && !memcmp(inpl.text, full.text, inpl.len),
                  "%s classifies differently parsed in place:\n--- in place\n%.2000s\n--- copied\n%.2000s", path,
                  inpl.text, full.text);
        files++;
        free(fast.text);
        free(full.text);
        free(inpl.text);
        free(text);
    }
    closedir(d);
    return files;
}

static void corpus_logs_same(void)
{
    int n = same_logs_in(source_path("tests/corpus/kmsg"));
    CHECK_MSG(n >= 50, "only %d corpus logs read", n);
}

static void fixture_logs_same(void)
{
    const char *dirs[] = {"kmsg", "kmsg-more", "host"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        int n = same_logs_in(sw_test_fixture(dirs[i]));
        CHECK_MSG(n > 0, "no logs in fixtures/%s", dirs[i]);
    }
}

/* Every string literal of a C file (escapes \" \\ \t \n kept simple), 2+ characters. */
static size_t literals_of(const char *path, char **out, size_t n, size_t cap)
{
    size_t len;
    char *src = read_file(path, &len);
    CHECK_MSG(src != NULL, "cannot read %s", path);
    if (!src)
        return n;
    for (char *p = src; (p = strchr(p, '"')) != NULL && n < cap;) {
        if (p > src && p[-1] == '\'') {   /* the character literal '"' */
            p++;
            continue;
        }
        char buf[256];
        size_t k = 0;
        for (p++; *p && *p != '"' && *p != '\n'; p++) {
            char ch = *p;
            if (ch == '\\' && p[1]) {
                p++;
                ch = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
            }
            if (k + 1 < sizeof buf && ch != '\n')
                buf[k++] = ch;
        }
        if (*p == '"')
            p++;
        buf[k] = '\0';
        if (k >= 2 && !strstr(buf, "#include"))
            out[n++] = strdup(buf);
    }
    free(src);
    return n;
}

/* Both classifiers' pending hits are the same (compared as stored: event record, stamp, line). */
static bool same_hits(struct sw_kmsg_cls *a, struct sw_kmsg_cls *b)
{
    struct sw_kmsg_hit ha, hb;
    bool same = true;
    for (;;) {
        bool x = sw_kmsg_cls_pop(a, &ha), y = sw_kmsg_cls_pop(b, &hb);
        if (x != y || (x && (memcmp(&ha.ev, &hb.ev, sizeof ha.ev) || ha.ts_us != hb.ts_us ||
                             ha.line_no != hb.line_no || strcmp(ha.stamp, hb.stamp))))
            same = false;
        if (!x && !y)
            return same;
    }
}

/* One line fed in both modes, after opener (a line that opens a report, or NULL): the same answers and
 * the same events. The classifiers are flushed between lines, not rebuilt (both see the same history). */
static bool pair_same(const char *opener, const char *text, enum sw_kmsg_format fmt)
{
    static struct sw_kmsg_cls a, b;
    if (!b.exhaustive) {
        sw_kmsg_cls_init(&a);
        sw_kmsg_cls_init(&b);
        b.exhaustive = true;
    }
    bool same = true;
    if (opener) {
        sw_kmsg_line_parse(opener, strlen(opener), SW_KFMT_DMESG, &line);
        same = sw_kmsg_cls_feed(&a, &line) == sw_kmsg_cls_feed(&b, &line);
    }
    sw_kmsg_line_parse(text, strlen(text), fmt, &line);
    same &= sw_kmsg_cls_feed(&a, &line) == sw_kmsg_cls_feed(&b, &line);
    sw_kmsg_cls_flush(&a);
    sw_kmsg_cls_flush(&b);
    return same_hits(&a, &b) && same;
}

/* Every literal the classifier's files search for, alone and in every pair (so compound triggers such
 * as "INFO: task " + " blocked for more than " are met), framed and unframed. */
static void literal_lines_same(void)
{
    static const char *const files[] = {"probes/kmsg_classify.c", "probes/kmsg_detectors.c", "probes/kmsg_mce.c",
                                        "probes/kmsg_fields.c", "probes/kmsg_frames.c",
                                        "probes/kmsg_storage.c", "probes/kmsg_thermal.c", "probes/kmsg_gpu.c"};
    static char *lit[MAX_LITERALS];
    size_t n = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        n = literals_of(source_path(files[i]), lit, n, MAX_LITERALS);
    CHECK_MSG(n > 200, "only %zu literals", n);
    char text[600];
    size_t lines = 0, diffs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= n; j++) {
            for (int framed = 0; framed < 2; framed++) {
                snprintf(text, sizeof text, "%s%s%s%s", framed ? "[   12.345678] " : "", lit[i], j < n ? " " : "",
                         j < n ? lit[j] : "");
                lines++;
                if (!pair_same(NULL, text, framed ? SW_KFMT_DMESG : SW_KFMT_PLAIN) && diffs++ < 5)
                    CHECK_MSG(false, "'%s' classifies differently with the first test", text);
            }
        }
    /* each literal again inside every kind of open report: one without an anchor skips the searches */
    static const char *const openers[] = {
        "[    1.000000] ------------[ cut here ]------------", "[    1.000000] Call Trace:",
        "[    1.000000] cc1[99]: segfault at 0 ip 0 sp 0 error 4 in cc1[400000+100]",
        "[    1.000000] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
        "[    1.000000] BUG: KASAN: slab-out-of-bounds in f+0x1/0x2",
        "[    1.000000] Hardware event. This is not a software error.",
        "[    1.000000] {3}[Hardware Error]: Hardware error from APEI Generic Hardware Error Source: 0",
        "[    1.000000] EDAC sbridge MC0: HANDLING MCE MEMORY ERROR",
        "[    1.000000] mce: [Hardware Error]: CPU 4: Machine Check: 0 Bank 0: 9400004000040150",
        "[    1.000000] Out of memory: Kill process 1 (x) score 1 or sacrifice child",
        "[    1.000000] INFO: task kworker/0:1:12 blocked for more than 120 seconds.",
    };
    for (size_t o = 0; o < sizeof openers / sizeof openers[0]; o++)
        for (size_t i = 0; i < n; i++)
            for (int framed = 0; framed < 2; framed++) {
                snprintf(text, sizeof text, "%s%s", framed ? "[    1.000001] " : "", lit[i]);
                lines++;
                if (!pair_same(openers[o], text, framed ? SW_KFMT_DMESG : SW_KFMT_PLAIN) && diffs++ < 5)
                    CHECK_MSG(false, "'%s' after '%s' classifies differently with the first test", text, openers[o]);
            }
    CHECK_MSG(diffs == 0, "%zu of %zu literal lines differ", diffs, lines);
    for (size_t i = 0; i < n; i++)
        free(lit[i]);
}

/* The first test is not vacuous: ordinary lines are quiet, every kind of trigger is not. */
static void quiet_lines(void)
{
    static const char *const quiet[] = {
        "Hyper-V: privilege flags low 0xae7f, high 0x3b8030, hints 0x20e24, misc 0x20bed7b2",
        "clocksource: hyperv_clocksource_tsc_page: mask: 0xffffffffffffffff max_cycles: 0x24e6a1710",
        "EXT4-fs (sdc): mounted filesystem with ordered data mode. Quota mode: none.",
        "systemd-journald[55]: Time jumped backwards, rotating.",
    };
    static const char *const loud[] = {
        "BUG: kernel NULL pointer dereference, address: 0000000000000008",
        "kworker/0:2: page allocation failure: order:7, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)",
        " ? __schedule+0x30b/0x440",
        "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
        "cc1[1234]: segfault at 0 ip 00000000004a1b2c sp 00007ffd error 4 in cc1[400000+1000000]",
        "mce: [Hardware Error]: CPU 4: Machine Check: 0 Bank 0: 9400004000040150",
        "divide error: 0000 [#1] SMP NOPTI",
        "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
    };
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        sw_kmsg_line_parse(quiet[i], strlen(quiet[i]), SW_KFMT_DMESG, &line);
        line.kernel = true;
        CHECK_MSG(kc_quiet(&line, line.msg), "not quiet: %s", quiet[i]);
    }
    for (size_t i = 0; i < sizeof loud / sizeof loud[0]; i++) {
        sw_kmsg_line_parse(loud[i], strlen(loud[i]), SW_KFMT_DMESG, &line);
        const char *m = line.msg;
        while (*m == ' ')
            m++;
        CHECK_MSG(!kc_quiet(&line, m), "quiet: %s", loud[i]);
    }
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"corpus_logs_same", corpus_logs_same},
        {"fixture_logs_same", fixture_logs_same},
        {"literal_lines_same", literal_lines_same},
        {"quiet_lines", quiet_lines},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
