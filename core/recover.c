/* Finding the runs that died. Run directories are <state>/runs/NAME and the --out directories listed
 * in <state>/external-runs; anyone who can write there can plant a journal, so nothing a journal
 * says decides what is opened, written or removed: every path comes from where the journal was found,
 * each step is opened relative to its directory without following symlinks, and only directories and
 * files of the user running the tool are used (core/safe_fs.c). */
#include "core/recover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/recover_describe.h"
#include "core/safe_fs.h"

#define EXTERNAL_RUNS "external-runs"

/* One run directory found by the scan. Only its name under runs/ or its recorded absolute path is
 * kept (no descriptor: a state dir may hold many runs); it is opened again, the same safe way, when
 * it is processed. */
struct candidate {
    char path[SW_RECOVER_PATH_MAX];   /* display path; for an external run also how it is opened */
    char name[256];                   /* name under runs/, "" for an external run                */
    uint64_t order_ns;                /* header start time, else the journal's mtime             */
};

struct scan_state {
    struct candidate *list;
    size_t n, cap;
    unsigned skipped;                 /* run directories refused as unsafe                       */
    char first_skip[400];
};

static void note_skip(struct scan_state *st, const char *path, const char *what, int err)
{
    if (!st->skipped++)
        snprintf(st->first_skip, sizeof st->first_skip, "%s%s %s", path, what, sw_safe_fs_why(err));
}

static int open_run_dir(int runs_fd, const struct candidate *c)
{
    return c->name[0] ? sw_owned_dir_open(runs_fd, c->name) : sw_owned_dir_open_path(c->path);
}

static bool has_report(int run_fd)
{
    struct stat st;
    return fstatat(run_fd, "report.json", &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Pending: not alive (no flock), not ended cleanly, not yet reported. A journal whose header cannot
 * be read is pending while its directory has no report.json: the abrupt report written for it is its
 * "reported" mark. */
static bool pending(int run_fd, int jfd, uint64_t *order_ns)
{
    struct sw_journal_hdr h;
    if (sw_journal_read_hdr(jfd, &h) == 0) {
        *order_ns = h.f.start_real_ns;
        return !h.f.clean_end && !h.f.reported;
    }
    struct stat st;
    if (fstat(jfd, &st) != 0)
        return false;
    *order_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
    /* A run that is starting creates its journal and locks it a moment later: a damaged journal
     * changed in the last seconds may be that one, so it waits for the next start. */
    if (st.st_mtim.tv_sec + SW_RECOVER_SETTLE_S > time(NULL))
        return false;
    return !has_report(run_fd);
}

static void consider(struct scan_state *st, int runs_fd, const char *name, const char *path)
{
    struct candidate c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name ? name : "");
    snprintf(c.path, sizeof c.path, "%s", path);
    int run_fd = open_run_dir(runs_fd, &c);
    if (run_fd < 0) {
        if (run_fd != -ENOENT)
            note_skip(st, path, "", run_fd);
        return;
    }
    int jfd = sw_owned_file_open(run_fd, "journal", O_RDONLY);
    if (jfd < 0) {
        if (jfd != -ENOENT)
            note_skip(st, path, "/journal", jfd);
        close(run_fd);
        return;
    }
    bool want = flock(jfd, LOCK_SH | LOCK_NB) == 0 && pending(run_fd, jfd, &c.order_ns);
    close(jfd);
    close(run_fd);
    if (!want || st->n >= SW_RECOVER_MAX_RUNS)
        return;
    for (size_t i = 0; i < st->n; i++)
        if (!strcmp(st->list[i].path, c.path))
            return;
    if (st->n == st->cap) {
        size_t nc = st->cap ? st->cap * 2 : 8;
        struct candidate *nl = realloc(st->list, nc * sizeof *nl);
        if (!nl)
            return;
        st->list = nl;
        st->cap = nc;
    }
    st->list[st->n++] = c;
}

/* An absolute path with no "." or ".." part, no control character, short enough: what
 * sw_recover_remember writes. Anything else in the list is not followed. */
static bool plausible_run_path(const char *p)
{
    size_t len = strlen(p);
    if (p[0] != '/' || len < 2 || len >= SW_RECOVER_PATH_MAX)
        return false;
    for (const char *c = p; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return false;
    return !strstr(p, "/./") && !strstr(p, "/../") && strcmp(p + len - 2, "/.") && strcmp(p + len - 3, "/..");
}

/* Reads the whole list into buf (NUL-terminated). -E2BIG when it is over the cap. */
static int read_list(int state_fd, char *buf, size_t cap, size_t *len)
{
    *len = 0;
    buf[0] = '\0';
    int fd = sw_owned_file_open(state_fd, EXTERNAL_RUNS, O_RDONLY);
    if (fd < 0)
        return fd;
    struct stat stt;
    int rc = fstat(fd, &stt) == 0 ? 0 : -errno;
    if (rc == 0 && (uint64_t)stt.st_size >= cap)
        rc = -E2BIG;
    while (rc == 0) {
        ssize_t n = read(fd, buf + *len, cap - 1 - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = -errno;
        if (n <= 0)
            break;
        *len += (size_t)n;
        if (*len == cap - 1)
            break;
    }
    close(fd);
    buf[*len] = '\0';
    return rc;
}

static void consider_external(struct scan_state *st, int state_fd, const char *state_dir)
{
    static char buf[SW_RECOVER_LIST_MAX];
    size_t len;
    int rc = read_list(state_fd, buf, sizeof buf, &len);
    if (rc < 0) {
        if (rc != -ENOENT) {
            char p[SW_RECOVER_PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", state_dir, EXTERNAL_RUNS);
            note_skip(st, p, "", rc);
        }
        return;
    }
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (plausible_run_path(line))
            consider(st, -1, NULL, line);
}

static int newest_first(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    return (x->order_ns < y->order_ns) - (x->order_ns > y->order_ns);
}

static void write_abrupt_report(int run_fd, const struct sw_journal_scan *s, const json_t *prev, const char *dir)
{
    if (has_report(run_fd))
        return;
    json_t *r = sw_recover_abrupt_report(s, prev, dir);
    char *text = json_dumps(r, JSON_INDENT(2));
    if (text)
        sw_write_file_at(run_fd, "report.json", text, strlen(text));
    free(text);
    json_decref(r);
}

/* Describes (when asked), writes the abrupt report, removes the run's own tmp/ and marks the
 * journal reported. Returns the description or NULL. */
static json_t *process(int runs_fd, const struct candidate *c, const char *boot_now, bool describe_it)
{
    int run_fd = open_run_dir(runs_fd, c);
    if (run_fd < 0)
        return NULL;
    int jfd = sw_owned_file_open(run_fd, "journal", O_RDWR);
    if (jfd == -EACCES || jfd == -EROFS)
        jfd = sw_owned_file_open(run_fd, "journal", O_RDONLY);   /* report it, even if it cannot be marked */
    json_t *desc = NULL;
    uint64_t order;
    if (jfd < 0 || flock(jfd, LOCK_EX | LOCK_NB) != 0 || !pending(run_fd, jfd, &order)) {
        if (jfd >= 0)
            close(jfd);
        close(run_fd);
        return NULL;
    }
    struct sw_journal_scan s;
    if (sw_journal_scan(jfd, &s) == 0) {
        char jpath[SW_RECOVER_PATH_MAX + 16];
        snprintf(jpath, sizeof jpath, "%s/journal", c->path);
        const char *base = strrchr(c->path, '/');
        desc = sw_recover_describe(&s, c->path, jpath, base ? base + 1 : c->path, boot_now);
        /* A damaged journal cannot be marked: its abrupt report is the mark, so it is written always. */
        if (describe_it || !s.hdr_ok)
            write_abrupt_report(run_fd, &s, desc, c->path);
        /* Temp files are removed only from the run's own directory; a temp root the header names
         * elsewhere (TMPDIR) is only reported. */
        int rc = sw_remove_tree_at(run_fd, "tmp");
        char own[SW_RECOVER_PATH_MAX + 8];
        snprintf(own, sizeof own, "%s/tmp", c->path);
        if (rc < 0)
            json_object_set_new(desc, "temp_left", json_string(own));
        if (s.hdr_ok && s.hdr.f.tmp_root[0] && strcmp(s.hdr.f.tmp_root, own) != 0) {
            json_t *t = json_string(s.hdr.f.tmp_root);
            if (t)
                json_object_set_new(desc, "temp_left", t);
        }
        if (s.hdr_ok) {
            s.hdr.f.reported = 1;
            sw_journal_write_hdr(jfd, &s.hdr);
        }
        sw_journal_scan_free(&s);
    }
    close(jfd);
    close(run_fd);
    if (!describe_it) {
        json_decref(desc);
        desc = NULL;
    }
    return desc;
}

int sw_recover_scan(const char *state_dir, const char *boot_id_now, json_t **out, struct sw_diag *d)
{
    *out = NULL;
    if (d)
        d->msg[0] = '\0';
    struct scan_state st;
    memset(&st, 0, sizeof st);
    int state_fd = sw_owned_dir_open(AT_FDCWD, state_dir);
    if (state_fd < 0) {
        if (state_fd != -ENOENT)
            sw_fail(d, 0, "earlier runs were not checked: the state directory %s %s", state_dir,
                    sw_safe_fs_why(state_fd));
        return 0;
    }
    int runs_fd = sw_owned_dir_open(state_fd, "runs");
    if (runs_fd >= 0) {
        int dup_fd = dup(runs_fd);
        DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
        if (!dir && dup_fd >= 0)
            close(dup_fd);
        struct dirent *e;
        unsigned looked = 0;
        while (dir && looked < SW_RECOVER_MAX_RUNS && (e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            looked++;
            char path[SW_RECOVER_PATH_MAX];
            snprintf(path, sizeof path, "%s/runs/%s", state_dir, e->d_name);
            consider(&st, runs_fd, e->d_name, path);
        }
        if (dir)
            closedir(dir);
    } else if (runs_fd != -ENOENT) {
        char path[SW_RECOVER_PATH_MAX];
        snprintf(path, sizeof path, "%s/runs", state_dir);
        note_skip(&st, path, "", runs_fd);
    }
    consider_external(&st, state_fd, state_dir);
    close(state_fd);

    if (st.n)   /* qsort(NULL, 0) is undefined */
        qsort(st.list, st.n, sizeof *st.list, newest_first);
    for (size_t i = 0; i < st.n && i < SW_RECOVER_MAX_PER_SCAN; i++) {
        json_t *desc = process(runs_fd, &st.list[i], boot_id_now, !*out);
        if (desc)
            *out = desc;
    }
    if (runs_fd >= 0)
        close(runs_fd);
    free(st.list);
    if (st.skipped)
        sw_fail(d, 0, "earlier runs: %u run director%s not checked, not yours to trust (%s): remove %s if you did "
                      "not create %s",
                st.skipped, st.skipped == 1 ? "y was" : "ies were", st.first_skip, st.skipped == 1 ? "it" : "them",
                st.skipped == 1 ? "it" : "them");
    return 0;
}

int sw_recover_journal(const char *journal_path, const char *boot_id_now, json_t **out, struct sw_diag *d)
{
    *out = NULL;
    int fd = sw_owned_file_open(AT_FDCWD, journal_path, O_RDONLY);
    if (fd < 0)
        return sw_fail(d, fd, "cannot open the journal %s: it %s", journal_path, sw_safe_fs_why(fd));
    if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        return e == EWOULDBLOCK ? -EWOULDBLOCK : sw_fail(d, -e, "cannot lock %s: %s", journal_path, strerror(e));
    }
    struct sw_journal_scan s;
    int rc = sw_journal_scan(fd, &s);
    close(fd);
    if (rc < 0)
        return sw_fail(d, rc, "cannot read the journal %s: %s", journal_path, strerror(-rc));
    if (!s.hdr_ok && s.n == 0) {
        rc = sw_fail(d, -EBADMSG, "%s is not a stresswsl journal (or it is damaged beyond reading): %s", journal_path,
                     s.why);
    } else if (s.damaged || !s.hdr.f.clean_end) {
        char dir[SW_RECOVER_PATH_MAX];
        snprintf(dir, sizeof dir, "%s", journal_path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        const char *base = strrchr(dir, '/');
        *out = sw_recover_describe(&s, dir, journal_path, base ? base + 1 : dir, boot_id_now);
    }
    sw_journal_scan_free(&s);
    return rc;
}

/* Drops the oldest entries so the list stays under its cap with room for one more. */
static void trim_list(char *buf, size_t *len, size_t room)
{
    char *p = buf;
    while (*len - (size_t)(p - buf) + room >= SW_RECOVER_LIST_MAX) {
        char *nl = strchr(p, '\n');
        if (!nl) {
            p = buf + *len;
            break;
        }
        p = nl + 1;
    }
    *len -= (size_t)(p - buf);
    memmove(buf, p, *len + 1);
}

static int append_line(int state_fd, const char *line)
{
    int fd = sw_owned_file_open(state_fd, EXTERNAL_RUNS, O_WRONLY | O_APPEND);
    if (fd < 0)
        return fd;
    size_t len = strlen(line);
    int rc = write(fd, line, len) == (ssize_t)len ? 0 : -EIO;   /* one write: O_APPEND keeps lines whole */
    close(fd);
    return rc;
}

int sw_recover_remember(const char *state_dir, const char *run_dir)
{
    if (!plausible_run_path(run_dir))
        return -EINVAL;
    int state_fd = sw_owned_dir_open(AT_FDCWD, state_dir);
    if (state_fd < 0)
        return state_fd;
    static char buf[SW_RECOVER_LIST_MAX];
    size_t len;
    int rc = read_list(state_fd, buf, sizeof buf, &len);
    bool exists = rc == 0;
    if (rc == -ENOENT || rc == -E2BIG)   /* a list over its cap is started again */
        rc = 0, len = 0, buf[0] = '\0';
    for (char *p = buf; rc == 0 && *p;) {
        char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l == strlen(run_dir) && !memcmp(p, run_dir, l)) {
            close(state_fd);
            return 0;
        }
        p += l + (nl != NULL);
    }
    size_t add = strlen(run_dir) + 1;
    char line[SW_RECOVER_PATH_MAX + 1];
    snprintf(line, sizeof line, "%s\n", run_dir);
    if (rc == 0 && exists && len + add < SW_RECOVER_LIST_MAX && (len == 0 || buf[len - 1] == '\n')) {
        rc = append_line(state_fd, line);
    } else if (rc == 0) {   /* new, full or without a final newline: rewritten, oldest lines dropped */
        trim_list(buf, &len, add + 1);
        if (len && buf[len - 1] != '\n')
            buf[len++] = '\n';
        memcpy(buf + len, line, add + 1);
        rc = sw_write_file_at(state_fd, EXTERNAL_RUNS, buf, len + add);
    }
    close(state_fd);
    return rc;
}
