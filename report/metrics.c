#include "report/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic_write.h"
#include "core/fmt.h"
#include "report/rfacts.h"

#define DEFAULT_INTERVAL_S 5

static const char *const k_info_label[SW_MI_COUNT] = {
    "cpu_model", "cpu_signature", "microcode_firmware", "microcode_visible", "bios_version", "kernel",
    "wsl_version", "hypervisor"};
static const char *const k_info_fact[SW_MI_COUNT] = {
    "cpu.brand", "cpu.signature", "microcode.firmware", "microcode.visible", "firmware.bios_version",
    "kernel.release", "wsl.versions.wsl", "hypervisor.name"};
static const char *const k_states[] = {"running", "finishing", "completed", "interrupted", "failed"};
static const char *const k_verdicts[] = {"pending", "stable", "unstable", "inconclusive"};

int sw_metrics_open(struct sw_metrics *m, const char *path, const char *label, const char *profile,
                    const json_t *facts, struct sw_diag *d)
{
    memset(m, 0, sizeof *m);
    if (strlen(path) >= sizeof m->path - 32)
        return sw_fail(d, -ENAMETOOLONG, "--metrics: path too long");
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return sw_fail(d, -EINVAL, "--metrics %s: exists and is not a regular file (a symlink or directory is "
                                   "never replaced): give a file path such as /var/lib/node_exporter/stresswsl.prom",
                       path);
    char dir[1024];
    sw_strlcpy(dir, path, sizeof dir);
    char *dn = dirname(dir);
    if (stat(dn, &st) != 0 || !S_ISDIR(st.st_mode) || access(dn, W_OK) != 0)
        return sw_fail(d, -ENOENT, "--metrics %s: the directory %s does not exist or is not writable", path, dn);
    sw_strlcpy(m->path, path, sizeof m->path);
    m->interval_s = DEFAULT_INTERVAL_S;
    sw_strlcpy(m->label, label ? label : "", sizeof m->label);
    sw_strlcpy(m->profile, profile ? profile : "", sizeof m->profile);
    sw_strlcpy(m->state, "running", sizeof m->state);
    sw_strlcpy(m->verdict, "pending", sizeof m->verdict);
    if (gethostname(m->host, sizeof m->host - 1) != 0)
        sw_strlcpy(m->host, "unknown", sizeof m->host);
    const json_t *snap = json_is_object(facts) ? sw_rfacts_snapshot(facts) : NULL;
    if (!snap && json_is_object(facts))
        snap = facts;
    for (int i = 0; i < SW_MI_COUNT; i++) {
        const json_t *v = snap ? sw_rfacts_value(snap, k_info_fact[i]) : NULL;
        if (v)
            sw_rfacts_text(v, m->info[i], sizeof m->info[i]);
        else
            sw_strlcpy(m->info[i], "unknown", sizeof m->info[i]);
    }
    return 0;
}

void sw_metrics_event(struct sw_metrics *m, const struct sw_event *ev)
{
    if (ev->sev < 4)
        m->severity[ev->sev]++;
    if (ev->type == SW_EV_KERNEL && ev->klog_kind > 0 && ev->klog_kind < SW_KLOG_KIND_COUNT)
        m->kernel[ev->klog_kind]++;
}

void sw_metrics_label_value(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            fputc('\\', out), fputc(*s, out);
        else if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void family(FILE *o, const char *name, const char *type, const char *help)
{
    fprintf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{key="value"} value, for one label. */
static void sample1(FILE *o, const char *name, const char *key, const char *val, double v)
{
    fprintf(o, "%s{%s=", name, key);
    sw_metrics_label_value(o, val);
    fprintf(o, "} %.17g\n", v);
}

/* A one-hot gauge: value 1 for the current one of a fixed set, 0 for the others. */
static void one_hot(FILE *o, const char *name, const char *key, const char *const *set, size_t n, const char *cur,
                    const char *help)
{
    family(o, name, "gauge", help);
    for (size_t i = 0; i < n; i++)
        sample1(o, name, key, set[i], !strcmp(set[i], cur));
}

int sw_metrics_format(const struct sw_metrics *m, FILE *o)
{
    family(o, "stresswsl_run_info", "gauge", "The run these metrics describe (always 1).");
    fputs("stresswsl_run_info{run_id=", o);
    sw_metrics_label_value(o, m->run_id);
    fputs(",profile=", o);
    sw_metrics_label_value(o, m->profile);
    fputs(",label=", o);
    sw_metrics_label_value(o, m->label);
    fputs(",host=", o);
    sw_metrics_label_value(o, m->host);
    fprintf(o, ",version=\"%s\"} 1\n", SW_VERSION);
    family(o, "stresswsl_machine_info", "gauge",
           "The machine under test: CPU, microcode (firmware-loaded and visible), BIOS, kernel, WSL (always 1).");
    fputs("stresswsl_machine_info{", o);
    for (int i = 0; i < SW_MI_COUNT; i++) {
        fprintf(o, "%s%s=", i ? "," : "", k_info_label[i]);
        sw_metrics_label_value(o, m->info[i]);
    }
    fputs("} 1\n", o);
    family(o, "stresswsl_run_start_timestamp_seconds", "gauge", "When the run started (Unix time).");
    fprintf(o, "stresswsl_run_start_timestamp_seconds %.3f\n", (double)m->start_ns / 1e9);
    if (m->end_ns) {
        family(o, "stresswsl_run_end_timestamp_seconds", "gauge", "When the run ended (Unix time).");
        fprintf(o, "stresswsl_run_end_timestamp_seconds %.3f\n", (double)m->end_ns / 1e9);
    }
    one_hot(o, "stresswsl_run_state", "state", k_states, sizeof k_states / sizeof k_states[0], m->state,
            "The run's state: 1 for the current one.");
    one_hot(o, "stresswsl_verdict", "status", k_verdicts, sizeof k_verdicts / sizeof k_verdicts[0], m->verdict,
            "The run's verdict (pending while it runs): 1 for the current one.");
    if (m->lean[0]) {
        family(o, "stresswsl_verdict_lean", "gauge", "What the evidence leans towards, when the verdict says (1).");
        sample1(o, "stresswsl_verdict_lean", "lean", m->lean, 1);
    }
    family(o, "stresswsl_workload_operations_total", "counter", "Verified operations per workload (its unit).");
    for (int i = 0; i < m->nwl; i++) {
        fputs("stresswsl_workload_operations_total{workload=", o);
        sw_metrics_label_value(o, m->wl[i].name);
        fputs(",unit=", o);
        sw_metrics_label_value(o, m->wl[i].unit);
        fprintf(o, "} %" PRIu64 "\n", m->wl[i].ops);
    }
    family(o, "stresswsl_workload_errors_total", "counter", "Errors the workload's own checks found.");
    for (int i = 0; i < m->nwl; i++)
        sample1(o, "stresswsl_workload_errors_total", "workload", m->wl[i].name, (double)m->wl[i].errors);
    family(o, "stresswsl_workload_verified_bytes_total", "counter", "Bytes written and verified per workload.");
    for (int i = 0; i < m->nwl; i++)
        sample1(o, "stresswsl_workload_verified_bytes_total", "workload", m->wl[i].name, (double)m->wl[i].bytes);
    family(o, "stresswsl_kernel_events_total", "counter", "Kernel-log events the watcher classified, by kind.");
    for (int k = 1; k < SW_KLOG_KIND_COUNT; k++)
        sample1(o, "stresswsl_kernel_events_total", "kind", sw_klog_kind_name((enum sw_klog_kind)k),
                (double)m->kernel[k]);
    family(o, "stresswsl_events_total", "counter", "Every recorded event, by severity (error and fatal: instability).");
    for (int s = 0; s < 4; s++)
        sample1(o, "stresswsl_events_total", "severity", sw_sev_name((enum sw_sev)s), (double)m->severity[s]);
    return fflush(o) == 0 && !ferror(o) ? 0 : -EIO;
}

static int fill_metrics(FILE *f, const void *m, struct sw_diag *d)
{
    (void)d;
    return sw_metrics_format(m, f);
}

/* The temp file is FILE.tmp-PID (not *.prom, which the collector would read). */
static int write_file(struct sw_metrics *m, struct sw_diag *d)
{
    struct sw_diag inner = {0};
    int rc = sw_atomic_write(m->path, fill_metrics, m, &inner);
    return rc < 0 ? sw_fail(d, rc, "--metrics: %s", inner.msg) : 0;
}

void sw_metrics_tick(struct sw_metrics *m, const struct sw_run_tick *t, struct sw_diag *d)
{
    if (t->run_id && t->run_id[0])
        sw_strlcpy(m->run_id, t->run_id, sizeof m->run_id);
    m->start_ns = t->start_real_ns;
    if (!t->c)
        return;
    /* Totals per workload name over every trial and phase it ran in. */
    for (int i = 0; i < m->nwl; i++)
        m->wl[i].ops = m->wl[i].bytes = m->wl[i].errors = 0;
    for (size_t k = 0; k < t->n; k++) {
        int i = 0;
        while (i < m->nwl && strcmp(m->wl[i].name, t->c[k].workload))
            i++;
        if (i == m->nwl) {
            if (m->nwl == SW_METRICS_MAX_WL)
                continue;
            sw_strlcpy(m->wl[i].name, t->c[k].workload, sizeof m->wl[i].name);
            sw_strlcpy(m->wl[i].unit, t->c[k].unit, sizeof m->wl[i].unit);
            m->nwl++;
        }
        m->wl[i].ops += t->c[k].ops;
        m->wl[i].bytes += t->c[k].bytes;
        m->wl[i].errors += t->c[k].errors;
    }
    if (t->done)
        sw_strlcpy(m->state, "finishing", sizeof m->state);
    if (!t->done && m->last_write_ns && t->now_real_ns - m->last_write_ns < (uint64_t)m->interval_s * 1000000000u)
        return;
    m->last_write_ns = t->now_real_ns;
    if (write_file(m, d) < 0)
        m->write_failed = true;
}

static uint64_t iso_to_ns(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return 0;
    time_t t = timegm(&tm);
    return t > 0 ? (uint64_t)t * 1000000000u : 0;
}

int sw_metrics_finish(struct sw_metrics *m, const json_t *report, struct sw_diag *d)
{
    const json_t *run = json_object_get(report, "run");
    const char *st = json_string_value(json_object_get(run, "status"));
    sw_strlcpy(m->state, st && (!strcmp(st, "completed") || !strcmp(st, "interrupted")) ? st : "failed",
               sizeof m->state);
    m->end_ns = iso_to_ns(json_string_value(json_object_get(run, "end")));
    if (!m->end_ns)
        m->end_ns = (uint64_t)time(NULL) * 1000000000u;
    if (!m->start_ns)
        m->start_ns = iso_to_ns(json_string_value(json_object_get(run, "start")));
    const json_t *v = json_object_get(report, "verdict");
    const char *status = json_string_value(json_object_get(v, "status"));
    sw_strlcpy(m->verdict, "inconclusive", sizeof m->verdict);
    for (size_t i = 1; status && i < sizeof k_verdicts / sizeof k_verdicts[0]; i++)
        if (!strcmp(status, k_verdicts[i]))
            sw_strlcpy(m->verdict, status, sizeof m->verdict);
    /* "lean" is optional (newer verdicts): a string, or an object naming it. */
    const json_t *lean = json_object_get(v, "lean");
    const char *ls = json_string_value(lean);
    static const char *const keys[] = {"class", "toward", "cause", "name", "status"};
    for (size_t i = 0; !ls && json_is_object(lean) && i < sizeof keys / sizeof keys[0]; i++)
        ls = json_string_value(json_object_get(lean, keys[i]));
    sw_strlcpy(m->lean, ls ? ls : "", sizeof m->lean);
    return write_file(m, d);
}
