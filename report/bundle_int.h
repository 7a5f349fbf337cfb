/* Internals of `stresswsl bundle` shared by its files: the list of archive entries, the run-directory
 * collector (bundle_collect.c: what may be read and how), journal redaction (bundle_journal.c) and
 * the MANIFEST (bundle_manifest.c). */
#ifndef SW_BUNDLE_INT_H
#define SW_BUNDLE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "report/bundle.h"
#include "report/redact.h"

#define SW_BUNDLE_MAX_ITEMS 256
#define SW_BUNDLE_MAX_TOTAL (256u << 20)    /* all inputs together: bounded memory */
#define SW_BUNDLE_MAX_TEXT (16u << 20)      /* one text file or report.json        */
#define SW_BUNDLE_MAX_JOURNAL (32u << 20)   /* one journal                         */
#define SW_BUNDLE_MAX_RUNS 20               /* newest runs looked at in the state dir, and --out runs */

enum sw_item_kind {
    SW_ITEM_TEXT,      /* redacted as text                                        */
    SW_ITEM_REPORT,    /* a report.json: redacted, then report.md/.html rendered   */
    SW_ITEM_JOURNAL,   /* a run journal: decoded, text fields redacted in place    */
};

struct sw_item {
    char name[256];       /* path inside the archive, below the top directory */
    char what[200];       /* MANIFEST description                            */
    char *data;
    size_t len;
    enum sw_item_kind kind;
};

struct sw_journal_stats {
    size_t journals, fields, valid, corrupt, raw_hits, unreadable_hdr;
};

struct sw_bundle {
    struct sw_item items[SW_BUNDLE_MAX_ITEMS];
    int n;
    size_t total;                  /* bytes read so far (SW_BUNDLE_MAX_TOTAL) */
    json_t *missing;               /* ["kmsg.txt: why", ...] */
    struct sw_journal_stats js;
};

/* Takes data (freed on failure: too many items or over the total budget, noted in missing). */
struct sw_item *sw_bundle_add(struct sw_bundle *b, const char *name, const char *what, char *data, size_t len,
                              enum sw_item_kind kind);
/* Adds the runs: the given run directories, or the newest runs of the state dir and its --out runs
 * (external-runs). */
void sw_bundle_collect_runs(struct sw_bundle *b, const struct sw_bundle_input *in);

/* Learns from a journal's strings (all of them, valid records or not). */
void sw_bundle_journal_learn(struct sw_redactor *r, const char *data, size_t len);
/* Redacts a journal in place: decoded text fields of the header and of valid records get the
 * placeholders, then the whole file is scanned as raw bytes (corrupt records, padding, any tail);
 * records that were valid get a fresh CRC. */
void sw_bundle_journal_redact(struct sw_redactor *r, unsigned char *data, size_t len, struct sw_journal_stats *st);

/* The journal's header and valid records in sequence order as JSON text (malloc'd), for readers
 * without stresswsl; the slots of torn records are listed. */
char *sw_bundle_journal_decode(const unsigned char *data, size_t len, size_t *out_len);

/* The MANIFEST text (malloc'd). summary: sw_redact_summary() after all redaction, or NULL (--no-redact). */
char *sw_bundle_manifest(const struct sw_bundle *b, const struct sw_bundle_input *in, const json_t *summary);

#endif
