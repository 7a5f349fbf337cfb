/* microcode.*: what the guest sees (/proc/cpuinfo, sysfs), what the Windows host loaded (registry,
 * via host.c), and the best known FIRMWARE-loaded revision, which is what the Vmin-shift rules
 * compare (raptor-lake.md §0.5: only a BIOS-loaded revision fixes the voltage issue). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_int.h"

#define HIDDEN 0xffffffffull

int sw_ucode_from_reg_binary(const char *hex, unsigned long long *rev)
{
    unsigned char b[8] = {0};
    size_t n = 0;
    for (const char *p = hex; *p && n < 8;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
            break;
        char t[3] = {p[0], p[1], 0};
        b[n++] = (unsigned char)strtoul(t, NULL, 16);
        p += 2;
    }
    if (n != 4 && n != 8)
        return -1;
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++)   /* stored little-endian: raw IA32_BIOS_SIGN_ID */
        v |= (unsigned long long)b[i] << (8 * i);
    unsigned long long hi = v >> 32, lo = v & 0xffffffffull;
    *rev = hi ? hi : lo;   /* Intel: bits 63:32; AMD reportedly the low dword (host-diagnostics §3.3) */
    return 0;
}

json_t *sw_probe_microcode(struct sw_probe_ctx *c)
{
    json_t *s = json_object();
    json_t *per = json_array();
    const char *src = "/proc/cpuinfo";
    char *ci = sw_sysroot_slurp(c->root, "/proc/cpuinfo", 4 << 20, NULL);
    for (const char *p = ci; p && (p = strstr(p, "microcode")) != NULL; p++) {
        if (p != ci && p[-1] != '\n')
            continue;
        const char *colon = strchr(p, ':');
        if (!colon)
            break;
        unsigned long long v = strtoull(colon + 1, NULL, 16);
        char b[24];
        snprintf(b, sizeof b, "0x%llx", v);
        json_array_append_new(per, json_string(b));
    }
    free(ci);
    if (json_array_size(per) == 0) {
        /* no cpuinfo field: try sysfs (bare metal with the microcode driver) */
        char p[4096];
        DIR *d = NULL;
        if (sw_sysroot_path(c->root, "/sys/devices/system/cpu", p, sizeof p) == 0 && (d = opendir(p))) {
            unsigned max = 0;
            struct dirent *e;
            while ((e = readdir(d)))
                if (!strncmp(e->d_name, "cpu", 3) && isdigit((unsigned char)e->d_name[3]))
                    max = (unsigned)atoi(e->d_name + 3) + 1 > max ? (unsigned)atoi(e->d_name + 3) + 1 : max;
            closedir(d);
            for (unsigned i = 0; i < max && i < 8192; i++) {
                char abs[96];
                long long v;
                snprintf(abs, sizeof abs, "/sys/devices/system/cpu/cpu%u/microcode/version", i);
                if (sw_sysroot_read_ll(c->root, abs, &v) == 0) {
                    char b[24];
                    snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
                    json_array_append_new(per, json_string(b));
                }
            }
            src = "sysfs microcode/version";
        }
    }

    size_t n = json_array_size(per);
    bool consistent = true;
    for (size_t i = 1; i < n; i++)
        if (strcmp(json_string_value(json_array_get(per, i)), json_string_value(json_array_get(per, 0))))
            consistent = false;
    const char *first = n ? json_string_value(json_array_get(per, 0)) : NULL;
    unsigned long long v0 = first ? strtoull(first, NULL, 16) : 0;
    json_t *vis;
    if (!n)
        vis = sw_fact_unavail("no microcode field in /proc/cpuinfo and no sysfs microcode/version");
    else if (v0 == HIDDEN)
        vis = sw_fact_unavail("hidden by the hypervisor (0xffffffff)");
    else if (!consistent) {
        vis = sw_fact_str(first, src);
        sw_fact_note(vis, "CPUs report different revisions (a partial or failed late load?): see per_cpu");
    } else {
        vis = sw_fact_str(first, src);
        if (c->hv_bit)
            sw_fact_note(vis, "guest view: a hypervisor may report a made-up revision (KVM often shows 0x1)");
    }
    sw_fact_set(s, "visible", vis);
    sw_fact_set(s, "per_cpu_consistent", n ? sw_fact_bool(consistent, src) : sw_fact_unavail("no per-CPU revisions"));
    sw_fact_set(s, "per_cpu", n ? sw_fact(per, src) : (json_decref(per), sw_fact_unavail("no per-CPU revisions")));

    json_t *cur = c->host_ucode_cur, *prev = c->host_ucode_prev;
    c->host_ucode_cur = c->host_ucode_prev = NULL;
    const char *nohost = c->kind == SW_ENV_WSL2 ? "the Windows host was not asked (see host section)"
                                                : "no Windows host (not WSL2)";
    sw_fact_set(s, "host_current", cur ? cur : sw_fact_unavail("%s", nohost));
    sw_fact_set(s, "host_firmware", prev ? prev : sw_fact_unavail("%s", nohost));

    json_t *fw;
    if (c->kind == SW_ENV_WSL2 || (prev && sw_fact_known(prev))) {
        json_t *hf = json_object_get(s, "host_firmware");
        if (sw_fact_known(hf)) {
            fw = sw_fact(json_incref(json_object_get(hf, "value")),
                         "host-registry Previous Update Revision");
            sw_fact_note(fw, "the revision before Windows' own microcode update, i.e. the BIOS-loaded one");
        } else {
            fw = sw_fact_unavail("WSL2 hides microcode (0xffffffff) and the host registry could not be read: %s",
                                 json_string_value(json_object_get(hf, "unavailable")));
        }
    } else if (c->kind == SW_ENV_BARE && n && v0 != HIDDEN) {
        fw = sw_fact_str(first, src);
        sw_fact_note(fw, "bare metal: may include an OS-loaded update (early microcode); only the BIOS-loaded "
                         "revision counts for the Vmin-shift fix");
    } else if (c->kind == SW_ENV_VM || c->kind == SW_ENV_CONTAINER) {
        fw = sw_fact_unavail("guest view only: the host's firmware revision is not visible from a %s; read it on "
                             "the host",
                             sw_env_kind_name(c->kind));
    } else {
        fw = sw_fact_unavail("no microcode revision visible");
    }
    sw_fact_set(s, "firmware", fw);
    return s;
}
