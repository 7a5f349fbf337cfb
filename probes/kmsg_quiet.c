/* The classifier's cheap first test (issue 10, analyze at disk speed). Most lines of a kernel log are
 * boot and driver chatter that belongs to no report; with no report open, such a line changes nothing
 * in the classifier. kc_quiet() tells those lines apart in one pass over the message, looking for the
 * ANCHORS below instead of running every detector's searches.
 *
 * Correct by construction: every way sw_kmsg_cls_feed() can act on a line while no report is open
 * (start a report, or call an unframed line kernel content) needs its line to contain one of these
 * literals, or to pass a test this file calls itself (a call-trace frame, an OOM task-table row,
 * report context on an unframed line). A new trigger needs its anchor here: test_kmsg_quiet feeds
 * every corpus line, and every literal the classifier's files search for, with and without this test
 * and requires identical results. Extra anchors only cost speed, never correctness. */
#include "probes/kmsg_cls_int.h"

struct anchor {
    const char *text;
    unsigned char key;   /* offset of the 2-byte key searched for: a pair that is rare in boot chatter */
};

/* Grouped by the code that needs them; a literal may cover several triggers ("BUG" covers every
 * "BUG: ...", "BUG " and "kernel BUG at"; "Bad " every "Bad page/rss-counter" line). */
static const struct anchor anchors[] = {
    /* kmsg_classify.c: headlines */
    {"---[ end ", 2}, {"Kernel panic - not syncing:", 25}, {"]: segfault at ", 0}, {"] trap ", 0},
    {"] general protection", 0}, {"soft lockup - CPU#", 16}, {"hard LOCKUP", 5}, {"detected stall", 12},
    {"detected expedited stalls", 10}, {"kthread starved", 11}, {"INFO: ", 1}, {"Showing all locks", 0},
    {" invoked oom-killer:", 12}, {"Kill", 0}, {"[  pid  ]", 0}, {"Bad ", 0}, {"usercopy: ", 7}, {"BUG", 0},
    {" overwritten", 5}, {"Object already free", 0}, {"Freepointer corrupt", 0}, {"[ cut here ]", 0},
    {"Unable to handle", 0}, {" [#", 1}, {"WARNING: ", 0}, {" suppressed", 3},
    /* kmsg_classify.c: report context that opens a headerless report */
    {"CPU: ", 2}, {"RIP: ", 2}, {"Call Trace", 5}, {"pc : ", 2}, {"lr : ", 2}, {"Code:", 0}, {"RSP:", 0},
    {"RAX:", 0}, {"CS:", 1}, {"Modules linked in:", 0}, {"+0x", 0},
    /* kmsg_mce.c */
    {"Machine Check", 0}, {"EDAC ", 0}, {"[Hardware Error]:", 0}, {"Hardware event", 0}, {"bank=", 3},
    {" error(s): ", 6}, {"mc_event", 2},
    /* kmsg_detectors.c ("BUG: KASAN/KFENCE/lock held/sleeping/scheduling" are under "BUG") */
    {"UBSAN: ", 0}, {"list_add ", 4}, {"list_del corruption", 4}, {"refcount_t: ", 8},
    {"non-zero pgtables_bytes", 16}, {": bad p", 2}, {"page allocation failure: ", 16},
};
enum { NANCHORS = sizeof anchors / sizeof anchors[0] };

static uint64_t key_bits[65536 / 64];   /* which byte pairs are some anchor's key */
static uint16_t key_of[NANCHORS];
static bool ready;

static unsigned pair(unsigned char a, unsigned char b)
{
    return (unsigned)a << 8 | b;
}

static void init_keys(void)
{
    for (int i = 0; i < NANCHORS; i++) {
        const unsigned char *t = (const unsigned char *)anchors[i].text;
        key_of[i] = (uint16_t)pair(t[anchors[i].key], t[anchors[i].key + 1]);
        key_bits[key_of[i] >> 6] |= 1ull << (key_of[i] & 63);
    }
    ready = true;   /* plain tables, built once: the monitor child calls this too and must not allocate */
}

/* Does an anchor whose key is the pair at s match with its key there? */
static bool anchor_at(const char *m, const char *s, unsigned key)
{
    for (int i = 0; i < NANCHORS; i++) {
        if (key_of[i] != key || s - m < anchors[i].key)
            continue;
        const char *a = anchors[i].text, *p = s - anchors[i].key;
        size_t k = 0;
        while (a[k] && p[k] == a[k])
            k++;
        if (!a[k])
            return true;
    }
    return false;
}

bool kc_has_anchor(const char *m)
{
    if (!ready)
        init_keys();
    const unsigned char *s = (const unsigned char *)m;
    if (!s[0])
        return false;
    for (; s[1]; s++) {
        unsigned key = pair(s[0], s[1]);
        if ((key_bits[key >> 6] >> (key & 63)) & 1 && anchor_at(m, (const char *)s, key))
            return true;
    }
    return false;
}

bool kc_quiet(const struct sw_kmsg_line *l, const char *m)
{
    if (kc_has_anchor(m))
        return false;
    char sym[64], mod[24];
    bool unsure;
    if (kc_parse_frame(m, sym, sizeof sym, &unsure, mod, sizeof mod))
        return false;   /* a bare call-trace frame opens a headerless report */
    if (m[0] == '[' && kc_is_oom_row(m))
        return false;
    /* Report context with no report open only makes an unframed line count as kernel content. */
    return l->kernel || !kc_is_report_context(m);
}
