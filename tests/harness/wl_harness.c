#include "tests/harness/wl_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>

#include "stress/registry.h"
#include "tests/harness/check.h"

static atomic_uint no_stop;

int sw_wlh_run(const char *workload, const char *const *params, unsigned ms, uint64_t mem_budget, unsigned inject,
               struct sw_wlh_result *r)
{
    memset(r, 0, sizeof *r);
    int id;
    const struct sw_workload *wl = sw_workload_find(workload, &id);
    if (!wl) {
        snprintf(r->diag, sizeof r->diag, "no workload '%s'", workload);
        return -1;
    }
    struct sw_arena a;
    if (sw_arena_create(&a, 1, 1024) != 0) {
        snprintf(r->diag, sizeof r->diag, "arena");
        return -1;
    }
    struct sw_ctx *c = calloc(1, sizeof *c);
    struct sw_diag d;
    c->wl = wl;
    c->workload_id = id;
    c->cpu_planned = -1;
    c->node_planned = -1;
    if (sw_params_defaults(&c->params, wl->params, &d) < 0)
        goto bad;
    for (const char *const *p = params; p && *p; p++) {
        char key[64];
        const char *eq = strchr(*p, '=');
        if (!eq || (size_t)(eq - *p) >= sizeof key) {
            snprintf(d.msg, sizeof d.msg, "bad param '%s'", *p);
            goto bad;
        }
        memcpy(key, *p, (size_t)(eq - *p));
        key[eq - *p] = '\0';
        if (sw_params_set(&c->params, wl->params, wl->name, key, eq + 1, &d) < 0)
            goto bad;
    }
    c->seed = 12345;
    c->mem_budget = mem_budget ? mem_budget : (64u << 20);
    c->proc_budget = 8;
    c->threads = 2;
    c->inject = inject;
    snprintf(c->tmpdir, sizeof c->tmpdir, "%s/sw-wlh-XXXXXX", sw_test_tmproot());
    if (!mkdtemp(c->tmpdir)) {
        snprintf(d.msg, sizeof d.msg, "mkdtemp");
        goto bad;
    }
    ssize_t n = readlink("/proc/self/exe", c->self_exe, sizeof c->self_exe - 1);
    c->self_exe[n > 0 ? n : 0] = '\0';
    /* A test binary is not stresswsl: helpers that re-exec need the real program. */
    const char *exe = getenv("STRESSWSL_BIN");
    if (exe)
        snprintf(c->self_exe, sizeof c->self_exe, "%s", exe);
    c->deadline_ns = sw_now_mono_ns() + (uint64_t)ms * 1000000u;
    c->slot = &a.slots[0];
    c->ring = sw_arena_ring(&a, 0);
    c->stop = &no_stop;
    r->rc = wl->run(c);
    r->ops = c->ops;
    r->bytes = c->bytes;
    r->errors = c->errors;
    r->n_events = (int)sw_ring_drain(c->ring, r->events, SW_WLH_MAX_EVENTS);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", c->tmpdir);
    free(c);
    sw_arena_destroy(&a);
    return 0;
bad:
    snprintf(r->diag, sizeof r->diag, "%s", d.msg);
    free(c);
    sw_arena_destroy(&a);
    return -1;
}

int sw_wlh_count(const struct sw_wlh_result *r, enum sw_ev_type type)
{
    int n = 0;
    for (int i = 0; i < r->n_events; i++)
        n += r->events[i].type == type;
    return n;
}

bool sw_wlh_no_children(void)
{
    errno = 0;
    return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

const struct sw_event *sw_wlh_last(const struct sw_wlh_result *r, enum sw_ev_type type)
{
    const struct sw_event *e = NULL;
    for (int i = 0; i < r->n_events; i++)
        if (r->events[i].type == type)
            e = &r->events[i];
    return e;
}

const struct sw_event *sw_wlh_find_text(const struct sw_wlh_result *r, const char *prefix)
{
    for (int i = 0; i < r->n_events; i++)
        if (strncmp(r->events[i].text, prefix, strlen(prefix)) == 0)
            return &r->events[i];
    return NULL;
}

void sw_wlh_print_errors(const struct sw_wlh_result *r)
{
    for (int i = 0; i < r->n_events; i++)
        if (r->events[i].sev >= SW_SEV_ERROR)
            printf("  error event: %s\n", r->events[i].text);
}

const struct sw_event *sw_wlh_the_injected(const struct sw_wlh_result *r, enum sw_ev_type type)
{
    CHECK_INT(r->rc, SW_WL_OK);
    CHECK_MSG(r->errors == 1, "%llu errors, want exactly the injected one", (unsigned long long)r->errors);
    sw_wlh_print_errors(r);
    const struct sw_event *e = sw_wlh_last(r, type);
    CHECK(e != NULL);
    return e;
}
