/* stresswsl probe: the environment, each fact with its source (probes/probe.h). Readable by
 * default; --json for the FACTS object; replay options run it on recorded data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "core/units.h"
#include "probes/probe.h"

enum { O_JSON, O_SYSROOT, O_CPUID_DUMP, O_HOST_REPLAY, O_NO_HOST, O_HOST_TIMEOUT };
static const struct sw_opt k_opts[] = {
    {O_JSON, "json", 0, 0, SW_OPT_OPTIONAL, "FILE",
     "write the facts as JSON (docs/facts-schema.md) to FILE, or to stdout when no FILE (or '-') is given"},
    {O_SYSROOT, "sysroot", 0, 0, SW_OPT_VALUE, "DIR", "read /proc and /sys under DIR (a recorded tree) instead of "
                                                      "this machine"},
    {O_CPUID_DUMP, "cpuid-dump", 0, 0, SW_OPT_VALUE, "FILE",
     "use a libcpuid raw dump (cpuid_tool --save, AIDA64 text) instead of CPUID"},
    {O_HOST_REPLAY, "host-replay", 0, 0, SW_OPT_VALUE, "DIR",
     "answer Windows host queries from recorded outputs in DIR (DIR:DIR... allowed)"},
    {O_NO_HOST, "no-host", 0, 0, SW_OPT_FLAG, NULL, "do not run Windows tools through WSL interop"},
    {O_HOST_TIMEOUT, "host-timeout", 0, 0, SW_OPT_VALUE, "TIME", "one time budget for all host queries (default 30s)"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_cmd = {
    .name = "probe",
    .usage = "usage: stresswsl probe [--json[=FILE]] [--sysroot DIR] [--cpuid-dump FILE]\n"
             "                       [--host-replay DIR] [--no-host] [--host-timeout TIME]\n",
    .about = "Shows what stresswsl knows about this machine: CPU and signature, microcode (guest and Windows host), "
             "firmware, hypervisor and environment (WSL2, VM, bare metal), kernel crash settings, memory limits, "
             "WSL and the Windows host, each fact with where it came from.",
    .opts = k_opts,
    .epilog = "examples:\n"
              "  stresswsl probe                    readable, one line per fact with its source\n"
              "  stresswsl probe --json probe.json  for a ticket (analyze --facts reads it)\n"
              "  stresswsl probe --no-host          skip the Windows host (faster in WSL2)\n"
              "  stresswsl probe --cpuid-dump i9.test --sysroot ./root --host-replay ./host\n",
};

static void print_value(const json_t *v)
{
    if (json_is_string(v)) {
        fputs(json_string_value(v), stdout);
        return;
    }
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s) {
        if (strlen(s) > 400)
            printf("%.400s...", s);
        else
            fputs(s, stdout);
        free(s);
    }
}

static void print_fact(const char *name, const json_t *f, int indent, bool bytes)
{
    const json_t *val = json_object_get(f, "value");
    printf("%*s%s: ", indent, "", name);
    if (json_is_null(val) && json_object_get(f, "unavailable")) {
        printf("unavailable \u2014 %s\n", json_string_value(json_object_get(f, "unavailable")));
        return;
    }
    if (json_is_null(val))
        fputs(json_string_value(json_object_get(f, "note")) ? json_string_value(json_object_get(f, "note")) : "none",
              stdout);
    else if (json_is_array(val) && json_array_size(val) && json_is_object(json_array_get(val, 0))) {
        printf("%zu\n", json_array_size(val));
        size_t i;
        json_t *e;
        json_array_foreach(val, i, e)
        {
            printf("%*s- ", indent + 4, "");
            const char *k;
            json_t *x;
            int first = 1;
            json_object_foreach((json_t *)e, k, x)
            {
                printf("%s%s=", first ? "" : " ", k);
                first = 0;
                if (json_is_string(x) && strchr(json_string_value(x), '\n')) {
                    const char *s = json_string_value(x);
                    printf("\"%.*s ...\"", (int)strcspn(s, "\n"), s);   /* first line only */
                } else {
                    print_value(x);
                }
            }
            putchar('\n');
        }
        if (json_string_value(json_object_get(f, "note")))
            printf("%*snote: %s\n", indent + 4, "", json_string_value(json_object_get(f, "note")));
        return;
    } else if (bytes && json_is_integer(val)) {
        char h[32];   /* sizes in human units here; report.json keeps the bytes */
        fputs(sw_format_size((uint64_t)json_integer_value(val), h, (unsigned)sizeof h), stdout);
    } else
        print_value(val);
    const char *src = json_string_value(json_object_get(f, "source"));
    if (src)
        printf(" (%s)", src);
    putchar('\n');
    const char *note = json_string_value(json_object_get(f, "note"));
    if (note && !json_is_null(val))
        printf("%*snote: %s\n", indent + 4, "", note);
}

static void print_readable(const json_t *facts)
{
    static const char *order[] = {"cpu", "microcode", "firmware", "hypervisor", "kernel", "memory", "wsl", "host"};
    printf("stresswsl probe (taken %s, sysroot %s)\n", json_string_value(json_object_get(facts, "taken")),
           json_string_value(json_object_get(facts, "sysroot")));
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const json_t *sec = json_object_get(facts, order[i]);
        if (!sec)
            continue;
        printf("\n[%s]\n", order[i]);
        const char *k;
        json_t *f;
        /* memory.* are byte counts, except the process limit */
        json_object_foreach((json_t *)sec, k, f) print_fact(k, f, 2, !strcmp(order[i], "memory") && strcmp(k, "cgroup_pids_max"));
    }
}

int cmd_probe(int argc, char **argv)
{
    struct sw_probe_env env = {.host_timeout_ms = 30000};
    const char *json_out = NULL;
    struct sw_opt_state st = sw_opt_start(&k_cmd, argc, argv);
    const char *v;
    for (int id; (id = sw_opt_get(&st, &v)) != SW_OPT_END;) {
        switch (id) {
        case SW_OPT_EXIT: return st.exit_code;
        case O_JSON: json_out = v ? v : "-"; break;
        case O_SYSROOT: env.sysroot = v; break;
        case O_CPUID_DUMP: env.cpuid_dump = v; break;
        case O_HOST_REPLAY: env.host_replay = v; break;
        case O_NO_HOST: env.skip_host = true; break;
        case O_HOST_TIMEOUT: {
            uint64_t ms;
            struct sw_diag d = {0};
            if (sw_parse_duration_ms(v, &ms, &d) < 0)
                return sw_cli_error(SW_EXIT_USAGE, "probe: --host-timeout: %s", d.msg);
            if (ms > 600000)
                return sw_cli_error(SW_EXIT_USAGE, "probe: --host-timeout %s is longer than 10m: give e.g. 30s", v);
            env.host_timeout_ms = (int)ms;
            break;
        }
        }
    }
    struct sw_diag d = {0};
    json_t *facts = sw_probe_snapshot(&env, &d);
    if (!facts)
        return sw_cli_diag(SW_EXIT_USAGE, &d);
    int rc = SW_EXIT_OK;
    if (json_out) {
        if (!strcmp(json_out, "-")) {
            if (json_dumpf(facts, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
                rc = sw_cli_error(SW_EXIT_CANNOT_RUN, "probe: could not write JSON to stdout");
            else
                putchar('\n');
        } else if (json_dump_file(facts, json_out, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
            rc = sw_cli_error(SW_EXIT_CANNOT_RUN, "probe: cannot write '%s': check the directory exists and is writable",
                              json_out);
        }
    }
    if (!json_out || strcmp(json_out, "-"))
        print_readable(facts);
    json_decref(facts);
    return rc;
}
