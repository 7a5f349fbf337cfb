#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define SW_SPAWN_ORPHANED 125   /* the runner died between fork and PR_SET_PDEATHSIG */

/* The signals sw_spawn_note_signals() found changed (inherited by fork); -1: not noted, reset all. */
static int noted_sigs[NSIG];
static int n_noted_sigs = -1;

void sw_spawn_note_signals(void)
{
    n_noted_sigs = 0;
    for (int s = 1; s < NSIG; s++) {
        struct sigaction old;
        if (s == SIGKILL || s == SIGSTOP || sigaction(s, NULL, &old) != 0)
            continue;   /* glibc's internal signals refuse to be read or changed */
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
            noted_sigs[n_noted_sigs++] = s;
    }
}

void sw_spawn_reset_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    if (n_noted_sigs >= 0)
        for (int i = 0; i < n_noted_sigs; i++)
            sigaction(noted_sigs[i], &sa, NULL);
    else
        for (int s = 1; s < NSIG; s++)
            if (s != SIGKILL && s != SIGSTOP)
                sigaction(s, &sa, NULL);   /* fails harmlessly for the glibc-internal ones */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The state letter and process group of /proc/<name>/stat; false if it is gone or unreadable. */
static bool proc_stat_group(const char *name, char *state, pid_t *pgrp)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    const char *rp = strrchr(buf, ')');   /* the command name may hold spaces and parentheses */
    int pg;
    if (!rp || sscanf(rp + 1, " %c %*d %d", state, &pg) != 2)
        return false;
    *pgrp = pg;
    return true;
}

bool sw_group_live(pid_t pgid)
{
    if (pgid <= 0 || (kill(-pgid, 0) != 0 && errno != EPERM))
        return false;
    DIR *dir = opendir("/proc");
    if (!dir)
        return true;   /* cannot tell: assume it lives, the caller escalates */
    bool live = false;
    struct dirent *e;
    while (!live && (e = readdir(dir)) != NULL) {
        char st;
        pid_t pg;
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && proc_stat_group(e->d_name, &st, &pg) && pg == pgid)
            live = st != 'Z' && st != 'X';
    }
    closedir(dir);
    return live;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Closes every fd >= 3 not in keep (sorted copy), using close_range for the gaps. */
static void close_others(const int *keep, int nkeep)
{
    int sorted[64];
    int n = 0;
    for (int i = 0; i < nkeep && n < 64; i++)
        if (keep[i] >= 3)
            sorted[n++] = keep[i];
    qsort(sorted, (size_t)n, sizeof sorted[0], cmp_int);
    unsigned lo = 3;
    for (int i = 0; i < n; i++) {
        if ((unsigned)sorted[i] > lo)
            close_range(lo, (unsigned)sorted[i] - 1, 0);
        lo = (unsigned)sorted[i] + 1;
    }
    close_range(lo, ~0u, 0);
}

pid_t sw_spawn(const struct sw_spawn_req *r, struct sw_diag *d)
{
    /* Buffered stdio would be written twice (once by the child) if not flushed before fork. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return sw_fail(d, -errno, "cannot start a worker process: fork: %s: lower --workers or raise ulimit -u",
                       strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* Without this check a runner that died before prctl leaves this child running forever. */
        if (getppid() != r->runner_pid)
            _exit(SW_SPAWN_ORPHANED);
        sw_spawn_reset_signals();
        close_others(r->keep_fds, r->nkeep);
        /* In its own process group a worker reading the terminal would stop on SIGTTIN. */
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (nul >= 0) {
            dup2(nul, STDIN_FILENO);
            close(nul);
        }
        int rc = r->body(r->arg);
        _exit(rc & 0xff);
    }
    /* Both sides set the group so that neither a fast child nor a fast parent sees the old one;
     * EACCES (the child already exec'd) and ESRCH (already gone) are fine: the child did it. */
    (void)setpgid(pid, pid);
    return pid;
}
