/* cpu.*: identity and topology from CPUID (live, or a libcpuid raw dump), or from a recorded
 * /proc/cpuinfo when replaying a sysroot without a dump. The signature is computed from raw leaf 1
 * EAX and named by OUR table (cpu_table.c), never by libcpuid's codename. */
#include <cpuid.h>
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcpuid/libcpuid.h>

#include "probes/probe_int.h"

static void quiet_warn(const char *msg)
{
    (void)msg;   /* 0.6.2 warns on stderr about AIDA64 header lines; a library must not print */
}

/* "0-15,32" from a libcpuid affinity mask limited to n CPUs. */
static void mask_to_list(const uint8_t *bits, unsigned n, char *out, size_t cap)
{
    size_t w = 0;
    out[0] = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!(bits[i / 8] & (1u << (i % 8))))
            continue;
        unsigned j = i;
        while (j + 1 < n && (bits[(j + 1) / 8] & (1u << ((j + 1) % 8))))
            j++;
        int k = j > i ? snprintf(out + w, cap - w, "%s%u-%u", w ? "," : "", i, j)
                      : snprintf(out + w, cap - w, "%s%u", w ? "," : "", i);
        if (k < 0 || (size_t)k >= cap - w)
            break;
        w += (size_t)k;
        i = j;
    }
}

/* Hypervisor leaves from an AIDA64-format dump ("CPUID 40000000: A-B-C-D"); first CPU only.
 * libcpuid's raw struct has no slot for them (cpuid-hwloc.md §3 pitfall 6). */
static void dump_hv_leaves(struct sw_probe_ctx *c, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    char line[512];
    unsigned found = 0;
    while (fgets(line, sizeof line, f) && found != 0xf) {
        if (!strncmp(line, "--------------------------------------------------------------------------------", 80))
            break;
        unsigned leaf, a, b, cc, dd;
        if (sscanf(line, "CPUID %x: %x-%x-%x-%x", &leaf, &a, &b, &cc, &dd) == 5 && leaf >= 0x40000000u &&
            leaf <= 0x40000003u && !(found & (1u << (leaf - 0x40000000u)))) {
            unsigned i = leaf - 0x40000000u;
            c->hv_leaf[i][0] = a, c->hv_leaf[i][1] = b, c->hv_leaf[i][2] = cc, c->hv_leaf[i][3] = dd;
            found |= 1u << i;
        }
    }
    fclose(f);
    c->have_hv_leaves = (found & 1) != 0;
}

static void live_hv_leaves(struct sw_probe_ctx *c)
{
    for (unsigned i = 0; i < 4; i++) {
        unsigned a, b, cc, dd;
        __cpuid(0x40000000u + i, a, b, cc, dd);
        c->hv_leaf[i][0] = a, c->hv_leaf[i][1] = b, c->hv_leaf[i][2] = cc, c->hv_leaf[i][3] = dd;
        if (i == 0 && (a < 0x40000000u || a > 0x400000ffu))
            break;   /* no hypervisor leaves behind the bit */
    }
    c->have_hv_leaves = true;
}

static const struct {
    cpu_feature_t f;
    const char *name;
} wanted_flags[] = {
    {CPU_FEATURE_SSE4_2, "sse4_2"}, {CPU_FEATURE_AVX, "avx"},       {CPU_FEATURE_AVX2, "avx2"},
    {CPU_FEATURE_FMA3, "fma"},      {CPU_FEATURE_AVX512F, "avx512f"}, {CPU_FEATURE_AES, "aes"},
    {CPU_FEATURE_SHA_NI, "sha_ni"}, {CPU_FEATURE_RDRAND, "rdrand"}, {CPU_FEATURE_RDSEED, "rdseed"},
    {CPU_FEATURE_BMI2, "bmi2"},     {CPU_FEATURE_VMX, "vmx"},       {CPU_FEATURE_SVM, "svm"},
    {CPU_FEATURE_HYPERVISOR, "hypervisor"},
};

static void set_common(json_t *s, struct sw_probe_ctx *c, const char *brand, const char *src)
{
    struct sw_cpu_ident id;
    char sig[16];
    sw_cpu_identify(c->vendor, c->sig, brand, &id);
    sw_fact_set(s, "vendor", sw_fact_str(c->vendor, src));
    sw_fact_set(s, "brand", sw_fact_str(brand, src));
    sw_fact_set(s, "family", sw_fact_int(sw_cpu_sig_display_family(c->sig), src));
    sw_fact_set(s, "model", sw_fact_int(sw_cpu_sig_display_model(c->sig), src));
    sw_fact_set(s, "stepping", sw_fact_int(c->sig & 0xf, src));
    snprintf(sig, sizeof sig, "0x%x", c->sig);
    sw_fact_set(s, "signature", sw_fact_str(sig, src));
    if (id.codename) {
        json_t *f = sw_fact_str(id.codename, "stresswsl signature table");
        sw_fact_note(f, id.note);
        sw_fact_set(s, "codename", f);
    } else {
        sw_fact_set(s, "codename", sw_fact_unavail("signature %s is not in stresswsl's table", sig));
    }
    sw_fact_set(s, "segment", sw_fact_str(id.segment, "stresswsl signature table + brand"));
}

/* Cores counted from the kernel's topology (distinct package/core_id pairs) when libcpuid cannot
 * count them, as in many VMs; unknown when the topology is not this CPU's (a dump without a sysroot). */
json_t *sw_probe_topology_cores(struct sw_probe_ctx *c)
{
    if (!c->live && !(c->root && *c->root))
        return sw_fact_unavail("libcpuid could not count the cores, and the topology in /sys is not this dump's");
    static long long pairs[4096];
    int n = 0, missing = 0;
    for (int cpu = 0; cpu < 4096 && missing < 64; cpu++) {
        char p[128], core[32], pkg[32];
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
        if (sw_sysroot_read_trim(c->root, p, core, sizeof core) < 0) {
            missing++;
            continue;
        }
        missing = 0;
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
        if (sw_sysroot_read_trim(c->root, p, pkg, sizeof pkg) < 0)
            snprintf(pkg, sizeof pkg, "0");
        long long key = strtoll(pkg, NULL, 10) * 1000000 + strtoll(core, NULL, 10);
        int k = 0;
        while (k < n && pairs[k] != key)
            k++;
        if (k == n && n < 4096)
            pairs[n++] = key;
    }
    if (!n)
        return sw_fact_unavail("libcpuid could not count the cores and /sys has no CPU topology");
    json_t *f = sw_fact_int(n, "/sys/devices/system/cpu/cpu*/topology");
    sw_fact_note(f, "libcpuid counted none; distinct core_id per package in the kernel's topology (in a VM: "
                    "virtual cores as the hypervisor presents them)");
    return f;
}

static json_t *from_libcpuid(struct sw_probe_ctx *c, struct cpu_raw_data_array_t *raw, const char *src)
{
    struct system_id_t sys;
    memset(&sys, 0, sizeof sys);
    json_t *s = json_object();
    struct cpu_raw_data_t *r0 = &raw->raw[0];
    uint32_t *l0 = r0->basic_cpuid[0];
    memcpy(c->vendor, &l0[1], 4), memcpy(c->vendor + 4, &l0[3], 4), memcpy(c->vendor + 8, &l0[2], 4);
    c->vendor[12] = 0;
    c->sig = r0->basic_cpuid[1][0] & 0x0fff3fffu;
    c->hv_bit = (r0->basic_cpuid[1][2] >> 31) & 1;
    c->have_cpuid = true;

    if (cpu_identify_all(raw, &sys) < 0 || sys.num_cpu_types == 0) {
        /* still report the raw identity: it does not depend on libcpuid's tables */
        set_common(s, c, "", src);
        sw_fact_set(s, "brand", sw_fact_unavail("libcpuid could not identify the CPU: %s", cpuid_error()));
        sw_fact_set(s, "cores", sw_fact_unavail("libcpuid could not identify the CPU"));
        sw_fact_set(s, "threads", sw_fact_int(raw->num_raw, src));
        return s;
    }
    char brand[64];
    const char *b = sys.cpu_types[0].brand_str;
    while (*b == ' ')
        b++;
    snprintf(brand, sizeof brand, "%s", b);
    for (size_t n = strlen(brand); n > 0 && brand[n - 1] == ' ';)
        brand[--n] = 0;
    set_common(s, c, brand, src);

    /* Aggregate by purpose: 0.6.2 starts a new entry whenever purpose or package changes between
     * consecutive CPUs (dual sockets, Meteor/Arrow Lake interleaving; pitfall 4). */
    static const cpu_purpose_t order[] = {PURPOSE_PERFORMANCE, PURPOSE_EFFICIENCY, PURPOSE_GENERAL};
    json_t *kinds = json_array();
    int total_cores = 0, nkinds = 0;
    unsigned ncpu = raw->num_raw;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        int cores = 0, threads = 0;
        uint8_t bits[sizeof(cpu_affinity_mask_t)];
        memset(bits, 0, sizeof bits);
        bool any = false;
        for (int i = 0; i < sys.num_cpu_types; i++) {
            struct cpu_id_t *t = &sys.cpu_types[i];
            if (t->purpose != order[k])
                continue;
            any = true;
            cores += t->num_cores;
            threads += t->num_logical_cpus;
            for (size_t j = 0; j < sizeof bits; j++)
                bits[j] |= ((const uint8_t *)&t->affinity_mask)[j];
        }
        if (!any)
            continue;
        char list[1024];
        mask_to_list(bits, ncpu, list, sizeof list);
        json_t *o = json_pack("{s:s, s:i, s:i, s:s}", "kind", cpu_purpose_str(order[k]), "cores", cores,
                              "threads", threads, "cpus", list);
        json_array_append_new(kinds, o);
        total_cores += cores;
        nkinds++;
    }
    if (total_cores > 0)
        sw_fact_set(s, "cores", sw_fact_int(total_cores, "libcpuid"));
    else
        sw_fact_set(s, "cores", sw_probe_topology_cores(c));   /* libcpuid counted none: never say 0 */
    sw_fact_set(s, "threads", sw_fact_int(ncpu ? (long long)ncpu : sys.cpu_types[0].num_logical_cpus, src));
    sw_fact_set(s, "core_kinds", sw_fact(kinds, "libcpuid"));
    json_t *hy = sw_fact_bool(nkinds > 1, "libcpuid");
    if (nkinds <= 1 && c->hv_bit)
        sw_fact_note(hy, "guest view: Hyper-V and KVM usually hide P/E core types from a VM");
    sw_fact_set(s, "hybrid", hy);
    json_t *flags = json_array();
    for (size_t i = 0; i < sizeof wanted_flags / sizeof wanted_flags[0]; i++)
        if (sys.cpu_types[0].flags[wanted_flags[i].f])
            json_array_append_new(flags, json_string(wanted_flags[i].name));
    sw_fact_set(s, "flags", sw_fact(flags, src));
    cpuid_free_system_id(&sys);
    return s;
}

static const char *cpuinfo_field(const char *stanza, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    for (const char *p = stanza; p && *p;) {
        const char *eol = strchr(p, '\n');
        if (eol && eol == p)
            break;   /* end of the first stanza */
        if (!strncmp(p, key, kl) && (p[kl] == ' ' || p[kl] == '\t' || p[kl] == ':')) {
            const char *v = strchr(p, ':');
            if (v && (!eol || v < eol)) {
                v++;
                while (*v == ' ' || *v == '\t')
                    v++;
                size_t l = eol ? (size_t)(eol - v) : strlen(v);
                while (l > 0 && (v[l - 1] == ' ' || v[l - 1] == '\r'))
                    l--;
                snprintf(out, n, "%.*s", (int)l, v);
                return out;
            }
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

/* Recorded sysroot without a CPUID dump: identity from /proc/cpuinfo (WSL2 passes family, model,
 * stepping and the brand through; raptor-lake.md §5.2). */
static json_t *from_cpuinfo(struct sw_probe_ctx *c)
{
    const char *src = "/proc/cpuinfo";
    json_t *s = json_object();
    char *ci = sw_sysroot_slurp(c->root, "/proc/cpuinfo", 4 << 20, NULL);
    if (!ci) {
        static const char *names[] = {"vendor", "brand", "family", "model", "stepping", "signature",
                                      "codename", "segment", "cores", "threads", "core_kinds", "hybrid", "flags"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            sw_fact_set(s, names[i], sw_fact_unavail("no /proc/cpuinfo under the sysroot and no --cpuid-dump"));
        return s;
    }
    char v[4096], brand[256] = "";
    unsigned fam = 0, model = 0, step = 0;
    if (cpuinfo_field(ci, "vendor_id", v, sizeof v))
        snprintf(c->vendor, sizeof c->vendor, "%.15s", v);
    if (cpuinfo_field(ci, "cpu family", v, sizeof v))
        fam = (unsigned)strtoul(v, NULL, 10);
    if (cpuinfo_field(ci, "model", v, sizeof v))
        model = (unsigned)strtoul(v, NULL, 10);
    if (cpuinfo_field(ci, "stepping", v, sizeof v))
        step = (unsigned)strtoul(v, NULL, 10);
    if (cpuinfo_field(ci, "model name", v, sizeof v))
        snprintf(brand, sizeof brand, "%.255s", v);
    c->sig = sw_cpu_sig_from_fms(fam, model, step);
    set_common(s, c, brand, src);
    json_t *sigf = json_object_get(s, "signature");
    sw_fact_note(sigf, "rebuilt from /proc/cpuinfo family/model/stepping");

    long threads = 0;
    for (const char *p = ci; (p = strstr(p, "processor")) != NULL; p++)
        if ((p == ci || p[-1] == '\n') && (p[9] == ' ' || p[9] == '\t'))
            threads++;
    sw_fact_set(s, "threads", sw_fact_int(threads, src));
    if (cpuinfo_field(ci, "cpu cores", v, sizeof v)) {
        json_t *f = sw_fact_int(strtol(v, NULL, 10), src);
        sw_fact_note(f, "'cpu cores' of the first CPU's package");
        sw_fact_set(s, "cores", f);
    } else {
        sw_fact_set(s, "cores", sw_fact_unavail("no 'cpu cores' field in /proc/cpuinfo"));
    }
    sw_fact_set(s, "core_kinds", sw_fact_unavail("core kinds are not in /proc/cpuinfo; pass --cpuid-dump"));
    sw_fact_set(s, "hybrid", sw_fact_unavail("core kinds are not in /proc/cpuinfo; pass --cpuid-dump"));
    json_t *flags = json_array();
    if (cpuinfo_field(ci, "flags", v, sizeof v)) {
        static const char *want[] = {"sse4_2", "avx", "avx2", "fma", "avx512f", "aes", "sha_ni",
                                     "rdrand", "rdseed", "bmi2", "vmx", "svm", "hypervisor"};
        char *save = NULL;
        for (char *t = strtok_r(v, " ", &save); t; t = strtok_r(NULL, " ", &save))
            for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
                if (!strcmp(t, want[i])) {
                    json_array_append_new(flags, json_string(t));
                    if (!strcmp(t, "hypervisor"))
                        c->hv_bit = true;
                }
    }
    sw_fact_set(s, "flags", sw_fact(flags, src));
    free(ci);
    return s;
}

json_t *sw_probe_cpu(struct sw_probe_ctx *c, struct sw_diag *d)
{
    const char *dump = c->env->cpuid_dump;
    if (!dump && !c->live)
        return from_cpuinfo(c);

    cpuid_set_warn_function(quiet_warn);
    struct cpu_raw_data_array_t raw;
    memset(&raw, 0, sizeof raw);
    if (dump) {
        FILE *f = fopen(dump, "re");
        if (!f)
            return sw_fail(d, -errno, "cannot open the CPUID dump '%s': %s", dump, strerror(errno)), NULL;
        fclose(f);
        int rc = cpuid_deserialize_all_raw_data(&raw, dump);
        if (rc < 0 || raw.num_raw == 0 || raw.raw[0].basic_cpuid[0][0] == 0) {
            cpuid_free_raw_data_array(&raw);
            sw_fail(d, -EINVAL,
                    "cannot read the CPUID dump '%s': libcpuid 0.6.2 accepts its own format (cpuid_tool "
                    "--save) and AIDA64 text ('CPUID 00000001: A-B-C-D'); decompress .xz first and rewrite "
                    "InstLatX64 'CPU#000 AffMask' headers as '------[ Logical CPU #0 ]------'",
                    dump);
            return NULL;
        }
        json_t *s = from_libcpuid(c, &raw, "cpuid-dump");
        cpuid_free_raw_data_array(&raw);
        if (c->hv_bit)
            dump_hv_leaves(c, dump);
        return s;
    }
    /* 0.6.2's cpuid_get_all_raw_data() leaves the thread pinned to the last CPU (fixed in 0.6.3) */
    cpu_set_t saved;
    bool have_aff = sched_getaffinity(0, sizeof saved, &saved) == 0;
    int rc = cpuid_get_all_raw_data(&raw);
    if (have_aff)
        sched_setaffinity(0, sizeof saved, &saved);
    if (rc < 0 || raw.num_raw == 0) {
        cpuid_free_raw_data_array(&raw);
        json_t *s = json_object();
        sw_fact_set(s, "signature", sw_fact_unavail("CPUID could not be read: %s", cpuid_error()));
        return s;
    }
    json_t *s = from_libcpuid(c, &raw, "cpuid");
    cpuid_free_raw_data_array(&raw);
    if (c->hv_bit)
        live_hv_leaves(c);
    return s;
}
