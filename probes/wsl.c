/* wsl.*: is this WSL, which version, distro, interop state, and what the host says about WSL
 * (`wsl --version`, .wslconfig; collected by host.c). */
#include <stdio.h>
#include <string.h>

#include "probes/probe_int.h"

json_t *sw_probe_wsl(struct sw_probe_ctx *c, json_t *host_wsl)
{
    json_t *s = json_object();
    bool is = c->kind == SW_ENV_WSL2 || c->kind == SW_ENV_WSL1;
    sw_fact_set(s, "is_wsl", sw_fact_bool(is, "hypervisor.environment"));
    if (is)
        sw_fact_set(s, "version", sw_fact_int(c->kind == SW_ENV_WSL2 ? 2 : 1, "hypervisor.environment"));
    else
        sw_fact_set(s, "version", sw_fact_unavail("not WSL"));
    char v[256];
    if (sw_sysroot_getenv(c->root, "WSL_DISTRO_NAME", v, sizeof v))
        sw_fact_set(s, "distro", sw_fact_str(v, "WSL_DISTRO_NAME"));
    else
        sw_fact_set(s, "distro", sw_fact_unavail(is ? "WSL_DISTRO_NAME not set (lost under sudo, ssh or systemd "
                                                      "services)"
                                                    : "not WSL"));
    if (is) {
        char st[64];
        bool entry = sw_sysroot_read(c->root, "/proc/sys/fs/binfmt_misc/WSLInterop", st, sizeof st) > 0;
        json_t *f = sw_fact_bool(entry && !strncmp(st, "enabled", 7), "/proc/sys/fs/binfmt_misc/WSLInterop");
        if (!entry)
            sw_fact_note(f, "no WSLInterop binfmt entry: interop disabled in /etc/wsl.conf, binfmt_misc not "
                            "mounted, or wiped by systemd-binfmt");
        else if (!sw_sysroot_getenv(c->root, "WSL_INTEROP", v, sizeof v))
            sw_fact_note(f, "WSL_INTEROP is not set: calls may fail outside a WSL session (ssh, cron)");
        sw_fact_set(s, "interop", f);
    } else {
        sw_fact_set(s, "interop", sw_fact_unavail("not WSL"));
    }
    json_t *ver = json_object_get(host_wsl, "versions"), *cfg = json_object_get(host_wsl, "wslconfig");
    sw_fact_set(s, "versions", ver ? json_incref(ver) : sw_fact_unavail("not asked"));
    sw_fact_set(s, "wslconfig", cfg ? json_incref(cfg) : sw_fact_unavail("not asked"));
    return s;
}
