/* Placement: a pure function from an hwloc topology and a request to a plan saying which CPUs and
 * which memory node each worker gets. Pure so that the 24-core hybrid and 8-node fixtures can be
 * planned here through hwloc's XML loading; core/bind applies one entry in the worker. */
#ifndef SW_PLACEMENT_H
#define SW_PLACEMENT_H

#include <hwloc.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"

enum sw_pin {
    SW_PIN_NONE = 0,     /* no binding                                                  */
    SW_PIN_SPREAD,       /* one worker per core, then per PU (SMT siblings)             */
    SW_PIN_COMPACT,      /* fill the PUs of a core, then the next core                  */
    SW_PIN_PCORES,       /* only the most efficient-for-performance cpukind (P-cores)   */
    SW_PIN_ECORES,       /* only the least (E-cores)                                    */
    SW_PIN_CYCLE,        /* one worker that visits every CPU in turn                    */
    SW_PIN_NUMA_LOCAL,   /* CPUs and memory on the same node                            */
    SW_PIN_NUMA_REMOTE,  /* memory on another node than the CPUs                        */
    SW_PIN_COUNT
};

const char *sw_pin_name(enum sw_pin p);
int sw_pin_from_name(const char *name);   /* -1 if unknown */
const char *sw_pin_names_allowed(void);    /* "none, spread, ..." for error messages */

#define SW_MAX_CPUS 1024
struct sw_cpuset {
    uint64_t w[SW_MAX_CPUS / 64];
};
void sw_cpuset_set(struct sw_cpuset *s, int cpu);
bool sw_cpuset_isset(const struct sw_cpuset *s, int cpu);
int sw_cpuset_count(const struct sw_cpuset *s);
int sw_cpuset_first(const struct sw_cpuset *s);
/* Ordered list of set CPUs into out (at most max); returns the count. */
int sw_cpuset_list(const struct sw_cpuset *s, int *out, int max);
/* "0-3,8,10-11" into buf. */
const char *sw_cpuset_format(const struct sw_cpuset *s, char *buf, unsigned len);

struct sw_place {
    struct sw_cpuset cpus;  /* the OS CPU numbers this worker may run on (empty: unbound) */
    int cpu_node;           /* NUMA node of those CPUs, -1 unknown/any                    */
    int mem_node;           /* node to bind memory to, -1 = no memory binding              */
    bool cycle;             /* visit the CPUs in cpus one at a time                        */
    char kind[24];          /* cpukind name (e.g. IntelCore / IntelAtom), "" if one kind  */
};

struct sw_plan {
    enum sw_pin pin;
    int nworkers;
    struct sw_place *place;  /* nworkers entries, malloc'd; sw_plan_free()                 */
    /* what the topology looked like, for the report */
    int n_pus, n_cores, n_nodes, n_kinds;
    char note[256];          /* e.g. "more workers than cores: SMT siblings share cores"   */
};

/* The pure planner: no binding, no I/O beyond reading topo. nworkers 0 = one worker per eligible
 * CPU (per node for numa-*, 1 for cycle). Refusals (pcores on a non-hybrid guest, numa-remote on
 * one node, cycle with nworkers > 1) are one-line messages in d. */
int sw_placement_plan(hwloc_topology_t topo, enum sw_pin pin, int nworkers, struct sw_plan *out,
                      struct sw_diag *d);
void sw_plan_free(struct sw_plan *p);

/* Loads the live topology (xml_path NULL) or an hwloc XML export. */
int sw_topology_load(hwloc_topology_t *topo, const char *xml_path, struct sw_diag *d);

#endif
