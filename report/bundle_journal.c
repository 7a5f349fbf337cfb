/* Redacting a run journal (core/journal.h) without losing it as evidence: the header and every
 * record whose CRC holds are decoded, their text fields redacted and written back in place (cut to
 * the field, NUL-padded), and the CRC recomputed so `stresswsl` and other tools still read them.
 * Then the whole file, torn records and padding included, is scanned once as raw bytes: a value
 * anywhere else is overwritten too. Linear in the file: one pass per record, one raw pass. */
#include <stdlib.h>
#include <string.h>

#include "core/event_json.h"
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

struct slot_seq {
    uint64_t jseq;
    size_t slot;
};

static int by_jseq(const void *a, const void *b)
{
    const struct slot_seq *x = a, *y = b;
    return x->jseq < y->jseq ? -1 : x->jseq > y->jseq;
}

static json_t *header_json(const struct sw_journal_hdr *h, struct sw_ev_names *names)
{
    char start[40], end[40];
    json_t *phases = json_array(), *wls = json_array();
    for (uint32_t p = 0; p < h->f.nphases && p < SW_JOURNAL_MAX_PHASES; p++) {
        json_array_append_new(phases, json_stringn(h->f.phase_names[p], strnlen(h->f.phase_names[p], 32)));
        if (names->nphases < SW_EVN_MAX_PHASES)
            names->phase[names->nphases++] = h->f.phase_names[p];
    }
    for (uint32_t w = 0; w < h->f.nwl && w < SW_JOURNAL_MAX_WL; w++) {
        json_array_append_new(wls, json_stringn(h->f.wl[w].name, strnlen(h->f.wl[w].name, sizeof h->f.wl[w].name)));
        sw_ev_names_add_wl(names, h->f.wl[w].id, h->f.wl[w].name);
    }
#define FIELD(x) json_stringn(h->f.x, strnlen(h->f.x, sizeof h->f.x))
    return json_pack("{s:o,s:o,s:o,s:o,s:s,s:s,s:b,s:b,s:i,s:I,s:o,s:o,s:o,s:o,s:o}", "run_id", FIELD(run_id),
                     "tool_version", FIELD(tool_version), "boot_id", FIELD(boot_id), "profile", FIELD(profile),
                     "start", sw_time_iso8601(h->f.start_real_ns, start, sizeof start), "end",
                     h->f.end_real_ns ? sw_time_iso8601(h->f.end_real_ns, end, sizeof end) : "", "clean_end",
                     h->f.clean_end != 0, "reported", h->f.reported != 0, "runner_pid", h->f.runner_pid, "capacity",
                     (json_int_t)h->f.capacity, "env", FIELD(env), "plan", FIELD(plan), "tmp_root", FIELD(tmp_root),
                     "phases", phases, "workloads", wls);
#undef FIELD
}

char *sw_bundle_journal_decode(const unsigned char *data, size_t len, size_t *out_len)
{
    struct sw_ev_names names;
    memset(&names, 0, sizeof names);
    struct sw_journal_hdr h;
    bool hvalid = false;
    if (len >= SW_JOURNAL_HDR_SIZE) {
        memcpy(&h, data, sizeof h);
        hvalid = hdr_valid(&h);
    }
    json_t *out = json_pack("{s:s,s:o}", "decoded_by",
                            "stresswsl bundle, from the redacted journal next to this file: records in sequence order",
                            "header", hvalid ? header_json(&h, &names) : json_string("damaged: fails its check"));
    size_t nrec = len > SW_JOURNAL_HDR_SIZE ? (len - SW_JOURNAL_HDR_SIZE) / SW_JOURNAL_REC_SIZE : 0;
    struct slot_seq *order = malloc((nrec ? nrec : 1) * sizeof *order);
    json_t *corrupt = json_array();
    size_t n = 0;
    for (size_t i = 0; order && i < nrec; i++) {
        const unsigned char *p = data + SW_JOURNAL_HDR_SIZE + i * SW_JOURNAL_REC_SIZE;
        if (all_zero(p, SW_JOURNAL_REC_SIZE))
            continue;
        struct sw_jrec rec;
        memcpy(&rec, p, sizeof rec);
        if (rec.b.magic != SW_JOURNAL_REC_MAGIC || rec.b.ev.crc != rec_crc(&rec))
            json_array_append_new(corrupt, json_integer((json_int_t)i));
        else
            order[n++] = (struct slot_seq){rec.b.jseq, i};
    }
    if (order)
        qsort(order, n, sizeof *order, by_jseq);
    static const char *const kinds[] = {"?", "event", "heartbeat", "end"};
    json_t *records = json_array();
    for (size_t k = 0; k < n; k++) {
        struct sw_jrec rec;
        memcpy(&rec, data + SW_JOURNAL_HDR_SIZE + order[k].slot * SW_JOURNAL_REC_SIZE, sizeof rec);
        rec.b.ev.what[sizeof rec.b.ev.what - 1] = '\0';
        rec.b.ev.text[sizeof rec.b.ev.text - 1] = '\0';
        rec.b.ev.u.klog.task[sizeof rec.b.ev.u.klog.task - 1] = '\0';
        rec.b.ev.u.klog.symbols[sizeof rec.b.ev.u.klog.symbols - 1] = '\0';
        rec.b.ev.u.klog.where[sizeof rec.b.ev.u.klog.where - 1] = '\0';
        json_array_append_new(records, json_pack("{s:I,s:I,s:s,s:I,s:o}", "slot", (json_int_t)order[k].slot, "jseq",
                                                 (json_int_t)rec.b.jseq, "kind", kinds[rec.b.kind < 4 ? rec.b.kind : 0],
                                                 "mono_ns", (json_int_t)rec.b.mono_ns, "event",
                                                 sw_event_to_json(&rec.b.ev, &names)));
    }
    free(order);
    json_object_set_new(out, "records", records);
    json_object_set_new(out, "corrupt_slots", corrupt);
    char *s = json_dumps(out, JSON_INDENT(1));
    json_decref(out);
    if (s && out_len)
        *out_len = strlen(s);
    return s;
}
