#include "core/rundir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int rc = flag == FTW_DP ? rmdir(path) : unlink(path);
    if (rc != 0 && errno == ENOENT)
        rc = 0;
    return 0 * rc;   /* keep going: remove as much as possible */
}

/* A workload may leave a directory without write or search permission: make every directory
 * ours again before removing (pre-order walk). */
static int chmod_dirs(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR)
        chmod(path, (st->st_mode & 07777) | 0700);
    return 0;
}

int sw_rundir_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    nftw(path, chmod_dirs, 32, FTW_PHYS | FTW_MOUNT);
    nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    if (lstat(path, &st) == 0)
        return -ENOTEMPTY;
    return 0;
}
