/* report.md, report.html and the console summary from a correlated report. */
#include <sys/stat.h>
#include <unistd.h>

#include "report/correlate.h"
#include "report/finish.h"
#include "report/rules.h"
#include "report/writers.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static json_t *sample(void)
{
    struct sw_diag d = {0};
    json_t *r = tf_report(tf_facts("GenuineIntel", "13th Gen Intel(R) Core(TM) i9-13900K", "0xb0671", 6, 183, "0x123",
                                   NULL, "wsl2"),
                          "[" TF_VERIFY_EV(5, 4, "light") ","
                          "{\"seq\":6,\"time\":\"2026-11-23T14:50:53Z\",\"t_ns\":0,\"type\":\"kernel\",\"severity\":\"fatal\","
                          "\"cpu\":6,\"phase\":\"full\",\"text\":\"divide error: 0000 [#1] <SMP> & more\",\"kernel\":"
                          "{\"kind\":\"oops\",\"also\":\"divide_error\",\"symbols\":[\"__check_heap_object\",\"copy_strings\"]}}]",
                          1200, "completed", "null");
    json_t *rules = sw_rules_load_default(&d);
    if (!rules || sw_correlate_apply(r, rules, NULL, &d) != 0) {
        fprintf(stderr, "setup: %s\n", d.msg);
        exit(1);
    }
    json_decref(rules);
    return r;
}

static char *render(int (*fn)(const json_t *, FILE *, struct sw_diag *), const json_t *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct sw_diag d = {0};
    CHECK_MSG(fn(r, f, &d) == 0, "%s", d.msg);
    fclose(f);
    return buf;
}

static void test_markdown(void)
{
    json_t *r = sample();
    char *md = render(sw_report_write_markdown, r);
    const char *verdict = strstr(md, "**Verdict:** Unstable");
    const char *findings = strstr(md, "## Findings");
    CHECK_MSG(verdict && findings && verdict < findings, "verdict must come first:\n%s", md);
    CHECK(strstr(md, "# stresswsl report: UNSTABLE") == md);
    CHECK(strstr(md, "| CPU | 13th Gen Intel(R) Core(TM) i9-13900K |") != NULL);
    CHECK(strstr(md, "| CPU signature | 0xb0671 (family 6, model 183") != NULL);
    CHECK(strstr(md, "| Microcode (firmware-loaded) | 0x123 |") != NULL);
    CHECK(strstr(md, "| BIOS | 1402, 2024-06-24 |") != NULL);
    CHECK(strstr(md, "| Kernel | 5.15.167.4-microsoft-standard-WSL2 |") != NULL);
    CHECK(strstr(md, "| Environment / hypervisor | wsl2") != NULL);
    CHECK(strstr(md, "| compile | light | 2 | 1234 jobs | 20.5 | 0 |") != NULL);
    CHECK(strstr(md, "```sh\nstresswsl --profile compile --duration 20m\n```") != NULL);
    CHECK(strstr(md, "## Redaction") && strstr(md, "Nothing was redacted"));
    CHECK(strstr(md, "Raptor Lake CPU without any Vmin-shift microcode fix") != NULL);
    CHECK(strstr(md, "#5 2026-11-23T14:55:00Z verify_error in compile on CPU 4 (phase light)") != NULL);
    CHECK(strstr(md, "`__check_heap_object` < `copy_strings`") != NULL);
    CHECK(strstr(md, "&lt;SMP>") != NULL);   /* no raw HTML from event text */
    free(md);
    /* Redaction items are listed when present. */
    json_object_set_new(r, "redacted", json_pack("{s:[{s:s,s:i,s:s}]}", "items", "what", "user name", "count", 2,
                                                 "placeholder", "user-N"));
    md = render(sw_report_write_markdown, r);
    CHECK(strstr(md, "- user name: 2 value(s) replaced by `user-N`") != NULL);
    free(md);
    /* A command from a hostile report.json cannot close the code block and write Markdown of its own. */
    json_object_set_new(json_object_get(r, "run"), "command", json_string("stresswsl x\n```\n# Not the report\n````"));
    md = render(sw_report_write_markdown, r);
    CHECK_MSG(strstr(md, "`````sh\nstresswsl x\n```\n# Not the report\n````\n`````\n") != NULL, "%s", md);
    free(md);
    json_decref(r);
}

static void test_html(void)
{
    json_t *r = sample();
    char *html = render(sw_report_write_html, r);
    CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    CHECK(strstr(html, "Verdict: unstable") != NULL);
    CHECK(strstr(html, "<th>CPU signature</th><td>0xb0671") != NULL);
    CHECK(strstr(html, "<th>Microcode (firmware-loaded)</th><td>0x123</td>") != NULL);
    CHECK(strstr(html, "<svg") && strstr(html, "<polyline"));
    /* the kernel event 2 s after start is marked, on the run-wide axis (1200 s over 780 px: x = 111) */
    CHECK(strstr(html, "<g class=\"marker kernel\" data-t=\"2.000\" data-phase=\"1\" data-x=\"111\">") != NULL);
    CHECK(strstr(html, "fill=\"#7c3aed\"") != NULL);
    CHECK(strstr(html, "&lt;SMP&gt; &amp; more") != NULL);
    CHECK(strstr(html, "<script") == NULL && strstr(html, "src=") == NULL && strstr(html, "href=") == NULL);
    CHECK(strstr(html, "</html>") != NULL);
    const char *out = getenv("SW_TEST_HTML_OUT");
    if (out) {
        FILE *f = fopen(out, "w");
        CHECK(f != NULL);
        if (f) {
            fputs(html, f);
            fclose(f);
        }
    }
    free(html);
    json_decref(r);
}

/* One axis for the whole run: an error in the second phase is marked at its run time, inside the
 * second phase's band; the workload of that phase is drawn from the band's start. */
/* report.md and report.html come from one structure: the same sections in the same order, the same
 * event lines (phase, stack symbols) and the same previous-run and redaction parts. */
static void test_same_structure(void)
{
    json_t *r = sample();
    json_object_set_new(r, "previous_run", json_pack("{s:s,s:s,s:s,s:s,s:s,s:[]}", "id", "prev-1", "started", "s0",
                                                     "last_record", "t9", "phase", "full", "cause", "no end record",
                                                     "last_events"));
    json_object_set_new(r, "redacted", json_pack("{s:[{s:s,s:i,s:s}]}", "items", "what", "host name", "count", 3,
                                                 "placeholder", "host-N"));
    char *md = render(sw_report_write_markdown, r);
    char *html = render(sw_report_write_html, r);
    static const char *const sections[] = {"Findings", "Environment", "What ran", "Errors recorded",
                                           "The previous run ended abruptly", "Reproduce", "Redaction"};
    const char *pm = md, *ph = html;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        char want[96];
        snprintf(want, sizeof want, "\n## %s\n", sections[i]);
        const char *m = strstr(pm, want);
        CHECK_MSG(m != NULL, "report.md: section '%s' missing or out of order", sections[i]);
        pm = m ? m : pm;
        snprintf(want, sizeof want, "<h2>%s</h2>", sections[i]);
        const char *h = strstr(ph, want);
        CHECK_MSG(h != NULL, "report.html: section '%s' missing or out of order", sections[i]);
        ph = h ? h : ph;
    }
    CHECK(strstr(html, "<li>#5 2026-11-23T14:55:00Z verify_error in compile on CPU 4 (phase light)") != NULL);
    CHECK(strstr(html, "[<code>__check_heap_object</code> &lt; <code>copy_strings</code>]") != NULL);
    CHECK(strstr(md, "Run `prev-1`, started s0, last record t9 in phase `full`: no end record.") != NULL);
    CHECK(strstr(html, "Run <code>prev-1</code>, started s0, last record t9 in phase <code>full</code>: no end record.") !=
          NULL);
    CHECK(strstr(md, "- host name: 3 value(s) replaced by `host-N`\n") != NULL);
    CHECK(strstr(html, "<li>host name: 3 value(s) replaced by <code>host-N</code></li>") != NULL);
    CHECK(strstr(md, "| Workload | Phase | Workers | Operations | Rate per second | Errors |\n|---|---|---:|") != NULL);
    CHECK(strstr(html, "<td class=\"num\">1234 jobs</td>") != NULL);
    free(md);
    free(html);
    json_decref(r);
}

/* sw_html_timeline's output for report r (free it). */
static char *timeline_text(const json_t *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sw_html_timeline(f, r);
    fclose(f);
    return buf;
}

static void test_timeline_phases(void)
{
    json_t *r = json_loads("{\"run\": {\"start\": \"2026-11-23T14:00:00Z\", \"duration_s\": 1200},"
                           " \"plan\": {\"phases\": [{\"name\": \"a\"}, {\"name\": \"b\", \"duty\": {\"on_ms\": 100000, \"off_ms\": 100000}}]},"
                           " \"events\": ["
                           "  {\"seq\": 1, \"time\": \"2026-11-23T14:00:00Z\", \"type\": \"phase\", \"severity\": \"info\", \"phase\": \"a\"},"
                           "  {\"seq\": 2, \"time\": \"2026-11-23T14:10:00Z\", \"type\": \"phase\", \"severity\": \"info\", \"phase\": \"b\"},"
                           "  {\"seq\": 3, \"time\": \"2026-11-23T14:15:00Z\", \"type\": \"verify_error\", \"severity\": \"error\","
                           "   \"cpu\": 3, \"workload\": \"compute\"}],"
                           " \"workloads\": [{\"name\": \"compute\", \"phase\": \"b\", \"trial\": 1,"
                           "   \"series\": {\"interval_s\": 1, \"ops\": [5, 10]}}]}", 0, NULL);
    CHECK(r != NULL);
    char *buf = timeline_text(r);
    /* 780 px for 1200 s from x = 110: phase b starts at 600 s (x 500), the error at 900 s (x 695) */
    CHECK(strstr(buf, "<rect class=\"band\" data-phase=\"2\" data-trial=\"1\" x=\"500\" y=\"22\" width=\"390\"") != NULL);
    CHECK(strstr(buf, "<g class=\"marker error\" data-t=\"900.000\" data-phase=\"2\" data-x=\"695\">") != NULL);
    CHECK(strstr(buf, ">CPU 3<") != NULL);
    CHECK(strstr(buf, "points=\"501,") != NULL);   /* phase b's rate starts at its band */
    CHECK(strstr(buf, "<rect class=\"idle\" x=\"565\"") != NULL);   /* off after 100 s on */
    free(buf);
    json_decref(r);
}

static ssize_t count_write(void *cookie, const char *buf, size_t n)
{
    (void)buf;
    *(size_t *)cookie += n;
    return (ssize_t)n;
}

/* The bytes sw_html_timeline writes for report r (counted, not kept). */
static size_t timeline_bytes(const json_t *r)
{
    size_t n = 0;
    FILE *f = fopencookie(&n, "w", (cookie_io_functions_t){NULL, count_write, NULL, NULL});
    CHECK(f != NULL);
    if (!f)
        return 0;
    sw_html_timeline(f, r);
    fclose(f);
    return n;
}

/* The idle shading stays bounded: a day of 100 ms on / 100 ms off drew 432,000 rects (60 MB of
 * report.html), and a report's own duty and duration (hostile, or a month of cycles) could make the
 * loop run for ever. Cycles finer than two pixels are one rect shaded by the idle share. */
static void test_timeline_bounded(void)
{
    static const char *const reports[] = {
        "{\"run\": {\"duration_s\": 86400}, \"plan\": {\"phases\": [{\"name\": \"p\", \"duty\": {\"on_ms\": 100, \"off_ms\": 100}}]}}",
        "{\"run\": {\"duration_s\": 1e9}, \"plan\": {\"phases\": [{\"name\": \"p\", \"duty\": {\"on_ms\": 1e-9, \"off_ms\": 1e-9}}]}}",
    };
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        json_t *r = json_loads(reports[i], 0, NULL);
        CHECK(r != NULL);
        size_t n = r ? timeline_bytes(r) : 0;
        CHECK_MSG(n > 0 && n < 64 * 1024, "report %zu: %zu bytes of timeline", i, n);
        json_decref(r);
    }
    json_t *r = json_loads(reports[0], 0, NULL);
    char *buf = timeline_text(r);
    CHECK(strstr(buf, "idle 50% of the time (duty cycle: 0.1 s on, 0.1 s off)") != NULL);
    free(buf);
    json_decref(r);
}

static void test_console(void)
{
    json_t *r = sample();
    json_object_set_new(json_object_get(r, "run"), "run_dir", json_string("/tmp/runs/x"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct sw_diag d = {0};
    CHECK(sw_report_write_console(r, f, false, &d) == 0);
    fclose(f);
    /* The status word once, coloured or upper-case, then the summary without its own "Unstable:". */
    CHECK_MSG(strncmp(buf, "UNSTABLE: ", 10) == 0 && strncmp(buf + 10, "Unstable", 8) != 0, "%s", buf);
    CHECK(strstr(buf, "1. [high] Raptor Lake CPU without any Vmin-shift microcode fix") != NULL);
    CHECK(strstr(buf, "What to do: Update the BIOS") != NULL);
    CHECK(strstr(buf, "/tmp/runs/x/report.md") != NULL);
    CHECK(strchr(buf, '\033') == NULL);
    free(buf);
    json_decref(r);
}

static void test_write_files(void)
{
    json_t *r = sample();
    char dir[256];
    sw_test_tmpdir(dir, sizeof dir, "sw-writers");
    struct sw_diag d = {0};
    CHECK_MSG(sw_report_write_files(r, dir, &d) == 0, "%s", d.msg);
    char p[128];
    snprintf(p, sizeof p, "%s/report.md", dir);
    CHECK(access(p, R_OK) == 0);
    unlink(p);
    snprintf(p, sizeof p, "%s/report.html", dir);
    CHECK(access(p, R_OK) == 0);
    unlink(p);
    CHECK(rmdir(dir) == 0);   /* no temp files left behind */
    CHECK(sw_report_write_files(r, "/nonexistent-dir", &d) != 0 && strstr(d.msg, "/nonexistent-dir"));
    json_decref(r);
}

/* The two calls the end of a run makes: history from the runs directory, then finish. */
static void test_finish_and_history(void)
{
    char dir[256];
    sw_test_tmpdir(dir, sizeof dir, "sw-finish");
    char p[256];
    const char *ids[] = {"20261121-100000-aaaa", "20261122-100000-bbbb", "20261123-100000-cccc"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, ids[i]);
        mkdir(p, 0755);
    }
    json_t *r = tf_report(tf_facts("GenuineIntel", "13th Gen Intel(R) Core(TM) i9-13900K", "0xb0671", 6, 183, "0x12f",
                                   NULL, "wsl2"), "[]", 1200, "completed", "null");
    for (int i = 0; i < 2; i++) {   /* two earlier runs: one unstable */
        json_object_set_new(r, "verdict", json_pack("{s:s,s:s}", "status", i ? "unstable" : "stable", "summary", "x"));
        snprintf(p, sizeof p, "%s/%s/report.json", dir, ids[i]);
        json_dump_file(r, p, 0);
    }
    json_object_del(r, "verdict");
    json_t *hist = sw_report_history(dir, ids[2], 20);
    CHECK_INT(json_array_size(hist), 2);
    CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(hist, 0), "verdict"), "status")),
              "unstable");   /* newest first */
    struct sw_diag d = {0};
    snprintf(p, sizeof p, "%s/%s", dir, ids[2]);
    CHECK_MSG(sw_report_finish(r, p, hist, &d) == 0, "%s", d.msg);
    const char *vs = json_string_value(json_object_get(json_object_get(r, "verdict"), "summary"));
    CHECK_MSG(vs && strstr(vs, "Stable") && strstr(vs, "1 of 2 earlier runs"), "%s", vs ? vs : "");
    const char *files[] = {"report.json", "report.md", "report.html"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s/%s", dir, ids[2], files[i]);
        CHECK_MSG(access(p, R_OK) == 0, "%s missing", p);
    }
    snprintf(p, sizeof p, "%s/%s/report.json", dir, ids[2]);
    json_t *back = json_load_file(p, 0, NULL);
    CHECK(back && json_object_get(back, "verdict") && json_is_array(json_object_get(back, "findings")));
    json_decref(back);
    json_t *none = sw_report_history("/nonexistent", NULL, 5);
    CHECK(none && json_array_size(none) == 0);
    json_decref(none);
    json_decref(hist);
    json_decref(r);
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    CHECK(system(p) == 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"markdown", test_markdown},
        {"html", test_html}, {"same_structure", test_same_structure}, {"timeline_phases", test_timeline_phases},
        {"timeline_bounded", test_timeline_bounded},
        {"console", test_console},
        {"write_files", test_write_files},
        {"finish_and_history", test_finish_and_history},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
