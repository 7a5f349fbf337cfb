/* hypervisor.*: who runs us. CPUID leaf 0x40000000 vendor, Hyper-V host build (0x40000002), the
 * environment class (wsl2/wsl1/vm/bare-metal/container, host-diagnostics.md §1.1 order), clocksource
 * and steal time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_int.h"

const char *sw_env_kind_name(enum sw_env_kind k)
{
    switch (k) {
    case SW_ENV_WSL2: return "wsl2";
    case SW_ENV_WSL1: return "wsl1";
    case SW_ENV_VM: return "vm";
    case SW_ENV_CONTAINER: return "container";
    default: return "bare-metal";
    }
}

static const struct {
    const char *sig;
    const char *name;
} vendors[] = {
    {"Microsoft Hv", "hyperv"}, {"KVMKVMKVM", "kvm"},     {"Linux KVM Hv", "kvm"},
    {"TCGTCGTCGTCG", "qemu-tcg"}, {"VMwareVMware", "vmware"}, {"XenVMMXenVMM", "xen"},
    {"bhyve bhyve", "bhyve"},   {"ACRNACRNACRN", "acrn"}, {"VBoxVBoxVBox", "virtualbox"},
    {"Apple VZ", "apple-vz"},   {"QNXQVMBSQG", "qnx"},
};

static bool contains_ci_word(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* A VM whose root image was built from a container image keeps a stale /.dockerenv; a real
 * container's "/" is an overlay (or a docker devicemapper volume), not a whole ext4/xfs disk. */
static bool root_is_block_device(struct sw_probe_ctx *c)
{
    char *mi = sw_sysroot_slurp(c->root, "/proc/self/mountinfo", 1 << 20, NULL);
    bool block = false;
    for (char *line = mi ? strtok(mi, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        char root[256], mnt[256], fstype[64], src[256];
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %255s %255s", root, mnt) != 2 || strcmp(mnt, "/"))
            continue;
        if (sscanf(dash + 3, "%63s %255s", fstype, src) == 2)
            block = !strcmp(root, "/") && (!strcmp(fstype, "ext4") || !strcmp(fstype, "xfs")) &&
                    !strncmp(src, "/dev/", 5) && !strstr(src, "docker");
    }
    free(mi);
    return block;
}

/* The environment class plus the signal that decided it (for the fact's source). */
static enum sw_env_kind classify(struct sw_probe_ctx *c, const char **why)
{
    char rel[256] = "", ver[1024] = "", tmp[256];
    sw_sysroot_read_trim(c->root, "/proc/sys/kernel/osrelease", rel, sizeof rel);
    sw_sysroot_read_trim(c->root, "/proc/version", ver, sizeof ver);
    if (!rel[0] && ver[0])
        sscanf(ver, "Linux version %255s", rel);
    /* 1. WSL1 says "Microsoft" (capital M); WSL2 kernels "microsoft" and/or "-WSL2" */
    if (contains_ci_word(rel, "Microsoft")) {
        *why = "/proc/sys/kernel/osrelease ('Microsoft': WSL1)";
        return SW_ENV_WSL1;
    }
    if (contains_ci_word(rel, "microsoft") || contains_ci_word(rel, "WSL2")) {
        *why = "/proc/sys/kernel/osrelease ('microsoft'/'WSL2')";
        return SW_ENV_WSL2;
    }
    /* 2. custom kernels drop the string: WSL's own traces, then vmbus to tell 1 from 2 */
    bool wslish = sw_sysroot_exists(c->root, "/run/WSL") ||
                  sw_sysroot_exists(c->root, "/proc/sys/fs/binfmt_misc/WSLInterop") ||
                  sw_sysroot_getenv(c->root, "WSL_DISTRO_NAME", tmp, sizeof tmp) ||
                  sw_sysroot_getenv(c->root, "WSL_INTEROP", tmp, sizeof tmp);
    if (wslish) {
        if (sw_sysroot_exists(c->root, "/sys/bus/vmbus") || !strcmp(c->hv_vendor, "Microsoft Hv")) {
            *why = "WSL markers (/run/WSL, WSLInterop, WSL_DISTRO_NAME) + Hyper-V vmbus";
            return SW_ENV_WSL2;
        }
        *why = "WSL markers without vmbus";
        return SW_ENV_WSL1;
    }
    /* 3. containers */
    if ((sw_sysroot_exists(c->root, "/.dockerenv") || sw_sysroot_exists(c->root, "/run/.containerenv")) &&
        !root_is_block_device(c)) {
        *why = "/.dockerenv or /run/.containerenv";
        return SW_ENV_CONTAINER;
    }
    char cg[2048];
    if (sw_sysroot_read(c->root, "/proc/1/cgroup", cg, sizeof cg) > 0 &&
        (strstr(cg, "docker") || strstr(cg, "kubepods") || strstr(cg, "/lxc") || strstr(cg, "containerd"))) {
        *why = "/proc/1/cgroup";
        return SW_ENV_CONTAINER;
    }
    if (c->hv_bit) {
        *why = c->have_cpuid ? "cpuid (hypervisor bit)" : "/proc/cpuinfo (hypervisor flag)";
        return SW_ENV_VM;
    }
    *why = c->have_cpuid ? "cpuid (no hypervisor bit)" : "/proc/cpuinfo (no hypervisor flag)";
    return SW_ENV_BARE;
}

static void steal(struct sw_probe_ctx *c, json_t *s)
{
    char line[512];
    if (sw_sysroot_read(c->root, "/proc/stat", line, sizeof line) <= 0) {
        sw_fact_set(s, "steal_pct", sw_fact_unavail("cannot read /proc/stat"));
        return;
    }
    unsigned long long v[10] = {0};
    int n = sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    if (n < 8) {
        sw_fact_set(s, "steal_pct", sw_fact_unavail("/proc/stat has no steal column"));
        return;
    }
    unsigned long long total = 0;
    for (int i = 0; i < 8; i++)   /* guest time is already inside user/nice */
        total += v[i];
    double pct = total ? 100.0 * (double)v[7] / (double)total : 0.0;
    json_t *f = sw_fact(json_real((double)((long long)(pct * 100 + 0.5)) / 100.0), "/proc/stat");
    if (c->kind == SW_ENV_WSL2)
        sw_fact_note(f, "Hyper-V has no steal clock for Linux guests: expect ~0 even on a busy host");
    else
        sw_fact_note(f, "share of CPU time since boot");
    sw_fact_set(s, "steal_pct", f);
}

json_t *sw_probe_hypervisor(struct sw_probe_ctx *c)
{
    json_t *s = json_object();
    const char *bitsrc = c->have_cpuid ? (c->env->cpuid_dump ? "cpuid-dump" : "cpuid") : "/proc/cpuinfo";
    sw_fact_set(s, "present", sw_fact_bool(c->hv_bit, bitsrc));

    const char *name = "none";
    if (c->hv_bit && c->have_hv_leaves) {
        uint32_t *l = c->hv_leaf[0];
        memcpy(c->hv_vendor, &l[1], 4), memcpy(c->hv_vendor + 4, &l[2], 4), memcpy(c->hv_vendor + 8, &l[3], 4);
        c->hv_vendor[12] = 0;
        size_t n = strlen(c->hv_vendor);   /* "KVMKVMKVM\0\0\0": stop at the NUL padding */
        while (n > 0 && c->hv_vendor[n - 1] == ' ' && strcmp(c->hv_vendor, "bhyve bhyve "))
            n--;
        name = "other";
        for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++)
            if (!strncmp(c->hv_vendor, vendors[i].sig, strlen(vendors[i].sig)))
                name = vendors[i].name;
        if (strstr(c->hv_vendor, "prl hyperv") || strstr(c->hv_vendor, "lrpepyh"))
            name = "parallels";
        sw_fact_set(s, "vendor", sw_fact_str(c->hv_vendor, bitsrc));
    } else if (c->hv_bit) {
        sw_fact_set(s, "vendor", sw_fact_unavail(c->have_cpuid ? "the CPUID dump has no hypervisor leaves (0x40000000)"
                                                                : "no CPUID data for a recorded sysroot; pass --cpuid-dump"));
        name = "other";
    } else {
        sw_fact_set(s, "vendor", sw_fact_unavail("no hypervisor (CPUID.1:ECX bit 31 clear)"));
    }
    sw_fact_set(s, "name", sw_fact_str(c->hv_bit && !c->have_hv_leaves && !c->have_cpuid ? "other" : name, bitsrc));

    if (!strcmp(c->hv_vendor, "Microsoft Hv") && c->hv_leaf[0][0] >= 0x40000002u) {
        uint32_t *l = c->hv_leaf[2];
        char b[64];
        snprintf(b, sizeof b, "%u.%u.%u", l[1] >> 16, l[1] & 0xffff, l[0]);
        json_t *f = sw_fact_str(b, "cpuid 0x40000002");
        char raw[96];
        snprintf(raw, sizeof raw, "build %u-%u.%u-%u-%u.%u", l[0], l[1] >> 16, l[1] & 0xffff, l[2], l[3] >> 24,
                 l[3] & 0xffffff);
        sw_fact_raw(f, raw);
        if (!sw_sysroot_exists(c->root, "/sys/bus/vmbus"))
            sw_fact_note(f, "no /sys/bus/vmbus: the leaves may be emulated (nested or KVM enlightenments)");
        else
            sw_fact_note(f, "the hypervisor's build; normally the Windows build");
        sw_fact_set(s, "hyperv_build", f);
    } else {
        sw_fact_set(s, "hyperv_build", sw_fact_unavail("not a Hyper-V guest"));
    }

    const char *why = "";
    c->kind = classify(c, &why);
    sw_fact_set(s, "environment", sw_fact_str(sw_env_kind_name(c->kind), why));

    char cs[128], avail[512];
    if (sw_sysroot_read_trim(c->root, "/sys/devices/system/clocksource/clocksource0/current_clocksource", cs,
                             sizeof cs) > 0) {
        json_t *f = sw_fact_str(cs, "sysfs");
        if (sw_sysroot_read_trim(c->root, "/sys/devices/system/clocksource/clocksource0/available_clocksource",
                                 avail, sizeof avail) > 0) {
            char note[600];
            snprintf(note, sizeof note, "available: %s", avail);
            sw_fact_note(f, note);
        }
        sw_fact_set(s, "clocksource", f);
    } else {
        sw_fact_set(s, "clocksource", sw_fact_unavail("no /sys/devices/system/clocksource/clocksource0"));
    }
    sw_probe_hv_evidence(c, s, c->hv_bit && !c->have_hv_leaves && !c->have_cpuid ? "other" : name);
    steal(c, s);
    return s;
}
