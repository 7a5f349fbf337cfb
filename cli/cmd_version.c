#include <hwloc.h>
#include <jansson.h>
#include <libcpuid/libcpuid.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"

static const struct sw_opt k_opts[] = {{0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL}};
static const struct sw_opt_cmd k_cmd = {
    .name = "version",
    .usage = "usage: stresswsl version\n",
    .about = "Prints the stresswsl version and the versions of the libraries it uses.",
    .opts = k_opts,
    .epilog = "examples:\n  stresswsl version        (also: stresswsl --version, stresswsl -V)\n",
};

int cmd_version(int argc, char **argv)
{
    struct sw_opt_state st;
    struct sw_diag d = {0};
    const char *val;
    int id;
    sw_opt_init(&st, argc, argv);
    while ((id = sw_opt_next(&st, &k_cmd, &val, &d)) != SW_OPT_END) {
        if (id == SW_OPT_HELP) {
            sw_opt_help(stdout, &k_cmd);
            return SW_EXIT_OK;
        }
        return sw_cli_diag(SW_EXIT_USAGE, &d);
    }
    unsigned hv = hwloc_get_api_version();
    printf("stresswsl %s\n", SW_VERSION);
    printf("libraries: hwloc %u.%u.%u, libcpuid %s, jansson %s\n", hv >> 16, (hv >> 8) & 0xff, hv & 0xff,
           cpuid_lib_version(), jansson_version_str());
    return SW_EXIT_OK;
}
