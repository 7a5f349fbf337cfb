/* stresswsl-exec-child, glibc flavour: the fallback where the no-libc helper
 * (exec_child_nolibc.c, x86-64 only) cannot be built. It checks the argument and environment lists
 * it received against the seed (stress/execve_gen.c) and reports a digest. Static where the
 * toolchain allows, so no ld.so work per exec; glibc's start-up still costs ~4x the no-libc one
 * (numbers in stress/wl_execve.c). */
#include <unistd.h>

#include "stress/execve_gen.h"
#include "stress/exit_check.h"

int main(int argc, char **argv, char **envp)
{
    if (sw_exit_check_mode(argc, argv))   /* the exit workload's exec-from-thread check */
        _exit(sw_exit_check_self(argv[2], argv[3]));
    return sw_xgen_child(argc, argv, envp);
}
