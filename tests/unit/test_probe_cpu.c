/* CPU identity from every libcpuid dump that 0.6.2 can read: the signature is checked against the
 * dump's own expected block (family/model/stepping/extfamily/extmodel, computed here independently),
 * plus the facts the Raptor Lake rules depend on (die, segment, P/E core counts). */
#include <dirent.h>
#include <errno.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rundir.h"
#include "probes/probe.h"
#include "probes/probe_int.h"
#include "tests/harness/check.h"

static char tmpdir[256];
static int files_checked;

static const char *sval(json_t *facts, const char *sec, const char *name)
{
    return json_string_value(json_object_get(json_object_get(json_object_get(facts, sec), name), "value"));
}

static json_t *fval(json_t *facts, const char *sec, const char *name)
{
    return json_object_get(json_object_get(json_object_get(facts, sec), name), "value");
}

static json_t *probe_dump(const char *path, struct sw_diag *d)
{
    struct sw_probe_env env = {.sysroot = tmpdir, .cpuid_dump = path, .skip_host = true};
    return sw_probe_snapshot(&env, d);
}

/* Expected signature from the first block after the 80-dash line (v0.6.2: arch, purpose, family,
 * model, stepping, extfamily, extmodel; master has feature-level after arch). */
static int expected_sig(const char *path, unsigned *sig, unsigned *xfam, unsigned *xmodel, int *instlat)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096];
    int state = 0, n = 0;
    char vals[8][64];
    *instlat = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (state == 0) {
            if (!strncmp(line, "CPU#", 4) && strstr(line, "AffMask"))
                *instlat = 1;
            if (strlen(line) == 80 && strspn(line, "-") == 80)
                state = 1;
            continue;
        }
        if (n < 8)
            snprintf(vals[n++], sizeof vals[0], "%.63s", line);
        else
            break;
    }
    fclose(f);
    if (n < 8)
        return -1;
    int o = (!strcmp(vals[1], "general") || !strcmp(vals[1], "performance") || !strcmp(vals[1], "efficiency")) ? 2 : 3;
    unsigned fam = (unsigned)atoi(vals[o]), model = (unsigned)atoi(vals[o + 1]), step = (unsigned)atoi(vals[o + 2]);
    *xfam = (unsigned)atoi(vals[o + 3]);
    *xmodel = (unsigned)atoi(vals[o + 4]);
    unsigned extfam = fam == 15 ? *xfam - 15 : 0;
    *sig = extfam << 20 | ((*xmodel >> 4) & 0xf) << 16 | fam << 8 | model << 4 | step;
    return 0;
}

static void check_file(const char *path, const char *label)
{
    unsigned sig, xfam, xmodel;
    int instlat;
    if (expected_sig(path, &sig, &xfam, &xmodel, &instlat) < 0) {
        CHECK_MSG(0, "no expected block in %s", label);
        return;
    }
    struct sw_diag d = {0};
    json_t *facts = probe_dump(path, &d);
    if (instlat) {   /* 0.6.2 cannot read it: must be a clean error naming the file, not wrong facts */
        CHECK_MSG(facts == NULL && strstr(d.msg, path), "%s: InstLatX64 dump should be rejected", label);
        json_decref(facts);
        return;
    }
    if (!facts) {
        CHECK_MSG(0, "%s: %s", label, d.msg);
        return;
    }
    char want[16];
    snprintf(want, sizeof want, "0x%x", sig);
    const char *got = sval(facts, "cpu", "signature");
    CHECK_MSG(got && !strcmp(got, want), "%s: signature %s, expected %s", label, got ? got : "(null)", want);
    CHECK_MSG(json_integer_value(fval(facts, "cpu", "family")) == xfam, "%s: family", label);
    CHECK_MSG(json_integer_value(fval(facts, "cpu", "model")) == xmodel, "%s: model", label);
    files_checked++;
    json_decref(facts);
}

static void walk(const char *dir, const char *rel)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096], r[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        snprintf(r, sizeof r, "%s/%s", rel, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(p, r);
        } else if (strstr(e->d_name, ".test.xz")) {
            if (access("/usr/bin/xz", X_OK) != 0)
                continue;   /* no xz: those dumps are skipped, the rest still run */
            char out[512], cmd[8192];
            snprintf(out, sizeof out, "%s/dump.test", tmpdir);
            snprintf(cmd, sizeof cmd, "xz -dc '%s' > '%s'", p, out);
            if (system(cmd) == 0)
                check_file(out, r);
            unlink(out);
        } else if (strstr(e->d_name, ".test")) {
            check_file(p, r);
        }
    }
    closedir(d);
}

static void every_dump_signature(void)
{
    const char *base = sw_test_fixture("cpuid");
    char b[4096];
    snprintf(b, sizeof b, "%s", base);
    static const char *sub[] = {"libcpuid-v0.6.2", "libcpuid-master", "converted-for-0.6.2"};
    for (size_t i = 0; i < 3; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", b, sub[i]);
        walk(p, sub[i]);
    }
    printf("checked %d dumps\n", files_checked);
    CHECK(files_checked >= 60);
}

static json_t *fixture_facts(const char *rel, int xz)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", sw_test_fixture(rel));
    struct sw_diag d = {0};
    if (xz) {
        if (access("/usr/bin/xz", X_OK) != 0)
            return NULL;
        char out[512], cmd[8192];
        snprintf(out, sizeof out, "%s/one.test", tmpdir);
        snprintf(cmd, sizeof cmd, "xz -dc '%s' > '%s'", p, out);
        json_t *f = system(cmd) == 0 ? probe_dump(out, &d) : NULL;
        unlink(out);
        return f;
    }
    json_t *f = probe_dump(p, &d);
    CHECK_MSG(f != NULL, "%s: %s", rel, d.msg);
    return f;
}

static long kind_cores(json_t *facts, const char *kind, const char *what)
{
    json_t *kinds = fval(facts, "cpu", "core_kinds"), *k;
    size_t i;
    json_array_foreach(kinds, i, k) if (!strcmp(json_string_value(json_object_get(k, "kind")), kind)) return (long)
        json_integer_value(json_object_get(k, what));
    return -1;
}

static void raptor_lake_pe_cores(void)
{
    static const struct {
        const char *rel;
        int xz;
        const char *codename;
    } t[] = {
        {"cpuid/libcpuid-master/intel/x86-64/raptor-cove/13th-gen-intel-core-i9-13900k.test.xz", 1, "Raptor Lake-S"},
        {"cpuid/libcpuid-master/intel/x86-64/raptor-cove/intel-core-i9-14900k.test", 0, "Raptor Lake Refresh"},
    };
    for (size_t i = 0; i < 2; i++) {
        json_t *f = fixture_facts(t[i].rel, t[i].xz);
        if (!f)
            continue;
        CHECK_STR(sval(f, "cpu", "signature"), "0xb0671");
        CHECK_STR(sval(f, "cpu", "codename"), t[i].codename);
        CHECK_STR(sval(f, "cpu", "segment"), "desktop");
        CHECK_INT(kind_cores(f, "performance", "cores"), 8);
        CHECK_INT(kind_cores(f, "performance", "threads"), 16);
        CHECK_INT(kind_cores(f, "efficiency", "cores"), 16);
        CHECK_INT(json_integer_value(fval(f, "cpu", "threads")), 32);
        CHECK(json_is_true(fval(f, "cpu", "hybrid")));
        json_t *p = json_array_get(fval(f, "cpu", "core_kinds"), 0);
        CHECK_STR(json_string_value(json_object_get(p, "cpus")), "0-15");
        json_decref(f);
    }
}

static void alder_die_and_mobile(void)
{
    json_t *f = fixture_facts("cpuid/libcpuid-master/intel/x86-64/raptor-cove/13th-gen-intel-core-i5-13500.test", 0);
    CHECK_STR(sval(f, "cpu", "signature"), "0xb06f2");
    const char *cn = sval(f, "cpu", "codename");
    CHECK(cn && strcmp(cn, "Raptor Lake-S") != 0 && strstr(cn, "Alder Lake"));
    const char *note = json_string_value(json_object_get(json_object_get(json_object_get(f, "cpu"), "codename"), "note"));
    CHECK(note && strstr(note, "not the Raptor Lake B0 die"));
    json_decref(f);

    static const char *mobile[] = {"13th-gen-intel-core-i7-1365u.test", "13th-gen-intel-core-i9-13900h.test",
                                   "13th-gen-intel-coret-i7-1370p.test"};
    static const char *names[] = {"Raptor Lake-U", "Raptor Lake-H", "Raptor Lake-P"};
    for (size_t i = 0; i < 3; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "cpuid/libcpuid-master/intel/x86-64/raptor-cove/%s", mobile[i]);
        f = fixture_facts(rel, 0);
        CHECK_INT(json_integer_value(fval(f, "cpu", "model")), 0xBA);
        CHECK_STR(sval(f, "cpu", "segment"), "mobile");
        CHECK_STR(sval(f, "cpu", "codename"), names[i]);
        json_decref(f);
    }
}

static void servers_and_amd(void)
{
    static const struct {
        const char *rel;
        int xz;
        const char *codename, *segment;
    } t[] = {
        {"cpuid/libcpuid-master/intel/x86-64/raptor-cove/intel-xeon-platinum-8570.test.xz", 1, "Emerald Rapids", "server"},
        {"cpuid/libcpuid-master/intel/x86-64/golden-cove/intel-xeon-w7-2475x.test.xz", 1, "Sapphire Rapids", "server"},
        {"cpuid/libcpuid-master/intel/x86-64/golden-cove/12th-gen-intel-core-i9-12900k.test", 0, "Alder Lake-S", "desktop"},
        {"cpuid/libcpuid-master/intel/x86-64/golden-cove/12th-gen-intel-core-i7-12800hx.test", 0, "Alder Lake-HX", "mobile"},
        {"cpuid/libcpuid-master/intel/x86-64/redwood-cove/intel-core-ultra-7-155h.test", 0, "Meteor Lake", "mobile"},
        {"cpuid/libcpuid-master/intel/x86-64/lion-cove/intel-core-ultra-7-265k.test", 0, "Arrow Lake-S", "desktop"},
        {"cpuid/libcpuid-master/amd/zen4/amd-epyc-9124-16-core-processor.test.xz", 1, "Zen 4 (Genoa)", "server"},
        {"cpuid/libcpuid-master/amd/zen4/amd-ryzen-9-7900x-12-core-processor.test", 0, "Zen 4 (Raphael)", "desktop"},
        {"cpuid/libcpuid-master/amd/zen3/amd-ryzen-7-5800h-with-radeon-graphics.test", 0, "Zen 3 (Cezanne/Barcelo)", "mobile"},
        {"cpuid/libcpuid-v0.6.2/amd/zen3/ryzen9-vermeer.test", 0, "Zen 3 (Vermeer)", "desktop"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        json_t *f = fixture_facts(t[i].rel, t[i].xz);
        if (!f)
            continue;
        CHECK_MSG(sval(f, "cpu", "codename") && !strcmp(sval(f, "cpu", "codename"), t[i].codename), "%s: %s", t[i].rel,
                  sval(f, "cpu", "codename"));
        CHECK_MSG(!strcmp(sval(f, "cpu", "segment"), t[i].segment), "%s: %s", t[i].rel, sval(f, "cpu", "segment"));
        json_decref(f);
    }
    /* Meteor Lake: 0.6.2 splits P/E/LP-E into 4 entries; we aggregate by purpose */
    json_t *f = fixture_facts("cpuid/libcpuid-master/intel/x86-64/redwood-cove/intel-core-ultra-7-155h.test", 0);
    CHECK_INT(json_array_size(fval(f, "cpu", "core_kinds")), 2);
    CHECK_INT(kind_cores(f, "performance", "cores"), 6);
    json_decref(f);
}

static void hyperv_dump_leaves(void)
{
    /* a Hyper-V root-partition capture: vendor and host build come from the dump's 0x4000000x */
    json_t *f = fixture_facts("cpuid/libcpuid-v0.6.2/intel/core_10th_gen/ice-lake-xeon-d.test", 0);
    CHECK(json_is_true(fval(f, "hypervisor", "present")));
    CHECK_STR(sval(f, "hypervisor", "vendor"), "Microsoft Hv");
    CHECK_STR(sval(f, "hypervisor", "name"), "hyperv");
    const char *b = sval(f, "hypervisor", "hyperv_build");
    CHECK(b && !strncmp(b, "10.0.", 5));
    json_decref(f);
}

static void bad_dumps(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/garbage.txt", tmpdir);
    FILE *g = fopen(p, "w");
    fputs("this is not a cpuid dump\n", g);
    fclose(g);
    struct sw_diag d = {0};
    CHECK(probe_dump(p, &d) == NULL);
    CHECK(strstr(d.msg, p) && strstr(d.msg, "AIDA64") && strstr(d.msg, "cpuid_tool --save"));
    unlink(p);
    d.msg[0] = 0;
    CHECK(probe_dump("/nonexistent/dump.test", &d) == NULL);
    CHECK(strstr(d.msg, "/nonexistent/dump.test") != NULL);
}

/* CPUID leaf 0x40000000 vendor, read without the probe's code. */
static void live_hv_vendor(char out[13])
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, dx;
    __cpuid(0x40000000u, a, b, c, dx);
    memcpy(out, &b, 4), memcpy(out + 4, &c, 4), memcpy(out + 8, &dx, 4);
    out[12] = 0;
#else
    out[0] = 0;
#endif
}

static void live_machine(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    int hv = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
            hv = 1;
    if (f)
        fclose(f);
    struct sw_probe_env env = {.skip_host = true};
    struct sw_diag d = {0};
    json_t *facts = sw_probe_snapshot(&env, &d);
    CHECK(facts != NULL);
    const char *sig = sval(facts, "cpu", "signature");
    CHECK(sig && !strncmp(sig, "0x", 2));
    CHECK_INT(json_integer_value(json_object_get(facts, "schema_version")), 1);
    if (hv) {
        /* Only what holds in every guest: the fact names what CPUID leaf 0x40000000 says when read here
         * independently (KVM, bhyve, Hyper-V ... are all fine), and a guest cannot see firmware microcode. */
        CHECK(json_is_true(fval(facts, "hypervisor", "present")));
        const char *vendor = sval(facts, "hypervisor", "vendor");
        char raw[13] = {0};
        live_hv_vendor(raw);
        CHECK(vendor != NULL && raw[0] != 0);
        if (vendor && raw[0]) {
            size_t n = strlen(vendor);
            CHECK(n > 0 && n <= 12 && !strncmp(vendor, raw, n));   /* the probe may trim trailing spaces */
        }
        const char *env_name = sval(facts, "hypervisor", "environment");
        CHECK(env_name && (!strcmp(env_name, "vm") || !strcmp(env_name, "wsl2") || !strcmp(env_name, "container")));
        CHECK(json_is_null(fval(facts, "microcode", "firmware")));   /* guest view only */
    }
    /* microcode: a revision string, or unavailable "hidden" when the hypervisor shows 0xffffffff */
    json_t *vis = json_object_get(json_object_get(facts, "microcode"), "visible");
    const char *v = json_string_value(json_object_get(vis, "value"));
    const char *why = json_string_value(json_object_get(vis, "unavailable"));
    CHECK((v && !strncmp(v, "0x", 2) && strcmp(v, "0xffffffff")) || (why && strlen(why) > 0));
    json_decref(facts);
}

static void put_file(const char *root, const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s%s", root, rel);
    *strrchr(p, '/') = '\0';
    CHECK(sw_mkdir_p(p, 0755) == 0);
    snprintf(p, sizeof p, "%s%s", root, rel);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Each sign of the hypervisor is shown with what it says, and a disagreement is said plainly. */
static void hypervisor_evidence(void)
{
    char root[] = "/tmp/sw-hv-XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    put_file(root, "/sys/devices/system/clocksource/clocksource0/current_clocksource", "kvm-clock\n");
    put_file(root, "/proc/cmdline", "console=ttyS0 reboot=k -- --firecracker-init --addr 0.0.0.0\n");
    struct sw_probe_ctx c = {.root = root, .hv_bit = true};
    snprintf(c.hv_vendor, sizeof c.hv_vendor, "bhyve bhyve ");
    json_t *s = json_object();
    sw_probe_hv_evidence(&c, s, "bhyve");
    const json_t *f = json_object_get(s, "evidence");
    CHECK_INT((int)json_array_size(json_object_get(f, "value")), 3);
    const char *note = json_string_value(json_object_get(f, "note"));
    CHECK(note && strstr(note, "CPUID vendor says bhyve; clocksource says KVM; kernel command line says Firecracker"));
    CHECK(note && strstr(note, "They disagree"));
    json_decref(s);
    /* KVM everywhere: listed, no disagreement */
    snprintf(c.hv_vendor, sizeof c.hv_vendor, "KVMKVMKVM");
    put_file(root, "/proc/cmdline", "console=ttyS0 quiet\n");
    put_file(root, "/sys/class/dmi/id/sys_vendor", "QEMU\n");
    s = json_object();
    sw_probe_hv_evidence(&c, s, "kvm");
    f = json_object_get(s, "evidence");
    CHECK_INT((int)json_array_size(json_object_get(f, "value")), 3);
    note = json_string_value(json_object_get(f, "note"));
    CHECK(note && strstr(note, "DMI system vendor says QEMU/KVM") && !strstr(note, "disagree"));
    json_decref(s);
    /* bare metal: no sign */
    c.hv_bit = false;
    c.root = "/nonexistent-sysroot";
    s = json_object();
    sw_probe_hv_evidence(&c, s, "none");
    CHECK(json_object_get(json_object_get(s, "evidence"), "unavailable") != NULL);
    json_decref(s);
    sw_rundir_remove_tree(root);
}

/* libcpuid counting no cores (as on some VMs) is "unknown" or a count from /sys, never 0. */
static void cores_from_topology(void)
{
    char root[] = "/tmp/sw-topo-XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    static const int core_of[4] = {0, 0, 1, 1};   /* 2 cores with 2 threads each, one package */
    char p[128], v[16];
    for (int cpu = 0; cpu < 4; cpu++) {
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
        snprintf(v, sizeof v, "%d\n", core_of[cpu]);
        put_file(root, p, v);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
        put_file(root, p, "0\n");
    }
    struct sw_probe_ctx c = {.root = root};
    json_t *f = sw_probe_topology_cores(&c);
    CHECK(json_integer_value(json_object_get(f, "value")) == 2);
    json_decref(f);
    c.root = "/nonexistent-sysroot";   /* a recorded tree without topology */
    f = sw_probe_topology_cores(&c);
    CHECK(json_object_get(f, "unavailable") && !json_is_integer(json_object_get(f, "value")));
    json_decref(f);
    c.root = "";   /* a dump read on another machine: this machine's /sys says nothing about it */
    f = sw_probe_topology_cores(&c);
    CHECK(json_object_get(f, "unavailable") != NULL);
    json_decref(f);
    sw_rundir_remove_tree(root);
}

int main(int argc, char **argv)
{
    sw_test_tmpdir(tmpdir, sizeof tmpdir, "sw-probe-cpu");
    static const struct sw_test_case cases[] = {{"every_dump_signature", every_dump_signature},
                                                {"raptor_lake_pe_cores", raptor_lake_pe_cores},
                                                {"alder_die_and_mobile", alder_die_and_mobile},
                                                {"servers_and_amd", servers_and_amd},
                                                {"hyperv_dump_leaves", hyperv_dump_leaves},
                                                {"bad_dumps", bad_dumps},
                                                {"cores_from_topology", cores_from_topology},
                                                {"hypervisor_evidence", hypervisor_evidence},
                                                {"live_machine", live_machine},
                                                {NULL, NULL}};
    int rc = sw_test_main(argc, argv, cases);
    rmdir(tmpdir);
    return rc;
}
