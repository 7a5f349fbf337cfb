/* libc glue of the exit check (stress/exit_check.h): this process's pid and /proc/self/status. Used
 * by `stresswsl __child exit` and by the glibc flavour of stresswsl-exec-child. */
#include <fcntl.h>
#include <unistd.h>

#include "stress/exit_check.h"

static long read_fd(long fd, char *buf, long n)
{
    return (long)read((int)fd, buf, (size_t)n);
}

int sw_exit_check_self(const char *pid_arg, const char *code_arg)
{
    char threads[64];
    int got = -1;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        got = sw_exit_threads_line(fd, read_fd, threads, sizeof threads);
        close(fd);
    }
    return sw_exit_check(pid_arg, code_arg, (long)getpid(), got == 0 ? threads : (const char *)0);
}
