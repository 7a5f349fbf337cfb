#include "stress/memcg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PREFIX "stresswsl-"

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int err = n < 0 ? -errno : 0;
    close(fd);
    return err;
}

static ssize_t read_file(const char *dir, const char *name, char *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return n;
}

/* The directory of this process's memory cgroup, from /proc/self/cgroup. */
static int own_cgroup(char *dir, size_t cap, int *version)
{
    char buf[4096];
    if (read_file("/proc/self", "cgroup", buf, sizeof buf) <= 0)
        return -ENOENT;
    char v2[512] = "";
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *ctrls = c1 + 1, *path = c2 + 1;
        if (!strcmp(line, "0") && !*ctrls) {
            snprintf(v2, sizeof v2, "%s", path);
            continue;
        }
        for (const char *p = ctrls; *p;) {   /* a v1 hierarchy with the memory controller */
            size_t n = strcspn(p, ",");
            if (n == 6 && !strncmp(p, "memory", 6)) {
                *version = 1;
                snprintf(dir, cap, "/sys/fs/cgroup/memory%s", strcmp(path, "/") ? path : "");
                return 0;
            }
            p += n + (p[n] == ',');
        }
    }
    if (!v2[0])
        return -ENOENT;
    *version = 2;
    snprintf(dir, cap, "/sys/fs/cgroup%s", strcmp(v2, "/") ? v2 : "");
    return 0;
}

/* rmdirs cgroups of ours whose process is gone (a worker killed before it could clean up). */
static void sweep_stale(const char *parent)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, PREFIX, sizeof PREFIX - 1) != 0)
            continue;
        long pid = strtol(e->d_name + sizeof PREFIX - 1, NULL, 10);
        if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
            char path[600];
            snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
            rmdir(path);
        }
    }
    closedir(d);
}

int sw_memcg_create(struct sw_memcg *m, const char *tag, uint64_t limit, char *why, size_t len)
{
    memset(m, 0, sizeof *m);
    char parent[400], buf[256];
    int rc = own_cgroup(parent, sizeof parent, &m->version);
    if (rc < 0) {
        snprintf(why, len, "no memory cgroup found in /proc/self/cgroup");
        return rc;
    }
    if (m->version == 2 && (read_file(parent, "cgroup.subtree_control", buf, sizeof buf) < 0 || !strstr(buf, "memory"))) {
        snprintf(why, len, "cgroup v2: %s does not delegate the memory controller", parent);
        return -EPERM;
    }
    sweep_stale(parent);
    snprintf(m->path, sizeof m->path, "%s/" PREFIX "%d-%s", parent, (int)getpid(), tag);
    if (mkdir(m->path, 0755) != 0 && !(errno == EEXIST && (rmdir(m->path) == 0 && mkdir(m->path, 0755) == 0))) {
        rc = -errno;
        snprintf(why, len, "cannot create %s: %s", m->path, strerror(errno));
        m->path[0] = '\0';
        return rc;
    }
    snprintf(buf, sizeof buf, "%" PRIu64, limit);
    rc = write_file(m->path, m->version == 1 ? "memory.limit_in_bytes" : "memory.max", buf);
    if (rc < 0) {
        snprintf(why, len, "cannot set the memory limit of %s: %s", m->path, strerror(-rc));
        rmdir(m->path);
        m->path[0] = '\0';
    }
    return rc;
}

uint64_t sw_memcg_limit(const struct sw_memcg *m)
{
    char buf[64];
    if (!m->path[0] || read_file(m->path, m->version == 1 ? "memory.limit_in_bytes" : "memory.max", buf, sizeof buf) <= 0)
        return 0;
    return strtoull(buf, NULL, 10);
}

int sw_memcg_enter(const struct sw_memcg *m)
{
    return m->path[0] ? write_file(m->path, "cgroup.procs", "0") : -ENOENT;
}

uint64_t sw_memcg_oom_kills(const struct sw_memcg *m)
{
    char buf[1024];
    if (!m->path[0] || read_file(m->path, m->version == 1 ? "memory.oom_control" : "memory.events", buf, sizeof buf) <= 0)
        return 0;
    const char *p = strstr(buf, "oom_kill ");
    return p ? strtoull(p + 9, NULL, 10) : 0;
}

unsigned sw_memcg_kill_all(const struct sw_memcg *m)
{
    char buf[4096];
    if (!m->path[0] || read_file(m->path, "cgroup.procs", buf, sizeof buf) <= 0)
        return 0;
    unsigned n = 0;
    for (char *p = buf, *end; *p; p = end) {
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
            n++;
    }
    return n;
}

int sw_memcg_remove(struct sw_memcg *m, unsigned wait_ms)
{
    if (!m->path[0])
        return 0;
    for (unsigned waited = 0;; waited += 5) {
        if (rmdir(m->path) == 0 || errno == ENOENT) {
            m->path[0] = '\0';
            return 0;
        }
        if (errno != EBUSY || waited >= wait_ms)
            return -errno;
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
}
