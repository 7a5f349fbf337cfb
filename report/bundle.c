/* The bundle's course: gather the entries (live inputs here, runs in bundle_collect.c), learn every
 * secret from all of them, redact each (journals in bundle_journal.c), render the reports from their
 * redacted report.json, then write the archive through a temporary file renamed at the end. */
#include "report/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic_write.h"
#include "report/bundle_int.h"
#include "report/redact.h"
#include "report/writers.h"

static int add_json(struct sw_bundle *b, const char *name, const char *what, const json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!s)
        return -ENOMEM;
    sw_bundle_add(b, name, what, s, strlen(s), SW_ITEM_TEXT);
    return 0;
}

static char *render_report(const json_t *r, int (*fn)(const json_t *, FILE *, struct sw_diag *), size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    struct sw_diag d;
    int rc = fn(r, f, &d);
    fclose(f);
    if (rc) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Replaces s (len bytes) by its redacted copy; on failure (out of memory) empties it rather than
 * keep what was not redacted. */
static void redact_in_place(struct sw_redactor *red, char **s, size_t *len)
{
    size_t n = 0;
    char *out = sw_redact_text(red, *s, *len, &n);
    free(*s);
    *s = out ? out : strdup("");
    *len = out ? n : 0;
}

static void redact_items(struct sw_bundle *b, struct sw_redactor *red)
{
    for (int i = 0; i < b->n; i++) {
        struct sw_item *it = &b->items[i];
        if (it->kind == SW_ITEM_JOURNAL)
            sw_bundle_journal_redact(red, (unsigned char *)it->data, it->len, &b->js);
        else
            redact_in_place(red, &it->data, &it->len);
    }
}

/* Each journal also as JSON (decoded after its redaction, and redacted once more as text). */
static void decode_journals(struct sw_bundle *b, struct sw_redactor *red)
{
    int n = b->n;
    for (int i = 0; i < n; i++) {
        const struct sw_item *it = &b->items[i];
        if (it->kind != SW_ITEM_JOURNAL)
            continue;
        size_t len = 0;
        char *js = sw_bundle_journal_decode((const unsigned char *)it->data, it->len, &len);
        if (js && red)
            redact_in_place(red, &js, &len);
        char name[300];
        snprintf(name, sizeof name, "%s.json", it->name);
        if (js)
            sw_bundle_add(b, name, "the journal's header and records decoded as JSON (read this one)", js, len,
                          SW_ITEM_TEXT);
    }
}

/* After redaction: record it in each report.json and render report.md/report.html from that (the
 * rendered pages are redacted once more: rendering joins strings). */
static void render_reports(struct sw_bundle *b, struct sw_redactor *red)
{
    int n = b->n;
    for (int i = 0; i < n; i++) {
        struct sw_item *it = &b->items[i];
        if (it->kind != SW_ITEM_REPORT)
            continue;
        json_t *r = json_loadb(it->data, it->len, 0, NULL);
        if (!r)
            continue;
        if (red) {
            json_object_set_new(r, "redacted", json_pack("{s:s,s:o}", "by", "stresswsl bundle", "items",
                                                         sw_redact_summary(red)));
            char *s = json_dumps(r, JSON_INDENT(2));
            if (s) {
                free(it->data);
                it->data = s;
                it->len = strlen(s);
            }
        }
        char base[256];
        snprintf(base, sizeof base, "%s", it->name);
        char *slash = strrchr(base, '/');
        if (slash)
            *slash = 0;
        static const struct {
            const char *file, *what;
            int (*fn)(const json_t *, FILE *, struct sw_diag *);
        } pages[] = {
            {"report.md", "support-ticket summary of the run", sw_report_write_markdown},
            {"report.html", "the same as one self-contained web page", sw_report_write_html},
        };
        for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
            size_t len = 0;
            char *page = render_report(r, pages[p].fn, &len);
            if (page && red)
                redact_in_place(red, &page, &len);
            char name[300];
            snprintf(name, sizeof name, "%s/%s", base, pages[p].file);
            if (page)
                sw_bundle_add(b, name, pages[p].what, page, len, SW_ITEM_TEXT);
        }
        json_decref(r);
    }
}

/* Names and notes that come from disk (an --out directory's name, a path in a note) are redacted too. */
static void redact_names(struct sw_bundle *b, struct sw_redactor *red)
{
    for (int i = 0; i < b->n; i++) {
        char *s = sw_redact_text(red, b->items[i].name, strlen(b->items[i].name), NULL);
        if (s)
            snprintf(b->items[i].name, sizeof b->items[i].name, "%s", s);
        free(s);
    }
    json_t *notes = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(b->missing, i, x) {
        const char *v = json_string_value(x);
        char *s = v ? sw_redact_text(red, v, strlen(v), NULL) : NULL;
        json_array_append_new(notes, json_string(s ? s : "(a note that could not be redacted)"));
        free(s);
    }
    json_decref(b->missing);
    b->missing = notes;
}

/* A temporary file next to out_path, created exclusively (never through a symlink). */
static int open_out(const char *out_path, struct sw_atomic_file *out, struct sw_diag *d)
{
    struct stat st;
    if (stat(out_path, &st) == 0 && S_ISDIR(st.st_mode))
        return sw_fail(d, -EISDIR, "cannot write the bundle %s: %s: give a file name with --out", out_path,
                       strerror(EISDIR));
    int rc = sw_atomic_begin(out, out_path, NULL);
    if (rc < 0)
        return sw_fail(d, rc, "cannot write the bundle %s: %s: choose a writable place with --out", out_path,
                       strerror(-rc));
    /* For a support ticket, and unredacted with --no-redact: readable by its owner only. A device or
     * pipe written into keeps its own mode. */
    if (!out->direct && fchmod(out->fd, 0600) != 0) {
        rc = -errno;
        sw_atomic_abandon(out);
        return sw_fail(d, rc, "cannot write the bundle %s: %s", out_path, strerror(-rc));
    }
    return 0;
}

int sw_bundle_check_out(const char *out_path, struct sw_diag *d)
{
    /* A FIFO opened and closed here would hand its reader an early end of file: only ask. */
    struct stat st;
    if (stat(out_path, &st) == 0 && S_ISFIFO(st.st_mode) && access(out_path, W_OK) == 0)
        return 0;
    struct sw_atomic_file out;
    int rc = open_out(out_path, &out, d);
    if (rc == 0)
        sw_atomic_abandon(&out);
    return rc;
}

static int write_archive(const struct sw_bundle *b, const char *manifest, int fd, const char *path,
                         struct sw_diag *d)
{
    struct archive *a = archive_write_new();
    if (!a)
        return sw_fail(d, -ENOMEM, "bundle: out of memory");
    int rc = 0;
    if (archive_write_add_filter_gzip(a) != ARCHIVE_OK || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_open_fd(a, fd) != ARCHIVE_OK) {
        rc = sw_fail(d, -EIO, "cannot write the bundle %s: %s", path, archive_error_string(a));
        archive_write_free(a);
        return rc;
    }
    time_t now = time(NULL);
    for (int i = -1; i < b->n && !rc; i++) {
        const char *name = i < 0 ? "MANIFEST" : b->items[i].name;
        const char *data = i < 0 ? manifest : b->items[i].data;
        size_t len = i < 0 ? strlen(manifest) : b->items[i].len;
        char full[400];
        snprintf(full, sizeof full, "stresswsl-bundle/%s", name);
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, full);
        archive_entry_set_size(e, (la_int64_t)len);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, now, 0);
        if (archive_write_header(a, e) != ARCHIVE_OK || (len && archive_write_data(a, data, len) != (la_ssize_t)len))
            rc = sw_fail(d, -EIO, "cannot write the bundle %s: %s", path, archive_error_string(a));
        archive_entry_free(e);
    }
    if (archive_write_close(a) != ARCHIVE_OK && !rc)
        rc = sw_fail(d, -EIO, "cannot finish the bundle %s: %s", path, archive_error_string(a));
    archive_write_free(a);
    if (!rc && fsync(fd) != 0 && errno != EINVAL)   /* EINVAL: a pipe or device (--out /dev/stdout) */
        rc = sw_fail(d, -errno, "cannot write the bundle %s: %s", path, strerror(errno));
    return rc;
}

static void add_live_inputs(struct sw_bundle *b, const struct sw_bundle_input *in)
{
    if (in->probe)
        add_json(b, "probe.json", "fresh probe snapshot (stresswsl probe --json)", in->probe);
    else
        json_array_append_new(b->missing, json_sprintf("probe.json: %s", in->probe_note ? in->probe_note : "no probe snapshot"));
    if (in->kmsg)
        sw_bundle_add(b, "kmsg.txt", "kernel log since boot (/dev/kmsg)", strdup(in->kmsg), strlen(in->kmsg), SW_ITEM_TEXT);
    else
        json_array_append_new(b->missing, json_sprintf("kmsg.txt: %s", in->kmsg_note ? in->kmsg_note : "not collected"));
    if (in->host_evidence && json_array_size(in->host_evidence))
        add_json(b, "host-evidence.json", "Windows host: guest-crash (Hyper-V 18590), WHEA and wsl-crashes records",
                 in->host_evidence);
    else
        json_array_append_new(b->missing, json_sprintf("host-evidence.json: %s",
                                                       in->host_note ? in->host_note : "no host evidence found"));
}

static struct sw_redactor *make_redactor(const struct sw_bundle_input *in)
{
    struct sw_redactor *red = sw_redactor_new();
    if (!red)
        return NULL;
    for (const char *const *u = in->known_users; u && *u; u++)
        sw_redact_add(red, SW_REDACT_USER, *u);
    for (const char *const *h = in->known_hosts; h && *h; h++)
        sw_redact_add(red, SW_REDACT_HOST, *h);
    for (const char *const *x = in->known_ids; x && *x; x++)
        sw_redact_add(red, strlen(*x) == 36 ? SW_REDACT_UUID : SW_REDACT_MACHINE_ID, *x);
    return red;
}

int sw_bundle_write(const struct sw_bundle_input *in, const char *out_path, json_t **manifest, struct sw_diag *d)
{
    struct sw_atomic_file out;
    int orc = open_out(out_path, &out, d);
    if (orc < 0)
        return orc;
    struct sw_bundle *b = calloc(1, sizeof *b);
    struct sw_redactor *red = in->redact ? make_redactor(in) : NULL;
    if (!b || (in->redact && !red)) {
        free(b);
        sw_redactor_free(red);
        sw_atomic_abandon(&out);
        return sw_fail(d, -ENOMEM, "bundle: out of memory");
    }
    b->missing = json_array();
    add_live_inputs(b, in);
    sw_bundle_collect_runs(b, in);
    if (red) {
        /* Learn from every entry first, so a name seen in one is replaced in all of them. */
        for (int i = 0; i < b->n; i++) {
            if (b->items[i].kind == SW_ITEM_JOURNAL)
                sw_bundle_journal_learn(red, b->items[i].data, b->items[i].len);
            else
                sw_redact_learn(red, b->items[i].data, b->items[i].len);
        }
        redact_items(b, red);
    }
    decode_journals(b, red);
    render_reports(b, red);
    if (red)
        redact_names(b, red);
    json_t *summary = red ? sw_redact_summary(red) : json_array();
    char *mf = sw_bundle_manifest(b, in, red ? summary : NULL);
    int rc = mf ? write_archive(b, mf, out.fd, out_path, d) : sw_fail(d, -ENOMEM, "bundle: out of memory");
    if (rc)
        sw_atomic_abandon(&out);
    else
        rc = sw_atomic_commit(&out, d);
    if (!rc && manifest) {
        json_t *files = json_array();
        json_array_append_new(files, json_string("MANIFEST"));
        for (int i = 0; i < b->n; i++)
            json_array_append_new(files, json_string(b->items[i].name));
        *manifest = json_pack("{s:o,s:O,s:O}", "files", files, "missing", b->missing, "redacted", summary);
    }
    free(mf);
    for (int i = 0; i < b->n; i++)
        free(b->items[i].data);
    json_decref(b->missing);
    json_decref(summary);
    sw_redactor_free(red);
    free(b);
    return rc;
}
