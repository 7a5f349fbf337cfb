/* stresswsl-exec-child: the execve storm's tiny child. It only checks the argument and environment
 * lists it received against the seed (stress/execve_gen.c) and reports a digest. It exists because
 * re-executing the full stresswsl binary costs its dynamic loading on every exec (numbers in
 * stress/wl_execve.c); built static where the toolchain allows, so exec is kernel work only. */
#include "stress/execve_gen.h"

int main(int argc, char **argv, char **envp)
{
    return sw_xgen_child(argc, argv, envp);
}
