/* The placement planner: a pure function of an hwloc topology (live or loaded from XML), so the
 * hybrid and multi-node fixtures can be planned on a 2-CPU guest. All CPU and node numbers in a
 * plan are OS indexes (what sched_setaffinity and libnuma use), never hwloc logical indexes. */
#include "core/placement.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static const char *const pin_names[SW_PIN_COUNT] = {
    [SW_PIN_NONE] = "none",           [SW_PIN_SPREAD] = "spread",         [SW_PIN_COMPACT] = "compact",
    [SW_PIN_PCORES] = "pcores",       [SW_PIN_ECORES] = "ecores",         [SW_PIN_CYCLE] = "cycle",
    [SW_PIN_NUMA_LOCAL] = "numa-local", [SW_PIN_NUMA_REMOTE] = "numa-remote",
};

const char *sw_pin_name(enum sw_pin p)
{
    return (unsigned)p < SW_PIN_COUNT ? pin_names[p] : "?";
}

int sw_pin_from_name(const char *name)
{
    for (int i = 0; name && i < SW_PIN_COUNT; i++)
        if (strcmp(name, pin_names[i]) == 0)
            return i;
    return -1;
}

const char *sw_pin_names_allowed(void)
{
    return "none, spread, compact, pcores, ecores, cycle, numa-local, numa-remote";
}

/* --- the topology as the planner sees it ------------------------------------------------------- */

#define MAX_SMT 16

struct core {
    int pu[MAX_SMT];   /* OS indexes of this core's eligible PUs, in hwloc logical order */
    int npu;
};

struct cores {
    hwloc_topology_t t;
    hwloc_const_bitmap_t elig;   /* PUs (OS indexes) a worker may get */
    struct core *c;              /* depth-first (= compact) order     */
    int n, cap;
};

/* Adds obj's eligible PUs as one core; a PU with no Core ancestor counts as its own core. */
static int add_core(struct cores *cs, hwloc_obj_t obj)
{
    if (cs->n == cs->cap) {
        int cap = cs->cap ? cs->cap * 2 : 64;
        struct core *c = realloc(cs->c, (size_t)cap * sizeof *c);
        if (!c)
            return -ENOMEM;
        cs->c = c;
        cs->cap = cap;
    }
    struct core *k = &cs->c[cs->n];
    k->npu = 0;
    hwloc_obj_t pu = NULL;
    while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(cs->t, obj->cpuset, HWLOC_OBJ_PU, pu)))
        if (hwloc_bitmap_isset(cs->elig, pu->os_index) && k->npu < MAX_SMT)
            k->pu[k->npu++] = (int)pu->os_index;
    return cs->n++;
}

/* Collects the cores under obj. *list gets them interleaved child by child at every level (a core
 * from each package, then from each die/cluster, ...): that order is "spread". The depth-first
 * order in cs->c is "compact". */
static int collect(struct cores *cs, hwloc_obj_t obj, int **list, int *n)
{
    *list = NULL;
    *n = 0;
    if (!obj->cpuset || !hwloc_bitmap_intersects(obj->cpuset, cs->elig))
        return 0;
    if (obj->type == HWLOC_OBJ_CORE || obj->type == HWLOC_OBJ_PU || obj->arity == 0) {
        int idx = add_core(cs, obj);
        if (idx < 0)
            return idx;
        if (cs->c[idx].npu == 0) {   /* e.g. a leaf that is not a PU and holds no eligible PU */
            cs->n--;
            return 0;
        }
        *list = malloc(sizeof(int));
        if (!*list)
            return -ENOMEM;
        (*list)[0] = idx;
        *n = 1;
        return 0;
    }
    int **sub = calloc(obj->arity, sizeof *sub);
    int *nsub = calloc(obj->arity, sizeof *nsub);
    int rc = (sub && nsub) ? 0 : -ENOMEM, total = 0, maxn = 0;
    for (unsigned i = 0; rc == 0 && i < obj->arity; i++) {
        rc = collect(cs, obj->children[i], &sub[i], &nsub[i]);
        total += nsub[i];
        if (nsub[i] > maxn)
            maxn = nsub[i];
    }
    if (rc == 0 && total > 0) {
        *list = malloc((size_t)total * sizeof(int));
        if (!*list)
            rc = -ENOMEM;
        for (int round = 0; rc == 0 && round < maxn; round++)
            for (unsigned i = 0; i < obj->arity; i++)
                if (round < nsub[i])
                    (*list)[(*n)++] = sub[i][round];
    }
    for (unsigned i = 0; sub && i < obj->arity; i++)
        free(sub[i]);
    free(sub);
    free(nsub);
    return rc;
}

enum order { ORDER_SPREAD, ORDER_COMPACT };

/* The PU order for a policy over the eligible PUs: spread = first PU of every core (interleaved
 * across packages/nodes), then second PUs, ...; compact = all PUs of a core, then the next. */
static int pu_order(hwloc_topology_t t, hwloc_const_bitmap_t elig, enum order how, int **out, int *nout,
                    int *ncores)
{
    struct cores cs = {.t = t, .elig = elig};
    int *spread = NULL, nspread = 0;
    int rc = collect(&cs, hwloc_get_root_obj(t), &spread, &nspread);
    *out = NULL;
    *nout = 0;
    *ncores = cs.n;
    int npu = 0;
    for (int i = 0; i < cs.n; i++)
        npu += cs.c[i].npu;
    if (rc == 0 && npu > 0) {
        *out = malloc((size_t)npu * sizeof(int));
        if (!*out)
            rc = -ENOMEM;
    }
    if (rc == 0 && how == ORDER_COMPACT) {
        for (int i = 0; i < cs.n; i++)
            for (int j = 0; j < cs.c[i].npu; j++)
                (*out)[(*nout)++] = cs.c[i].pu[j];
    } else if (rc == 0) {
        for (int level = 0; level < MAX_SMT; level++)
            for (int i = 0; i < nspread; i++)
                if (level < cs.c[spread[i]].npu)
                    (*out)[(*nout)++] = cs.c[spread[i]].pu[level];
    }
    free(spread);
    free(cs.c);
    return rc;
}

/* --- NUMA nodes -------------------------------------------------------------------------------- */

/* The node whose memory is local to a CPU: the first node (logical order) whose cpuset holds it.
 * With memory tiers (DRAM + HBM/NVM) several nodes share CPUs; the first is the ordinary DRAM one. */
static hwloc_obj_t node_of_cpu(hwloc_topology_t t, int cpu)
{
    hwloc_obj_t n = NULL;
    while ((n = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_NUMANODE, n)))
        if (n->cpuset && hwloc_bitmap_isset(n->cpuset, (unsigned)cpu))
            return n;
    return NULL;
}

/* Nodes that own CPUs, one per distinct CPU set (so a KNL's MCDRAM twin of a DDR node is skipped). */
static int cpu_nodes(hwloc_topology_t t, hwloc_obj_t *out, int max)
{
    int n = 0;
    hwloc_obj_t node = NULL;
    while ((node = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_NUMANODE, node))) {
        if (!node->cpuset || hwloc_bitmap_iszero(node->cpuset))
            continue;
        bool dup = false;
        for (int i = 0; i < n && !dup; i++)
            dup = hwloc_bitmap_isequal(out[i]->cpuset, node->cpuset);
        if (!dup && n < max)
            out[n++] = node;
    }
    return n;
}

/* Distance from a to b in the first NUMA matrix holding both (latency matrices first); -1 if none. */
static int64_t node_distance(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b)
{
    unsigned nr = 8;
    struct hwloc_distances_s *dist[8];
    int64_t best = -1;
    for (int pass = 0; pass < 2 && best < 0; pass++) {
        unsigned long kind = pass == 0 ? HWLOC_DISTANCES_KIND_MEANS_LATENCY : 0;
        nr = 8;
        if (hwloc_distances_get_by_type(t, HWLOC_OBJ_NUMANODE, &nr, dist, kind, 0) < 0)
            continue;
        for (unsigned i = 0; i < nr && i < 8; i++) {
            hwloc_uint64_t ab, ba;
            if (best < 0 && hwloc_distances_obj_pair_values(dist[i], a, b, &ab, &ba) == 0)
                best = (int64_t)ab;
            hwloc_distances_release(t, dist[i]);
        }
    }
    return best;
}

/* The nearest node to `from` whose memory is not local to from's CPUs: by the distance matrix if
 * the topology has one, else the next such node in logical order. */
static hwloc_obj_t remote_node(hwloc_topology_t t, hwloc_obj_t from, bool *by_distance)
{
    int nn = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
    hwloc_obj_t best = NULL, next = NULL;
    int64_t bestd = -1;
    *by_distance = true;
    for (int step = 1; step < nn; step++) {
        hwloc_obj_t n = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, (from->logical_index + (unsigned)step) %
                                                                         (unsigned)nn);
        if (!n || n == from || (n->cpuset && hwloc_bitmap_intersects(n->cpuset, from->cpuset)))
            continue;
        if (!next)
            next = n;
        int64_t dd = node_distance(t, from, n);
        if (dd < 0) {
            *by_distance = false;
            return next;
        }
        if (bestd < 0 || dd < bestd) {
            bestd = dd;
            best = n;
        }
    }
    return best;
}

/* --- kinds ------------------------------------------------------------------------------------- */

static void kind_name(hwloc_topology_t t, int k, char *buf, size_t len)
{
    unsigned ninfo = 0;
    struct hwloc_info_s *info = NULL;
    int eff = -1;
    buf[0] = '\0';
    if (k < 0 || hwloc_cpukinds_get_info(t, (unsigned)k, NULL, &eff, &ninfo, &info, 0) < 0)
        return;
    for (unsigned i = 0; i < ninfo; i++)
        if (strcmp(info[i].name, "CoreType") == 0) {
            snprintf(buf, len, "%s", info[i].value);
            return;
        }
    snprintf(buf, len, "kind%d", k);
}

/* The kind with the highest (want_max) or lowest efficiency rank; -1 with d set if fewer than 2. */
static int pick_kind(hwloc_topology_t t, enum sw_pin pin, bool want_max, hwloc_bitmap_t set, struct sw_diag *d)
{
    int nk = hwloc_cpukinds_get_nr(t, 0);
    if (nk < 2)
        return sw_fail_input(d, -ENOTSUP,
                       "pin policy '%s' needs a hybrid CPU with P- and E-cores, but this machine reports %d CPU "
                       "kind%s (a VM guest such as WSL2 usually does not expose core kinds): use --pin spread",
                       sw_pin_name(pin), nk < 0 ? 0 : nk, nk == 1 ? "" : "s");
    int best = -1, best_eff = 0;
    for (int k = 0; k < nk; k++) {
        int eff = -1;
        unsigned ninfo = 0;
        struct hwloc_info_s *info = NULL;
        if (hwloc_cpukinds_get_info(t, (unsigned)k, NULL, &eff, &ninfo, &info, 0) < 0)
            continue;
        if (eff < 0)
            eff = k;   /* unranked kinds: hwloc still lists them from least to most powerful */
        if (best < 0 || (want_max ? eff >= best_eff : eff < best_eff)) {
            best = k;
            best_eff = eff;
        }
    }
    if (best < 0 || hwloc_cpukinds_get_info(t, (unsigned)best, set, NULL, NULL, NULL, 0) < 0)
        return sw_fail(d, -EIO, "pin policy '%s': hwloc could not describe the CPU kinds", sw_pin_name(pin));
    return best;
}

/* --- the planner ------------------------------------------------------------------------------- */

static int put_cpu(struct sw_place *p, int cpu, struct sw_diag *d)
{
    if (cpu < 0 || cpu >= SW_MAX_CPUS)
        return sw_fail_input(d, -E2BIG, "CPU %d is beyond the %d CPUs stresswsl can pin: use --pin none", cpu,
                       SW_MAX_CPUS);
    sw_cpuset_set(&p->cpus, cpu);
    return 0;
}

static int put_bitmap(struct sw_place *p, hwloc_const_bitmap_t set, struct sw_diag *d)
{
    int cpu;
    hwloc_bitmap_foreach_begin(cpu, set) {
        int rc = put_cpu(p, cpu, d);
        if (rc < 0)
            return rc;
    }
    hwloc_bitmap_foreach_end();
    return 0;
}

/* The kind of a whole entry (if it lies within one kind) for the report. */
static void fill_kind(hwloc_topology_t t, struct sw_place *p)
{
    hwloc_bitmap_t s = hwloc_bitmap_alloc();
    if (!s)
        return;
    for (int cpu = sw_cpuset_first(&p->cpus); cpu >= 0 && cpu < SW_MAX_CPUS; cpu++)
        if (sw_cpuset_isset(&p->cpus, cpu))
            hwloc_bitmap_set(s, (unsigned)cpu);
    if (!hwloc_bitmap_iszero(s))
        kind_name(t, hwloc_cpukinds_get_by_cpuset(t, s, 0), p->kind, sizeof p->kind);
    hwloc_bitmap_free(s);
}

static void count_topology(hwloc_topology_t t, struct sw_plan *out)
{
    hwloc_const_bitmap_t all = hwloc_topology_get_topology_cpuset(t);
    out->n_pus = hwloc_bitmap_weight(all);
    int *order = NULL, n = 0, ncores = 0;
    if (pu_order(t, all, ORDER_COMPACT, &order, &n, &ncores) == 0)
        out->n_cores = ncores;
    free(order);
    out->n_nodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
    int nk = hwloc_cpukinds_get_nr(t, 0);
    out->n_kinds = nk < 0 ? 0 : nk;
}

/* Workers over an ordered PU list, one PU each, wrapping when there are more workers than PUs. */
static int plan_ordered(hwloc_topology_t t, hwloc_const_bitmap_t elig, enum order how, struct sw_plan *out,
                        const char *what, struct sw_diag *d)
{
    int *order = NULL, n = 0, ncores = 0;
    int rc = pu_order(t, elig, how, &order, &n, &ncores);
    if (rc < 0) {
        free(order);
        return sw_fail(d, rc, "placement: out of memory");
    }
    if (n == 0) {
        free(order);
        return sw_fail_input(d, -ENODEV, "pin policy '%s': no usable CPUs in the topology", sw_pin_name(out->pin));
    }
    if (out->nworkers == 0)
        out->nworkers = n;
    out->place = calloc((size_t)out->nworkers, sizeof *out->place);
    if (!out->place) {
        free(order);
        return sw_fail(d, -ENOMEM, "placement: out of memory for %d workers", out->nworkers);
    }
    for (int i = 0; i < out->nworkers && rc == 0; i++) {
        struct sw_place *p = &out->place[i];
        int cpu = order[i % n];
        rc = put_cpu(p, cpu, d);
        hwloc_obj_t node = node_of_cpu(t, cpu);
        p->cpu_node = node ? (int)node->os_index : -1;
        p->mem_node = -1;
    }
    free(order);
    if (out->nworkers > n)
        snprintf(out->note, sizeof out->note, "more workers (%d) than %s CPUs (%d): CPUs run several workers",
                 out->nworkers, what, n);
    else if (out->nworkers > ncores && how == ORDER_SPREAD)
        snprintf(out->note, sizeof out->note,
                 "more workers (%d) than %s cores (%d): SMT siblings share cores", out->nworkers, what, ncores);
    return rc;
}

static int plan_numa(hwloc_topology_t t, bool remote, struct sw_plan *out, struct sw_diag *d)
{
    hwloc_obj_t nodes[256];
    int nn = cpu_nodes(t, nodes, 256);
    if (nn == 0)
        return sw_fail_input(d, -ENODEV, "pin policy '%s': the topology has no NUMA node with CPUs",
                       sw_pin_name(out->pin));
    hwloc_obj_t mem[256];
    bool all_by_distance = true;
    for (int i = 0; i < nn; i++) {
        mem[i] = nodes[i];
        if (remote) {
            bool by_distance;
            mem[i] = remote_node(t, nodes[i], &by_distance);
            all_by_distance = all_by_distance && by_distance;
            if (!mem[i])
                return sw_fail_input(d, -ENOTSUP,
                               "pin policy 'numa-remote' needs a second NUMA node with memory that is not local "
                               "to the CPUs, but this machine has %d NUMA node%s (a VM guest such as WSL2 "
                               "usually sees one): use --pin numa-local or spread",
                               out->n_nodes, out->n_nodes == 1 ? "" : "s");
        }
    }
    if (out->nworkers == 0)
        out->nworkers = nn;
    out->place = calloc((size_t)out->nworkers, sizeof *out->place);
    if (!out->place)
        return sw_fail(d, -ENOMEM, "placement: out of memory for %d workers", out->nworkers);
    for (int i = 0; i < out->nworkers; i++) {
        struct sw_place *p = &out->place[i];
        int k = i % nn;
        /* A node-wide CPU set (like numactl --cpunodebind): the point is where memory lives. */
        int rc = put_bitmap(p, nodes[k]->cpuset, d);
        if (rc < 0)
            return rc;
        p->cpu_node = (int)nodes[k]->os_index;
        p->mem_node = (int)mem[k]->os_index;
    }
    if (remote)
        snprintf(out->note, sizeof out->note, "%s",
                 all_by_distance ? "memory on the nearest other NUMA node by the distance matrix"
                                 : "no NUMA distance matrix: memory on the next NUMA node");
    else if (out->nworkers > nn)
        snprintf(out->note, sizeof out->note, "more workers (%d) than NUMA nodes with CPUs (%d): nodes are shared",
                 out->nworkers, nn);
    return 0;
}

int sw_placement_plan(hwloc_topology_t topo, enum sw_pin pin, int nworkers, struct sw_plan *out,
                      struct sw_diag *d)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)pin >= SW_PIN_COUNT)
        return sw_fail_input(d, -EINVAL, "unknown pin policy %d: use one of %s", (int)pin, sw_pin_names_allowed());
    if (nworkers < 0)
        return sw_fail_input(d, -EINVAL, "the number of workers must not be negative (got %d)", nworkers);
    if (pin == SW_PIN_CYCLE && nworkers > 1)
        return sw_fail_input(d, -EINVAL,
                       "pin policy 'cycle' runs exactly 1 worker that visits every CPU in turn (got %d "
                       "workers): set workers to 1 or use --pin spread",
                       nworkers);
    out->pin = pin;
    out->nworkers = nworkers;
    count_topology(topo, out);
    hwloc_const_bitmap_t all = hwloc_topology_get_topology_cpuset(topo);

    int rc = 0;
    switch (pin) {
    case SW_PIN_NONE:
        if (out->nworkers == 0)
            out->nworkers = out->n_pus;
        out->place = calloc((size_t)(out->nworkers ? out->nworkers : 1), sizeof *out->place);
        if (!out->place)
            return sw_fail(d, -ENOMEM, "placement: out of memory for %d workers", out->nworkers);
        for (int i = 0; i < out->nworkers; i++)
            out->place[i].cpu_node = out->place[i].mem_node = -1;
        return 0;
    case SW_PIN_SPREAD:
        rc = plan_ordered(topo, all, ORDER_SPREAD, out, "available", d);
        break;
    case SW_PIN_COMPACT:
        rc = plan_ordered(topo, all, ORDER_COMPACT, out, "available", d);
        break;
    case SW_PIN_PCORES:
    case SW_PIN_ECORES: {
        hwloc_bitmap_t set = hwloc_bitmap_alloc();
        if (!set)
            return sw_fail(d, -ENOMEM, "placement: out of memory");
        int k = pick_kind(topo, pin, pin == SW_PIN_PCORES, set, d);
        if (k >= 0) {
            hwloc_bitmap_and(set, set, all);
            char name[24];
            kind_name(topo, k, name, sizeof name);
            char what[48];
            snprintf(what, sizeof what, "%s (%s)", pin == SW_PIN_PCORES ? "P-core" : "E-core", name);
            rc = plan_ordered(topo, set, ORDER_SPREAD, out, what, d);
        } else {
            rc = k;
        }
        hwloc_bitmap_free(set);
        break;
    }
    case SW_PIN_CYCLE:
        out->nworkers = 1;
        out->place = calloc(1, sizeof *out->place);
        if (!out->place)
            return sw_fail(d, -ENOMEM, "placement: out of memory");
        rc = put_bitmap(&out->place[0], all, d);
        out->place[0].cycle = true;
        out->place[0].cpu_node = out->n_nodes == 1 ? (int)hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, 0)->os_index
                                                   : -1;
        out->place[0].mem_node = -1;
        break;
    case SW_PIN_NUMA_LOCAL:
    case SW_PIN_NUMA_REMOTE:
        rc = plan_numa(topo, pin == SW_PIN_NUMA_REMOTE, out, d);
        break;
    case SW_PIN_COUNT:
        break;
    }
    if (rc < 0) {
        sw_plan_free(out);
        return rc;
    }
    if (out->n_kinds > 1)
        for (int i = 0; i < out->nworkers; i++)
            fill_kind(topo, &out->place[i]);
    return 0;
}

void sw_plan_free(struct sw_plan *p)
{
    free(p->place);
    p->place = NULL;
}

int sw_topology_load(hwloc_topology_t *topo, const char *xml_path, struct sw_diag *d)
{
    *topo = NULL;
    if (xml_path && access(xml_path, R_OK) != 0)
        return sw_fail_input(d, -errno, "cannot read topology file '%s': %s", xml_path, strerror(errno));
    hwloc_topology_t t;
    if (hwloc_topology_init(&t) < 0)
        return sw_fail(d, -ENOMEM, "hwloc could not initialise a topology: %s", strerror(errno));
    /* Not HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM: an XML describes some other machine, and binding against
     * it must stay a no-op (core/bind uses the live topology). hwloc parses the file in set_xml. */
    if ((xml_path && hwloc_topology_set_xml(t, xml_path) < 0) || hwloc_topology_load(t) < 0) {
        int e = errno ? errno : EINVAL;
        hwloc_topology_destroy(t);
        if (xml_path)
            return sw_fail_input(d, -EINVAL,
                           "cannot load topology file '%s': not an hwloc XML export this hwloc can read (hwloc 2.9 "
                           "reads XML v2 (and v1) only, not v3): export one with 'lstopo-no-graphics --of xml FILE'",
                           xml_path);
        return sw_fail(d, -e, "hwloc could not read this machine's topology: %s", strerror(e));
    }
    *topo = t;
    return 0;
}
