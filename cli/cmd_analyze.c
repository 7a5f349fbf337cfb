/* stresswsl analyze FILE... [--json]: classify saved kernel logs (dmesg, journalctl -k, kern.log,
 * WSL GuestLog exports, Hyper-V event 18590 text) with the same classifier the live monitor uses.
 * Exit: the verdict's (report/verdict.h: 0, 1 or 5), 2 for bad options/unreadable files. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/event_json.h"
#include "probes/kmsg_classify.h"
#include "probes/probe.h"
#include "report/correlate.h"
#include "report/rules.h"
#include "report/verdict.h"
#include "report/writers.h"
#include "probes/kmsg_line.h"

#define DETECT_LINES 32

struct analyze_file {
    const char *path;
    enum sw_kmsg_format fmt;
    uint64_t lines, kernel_lines;
    int worst;              /* highest severity seen, -1 none */
    json_t *events;         /* --json only */
    unsigned nevents;
    bool header_done;       /* readable mode: "FILE:" printed */
};

static void usage(FILE *to)
{
    fprintf(to, "usage: stresswsl analyze FILE... [--json]\n\n"
                "Classifies saved kernel logs and lists the kernel events in them (oops, BUG, panic,\n"
                "lockups, RCU stalls, hung tasks, machine checks, OOM kills, user-space crashes).\n"
                "FILE may be dmesg output, journalctl -k, /var/log/kern.log or syslog, a /dev/kmsg dump,\n"
                "a WSL GuestLog CSV/TSV export, or the text of Windows event 18590 (\"Guest message:\").\n"
                "'-' reads standard input.\n\n"
                "  --json              print {\"files\": [{\"path\", \"format\", \"lines\", \"events\": [...]}],\n"
                "                      \"findings\": [...], \"verdict\": {...}}\n"
                "The events are matched against the rules database (what they point to, in plain words).\n"
                "The facts about the machine the log came from are taken from, in this order:\n"
                "  --facts FILE        a `stresswsl probe --json` snapshot the user sent\n"
                "  --cpuid-dump FILE, --sysroot DIR, --host-replay DIR   recorded data (see probe --help)\n"
                "  (none of these)     this machine, without asking the Windows host\n"
                "  --no-facts          match the events alone\n\n"
                "examples:\n"
                "  sudo dmesg > k.txt; stresswsl analyze k.txt\n"
                "  journalctl -k -b -1 | stresswsl analyze -            the previous boot's kernel log\n"
                "  stresswsl analyze --facts probe.json --json user-dmesg.txt\n\n"
                "Exit status (the verdict's): 0 nothing wrong found, 1 unstable (a crash, kernel error or\n"
                "machine check, whatever its cause), 5 only a configuration limit (out-of-memory kills,\n"
                "allocation failures), 2 bad option or unreadable file.\n");
}

static void ts_text(const struct sw_kmsg_hit *h, char *buf, size_t cap)
{
    if (h->ts_us >= 0)
        snprintf(buf, cap, "[%5lld.%06lld]", (long long)(h->ts_us / 1000000), (long long)(h->ts_us % 1000000));
    else if (h->stamp[0])
        snprintf(buf, cap, "%s", h->stamp);
    else
        snprintf(buf, cap, "line %u", h->line_no);
}

static void emit(struct analyze_file *af, const struct sw_kmsg_hit *h, bool json, uint64_t *seq)
{
    if ((int)h->ev.sev > af->worst)
        af->worst = h->ev.sev;
    af->nevents++;
    if (!json) {
        char when[48], line[512];
        if (!af->header_done)
            printf("%s:\n", af->path);
        af->header_done = true;
        ts_text(h, when, sizeof when);
        sw_kmsg_event_line(&h->ev, line, sizeof line);
        printf("  %s  %s\n", when, line);
    }
    struct sw_event ev = h->ev;
    ev.seq = ++*seq;
    json_t *o = sw_event_to_json(&ev, NULL);
    if (!o)
        return;
    if (!ev.t_ns)
        json_object_set_new(o, "time", json_null());   /* the log had no wall-clock date */
    /* analyze-only fields (docs/report-schema.md, "stresswsl analyze"): where the event is in the file. */
    json_t *k = json_object_get(o, "kernel");
    if (k) {
        json_object_set_new(k, "ts", h->ts_us >= 0 ? json_real((double)h->ts_us / 1e6) : json_null());
        json_object_set_new(k, "stamp", h->stamp[0] ? json_string(h->stamp) : json_null());
        json_object_set_new(k, "line", json_integer(h->line_no));
    }
    json_array_append_new(af->events, o);
}

static void drain(struct sw_kmsg_cls *c, struct analyze_file *af, bool json, uint64_t *seq)
{
    struct sw_kmsg_hit h;
    while (sw_kmsg_cls_pop(c, &h))
        emit(af, &h, json, seq);
}

static void feed_line(struct sw_kmsg_reader *r, struct sw_kmsg_cls *c, struct analyze_file *af, const char *s,
                      size_t n, bool json, uint64_t *seq)
{
    static struct sw_kmsg_line l;   /* 1 KiB+: keep it off the stack of a deep caller */
    af->lines++;
    sw_kmsg_reader_feed(r, s, n);
    bool kernel = false;
    while (sw_kmsg_reader_next(r, &l)) {
        if (sw_kmsg_cls_feed(c, &l))
            kernel = true;
        drain(c, af, json, seq);
    }
    if (kernel)
        af->kernel_lines++;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Returns 0, or -errno if the file could not be read. */
static int analyze_stream(FILE *in, struct analyze_file *af, bool json, uint64_t *seq)
{
    char *held[DETECT_LINES];
    size_t held_len[DETECT_LINES], nheld = 0, nonblank = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int err = 0;
    /* Format detection looks at the first non-empty lines, so they are held back until then. */
    while (nonblank < DETECT_LINES && nheld < DETECT_LINES && (n = getline(&line, &cap, in)) >= 0) {
        held[nheld] = line;
        held_len[nheld] = (size_t)n;
        if (!blank(line, (size_t)n))
            nonblank++;
        nheld++;
        line = NULL;
        cap = 0;
    }
    const char *det[DETECT_LINES];
    size_t det_len[DETECT_LINES], nd = 0;
    for (size_t i = 0; i < nheld; i++)
        if (!blank(held[i], held_len[i])) {
            det[nd] = held[i];
            det_len[nd++] = held_len[i];
        }
    af->fmt = sw_kmsg_detect(det, det_len, nd);

    static struct sw_kmsg_cls c;
    struct sw_kmsg_reader r;
    sw_kmsg_cls_init(&c);
    sw_kmsg_reader_init(&r, af->fmt);
    for (size_t i = 0; i < nheld; i++) {
        feed_line(&r, &c, af, held[i], held_len[i], json, seq);
        free(held[i]);
    }
    if (nheld == DETECT_LINES || nonblank == DETECT_LINES)
        while ((n = getline(&line, &cap, in)) >= 0)
            feed_line(&r, &c, af, line, (size_t)n, json, seq);
    if (ferror(in))
        err = -EIO;
    free(line);
    sw_kmsg_cls_flush(&c);
    drain(&c, af, json, seq);
    return err;
}

/* Where the facts for the correlator come from. */
struct facts_opt {
    const char *facts_file, *cpuid_dump, *sysroot, *host_replay;
    bool none;
};

/* Consumes a facts option at argv[*i] (and its value). With o == NULL only recognises it (second pass).
 * Returns true if argv[*i] was one; *bad is set for a missing value (after printing the error). */
static bool facts_option(int argc, char **argv, int *i, struct facts_opt *o, bool *bad)
{
    static const char *const with_value[] = {"--facts", "--cpuid-dump", "--sysroot", "--host-replay"};
    if (!strcmp(argv[*i], "--no-facts")) {
        if (o)
            o->none = true;
        return true;
    }
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
        if (strcmp(argv[*i], with_value[k]) != 0)
            continue;
        if (*i + 1 >= argc) {
            if (bad) {
                sw_cli_error(SW_EXIT_USAGE, "analyze: %s needs a value: see 'stresswsl analyze --help'", argv[*i]);
                *bad = true;
            }
            return true;
        }
        const char *v = argv[++*i];
        if (o) {
            const char **slot[] = {&o->facts_file, &o->cpuid_dump, &o->sysroot, &o->host_replay};
            *slot[k] = v;
        }
        return true;
    }
    return false;
}

/* The facts object for the correlator, and a description of where it came from. NULL (after an error
 * line) when the user's facts file is unusable. */
static json_t *load_facts(const struct facts_opt *o, const char **source)
{
    struct sw_diag d = {{0}};
    if (o->none) {
        *source = "none (--no-facts)";
        return json_null();
    }
    if (o->facts_file) {
        json_error_t je;
        json_t *f = json_load_file(o->facts_file, 0, &je);
        if (!f || !json_is_object(f)) {
            sw_cli_error(SW_EXIT_USAGE, "analyze: --facts %s: %s (give the output of 'stresswsl probe --json')",
                         o->facts_file, f ? "not a JSON object" : je.text);
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
        *source = o->facts_file;
        return f;
    }
    struct sw_probe_env env = {.sysroot = o->sysroot, .cpuid_dump = o->cpuid_dump, .host_replay = o->host_replay,
                               .skip_host = o->host_replay == NULL};
    json_t *f = sw_probe_snapshot(&env, &d);
    if (!f) {
        sw_cli_error(SW_EXIT_USAGE, "analyze: %s", d.msg);
        return NULL;
    }
    *source = (o->sysroot || o->cpuid_dump || o->host_replay) ? "recorded data (replay options)"
                                                              : "this machine (use --facts for the user's)";
    return f;
}

/* Builds a report.json-shaped object from the analyzed events and the facts, runs the correlator, and
 * (readable mode) prints the verdict and findings. *rc becomes 1 when the verdict is unstable. */
static json_t *analyzed_report(json_t *events, const struct facts_opt *o, bool json, int *rc)
{
    const char *source = "";
    json_t *facts = load_facts(o, &source);
    if (!facts) {
        json_decref(events);
        return NULL;
    }
    json_t *report = json_pack("{s:i, s:{s:s, s:s}, s:o, s:{s:o, s:n}, s:[], s:s}", "schema_version", 1, "run",
                               "status", "analyzed", "profile", "analyze", "events", events, "facts", "before",
                               facts, "after", "findings", "facts_source", source);
    struct sw_diag d = {{0}};
    json_t *rules = sw_rules_load_default(&d);
    if (!rules) {
        sw_cli_warn("analyze: no findings: %s", d.msg);
        rules = json_pack("{s:i,s:[]}", "rules_version", 1, "rules");   /* the verdict from the events alone */
    }
    if (sw_correlate_apply(report, rules, NULL, &d) < 0)
        sw_cli_warn("analyze: no findings: %s", d.msg);
    json_decref(rules);
    *rc = sw_verdict_exit_code(report);   /* report/verdict.h: the one place that decides it */
    if (!json) {
        printf("\nfacts about the machine: %s\n", source);
        sw_report_write_console(report, stdout, sw_cli_use_color(), &d);
    }
    return report;
}

int cmd_analyze(int argc, char **argv)
{
    bool json = false, bad = false;
    int nfiles = 0;
    struct facts_opt facts_opt = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return SW_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (facts_option(argc, argv, &i, &facts_opt, &bad)) {
            if (bad)
                return SW_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return sw_cli_error(SW_EXIT_USAGE, "analyze: unknown option '%s': see 'stresswsl analyze --help'", argv[i]);
        } else {
            nfiles++;
        }
    }
    if (nfiles == 0)
        return sw_cli_error(SW_EXIT_USAGE,
                            "analyze needs at least one log file (dmesg, journalctl -k, kern.log; '-' for stdin)");

    json_t *files = json_array(), *all_events = json_array();
    int rc_usage = 0;
    uint64_t seq = 0;
    for (int i = 1; i < argc; i++) {
        const char *path = argv[i];
        if (!strcmp(path, "--json"))
            continue;
        if (facts_option(argc, argv, &i, NULL, NULL))
            continue;
        bool is_stdin = !strcmp(path, "-");
        FILE *in = is_stdin ? stdin : fopen(path, "r");
        if (!in) {
            sw_cli_error(SW_EXIT_USAGE, "cannot read '%s': %s (give a saved dmesg/journalctl -k/kern.log file)",
                         path, strerror(errno));
            rc_usage = 1;
            continue;
        }
        struct analyze_file af = {.path = is_stdin ? "<stdin>" : path, .worst = -1};
        af.events = json_array();
        int err = analyze_stream(in, &af, json, &seq);
        if (!is_stdin)
            fclose(in);
        if (err) {
            sw_cli_error(SW_EXIT_USAGE, "cannot read '%s': %s", af.path, strerror(-err));
            rc_usage = 1;
        }
        bool nolog = af.kernel_lines == 0;
        if (nolog) {
            if (json)
                fprintf(stderr, "%s: no kernel log lines found (is this a dmesg/journalctl -k/kern.log export?)\n",
                        af.path);
            else
                printf("%s: no kernel log lines found (is this a dmesg/journalctl -k/kern.log export?)\n", af.path);
        } else if (!json) {
            if (af.nevents == 0)
                printf("%s: no kernel errors found", af.path);
            printf("  (%s format, %llu lines, %llu kernel lines, %u event%s)\n", sw_kmsg_format_name(af.fmt),
                   (unsigned long long)af.lines, (unsigned long long)af.kernel_lines, af.nevents,
                   af.nevents == 1 ? "" : "s");
        }
        if (json) {
            json_t *f = json_object();
            json_object_set_new(f, "path", json_string(af.path));
            json_object_set_new(f, "format", json_string(sw_kmsg_format_name(af.fmt)));
            json_object_set_new(f, "lines", json_integer((json_int_t)af.lines));
            json_object_set_new(f, "kernel_lines", json_integer((json_int_t)af.kernel_lines));
            json_object_set_new(f, "events", json_incref(af.events));
            json_array_append_new(files, f);
        }
        json_array_extend(all_events, af.events);
        json_decref(af.events);
    }
    int verdict_rc = SW_EXIT_OK;
    json_t *report = analyzed_report(all_events, &facts_opt, json, &verdict_rc);
    if (!report)
        rc_usage = 1;
    if (json && report) {
        json_t *root = json_object();
        json_object_set_new(root, "files", files);
        json_object_set(root, "facts_source", json_object_get(report, "facts_source"));
        json_object_set(root, "findings", json_object_get(report, "findings"));
        json_object_set(root, "verdict", json_object_get(report, "verdict"));
        char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s) {
            puts(s);
            free(s);
        }
        json_decref(root);
    } else {
        json_decref(files);
    }
    json_decref(report);
    if (rc_usage)
        return SW_EXIT_USAGE;
    return verdict_rc;
}
