#include "core/atomic_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fmt.h"

/* The temp files being written now, for sw_atomic_remove_pending (a signal handler). A slot is claimed
 * (0 -> 2), filled, then published (1); the handler only reads published slots. */
#define PENDING_SLOTS 8
static struct {
    atomic_int state;   /* 0 free, 2 being filled, 1 published */
    int dirfd;
    char tmp[sizeof ((struct sw_atomic_file *)0)->tmp];
} pending[PENDING_SLOTS];

static void pending_add(struct sw_atomic_file *a)
{
    a->slot = -1;
    for (int i = 0; i < PENDING_SLOTS; i++) {
        int free_slot = 0;
        if (atomic_compare_exchange_strong(&pending[i].state, &free_slot, 2)) {
            pending[i].dirfd = a->dirfd;
            memcpy(pending[i].tmp, a->tmp, sizeof pending[i].tmp);
            atomic_store(&pending[i].state, 1);
            a->slot = i;
            return;
        }
    }
}

static void pending_drop(struct sw_atomic_file *a)
{
    if (a->slot >= 0)
        atomic_store(&pending[a->slot].state, 0);
    a->slot = -1;
}

void sw_atomic_remove_pending(void)
{
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (atomic_load(&pending[i].state) == 1)
            unlinkat(pending[i].dirfd, pending[i].tmp, 0);   /* async-signal-safe */
}

/* Filesystems that cannot sync (some FUSE and 9p mounts, WSL's drvfs for directories) answer these:
 * the write is as durable as that filesystem allows, which is not an error of ours. */
static int sync_err(int fd)
{
    if (fsync(fd) == 0 || errno == EINVAL || errno == ENOTSUP || errno == EROFS)
        return 0;
    return -errno;
}

static void release(struct sw_atomic_file *a)
{
    pending_drop(a);   /* before the directory it names is closed */
    if (a->fd >= 0)
        close(a->fd);
    a->fd = -1;
    if (a->own_dirfd && a->dirfd >= 0)
        close(a->dirfd);
    a->dirfd = -1;
    a->own_dirfd = 0;
}

/* Opens the temp file for name under dirfd; a's fields except fd/name/tmp are set by the caller. */
static int start(struct sw_atomic_file *a, const char *name, struct sw_diag *d)
{
    if (!*name || strchr(name, '/') || strlen(name) >= sizeof a->name) {
        release(a);
        return sw_fail(d, -EINVAL, "cannot write '%s': not a plain file name", a->shown);
    }
    sw_strlcpy(a->name, name, sizeof a->name);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp-%ld", name, (long)getpid());
    /* A temp left by an earlier process with our pid (a crash): ours to replace, never to follow. */
    if (unlinkat(a->dirfd, a->tmp, 0) == 0 || errno == ENOENT)
        a->fd = openat(a->dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (a->fd < 0) {
        int e = -errno;
        release(a);
        return sw_fail(d, e, "cannot write %s: %s", a->shown, strerror(-e));
    }
    pending_add(a);
    return 0;
}

/* A link to a descriptor this process holds (/dev/stdout -> /proc/self/fd/1, /dev/fd/N). */
static bool names_open_fd(const char *path)
{
    struct stat st;
    char target[16];
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return false;
    if (!strncmp(path, "/dev/fd/", 8) || !strncmp(path, "/proc/", 6))
        return true;
    ssize_t n = readlink(path, target, sizeof target - 1);
    return n >= 6 && !memcmp(target, "/proc/", 6);
}

static void init(struct sw_atomic_file *a, const char *shown)
{
    memset(a, 0, sizeof *a);
    a->fd = a->dirfd = a->slot = -1;
    sw_strlcpy(a->shown, shown, sizeof a->shown);
}

int sw_atomic_begin_at(struct sw_atomic_file *a, int dirfd, const char *name, struct sw_diag *d)
{
    init(a, name);
    a->dirfd = dirfd;
    return start(a, name, d);
}

int sw_atomic_begin(struct sw_atomic_file *a, const char *path, struct sw_diag *d)
{
    init(a, path);
    if (strlen(path) >= sizeof a->shown)
        return sw_fail(d, -ENAMETOOLONG, "cannot write %.200s...: the path is too long", path);
    struct stat st, lst;
    bool exists = stat(path, &st) == 0, link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (exists && !link && S_ISBLK(st.st_mode))
        return sw_fail(d, -EINVAL, "cannot write %s: it is a block device: give a file name", path);
    /* /dev/null or a FIFO named as such, /dev/stdout: written into, never renamed over (the rename
     * would replace the device node or /dev/stdout with a regular file). Any other symlink is replaced,
     * never written through: it may point anywhere. Appending: `>>` keeps what the file holds. */
    if (exists && ((!link && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) ||
                   names_open_fd(path))) {
        a->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (S_ISREG(st.st_mode) ? O_APPEND : 0));
        if (a->fd < 0)
            return sw_fail(d, -errno, "cannot write %s: %s", path, strerror(errno));
        a->direct = 1;
        return 0;
    }
    const char *slash = strrchr(path, '/');
    char dir[sizeof a->shown] = ".";
    if (slash) {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    a->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (a->dirfd < 0)
        return sw_fail(d, -errno, "cannot write %s: %s (its directory)", path, strerror(errno));
    a->own_dirfd = 1;
    return start(a, slash ? slash + 1 : path, d);
}

int sw_atomic_put(struct sw_atomic_file *a, const void *data, size_t len, struct sw_diag *d)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(a->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? -errno : -EIO;
            return sw_fail(d, e, "cannot write %s: %s", a->shown, strerror(-e));
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int sw_atomic_commit(struct sw_atomic_file *a, struct sw_diag *d)
{
    int rc = a->direct ? 0 : sync_err(a->fd);
    if (close(a->fd) != 0 && rc == 0)
        rc = -errno;
    a->fd = -1;
    if (a->direct) {
        release(a);
        return rc < 0 ? sw_fail(d, rc, "cannot write %s: %s", a->shown, strerror(-rc)) : 0;
    }
    if (rc == 0 && renameat(a->dirfd, a->tmp, a->dirfd, a->name) != 0)
        rc = -errno;
    if (rc < 0) {
        unlinkat(a->dirfd, a->tmp, 0);
        release(a);
        return sw_fail(d, rc, "cannot write %s: %s", a->shown, strerror(-rc));
    }
    /* The rename is done; only its durability is left to ask for. */
    if (a->dirfd != AT_FDCWD)
        rc = sync_err(a->dirfd);
    release(a);
    return rc < 0 ? sw_fail(d, rc, "wrote %s but could not sync its directory: %s", a->shown, strerror(-rc)) : 0;
}

void sw_atomic_abandon(struct sw_atomic_file *a)
{
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
        if (!a->direct)
            unlinkat(a->dirfd, a->tmp, 0);
    }
    release(a);
}

int sw_atomic_write(const char *path, sw_atomic_fill_fn fill, const void *arg, struct sw_diag *d)
{
    struct sw_atomic_file a;
    int rc = sw_atomic_begin(&a, path, d);
    if (rc < 0)
        return rc;
    /* The stream gets its own descriptor so fclose leaves a.fd for the sync. */
    int dupfd = fcntl(a.fd, F_DUPFD_CLOEXEC, 0);
    FILE *f = dupfd >= 0 ? fdopen(dupfd, "w") : NULL;
    if (!f) {
        rc = -errno;
        if (dupfd >= 0)
            close(dupfd);
        sw_atomic_abandon(&a);
        return sw_fail(d, rc, "cannot write %s: %s", path, strerror(-rc));
    }
    if (d)
        d->msg[0] = '\0';   /* a fill that fails without a message still gets one below */
    rc = fill(f, arg, d);
    int e = ferror(f) ? EIO : 0;
    if (fclose(f) != 0)
        e = errno;
    if (e && rc == 0)
        rc = sw_fail(d, -e, "cannot write %s: %s", path, strerror(e));
    else if (rc < 0 && d && !d->msg[0])
        sw_fail(d, rc, "cannot write %s: %s", path, strerror(e ? e : -rc));
    if (rc < 0) {
        sw_atomic_abandon(&a);
        return rc;
    }
    return sw_atomic_commit(&a, d);
}

int sw_atomic_write_at(int dirfd, const char *name, const void *data, size_t len, struct sw_diag *d)
{
    struct sw_atomic_file a;
    int rc = sw_atomic_begin_at(&a, dirfd, name, d);
    if (rc == 0 && (rc = sw_atomic_put(&a, data, len, d)) < 0)
        sw_atomic_abandon(&a);
    else if (rc == 0)
        rc = sw_atomic_commit(&a, d);
    return rc;
}

struct doc_job {
    const json_t *doc;
    sw_doc_writer_fn fn;
    size_t flags;        /* for dump_json */
    const char *path;
};

static int fill_doc(FILE *f, const void *arg, struct sw_diag *d)
{
    const struct doc_job *job = arg;
    return job->fn(job->doc, f, d);
}

int sw_atomic_write_doc(const char *path, const json_t *doc, sw_doc_writer_fn fn, struct sw_diag *d)
{
    struct doc_job job = {doc, fn, 0, path};
    return sw_atomic_write(path, fill_doc, &job, d);
}

static int fill_json(FILE *f, const void *arg, struct sw_diag *d)
{
    const struct doc_job *job = arg;
    if (json_dumpf(job->doc, f, job->flags) != 0 || fputc('\n', f) == EOF)
        return sw_fail(d, -EIO, "cannot write %s: %s", job->path, strerror(errno ? errno : EIO));
    return 0;
}

int sw_atomic_write_json(const char *path, const json_t *j, size_t flags, struct sw_diag *d)
{
    struct doc_job job = {j, NULL, flags, path};
    return sw_atomic_write(path, fill_json, &job, d);
}
