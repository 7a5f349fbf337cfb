/* Hand-built report.json objects that follow docs/report-schema.md, shared by the report tests. */
#ifndef SW_TEST_REPORT_FIXTURES_H
#define SW_TEST_REPORT_FIXTURES_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rules.h"

/* A facts snapshot: every leaf a FACT object. fw/visible may be NULL (unknown). */
static inline json_t *tf_facts(const char *vendor, const char *brand, const char *sig, int family, int model,
                               const char *fw, const char *visible, const char *env)
{
    json_t *f = json_pack(
        "{s:i,s:s,"
        "s:{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:i,s:s},s:{s:i,s:s},s:{s:i,s:s}},"
        "s:{s:{s:o,s:s},s:{s:o,s:s}},"
        "s:{s:{s:b,s:s},s:{s:s,s:s}},"
        "s:{s:{s:s,s:s},s:{s:{s:b},s:s}},"
        "s:{s:{s:I,s:s}},"
        "s:{s:{s:s,s:s},s:{s:s,s:s}}}",
        "schema_version", 1, "taken", "2026-11-23T14:50:51Z",
        "cpu", "vendor", "value", vendor, "source", "cpuid", "brand", "value", brand, "source", "cpuid",
        "signature", "value", sig, "source", "cpuid", "family", "value", family, "source", "cpuid",
        "model", "value", model, "source", "cpuid", "threads", "value", 8, "source", "cpuid",
        "microcode", "firmware", "value", fw ? json_string(fw) : json_null(), "source", "host-registry",
        "visible", "value", visible ? json_string(visible) : json_null(), "source", "/proc/cpuinfo",
        "hypervisor", "present", "value", strcmp(env, "bare-metal") != 0, "source", "cpuid",
        "environment", "value", env, "source", "probe",
        "kernel", "release", "value", "5.15.167.4-microsoft-standard-WSL2", "source", "uname",
        "crash_capture", "value", "kdump_ready", 0, "source", "sysfs",
        "memory", "total", "value", (json_int_t)16 << 30, "source", "/proc/meminfo",
        "firmware", "bios_version", "value", "1402", "source", "host-wmi", "bios_date", "value", "2024-06-24",
        "source", "host-wmi");
    if (!f) {
        fprintf(stderr, "tf_facts: json_pack failed\n");
        abort();
    }
    return f;
}

/* A report with a light phase (duty-cycled, 2 workers) and a full phase (8 workers) on 8 CPUs.
 * events_json: a JSON array text of EVENTs; prev_json: previous_run object text or "null". */
static inline json_t *tf_report(json_t *facts, const char *events_json, double duration_s,
                                const char *status, const char *prev_json)
{
    json_error_t je;
    json_t *events = json_loads(events_json, 0, &je);
    json_t *prev = json_loads(prev_json, JSON_DECODE_ANY, &je);
    if (!events || !prev) {
        fprintf(stderr, "tf_report: bad JSON: %s\n", je.text);
        abort();
    }
    json_t *r = json_pack(
        "{s:i,s:{s:s,s:s},"
        "s:{s:s,s:s,s:s,s:s,s:s,s:f,s:f,s:s,s:i},"
        "s:{s:s,s:b,s:{s:i,s:i,s:i},s:["
        "{s:s,s:f,s:{s:i,s:i},s:[{s:s,s:i}]},"
        "{s:s,s:f,s:{s:i,s:i},s:[{s:s,s:i}]}]},"
        "s:[{s:s,s:s,s:s,s:i,s:i,s:i,s:f,s:{s:i,s:[i,i,i,i],s:[i,i,i,i]}}],"
        "s:o,s:i,s:{s:o},s:o,s:[]}",
        "schema_version", 1, "tool", "name", "stresswsl", "version", "0.1.0",
        "run", "id", "20261123-145051-4f2a", "profile", "compile",
        "command", "stresswsl --profile compile --duration 20m", "start", "2026-11-23T14:50:51Z",
        "status", status, "duration_s", duration_s, "planned_duration_s", 1200.0,
        "end", "2026-11-23T15:10:51Z", "exit_code", 0,
        "plan", "pin", "spread", "is_vm", 1, "topology", "pus", 8, "cores", 8, "numa_nodes", 1, "phases",
        "name", "light", "duration_s", 600.0, "duty", "on_ms", 50, "off_ms", 450, "workloads", "name",
        "compile", "workers", 2,
        "name", "full", "duration_s", 600.0, "duty", "on_ms", 0, "off_ms", 0, "workloads", "name",
        "compile", "workers", 8,
        "workloads", "name", "compile", "unit", "jobs", "phase", "light", "workers", 2, "ops", 1234,
        "errors", 0, "rate_per_s", 20.5, "series", "interval_s", 1, "ops", 20, 21, 19, 22, "errors", 0, 0, 0,
        0,
        "events", events, "events_dropped", 0, "facts", "before", facts, "previous_run", prev, "findings");
    if (!r) {
        fprintf(stderr, "tf_report: json_pack failed\n");
        abort();
    }
    return r;
}

/* A kernel EVENT as JSON text: kind, also ("" for none), severity, cpu, and extra members of "kernel"
 * (JSON text without braces, e.g. "\"module\":\"zfs\",\"taint\":\"PO\"", or ""), and the event's text.
 * Returns a static buffer: copy or use before the next call. */
static inline const char *tf_kev(int seq, const char *kind, const char *also, const char *sev, int cpu,
                                 const char *kernel_extra, const char *text)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"seq\":%d,\"time\":null,\"type\":\"kernel\",\"severity\":\"%s\",\"cpu\":%d,\"phase\":\"full\","
             "\"text\":\"%s\",\"kernel\":{\"kind\":\"%s\",\"also\":%s%s%s%s,\"symbols\":[],\"line\":%d%s%s}}",
             seq, sev, cpu, text, kind, *also ? "\"" : "", *also ? also : "null", *also ? "\"" : "", "", seq * 10,
             *kernel_extra ? "," : "", kernel_extra);
    return buf;
}

/* The facts of an analysed log: only what a log states, each with its "log line N" source. env is
 * "wsl2", "vm", "bare-metal" or NULL (the log does not say). */
static inline json_t *tf_log_facts(const char *release, const char *env)
{
    json_t *f = json_pack("{s:i,s:{s:{s:s,s:s}}}", "schema_version", 1, "kernel", "release", "value", release,
                          "source", "log line 3");
    if (env) {
        json_object_set_new(f, "hypervisor",
                            json_pack("{s:{s:b,s:s},s:{s:s,s:s}}", "present", "value", strcmp(env, "bare-metal") != 0,
                                      "source", "log line 1", "environment", "value", env, "source", "log line 1"));
    }
    return f;
}

/* The finding of rule in a correlator output, or NULL. */
static inline const json_t *tf_finding(const json_t *out, const char *rule)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(out, "findings"), i, f) if (!strcmp(json_string_value(json_object_get(f, "rule")), rule)) return f;
    return NULL;
}

/* A string member, "" when absent. */
static inline const char *tf_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The shipped rules database, or exit(1) with the reason: every report test needs it. */
static inline json_t *tf_load_rules(void)
{
    struct sw_diag d = {0};
    json_t *rules = sw_rules_load_default(&d);
    if (!rules) {
        fprintf(stderr, "cannot load the rules: %s\n", d.msg);
        exit(1);
    }
    return rules;
}

#define TF_VERIFY_EV(seq, cpu, phase)                                                              \
    "{\"seq\":" #seq ",\"time\":\"2026-11-23T14:55:00Z\",\"t_ns\":0,\"type\":\"verify_error\","    \
    "\"severity\":\"error\",\"workload\":\"compile\",\"worker\":0,\"cpu\":" #cpu ",\"node\":0,"  \
    "\"pid\":100,\"phase\":\"" phase "\",\"what\":\"object-hash\",\"text\":\"cc1 output differs\","  \
    "\"verify\":{\"want\":\"0x1\",\"got\":\"0x2\"}}"

#endif
