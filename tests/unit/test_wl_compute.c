#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "core/params.h"
#include "stress/compute_kernels.h"
#include "stress/digest.h"
#include "stress/lz.h"
#include "stress/registry.h"
#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

static struct sw_ck_state *state(void)
{
    static struct sw_ck_state s;
    sw_ck_init(&s);
    return &s;
}

/* Every kernel reproduces its embedded answer on this (healthy) machine. */
static void known_answers(void)
{
    struct sw_ck_state *s = state();
    int n = 0;
    for (const struct sw_ck_kernel *k = sw_ck_kernels(); k->unit; k++, n++) {
        uint64_t got = k->fn(s);
        CHECK_MSG(got == k->expect, "%s: got %#llx want %#llx", k->unit, (unsigned long long)got,
                  (unsigned long long)k->expect);
        CHECK(k->fn(s) == got);   /* no hidden state between calls */
    }
    CHECK(n >= 7);
}

/* The vector kernel has one answer for every SIMD level this CPU can run. */
static void vector_levels(void)
{
    struct sw_ck_state *s = state();
    CHECK(sw_ck_vector(s, SW_CK_SCALAR) == sw_ck_vector_expect());
#if defined(__x86_64__)
    CHECK(sw_ck_vector(s, SW_CK_SSE2) == sw_ck_vector_expect());
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        CHECK(sw_ck_vector(s, SW_CK_AVX2) == sw_ck_vector_expect());
    if (__builtin_cpu_supports("avx512f"))
        CHECK(sw_ck_vector(s, SW_CK_AVX512) == sw_ck_vector_expect());
    CHECK(sw_ck_simd_best() != SW_CK_SCALAR);
#endif
    CHECK(!strncmp(sw_ck_simd_name(sw_ck_simd_best()), "vec-", 4));
}

/* Independent reference: the same recurrence in Python (IEEE doubles, correctly rounded sqrt):
 *   s=0.0;x=1.0;y=0.5
 *   for i in range(1,4097): di=float(i); s=s+1.0/(di*di); x=math.sqrt(x+s)*0.75+y/di; y=y*0.9375+x/(s+1.0) */
static void fp_series_matches_python(void)
{
    double v[3];
    uint64_t b[3];
    sw_ck_series(v);
    memcpy(b, v, sizeof b);
    CHECK(b[0] == 0x3ffa50a66a52dd54ull);
    CHECK(b[1] == 0x3ff492a2cacc82bdull);
    CHECK(b[2] == 0x401f1da848787891ull);
}

/* The FP matrix product is exact: compare with integer arithmetic on the entries scaled by 4. */
static void fp_matrix_is_exact(void)
{
    struct sw_ck_state *s = state();
    const struct sw_ck_kernel *k = sw_ck_kernels();
    while (strcmp(k->unit, "fp-matrix"))
        k++;
    k->fn(s);
    const int n = SW_CK_MAT_N;
    int bad = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            long sum = 0;
            for (int q = 0; q < n; q++)
                sum += (long)((i * 7 + q * 3) % 17 - 8) * (long)((q * 5 + j * 11 + 3) % 17 - 8);
            bad += s->mat_c[i * n + j] * 16.0 != (double)sum;
        }
    CHECK_INT(bad, 0);
}

static void crc32c_check_value(void)
{
    struct sw_ck_state *s = state();
    CHECK(sw_ck_crc32c(s, 0, (const uint8_t *)"123456789", 9) == 0xe3069283u);   /* the standard check */
}

static int lz_roundtrip_ok(const uint8_t *in, size_t n, size_t *csize)
{
    static struct sw_lz_work w;
    size_t cap = sw_lz_bound(n);
    uint8_t *comp = malloc(cap), *out = malloc(n + 1);
    size_t c = sw_lz_compress(&w, in, n, comp, cap);
    long d = c ? sw_lz_decompress(comp, c, out, n + 1) : -2;
    int ok = c > 0 && d == (long)n && (n == 0 || memcmp(in, out, n) == 0);
    if (csize)
        *csize = c;
    free(comp);
    free(out);
    return ok;
}

static void lz_round_trips(void)
{
    size_t n = 100000, c = 0;
    uint8_t *buf = malloc(n);
    sw_ck_text(buf, n, 7);
    CHECK(lz_roundtrip_ok(buf, n, &c));
    CHECK_MSG(c < n * 7 / 10, "text compressed to %zu of %zu", c, n);
    struct sw_rng r;
    sw_rng_seed(&r, 99);
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)sw_rng_next(&r);
    CHECK(lz_roundtrip_ok(buf, n, &c));   /* incompressible: stays within the bound */
    CHECK(c <= sw_lz_bound(n));
    memset(buf, 'z', n);                  /* long overlapping matches, extended lengths */
    CHECK(lz_roundtrip_ok(buf, n, &c));
    CHECK(c < 1000);
    for (size_t len = 0; len < 40; len++)  /* tiny inputs around the minimum match and tail */
        CHECK_MSG(lz_roundtrip_ok((const uint8_t *)"abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", len, NULL),
                  "len %zu", len);
    free(buf);
}

static void lz_rejects_malformed(void)
{
    static struct sw_lz_work w;
    uint8_t in[4096], comp[5000], out[4096];
    sw_ck_text(in, sizeof in, 3);
    size_t c = sw_lz_compress(&w, in, sizeof in, comp, sizeof comp);
    CHECK(c > 0);
    CHECK(sw_lz_decompress(comp, c, out, sizeof out - 1) == -1);   /* output would overflow */
    int rejected = 0;
    for (size_t cut = 1; cut < c; cut += 7)   /* truncations never read or write out of bounds */
        rejected += sw_lz_decompress(comp, cut, out, sizeof out) != (long)sizeof in;
    CHECK(rejected > 0);
    uint8_t bad_off[] = {0x10, 'a', 0x05, 0x00};   /* 1 literal, then a match 5 bytes back */
    CHECK(sw_lz_decompress(bad_off, sizeof bad_off, out, sizeof out) == -1);
    CHECK(sw_lz_compress(&w, in, sizeof in, comp, 10) == 0);   /* too small an output buffer */
}

static void clean_run(void)
{
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compute", NULL, 400, 0, 0, &r) == 0);
    CHECK_INT(r.rc, SW_WL_OK);
    CHECK_INT(r.errors, 0);
    CHECK(r.ops > 7);
    CHECK_INT(sw_wlh_count(&r, SW_EV_VERIFY_ERROR), 0);
}

static void bursty_run(void)
{
    static const char *const params[] = {"mode=bursty", "burst_ms=20", "idle_ms=30", NULL};
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compute", params, 300, 0, 0, &r) == 0);
    CHECK_INT(r.errors, 0);
    CHECK(r.ops > 0);
}

static void injected_wrong_answer(void)
{
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compute", NULL, 300, 0, SW_INJ_WRONG, &r) == 0);
    CHECK_INT(r.errors, 1);
    CHECK_INT(sw_wlh_count(&r, SW_EV_VERIFY_ERROR), 1);
    for (int i = 0; i < r.n_events; i++) {
        const struct sw_event *e = &r.events[i];
        if (e->type != SW_EV_VERIFY_ERROR)
            continue;
        CHECK_STR(e->what, "fp-matrix");
        CHECK_INT(e->worker, 0);
        CHECK_INT(e->sev, SW_SEV_ERROR);
        CHECK(e->cpu >= 0);
        CHECK(e->u.verify.want != e->u.verify.got);
        CHECK(__builtin_popcountll(e->u.verify.want ^ e->u.verify.got) == 1);
        CHECK_MSG(strstr(e->text, "transient") != NULL, "%s", e->text);
    }
}

/* Pin policy "cycle": the worker visits the CPUs in turn, reports the CPU it was pinned to, and
 * gives the process its original affinity back. */
static void cycle_policy(void)
{
    cpu_set_t before;
    CHECK(sched_getaffinity(0, sizeof before, &before) == 0);
    int cpus[CPU_SETSIZE], n = 0;
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &before))
            cpus[n++] = i;
    struct sw_arena a;
    CHECK(sw_arena_create(&a, 1, 64) == 0);
    static atomic_uint stop;
    int id;
    struct sw_ctx *c = calloc(1, sizeof *c);
    struct sw_diag d;
    c->wl = sw_workload_find("compute", &id);
    c->workload_id = id;
    c->cpu_planned = -1;
    c->node_planned = -1;
    CHECK(sw_params_defaults(&c->params, c->wl->params, &d) == 0);
    c->cycle_cpus = cpus;
    c->n_cycle_cpus = n;
    c->cycle_ms = 40;
    c->inject = SW_INJ_WRONG;
    c->slot = &a.slots[0];
    c->ring = sw_arena_ring(&a, 0);
    c->stop = &stop;
    c->deadline_ns = sw_now_mono_ns() + 40000000ull * (uint64_t)(n + 1);
    CHECK_INT(c->wl->run(c), SW_WL_OK);
    CHECK(c->ops > 0);
    CHECK_INT(c->errors, 1);
    struct sw_event ev[8];
    size_t got = sw_ring_drain(c->ring, ev, 8);
    CHECK_INT(got, 1);
    if (got == 1) {
        char want[48];
        snprintf(want, sizeof want, "pinned to cpu %d;", ev[0].cpu);
        CHECK_MSG(strstr(ev[0].text, want) != NULL, "'%s' lacks '%s'", ev[0].text, want);
        CHECK(CPU_ISSET(ev[0].cpu, &before));
    }
    cpu_set_t after;
    CHECK(sched_getaffinity(0, sizeof after, &after) == 0);
    CHECK(CPU_EQUAL(&before, &after));
    free(c);
    sw_arena_destroy(&a);
}

static void params_validate(void)
{
    const struct sw_workload *wl = sw_workload_find("compute", NULL);
    struct sw_params p;
    struct sw_diag d;
    CHECK(wl && sw_params_defaults(&p, wl->params, &d) == 0);
    CHECK(sw_params_set(&p, wl->params, "compute", "mode", "wobbly", &d) < 0);
    CHECK(strstr(d.msg, "steady|bursty") != NULL);
    CHECK(sw_params_set(&p, wl->params, "compute", "burst_ms", "0", &d) < 0);
    CHECK(wl->mem_per_worker(&p) >= sizeof(struct sw_ck_state));
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"known_answers", known_answers}, {"vector_levels", vector_levels},
        {"fp_series_matches_python", fp_series_matches_python}, {"fp_matrix_is_exact", fp_matrix_is_exact},
        {"crc32c_check_value", crc32c_check_value}, {"lz_round_trips", lz_round_trips},
        {"lz_rejects_malformed", lz_rejects_malformed}, {"clean_run", clean_run}, {"bursty_run", bursty_run},
        {"injected_wrong_answer", injected_wrong_answer}, {"cycle_policy", cycle_policy},
        {"params_validate", params_validate}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
