/* `stresswsl __child WORKLOAD ...`: the entry point of helper programs a workload re-executes (the
 * execve storm's tiny child, the compile workload's compiler-like jobs). Hidden from help. */
#include <stdio.h>

#include "cli/cli.h"
#include "stress/registry.h"

int cmd___child(int argc, char **argv)
{
    if (argc < 2)
        return SW_EXIT_USAGE;
    const struct sw_workload *wl = sw_workload_find(argv[1], NULL);
    if (!wl || !wl->child_main)
        return SW_EXIT_USAGE;
    return wl->child_main(argc - 1, argv + 1);
}
