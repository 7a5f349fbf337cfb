/* The run's conditions in the reports (tool, synthetic, kernel log watched or why not, CPUs, cgroup
 * limit, load, steal), the Reproduce line's seed, the load sampler's parsing, and that runs with
 * injected faults are left out of a machine's history. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/runload.h"
#include "report/finish.h"
#include "report/writers.h"
#include "tests/harness/check.h"

static const char *value_of(struct sw_env_row *rows, int n, const char *label)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].label, label))
            return rows[i].value;
    return NULL;
}

static json_t *report(bool synthetic, const char *events)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"tool\": {\"name\": \"stresswsl\", \"version\": \"9.8.7\"},"
             " \"run\": {\"command\": \"stresswsl --profile quick\", \"seed\": 42, \"synthetic\": %s, \"injected\": %s},"
             " \"plan\": {\"is_vm\": true, \"topology\": {\"pus\": 4},"
             "   \"budget\": {\"online_cpus\": 2, \"cgroup_mem_max\": 2147483648, \"cgroup_version\": 1}},"
             " \"load\": {\"loadavg_before\": 1.5, \"loadavg_after\": 3.25, \"steal_pct\": 12.5, \"busy_pct\": 80, \"cpus\": 2},"
             " \"events\": %s}",
             synthetic ? "true" : "false", synthetic ? "[\"wrong\", \"segv\"]" : "[]", events);
    json_t *r = json_loads(text, 0, NULL);
    CHECK(r != NULL);
    return r;
}

static void rows(void)
{
    struct sw_env_row rw[16];
    json_t *r = report(false, "[]");
    int n = sw_report_run_rows(r, rw, 16);
    CHECK_STR(value_of(rw, n, "Tool"), "stresswsl 9.8.7");
    CHECK(value_of(rw, n, "Injected faults") == NULL);
    CHECK_STR(value_of(rw, n, "Kernel log watched"), "yes (/dev/kmsg, throughout the run)");
    CHECK_STR(value_of(rw, n, "CPUs"), "2 online (virtual CPUs), 4 in the topology");
    CHECK_STR(value_of(rw, n, "cgroup memory limit"), "2.0 GiB (cgroup v1)");
    CHECK(strstr(value_of(rw, n, "Load"), "1.50 before the run (other work), 3.25 at its end") != NULL);
    CHECK(strstr(value_of(rw, n, "Load"), "already busy") != NULL);   /* 1.5 on 2 CPUs */
    CHECK(strstr(value_of(rw, n, "Steal (hypervisor)"), "12.5% of CPU time during the run (the host was busy") != NULL);
    char buf[256];
    CHECK_STR(sw_report_reproduce(r, buf, sizeof buf), "stresswsl --profile quick --seed 42");
    json_object_set_new(json_object_get(r, "run"), "command", json_string("stresswsl --seed 7"));
    CHECK_STR(sw_report_reproduce(r, buf, sizeof buf), "stresswsl --seed 7");   /* not twice */
    CHECK(!sw_report_is_synthetic(r));
    json_decref(r);

    r = report(true, "[{\"type\": \"note\", \"severity\": \"warn\", \"what\": \"kmsg\","
                     " \"text\": \"monitor kmsg cannot run: /dev/kmsg: Permission denied (run as root)\"}]");
    n = sw_report_run_rows(r, rw, 16);
    CHECK(sw_report_is_synthetic(r));
    CHECK(strstr(value_of(rw, n, "Injected faults"), "SYNTHETIC: faults were injected on purpose (wrong, segv)") != NULL);
    CHECK_STR(value_of(rw, n, "Kernel log watched"), "no: kmsg cannot run: /dev/kmsg: Permission denied (run as root)");
    json_decref(r);
}

static void writers_mark_synthetic(void)
{
    json_t *r = report(true, "[]");
    char *buf = NULL;
    size_t len = 0;
    struct sw_diag d = {0};
    FILE *f = open_memstream(&buf, &len);
    CHECK(sw_report_write_markdown(r, f, &d) == 0);
    fclose(f);
    CHECK(strstr(buf, "(SYNTHETIC)\n") != NULL);
    CHECK(strstr(buf, "> **SYNTHETIC:**") != NULL);
    CHECK(strstr(buf, "| Kernel log watched | yes") != NULL);
    CHECK(strstr(buf, "```sh\nstresswsl --profile quick --seed 42\n```") != NULL);
    free(buf);
    f = open_memstream(&buf, &len);
    CHECK(sw_report_write_html(r, f, &d) == 0);
    fclose(f);
    CHECK(strstr(buf, "<title>stresswsl report: not judged (SYNTHETIC)</title>") != NULL);
    CHECK(strstr(buf, "<b>SYNTHETIC:</b>") != NULL);
    free(buf);
    f = open_memstream(&buf, &len);
    CHECK(sw_report_write_console(r, f, false, &d) == 0);
    fclose(f);
    CHECK(strstr(buf, "SYNTHETIC: faults were injected on purpose") != NULL);
    free(buf);
    json_decref(r);
}

static void load_parse(void)
{
    struct sw_load_sample a, b;
    sw_load_parse(&a, "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n", "0.50 0.40 0.30 1/100 1234\n");
    CHECK(a.ok);
    CHECK(a.loadavg1 == 0.5);
    sw_load_parse(&b, "cpu  300 0 200 800 100 0 0 100 0 0\n", "2.00 1 1 1/1 1\n");
    json_t *j = sw_load_json(&a, &b, 2);
    /* 500 ticks: 100 steal (20%), 100 idle, so busy 300 (60%) */
    CHECK(json_real_value(json_object_get(j, "steal_pct")) == 20.0);
    CHECK(json_real_value(json_object_get(j, "busy_pct")) == 60.0);
    CHECK(json_real_value(json_object_get(j, "loadavg_after")) == 2.0);
    json_decref(j);
    /* garbage or a counter that went backwards: unknown, not a number */
    sw_load_parse(&b, "intr 1 2 3", "nan-ish");
    CHECK(!b.ok);
    CHECK(b.loadavg1 < 0);
    j = sw_load_json(&a, &b, 2);
    CHECK(json_is_null(json_object_get(j, "steal_pct")));
    CHECK(json_is_null(json_object_get(j, "loadavg_after")));
    json_decref(j);
    struct sw_load_sample live;
    sw_load_read(&live, "");
    CHECK(live.ok && live.total > 0);
}

static void history_skips_synthetic(void)
{
    char dir[] = "/tmp/sw-hist-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *ids[2] = {"20261201-100000-aaaa", "20261201-110000-bbbb"};
    char p[256];
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, ids[i]);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/%s/report.json", dir, ids[i]);
        FILE *f = fopen(p, "w");
        fprintf(f, "{\"run\": {\"id\": \"%s\", \"synthetic\": %s}}", ids[i], i ? "true" : "false");
        fclose(f);
    }
    json_t *h = sw_report_history(dir, NULL, 20);
    CHECK_INT((int)json_array_size(h), 1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(h, 0), "run"), "id")), ids[0]);
    json_decref(h);
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s/report.json", dir, ids[i]);
        unlink(p);
        snprintf(p, sizeof p, "%s/%s", dir, ids[i]);
        rmdir(p);
    }
    rmdir(dir);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"rows", rows},
                                                {"writers_mark_synthetic", writers_mark_synthetic},
                                                {"load_parse", load_parse},
                                                {"history_skips_synthetic", history_skips_synthetic},
                                                {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
