/* Which facts `analyze` explains a log with (issue 8 §1): the log's own by default; this machine's only
 * with --this-machine; the user's (--facts) or recorded ones (replay options) when given. What the log
 * states wins over given facts, and each disagreement is recorded. */
#include <stdio.h>
#include <string.h>

#include "cli/analyze.h"
#include "cli/cli.h"
#include "core/diag.h"
#include "core/json_file.h"
#include "probes/probe.h"
#include "report/compare.h"

/* Facts the log can state that given facts may contradict (another kernel, another CPU, another box). */
static const char *const compared[][2] = {
    {"kernel", "release"},          {"kernel", "tainted_flags"},     {"cpu", "vendor"},
    {"cpu", "family"},              {"cpu", "model"},                {"cpu", "stepping"},
    {"cpu", "signature"},           {"cpu", "brand"},                {"microcode", "visible"},
    {"hypervisor", "name"},         {"hypervisor", "environment"},   {"hypervisor", "present"},
    {"firmware", "system_vendor"},  {"firmware", "system_product"},  {"firmware", "board_name"},
    {"firmware", "bios_version"},   {"firmware", "bios_date"},       {"wsl", "is_wsl"},
};

static json_t *known_value(json_t *fact)
{
    json_t *v = json_object_get(fact, "value");
    return v && !json_is_null(v) ? v : NULL;
}

/* Values compare as JSON, except strings ignore case ("0xB0671" = "0xb0671"). */
static bool same(json_t *a, json_t *b)
{
    if (json_is_string(a) && json_is_string(b))
        return strcasecmp(json_string_value(a), json_string_value(b)) == 0;
    return json_equal(a, b);
}

/* "vm" is what a log with a hypervisor line says; WSL2 is such a VM, so a given "wsl2" only refines it. */
static bool refines(const char *fact, json_t *log_v, json_t *given_v)
{
    const char *l = json_string_value(log_v), *g = json_string_value(given_v);
    return !strcmp(fact, "environment") && l && g && !strcmp(l, "vm") && (!strcmp(g, "wsl2") || !strcmp(g, "wsl1"));
}

/* given += what the log states; conflicts += where they differ. */
static void merge(json_t *given, json_t *logf, json_t *conflicts)
{
    for (size_t i = 0; i < sizeof compared / sizeof compared[0]; i++) {
        json_t *lsec = json_object_get(logf, compared[i][0]);
        json_t *lf = json_object_get(lsec, compared[i][1]);
        json_t *lv = known_value(lf);
        if (!lv)
            continue;
        json_t *gsec = json_object_get(given, compared[i][0]);
        if (!json_is_object(gsec)) {
            gsec = json_object();
            json_object_set_new(given, compared[i][0], gsec);
        }
        json_t *gv = known_value(json_object_get(gsec, compared[i][1]));
        if (gv && refines(compared[i][1], lv, gv))
            continue;
        if (gv && !same(gv, lv)) {
            char name[64];
            snprintf(name, sizeof name, "%s.%s", compared[i][0], compared[i][1]);
            json_array_append_new(conflicts, json_pack("{s:s, s:O, s:O, s:O}", "fact", name, "log", lv, "given", gv,
                                                       "log_source", json_object_get(lf, "source")));
        }
        json_object_set(gsec, compared[i][1], lf);   /* the log wins for what it states */
    }
    json_object_set(given, "log", json_object_get(logf, "log"));
}

static json_t *load_user_facts(const char *path)
{
    json_error_t je;
    bool too_big;
    /* A snapshot (or a whole report.json) a user sent: read no further than a report can be. */
    json_t *f = sw_json_load_bounded(path, SW_COMPARE_REPORT_MAX, 0, &je, &too_big);
    if (too_big) {
        sw_cli_error(2, "analyze: --facts %s: larger than %d MiB, more than any probe snapshot or report.json "
                        "(give the output of 'stresswsl probe --json')", path, SW_COMPARE_REPORT_MAX >> 20);
        return NULL;
    }
    if (!f || !json_is_object(f)) {
        sw_cli_error(2, "analyze: --facts %s: %s (give the output of 'stresswsl probe --json')", path,
                     f ? "not a JSON object" : je.text);
        json_decref(f);
        return NULL;
    }
    /* a whole report.json is accepted too: its facts.before is the snapshot */
    json_t *before = json_object_get(json_object_get(f, "facts"), "before");
    if (json_is_object(before)) {
        json_incref(before);
        json_decref(f);
        f = before;
    }
    return f;
}

json_t *sw_analyze_facts(const struct sw_analyze_facts_opt *o, const struct sw_kmsg_facts *log_facts,
                         const char *format, uint64_t lines, uint64_t kernel_lines, json_t **conflicts,
                         const char **source)
{
    *conflicts = json_array();
    if (o->none) {
        *source = "none (--no-facts)";
        return json_null();
    }
    json_t *logf = sw_kmsg_facts_json(log_facts, format, lines, kernel_lines);
    bool replay = o->sysroot || o->cpuid_dump || o->host_replay;
    if (!o->facts_file && !replay && !o->this_machine) {
        *source = "the log itself (--this-machine or --facts FILE to add a machine's facts)";
        return logf;
    }
    json_t *given;
    if (o->facts_file) {
        given = load_user_facts(o->facts_file);
        *source = o->facts_file;
    } else {
        struct sw_diag d = {0};
        struct sw_probe_env env = {.sysroot = o->sysroot, .cpuid_dump = o->cpuid_dump, .host_replay = o->host_replay,
                                   .skip_host = o->host_replay == NULL};
        given = sw_probe_snapshot(&env, &d);
        if (!given)
            sw_cli_error(2, "analyze: %s", d.msg);
        *source = replay ? "recorded data (replay options), with what the log states"
                         : "this machine (--this-machine), with what the log states";
    }
    if (!given) {
        json_decref(logf);
        return NULL;
    }
    merge(given, logf, *conflicts);
    json_decref(logf);
    return given;
}
