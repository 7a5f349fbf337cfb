/* sw_probe_snapshot: runs the section probes in dependency order (cpu -> hypervisor/environment ->
 * host -> microcode/firmware, which use the host's answers) and assembles the FACTS object. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "probes/probe_int.h"

json_t *sw_probe_snapshot(const struct sw_probe_env *env, struct sw_diag *d)
{
    struct sw_probe_ctx c;
    memset(&c, 0, sizeof c);
    c.env = env;
    c.live = sw_sysroot_live(env->sysroot);
    c.root = c.live ? "" : env->sysroot;
    if (!c.live) {
        struct stat st;
        if (stat(env->sysroot, &st) != 0 || !S_ISDIR(st.st_mode))
            return sw_fail(d, -ENOTDIR, "sysroot '%s' is not a directory: give a recorded tree with proc/ and sys/",
                           env->sysroot),
                   NULL;
    }
    json_t *cpu = sw_probe_cpu(&c, d);
    if (!cpu)
        return NULL;
    json_t *root = json_object();
    char taken[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(taken, sizeof taken, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(root, "schema_version", json_integer(1));
    json_object_set_new(root, "taken", json_string(taken));
    json_object_set_new(root, "sysroot", json_string(c.live ? "/" : env->sysroot));
    json_object_set_new(root, "cpu", cpu);
    json_object_set_new(root, "hypervisor", sw_probe_hypervisor(&c));
    json_object_set_new(root, "kernel", sw_probe_kernel(&c));
    json_object_set_new(root, "memory", sw_probe_memory(&c));
    json_t *host_wsl = NULL;
    json_t *host = sw_probe_host(&c, &host_wsl);
    json_object_set_new(root, "microcode", sw_probe_microcode(&c));
    json_object_set_new(root, "firmware", sw_probe_firmware(&c));
    json_object_set_new(root, "wsl", sw_probe_wsl(&c, host_wsl));
    json_object_set_new(root, "host", host);
    json_decref(host_wsl);
    json_decref(c.host_fw);
    json_decref(c.host_ucode_cur);
    json_decref(c.host_ucode_prev);
    return root;
}
