/* The journal reader. A journal is read after a crash, and a file in a run directory may also have
 * been damaged or planted: every size and count it states is checked against the format's limits and
 * the file's real size before it is used, and records are trusted one by one through their CRC. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/journal.h"

/* Where the bytes come from: an open file, or a buffer (fuzzing, tests): one reader for both. */
struct jsource {
    int fd;
    const unsigned char *buf;
    size_t len;
};

static int src_read(const struct jsource *src, uint64_t off, void *out, size_t len)
{
    if (src->buf) {
        if (off > src->len || len > src->len - off)
            return -ENODATA;
        memcpy(out, src->buf + off, len);
        return 0;
    }
    unsigned char *p = out;
    while (len) {
        ssize_t n = pread(src->fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -ENODATA;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static void terminate_strings(struct sw_journal_hdr *h)
{
    h->f.run_id[sizeof h->f.run_id - 1] = '\0';
    h->f.tool_version[sizeof h->f.tool_version - 1] = '\0';
    h->f.boot_id[sizeof h->f.boot_id - 1] = '\0';
    h->f.profile[sizeof h->f.profile - 1] = '\0';
    h->f.tmp_root[sizeof h->f.tmp_root - 1] = '\0';
    h->f.env[sizeof h->f.env - 1] = '\0';
    h->f.plan[sizeof h->f.plan - 1] = '\0';
    for (int i = 0; i < SW_JOURNAL_MAX_PHASES; i++)
        h->f.phase_names[i][sizeof h->f.phase_names[i] - 1] = '\0';
    for (int i = 0; i < SW_JOURNAL_MAX_WL; i++)
        h->f.wl[i].name[sizeof h->f.wl[i].name - 1] = '\0';
}

int sw_journal_check_hdr(struct sw_journal_hdr *h, uint64_t file_size, char *why, size_t why_cap)
{
    const struct sw_journal_hdr_fields *f = &h->f;
    if (file_size < SW_JOURNAL_HDR_SIZE)
        snprintf(why, why_cap, "the file has %llu bytes, less than its %u-byte header",
                 (unsigned long long)file_size, SW_JOURNAL_HDR_SIZE);
    else if (memcmp(f->magic, SW_JOURNAL_MAGIC, 8) != 0)
        snprintf(why, why_cap, "its header does not start with %s", SW_JOURNAL_MAGIC);
    else if (f->version != SW_JOURNAL_VERSION)
        snprintf(why, why_cap, "its format version %u is not %u", f->version, SW_JOURNAL_VERSION);
    else if (f->hdr_size != SW_JOURNAL_HDR_SIZE || f->rec_size != SW_JOURNAL_REC_SIZE)
        snprintf(why, why_cap, "its header and record sizes %u/%u are not %u/%u", f->hdr_size, f->rec_size,
                 SW_JOURNAL_HDR_SIZE, SW_JOURNAL_REC_SIZE);
    else if (f->capacity == 0 || f->capacity > SW_JOURNAL_MAX_CAP)
        snprintf(why, why_cap, "its capacity %u is outside the format's limits (1 to %u records)", f->capacity,
                 SW_JOURNAL_MAX_CAP);
    else if (f->crc != sw_journal_hdr_crc(h))
        snprintf(why, why_cap, "its header checksum does not match (the header was damaged)");
    else {
        terminate_strings(h);
        if (h->f.nphases > SW_JOURNAL_MAX_PHASES)
            h->f.nphases = SW_JOURNAL_MAX_PHASES;
        if (h->f.nwl > SW_JOURNAL_MAX_WL)
            h->f.nwl = SW_JOURNAL_MAX_WL;
        if (why_cap)
            why[0] = '\0';
        return 0;
    }
    return -EBADMSG;
}

static int file_size_of(int fd, uint64_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EINVAL;
    *size = (uint64_t)st.st_size;
    return 0;
}

int sw_journal_read_hdr(int fd, struct sw_journal_hdr *h)
{
    uint64_t size = 0;
    int rc = file_size_of(fd, &size);
    if (rc < 0)
        return rc == -EINVAL ? -EBADMSG : rc;
    struct jsource src = {fd, NULL, 0};
    memset(h, 0, sizeof *h);
    rc = src_read(&src, 0, h->raw, sizeof h->raw);
    if (rc < 0)
        return rc == -ENODATA ? -EBADMSG : rc;
    char why[8];
    return sw_journal_check_hdr(h, size, why, sizeof why);
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* One record slot: 1 valid, 0 empty or past the end, -EBADMSG torn, other -errno. */
static int read_slot(const struct jsource *src, uint32_t idx, struct sw_jrec *out)
{
    uint64_t off = SW_JOURNAL_HDR_SIZE + (uint64_t)idx * SW_JOURNAL_REC_SIZE;
    int rc = src_read(src, off, out, sizeof *out);
    if (rc == -ENODATA)
        return 0;   /* a file cut short: the tail was never written */
    if (rc < 0)
        return rc;
    if (all_zero((const unsigned char *)out, sizeof *out))
        return 0;
    uint32_t want = out->b.ev.crc;
    out->b.ev.crc = 0;
    uint32_t got = sw_crc32(0, out, sizeof *out);
    out->b.ev.crc = want;
    if (want != got || out->b.magic != SW_JOURNAL_REC_MAGIC)
        return -EBADMSG;
    out->b.ev.what[sizeof out->b.ev.what - 1] = '\0';
    out->b.ev.text[sizeof out->b.ev.text - 1] = '\0';
    return 1;
}

int sw_journal_read_rec(int fd, const struct sw_journal_hdr *h, uint32_t idx, struct sw_jrec *out)
{
    if (idx >= h->f.capacity || idx >= SW_JOURNAL_MAX_CAP)
        return -EINVAL;
    struct jsource src = {fd, NULL, 0};
    return read_slot(&src, idx, out);
}

static int cmp_jseq(const void *a, const void *b)
{
    const struct sw_jrec *x = a, *y = b;
    return (x->b.jseq > y->b.jseq) - (x->b.jseq < y->b.jseq);
}

static int scan(const struct jsource *src, uint64_t size, struct sw_journal_scan *s)
{
    memset(s, 0, sizeof *s);
    s->file_size = size;
    int rc = src_read(src, 0, s->hdr.raw, size < SW_JOURNAL_HDR_SIZE ? (size_t)size : SW_JOURNAL_HDR_SIZE);
    if (rc < 0 && rc != -ENODATA)   /* ENODATA: it shrank meanwhile; the check below names it */
        return rc;
    s->hdr_ok = sw_journal_check_hdr(&s->hdr, size, s->why, sizeof s->why) == 0;
    s->damaged = !s->hdr_ok;
    /* Slots to look at: what the file holds, within the header's capacity when the header is good
     * and within the format's limit when it is not. */
    uint64_t in_file = size > SW_JOURNAL_HDR_SIZE ? (size - SW_JOURNAL_HDR_SIZE) / SW_JOURNAL_REC_SIZE : 0;
    uint64_t limit = s->hdr_ok ? s->hdr.f.capacity : SW_JOURNAL_MAX_CAP;
    if (s->hdr_ok && in_file < limit) {
        s->damaged = true;
        snprintf(s->why, sizeof s->why, "the file is cut short: it holds %llu of its %u records",
                 (unsigned long long)in_file, s->hdr.f.capacity);
    }
    uint32_t slots = (uint32_t)(in_file < limit ? in_file : limit);
    if (!slots)
        return 0;
    s->recs = calloc(slots, sizeof *s->recs);
    if (!s->recs)
        return -ENOMEM;
    for (uint32_t i = 0; i < slots; i++) {
        rc = read_slot(src, i, &s->recs[s->n]);
        if (rc == 1)
            s->n++;
        else if (rc == -EBADMSG)
            s->torn++;
        else if (rc < 0)
            break;
    }
    qsort(s->recs, s->n, sizeof *s->recs, cmp_jseq);
    return 0;
}

int sw_journal_scan(int fd, struct sw_journal_scan *s)
{
    uint64_t size = 0;
    memset(s, 0, sizeof *s);
    int rc = file_size_of(fd, &size);
    if (rc < 0)
        return rc;
    struct jsource src = {fd, NULL, 0};
    rc = scan(&src, size, s);
    if (rc < 0)
        sw_journal_scan_free(s);
    return rc;
}

int sw_journal_scan_mem(const void *buf, size_t len, struct sw_journal_scan *s)
{
    struct jsource src = {-1, buf, len};
    int rc = scan(&src, len, s);
    if (rc < 0)
        sw_journal_scan_free(s);
    return rc;
}

void sw_journal_scan_free(struct sw_journal_scan *s)
{
    free(s->recs);
    s->recs = NULL;
    s->n = 0;
}
