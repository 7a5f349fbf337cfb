#include "stress/self_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/workload.h"

bool sw_can_exec_path(const char *path, char *why, size_t len)
{
    struct stat st;
    if (strlen(path) >= sizeof ((struct sw_ctx *)0)->self_exe) {
        snprintf(why, len, "the program's path is longer than %zu characters (%.60s...): install it in a shorter "
                 "path", sizeof ((struct sw_ctx *)0)->self_exe - 1, path);
        return false;
    }
    if (stat(path, &st) != 0) {
        snprintf(why, len, "cannot find the program to run its children (%s: %s)", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, len, "the program to run its children (%s) is not a regular file", path);
        return false;
    }
    if (access(path, X_OK) != 0) {
        snprintf(why, len, "cannot execute %s (%s): a noexec mount or a sandbox blocks the children", path,
                 strerror(errno));
        return false;
    }
    return true;
}

bool sw_can_exec_self(char *why, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(why, len, "cannot read /proc/self/exe (%s): /proc is not mounted", strerror(errno));
        return false;
    }
    exe[n] = '\0';
    return sw_can_exec_path(exe, why, len);
}

int sw_child_report_pipe(int *rfd, int *wfd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    if (fcntl(p[1], F_SETFD, 0) < 0 || fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
        int e = -errno;
        close(p[0]);
        close(p[1]);
        return e;
    }
    *rfd = p[0];
    *wfd = p[1];
    return 0;
}
