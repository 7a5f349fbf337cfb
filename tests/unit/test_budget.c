/* Budgets from synthetic inputs: auto counts scale down with a notice, explicit requests over budget
 * are refused with the numbers, --memory sizes and percentages, process limits, and reading the
 * inputs from cgroup v2 and v1 trees laid out in a temp directory. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/budget.h"
#include "core/rundir.h"
#include "probes/probe_int.h"
#include "tests/harness/check.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)

static uint64_t need_1g(const struct sw_params *p)
{
    (void)p;
    return GiB;
}

static unsigned procs_8(const struct sw_params *p)
{
    (void)p;
    return 8;
}

static const struct sw_workload wl_mem = {.name = "memtest", .unit = "bytes", .flags = SW_WL_MEMORY,
                                          .mem_per_worker = need_1g};
static const struct sw_workload wl_cpu = {.name = "compute", .unit = "kernels"};
static const struct sw_workload wl_spawn = {.name = "execve", .unit = "execs", .flags = SW_WL_SPAWNS,
                                            .procs_per_worker = procs_8};

static struct sw_budget_inputs machine(uint64_t avail, int cpus)
{
    struct sw_budget_inputs in;
    memset(&in, 0, sizeof in);
    in.mem_total = avail + 2 * GiB;
    in.mem_available = avail;
    in.pids_max = -1;
    in.online_cpus = cpus;
    return in;
}

static void one_phase(struct sw_job *job, const struct sw_workload *wl, enum sw_count_kind k, int count)
{
    memset(job, 0, sizeof *job);
    job->nphases = 1;
    snprintf(job->phases[0].name, sizeof job->phases[0].name, "main");
    job->phases[0].duration_ms = 1000;
    job->phases[0].n = 1;
    job->phases[0].wl[0].wl = wl;
    job->phases[0].wl[0].count_kind = k;
    job->phases[0].wl[0].count = count;
}

static void auto_fits(void)
{
    struct sw_budget_inputs in = machine(32 * GiB, 8);
    struct sw_job job;
    one_phase(&job, &wl_cpu, SW_COUNT_AUTO, 0);
    struct sw_budget b;
    struct sw_diag d;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    CHECK_INT(job.phases[0].wl[0].workers, 8);   /* one per CPU */
    CHECK_INT(b.nnotes, 0);
    /* margin: 5% of MemTotal (34 GiB) = 1.7 GiB; default budget 50% of the rest */
    CHECK(b.mem_margin == (34 * GiB) / 20);
    CHECK(b.mem_budget == (32 * GiB - b.mem_margin) / 100 * 50);
}

static void auto_scales_with_notice(void)
{
    /* 16 CPUs, each worker needs 1 GiB, 8 GiB available: 50% of (8 GiB - 512 MiB) fits 3 workers. */
    struct sw_budget_inputs in = machine(8 * GiB, 16);
    struct sw_job job;
    one_phase(&job, &wl_mem, SW_COUNT_AUTO, 0);
    struct sw_budget b;
    struct sw_diag d;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    int w = job.phases[0].wl[0].workers;
    CHECK_INT(w, 3);
    CHECK((uint64_t)w * GiB <= b.mem_budget);
    CHECK((uint64_t)(w + 1) * GiB > b.mem_budget);
    CHECK_INT(b.nnotes, 1);
    CHECK_MSG(strstr(b.notes[0], "memtest scaled from 16 to 3 workers") != NULL, "%s", b.notes[0]);
    /* memory workloads get the whole share, not only their minimum */
    CHECK(b.wb[0][0].mem == b.mem_budget / 3);
    CHECK(b.wb[0][0].mem <= in.mem_available - b.mem_margin);
}

static void explicit_refused_with_numbers(void)
{
    struct sw_budget_inputs in = machine(8 * GiB, 16);
    struct sw_job job;
    one_phase(&job, &wl_mem, SW_COUNT_EXACT, 12);
    struct sw_budget b;
    struct sw_diag d = {0};
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK_MSG(strstr(d.msg, "12.0 GiB") != NULL, "%s", d.msg);          /* what it needs */
    CHECK_MSG(strstr(d.msg, "memtest 12 x 1.0 GiB") != NULL, "%s", d.msg);
    CHECK_MSG(strstr(d.msg, "MemAvailable 8.0 GiB") != NULL, "%s", d.msg);
    CHECK_MSG(strstr(d.msg, "--workers") != NULL, "%s", d.msg);          /* the fix */
    CHECK(strchr(d.msg, '\n') == NULL);                                   /* one line */
}

static void memory_option(void)
{
    struct sw_budget_inputs in = machine(8 * GiB, 4);
    struct sw_job job;
    struct sw_budget b;
    struct sw_diag d = {0};
    one_phase(&job, &wl_mem, SW_COUNT_EXACT, 2);
    job.mem_limit = 20 * GiB;   /* more than there is: refused */
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK_MSG(strstr(d.msg, "--memory 20.0 GiB") != NULL && strstr(d.msg, "MemAvailable 8.0 GiB") != NULL, "%s",
              d.msg);
    job.mem_limit = 4 * GiB;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    CHECK(b.mem_budget == 4 * GiB);
    CHECK(b.wb[0][0].mem == 2 * GiB);
    /* a percentage that would eat the safety margin is capped, with a notice */
    job.mem_limit = 0;
    job.mem_percent = 100;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    CHECK(b.mem_budget == b.mem_usable);
    CHECK(b.mem_budget + b.mem_margin <= in.mem_available);
    CHECK_INT(b.nnotes, 1);
    CHECK(strstr(b.notes[0], "capped") != NULL);
}

static void cgroup_limit_wins(void)
{
    struct sw_budget_inputs in = machine(64 * GiB, 8);
    in.cgroup_mem_max = 4 * GiB;
    in.cgroup_mem_current = 1 * GiB;
    struct sw_job job;
    one_phase(&job, &wl_mem, SW_COUNT_EXACT, 4);
    struct sw_budget b;
    struct sw_diag d = {0};
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK(b.mem_headroom == 3 * GiB);
    CHECK_MSG(strstr(d.msg, "cgroup memory.max 4.0 GiB") != NULL, "%s", d.msg);
}

/* Workloads sized like the compile profile's parallel phase (compile 36 MiB, execve 66 MiB, heap
 * 129 MiB at its smallest, memory-sized). */
static uint64_t need_36m(const struct sw_params *p)
{
    (void)p;
    return 36 * MiB;
}
static uint64_t need_66m(const struct sw_params *p)
{
    (void)p;
    return 66 * MiB;
}
static uint64_t need_129m(const struct sw_params *p)
{
    (void)p;
    return 129 * MiB;
}
static const struct sw_workload wl_cc = {.name = "compile", .unit = "units", .mem_per_worker = need_36m};
static const struct sw_workload wl_ex = {.name = "execve", .unit = "execs", .mem_per_worker = need_66m};
static const struct sw_workload wl_hp = {.name = "heap", .unit = "allocs", .flags = SW_WL_MEMORY,
                                         .mem_per_worker = need_129m};

static void parallel_phase(struct sw_job *job, int cpus_worth)
{
    one_phase(job, &wl_cc, SW_COUNT_AUTO, 0);
    job->phases[0].n = 3;
    job->phases[0].wl[1] = job->phases[0].wl[0];
    job->phases[0].wl[1].wl = &wl_ex;
    job->phases[0].wl[2] = job->phases[0].wl[0];
    job->phases[0].wl[2].wl = &wl_hp;
    for (int i = 0; i < 3; i++)
        job->phases[0].wl[i].workers = cpus_worth;
}

static void margin_scales_with_the_limit(void)
{
    CHECK(sw_budget_margin(24 * GiB) == 24 * GiB / 100 * 5);   /* big: a share, as before */
    CHECK(sw_budget_margin(4 * GiB) == 4 * GiB / 100 * 5);
    CHECK(sw_budget_margin(1 * GiB) == 128 * MiB);               /* small: the floor */
    CHECK(sw_budget_margin(512 * MiB) == 64 * MiB);              /* tiny: an eighth */
}

/* A 1 GiB cgroup v1 limit on a 24 GiB machine: the margin follows the cgroup (128 MiB, not 1.2 GiB),
 * the compile-like phase runs scaled down, --memory 512M is accepted, and what cannot fit is refused
 * naming memory.limit_in_bytes and the same margin the plan reports. */
static void small_cgroup_v1(void)
{
    struct sw_budget_inputs in = machine(22 * GiB, 2);
    in.cgroup_mem_max = GiB;
    in.cgroup_mem_current = 10 * MiB;
    in.cgroup_mem_v1 = true;
    in.cgroup_version = 1;
    struct sw_job job;
    parallel_phase(&job, 2);
    struct sw_budget b;
    struct sw_diag d = {0};
    CHECK_MSG(sw_budget_resolve(&in, &job, &b, &d) == 0, "%s", d.msg);
    CHECK(b.mem_margin == 128 * MiB);
    CHECK(b.mem_usable == GiB - 10 * MiB - 128 * MiB);
    uint64_t used = 0;
    for (int i = 0; i < 3; i++) {
        CHECK(job.phases[0].wl[i].workers >= 1);
        used += (uint64_t)job.phases[0].wl[i].workers * b.wb[0][i].mem;
    }
    CHECK_MSG(used <= b.mem_budget && b.mem_budget <= b.mem_usable, "used %llu budget %llu usable %llu",
              (unsigned long long)used, (unsigned long long)b.mem_budget, (unsigned long long)b.mem_usable);
    CHECK_INT(job.phases[0].wl[2].workers, 1);   /* heap, the biggest, gave way */
    CHECK(b.nnotes >= 1);
    json_t *j = sw_budget_to_json(&b);
    CHECK_STR(json_string_value(json_object_get(j, "cgroup_mem_file")), "memory.limit_in_bytes");
    CHECK(json_integer_value(json_object_get(j, "mem_margin")) == (json_int_t)(128 * MiB));
    json_decref(j);

    job.mem_limit = 512 * MiB;
    CHECK_MSG(sw_budget_resolve(&in, &job, &b, &d) == 0, "--memory 512M refused: %s", d.msg);
    CHECK(b.mem_budget == 512 * MiB);

    job.mem_limit = 1000 * MiB;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK_MSG(strstr(d.msg, "cgroup memory.limit_in_bytes 1.0 GiB with 10.0 MiB in use") != NULL, "%s", d.msg);
    CHECK_MSG(strstr(d.msg, "safety margin of 128.0 MiB") != NULL, "%s", d.msg);
    CHECK(strstr(d.msg, "memory.max") == NULL);

    /* the workloads' own minimum does not fit: refused with the numbers */
    job.mem_limit = 0;
    one_phase(&job, &wl_mem, SW_COUNT_AUTO, 0);   /* 1 GiB per worker */
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK_MSG(strstr(d.msg, "memtest 1 x 1.0 GiB") != NULL, "%s", d.msg);
    CHECK_MSG(strstr(d.msg, "safety margin of 128.0 MiB") != NULL, "%s", d.msg);
    CHECK_MSG(strstr(d.msg, "memory.limit_in_bytes") != NULL, "%s", d.msg);

    /* v2 names its own file */
    in.cgroup_mem_v1 = false;
    in.cgroup_version = 2;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK_MSG(strstr(d.msg, "cgroup memory.max 1.0 GiB") != NULL, "%s", d.msg);
}

/* Without --memory, a phase whose smallest form needs more than the default half of the usable memory
 * but fits the usable memory runs, with a note, instead of being refused. */
static void default_budget_gives_way(void)
{
    struct sw_budget_inputs in = machine(22 * GiB, 2);
    in.cgroup_mem_max = 500 * MiB;   /* margin 62.5 MiB, usable 437.5 MiB, default budget 218.75 MiB */
    in.cgroup_mem_v1 = true;
    struct sw_job job;
    parallel_phase(&job, 2);
    struct sw_budget b;
    struct sw_diag d = {0};
    CHECK_MSG(sw_budget_resolve(&in, &job, &b, &d) == 0, "%s", d.msg);
    CHECK(b.mem_margin == 500 * MiB / 8);
    CHECK(b.mem_budget == (36 + 66 + 129) * MiB);   /* one of each */
    int raised = 0;
    for (int i = 0; i < b.nnotes; i++)
        raised += strstr(b.notes[i], "raised") != NULL;
    CHECK_INT(raised, 1);
    /* an explicit --memory is the user's word: not raised */
    parallel_phase(&job, 2);
    job.mem_limit = 200 * MiB;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
}

static void process_limits(void)
{
    struct sw_budget_inputs in = machine(32 * GiB, 4);
    in.pids_max = 100;
    in.pids_current = 40;
    struct sw_job job;
    one_phase(&job, &wl_spawn, SW_COUNT_EXACT, 10);   /* 10 x (1 + 8) = 90 tasks > 60 - 16 */
    struct sw_budget b;
    struct sw_diag d = {0};
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK_MSG(strstr(d.msg, "90 processes") != NULL && strstr(d.msg, "pids.max 100") != NULL, "%s", d.msg);
    /* auto scales to what fits: 44 / 9 = 4 workers */
    one_phase(&job, &wl_spawn, SW_COUNT_AUTO, 0);
    in.online_cpus = 32;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    CHECK_INT(job.phases[0].wl[0].workers, 4);
    CHECK_INT(b.wb[0][0].procs, 8);
    /* RLIMIT_NPROC counts only when the kernel applies it (not for root) */
    in = machine(32 * GiB, 4);
    in.rlimit_nproc = 50;
    in.nproc_current = 45;
    in.nproc_enforced = false;
    one_phase(&job, &wl_spawn, SW_COUNT_EXACT, 4);
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    in.nproc_enforced = true;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), -E2BIG);
    CHECK_MSG(strstr(d.msg, "RLIMIT_NPROC 50") != NULL && strstr(d.msg, "ulimit -u") != NULL, "%s", d.msg);
}

static void mixed_phase_scales_only_auto(void)
{
    struct sw_budget_inputs in = machine(8 * GiB, 16);
    struct sw_job job;
    one_phase(&job, &wl_mem, SW_COUNT_EXACT, 2);
    job.phases[0].n = 2;
    job.phases[0].wl[1].wl = &wl_mem;
    job.phases[0].wl[1].count_kind = SW_COUNT_SHARE;
    job.phases[0].wl[1].share = 1.0;
    struct sw_budget b;
    struct sw_diag d;
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    CHECK_INT(job.phases[0].wl[0].workers, 2);   /* explicit: kept */
    CHECK_INT(job.phases[0].wl[1].workers, 1);   /* share: scaled */
}

static void write_file(const char *root, const char *rel, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s%s", root, rel);
    char dir[600];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    sw_mkdir_p(dir, 0755);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

static void reads_cgroup_trees(void)
{
    char root[256];
    sw_test_tmpdir(root, sizeof root, "sw-budget");
    write_file(root, "/proc/meminfo", "MemTotal:       16384000 kB\nMemFree:         1000 kB\n"
                                      "MemAvailable:    8192000 kB\n");
    write_file(root, "/proc/loadavg", "0.10 0.20 0.30 2/345 6789\n");
    /* v2: the limit is on the parent, not on our leaf */
    write_file(root, "/proc/self/cgroup", "0::/user.slice/session-1.scope\n");
    write_file(root, "/sys/fs/cgroup/cgroup.controllers", "memory pids\n");
    write_file(root, "/sys/fs/cgroup/user.slice/memory.max", "2147483648\n");
    write_file(root, "/sys/fs/cgroup/user.slice/session-1.scope/memory.max", "max\n");
    write_file(root, "/sys/fs/cgroup/user.slice/session-1.scope/memory.current", "1073741824\n");
    write_file(root, "/sys/fs/cgroup/user.slice/session-1.scope/pids.max", "500\n");
    write_file(root, "/sys/fs/cgroup/user.slice/session-1.scope/pids.current", "20\n");
    struct sw_budget_inputs in;
    struct sw_diag d;
    CHECK_INT(sw_budget_read(&in, root, &d), 0);
    CHECK(in.mem_total == 16384000ull * 1024);
    CHECK(in.mem_available == 8192000ull * 1024);
    CHECK_INT(in.cgroup_version, 2);
    CHECK(in.cgroup_mem_max == 2 * GiB);
    CHECK(!in.cgroup_mem_v1);
    CHECK(in.cgroup_mem_current == GiB);
    CHECK_INT(in.pids_max, 500);
    CHECK_INT(in.pids_current, 20);
    CHECK_INT(in.nproc_current, 345);
    CHECK(in.online_cpus >= 1);

    /* v1 (as on this CI box: a memory controller path and a page-rounded "unlimited") */
    write_file(root, "/proc/self/cgroup", "9:pids:/job\n4:memory:/job\n0::/\n");
    sw_rundir_remove_tree(strcat(strcpy((char[600]){0}, root), "/sys"));
    write_file(root, "/sys/fs/cgroup/memory/job/memory.limit_in_bytes", "1073741824\n");
    write_file(root, "/sys/fs/cgroup/memory/job/memory.usage_in_bytes", "104857600\n");
    write_file(root, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    write_file(root, "/sys/fs/cgroup/pids/job/pids.max", "max\n");
    CHECK_INT(sw_budget_read(&in, root, &d), 0);
    CHECK_INT(in.cgroup_version, 1);
    CHECK(in.cgroup_mem_max == GiB);
    CHECK(in.cgroup_mem_v1);
    CHECK(in.cgroup_mem_current == 100 * MiB);
    CHECK_INT(in.pids_max, -1);
    /* `probe` shows the v1 limit the budget uses (it used to say no limit applies) */
    struct sw_probe_ctx pc = {.root = root};
    json_t *mem = sw_probe_memory(&pc);
    const json_t *cg = json_object_get(mem, "cgroup_max");
    CHECK(json_integer_value(json_object_get(cg, "value")) == (json_int_t)GiB);
    CHECK(strstr(json_string_value(json_object_get(cg, "source")), "cgroup v1") != NULL);
    json_decref(mem);
    write_file(root, "/sys/fs/cgroup/memory/job/memory.limit_in_bytes", "9223372036854771712\n");
    mem = sw_probe_memory(&pc);
    cg = json_object_get(mem, "cgroup_max");
    CHECK(json_is_null(json_object_get(cg, "value")) && !json_object_get(cg, "unavailable"));
    char *text = json_dumps(cg, 0);
    CHECK(text && strstr(text, "no memory limit") != NULL);
    free(text);
    json_decref(mem);

    CHECK(sw_budget_read(&in, "/nonexistent-root", &d) < 0);
    CHECK(strstr(d.msg, "meminfo") != NULL);
    sw_rundir_remove_tree(root);
}

static void live_inputs(void)
{
    struct sw_budget_inputs in;
    struct sw_diag d;
    CHECK_INT(sw_budget_read(&in, NULL, &d), 0);
    CHECK(in.mem_available > 0 && in.mem_available <= in.mem_total);
    CHECK(in.online_cpus >= 1);
    json_t *j;
    struct sw_budget b;
    struct sw_job job;
    one_phase(&job, &wl_cpu, SW_COUNT_EXACT, 1);
    CHECK_INT(sw_budget_resolve(&in, &job, &b, &d), 0);
    j = sw_budget_to_json(&b);
    CHECK(json_integer_value(json_object_get(j, "mem_budget")) > 0);
    CHECK(json_is_array(json_object_get(j, "notes")));
    json_decref(j);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"auto_fits", auto_fits}, {"auto_scales_with_notice", auto_scales_with_notice},
        {"explicit_refused_with_numbers", explicit_refused_with_numbers}, {"memory_option", memory_option},
        {"cgroup_limit_wins", cgroup_limit_wins}, {"process_limits", process_limits},
        {"mixed_phase_scales_only_auto", mixed_phase_scales_only_auto}, {"reads_cgroup_trees", reads_cgroup_trees},
        {"live_inputs", live_inputs}, {"margin_scales_with_the_limit", margin_scales_with_the_limit},
        {"small_cgroup_v1", small_cgroup_v1}, {"default_budget_gives_way", default_budget_gives_way},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
