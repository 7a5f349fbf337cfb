/* stresswsl-exec-child, glibc flavour: the fallback where the no-libc helper
 * (exec_child_nolibc.c, x86-64 only) cannot be built. It checks the argument and environment lists
 * it received against the seed (stress/execve_gen.c) and reports a digest. Static where the
 * toolchain allows, so no ld.so work per exec; glibc's start-up still costs ~4x the no-libc one
 * (numbers in stress/wl_execve.c). */
#include "stress/execve_gen.h"

int main(int argc, char **argv, char **envp)
{
    return sw_xgen_child(argc, argv, envp);
}
