/* The classifier's cheap first test (issue 10, analyze at disk speed). Most lines of a kernel log are
 * boot and driver chatter that belongs to no report; with no report open, such a line changes nothing
 * in the classifier. kc_quiet() tells those lines apart in one pass over the message, looking for the
 * ANCHORS below instead of running every detector's searches. Inside an open report, a line without an
 * anchor skips every headline search (kc_hl, kc_has) and goes straight to the report-context tests.
 *
 * Correct by construction: every way sw_kmsg_cls_feed() can act on a line while no report is open
 * (start a report, or call an unframed line kernel content) needs its line to contain one of these
 * literals, or to pass a test this file calls itself (a call-trace frame, an OOM task-table row,
 * report context on an unframed line); and every needle of kc_hl/kc_has contains an anchor or is only
 * searched for on a line that already matched one. A new trigger needs its anchor here:
 * test_kmsg_quiet feeds every corpus line, and every literal the classifier's files search for, with
 * and without this test, and requires identical results. Extra anchors only cost speed. */
#include "probes/kmsg_cls_int.h"

struct anchor {
    const char *text;
    unsigned char key;   /* offset of the 2-byte key searched for: a pair that is rare in boot chatter */
};

/* Grouped by the code that needs them; a literal may cover several triggers ("BUG" covers every
 * "BUG: ...", "BUG " and "kernel BUG at"; "Bad " every "Bad page/rss-counter" line). */
static const struct anchor anchors[] = {
    /* kmsg_classify.c: headlines */
    {"---[ end ", 2}, {"Kernel panic - not syncing:", 19}, {"]: segfault at ", 4}, {"] trap ", 4},
    {"] general protection", 0}, {"soft lockup - CPU#", 15}, {"hard LOCKUP", 8}, {"detected stall", 11},
    {"detected expedited stalls", 9}, {"kthread starved", 0}, {"INFO: ", 1}, {"Showing all locks", 0},
    {" invoked oom-killer:", 11}, {"Kill", 0}, {"[  pid  ]", 3}, {"Bad ", 0}, {"usercopy: ", 5}, {"BUG", 0},
    {" overwritten", 4}, {"Object already free", 0}, {"Freepointer corrupt", 4}, {"[ cut here ]", 2},
    {"Unable to handle", 0}, {" [#", 0}, {"WARNING: ", 2}, {" suppressed", 1},
    /* kmsg_classify.c: report context that opens a headerless report */
    {"CPU: ", 1}, {"RIP: ", 0}, {"Call Trace", 4}, {"pc : ", 1}, {"lr : ", 0}, {"Code:", 0}, {"RSP:", 1},
    {"RAX:", 1}, {"CS:", 0}, {"Modules linked in:", 0},
    /* kmsg_mce.c */
    {"Machine Check", 8}, {"EDAC ", 0}, {"[Hardware Error]:", 0}, {"Hardware event", 2}, {"bank=", 2},
    {" error(s): ", 6}, {"mc_event", 2},
    /* kmsg_detectors.c ("BUG: KASAN/KFENCE/lock held/sleeping/scheduling" are under "BUG") */
    {"UBSAN: ", 0}, {"list_add ", 5}, {"list_del corruption", 12}, {"refcount_t: ", 1},
    {"non-zero pgtables_bytes", 2}, {": bad p", 1}, {"page allocation failure: ", 16},
    /* kmsg_storage.c */
    {"error, dev ", 8}, {"failed command", 0}, {"Sense Key : ", 6}, {" QID ", 1}, {"is down;", 5},
    {" / sc 0x", 0}, {"hv_storvsc", 0}, {"transferring", 3}, {"I/O error", 0}, {"-fs error", 0},
    {"BTRFS", 1}, {"XFS (", 0}, {"JBD2: ", 0}, {"SQUASHFS", 0},
    /* kmsg_gpu.c */
    {"NVRM: Xid (", 6}, {"fallen off the bus", 0}, {"*ERROR* ring ", 5}, {"stalled for more than", 2},
    {"GPU reset", 0}, {"page fault (src_id", 16}, {"GPU HANG", 6}, {"GPU hung", 0},
    /* kmsg_thermal.c */
    {"temperature", 7}, {"HARDWARE PROTECTION", 2},
};
enum { NANCHORS = sizeof anchors / sizeof anchors[0] };

/* An anchor's key pair and the pair after it are both marked in is_key_pair, so the scan looks at every
 * second byte only: an occurrence puts one of the two pairs at an even offset. A byte per pair, not a
 * bit: one load and compare a probe, and the pairs of text (bytes 0x20-0x7e) touch about 12 KiB. The
 * byte says which: KEY_HERE (an anchor's key starts at this pair), KEY_BEFORE (one starts a byte back). */
enum { KEY_HERE = 1, KEY_BEFORE = 2 };
static uint8_t is_key_pair[65536];
static uint16_t key_of[NANCHORS];
static uint8_t key_off[NANCHORS];   /* the key's offset, moved back where the anchor is too short */
static uint8_t anchor_len[NANCHORS];
static int8_t first_with[256], next_with[NANCHORS];   /* anchors chained by a hash of their key */

static unsigned key_hash(unsigned key)
{
    return (key * 40503u >> 8) & 255;
}

/* Two bytes as one number, the way a little-endian 16-bit load reads them (any fixed order works). */
static unsigned pair(unsigned char a, unsigned char b)
{
    return a | (unsigned)b << 8;
}

static void add_key(unsigned key, unsigned what)
{
    is_key_pair[key] |= (uint8_t)what;
}

/* Built before main: no thread ever sees half-built tables, and the monitor child (which must not
 * allocate) finds them ready. */
__attribute__((constructor)) static void init_keys(void)
{
    _Static_assert(NANCHORS < 128, "anchor index fits int8_t");
    memset(first_with, -1, sizeof first_with);
    for (int i = NANCHORS - 1; i >= 0; i--) {
        size_t len = strlen(anchors[i].text);   /* >= 3: a key and a byte after it */
        anchor_len[i] = (uint8_t)len;
        key_off[i] = (uint8_t)(anchors[i].key + 3u <= len ? anchors[i].key : len - 3);
        const unsigned char *t = (const unsigned char *)anchors[i].text + key_off[i];
        key_of[i] = (uint16_t)pair(t[0], t[1]);
        add_key(key_of[i], KEY_HERE);
        add_key(pair(t[1], t[2]), KEY_BEFORE);
        next_with[i] = first_with[key_hash(key_of[i])];
        first_with[key_hash(key_of[i])] = (int8_t)i;
    }
}

static unsigned is_key(unsigned key)
{
    return is_key_pair[key];
}

/* Does anchor i occur in m[0, n) with its key at offset q? The byte after the key first: most key
 * pairs found in chatter are followed by another byte than the anchor's. */
static bool anchor_is_at(int i, const char *m, size_t n, size_t q)
{
    if (q < key_off[i] || q + 2 >= n || m[q + 2] != anchors[i].text[key_off[i] + 2])
        return false;
    size_t at = q - key_off[i];
    return anchor_len[i] <= n - at && memcmp(m + at, anchors[i].text, anchor_len[i]) == 0;
}

/* Does an anchor match with its key starting at offset q? */
static bool anchor_at(const char *m, size_t n, size_t q)
{
    unsigned key = pair((unsigned char)m[q], (unsigned char)m[q + 1]);
    for (int i = first_with[key_hash(key)]; i >= 0; i = next_with[i])
        if (key_of[i] == key && anchor_is_at(i, m, n, q))
            return true;
    return false;
}

/* A marked pair at offset q: the key itself here, or the key one byte back (this pair is its second half). */
static bool hit_at(const char *m, size_t n, size_t q)
{
    unsigned what = is_key_pair[pair((unsigned char)m[q], (unsigned char)m[q + 1])];
    return ((what & KEY_HERE) && anchor_at(m, n, q)) || ((what & KEY_BEFORE) && q > 0 && anchor_at(m, n, q - 1));
}

bool kc_has_anchor(const char *m, size_t n)
{
    const unsigned char *s = (const unsigned char *)m;
    size_t i = 0;
    /* four pairs a step and one branch for all four (nearly every step finds no key pair); no
     * end-of-string test inside: the length is known */
    for (; i + 8 <= n; i += 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        uint64_t w;   /* one load for four pairs; pair() reads two bytes the way a little-endian load does */
        memcpy(&w, s + i, 8);
        if (is_key((unsigned)(w & 0xffff)) | is_key((unsigned)(w >> 16 & 0xffff)) | is_key((unsigned)(w >> 32 & 0xffff)) |
            is_key((unsigned)(w >> 48))) {
#else
        const unsigned char *q = s + i;
        if (is_key(pair(q[0], q[1])) | is_key(pair(q[2], q[3])) | is_key(pair(q[4], q[5])) | is_key(pair(q[6], q[7]))) {
#endif
            for (size_t k = i; k < i + 8; k += 2)
                if (is_key(pair(s[k], s[k + 1])) && hit_at(m, n, k))
                    return true;
        }
    }
    for (; i + 2 <= n; i += 2)
        if (is_key(pair(s[i], s[i + 1])) && hit_at(m, n, i))
            return true;
    return false;
}

bool kc_quiet_without_anchor(const struct sw_kmsg_line *l, const char *m)
{
    char sym[64], mod[24];
    bool unsure;
    if (kc_parse_frame(m, sym, sizeof sym, &unsure, mod, sizeof mod))
        return false;   /* a bare call-trace frame opens a headerless report */
    if (m[0] == '[' && kc_is_oom_row(m))
        return false;
    /* Report context with no report open only makes an unframed line count as kernel content. */
    return l->kernel || !kc_is_report_context(m);
}

bool kc_quiet(const struct sw_kmsg_line *l, const char *m)
{
    return !kc_has_anchor(m, strlen(m)) && kc_quiet_without_anchor(l, m);
}
