#include "report/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/redact.h"
#include "report/writers.h"

#define MAX_FILE (32u << 20)   /* a bigger file is listed as skipped: bounded memory */
#define MAX_ITEMS 256

struct item {
    char name[256];       /* path inside the archive, below the top directory */
    char what[160];       /* MANIFEST description                            */
    char *data;
    size_t len;
    bool binary;          /* masked in place rather than rewritten            */
    bool report;          /* a report.json: re-rendered after redaction       */
};

struct bundle {
    struct item items[MAX_ITEMS];
    int n;
    json_t *missing;      /* ["kmsg.txt: why", ...] */
};

static struct item *add_item(struct bundle *b, const char *name, const char *what, char *data, size_t len)
{
    if (b->n >= MAX_ITEMS) {
        free(data);
        json_array_append_new(b->missing, json_sprintf("%s: left out (more than %d files)", name, MAX_ITEMS));
        return NULL;
    }
    struct item *it = &b->items[b->n++];
    snprintf(it->name, sizeof it->name, "%s", name);
    snprintf(it->what, sizeof it->what, "%s", what);
    it->data = data;
    it->len = len;
    it->binary = memchr(data, 0, len) != NULL;
    return it;
}

static char *read_file(const char *path, size_t *len, char *why, size_t whycap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whycap, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (off_t)MAX_FILE) {
        snprintf(why, whycap, "larger than %u MiB", MAX_FILE >> 20);
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!buf) {
        snprintf(why, whycap, "out of memory");
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int cmp_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The newest runs with their reports, and every file of runs that ended abruptly (no report.json, or a
 * report recovered from a journal). */
static void add_runs(struct bundle *b, const struct sw_bundle_input *in)
{
    char runs[4096];
    snprintf(runs, sizeof runs, "%s/runs", in->state_dir);
    DIR *dir = opendir(runs);
    if (!dir) {
        json_array_append_new(b->missing, json_sprintf("runs/: %s: %s (no runs recorded yet?)", runs, strerror(errno)));
        return;
    }
    char *names[1024];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 1024)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(dir);
    qsort(names, (size_t)n, sizeof names[0], cmp_desc);   /* run ids start with the start time */
    int want = in->latest_runs > 0 ? in->latest_runs : 3, taken = 0;
    for (int i = 0; i < n && i < 20; i++) {
        char rd[4096 + 256], p[8192], why[128];
        snprintf(rd, sizeof rd, "%s/%s", runs, names[i]);
        struct stat st;
        if (stat(rd, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        snprintf(p, sizeof p, "%s/report.json", rd);
        size_t len = 0;
        char *rep = read_file(p, &len, why, sizeof why);
        bool abrupt = !rep || strstr(rep, "\"abrupt\"") != NULL;
        if (!abrupt && taken >= want) {
            free(rep);
            continue;
        }
        if (rep) {
            char name[512];
            snprintf(name, sizeof name, "runs/%s/report.json", names[i]);
            struct item *it = add_item(b, name, "the run's report (report.md and report.html are rendered from it)", rep, len);
            if (it)
                it->report = true;
            taken++;
        }
        if (!abrupt)
            continue;
        /* An abrupt end: keep everything the run left (its journal first of all). */
        DIR *rdir = opendir(rd);
        struct dirent *f;
        while (rdir && (f = readdir(rdir))) {
            if (f->d_name[0] == '.' || !strncmp(f->d_name, "report.", 7))
                continue;
            snprintf(p, sizeof p, "%s/%s", rd, f->d_name);
            if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            char name[600];
            snprintf(name, sizeof name, "runs/%s/%s", names[i], f->d_name);
            char *data = read_file(p, &len, why, sizeof why);
            if (data)
                add_item(b, name, "file of a run that ended abruptly (journal)", data, len);
            else
                json_array_append_new(b->missing, json_sprintf("%s: %s", name, why));
        }
        if (rdir)
            closedir(rdir);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
}

static int add_json(struct bundle *b, const char *name, const char *what, const json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!s)
        return -ENOMEM;
    add_item(b, name, what, s, strlen(s));
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

static void redact_all(struct bundle *b, struct sw_redactor *red, json_t *summary)
{
    int n = b->n;
    for (int i = 0; i < n; i++) {
        struct item *it = &b->items[i];
        if (it->binary) {
            sw_redact_mask(red, (unsigned char *)it->data, it->len);
            continue;
        }
        char *out = sw_redact_text(red, it->data);
        if (!out)
            continue;
        free(it->data);
        it->data = out;
        it->len = strlen(out);
    }
    (void)summary;
}

/* After redaction: record it in each report.json and render report.md/report.html from that. */
static void render_reports(struct bundle *b, const json_t *summary, bool redacted)
{
    int n = b->n;
    for (int i = 0; i < n; i++) {
        struct item *it = &b->items[i];
        if (!it->report)
            continue;
        json_t *r = json_loadb(it->data, it->len, 0, NULL);
        if (!r)
            continue;
        if (redacted) {
            json_object_set_new(r, "redacted", json_pack("{s:s,s:O}", "by", "stresswsl bundle", "items", summary));
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
        size_t len;
        char name[300];
        char *md = render_report(r, sw_report_write_markdown, &len);
        if (md) {
            snprintf(name, sizeof name, "%s/report.md", base);
            add_item(b, name, "support-ticket summary of the run", md, len);
        }
        char *html = render_report(r, sw_report_write_html, &len);
        if (html) {
            snprintf(name, sizeof name, "%s/report.html", base);
            add_item(b, name, "the same as one self-contained web page", html, len);
        }
        json_decref(r);
    }
}

static char *manifest_text(const struct bundle *b, const struct sw_bundle_input *in, const json_t *summary,
                           size_t masked_files)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "stresswsl support bundle\ncreated: %s\ntool: stresswsl %s\n\n", in->created ? in->created : "unknown",
            SW_VERSION);
    if (in->redact) {
        fputs("Redaction: ON. User names (also inside C:\\Users\\NAME, /mnt/c/Users/NAME and /home/NAME paths), host\n"
              "names, serial numbers and UUIDs, MAC addresses, Windows product IDs, SIDs and machine GUIDs were\n"
              "replaced by placeholders. The same value always gets the same placeholder (user-1, host-1, ...);\n"
              "the original values are not in this archive.\n", f);
        size_t i;
        const json_t *x;
        json_array_foreach(summary, i, x)
            fprintf(f, "  %s: %lld distinct value(s) -> %s\n", json_string_value(json_object_get(x, "what")),
                    (long long)json_integer_value(json_object_get(x, "count")),
                    json_string_value(json_object_get(x, "placeholder")));
        if (!json_array_size(summary))
            fputs("  nothing matched\n", f);
        if (masked_files)
            fprintf(f, "  %zu binary file(s) (journals) were masked in place, keeping record sizes; the records'\n"
                       "  CRCs no longer match where a value was masked.\n", masked_files);
    } else {
        fputs("Redaction: OFF (--no-redact). This archive may contain user names, host names and serial numbers.\n", f);
    }
    fputs("\nFiles:\n", f);
    fprintf(f, "  %-40s %s\n", "MANIFEST", "this file");
    for (int i = 0; i < b->n; i++)
        fprintf(f, "  %-40s %s\n", b->items[i].name, b->items[i].what);
    fputs("\nMissing or left out:\n", f);
    size_t i;
    const json_t *x;
    json_array_foreach(b->missing, i, x) fprintf(f, "  %s\n", json_string_value(x));
    if (!json_array_size(b->missing))
        fputs("  nothing\n", f);
    fclose(f);
    return buf;
}

static int write_archive(const struct bundle *b, const char *manifest, const char *path, struct sw_diag *d)
{
    struct archive *a = archive_write_new();
    if (!a)
        return sw_fail(d, -ENOMEM, "bundle: out of memory");
    int rc = 0;
    if (archive_write_add_filter_gzip(a) != ARCHIVE_OK || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_open_filename(a, path) != ARCHIVE_OK) {
        rc = sw_fail(d, -EIO, "cannot write %s: %s: choose another place with --out", path, archive_error_string(a));
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
            rc = sw_fail(d, -EIO, "cannot write %s: %s", path, archive_error_string(a));
        archive_entry_free(e);
    }
    if (archive_write_close(a) != ARCHIVE_OK && !rc)
        rc = sw_fail(d, -EIO, "cannot finish %s: %s", path, archive_error_string(a));
    archive_write_free(a);
    return rc;
}

int sw_bundle_write(const struct sw_bundle_input *in, const char *out_path, json_t **manifest, struct sw_diag *d)
{
    struct bundle *b = calloc(1, sizeof *b);
    if (!b)
        return sw_fail(d, -ENOMEM, "bundle: out of memory");
    b->missing = json_array();
    if (in->probe)
        add_json(b, "probe.json", "fresh probe snapshot (stresswsl probe --json)", in->probe);
    else
        json_array_append_new(b->missing, json_sprintf("probe.json: %s", in->probe_note ? in->probe_note : "no probe snapshot"));
    if (in->kmsg)
        add_item(b, "kmsg.txt", "kernel log since boot (/dev/kmsg)", strdup(in->kmsg), strlen(in->kmsg));
    else
        json_array_append_new(b->missing, json_sprintf("kmsg.txt: %s", in->kmsg_note ? in->kmsg_note : "not collected"));
    if (in->host_evidence && json_array_size(in->host_evidence))
        add_json(b, "host-evidence.json", "Windows host: guest-crash (Hyper-V 18590), WHEA and wsl-crashes records",
                 in->host_evidence);
    else
        json_array_append_new(b->missing, json_sprintf("host-evidence.json: %s",
                                                       in->host_note ? in->host_note : "no host evidence found"));
    if (in->state_dir)
        add_runs(b, in);

    struct sw_redactor *red = in->redact ? sw_redactor_new() : NULL;
    json_t *summary = json_array();
    size_t masked = 0;
    if (red) {
        for (const char *const *u = in->known_users; u && *u; u++)
            sw_redact_add(red, SW_REDACT_USER, *u);
        for (const char *const *h = in->known_hosts; h && *h; h++)
            sw_redact_add(red, SW_REDACT_HOST, *h);
        /* Learn from every file first so a name seen in one file is replaced in all of them. */
        for (int i = 0; i < b->n; i++) {
            struct item *it = &b->items[i];
            for (size_t off = 0; off < it->len;) {   /* binary: NUL-separated strings */
                sw_redact_learn(red, it->data + off);
                off += strlen(it->data + off) + 1;
            }
            masked += it->binary;
        }
        json_decref(summary);
        summary = sw_redact_summary(red);
        redact_all(b, red, summary);
    }
    render_reports(b, summary, red != NULL);
    char *mf = manifest_text(b, in, summary, masked);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
    int rc = mf ? write_archive(b, mf, tmp, d) : sw_fail(d, -ENOMEM, "bundle: out of memory");
    if (!rc && rename(tmp, out_path) != 0)
        rc = sw_fail(d, -errno, "cannot rename %s to %s: %s", tmp, out_path, strerror(errno));
    if (rc)
        unlink(tmp);
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
