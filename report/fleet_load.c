#include "report/fleet_load.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/json_skim.h"

struct walk {
    sw_fleet_visit_fn fn;
    void *arg;
    struct sw_fleet_load_stats *st;
    const char *const *keep;
    char *buf, *skim;       /* one report's bytes and its kept members, reused */
    size_t cap;
    long entries;
    int stop;               /* the callback's error       */
};

static void skip(struct walk *w, const char *path, const char *why)
{
    if (w->st->skipped < 5)
        snprintf(w->st->skips[w->st->skipped], sizeof w->st->skips[0], "%s: %s", path, why);
    w->st->skipped++;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static bool is_archive_name(const char *s)
{
    return has_suffix(s, ".tar.gz") || has_suffix(s, ".tgz") || has_suffix(s, ".tar") || has_suffix(s, ".tar.xz") ||
           has_suffix(s, ".tar.zst");
}

static bool grow(struct walk *w, size_t need)
{
    if (need <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : 1 << 16;
    while (cap < need)
        cap *= 2;
    char *p = realloc(w->buf, cap);
    if (!p)
        return false;
    w->buf = p;
    if (!(p = realloc(w->skim, cap + 3)))
        return false;
    w->skim = p;
    w->cap = cap;
    return true;
}

static void parse_and_visit(struct walk *w, size_t len, const struct sw_fleet_source *src)
{
    json_error_t je;
    const char *text = w->buf;
    if (w->keep) {
        long n = sw_json_skim(w->buf, len, w->keep, w->skim);
        if (n < 0) {
            skip(w, src->path, "not valid JSON (not an object, or cut short)");
            return;
        }
        text = w->skim;
        len = (size_t)n;
    }
    json_t *r = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!r) {
        char why[200];
        snprintf(why, sizeof why, "not valid JSON (line %d: %s)", je.line, je.text);
        skip(w, src->path, why);
        return;
    }
    if (!json_is_object(json_object_get(r, "run")))
        skip(w, src->path, "not a stresswsl report.json (no \"run\" object)");
    else {
        w->st->reports++;
        int rc = w->fn(w->arg, r, src);
        if (rc < 0)
            w->stop = rc;
    }
    json_decref(r);
}

/* Reads a regular file (never through a symlink) of at most the report cap into w->buf. */
static int read_capped(struct walk *w, int dirfd, const char *name, const char *path, size_t *len)
{
    int fd = openat(dirfd, name, O_RDONLY | (dirfd == AT_FDCWD ? 0 : O_NOFOLLOW) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        skip(w, path, errno == ELOOP ? "a symbolic link (not followed)" : strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)SW_FLEET_MAX_REPORT_BYTES ||
        !grow(w, (size_t)st.st_size + 1)) {
        skip(w, path, S_ISREG(st.st_mode) ? "larger than 32 MiB (not a report)" : "not a regular file");
        close(fd);
        return -1;
    }
    size_t off = 0;
    while (off < (size_t)st.st_size) {
        ssize_t n = read(fd, w->buf + off, (size_t)st.st_size - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    close(fd);
    *len = off;
    return 0;
}

/* A bundle: every member named .../report.json (regular entries only; links are skipped). */
static void walk_archive(struct walk *w, int dirfd, const char *name, const char *path, const char *machine)
{
    int fd = openat(dirfd, name, O_RDONLY | (dirfd == AT_FDCWD ? 0 : O_NOFOLLOW) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        skip(w, path, fd < 0 && errno == ELOOP ? "a symbolic link (not followed)" : "not a readable regular file");
        if (fd >= 0)
            close(fd);
        return;
    }
    struct archive *a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
        skip(w, path, "not a stresswsl bundle (cannot read it as a tar archive)");
        archive_read_free(a);
        close(fd);
        return;
    }
    struct archive_entry *e;
    int rc;
    while (!w->stop && (rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        if (++w->entries > SW_FLEET_MAX_ENTRIES) {
            skip(w, path, "too many archive entries: stopped reading it");
            break;
        }
        const char *mn = archive_entry_pathname(e);
        if (!mn || archive_entry_filetype(e) != AE_IFREG || !(has_suffix(mn, "/report.json") || !strcmp(mn, "report.json")))
            continue;
        char where[1400];
        snprintf(where, sizeof where, "%s:%s", path, mn);
        la_int64_t size = archive_entry_size(e);
        if (size < 0 || size > (la_int64_t)SW_FLEET_MAX_REPORT_BYTES || !grow(w, (size_t)size + 1)) {
            skip(w, where, "larger than 32 MiB (not a report)");
            continue;
        }
        la_ssize_t n = archive_read_data(a, w->buf, (size_t)size);
        if (n != (la_ssize_t)size) {
            skip(w, where, "truncated archive member");
            break;
        }
        struct sw_fleet_source src = {where, machine, true};
        parse_and_visit(w, (size_t)n, &src);
    }
    if (!w->stop && rc != ARCHIVE_EOF && rc != ARCHIVE_OK)
        skip(w, path, archive_error_string(a) ? archive_error_string(a) : "damaged archive");
    archive_read_free(a);
    close(fd);
}

static void walk_dir(struct walk *w, int dirfd, const char *path, int depth, const char *machine);

/* One directory entry (or the PATH argument itself, dirfd = AT_FDCWD). */
static void walk_entry(struct walk *w, int dirfd, const char *name, const char *path, int depth,
                       const char *machine)
{
    struct stat st;
    /* Only the PATH argument itself (dirfd AT_FDCWD: the user's choice) may be a symlink. */
    if (fstatat(dirfd, name, &st, dirfd == AT_FDCWD ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
        skip(w, path, strerror(errno));
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        skip(w, path, "a symbolic link (not followed)");
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (depth >= SW_FLEET_MAX_DEPTH)
            return;
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            skip(w, path, strerror(errno));
            return;
        }
        /* The first level under PATH names the machine (Ansible fetch: DEST/<host>/...). */
        walk_dir(w, fd, path, depth + 1, depth == 1 ? name : machine);
        return;   /* walk_dir closed fd */
    }
    if (!S_ISREG(st.st_mode))
        return;
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    if (is_archive_name(base)) {
        char m[256];
        snprintf(m, sizeof m, "%.*s", (int)(strstr(base, ".t") ? (size_t)(strstr(base, ".t") - base) : strlen(base)), base);
        walk_archive(w, dirfd, name, path, m);
        return;
    }
    if (strcmp(base, "report.json") != 0 && !(depth == 0 && has_suffix(base, ".json")))
        return;
    size_t len;
    if (read_capped(w, dirfd, name, path, &len) < 0)
        return;
    struct sw_fleet_source src = {path, machine, false};
    parse_and_visit(w, len, &src);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(struct walk *w, int fd, const char *path, int depth, const char *machine)
{
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        skip(w, path, strerror(errno));
        return;
    }
    /* Names first, sorted, so the walk (and the report's order) does not depend on the file system. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.' || ++w->entries > SW_FLEET_MAX_ENTRIES)
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **p = realloc(names, nc * sizeof *p);
            if (!p)
                break;
            names = p;
            cap = nc;
        }
        if ((names[n] = strdup(e->d_name)))
            n++;
    }
    if (w->entries > SW_FLEET_MAX_ENTRIES)
        skip(w, path, "too many files: stopped listing");
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (!w->stop) {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, names[i]);
            walk_entry(w, dirfd(dir), names[i], sub, depth, machine);
        }
        free(names[i]);
    }
    free(names);
    closedir(dir);
}

int sw_fleet_load(const char *path, const char *const *keep, sw_fleet_visit_fn fn, void *arg,
                  struct sw_fleet_load_stats *st, struct sw_diag *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return sw_fail(d, -errno, "%s: %s: give run directories, report.json files or bundles", path, strerror(errno));
    if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))
        return sw_fail(d, -EINVAL, "%s: not a file or directory", path);
    struct walk w = {fn, arg, st, keep, NULL, NULL, 0, 0, 0};
    /* The machine a report names by layout: a directory argument's name, a file argument's directory. */
    char base[256], parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    if (!S_ISDIR(sb.st_mode)) {
        char *s = strrchr(parent, '/');
        if (s)
            *s = 0;
        else
            snprintf(parent, sizeof parent, ".");
    }
    while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
        parent[strlen(parent) - 1] = 0;
    const char *slash = strrchr(parent, '/');
    snprintf(base, sizeof base, "%s", slash && slash[1] ? slash + 1 : parent);
    if (S_ISDIR(sb.st_mode)) {
        /* The PATH argument itself is the user's choice: opened even when it is a symlink. */
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return sw_fail(d, -errno, "%s: %s", path, strerror(errno));
        walk_dir(&w, fd, path, 1, base);
    } else {
        walk_entry(&w, AT_FDCWD, path, path, 0, base);
    }
    free(w.buf);
    free(w.skim);
    return w.stop;
}
