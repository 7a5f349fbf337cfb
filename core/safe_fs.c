#include "core/safe_fs.h"

#include "core/atomic_write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *sw_safe_fs_why(int err)
{
    switch (err) {
    case -ELOOP: return "is a symbolic link";
    case -EPERM: return "belongs to another user";
    case -EACCES: return "is writable by other users";
    case -ENOTDIR: return "is not a directory";
    case -EINVAL: return "is not a regular file";
    case -EMLINK: return "has more than one hard link";
    case -ENOENT: return "does not exist";
    case -EXDEV: return "is on another filesystem";
    case -E2BIG: return "is too large";
    default: return strerror(-err);
    }
}

static int check_owner(const struct stat *st)
{
    if (st->st_uid != geteuid())
        return -EPERM;
    if ((st->st_mode & S_IWOTH) && !(st->st_mode & S_ISVTX))
        return -EACCES;
    return 0;
}

/* O_NOFOLLOW on the last component fails with ELOOP on a symlink; O_DIRECTORY also refuses one
 * when combined with O_PATH (the link itself would be opened). Returns the fd or -errno, -ELOOP for
 * a symlink. */
static int open_dir_nofollow(int dirfd, const char *name, bool path_only)
{
    int fd = openat(dirfd, name, (path_only ? O_PATH : O_RDONLY) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    int e = errno;
    if (e == ENOTDIR) {   /* a symlink or a file: say which */
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
            e = ELOOP;
    }
    return -e;
}

static int open_checked_dir(int dirfd, const char *name, bool path_only)
{
    int fd = open_dir_nofollow(dirfd, name, path_only);
    if (fd < 0)
        return fd;
    struct stat st;
    int rc = fstat(fd, &st) == 0 ? 0 : -errno;
    if (rc == 0)
        rc = S_ISDIR(st.st_mode) ? check_owner(&st) : -ENOTDIR;
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

int sw_owned_dir_open(int dirfd, const char *name)
{
    return open_checked_dir(dirfd, name, false);
}

int sw_owned_dir_open_path(const char *abs_path)
{
    char buf[1024];
    size_t len = strlen(abs_path);
    if (abs_path[0] != '/' || len >= sizeof buf)
        return -EINVAL;
    memcpy(buf, abs_path, len + 1);
    /* Components above the last may belong to root (/, /home) or have any mode; they must only not
     * be symlinks. O_PATH needs no read permission on them. */
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char *save = NULL;
    char *comp = strtok_r(buf + 1, "/", &save);
    if (!comp) {
        close(fd);
        return -EINVAL;
    }
    while (comp) {
        char *next = strtok_r(NULL, "/", &save);
        if (!strcmp(comp, ".") || !strcmp(comp, "..")) {
            close(fd);
            return -EINVAL;
        }
        int nfd;
        nfd = next ? open_dir_nofollow(fd, comp, true) : open_checked_dir(fd, comp, false);
        close(fd);
        if (nfd < 0)
            return nfd;
        fd = nfd;
        comp = next;
    }
    return fd;
}

int sw_owned_file_open(int dirfd, const char *name, int flags)
{
    int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    struct stat st;
    int rc = fstat(fd, &st) == 0 ? 0 : -errno;
    if (rc == 0 && !S_ISREG(st.st_mode))
        rc = -EINVAL;
    else if (rc == 0 && st.st_uid != geteuid())
        rc = -EPERM;
    else if (rc == 0 && st.st_nlink != 1)
        rc = -EMLINK;
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

/* Gives the user back read, write and search permission on a directory it owns, through an O_PATH
 * descriptor (chmod of the /proc/self/fd link acts on the open directory, not on a path that could
 * be swapped meanwhile). */
static void make_searchable(int pathfd, mode_t mode)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", pathfd);
    if (chmod(link, (mode & 07777) | 0700) != 0)
        return;   /* removal below reports what could not be removed */
}

static int remove_tree(int dirfd, const char *name, dev_t dev, int depth);

static int empty_dir(int fd, dev_t dev, int depth)
{
    int first = 0;
    for (int pass = 0; pass < 2; pass++) {
        int dup_fd = dup(fd);
        if (dup_fd < 0)
            return -errno;
        DIR *d = fdopendir(dup_fd);
        if (!d) {
            close(dup_fd);
            return -errno;
        }
        rewinddir(d);
        bool saw = false;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            saw = true;
            int rc = remove_tree(fd, e->d_name, dev, depth + 1);
            if (rc < 0 && !first)
                first = rc;
        }
        closedir(d);
        if (!saw || first)
            break;
    }
    return first;
}

static int remove_tree(int dirfd, const char *name, dev_t dev, int depth)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : -errno;
    if (st.st_dev != dev)
        return -EXDEV;   /* a mount point inside: leave what is mounted there alone */
    if (depth >= SW_REMOVE_MAX_DEPTH)
        return -ELOOP;
    int pfd = open_checked_dir(dirfd, name, true);
    if (pfd == -EACCES)   /* ours but writable by others: still ours to remove */
        pfd = open_dir_nofollow(dirfd, name, true);
    if (pfd < 0)
        return pfd;
    struct stat pst;
    if (fstat(pfd, &pst) != 0 || pst.st_dev != dev || pst.st_ino != st.st_ino) {
        close(pfd);
        return -EAGAIN;   /* swapped between the stat and the open */
    }
    if ((pst.st_mode & 0700) != 0700)
        make_searchable(pfd, pst.st_mode);
    int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(pfd);
    if (fd < 0)
        return -errno;
    int rc = empty_dir(fd, dev, depth);
    close(fd);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        return rc ? rc : -errno;
    return rc;
}

int sw_remove_tree_at(int dirfd, const char *name)
{
    struct stat st;
    if (fstat(dirfd, &st) != 0)
        return -errno;
    return remove_tree(dirfd, name, st.st_dev, 0);
}

int sw_write_file_at(int dirfd, const char *name, const char *data, size_t len)
{
    return sw_atomic_write_at(dirfd, name, data, len, NULL);
}
