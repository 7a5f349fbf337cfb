/* The profile loader (core/profile.c) on any file, against the real workload registry. */
#include <unistd.h>

#include "core/profile.h"
#include "stress/registry.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = sw_fuzz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    static struct sw_job job;
    struct sw_diag d = {0};
    if (sw_profile_load_file(path, sw_workloads, sw_workload_count, &job, &d) == 0) {
        sw_job_params_check(&job, &d);
        sw_job_set_duration(&job, 90000, &d);
    }
    close(fd);
    return 0;
}
