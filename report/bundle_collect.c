/* What the bundle reads from disk, all of it hostile: run directories (the state dir's newest, the
 * --out runs listed in <state>/external-runs, or the ones named on the command line). A run directory
 * is taken only if it is a real directory (not a symlink) owned by the user and holds a stresswsl run;
 * files are opened relative to it with O_NOFOLLOW, must be regular and are read up to a size cap,
 * so nothing outside the run directories is ever read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/journal.h"
#include "report/bundle_int.h"

struct sw_item *sw_bundle_add(struct sw_bundle *b, const char *name, const char *what, char *data, size_t len,
                              enum sw_item_kind kind)
{
    if (b->n >= SW_BUNDLE_MAX_ITEMS || b->total + len > SW_BUNDLE_MAX_TOTAL) {
        free(data);
        json_array_append_new(b->missing, json_sprintf("%s: left out (the bundle holds at most %d files and %u MiB)",
                                                       name, SW_BUNDLE_MAX_ITEMS, SW_BUNDLE_MAX_TOTAL >> 20));
        return NULL;
    }
    struct sw_item *it = &b->items[b->n++];
    snprintf(it->name, sizeof it->name, "%s", name);
    snprintf(it->what, sizeof it->what, "%s", what);
    it->data = data;
    it->len = len;
    it->kind = kind;
    b->total += len;
    return it;
}

/* name inside dirfd: a regular file, not a symlink, at most cap bytes. NULL with why set otherwise. */
static char *read_in(int dirfd, const char *name, size_t cap, size_t *len, char *why, size_t whycap)
{
    struct stat pre;   /* a device or FIFO is not even opened (opening one can have effects) */
    if (fstatat(dirfd, name, &pre, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(pre.st_mode)) {
        snprintf(why, whycap, "%s", S_ISLNK(pre.st_mode) ? "a symlink (not followed)" : "not a regular file");
        return NULL;
    }
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(why, whycap, "%s", errno == ELOOP ? "a symlink (not followed)" : strerror(errno));
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, whycap, "not a regular file");
    } else if ((unsigned long long)st.st_size > cap) {
        snprintf(why, whycap, "larger than %zu MiB (%lld bytes): left out", cap >> 20, (long long)st.st_size);
    } else if (!(buf = malloc((size_t)st.st_size + 1))) {
        snprintf(why, whycap, "out of memory");
    } else {
        size_t n = 0;
        while (n < (size_t)st.st_size) {   /* never more than fstat said, even if it grows */
            ssize_t k = read(fd, buf + n, (size_t)st.st_size - n);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            n += (size_t)k;
        }
        buf[n] = '\0';
        *len = n;
    }
    close(fd);
    return buf;
}

/* The first bytes of a regular file in dirfd (no symlink); -1 if there is none. */
static ssize_t head_of(int dirfd, const char *name, char *buf, size_t cap)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, buf, cap) : -1;
    close(fd);
    return n;
}

/* Does dirfd hold a stresswsl run: a journal (damaged ones too: crash evidence), or a report.json
 * with a schema? */
static bool holds_run(int dirfd)
{
    char head[4097];
    if (head_of(dirfd, "journal", head, 8) >= 0)
        return true;
    ssize_t n = head_of(dirfd, "report.json", head, sizeof head - 1);
    if (n <= 0)
        return false;
    head[n] = '\0';
    return strstr(head, "\"schema_version\"") != NULL;
}

static int open_run_dir(const char *path, struct sw_diag *d)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
            return sw_fail(d, -ELOOP, "%s: is a symlink: give the run directory itself", path);
        return sw_fail(d, -e, "%s: %s: give a run directory (a --out directory or <state>/runs/<id>)", path,
                       strerror(e));
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0)
        rc = sw_fail(d, -errno, "%s: %s", path, strerror(errno));
    else if (st.st_uid != geteuid())
        rc = sw_fail(d, -EPERM, "%s: owned by uid %u, not by you: bundle only your own runs", path,
                     (unsigned)st.st_uid);
    else if (!holds_run(fd))
        rc = sw_fail(d, -ENOENT, "%s: not a stresswsl run directory (no journal or report.json in it)", path);
    if (rc) {
        close(fd);
        return rc;
    }
    return fd;
}

int sw_bundle_check_run_dir(const char *path, struct sw_diag *d)
{
    int fd = open_run_dir(path, d);
    if (fd < 0)
        return fd;
    close(fd);
    return 0;
}

static bool is_text(const char *data, size_t len)
{
    return memchr(data, 0, len) == NULL;
}

/* One run: its report.json (report.md/.html are rendered from the redacted copy), and every other
 * file when it ended abruptly (no report, or a report recovered from its journal). A run that ended
 * cleanly is taken only if want_complete. Returns 1 for a complete run taken. */
static int add_run(struct sw_bundle *b, int dirfd, const char *label, bool want_complete)
{
    char name[512], why[160];
    size_t len = 0;
    char *rep = read_in(dirfd, "report.json", SW_BUNDLE_MAX_TEXT, &len, why, sizeof why);
    json_t *parsed = rep ? json_loadb(rep, len, 0, NULL) : NULL;
    const char *status = json_string_value(json_object_get(json_object_get(parsed, "run"), "status"));
    bool is_json = json_is_object(parsed), abrupt = !is_json || (status && !strcmp(status, "abrupt"));
    json_decref(parsed);
    if (!abrupt && !want_complete) {
        free(rep);
        return 0;
    }
    if (rep) {
        snprintf(name, sizeof name, "%s/report.json", label);
        sw_bundle_add(b, name, is_json ? "the run's report (report.md and report.html are rendered from it)"
                                       : "the run's report.json (damaged: not JSON)",
                      rep, len, is_json ? SW_ITEM_REPORT : SW_ITEM_TEXT);
    }
    if (!abrupt)
        return 1;
    int dfd = dup(dirfd);
    DIR *dir = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!dir) {
        if (dfd >= 0)
            close(dfd);
        json_array_append_new(b->missing, json_sprintf("%s/: cannot list: %s", label, strerror(errno)));
        return 0;
    }
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(dir)) && seen++ < 64) {
        const char *f = e->d_name;
        if (f[0] == '.' || !strncmp(f, "report.", 7))
            continue;
        snprintf(name, sizeof name, "%s/%s", label, f);
        struct stat st;
        if (fstatat(dirfd, f, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode))
            continue;   /* the run's tmp/ holds workload scratch, not evidence */
        bool journal = !strcmp(f, "journal");
        char *data = read_in(dirfd, f, journal ? SW_BUNDLE_MAX_JOURNAL : SW_BUNDLE_MAX_TEXT, &len, why, sizeof why);
        if (!data) {
            json_array_append_new(b->missing, json_sprintf("%s: %s", name, why));
        } else if (journal) {
            bool readable = len >= SW_JOURNAL_HDR_SIZE && !memcmp(data, SW_JOURNAL_MAGIC, 8);
            sw_bundle_add(b, name,
                          readable ? "the journal of a run that ended abruptly (binary; see Redaction)"
                                   : "the journal of a run that ended abruptly, DAMAGED (no readable header; kept "
                                     "as raw bytes, redacted)",
                          data, len, SW_ITEM_JOURNAL);
        } else if (is_text(data, len)) {
            sw_bundle_add(b, name, "file of a run that ended abruptly", data, len, SW_ITEM_TEXT);
        } else {
            free(data);
            json_array_append_new(b->missing,
                                  json_sprintf("%s: a binary file of unknown format: left out (it cannot be redacted "
                                               "reliably)", name));
        }
    }
    closedir(dir);
    return 0;
}

static int cmp_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

/* A name for the archive from a directory's last part: [A-Za-z0-9._-] only, unique among the items. */
static void label_for(const struct sw_bundle *b, const char *prefix, const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base && base[1] ? base + 1 : path;
    char clean[64];
    size_t n = 0;
    for (const char *p = base; *p && n < sizeof clean - 1; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                  *p == '_' || (*p == '.' && n > 0);
        clean[n++] = ok ? *p : '_';
    }
    clean[n] = '\0';
    for (int k = 1;; k++) {
        if (k == 1)
            snprintf(out, cap, "%s/%s", prefix, n ? clean : "run");
        else
            snprintf(out, cap, "%s/%s-%d", prefix, n ? clean : "run", k);
        size_t ol = strlen(out);
        bool taken = false;
        for (int i = 0; i < b->n && !taken; i++)
            taken = !strncmp(b->items[i].name, out, ol) && b->items[i].name[ol] == '/';
        if (!taken || k > 99)
            return;
    }
}

static void add_dir(struct sw_bundle *b, const char *prefix, const char *path)
{
    struct sw_diag d;
    int fd = open_run_dir(path, &d);
    if (fd < 0) {
        json_array_append_new(b->missing, json_sprintf("run %s: left out", d.msg));
        return;
    }
    char label[300];
    label_for(b, prefix, path, label, sizeof label);
    add_run(b, fd, label, true);   /* named or --out runs: all of them */
    close(fd);
}

/* <state>/external-runs: one absolute path a line, appended by every run made with --out. */
static void add_external(struct sw_bundle *b, const char *state_dir)
{
    int sfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sfd < 0)
        return;
    size_t len = 0;
    char why[160];
    char *list = read_in(sfd, "external-runs", 1u << 20, &len, why, sizeof why);
    close(sfd);
    if (!list) {
        if (strcmp(why, strerror(ENOENT)) != 0)
            json_array_append_new(b->missing, json_sprintf("external-runs: %s", why));
        return;
    }
    /* The newest are appended last: take up to SW_BUNDLE_MAX_RUNS from the end. */
    char *lines[SW_BUNDLE_MAX_RUNS];
    int n = 0, skipped = 0;
    for (char *end = list + len; end > list && n < SW_BUNDLE_MAX_RUNS;) {
        char *nl = end;
        while (nl > list && nl[-1] != '\n')
            nl--;
        char *line = nl;
        size_t ll = (size_t)(end - line);
        end = nl > list ? nl - 1 : list;
        while (ll && (line[ll - 1] == '\n' || line[ll - 1] == '\r'))
            ll--;
        line[ll] = '\0';
        if (ll == 0)
            continue;
        bool dup = false;
        for (int i = 0; i < n && !dup; i++)
            dup = !strcmp(lines[i], line);
        if (dup)
            continue;
        if (line[0] != '/' || ll >= 4096 || memchr(line, 0, ll)) {
            skipped++;
            continue;
        }
        lines[n++] = line;
    }
    for (int i = n - 1; i >= 0; i--)
        add_dir(b, "out-runs", lines[i]);
    if (skipped)
        json_array_append_new(b->missing, json_sprintf("external-runs: %d line(s) that are not absolute paths", skipped));
    free(list);
}

void sw_bundle_collect_runs(struct sw_bundle *b, const struct sw_bundle_input *in)
{
    if (in->run_dirs && in->run_dirs[0]) {
        for (const char *const *p = in->run_dirs; *p; p++)
            add_dir(b, "runs", *p);
        return;
    }
    if (!in->state_dir)
        return;
    char runs[4096];
    snprintf(runs, sizeof runs, "%s/runs", in->state_dir);
    int rfd = open(runs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *dir = rfd >= 0 ? fdopendir(rfd) : NULL;
    if (!dir) {
        json_array_append_new(b->missing, json_sprintf("runs/: %s: %s (no runs recorded yet?)", runs, strerror(errno)));
        if (rfd >= 0)
            close(rfd);
    } else {
        char *names[1024];
        int n = 0;
        struct dirent *e;
        while ((e = readdir(dir)) && n < 1024)
            if (e->d_name[0] != '.' && strlen(e->d_name) < 128)
                names[n++] = strdup(e->d_name);
        qsort(names, (size_t)n, sizeof names[0], cmp_desc);   /* run ids start with the start time */
        int want = in->latest_runs > 0 ? in->latest_runs : 3, taken = 0;
        for (int i = 0; i < n && i < SW_BUNDLE_MAX_RUNS; i++) {
            if (!names[i])
                continue;
            int fd = openat(rfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            struct stat st;
            if (fd < 0 || fstat(fd, &st) != 0 || st.st_uid != geteuid() || !holds_run(fd)) {
                if (fd >= 0)
                    close(fd);
                continue;
            }
            char label[300];
            snprintf(label, sizeof label, "runs/%s", names[i]);
            taken += add_run(b, fd, label, taken < want);
            close(fd);
        }
        for (int i = 0; i < n; i++)
            free(names[i]);
        closedir(dir);
    }
    add_external(b, in->state_dir);
}
