#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "stress/registry.h"

int cmd_list(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: stresswsl list\n\nLists the workloads (one line each).\n");
        return SW_EXIT_OK;
    }
    printf("workloads:\n");
    for (int i = 0; i < sw_workload_count; i++)
        printf("  %-10s %s\n", sw_workloads[i]->name, sw_workloads[i]->summary);
    return SW_EXIT_OK;
}
