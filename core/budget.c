#include "core/budget.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/units.h"

#if defined(__SANITIZE_ADDRESS__)
#define SW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SW_ASAN 1
#endif
#endif
#ifndef SW_ASAN
#define SW_ASAN 0
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Reading the inputs                                                                              */

static int read_text(const char *root, const char *path, char *buf, size_t cap)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", root, path);
    FILE *f = fopen(full, "re");
    if (!f)
        return -errno;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return (int)n;
}

/* "max" or a number; cgroup v1 reports "no limit" as a huge page-rounded number. */
static bool parse_limit(const char *s, uint64_t *out)
{
    while (*s == ' ')
        s++;
    if (!strncmp(s, "max", 3))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno)
        return false;
    if (v >= (1ull << 60))
        return false;
    *out = v;
    return true;
}

static bool read_limit(const char *root, const char *path, uint64_t *out)
{
    char buf[64];
    return read_text(root, path, buf, sizeof buf) > 0 && parse_limit(buf, out);
}

/* The effective limit is the smallest on the way from our cgroup up to the root. */
static bool walk_min(const char *root, const char *base, const char *cg, const char *file, uint64_t *out)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", cg);
    bool found = false;
    for (;;) {
        char path[1024];
        uint64_t v;
        snprintf(path, sizeof path, "%s%s/%s", base, strcmp(dir, "/") ? dir : "", file);
        if (read_limit(root, path, &v) && (!found || v < *out)) {
            *out = v;
            found = true;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            if (strcmp(dir, "/") == 0 || dir[0] == '\0')
                break;
            snprintf(dir, sizeof dir, "/");
            continue;
        }
        *slash = '\0';
    }
    return found;
}

static bool path_exists(const char *root, const char *path)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", root, path);
    return access(full, F_OK) == 0;
}

static void read_cgroups(struct sw_budget_inputs *in, const char *root)
{
    char buf[4096];
    if (read_text(root, "/proc/self/cgroup", buf, sizeof buf) <= 0)
        return;
    char v2[512] = "", v1mem[512] = "", v1pids[512] = "";
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *ctrls = c1 + 1, *path = c2 + 1;
        if (!strncmp(line, "0:", 2) && *ctrls == '\0') {
            snprintf(v2, sizeof v2, "%s", path);
            continue;
        }
        char list[256];
        snprintf(list, sizeof list, "%s", ctrls);
        for (char *s2 = NULL, *c = strtok_r(list, ",", &s2); c; c = strtok_r(NULL, ",", &s2)) {
            if (!strcmp(c, "memory"))
                snprintf(v1mem, sizeof v1mem, "%s", path);
            else if (!strcmp(c, "pids"))
                snprintf(v1pids, sizeof v1pids, "%s", path);
        }
    }
    char p[1024];
    uint64_t v;
    if (v2[0]) {
        snprintf(p, sizeof p, "/sys/fs/cgroup%s/memory.max", strcmp(v2, "/") ? v2 : "");
        bool has_mem = path_exists(root, p);
        snprintf(p, sizeof p, "/sys/fs/cgroup%s/pids.max", strcmp(v2, "/") ? v2 : "");
        bool has_pids = path_exists(root, p);
        if (has_mem || has_pids || path_exists(root, "/sys/fs/cgroup/cgroup.controllers"))
            in->cgroup_version = 2;
        if (walk_min(root, "/sys/fs/cgroup", v2, "memory.max", &v))
            in->cgroup_mem_max = v;
        snprintf(p, sizeof p, "/sys/fs/cgroup%s/memory.current", strcmp(v2, "/") ? v2 : "");
        if (in->cgroup_mem_max && read_limit(root, p, &v))
            in->cgroup_mem_current = v;
        if (walk_min(root, "/sys/fs/cgroup", v2, "pids.max", &v))
            in->pids_max = (int64_t)v;
        snprintf(p, sizeof p, "/sys/fs/cgroup%s/pids.current", strcmp(v2, "/") ? v2 : "");
        if (in->pids_max >= 0 && read_limit(root, p, &v))
            in->pids_current = v;
    }
    /* cgroup v1 (or a hybrid host where v2 holds no controllers) */
    if (!in->cgroup_mem_max && v1mem[0] &&
        walk_min(root, "/sys/fs/cgroup/memory", v1mem, "memory.limit_in_bytes", &v)) {
        in->cgroup_mem_max = v;
        in->cgroup_mem_v1 = true;
        in->cgroup_version = in->cgroup_version ? in->cgroup_version : 1;
        snprintf(p, sizeof p, "/sys/fs/cgroup/memory%s/memory.usage_in_bytes", strcmp(v1mem, "/") ? v1mem : "");
        if (read_limit(root, p, &v))
            in->cgroup_mem_current = v;
    }
    if (in->pids_max < 0 && v1pids[0] && walk_min(root, "/sys/fs/cgroup/pids", v1pids, "pids.max", &v)) {
        in->pids_max = (int64_t)v;
        in->cgroup_version = in->cgroup_version ? in->cgroup_version : 1;
        snprintf(p, sizeof p, "/sys/fs/cgroup/pids%s/pids.current", strcmp(v1pids, "/") ? v1pids : "");
        if (read_limit(root, p, &v))
            in->pids_current = v;
    }
    if (!in->cgroup_version && (v1mem[0] || v1pids[0]))
        in->cgroup_version = 1;
}

static uint64_t meminfo_kb(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    if (!p)
        return 0;
    p += strlen(key);
    while (*p == ' ' || *p == ':')
        p++;
    return strtoull(p, NULL, 10);
}

int sw_budget_read(struct sw_budget_inputs *in, const char *root, struct sw_diag *d)
{
    memset(in, 0, sizeof *in);
    in->pids_max = -1;
    if (!root)
        root = "";
    char buf[8192];
    if (read_text(root, "/proc/meminfo", buf, sizeof buf) <= 0)
        return sw_fail(d, -ENOENT, "cannot read %s/proc/meminfo: is /proc mounted?", root);
    in->mem_total = meminfo_kb(buf, "\nMemTotal") * 1024;
    if (!in->mem_total)
        in->mem_total = meminfo_kb(buf, "MemTotal") * 1024;
    in->mem_available = meminfo_kb(buf, "\nMemAvailable") * 1024;
    if (!in->mem_available)   /* kernels before 3.14: free + cached is the closest estimate */
        in->mem_available = (meminfo_kb(buf, "\nMemFree") + meminfo_kb(buf, "\nCached")) * 1024;
    read_cgroups(in, root);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        in->rlimit_nproc = rl.rlim_cur;
    in->nproc_enforced = geteuid() != 0;
    if (read_text(root, "/proc/loadavg", buf, sizeof buf) > 0) {
        const char *slash = strchr(buf, '/');
        if (slash)
            in->nproc_current = strtoull(slash + 1, NULL, 10);
    }
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        in->online_cpus = CPU_COUNT(&set);
    if (in->online_cpus <= 0)
        in->online_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (in->online_cpus <= 0)
        in->online_cpus = 1;
    return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* The pure resolution                                                                             */

static void note(struct sw_budget *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct sw_budget *b, const char *fmt, ...)
{
    if (b->nnotes >= SW_BUDGET_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->notes[b->nnotes++], sizeof b->notes[0], fmt, ap);
    va_end(ap);
}

static const char *sz(uint64_t v, char *buf)
{
    return sw_format_size(v, buf, 32);
}

static int requested_workers(const struct sw_job_workload *w, int cpus)
{
    switch (w->count_kind) {
    case SW_COUNT_EXACT:
        return w->count;
    case SW_COUNT_AUTO:   /* the caller may preset the pin policy's eligible CPU count */
        return w->workers > 0 ? w->workers : cpus;
    case SW_COUNT_SHARE: {
        int n = (int)(w->share * cpus + 0.5);
        return n < 1 ? 1 : n;
    }
    }
    return w->count;
}

static uint64_t mem_need(const struct sw_job_workload *w)
{
    uint64_t m = w->wl && w->wl->mem_per_worker ? w->wl->mem_per_worker(&w->params) : 0;
    return m ? m : SW_BUDGET_SMALL_MEM;
}

static unsigned threads_for(const struct sw_job_workload *w, int phase_workers, int cpus)
{
    if (!w->wl || !(w->wl->flags & SW_WL_THREADS) || phase_workers <= 0)
        return 1;
    int t = cpus / phase_workers;
    return t < 1 ? 1u : (unsigned)t;
}

/* Processes (tasks, as RLIMIT_NPROC and pids.max count them) one worker needs. */
static uint64_t proc_need(const struct sw_job_workload *w, unsigned threads)
{
    unsigned children = w->wl && w->wl->procs_per_worker ? w->wl->procs_per_worker(&w->params) : 0;
    return 1u + (threads > 1 ? threads - 1 : 0) + children;
}

struct phase_sums {
    int workers;
    uint64_t mem, procs;
};

static struct phase_sums sums(const struct sw_job_phase *ph, int cpus)
{
    struct phase_sums s = {0, 0, 0};
    for (int i = 0; i < ph->n; i++)
        s.workers += ph->wl[i].workers;
    for (int i = 0; i < ph->n; i++) {
        const struct sw_job_workload *w = &ph->wl[i];
        s.mem += (uint64_t)w->workers * mem_need(w);
        s.procs += (uint64_t)w->workers * proc_need(w, threads_for(w, s.workers, cpus));
    }
    return s;
}

static const char *count_word(enum sw_count_kind k)
{
    return k == SW_COUNT_AUTO ? "auto" : k == SW_COUNT_SHARE ? "a share of the CPUs" : "explicit";
}

const char *sw_budget_cgroup_mem_file(const struct sw_budget_inputs *in)
{
    return in->cgroup_mem_v1 ? "memory.limit_in_bytes" : "memory.max";
}

uint64_t sw_budget_margin(uint64_t limit)
{
    uint64_t share = limit / 100 * SW_BUDGET_MARGIN_PERCENT;
    uint64_t floor = limit / 8 < SW_BUDGET_MARGIN_FLOOR ? limit / 8 : SW_BUDGET_MARGIN_FLOOR;
    return share > floor ? share : floor;
}

/* What may be used, in words: "MemAvailable 8.0 GiB, cgroup memory.limit_in_bytes 1.0 GiB with
 * 100.0 MiB in use, minus a safety margin of 128.0 MiB". The dry run shows the same numbers. */
static void usable_words(const struct sw_budget *b, char *out, size_t cap)
{
    char a[32], m[32], c[32], u[32], cg[120] = "";
    if (b->in.cgroup_mem_max)
        snprintf(cg, sizeof cg, ", cgroup %s %s with %s in use", sw_budget_cgroup_mem_file(&b->in),
                 sz(b->in.cgroup_mem_max, c), sz(b->in.cgroup_mem_current, u));
    snprintf(out, cap, "MemAvailable %s%s, minus a safety margin of %s", sz(b->in.mem_available, m), cg,
             sz(b->mem_margin, a));
}

/* Where the memory budget came from, for refusals: "the default 50% of ..." */
static void mem_origin(const struct sw_budget *b, const struct sw_job *job, char *out, size_t cap)
{
    char a[32], words[200];
    usable_words(b, words, sizeof words);
    if (job->mem_limit)
        snprintf(out, cap, "--memory %s", sz(job->mem_limit, a));
    else
        snprintf(out, cap, "%s%u%% of %s: %s", job->mem_percent ? "--memory " : "the default ",
                 job->mem_percent ? job->mem_percent : SW_BUDGET_DEFAULT_MEM_PERCENT, sz(b->mem_usable, a), words);
}

static int refuse_mem(const struct sw_budget *b, const struct sw_job *job, const struct sw_job_phase *ph,
                      struct phase_sums s, struct sw_diag *d)
{
    char a[32], bb[32], c[32], what[200] = "", origin[300];
    size_t off = 0;
    for (int i = 0; i < ph->n && off < sizeof what; i++)
        off += (size_t)snprintf(what + off, sizeof what - off, "%s%s %d x %s", i ? ", " : "", ph->wl[i].wl->name,
                                ph->wl[i].workers, sz(mem_need(&ph->wl[i]), c));
    mem_origin(b, job, origin, sizeof origin);
    return sw_fail_input(d, -E2BIG,
                   "phase '%s' needs %s of memory (%s) but the memory budget is %s (%s): use fewer --workers, "
                   "smaller workload sizes or another --memory",
                   ph->name, sz(s.mem, a), what, sz(b->mem_budget, bb), origin);
}

static int refuse_procs(const struct sw_budget *b, const struct sw_job_phase *ph, struct phase_sums s,
                        struct sw_diag *d)
{
    char lim[160] = "";
    size_t off = 0;
    if (b->in.pids_max >= 0)
        off += (size_t)snprintf(lim + off, sizeof lim - off, "pids.max %" PRId64 " with %" PRIu64 " in use",
                                b->in.pids_max, b->in.pids_current);
    if (b->in.nproc_enforced && b->in.rlimit_nproc && off < sizeof lim)
        off += (size_t)snprintf(lim + off, sizeof lim - off, "%sRLIMIT_NPROC %" PRIu64 " with up to %" PRIu64
                                " in use", off ? ", " : "", b->in.rlimit_nproc, b->in.nproc_current);
    if (!off)
        snprintf(lim, sizeof lim, "a built-in cap of %" PRIu64, b->proc_budget);
    return sw_fail_input(d, -E2BIG,
                   "phase '%s' needs %" PRIu64 " processes and threads (%d workers) but only %" PRIu64
                   " may be started (%s): use fewer --workers or raise the limit (ulimit -u)",
                   ph->name, s.procs, s.workers, b->proc_budget, lim);
}

/* The phase with every non-explicit count at one worker: its own minimum. */
static struct phase_sums sums_at_minimum(const struct sw_job_phase *ph, int cpus)
{
    struct sw_job_phase min = *ph;
    for (int i = 0; i < min.n; i++)
        if (min.wl[i].count_kind != SW_COUNT_EXACT)
            min.wl[i].workers = 1;
    return sums(&min, cpus);
}

/* Without --memory, the default share of the usable memory gives way to what the phase needs at its
 * smallest, as long as that fits what may be used: a small machine runs a scaled-down plan. */
static void raise_default_budget(struct sw_budget *b, const struct sw_job *job, const struct sw_job_phase *ph,
                                 struct phase_sums min)
{
    char s1[32], s2[32], s3[32];
    if (job->mem_limit || job->mem_percent || min.mem <= b->mem_budget || min.mem > b->mem_usable)
        return;
    note(b, "phase '%s' needs %s at its smallest: the memory budget is raised from %s (the default %u%%) to that, "
         "within the %s that may be used", ph->name, sz(min.mem, s1), sz(b->mem_budget, s2),
         SW_BUDGET_DEFAULT_MEM_PERCENT, sz(b->mem_usable, s3));
    b->mem_budget = min.mem;
}

int sw_budget_resolve(const struct sw_budget_inputs *in, struct sw_job *job, struct sw_budget *b,
                      struct sw_diag *d)
{
    char s1[32], s2[32], s3[32];
    memset(b, 0, sizeof *b);
    b->in = *in;
    int cpus = in->online_cpus > 0 ? in->online_cpus : 1;
    if (job->nphases <= 0 || job->nphases > SW_JOB_MAX_PHASES)
        return sw_fail(d, -EINVAL, "the job has %d phases: a profile needs 1 to %d", job->nphases, SW_JOB_MAX_PHASES);

    /* memory: what is really free, minus a margin for the system and for stresswsl itself */
    b->mem_headroom = in->mem_available;
    if (in->cgroup_mem_max) {
        uint64_t room = in->cgroup_mem_max > in->cgroup_mem_current ? in->cgroup_mem_max - in->cgroup_mem_current : 0;
        if (room < b->mem_headroom)
            b->mem_headroom = room;
    }
    /* The margin scales with the limit in force: a 1 GiB container keeps 128 MiB, not 5% of the host. */
    uint64_t limit = in->mem_total ? in->mem_total : in->mem_available;
    if (in->cgroup_mem_max && in->cgroup_mem_max < limit)
        limit = in->cgroup_mem_max;
    b->mem_margin = sw_budget_margin(limit);
    b->mem_usable = b->mem_headroom > b->mem_margin ? b->mem_headroom - b->mem_margin : 0;
    char words[200];
    usable_words(b, words, sizeof words);
    if (job->mem_limit) {
        if (job->mem_limit > b->mem_usable)
            return sw_fail_input(d, -E2BIG, "--memory %s is more than this run may use: %s (%s): lower --memory",
                           sz(job->mem_limit, s1), sz(b->mem_usable, s2), words);
        b->mem_budget = job->mem_limit;
    } else if (job->mem_percent) {
        if (job->mem_percent > 100)
            return sw_fail(d, -EINVAL, "--memory %u%% is over 100%%: give a percentage from 1 to 100", job->mem_percent);
        b->mem_budget = b->mem_headroom / 100 * job->mem_percent;
        if (b->mem_budget > b->mem_usable) {
            note(b, "--memory %u%% (%s) capped at %s to keep a safety margin of %s free", job->mem_percent,
                 sz(b->mem_budget, s1), sz(b->mem_usable, s2), sz(b->mem_margin, s3));
            b->mem_budget = b->mem_usable;
        }
    } else {
        b->mem_budget = b->mem_usable / 100 * SW_BUDGET_DEFAULT_MEM_PERCENT;
    }

    /* processes: the tighter of pids.max and RLIMIT_NPROC, minus a margin */
    b->proc_room = UINT64_MAX;
    if (in->pids_max >= 0)
        b->proc_room = (uint64_t)in->pids_max > in->pids_current ? (uint64_t)in->pids_max - in->pids_current : 0;
    if (in->nproc_enforced && in->rlimit_nproc) {
        uint64_t r = in->rlimit_nproc > in->nproc_current ? in->rlimit_nproc - in->nproc_current : 0;
        if (r < b->proc_room)
            b->proc_room = r;
    }
    if (b->proc_room == UINT64_MAX) {
        b->proc_budget = 256u * (uint64_t)cpus;   /* no limit known: still never a fork bomb */
    } else {
        uint64_t margin = b->proc_room / 10 > 16 ? b->proc_room / 10 : 16;
        b->proc_budget = b->proc_room > margin ? b->proc_room - margin : 0;
    }

    for (int p = 0; p < job->nphases; p++) {
        struct sw_job_phase *ph = &job->phases[p];
        if (ph->n <= 0 || ph->n > SW_PHASE_MAX_WORKLOADS)
            return sw_fail(d, -EINVAL, "phase '%s' has %d workloads: 1 to %d are allowed", ph->name, ph->n,
                           SW_PHASE_MAX_WORKLOADS);
        int asked[SW_PHASE_MAX_WORKLOADS];
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            if (!w->wl)
                return sw_fail(d, -EINVAL, "phase '%s': workload %d has no implementation", ph->name, i);
            int n = requested_workers(w, cpus);
            if (n < 1 || n > 4096)
                return sw_fail(d, -EINVAL, "phase '%s': %d workers of %s: give 1 to 4096", ph->name, n, w->wl->name);
            w->workers = asked[i] = n;
        }
        /* Scale the automatic counts down, the biggest consumer first, until the phase fits. */
        struct phase_sums s = sums(ph, cpus);
        raise_default_budget(b, job, ph, sums_at_minimum(ph, cpus));
        while (s.mem > b->mem_budget || s.procs > b->proc_budget) {
            int pick = -1;
            uint64_t most = 0;
            for (int i = 0; i < ph->n; i++) {
                struct sw_job_workload *w = &ph->wl[i];
                uint64_t use = s.mem > b->mem_budget ? (uint64_t)w->workers * mem_need(w) : (uint64_t)w->workers;
                if (w->count_kind != SW_COUNT_EXACT && w->workers > 1 && use >= most) {
                    most = use;
                    pick = i;
                }
            }
            if (pick < 0)
                break;
            ph->wl[pick].workers--;
            s = sums(ph, cpus);
        }
        if (s.mem > b->mem_budget)
            return refuse_mem(b, job, ph, s, d);
        if (s.procs > b->proc_budget)
            return refuse_procs(b, ph, s, d);
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            if (w->workers < asked[i])
                note(b, "phase '%s': %s scaled from %d to %d workers (%s) to fit the budget of %s memory and %" PRIu64
                     " processes",
                     ph->name, w->wl->name, asked[i], w->workers, count_word(w->count_kind), sz(b->mem_budget, s1),
                     b->proc_budget);
        }
        /* Memory-sized workloads share what the others leave; the rest get what they declared. */
        uint64_t fixed = 0;
        int mem_workers = 0;
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            if (w->wl->flags & SW_WL_MEMORY)
                mem_workers += w->workers;
            else
                fixed += (uint64_t)w->workers * mem_need(w);
        }
        for (int i = 0; i < ph->n; i++) {
            struct sw_job_workload *w = &ph->wl[i];
            struct sw_worker_budget *wb = &b->wb[p][i];
            wb->threads = threads_for(w, s.workers, cpus);
            wb->procs = (unsigned)(proc_need(w, wb->threads) - 1 - (wb->threads - 1));
            wb->mem = mem_need(w);
            if ((w->wl->flags & SW_WL_MEMORY) && mem_workers > 0) {
                uint64_t share = (b->mem_budget - fixed) / (uint64_t)mem_workers;
                if (share > wb->mem)
                    wb->mem = share;
            }
        }
    }
    return 0;
}

json_t *sw_budget_to_json(const struct sw_budget *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "mem_total", json_integer((json_int_t)b->in.mem_total));
    json_object_set_new(o, "mem_available", json_integer((json_int_t)b->in.mem_available));
    json_object_set_new(o, "cgroup_mem_max", b->in.cgroup_mem_max ? json_integer((json_int_t)b->in.cgroup_mem_max)
                                                                    : json_null());
    json_object_set_new(o, "cgroup_version", json_integer(b->in.cgroup_version));
    json_object_set_new(o, "cgroup_mem_file",
                        b->in.cgroup_mem_max ? json_string(sw_budget_cgroup_mem_file(&b->in)) : json_null());
    json_object_set_new(o, "cgroup_mem_current", json_integer((json_int_t)b->in.cgroup_mem_current));
    json_object_set_new(o, "mem_usable", json_integer((json_int_t)b->mem_usable));
    json_object_set_new(o, "mem_margin", json_integer((json_int_t)b->mem_margin));
    json_object_set_new(o, "mem_budget", json_integer((json_int_t)b->mem_budget));
    json_object_set_new(o, "pids_max", b->in.pids_max >= 0 ? json_integer(b->in.pids_max) : json_null());
    json_object_set_new(o, "rlimit_nproc", b->in.rlimit_nproc ? json_integer((json_int_t)b->in.rlimit_nproc)
                                                              : json_null());
    json_object_set_new(o, "rlimit_nproc_enforced", json_boolean(b->in.nproc_enforced));
    json_object_set_new(o, "proc_budget", json_integer((json_int_t)b->proc_budget));
    json_object_set_new(o, "online_cpus", json_integer(b->in.online_cpus));
    json_t *n = json_array();
    for (int i = 0; i < b->nnotes; i++)
        json_array_append_new(n, json_string(b->notes[i]));
    json_object_set_new(o, "notes", n);
    return o;
}

int sw_budget_apply_worker_limits(uint64_t mem_budget)
{
    if (SW_ASAN || !mem_budget)
        return 0;
    /* Address space, not resident memory: threads, malloc arenas and mappings reserve more than they
     * touch, so leave generous room; this only stops a runaway allocation loop. */
    uint64_t lim = mem_budget * 2 + (2ull << 30);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0)
        return -errno;
    if (rl.rlim_max != RLIM_INFINITY && lim > rl.rlim_max)
        lim = rl.rlim_max;
    rl.rlim_cur = lim;
    return setrlimit(RLIMIT_AS, &rl) == 0 ? 0 : -errno;
}
