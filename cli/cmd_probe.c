/* stresswsl probe: the environment, each fact with its source (probes/probe.h). Readable by
 * default; --json for the FACTS object; replay options run it on recorded data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/units.h"
#include "probes/probe.h"

static const char usage[] =
    "usage: stresswsl probe [--json FILE|-] [--sysroot DIR] [--cpuid-dump FILE] [--host-replay DIR]\n"
    "                       [--no-host] [--host-timeout 30s]\n\n"
    "Shows what stresswsl knows about this machine: CPU and signature, microcode (guest and Windows\n"
    "host), firmware, hypervisor and environment (WSL2, VM, bare metal), kernel crash settings,\n"
    "memory limits, WSL and the Windows host, each fact with where it came from.\n\n"
    "  --json FILE|-       write the facts as JSON (docs/facts-schema.md) to FILE or stdout\n"
    "  --sysroot DIR       read /proc and /sys under DIR (a recorded tree) instead of this machine\n"
    "  --cpuid-dump FILE   use a libcpuid raw dump (cpuid_tool --save, AIDA64 text) instead of CPUID\n"
    "  --host-replay DIR   answer Windows host queries from recorded outputs in DIR (DIR:DIR... allowed)\n"
    "  --no-host           do not run Windows tools through WSL interop\n"
    "  --host-timeout T    one time budget for all host queries (default 30s)\n\n"
    "examples:\n"
    "  stresswsl probe                          readable, one line per fact with its source\n"
    "  stresswsl probe --json probe.json        for a support ticket (analyze --facts reads it)\n"
    "  stresswsl probe --no-host                skip the Windows host (faster inside WSL2)\n"
    "  stresswsl probe --cpuid-dump i9.test --sysroot ./recorded-root --host-replay ./host-outputs\n";

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

static const char *optval(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (!strcmp(argv[*i], name)) {
        if (*i + 1 >= argc)
            return NULL;
        return argv[++*i];
    }
    return NULL;
}

static int matches(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == 0 || arg[n] == '=');
}

int cmd_probe(int argc, char **argv)
{
    struct sw_probe_env env = {.host_timeout_ms = 30000};
    const char *json_out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return SW_EXIT_OK;
        } else if (!strcmp(a, "--no-host")) {
            env.skip_host = true;
            continue;
        }
        static const char *valued[] = {"--json", "--sysroot", "--cpuid-dump", "--host-replay", "--host-timeout"};
        size_t k;
        for (k = 0; k < sizeof valued / sizeof valued[0]; k++)
            if (matches(a, valued[k]))
                break;
        if (k == sizeof valued / sizeof valued[0])
            return sw_cli_error(SW_EXIT_USAGE, "probe: unknown option '%s': see 'stresswsl probe --help'", a);
        v = optval(argc, argv, &i, valued[k]);
        if (!v || !*v)
            return sw_cli_error(SW_EXIT_USAGE, "probe: %s needs a value: see 'stresswsl probe --help'", valued[k]);
        switch (k) {
        case 0: json_out = v; break;
        case 1: env.sysroot = v; break;
        case 2: env.cpuid_dump = v; break;
        case 3: env.host_replay = v; break;
        case 4: {
            uint64_t ms;
            struct sw_diag d = {{0}};
            if (sw_parse_duration_ms(v, &ms, &d) < 0)
                return sw_cli_error(SW_EXIT_USAGE, "probe: --host-timeout: %s", d.msg);
            if (ms > 600000)
                return sw_cli_error(SW_EXIT_USAGE, "probe: --host-timeout %s is longer than 10m: give e.g. 30s", v);
            env.host_timeout_ms = (int)ms;
            break;
        }
        }
    }
    struct sw_diag d = {{0}};
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
