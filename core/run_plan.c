/* A run's plan from a const job (see core/run_plan.h): the job is copied, then resolved in the copy:
 * trials and phase durations, "auto" counts from the pin policy's CPUs, the budget, the placement. */
#include "core/run_plan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/placement.h"

uint64_t sw_splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static bool cpu_is_vm(void)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    if (!f)
        return false;
    char line[4096];
    bool vm = false;
    while (!vm && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
            vm = true;
    fclose(f);
    return vm;
}

static int place_all(struct sw_run_plan *rp, hwloc_topology_t topo, struct sw_diag *d)
{
    int idx = 0;
    for (int p = 0; p < rp->job.nphases; p++) {
        struct sw_job_phase *ph = &rp->job.phases[p];
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            int rc = sw_placement_plan(topo, w->pin, w->workers, &rp->place[p][i], d);
            if (rc < 0)
                return rc;
            if (rp->place[p][i].nworkers != w->workers) {
                sw_plan_free(&rp->place[p][i]);
                return sw_fail(d, -EINVAL, "phase '%s': placement gave %d workers for %s instead of %d",
                               ph->name, rp->place[p][i].nworkers, w->wl->name, w->workers);
            }
            rp->first_worker[p][i] = idx;
            idx += w->workers;
        }
    }
    rp->nworkers = idx;
    return 0;
}

/* "auto" counts follow the pin policy's eligible CPUs (P-cores only, one per node, ...). */
static int auto_counts(struct sw_run_plan *rp, hwloc_topology_t topo, struct sw_diag *d)
{
    for (int p = 0; p < rp->job.nphases; p++) {
        struct sw_job_phase *ph = &rp->job.phases[p];
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            if (w->count_kind != SW_COUNT_AUTO)
                continue;
            struct sw_plan pl;
            int rc = sw_placement_plan(topo, w->pin, 0, &pl, d);
            if (rc < 0)
                return rc;
            w->workers = pl.nworkers;
            sw_plan_free(&pl);
        }
    }
    return 0;
}

static json_t *plan_to_json(const struct sw_run_plan *rp, const struct sw_plan *any)
{
    json_t *plan = json_object();
    const char *pin = NULL;
    bool mixed = false;
    for (int p = 0; p < rp->job.nphases; p++)
        for (int i = 0; i < rp->job.phases[p].n; i++) {
            const char *n = sw_pin_name(rp->job.phases[p].wl[i].pin);
            if (pin && strcmp(pin, n))
                mixed = true;
            pin = n;
        }
    json_object_set_new(plan, "pin", json_string(mixed ? "mixed" : pin ? pin : "none"));
    json_object_set_new(plan, "is_vm", json_boolean(rp->is_vm));
    json_object_set_new(plan, "vm_note",
                        rp->is_vm ? json_string("this CPU reports the hypervisor flag: pinning binds virtual CPUs, "
                                               "which the host may move between physical cores (WSL2 always "
                                               "does), so a per-CPU result names a vCPU, not a core")
                                 : json_null());
    json_t *topo = json_object();
    json_object_set_new(topo, "pus", json_integer(any ? any->n_pus : 0));
    json_object_set_new(topo, "cores", json_integer(any ? any->n_cores : 0));
    json_object_set_new(topo, "numa_nodes", json_integer(any ? any->n_nodes : 0));
    json_object_set_new(topo, "cpu_kinds", json_integer(any ? any->n_kinds : 0));
    json_object_set_new(topo, "source", json_string(rp->topo_source));
    json_object_set_new(plan, "topology", topo);
    json_object_set_new(plan, "budget", sw_budget_to_json(&rp->budget));
    json_object_set_new(plan, "trials", json_integer(rp->job.trials ? rp->job.trials : 1));
    json_t *phases = json_array();
    for (int p = 0; p < rp->job.nphases; p++) {
        const struct sw_job_phase *ph = &rp->job.phases[p];
        json_t *po = json_object();
        json_object_set_new(po, "name", json_string(ph->name));
        json_object_set_new(po, "duration_s", json_real((double)ph->duration_ms / 1000.0));
        json_t *duty = json_object();
        json_object_set_new(duty, "on_ms", json_integer(ph->duty_on_ms));
        json_object_set_new(duty, "off_ms", json_integer(ph->duty_off_ms));
        json_object_set_new(po, "duty", duty);
        json_t *wls = json_array();
        for (int i = 0; i < ph->n; i++) {
            const struct sw_job_workload *w = &ph->wl[i];
            const struct sw_worker_budget *wb = &rp->budget.wb[p][i];
            const struct sw_plan *pl = &rp->place[p][i];
            json_t *wo = json_object();
            json_object_set_new(wo, "name", json_string(w->wl->name));
            json_object_set_new(wo, "workers", json_integer(w->workers));
            json_object_set_new(wo, "pin", json_string(sw_pin_name(w->pin)));
            json_object_set_new(wo, "mem_per_worker", json_integer((json_int_t)wb->mem));
            json_object_set_new(wo, "procs_per_worker", json_integer(wb->procs));
            json_object_set_new(wo, "threads_per_worker", json_integer(wb->threads));
            json_t *params = json_object();
            for (int k = 0; k < w->params.n; k++)
                if (w->params.v[k].def)
                    json_object_set_new(params, w->params.v[k].def->name, json_string(w->params.v[k].s));
            json_object_set_new(wo, "params", params);
            json_object_set_new(wo, "placement_note", pl->note[0] ? json_string(pl->note) : json_null());
            json_t *pa = json_array();
            for (int k = 0; k < pl->nworkers; k++) {
                const struct sw_place *pc = &pl->place[k];
                char cpus[512];
                json_t *e = json_object();
                json_object_set_new(e, "worker", json_integer(rp->first_worker[p][i] + k));
                json_object_set_new(e, "cpus", json_string(sw_cpuset_count(&pc->cpus)
                                                               ? sw_cpuset_format(&pc->cpus, cpus, sizeof cpus)
                                                               : ""));
                json_object_set_new(e, "cpu_node", json_integer(pc->cpu_node));
                json_object_set_new(e, "mem_node", json_integer(pc->mem_node));
                json_object_set_new(e, "kind", json_string(pc->kind));
                json_object_set_new(e, "cycle", json_boolean(pc->cycle));
                json_array_append_new(pa, e);
            }
            json_object_set_new(wo, "placement", pa);
            json_array_append_new(wls, wo);
        }
        json_object_set_new(po, "workloads", wls);
        json_array_append_new(phases, po);
    }
    json_object_set_new(plan, "phases", phases);
    return plan;
}

void sw_run_plan_summary(const struct sw_run_plan *rp, char *buf, size_t cap)
{
    size_t n = 0;
    for (int p = 0; p < rp->job.nphases && n < cap; p++) {
        const struct sw_job_phase *ph = &rp->job.phases[p];
        n += (size_t)snprintf(buf + n, cap - n, "%s%s %llus:", p ? "; " : "", ph->name,
                              (unsigned long long)(ph->duration_ms / 1000));
        for (int i = 0; i < ph->n && n < cap; i++)
            n += (size_t)snprintf(buf + n, cap - n, " %s x%d %s", ph->wl[i].wl->name, ph->wl[i].workers,
                                  sw_pin_name(ph->wl[i].pin));
    }
    if (rp->job.trials > 1 && n < cap)
        snprintf(buf + n, cap - n, "; %u trials", rp->job.trials);
}

static int resolve(struct sw_run_plan *rp, const char *topology_xml, bool dry_run, struct sw_diag *d)
{
    struct sw_job *job = &rp->job;
    if (job->nphases <= 0 || job->nphases > SW_JOB_MAX_PHASES)
        return sw_fail(d, -EINVAL, "the job has %d phases: a profile needs 1 to %d", job->nphases,
                       SW_JOB_MAX_PHASES);
    if (job->trials == 0)
        job->trials = 1;
    for (int p = 0; p < job->nphases; p++) {
        struct sw_job_phase *ph = &job->phases[p];
        if (ph->duration_ms == 0 && job->nphases == 1)
            ph->duration_ms = job->duration_ms / job->trials;
        if (ph->duration_ms == 0)
            return sw_fail(d, -EINVAL, "phase '%s' has no duration: give the run a --duration", ph->name);
        rp->planned_ms += ph->duration_ms * job->trials;
        rp->names.phase[p] = ph->name;
        for (int i = 0; i < ph->n && i < SW_PHASE_MAX_WORKLOADS; i++)
            if (ph->wl[i].wl)
                sw_ev_names_add_wl(&rp->names, ph->wl[i].workload_id, ph->wl[i].wl->name);
    }
    rp->names.nphases = job->nphases;

    if (topology_xml && !dry_run)
        return sw_fail(d, -EINVAL, "--topology plans for another machine and only works with --dry-run");
    struct sw_budget_inputs in;
    int rc = sw_budget_read(&in, NULL, d);
    if (rc < 0)
        return rc;
    hwloc_topology_t topo;
    rc = sw_topology_load(&topo, topology_xml, d);
    if (rc < 0)
        return rc;
    snprintf(rp->topo_source, sizeof rp->topo_source, "%s", topology_xml ? topology_xml : "live");
    if (topology_xml) {
        rp->is_vm = false;   /* the hypervisor flag is this machine's, not the file's */
        /* Plan as if on that machine: its CPU count drives "auto" and the budget's thread shares. */
        int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
        if (n > 0)
            in.online_cpus = n;
    }
    rc = auto_counts(rp, topo, d);
    if (rc == 0)
        rc = sw_budget_resolve(&in, job, &rp->budget, d);
    if (rc == 0)
        rc = place_all(rp, topo, d);
    hwloc_topology_destroy(topo);
    if (rc < 0)
        return rc;
    rp->names.is_vm = rp->is_vm;
    const struct sw_plan *any = job->nphases > 0 ? &rp->place[0][0] : NULL;
    rp->json = plan_to_json(rp, any);
    return 0;
}

/* Every run has a seed, recorded so it can be repeated. */
static uint64_t pick_seed(uint64_t entropy_fallback)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed || !seed)
        seed = sw_splitmix64(entropy_fallback ^ (uint64_t)getpid());
    seed &= 0x7fffffffffffffffull;   /* JSON integers are signed */
    return seed ? seed : 1;
}

int sw_run_plan_build(struct sw_run_plan *p, const struct sw_job *job, const char *topology_xml, bool dry_run,
                      uint64_t entropy_fallback, struct sw_diag *d)
{
    memset(p, 0, sizeof *p);
    p->job = *job;
    if (!p->job.seed)
        p->job.seed = pick_seed(entropy_fallback);
    p->is_vm = cpu_is_vm();
    return resolve(p, topology_xml, dry_run, d);
}

void sw_run_plan_free(struct sw_run_plan *p)
{
    for (int ph = 0; ph < SW_JOB_MAX_PHASES; ph++)
        for (int i = 0; i < SW_PHASE_MAX_WORKLOADS; i++)
            sw_plan_free(&p->place[ph][i]);
    json_decref(p->json);
    p->json = NULL;
}
