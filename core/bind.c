/* Applying one plan entry in the worker: CPU binding through hwloc on the LIVE topology (an XML
 * topology would make hwloc_set_cpubind a silent no-op), memory through libnuma's set_mempolicy
 * wrapper so a failure comes back as an errno instead of libnuma printing to stderr. */
#include "core/bind.h"

#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static int bind_cpus(const struct sw_cpuset *cpus, struct sw_diag *d)
{
    char list[128];
    sw_cpuset_format(cpus, list, sizeof list);
    hwloc_topology_t t;
    if (hwloc_topology_init(&t) < 0)
        return sw_fail(d, -ENOMEM, "cannot bind to CPUs %s: hwloc could not initialise", list);
    /* Only the CPU structure is needed: skip caches and I/O discovery to keep worker start cheap. */
    hwloc_topology_set_io_types_filter(t, HWLOC_TYPE_FILTER_KEEP_NONE);
    hwloc_topology_set_cache_types_filter(t, HWLOC_TYPE_FILTER_KEEP_NONE);
    hwloc_topology_set_icache_types_filter(t, HWLOC_TYPE_FILTER_KEEP_NONE);
    if (hwloc_topology_load(t) < 0) {
        int e = errno ? errno : EIO;
        hwloc_topology_destroy(t);
        return sw_fail(d, -e, "cannot bind to CPUs %s: hwloc could not read this machine's topology: %s", list,
                       strerror(e));
    }
    const struct hwloc_topology_support *sup = hwloc_topology_get_support(t);
    if (!sup->cpubind->set_proc_cpubind) {
        hwloc_topology_destroy(t);
        return sw_fail_input(d, -ENOTSUP, "cannot bind to CPUs %s: this system does not support CPU binding: use --pin none",
                       list);
    }
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    int rc = set ? 0 : -ENOMEM;
    for (int cpu = 0; rc == 0 && cpu < SW_MAX_CPUS; cpu++)
        if (sw_cpuset_isset(cpus, cpu))
            hwloc_bitmap_set(set, (unsigned)cpu);
    if (rc == 0 && !hwloc_bitmap_isincluded(set, hwloc_topology_get_allowed_cpuset(t)))
        rc = sw_fail(d, -EINVAL,
                     "cannot bind to CPUs %s: not all of them are online or allowed for this process (taskset or "
                     "cgroup cpuset?): plan for this machine or use --pin none",
                     list);
    else if (rc == 0 && hwloc_set_cpubind(t, set, HWLOC_CPUBIND_PROCESS) < 0)
        rc = sw_fail(d, -errno, "cannot bind to CPUs %s: %s", list, strerror(errno));
    else if (rc < 0)
        sw_fail(d, rc, "cannot bind to CPUs %s: out of memory", list);
    hwloc_bitmap_free(set);
    hwloc_topology_destroy(t);
    return rc;
}

static int bind_memory(int node, struct sw_diag *d)
{
    if (numa_available() < 0)
        return sw_fail_input(d, -ENOTSUP,
                       "cannot place memory on NUMA node %d: the kernel has no NUMA support (numa_available() < 0): "
                       "use --pin spread",
                       node);
    if (node > numa_max_node() || numa_node_size64(node, NULL) < 0)
        return sw_fail_input(d, -ENODEV, "cannot place memory on NUMA node %d: this machine has nodes 0-%d only", node,
                       numa_max_node());
    /* MPOL_PREFERRED, not MPOL_BIND: when the node fills up the kernel falls back instead of OOM-killing
     * the worker, which would look like the machine failing. */
    unsigned long mask[16] = {0};
    if (node >= (int)(sizeof mask * 8))
        return sw_fail(d, -ERANGE, "cannot place memory on NUMA node %d: node number too large", node);
    mask[node / (8 * sizeof mask[0])] |= 1ul << (node % (8 * sizeof mask[0]));
    if (set_mempolicy(MPOL_PREFERRED, mask, sizeof mask * 8) < 0)
        return sw_fail(d, -errno, "cannot place memory on NUMA node %d: set_mempolicy: %s", node, strerror(errno));
    return 0;
}

int sw_bind_place(const struct sw_place *p, struct sw_diag *d)
{
    if (sw_cpuset_count(&p->cpus) > 0) {
        struct sw_cpuset one = {0};
        const struct sw_cpuset *cpus = &p->cpus;
        if (p->cycle) {
            sw_cpuset_set(&one, sw_cpuset_first(&p->cpus));
            cpus = &one;
        }
        int rc = bind_cpus(cpus, d);
        if (rc < 0)
            return rc;
    }
    if (p->mem_node >= 0)
        return bind_memory(p->mem_node, d);
    return 0;
}

int sw_bind_cpu(int cpu, struct sw_diag *d)
{
    /* The cycle step runs often: a direct per-thread sched_setaffinity, no topology load. */
    if (cpu < 0 || cpu >= CPU_SETSIZE)
        return sw_fail(d, -EINVAL, "cannot move to CPU %d: CPU numbers go from 0 to %d", cpu, CPU_SETSIZE - 1);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        return sw_fail(d, -errno, "cannot move to CPU %d: %s (offline, or outside this process's taskset/cgroup?)",
                       cpu, strerror(errno));
    return 0;
}
