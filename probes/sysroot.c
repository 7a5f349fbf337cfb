/* Every /proc and /sys read of the probe goes through here, so a recorded tree (--sysroot) replays
 * exactly what a live read would see. Reads are bounded: a probe never allocates without a cap. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/probe_int.h"

bool sw_sysroot_live(const char *sysroot)
{
    return !sysroot || !*sysroot || !strcmp(sysroot, "/");
}

int sw_sysroot_path(const char *sysroot, const char *abs, char *out, size_t n)
{
    const char *root = sw_sysroot_live(sysroot) ? "" : sysroot;
    size_t rl = strlen(root);
    while (rl > 0 && root[rl - 1] == '/')
        rl--;
    int w = snprintf(out, n, "%.*s%s", (int)rl, root, abs);
    return (w < 0 || (size_t)w >= n) ? -ENAMETOOLONG : 0;
}

ssize_t sw_sysroot_read(const char *sysroot, const char *abs, char *buf, size_t cap)
{
    char p[4096];
    if (cap == 0)
        return -EINVAL;
    buf[0] = 0;
    int rc = sw_sysroot_path(sysroot, abs, p, sizeof p);
    if (rc < 0)
        return rc;
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    size_t got = 0;
    while (got < cap - 1) {
        ssize_t r = read(fd, buf + got, cap - 1 - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            buf[0] = 0;
            return -e;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    return (ssize_t)got;
}

ssize_t sw_sysroot_read_trim(const char *sysroot, const char *abs, char *buf, size_t cap)
{
    ssize_t n = sw_sysroot_read(sysroot, abs, buf, cap);
    if (n < 0)
        return n;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
        buf[--n] = 0;
    return n;
}

int sw_sysroot_read_ll(const char *sysroot, const char *abs, long long *v)
{
    char buf[64];
    ssize_t n = sw_sysroot_read_trim(sysroot, abs, buf, sizeof buf);
    if (n < 0)
        return (int)n;
    char *end;
    errno = 0;
    long long x = strtoll(buf, &end, 0);
    if (errno || end == buf)
        return -EINVAL;
    *v = x;
    return 0;
}

bool sw_sysroot_exists(const char *sysroot, const char *abs)
{
    char p[4096];
    struct stat st;
    return sw_sysroot_path(sysroot, abs, p, sizeof p) == 0 && stat(p, &st) == 0;
}

char *sw_sysroot_slurp(const char *sysroot, const char *abs, size_t max, size_t *len)
{
    char p[4096];
    if (sw_sysroot_path(sysroot, abs, p, sizeof p) < 0) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    size_t cap = 8192, got = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return NULL;
    }
    for (;;) {
        if (got + 1 >= cap) {
            if (cap >= max)
                break;   /* bounded: keep the first max bytes */
            size_t ncap = cap * 2 > max ? max : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                close(fd);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + got, cap - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    if (len)
        *len = got;
    return buf;
}

bool sw_sysroot_getenv(const char *sysroot, const char *name, char *out, size_t n)
{
    if (sw_sysroot_live(sysroot)) {
        const char *v = getenv(name);
        if (!v)
            return false;
        snprintf(out, n, "%s", v);
        return true;
    }
    size_t len = 0;
    char *env = sw_sysroot_slurp(sysroot, "/proc/self/environ", 1 << 20, &len);
    if (!env)
        return false;
    size_t nl = strlen(name);
    bool found = false;
    for (size_t i = 0; i < len;) {
        const char *e = env + i;
        size_t el = strnlen(e, len - i);
        if (el > nl && !strncmp(e, name, nl) && e[nl] == '=') {
            snprintf(out, n, "%s", e + nl + 1);
            found = true;
            break;
        }
        i += el + 1;
    }
    free(env);
    return found;
}
