/* Placement planning against every recorded hwloc topology: invariants for each policy on every
 * fixture, exact plans on the hybrid, multi-node and single-node machines, and the live machine. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/bind.h"
#include "core/placement.h"
#include "tests/harness/check.h"

/* --- helpers ----------------------------------------------------------------------------------- */

static hwloc_topology_t load(const char *rel)
{
    hwloc_topology_t t = NULL;
    struct sw_diag d = {0};
    const char *path = sw_test_fixture(rel);
    int rc = sw_topology_load(&t, path, &d);
    CHECK_MSG(rc == 0, "%s: %s", rel, d.msg);
    return rc == 0 ? t : NULL;
}

/* The core (or the PU itself if it has no core) that holds OS CPU `cpu`. */
static hwloc_obj_t core_of(hwloc_topology_t t, int cpu)
{
    hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t, (unsigned)cpu);
    if (!pu)
        return NULL;
    hwloc_obj_t c = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_CORE, pu);
    return c ? c : pu;
}

static void union_of(const struct sw_plan *p, struct sw_cpuset *u)
{
    memset(u, 0, sizeof *u);
    for (int i = 0; i < p->nworkers; i++)
        for (unsigned w = 0; w < SW_MAX_CPUS / 64; w++)
            u->w[w] |= p->place[i].cpus.w[w];
}

static const char *fmt(const struct sw_cpuset *s)
{
    static char buf[512];
    return sw_cpuset_format(s, buf, sizeof buf);
}

static int64_t dist(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b)
{
    unsigned nr = 1;
    struct hwloc_distances_s *dm;
    int64_t v = -1;
    if (hwloc_distances_get_by_type(t, HWLOC_OBJ_NUMANODE, &nr, &dm, 0, 0) == 0 && nr == 1) {
        hwloc_uint64_t ab, ba;
        if (hwloc_distances_obj_pair_values(dm, a, b, &ab, &ba) == 0)
            v = (int64_t)ab;
        hwloc_distances_release(t, dm);
    }
    return v;
}

/* --- invariants on one topology ---------------------------------------------------------------- */

static void invariants(const char *name, hwloc_topology_t t)
{
    struct sw_diag d = {0};
    struct sw_plan p;
    hwloc_const_bitmap_t all = hwloc_topology_get_topology_cpuset(t);
    int npu = hwloc_bitmap_weight(all);

    /* Every policy, several worker counts: every CPU given out exists in the topology. */
    int counts[] = {0, 1, 3, npu, npu + 5};
    for (int pin = 0; pin < SW_PIN_COUNT; pin++) {
        for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            int n = counts[c];
            if (pin == SW_PIN_CYCLE && n > 1)
                continue;
            int rc = sw_placement_plan(t, (enum sw_pin)pin, n, &p, &d);
            if (rc < 0) {
                /* Refusals are allowed only where the machine lacks what the policy needs. */
                bool ok = ((pin == SW_PIN_PCORES || pin == SW_PIN_ECORES) && hwloc_cpukinds_get_nr(t, 0) < 2) ||
                          (pin == SW_PIN_NUMA_REMOTE && strstr(d.msg, "NUMA node"));
                CHECK_MSG(ok, "%s: %s x%d refused: %s", name, sw_pin_name((enum sw_pin)pin), n, d.msg);
                CHECK_MSG(strchr(d.msg, '\n') == NULL && d.msg[0], "%s: refusal is not one line", name);
                continue;
            }
            CHECK_MSG(p.nworkers >= 1 && (n == 0 || p.nworkers == n), "%s: %s asked %d got %d", name,
                      sw_pin_name((enum sw_pin)pin), n, p.nworkers);
            CHECK_INT(p.n_pus, npu);
            CHECK(p.n_cores >= 1 && p.n_cores <= npu);
            CHECK(p.n_nodes >= 1);
            for (int i = 0; i < p.nworkers; i++) {
                const struct sw_place *pl = &p.place[i];
                int cnt = sw_cpuset_count(&pl->cpus);
                if (pin == SW_PIN_NONE)
                    CHECK(cnt == 0 && pl->mem_node == -1);
                else
                    CHECK_MSG(cnt >= 1, "%s: %s worker %d has no CPU", name, sw_pin_name((enum sw_pin)pin), i);
                for (int cpu = sw_cpuset_first(&pl->cpus); cpu >= 0 && cpu < SW_MAX_CPUS; cpu++)
                    if (sw_cpuset_isset(&pl->cpus, cpu))
                        CHECK_MSG(hwloc_bitmap_isset(all, (unsigned)cpu), "%s: %s worker %d got CPU %d not in topology",
                                  name, sw_pin_name((enum sw_pin)pin), i, cpu);
                if (pin == SW_PIN_SPREAD || pin == SW_PIN_COMPACT || pin == SW_PIN_PCORES || pin == SW_PIN_ECORES)
                    CHECK(cnt == 1 && pl->mem_node == -1);
                if (pin == SW_PIN_CYCLE)
                    CHECK(pl->cycle && cnt == npu);
                if (pin == SW_PIN_NUMA_LOCAL) {
                    hwloc_obj_t node = hwloc_get_numanode_obj_by_os_index(t, (unsigned)pl->mem_node);
                    CHECK_MSG(node && pl->mem_node == pl->cpu_node, "%s: numa-local mem %d cpu %d", name,
                              pl->mem_node, pl->cpu_node);
                    CHECK(node && hwloc_bitmap_isset(node->cpuset, (unsigned)sw_cpuset_first(&pl->cpus)));
                }
                if (pin == SW_PIN_NUMA_REMOTE) {
                    hwloc_obj_t mem = hwloc_get_numanode_obj_by_os_index(t, (unsigned)pl->mem_node);
                    CHECK_MSG(mem && pl->mem_node != pl->cpu_node, "%s: numa-remote mem %d cpu %d", name,
                              pl->mem_node, pl->cpu_node);
                    CHECK(mem && !hwloc_bitmap_isset(mem->cpuset, (unsigned)sw_cpuset_first(&pl->cpus)));
                }
            }
            if (pin == SW_PIN_CYCLE)
                CHECK_INT(p.nworkers, 1);
            sw_plan_free(&p);
        }
    }

    /* spread: no two workers on one core until every core has one; with one worker per PU, every PU once. */
    CHECK(sw_placement_plan(t, SW_PIN_SPREAD, npu, &p, &d) == 0);
    int ncores = p.n_cores;
    for (int i = 0; i < ncores && i < p.nworkers; i++)
        for (int j = i + 1; j < ncores && j < p.nworkers; j++)
            CHECK_MSG(core_of(t, sw_cpuset_first(&p.place[i].cpus)) != core_of(t, sw_cpuset_first(&p.place[j].cpus)),
                      "%s: spread workers %d and %d share a core before all %d cores are used", name, i, j, ncores);
    struct sw_cpuset u;
    union_of(&p, &u);
    CHECK_MSG(sw_cpuset_count(&u) == npu, "%s: spread x%d covers %d PUs", name, npu, sw_cpuset_count(&u));
    if (ncores < npu)   /* SMT siblings share cores: the plan says so */
        CHECK_MSG(strstr(p.note, "SMT") != NULL, "%s: note '%s'", name, p.note);
    sw_plan_free(&p);
    if (ncores < npu) {
        CHECK(sw_placement_plan(t, SW_PIN_SPREAD, ncores + 1, &p, &d) == 0);
        CHECK_MSG(strstr(p.note, "more workers") != NULL, "%s: no note for workers > cores", name);
        sw_plan_free(&p);
    }

    /* compact: fills a core's SMT siblings before moving to the next core. */
    CHECK(sw_placement_plan(t, SW_PIN_COMPACT, npu, &p, &d) == 0);
    for (int i = 0; i < p.nworkers;) {
        hwloc_obj_t core = core_of(t, sw_cpuset_first(&p.place[i].cpus));
        int in_core = core ? hwloc_bitmap_weight(core->cpuset) : 1;
        int j = i;
        while (j < p.nworkers && core_of(t, sw_cpuset_first(&p.place[j].cpus)) == core)
            j++;
        CHECK_MSG(j - i == in_core, "%s: compact put %d workers on a core of %d PUs", name, j - i, in_core);
        if (j - i != in_core)
            break;
        i = j;
    }
    sw_plan_free(&p);
}

static int is_xml(const char *path)
{
    char head[64] = {0};
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    return strncmp(head, "<?xml", 5) == 0;
}

static int walk(const char *dir, int *loaded, int *skipped)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -errno;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(path, loaded, skipped);
            continue;
        }
        if (!is_xml(path)) {   /* lstopo text output, tarballs, SOURCES.md */
            (*skipped)++;
            continue;
        }
        hwloc_topology_t t = NULL;
        struct sw_diag d = {0};
        int rc = sw_topology_load(&t, path, &d);
        CHECK_MSG(rc == 0, "%s", d.msg);
        if (rc == 0) {
            (*loaded)++;
            invariants(path, t);
            hwloc_topology_destroy(t);
        }
    }
    closedir(dp);
    return 0;
}

static void every_fixture(void)
{
    int loaded = 0, skipped = 0;
    CHECK(walk(sw_test_fixture("topology"), &loaded, &skipped) == 0);
    /* 11 generated by hwloc 2.9 + 13 xml/ + 9 XML .output files (cpuid-hwloc.md appendix B). */
    CHECK_MSG(loaded >= 33, "only %d XML topologies loaded", loaded);
    printf("every_fixture: %d XML topologies planned, %d non-XML files skipped\n", loaded, skipped);
}

/* --- exact plans ------------------------------------------------------------------------------- */

static void raptor_lake_1370p(void)
{
    hwloc_topology_t t = load("topology/hwloc-2.14.0/x86/Intel-RaptorLake-Corei7-1370P.output");
    if (!t)
        return;
    struct sw_plan p;
    struct sw_diag d;
    struct sw_cpuset u;
    CHECK(sw_placement_plan(t, SW_PIN_PCORES, 0, &p, &d) == 0);
    CHECK_INT(p.n_pus, 20);
    CHECK_INT(p.n_cores, 14);
    CHECK_INT(p.n_kinds, 2);
    CHECK_INT(p.n_nodes, 1);
    CHECK_INT(p.nworkers, 12);
    union_of(&p, &u);
    CHECK_STR(fmt(&u), "0-11");
    for (int i = 0; i < p.nworkers; i++)
        CHECK_STR(p.place[i].kind, "IntelCore");
    /* one worker per P-core first: the first 6 take PUs 0,2,4,...,10 */
    for (int i = 0; i < 6; i++)
        CHECK_INT(sw_cpuset_first(&p.place[i].cpus), 2 * i);
    sw_plan_free(&p);

    CHECK(sw_placement_plan(t, SW_PIN_ECORES, 0, &p, &d) == 0);
    CHECK_INT(p.nworkers, 8);
    union_of(&p, &u);
    CHECK_STR(fmt(&u), "12-19");
    for (int i = 0; i < p.nworkers; i++)
        CHECK_STR(p.place[i].kind, "IntelAtom");
    sw_plan_free(&p);

    /* More P-core workers than P-core PUs: wraps, and says so. */
    CHECK(sw_placement_plan(t, SW_PIN_PCORES, 14, &p, &d) == 0);
    union_of(&p, &u);
    CHECK_STR(fmt(&u), "0-11");
    CHECK(strstr(p.note, "more workers (14)") != NULL);
    sw_plan_free(&p);
    hwloc_topology_destroy(t);
}

static void arrow_lake_225u(void)
{
    hwloc_topology_t t = load("topology/hwloc-2.14.0/x86/Intel-ArrowLake-CoreUltra5-225U.output");
    if (!t)
        return;
    struct sw_plan p;
    struct sw_diag d;
    struct sw_cpuset u;
    CHECK(sw_placement_plan(t, SW_PIN_PCORES, 0, &p, &d) == 0);
    CHECK_INT(p.n_kinds, 3);
    CHECK_INT(p.nworkers, 4);
    union_of(&p, &u);
    CHECK_STR(fmt(&u), "0-3");
    CHECK_STR(p.place[0].kind, "IntelCore");
    sw_plan_free(&p);
    /* The least efficient-ranked kind of three is the low-power E-cores. */
    CHECK(sw_placement_plan(t, SW_PIN_ECORES, 0, &p, &d) == 0);
    union_of(&p, &u);
    CHECK_STR(fmt(&u), "12-13");
    CHECK_STR(p.place[0].kind, "IntelLowPower");
    sw_plan_free(&p);
    hwloc_topology_destroy(t);

    /* hwloc 2.9's own reading of the same chip has 2 kinds: E-cores 4-13. */
    t = load("topology/generated-hwloc-2.9/Intel-ArrowLake-CoreUltra5-225U.hwloc29.xml");
    if (!t)
        return;
    CHECK(sw_placement_plan(t, SW_PIN_ECORES, 0, &p, &d) == 0);
    CHECK_INT(p.n_kinds, 2);
    union_of(&p, &u);
    CHECK_STR(fmt(&u), "4-13");
    sw_plan_free(&p);
    hwloc_topology_destroy(t);
}

static void synthetic_2pkg_4node_hybrid(void)
{
    hwloc_topology_t t = load("topology/generated-hwloc-2.9/synthetic-2pkg-snc2-hybridkinds.xml");
    if (!t)
        return;
    struct sw_plan p;
    struct sw_diag d;
    struct sw_cpuset u;
    /* spread alternates packages first, then the nodes inside them */
    CHECK(sw_placement_plan(t, SW_PIN_SPREAD, 4, &p, &d) == 0);
    CHECK_INT(p.n_nodes, 4);
    CHECK_INT(p.n_cores, 16);
    int want_cpu[] = {0, 16, 8, 24}, want_node[] = {0, 2, 1, 3};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(sw_cpuset_first(&p.place[i].cpus), want_cpu[i]);
        CHECK_INT(p.place[i].cpu_node, want_node[i]);
        CHECK_INT(p.place[i].mem_node, -1);
    }
    CHECK_STR(p.place[0].kind, "IntelCore");
    CHECK_STR(p.place[1].kind, "IntelAtom");
    sw_plan_free(&p);

    CHECK(sw_placement_plan(t, SW_PIN_PCORES, 4, &p, &d) == 0);
    for (int i = 0; i < 4; i++)
        CHECK_INT(sw_cpuset_first(&p.place[i].cpus), 2 * i);
    sw_plan_free(&p);
    CHECK(sw_placement_plan(t, SW_PIN_ECORES, 0, &p, &d) == 0);
    union_of(&p, &u);
    CHECK_STR(fmt(&u), "8-31");
    sw_plan_free(&p);

    CHECK(sw_placement_plan(t, SW_PIN_NUMA_LOCAL, 0, &p, &d) == 0);
    CHECK_INT(p.nworkers, 4);
    const char *node_cpus[] = {"0-7", "8-15", "16-23", "24-31"};
    for (int i = 0; i < 4; i++) {
        CHECK_STR(fmt(&p.place[i].cpus), node_cpus[i]);
        CHECK_INT(p.place[i].cpu_node, i);
        CHECK_INT(p.place[i].mem_node, i);
    }
    sw_plan_free(&p);

    /* Its matrix: 0<->1 and 2<->3 are 12 apart, the other package 21-24. */
    CHECK(sw_placement_plan(t, SW_PIN_NUMA_REMOTE, 8, &p, &d) == 0);
    int want_mem[] = {1, 0, 3, 2};
    for (int i = 0; i < 8; i++) {
        CHECK_INT(p.place[i].cpu_node, i % 4);
        CHECK_INT(p.place[i].mem_node, want_mem[i % 4]);
    }
    CHECK(strstr(p.note, "distance matrix") != NULL);
    sw_plan_free(&p);
    hwloc_topology_destroy(t);
}

static void dell_r815_8_nodes(void)
{
    hwloc_topology_t t = load("topology/hwloc-2.14.0/x86+linux/64amd64-4p2n4ca2co.output");
    if (!t)
        return;
    struct sw_plan p;
    struct sw_diag d;
    CHECK(sw_placement_plan(t, SW_PIN_NUMA_REMOTE, 0, &p, &d) == 0);
    CHECK_INT(p.n_nodes, 8);
    CHECK_INT(p.nworkers, 8);
    for (int i = 0; i < p.nworkers; i++) {
        hwloc_obj_t cpu = hwloc_get_numanode_obj_by_os_index(t, (unsigned)p.place[i].cpu_node);
        hwloc_obj_t mem = hwloc_get_numanode_obj_by_os_index(t, (unsigned)p.place[i].mem_node);
        CHECK(cpu && mem && cpu != mem);
        if (!cpu || !mem)
            continue;
        int64_t best = -1;
        for (int k = 0; k < 8; k++) {
            hwloc_obj_t o = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, (unsigned)k);
            if (o != cpu && (best < 0 || dist(t, cpu, o) < best))
                best = dist(t, cpu, o);
        }
        CHECK_INT(best, 16);   /* the 10/16/22 matrix: a neighbour is 16 away */
        CHECK_MSG(dist(t, cpu, mem) == best, "node %d -> memory on %d at distance %lld, nearest is %lld",
                  p.place[i].cpu_node, p.place[i].mem_node, (long long)dist(t, cpu, mem), (long long)best);
    }
    sw_plan_free(&p);
    /* numa-local on 8 nodes with 8 cores each */
    CHECK(sw_placement_plan(t, SW_PIN_NUMA_LOCAL, 16, &p, &d) == 0);
    for (int i = 0; i < 16; i++) {
        CHECK_INT(sw_cpuset_count(&p.place[i].cpus), 8);
        CHECK_INT(p.place[i].cpu_node, p.place[i].mem_node);
    }
    CHECK(p.place[0].cpu_node != p.place[1].cpu_node);
    CHECK_INT(p.place[0].cpu_node, p.place[8].cpu_node);
    sw_plan_free(&p);
    hwloc_topology_destroy(t);
}

static void single_node_refusals(void)
{
    hwloc_topology_t t = load("topology/generated-hwloc-2.9/live-this-vm-kvm-2vcpu.hwloc29.xml");
    if (!t)
        return;
    struct sw_plan p;
    struct sw_diag d = {0};
    CHECK(sw_placement_plan(t, SW_PIN_NUMA_REMOTE, 2, &p, &d) < 0);
    CHECK_MSG(strstr(d.msg, "numa-remote") && strstr(d.msg, "1 NUMA node") && strstr(d.msg, "--pin"), "%s", d.msg);
    CHECK(p.place == NULL);
    /* this KVM guest: 2 PUs, 1 node, 1 kind (LinuxCapacity only): pcores refused, naming the count */
    CHECK(sw_placement_plan(t, SW_PIN_PCORES, 0, &p, &d) < 0);
    CHECK_MSG(strstr(d.msg, "1 CPU kind") && strstr(d.msg, "VM guest"), "%s", d.msg);
    CHECK(sw_placement_plan(t, SW_PIN_ECORES, 0, &p, &d) < 0);
    CHECK(strstr(d.msg, "'ecores'") != NULL);
    CHECK(sw_placement_plan(t, SW_PIN_SPREAD, 0, &p, &d) == 0);
    CHECK_INT(p.n_pus, 2);
    CHECK_INT(p.n_nodes, 1);
    CHECK_INT(p.n_kinds, 1);
    CHECK_STR(p.place[0].kind, "");
    sw_plan_free(&p);
    /* cycle: exactly one worker, all CPUs */
    CHECK(sw_placement_plan(t, SW_PIN_CYCLE, 2, &p, &d) < 0);
    CHECK(strstr(d.msg, "cycle") && strstr(d.msg, "1 worker"));
    CHECK(sw_placement_plan(t, SW_PIN_CYCLE, 1, &p, &d) == 0);
    CHECK(p.nworkers == 1 && p.place[0].cycle);
    CHECK_STR(fmt(&p.place[0].cpus), "0-1");
    sw_plan_free(&p);
    hwloc_topology_destroy(t);

    /* A topology with no kinds at all (QEMU guest) names 0 kinds. */
    t = load("topology/hwloc-2.14.0/x86/Intel-CPUID.1F-Qemu-2p3d3c2t.output");
    if (!t)
        return;
    CHECK(sw_placement_plan(t, SW_PIN_PCORES, 0, &p, &d) < 0);
    CHECK_MSG(strstr(d.msg, "0 CPU kinds") != NULL, "%s", d.msg);
    hwloc_topology_destroy(t);
}

static void live_machine(void)
{
    hwloc_topology_t t = NULL;
    struct sw_diag d;
    CHECK(sw_topology_load(&t, NULL, &d) == 0);
    if (!t)
        return;
    cpu_set_t cs;
    CHECK(sched_getaffinity(0, sizeof cs, &cs) == 0);
    struct sw_plan p;
    CHECK(sw_placement_plan(t, SW_PIN_SPREAD, 0, &p, &d) == 0);
    CHECK_INT(p.n_pus, CPU_COUNT(&cs));
    CHECK_INT(p.nworkers, CPU_COUNT(&cs));
    for (int i = 0; i < p.nworkers; i++)
        CHECK(CPU_ISSET(sw_cpuset_first(&p.place[i].cpus), &cs));
    int kinds = p.n_kinds, nodes = p.n_nodes;
    printf("live: %d PUs, %d cores, %d nodes, %d kinds\n", p.n_pus, p.n_cores, p.n_nodes, p.n_kinds);
    sw_plan_free(&p);
    int rc = sw_placement_plan(t, SW_PIN_PCORES, 0, &p, &d);
    if (kinds < 2) {   /* this KVM guest and a WSL2 guest: refused */
        CHECK(rc < 0);
        CHECK(strstr(d.msg, "CPU kind") != NULL);
    } else {
        CHECK(rc == 0);
        sw_plan_free(&p);
    }
    rc = sw_placement_plan(t, SW_PIN_NUMA_REMOTE, 0, &p, &d);
    CHECK(nodes > 1 || rc < 0);
    if (rc == 0)
        sw_plan_free(&p);
    hwloc_topology_destroy(t);
}

static void bad_files(void)
{
    hwloc_topology_t t = NULL;
    struct sw_diag d = {0};
    CHECK(sw_topology_load(&t, "/nonexistent/topo.xml", &d) < 0);
    CHECK(strstr(d.msg, "/nonexistent/topo.xml") != NULL);
    /* the lstopo text output (not XML) is refused with a one-line reason naming the file and the version */
    const char *txt = sw_test_fixture("topology/hwloc-2.14.0/linux/2pa-pcidomain32bits.output");
    CHECK(sw_topology_load(&t, txt, &d) < 0);
    CHECK(t == NULL);
    CHECK(strstr(d.msg, "2pa-pcidomain32bits.output") && strstr(d.msg, "XML v") && strstr(d.msg, "2.9"));
    /* hwloc master's v3 XML */
    char path[512];
    int fd = sw_test_tmpfile(path, sizeof path, "sw-topo-v3");
    CHECK(fd >= 0);
    if (fd >= 0) {
        const char *v3 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n"
                         "<topology version=\"3.0\">\n <object type=\"Machine\" os_index=\"0\" cpuset=\"0x1\">\n"
                         "  <object type=\"PU\" os_index=\"0\" cpuset=\"0x1\"/>\n </object>\n</topology>\n";
        CHECK(write(fd, v3, strlen(v3)) == (ssize_t)strlen(v3));
        close(fd);
        CHECK(sw_topology_load(&t, path, &d) < 0);
        CHECK(strstr(d.msg, path) != NULL);
        unlink(path);
    }
}

static void names_and_sets(void)
{
    for (int i = 0; i < SW_PIN_COUNT; i++) {
        CHECK_INT(sw_pin_from_name(sw_pin_name((enum sw_pin)i)), i);
        CHECK(strstr(sw_pin_names_allowed(), sw_pin_name((enum sw_pin)i)) != NULL);
    }
    CHECK_INT(sw_pin_from_name("numa-local"), SW_PIN_NUMA_LOCAL);
    CHECK_INT(sw_pin_from_name("Spread"), -1);
    CHECK_INT(sw_pin_from_name(""), -1);
    struct sw_cpuset s = {{0}};
    char buf[64];
    CHECK_STR(sw_cpuset_format(&s, buf, sizeof buf), "");
    CHECK_INT(sw_cpuset_first(&s), -1);
    int cpus[] = {0, 1, 2, 3, 8, 10, 11, 1023};
    for (unsigned i = 0; i < sizeof cpus / sizeof cpus[0]; i++)
        sw_cpuset_set(&s, cpus[i]);
    sw_cpuset_set(&s, 1024);   /* out of range: ignored */
    sw_cpuset_set(&s, -1);
    CHECK_STR(sw_cpuset_format(&s, buf, sizeof buf), "0-3,8,10-11,1023");
    CHECK_INT(sw_cpuset_count(&s), 8);
    CHECK(sw_cpuset_isset(&s, 1023) && !sw_cpuset_isset(&s, 9) && !sw_cpuset_isset(&s, 5000));
    int out[4];
    CHECK_INT(sw_cpuset_list(&s, out, 4), 4);
    CHECK_INT(out[3], 3);
    char small[8];
    sw_cpuset_format(&s, small, sizeof small);
    CHECK_STR(small, "0-3...");   /* truncated lists say so */
}

/* Binding on the real machine, in a child so the test process keeps its affinity. */
static void bind_live(void)
{
    cpu_set_t cs;
    CHECK(sched_getaffinity(0, sizeof cs, &cs) == 0);
    int last = -1;
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &cs))
            last = i;
    pid_t pid = fork();
    if (pid == 0) {
        struct sw_place pl = {.cpu_node = -1, .mem_node = -1};
        struct sw_diag d;
        sw_cpuset_set(&pl.cpus, last);
        if (sw_bind_place(&pl, &d) < 0)
            _exit(10);
        cpu_set_t now;
        if (sched_getaffinity(0, sizeof now, &now) != 0 || CPU_COUNT(&now) != 1 || !CPU_ISSET(last, &now))
            _exit(11);
        /* memory on node 0 (exists everywhere libnuma works) */
        pl.mem_node = 0;
        if (sw_bind_place(&pl, &d) < 0)
            _exit(12);
        /* a node that does not exist: refused with a message */
        pl.mem_node = 999;
        if (sw_bind_place(&pl, &d) == 0 || !strstr(d.msg, "999"))
            _exit(13);
        /* a CPU outside the allowed set */
        struct sw_place bad = {.cpu_node = -1, .mem_node = -1};
        sw_cpuset_set(&bad.cpus, SW_MAX_CPUS - 1);
        if (!CPU_ISSET(SW_MAX_CPUS - 1, &cs) && (sw_bind_place(&bad, &d) == 0 || !strstr(d.msg, "1023")))
            _exit(14);
        if (sw_bind_cpu(sw_cpuset_first(&pl.cpus), &d) < 0)
            _exit(15);
        if (sw_bind_cpu(-1, &d) == 0)
            _exit(16);
        _exit(0);
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bind child status %d", WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"names_and_sets", names_and_sets},
        {"live_machine", live_machine},
        {"bind_live", bind_live},
        {"every_fixture", every_fixture},
        {"raptor_lake_1370p", raptor_lake_1370p},
        {"arrow_lake_225u", arrow_lake_225u},
        {"synthetic_2pkg_4node_hybrid", synthetic_2pkg_4node_hybrid},
        {"dell_r815_8_nodes", dell_r815_8_nodes},
        {"single_node_refusals", single_node_refusals},
        {"bad_files", bad_files},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
