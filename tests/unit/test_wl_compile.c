#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "stress/compile_gen.h"
#include "stress/digest.h"
#include "stress/registry.h"
#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

/* The generator and the compiler are deterministic; different seeds give different objects. */
static void generator_deterministic(void)
{
    uint64_t d[3];
    for (int i = 0; i < 3; i++) {
        struct sw_cc_buf o;
        CHECK(sw_cc_build_unit(i < 2 ? 42 : 43, &o, &d[i]) == 0);
        CHECK(o.len > 1000);
        CHECK(d[i] == sw_fnv1a64(SW_FNV_INIT, o.data, o.len));
        sw_cc_buf_free(&o);
    }
    CHECK(d[0] == d[1]);
    CHECK(d[0] != d[2]);
    struct sw_cc_buf a, b;
    CHECK(sw_cc_source(7, &a) == 0 && sw_cc_source(7, &b) == 0);
    CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len));
    CHECK(!strncmp((const char *)a.data, "let ", 4));
    sw_cc_buf_free(&a);
    sw_cc_buf_free(&b);
}

/* The compiler evaluates what it parses: a tiny known program gives known values. */
static void compiler_semantics(void)
{
    const char *src = "let a = 6 * 7;\nlet b = (a << 2) | 1;\nlet c = ~0 >> 28;\nlet d = a - b ^ c;\n";
    struct sw_cc_buf o;
    CHECK(sw_cc_compile(src, strlen(src), &o) == 0);
    /* symbol table at the end: len, name, value (little-endian) for a, b, c, d */
    const uint8_t *p = o.data + o.len - 4 * (4 + 1 + 4);
    uint32_t want[4] = {42, 169, 15, (42u - 169u) ^ 15u};
    for (int i = 0; i < 4; i++, p += 9) {
        CHECK(p[0] == 1 && p[4] == (uint8_t)('a' + i));
        uint32_t v = (uint32_t)p[5] | (uint32_t)p[6] << 8 | (uint32_t)p[7] << 16 | (uint32_t)p[8] << 24;
        CHECK_MSG(v == want[i], "%c = %u, want %u", 'a' + i, v, want[i]);
    }
    sw_cc_buf_free(&o);
    CHECK(sw_cc_compile("let = 3;", 8, &o) == -EINVAL);
    CHECK(sw_cc_compile("let a = (1 + ;", 14, &o) == -EINVAL);
    CHECK(sw_cc_compile("let a = 1 $ 2;", 14, &o) == -EINVAL);
}

/* Small builds keep the in-process reference build short, even under ASan. */
static const char *const small[] = {"units=4", NULL};

static void clean_run(void)
{
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compile", small, 1500, 0, 0, &r) == 0);
    CHECK_INT(r.rc, SW_WL_OK);
    CHECK_MSG(r.errors == 0, "%llu errors; first: %s", (unsigned long long)r.errors,
              r.n_events ? r.events[0].text : "");
    CHECK(r.ops >= 4);      /* at least one whole build ... */
    CHECK(r.bytes > 0);     /* ... linked and read back     */
    CHECK(sw_wlh_no_children());
}

static void injected_segv(void)
{
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compile", small, 1200, 0, SW_INJ_SEGV, &r) == 0);
    CHECK_INT(r.errors, 1);
    CHECK_INT(sw_wlh_count(&r, SW_EV_WORKER_SIGNAL), 1);
    int noted = 0;
    for (int i = 0; i < r.n_events; i++) {
        const struct sw_event *e = &r.events[i];
        if (e->type == SW_EV_WORKER_SIGNAL) {
            CHECK_INT(e->u.fault.signo, 11);
            CHECK_STR(e->what, "compile-job");
            CHECK_INT(e->worker, 0);
            CHECK(e->pid > 0);
        }
        noted += e->type == SW_EV_NOTE && strstr(e->text, "rebuilt correctly") != NULL;
    }
    CHECK_INT(noted, 1);   /* the retry after the crash succeeded: transient */
    CHECK(r.ops > 0);
    CHECK(sw_wlh_no_children());
}

static void injected_wrong_object(void)
{
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compile", small, 1200, 0, SW_INJ_WRONG, &r) == 0);
    CHECK_INT(r.errors, 1);
    CHECK_INT(sw_wlh_count(&r, SW_EV_VERIFY_ERROR), 1);
    for (int i = 0; i < r.n_events; i++) {
        const struct sw_event *e = &r.events[i];
        if (e->type != SW_EV_VERIFY_ERROR)
            continue;
        CHECK_STR(e->what, "compile-object");
        CHECK_INT(e->worker, 0);
        CHECK(e->u.verify.want != e->u.verify.got);
        CHECK_MSG(strstr(e->text, "transient") != NULL, "%s", e->text);
    }
    CHECK(sw_wlh_no_children());
}

/* Injected faults go into the very first children (unit 0 with one job at a time): a busy machine
 * may start no more than that before a short run's deadline, and the fault must still be there. */
static void faults_in_first_child(void)
{
    static const char *const one_job[] = {"units=4", "jobs=1", NULL};
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compile", one_job, 1500, 0, SW_INJ_WRONG, &r) == 0);
    CHECK_INT(sw_wlh_count(&r, SW_EV_VERIFY_ERROR), 1);
    for (int i = 0; i < r.n_events; i++)
        if (r.events[i].type == SW_EV_VERIFY_ERROR)
            CHECK_MSG(strstr(r.events[i].text, "(unit 0;") != NULL, "%s", r.events[i].text);
    CHECK(sw_wlh_run("compile", one_job, 1500, 0, SW_INJ_SEGV, &r) == 0);
    CHECK_INT(sw_wlh_count(&r, SW_EV_WORKER_SIGNAL), 1);
    int first = 0;
    for (int i = 0; i < r.n_events; i++)
        first += r.events[i].type == SW_EV_NOTE && strstr(r.events[i].text, "unit 0 rebuilt") != NULL;
    CHECK_MSG(first == 1, "the crash was not in unit 0's first build");
    CHECK(sw_wlh_no_children());
}

static void real_cc_mode(void)
{
    static const char *const params[] = {"real_cc=true", "units=2", "jobs=2", NULL};
    struct sw_wlh_result r;
    CHECK(sw_wlh_run("compile", params, 1500, 0, 0, &r) == 0);
    CHECK_INT(r.rc, SW_WL_OK);
    CHECK_INT(r.errors, 0);
    /* with cc: repeats were compared; without: a note and the built-in compiler ran */
    CHECK(r.ops > 0);
    CHECK(sw_wlh_no_children());
}

static void budget_hooks(void)
{
    const struct sw_workload *wl = sw_workload_find("compile", NULL);
    struct sw_params p;
    struct sw_diag d;
    CHECK(wl && sw_params_defaults(&p, wl->params, &d) == 0);
    CHECK(sw_params_set(&p, wl->params, "compile", "jobs", "6", &d) == 0);
    CHECK_INT(wl->procs_per_worker(&p), 7);
    CHECK(wl->mem_per_worker(&p) >= 6u * (16u << 20));
    CHECK(sw_params_set(&p, wl->params, "compile", "units", "0", &d) < 0);
    CHECK(sw_params_set(&p, wl->params, "compile", "real_cc", "maybe", &d) < 0);
}

int main(int argc, char **argv)
{
    if (!getenv("STRESSWSL_BIN"))
        SW_SKIP("STRESSWSL_BIN is not set (run through ctest)");
    static const struct sw_test_case cases[] = {
        {"generator_deterministic", generator_deterministic}, {"compiler_semantics", compiler_semantics},
        {"clean_run", clean_run}, {"injected_segv", injected_segv}, {"injected_wrong_object", injected_wrong_object},
        {"faults_in_first_child", faults_in_first_child},
        {"real_cc_mode", real_cc_mode}, {"budget_hooks", budget_hooks}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
