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
    struct sw_opt_state st = sw_opt_start(&k_cmd, argc, argv);
    const char *val;
    if (sw_opt_get(&st, &val) != SW_OPT_END)   /* no options of its own: only help or an error */
        return st.exit_code;
    unsigned hv = hwloc_get_api_version();
    printf("stresswsl %s\n", SW_VERSION);
    printf("libraries: hwloc %u.%u.%u, libcpuid %s, jansson %s\n", hv >> 16, (hv >> 8) & 0xff, hv & 0xff,
           cpuid_lib_version(), jansson_version_str());
    return SW_EXIT_OK;
}
