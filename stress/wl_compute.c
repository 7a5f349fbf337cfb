/* compute: pinned compute verification with known answers. Every iteration runs one kernel (integer
 * multiply/divide chains, CRC32C, an exact FP matrix product, a rounding-heavy FP series, a SIMD
 * kernel at the best level the CPU has, an LZ77 round trip) and compares its digest with a constant
 * embedded in the program: a degraded core computes wrong answers, so the reference must not be
 * computed on it. Pin policy "cycle" walks every CPU in turn, and mode=bursty alternates short
 * full-speed bursts on one busy core with idle gaps: the light-load/boost voltage transitions Intel
 * names for Raptor Lake Vmin shift (raptor-lake.md 2.2, scenarios 4 and 5). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fmt.h"
#include "core/workload.h"
#include "stress/compute_kernels.h"

enum { COMPUTE_MODE, COMPUTE_BURST_MS, COMPUTE_IDLE_MS, COMPUTE_NPARAMS };
#define COMPUTE_MODES(X) X(MODE_STEADY, "steady") X(MODE_BURSTY, "bursty")
enum compute_mode { COMPUTE_MODES(SW_CHOICE_ENUM) };

SW_PARAM_TABLE(compute_params, COMPUTE_NPARAMS) = {
    [COMPUTE_MODE] = {.name = "mode", .type = SW_P_CHOICE, .def = "steady", SW_CHOICES(COMPUTE_MODES),
        .help = "steady: verify flat out; bursty: burst_ms of full-speed work, then idle_ms idle, repeated (one busy "
                "core boosts high, then drops: the Vmin-shift load pattern)"},
    [COMPUTE_BURST_MS] = {.name = "burst_ms", .type = SW_P_INT, .def = "200", .min = 1, .max = 60000,
        .help = "bursty mode: length of each full-speed burst, ms"},
    [COMPUTE_IDLE_MS] = {.name = "idle_ms", .type = SW_P_INT, .def = "200", .min = 0, .max = 60000,
        .help = "bursty mode: idle time between bursts, ms"},
};

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int pin_to(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

/* A wrong answer: re-run the kernel at once on the same CPU so the report says whether the fault
 * repeats (persistent: a broken unit) or not (transient: marginal voltage/timing). */
static void report_wrong(struct sw_ctx *c, struct sw_ck_state *st, const struct sw_ck_kernel *k, const char *unit,
                         uint64_t got, int pinned)
{
    uint64_t again = k->fn(st);
    char detail[96];
    struct sw_fmt f;
    sw_fmt_init(&f, detail, sizeof detail);
    if (pinned >= 0) {
        sw_fmt_str(&f, "pinned to cpu ");
        sw_fmt_i64(&f, pinned);
        sw_fmt_str(&f, "; ");
    }
    sw_fmt_str(&f, again == k->expect ? "retry correct: transient" : "retry also wrong: persistent");
    sw_report_verify_error(c, unit, k->expect, got, detail);
}

static int compute_run(struct sw_ctx *c)
{
    struct sw_ck_state *st = malloc(sizeof *st);
    if (!st) {
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "compute: no memory for the kernel state");
        return SW_WL_NORESOURCE;
    }
    sw_ck_init(st);
    const struct sw_ck_kernel *tab = sw_ck_kernels();
    const char *vec_unit = sw_ck_simd_name(sw_ck_simd_best());
    int bursty = sw_param_int(&c->params, COMPUTE_MODE) == MODE_BURSTY;
    uint64_t burst_ns = (uint64_t)sw_param_int(&c->params, COMPUTE_BURST_MS) * 1000000u;
    uint64_t idle_ms = (uint64_t)sw_param_int(&c->params, COMPUTE_IDLE_MS);

    /* The cycle pins this process; put the original mask back afterwards (matters when the
     * workload runs in-process, as in the tests). */
    cpu_set_t saved;
    int cycling = c->cycle_cpus && c->n_cycle_cpus > 0;
    if (cycling && sched_getaffinity(0, sizeof saved, &saved) < 0)
        cycling = 0;
    uint64_t cycle_ns = (uint64_t)(c->cycle_ms ? c->cycle_ms : 1000) * 1000000u;
    int cyc = -1, pinned = cycling ? -1 : c->cpu_planned;
    uint64_t cpu_until = 0;
    uint64_t burst_until = sw_now_mono_ns() + burst_ns;
    int inject = (c->inject & SW_INJ_WRONG) != 0;

    for (int ki = 0; sw_keep_going(c);) {
        uint64_t now = sw_now_mono_ns();
        if (cycling && now >= cpu_until) {
            /* Next CPU; skip ones we may not run on (offline, outside the cgroup's cpuset). */
            for (int tries = 0; tries < c->n_cycle_cpus; tries++) {
                cyc = (cyc + 1) % c->n_cycle_cpus;
                if (pin_to(c->cycle_cpus[cyc]) == 0) {
                    pinned = c->cycle_cpus[cyc];
                    break;
                }
            }
            cpu_until = now + cycle_ns;
            burst_until = now + burst_ns;   /* each CPU starts with a burst from idle */
        }
        if (bursty && now >= burst_until) {
            /* Idle in slices so a stop request is seen within ~10 ms. */
            uint64_t left = idle_ms;
            while (left && sw_keep_going(c)) {
                uint64_t step = left < 10 ? left : 10;
                sleep_ms(step);
                left -= step;
            }
            burst_until = sw_now_mono_ns() + burst_ns;
            continue;
        }
        const struct sw_ck_kernel *k = &tab[ki];
        uint64_t got = k->fn(st);
        const char *unit = k->is_vector ? vec_unit : k->unit;
        if (inject && !strcmp(k->unit, "fp-matrix")) {
            got ^= 1ull << 17;   /* one wrong bit, after the kernel, before the check */
            inject = 0;
        }
        if (got != k->expect)
            report_wrong(c, st, k, unit, got, pinned);
        else
            sw_progress(c, 1, 0);
        if (!tab[++ki].unit)
            ki = 0;
    }
    if (cycling)
        sched_setaffinity(0, sizeof saved, &saved);
    free(st);
    return SW_WL_OK;
}

static uint64_t compute_mem(const struct sw_params *p)
{
    (void)p;
    return sizeof(struct sw_ck_state) + (1u << 20);
}

const struct sw_workload sw_wl_compute = {
    .name = "compute",
    .summary = "pinned integer/FP/SIMD/LZ kernels checked against known answers (light-load and boost bursts)",
    .unit = "kernels",
    .flags = 0,
    .injects = SW_INJ_WRONG,
    .params = compute_params,
    .mem_per_worker = compute_mem,
    .procs_per_worker = NULL,
    .run = compute_run,
    .child_main = NULL,
};
