/* `analyze` on a big log with two CPUs: the second half is classified on a second thread while the first
 * half is read as usual, and the halves are joined where the result is provably the same as one pass.
 *
 * Why it is exact: reading and parsing a line depend on that line alone (every format but Hyper-V event
 * text, which is never split), and the classifier between reports is always in the same state
 * (sw_kmsg_cls_idle, probes/kmsg_classify.h). The second half starts at the first line after the middle,
 * from that idle state, and notes at which of its first SW_SPLIT_WINDOW lines it was idle. The first
 * half, when it reaches that line, goes on line by line until it is idle at a line where the second half
 * was idle too (nearly always the first one: most lines are quiet). From there both would do the same,
 * so the second half's events, facts and counts from that line on are taken, in file order, as if one
 * pass had made them. If they never meet in the window, or the second half gave up (too many events or
 * facts to hold), the first goes on alone: slower, never different. Facts are not fed on the second
 * thread (they depend on what came before); the lines that may state one are kept and fed in order, each
 * text once: feeding a message the facts have already seen changes nothing (the first line of the
 * strongest kind wins, modules are listed once), and a log of many boots repeats the same few. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/analyze.h"

#define SPLIT_MIN_DEFAULT (32ull << 20)   /* below this a second thread is not worth starting */
#define MAX_HITS 4096                     /* events held for the join; more: the half gives up */
#define MAX_FACT_BYTES (1u << 20)         /* lines that may state a fact, held for the join    */
#define FACT_SLOTS 16384                  /* their texts' hash table; 3/4 full: the half gives up */

struct fact_rec {
    uint32_t line, len;   /* followed by len bytes of text and a NUL */
};

/* The size below which a log is read by one thread. STRESSWSL_ANALYZE_SPLIT_MIN (bytes) changes it:
 * the tests use it to split small logs at every kind of line. */
static uint64_t split_min(void)
{
    const char *e = getenv("STRESSWSL_ANALYZE_SPLIT_MIN");
    if (e && *e) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(e, &end, 10);
        if (!errno && !*end)
            return v;
    }
    return SPLIT_MIN_DEFAULT;
}

static int usable_cpus(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

static uint64_t text_hash(const char *s, size_t n)
{
    uint64_t x = 1469598103934665603ull;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        x = (x ^ (unsigned char)s[i]) * 1099511628211ull;
    return x;
}

static bool keep_facts(struct sw_analyze_half *h, uint32_t line, const struct sw_kmsg_line *l)
{
    size_t need = (sizeof(struct fact_rec) + l->text_len + 1 + 3) & ~(size_t)3;   /* 4-byte aligned */
    if (!h->facts && !(h->facts = malloc(MAX_FACT_BYTES)))
        return false;
    if (!h->fact_slots && !(h->fact_slots = calloc(FACT_SLOTS, sizeof *h->fact_slots)))
        return false;
    /* slots hold record offset + 1 (0: empty); a text seen before is not kept again */
    size_t slot = (size_t)text_hash(l->text, l->text_len) & (FACT_SLOTS - 1);
    for (; h->fact_slots[slot]; slot = (slot + 1) & (FACT_SLOTS - 1)) {
        struct fact_rec old;
        const char *rec = h->facts + h->fact_slots[slot] - 1;
        memcpy(&old, rec, sizeof old);
        if (old.len == l->text_len && memcmp(rec + sizeof old, l->text, l->text_len) == 0)
            return true;
    }
    if (h->facts_len + need > MAX_FACT_BYTES || ++h->fact_count > FACT_SLOTS / 4 * 3)
        return false;
    h->fact_slots[slot] = (uint32_t)h->facts_len + 1;
    struct fact_rec rec = {line, (uint32_t)l->text_len};
    memcpy(h->facts + h->facts_len, &rec, sizeof rec);
    memcpy(h->facts + h->facts_len + sizeof rec, l->text, l->text_len);
    h->facts[h->facts_len + sizeof rec + l->text_len] = '\0';
    h->facts_len += need;
    return true;
}

static bool keep_hits(struct sw_analyze_half *h, struct sw_kmsg_cls *c, uint64_t line)
{
    while (c->q_len) {
        if (h->nhits == MAX_HITS)
            return false;
        if (!h->hits && !(h->hits = malloc(MAX_HITS * sizeof *h->hits)))
            return false;
        h->hits[h->nhits].at = line;
        sw_kmsg_cls_pop(c, &h->hits[h->nhits].h);
        h->nhits++;
    }
    return true;
}

/* The second half, the way feed_line (cmd_analyze.c) reads the first: line by line through the reader
 * and the classifier, events and fact lines kept instead of used. */
static void *half_main(void *arg)
{
    struct sw_analyze_half *h = arg;
    static struct sw_kmsg_cls c;   /* one second half per process at a time */
    static struct sw_kmsg_line l;
    struct sw_line_reader in;
    struct sw_kmsg_reader r;
    if (sw_ar_open_at(&in, h->fd, h->seam) != 0) {
        sw_ar_close(&in);
        return NULL;
    }
    sw_kmsg_cls_init(&c);
    sw_kmsg_reader_init(&r, h->fmt);
    r.inplace = true;
    const char *s;
    size_t n;
    bool ok = true;
    /* counts in locals, stored at the end: the first half reads this struct's other fields */
    uint64_t lines = 0, kernel_lines = 0;
    while (ok && sw_ar_next(&in, &s, &n)) {
        if ((lines & 4095) == 0 && atomic_load_explicit(&h->stop, memory_order_relaxed)) {
            ok = false;
            break;
        }
        uint64_t line = ++lines;
        if (line <= SW_SPLIT_WINDOW && sw_kmsg_cls_idle(&c))
            h->idle[(line - 1) / 64] |= 1ull << ((line - 1) % 64);
        bool kernel = false;
        sw_kmsg_reader_feed(&r, s, n);
        while (ok && sw_kmsg_reader_next(&r, &l)) {
            sw_kmsg_cls_set_line(&c, (uint32_t)line);
            if (sw_kmsg_cls_feed(&c, &l)) {
                kernel = true;
                if (sw_kmsg_facts_may_use(l.text, l.text_len))
                    ok = keep_facts(h, (uint32_t)line, &l);
            }
            ok = ok && keep_hits(h, &c, line);
        }
        if (kernel) {
            kernel_lines++;
            if (line <= SW_SPLIT_WINDOW)
                h->kernel[(line - 1) / 64] |= 1ull << ((line - 1) % 64);
        }
    }
    if (ok && !in.err) {
        sw_kmsg_cls_flush(&c);
        ok = keep_hits(h, &c, lines + 1);   /* after the last line */
    }
    h->lines = lines;
    h->kernel_lines = kernel_lines;
    h->usable = ok && !in.err && lines <= UINT32_MAX / 2;
    sw_ar_close(&in);
    return NULL;
}

int sw_analyze_half_start(struct sw_analyze_half *h, int fd, enum sw_kmsg_format fmt)
{
    memset(h, 0, sizeof *h);
    struct stat st;
    if (fmt == SW_KFMT_HYPERV || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size < split_min() || usable_cpus() < 2)
        return -1;
    /* the seam: the first line that starts after the middle */
    uint64_t mid = (uint64_t)st.st_size / 2;
    char buf[4096];
    for (uint64_t at = mid; at < (uint64_t)st.st_size && at - mid <= SW_AR_LINE_MAX;) {
        ssize_t got = pread(fd, buf, sizeof buf, (off_t)at);
        if (got <= 0)
            return -1;
        const char *nl = memchr(buf, '\n', (size_t)got);
        if (nl) {
            h->seam = at + (uint64_t)(nl - buf) + 1;
            break;
        }
        at += (uint64_t)got;
    }
    if (!h->seam || h->seam >= (uint64_t)st.st_size)
        return -1;
    h->fd = fd;
    h->fmt = fmt;
    atomic_init(&h->stop, false);
    if (pthread_create(&h->thread, NULL, half_main, h) != 0)
        return -1;
    h->started = true;
    return 0;
}

void sw_analyze_half_join(struct sw_analyze_half *h, bool stop)
{
    if (!h->started)
        return;
    if (stop)
        atomic_store(&h->stop, true);
    pthread_join(h->thread, NULL);
    h->started = false;
}

bool sw_analyze_half_idle_at(const struct sw_analyze_half *h, uint64_t line)
{
    return line >= 1 && line <= SW_SPLIT_WINDOW && line <= h->lines &&
           ((h->idle[(line - 1) / 64] >> ((line - 1) % 64)) & 1);
}

uint64_t sw_analyze_half_kernel_before(const struct sw_analyze_half *h, uint64_t line)
{
    uint64_t n = 0;
    for (uint64_t k = 1; k < line && k <= SW_SPLIT_WINDOW; k++)
        n += (h->kernel[(k - 1) / 64] >> ((k - 1) % 64)) & 1;
    return n;
}

const char *sw_analyze_half_fact(const struct sw_analyze_half *h, size_t *pos, uint32_t *line, size_t *len)
{
    if (*pos + sizeof(struct fact_rec) > h->facts_len)
        return NULL;
    struct fact_rec rec;
    memcpy(&rec, h->facts + *pos, sizeof rec);
    const char *text = h->facts + *pos + sizeof rec;
    *pos += (sizeof rec + rec.len + 1 + 3) & ~(size_t)3;
    *line = rec.line;
    *len = rec.len;
    return text;
}

void sw_analyze_half_free(struct sw_analyze_half *h)
{
    sw_analyze_half_join(h, true);
    free(h->hits);
    free(h->facts);
    free(h->fact_slots);
    h->hits = NULL;
    h->facts = NULL;
    h->fact_slots = NULL;
}
