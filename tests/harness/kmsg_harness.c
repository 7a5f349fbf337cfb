#include "tests/harness/kmsg_harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness/check.h"

static struct sw_kmsg_cls cls;   /* big: not on the stack */
static struct sw_kmsg_line line;



static struct sw_kmsg_cls cls;   /* big: not on the stack */
static struct sw_kmsg_line line;

enum sw_kmsg_format kmsg_detect_text(const char *text)
{
    const char *det[32];
    size_t det_len[32], nd = 0;
    for (const char *p = text; *p && nd < 32;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len) {
            det[nd] = p;
            det_len[nd++] = len;
        }
        p += len + (e ? 1 : 0);
    }
    return sw_kmsg_detect(det, det_len, nd);
}

/* Runs text (lines separated by '\n') through detect + reader + classifier, like `analyze`. */
void kmsg_classify_text(const char *text, struct kmsg_result *r)
{
    memset(r, 0, sizeof *r);
    r->fmt = kmsg_detect_text(text);
    struct sw_kmsg_reader rd;
    sw_kmsg_reader_init(&rd, r->fmt);
    sw_kmsg_cls_init(&cls);
    struct sw_kmsg_hit h;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        sw_kmsg_reader_feed(&rd, p, len);
        bool k = false;
        while (sw_kmsg_reader_next(&rd, &line))
            k |= sw_kmsg_cls_feed(&cls, &line);
        r->kernel_lines += k;
        while (sw_kmsg_cls_pop(&cls, &h))
            if (r->n < KMSG_MAXEV)
                r->ev[r->n++] = h;
        p += len + (e ? 1 : 0);
    }
    sw_kmsg_cls_flush(&cls);
    while (sw_kmsg_cls_pop(&cls, &h))
        if (r->n < KMSG_MAXEV)
            r->ev[r->n++] = h;
    for (int i = 0; i < r->n; i++)
        r->kinds |= (1u << r->ev[i].ev.klog_kind) | (r->ev[i].ev.klog_also ? 1u << r->ev[i].ev.klog_also : 0);
}

char *kmsg_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

void kmsg_kinds_text(unsigned kinds, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int k = 1; k < SW_KLOG_KIND_COUNT; k++)
        if (kinds & (1u << k)) {
            strncat(buf, sw_klog_kind_name((enum sw_klog_kind)k), cap - strlen(buf) - 1);
            strncat(buf, " ", cap - strlen(buf) - 1);
        }
}

void kmsg_check_expect(const struct kmsg_expect *x, const struct kmsg_result *r)
{
    char want[256], got[256];
    kmsg_kinds_text(x->kinds, want, sizeof want);
    kmsg_kinds_text(r->kinds, got, sizeof got);
    CHECK_MSG(r->kinds == x->kinds, "%s: kinds '%s', expected '%s'", x->file, got, want);
    if (x->nevents >= 0)
        CHECK_MSG(r->n == x->nevents, "%s: %d events, expected %d", x->file, r->n, x->nevents);
    CHECK_MSG(r->kernel_lines > 0, "%s: no kernel lines recognised", x->file);
    int worst = -1;
    for (int i = 0; i < r->n; i++) {
        const struct sw_event *e = &r->ev[i].ev;
        CHECK(e->type == SW_EV_KERNEL);
        CHECK(e->text[0] != '\0');
        if (e->sev > worst)
            worst = e->sev;
    }
    CHECK_MSG(worst == x->max_sev, "%s: worst severity %d, expected %d", x->file, worst, x->max_sev);
    if (x->symbols) {
        char want_syms[128];
        snprintf(want_syms, sizeof want_syms, "%s", x->symbols);
        for (char *tok = strtok(want_syms, " "); tok; tok = strtok(NULL, " ")) {
            bool found = false;
            for (int i = 0; i < r->n && !found; i++) {
                const char *s = r->ev[i].ev.u.klog.symbols;
                const char *p = strstr(s, tok);
                found = p && (p == s || p[-1] == ' ') && (p[strlen(tok)] == ' ' || p[strlen(tok)] == '\0');
            }
            CHECK_MSG(found, "%s: symbol %s not found", x->file, tok);
        }
    }
    if (x->cpu >= 0) {
        bool found = false;
        for (int i = 0; i < r->n; i++)
            found |= r->ev[i].ev.cpu == x->cpu;
        CHECK_MSG(found, "%s: no event on CPU %d", x->file, x->cpu);
    }
    if (x->task) {
        bool found = false;
        for (int i = 0; i < r->n; i++)
            found |= strcmp(r->ev[i].ev.u.klog.task, x->task) == 0;
        CHECK_MSG(found, "%s: no event names task '%s'", x->file, x->task);
    }
    if (x->where) {
        bool found = false;
        for (int i = 0; i < r->n; i++)
            found |= strncmp(r->ev[i].ev.u.klog.where, x->where, strlen(x->where)) == 0;
        CHECK_MSG(found, "%s: no event with where '%s'", x->file, x->where);
    }
}

void kmsg_check_fixture_dir(const char *rel, const struct kmsg_expect *expects)
{
    const char *dir = sw_test_fixture(rel);
    char dirpath[4096];
    snprintf(dirpath, sizeof dirpath, "%s", dir);
    DIR *d = opendir(dirpath);
    if (!d)
        SW_SKIP("no %s fixtures in %s", rel, dirpath);
    struct dirent *de;
    int seen = 0;
    static struct kmsg_result r;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".log") != 0)
            continue;
        const struct kmsg_expect *x = NULL;
        for (const struct kmsg_expect *e = expects; e->file; e++)
            if (strcmp(e->file, de->d_name) == 0)
                x = e;
        CHECK_MSG(x != NULL, "fixture %s/%s has no expectation here: read its .source and add one", rel, de->d_name);
        if (!x)
            continue;
        char path[sizeof dirpath + sizeof de->d_name + 2];
        snprintf(path, sizeof path, "%s/%s", dirpath, de->d_name);
        const char *text = kmsg_slurp(path);
        CHECK_MSG(text != NULL, "cannot read %s", path);
        if (!text)
            continue;
        kmsg_classify_text(text, &r);
        kmsg_check_expect(x, &r);
        seen++;
    }
    closedir(d);
    int listed = 0;
    for (const struct kmsg_expect *e = expects; e->file; e++)
        listed++;
    CHECK_MSG(seen == listed, "%d fixtures checked, %d expected (a fixture disappeared?)", seen, listed);
}

