/* The table of every workload, built from stress/workloads.def. */
#ifndef SW_REGISTRY_H
#define SW_REGISTRY_H

#include "core/workload.h"

extern const struct sw_workload *const sw_workloads[];
extern const int sw_workload_count;
/* Finds a workload by name; *id (if non-NULL) gets its index. NULL if unknown. */
const struct sw_workload *sw_workload_find(const char *name, int *id);

#endif
