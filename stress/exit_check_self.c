/* libc glue of the exit check (stress/exit_check.h): this process's pid and /proc/self/status. Used
 * by `stresswsl __child exit` and by the glibc flavour of stresswsl-exec-child. */
#include <fcntl.h>
#include <unistd.h>

#include "stress/exit_check.h"

int sw_exit_check_self(const char *pid_arg, const char *code_arg)
{
    char status[4096];
    ssize_t n = -1;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, status, sizeof status - 1);
        close(fd);
    }
    if (n >= 0)
        status[n] = '\0';
    return sw_exit_check(pid_arg, code_arg, (long)getpid(), n >= 0 ? status : (const char *)0);
}
