#include <hwloc.h>
#include <jansson.h>
#include <libcpuid/libcpuid.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: stresswsl version\n\nPrints the stresswsl version and the versions of the libraries it uses.\n\n"
               "examples:\n  stresswsl version        (also: stresswsl --version)\n");
        return SW_EXIT_OK;
    }
    if (argc > 1)
        return sw_cli_error(SW_EXIT_USAGE, "version takes no arguments (got '%s')", argv[1]);
    unsigned hv = hwloc_get_api_version();
    printf("stresswsl %s\n", SW_VERSION);
    printf("libraries: hwloc %u.%u.%u, libcpuid %s, jansson %s\n", hv >> 16, (hv >> 8) & 0xff, hv & 0xff,
           cpuid_lib_version(), jansson_version_str());
    return SW_EXIT_OK;
}
