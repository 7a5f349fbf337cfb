/* Applying a placement entry inside a worker process: the thin, real-machine-only layer on top of the
 * pure planner (core/placement). Uses hwloc for CPU binding and libnuma for memory binding. */
#ifndef SW_BIND_H
#define SW_BIND_H

#include "core/diag.h"
#include "core/placement.h"

/* Binds the calling process to p->cpus (if any; for a cycle entry, to its first CPU) and its memory
 * to p->mem_node (if >= 0). Returns 0 or -errno with d set. */
int sw_bind_place(const struct sw_place *p, struct sw_diag *d);
/* Moves the calling thread to one CPU (the cycle policy's step). */
int sw_bind_cpu(int cpu, struct sw_diag *d);

#endif
