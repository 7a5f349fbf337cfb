#include <string.h>

#include "stress/registry.h"

#define SW_WORKLOAD(n) extern const struct sw_workload sw_wl_##n;
#include "stress/workloads.def"
#undef SW_WORKLOAD

const struct sw_workload *const sw_workloads[] = {
#define SW_WORKLOAD(n) &sw_wl_##n,
#include "stress/workloads.def"
#undef SW_WORKLOAD
    NULL
};

const int sw_workload_count = (int)(sizeof sw_workloads / sizeof sw_workloads[0]) - 1;

const struct sw_workload *sw_workload_find(const char *name, int *id)
{
    for (int i = 0; i < sw_workload_count; i++)
        if (strcmp(sw_workloads[i]->name, name) == 0) {
            if (id)
                *id = i;
            return sw_workloads[i];
        }
    return NULL;
}
