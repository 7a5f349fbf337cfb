/* The execve storm's child, libc flavour: `stresswsl __child execve` and the glibc helper (the
 * no-libc helper, stress/helper/exec_child_nolibc.c, is the same three steps with raw syscalls). */
#include <unistd.h>

#include "stress/execve_gen.h"

int sw_xgen_child(int argc, char **argv, char **envp)
{
    int fd;
    struct sw_xgen_record rec;
    int code = sw_xgen_check(argc, argv, envp, &fd, &rec);
    if (code == SW_XGEN_EXIT_USAGE)
        return code;
    rec.pid = (int32_t)getpid();
    if (write(fd, &rec, sizeof rec) != (ssize_t)sizeof rec)
        return SW_XGEN_EXIT_USAGE;
    return code;
}
