/* Redacting a run journal (core/journal.h) without losing it as evidence: the header and every
 * record whose CRC holds are decoded, their text fields redacted and written back in place (cut to
 * the field, NUL-padded), and the CRC recomputed so `stresswsl` and other tools still read them.
 * Then the whole file, torn records and padding included, is scanned once as raw bytes: a value
 * anywhere else is overwritten too. Linear in the file: one pass per record, one raw pass. */
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"
#include "report/bundle_int.h"

void sw_bundle_journal_learn(struct sw_redactor *r, const char *data, size_t len)
{
    sw_redact_learn(r, data, len);   /* NULs and control bytes separate the strings */
}

/* Redacts one fixed-size, NUL-terminated text field in place. Returns 1 if it changed. */
static int redact_field(struct sw_redactor *r, char *field, size_t cap)
{
    size_t n = strnlen(field, cap);
    if (!n)
        return 0;
    size_t out_len = 0;
    char *red = sw_redact_text(r, field, n, &out_len);
    if (!red)
        return 0;
    int changed = out_len != n || memcmp(red, field, n) != 0;
    if (changed) {
        size_t keep = out_len < cap ? out_len : cap - 1;
        memcpy(field, red, keep);
        memset(field + keep, 0, cap - keep);
    }
    free(red);
    return changed;
}

static uint32_t hdr_crc(const struct sw_journal_hdr *h)
{
    return sw_crc32(0, h->raw, offsetof(struct sw_journal_hdr_fields, crc));
}

static bool hdr_valid(const struct sw_journal_hdr *h)
{
    return !memcmp(h->f.magic, SW_JOURNAL_MAGIC, 8) && h->f.version == SW_JOURNAL_VERSION &&
           h->f.hdr_size == SW_JOURNAL_HDR_SIZE && h->f.rec_size == SW_JOURNAL_REC_SIZE && h->f.crc == hdr_crc(h);
}

static size_t redact_header(struct sw_redactor *r, struct sw_journal_hdr *h)
{
    struct sw_journal_hdr_fields *f = &h->f;
    size_t n = 0;
    n += (size_t)redact_field(r, f->run_id, sizeof f->run_id);
    n += (size_t)redact_field(r, f->tool_version, sizeof f->tool_version);
    n += (size_t)redact_field(r, f->boot_id, sizeof f->boot_id);
    n += (size_t)redact_field(r, f->profile, sizeof f->profile);
    n += (size_t)redact_field(r, f->tmp_root, sizeof f->tmp_root);
    n += (size_t)redact_field(r, f->env, sizeof f->env);
    n += (size_t)redact_field(r, f->plan, sizeof f->plan);
    for (int i = 0; i < SW_JOURNAL_MAX_PHASES; i++)
        n += (size_t)redact_field(r, f->phase_names[i], sizeof f->phase_names[i]);
    for (int i = 0; i < SW_JOURNAL_MAX_WL; i++)
        n += (size_t)redact_field(r, f->wl[i].name, sizeof f->wl[i].name);
    return n;
}

static uint32_t rec_crc(struct sw_jrec *rec)
{
    uint32_t keep = rec->b.ev.crc;
    rec->b.ev.crc = 0;
    uint32_t c = sw_crc32(0, rec, sizeof *rec);
    rec->b.ev.crc = keep;
    return c;
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static size_t redact_record(struct sw_redactor *r, struct sw_jrec *rec)
{
    struct sw_event *ev = &rec->b.ev;
    size_t n = (size_t)redact_field(r, ev->what, sizeof ev->what) + (size_t)redact_field(r, ev->text, sizeof ev->text);
    if (ev->type == SW_EV_KERNEL)
        n += (size_t)redact_field(r, ev->u.klog.task, sizeof ev->u.klog.task) +
             (size_t)redact_field(r, ev->u.klog.symbols, sizeof ev->u.klog.symbols) +
             (size_t)redact_field(r, ev->u.klog.where, sizeof ev->u.klog.where);
    return n;
}

void sw_bundle_journal_redact(struct sw_redactor *r, unsigned char *data, size_t len, struct sw_journal_stats *st)
{
    st->journals++;
    bool hvalid = false;
    struct sw_journal_hdr h;
    if (len >= SW_JOURNAL_HDR_SIZE) {
        memcpy(&h, data, sizeof h);
        hvalid = hdr_valid(&h);
    }
    if (hvalid) {
        st->fields += redact_header(r, &h);
        memcpy(data, &h, sizeof h);
    } else {
        st->unreadable_hdr++;
    }
    /* The record area as the file holds it, whatever the header's capacity says. */
    size_t nrec = len > SW_JOURNAL_HDR_SIZE ? (len - SW_JOURNAL_HDR_SIZE) / SW_JOURNAL_REC_SIZE : 0;
    unsigned char *valid = calloc(nrec ? nrec : 1, 1);
    for (size_t i = 0; i < nrec; i++) {
        unsigned char *p = data + SW_JOURNAL_HDR_SIZE + i * SW_JOURNAL_REC_SIZE;
        if (all_zero(p, SW_JOURNAL_REC_SIZE))
            continue;
        struct sw_jrec rec;
        memcpy(&rec, p, sizeof rec);
        if (rec.b.magic != SW_JOURNAL_REC_MAGIC || rec.b.ev.crc != rec_crc(&rec)) {
            st->corrupt++;
            continue;
        }
        st->valid++;
        if (valid)
            valid[i] = 1;
        st->fields += redact_record(r, &rec);
        memcpy(p, &rec, sizeof rec);
    }
    /* Everything else (and what the fields hide between their NULs) as raw bytes. */
    st->raw_hits += sw_redact_bytes(r, data, len);
    if (hvalid) {
        memcpy(&h, data, sizeof h);
        h.f.crc = hdr_crc(&h);
        memcpy(data, &h, sizeof h);
    }
    for (size_t i = 0; valid && i < nrec; i++) {
        if (!valid[i])
            continue;
        unsigned char *p = data + SW_JOURNAL_HDR_SIZE + i * SW_JOURNAL_REC_SIZE;
        struct sw_jrec rec;
        memcpy(&rec, p, sizeof rec);
        rec.b.ev.crc = rec_crc(&rec);
        memcpy(p, &rec, sizeof rec);
    }
    free(valid);
}
