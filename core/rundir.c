#include "core/rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/safe_fs.h"

int sw_mkdir_p(const char *path, mode_t mode)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -ENAMETOOLONG;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
        return -errno;
    struct stat st;
    if (stat(buf, &st) != 0)
        return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int sw_rundir_state_dir(const char *override, char *out, size_t cap, struct sw_diag *d)
{
    int n;
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (override && *override)
        n = snprintf(out, cap, "%s", override);
    else if (xdg && xdg[0] == '/')
        n = snprintf(out, cap, "%s/stresswsl", xdg);
    else if (home && *home)
        n = snprintf(out, cap, "%s/.local/state/stresswsl", home);
    else
        return sw_fail(d, -ENOENT, "neither XDG_STATE_HOME nor HOME is set: give a run directory with --out DIR");
    if (n < 0 || (size_t)n >= cap)
        return sw_fail(d, -ENAMETOOLONG, "the state directory path is too long: use a shorter --out DIR");
    int rc = sw_mkdir_p(out, 0755);
    if (rc < 0 && override && *override && (rc == -ENOTDIR || rc == -EEXIST))
        return sw_fail_input(d, rc, "--state-dir %s: not a directory (a file is in the way): give a directory; it is "
                             "created if missing", out);
    if (rc < 0)
        return sw_fail(d, rc, "cannot create the state directory %s: %s: fix its permissions or use --out DIR", out,
                       strerror(-rc));
    return 0;
}

void sw_rundir_new_id(char *out, size_t cap, uint64_t real_ns)
{
    time_t s = (time_t)(real_ns / 1000000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    char t[32];
    strftime(t, sizeof t, "%Y%m%d-%H%M%S", &tm);
    unsigned short r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
        r = (unsigned short)(getpid() ^ (real_ns >> 10));
    snprintf(out, cap, "%s-%04x", t, r);
}

int sw_rundir_create(const char *state_dir, const char *out_dir, const char *id, char *run_dir, size_t cap,
                     struct sw_diag *d)
{
    int n = out_dir ? snprintf(run_dir, cap, "%s", out_dir) : snprintf(run_dir, cap, "%s/runs/%s", state_dir, id);
    if (n < 0 || (size_t)n >= cap)
        return sw_fail(d, -ENAMETOOLONG, "the run directory path is too long: use a shorter --out DIR");
    int rc = sw_mkdir_p(run_dir, 0755);
    if (rc < 0)
        return sw_fail(d, rc, "cannot create the run directory %s: %s: fix its permissions or use --out DIR", run_dir,
                       strerror(-rc));
    return 0;
}

int sw_rundir_tmp_create(const char *run_dir, const char *id, char *out, size_t cap, struct sw_diag *d)
{
    const char *tmp = getenv("TMPDIR");
    int n = tmp && tmp[0] == '/' ? snprintf(out, cap, "%s/stresswsl-%s", tmp, id) : snprintf(out, cap, "%s/tmp", run_dir);
    if (n < 0 || (size_t)n >= cap)
        return sw_fail(d, -ENAMETOOLONG, "the temp directory path is too long: set a shorter TMPDIR");
    if (mkdir(out, 0700) != 0 && errno != EEXIST)
        return sw_fail(d, -errno, "cannot create the temp directory %s: %s: set TMPDIR to a writable directory", out,
                       strerror(errno));
    /* An existing one must be ours: in a shared TMPDIR another user could have made it first. */
    int fd = sw_owned_dir_open(AT_FDCWD, out);
    if (fd < 0)
        return sw_fail(d, fd, "the temp directory %s %s: remove it or set TMPDIR to a directory of your own", out,
                       sw_safe_fs_why(fd));
    close(fd);
    return 0;
}

int sw_rundir_remove_tree(const char *path)
{
    char parent[1024];
    if (snprintf(parent, sizeof parent, "%s", path) >= (int)sizeof parent)
        return -ENAMETOOLONG;
    char *slash = strrchr(parent, '/');
    const char *base = path;
    int dirfd = AT_FDCWD;
    if (slash) {
        base = path + (slash - parent) + 1;
        if (slash == parent)
            slash[1] = '\0';   /* "/name": the parent is the root */
        else
            *slash = '\0';
        dirfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
            return errno == ENOENT ? 0 : -errno;
    }
    if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
        if (dirfd != AT_FDCWD)
            close(dirfd);
        return -EINVAL;
    }
    int rc = sw_remove_tree_at(dirfd, base);
    if (dirfd != AT_FDCWD)
        close(dirfd);
    return rc;
}
