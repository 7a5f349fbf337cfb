/* stresswsl analyze FILE... [--json]: classify saved kernel logs (dmesg in any of its forms, journalctl -k,
 * kern.log, WSL GuestLog exports, Hyper-V event 18590 text) with the same classifier the live monitor
 * uses, and explain them with the facts the log itself states (cli_analyze_facts.c). Input is streamed
 * through one fixed buffer (cli_analyze_input.c) and the events kept per kind are capped, so memory
 * stays flat on any input. Exit: the verdict's (report/verdict.h: 0, 1, 5), 2 for bad options or
 * input that is not a kernel log. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analyze.h"
#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "core/event_json.h"
#include "probes/kmsg_classify.h"
#include "probes/kmsg_facts.h"
#include "probes/kmsg_line.h"
#include "report/correlate.h"
#include "report/rules.h"
#include "report/verdict.h"
#include "report/writers.h"

#define DETECT_LINES 32
#define DETECT_LINE_MAX 8192
#define KEEP_PER_KIND 100   /* events kept per kind and file; the rest are counted */
#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)

struct analyze_file {
    const char *path;
    enum sw_kmsg_format fmt;
    uint64_t lines, kernel_lines;
    int worst;              /* highest severity seen, -1 none */
    json_t *events;
    unsigned nevents;       /* events found (kept or not) */
    unsigned kept[SW_KLOG_KIND_COUNT], omitted[SW_KLOG_KIND_COUNT];
    bool header_done;       /* readable mode: "FILE:" printed */
    struct sw_kmsg_facts facts;
};

enum { O_JSON, O_THIS_MACHINE, O_FACTS, O_CPUID_DUMP, O_SYSROOT, O_HOST_REPLAY, O_NO_FACTS };
static const struct sw_opt k_opts[] = {
    {O_JSON, "json", 0, 0, SW_OPT_FLAG, NULL,
     "print {\"files\": [{\"path\", \"format\", \"lines\", \"events\": [...]}], \"facts\", \"fact_conflicts\", "
     "\"findings\": [...], \"verdict\": {...}} on stdout"},
    {O_THIS_MACHINE, "this-machine", 0, 0, SW_OPT_FLAG, NULL, "add this machine's facts, without asking the Windows host"},
    {O_FACTS, "facts", 0, 0, SW_OPT_VALUE, "FILE", "add the facts of a `stresswsl probe --json` snapshot the user sent"},
    {O_CPUID_DUMP, "cpuid-dump", 0, 0, SW_OPT_VALUE, "FILE", "add facts from recorded data (see probe --help)"},
    {O_SYSROOT, "sysroot", 0, 0, SW_OPT_VALUE, "DIR", "add facts from a recorded /proc and /sys tree"},
    {O_HOST_REPLAY, "host-replay", 0, 0, SW_OPT_VALUE, "DIR", "add facts from recorded Windows host outputs"},
    {O_NO_FACTS, "no-facts", 0, 0, SW_OPT_FLAG, NULL, "match the events alone"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_cmd = {
    .name = "analyze",
    .usage = "usage: stresswsl analyze [--json] [--this-machine | --facts FILE | --no-facts]\n"
             "                         [--] FILE...\n",
    .about = "Classifies saved kernel logs and lists the kernel events in them (oops, BUG, panic, lockups, RCU "
             "stalls, hung tasks, machine checks, OOM kills, KASAN/UBSAN/lockdep reports, user-space crashes). "
             "FILE may be dmesg output (also -T, -H, -x, -r), journalctl -k in any language, /var/log/kern.log or "
             "syslog, a /dev/kmsg dump, mcelog/rasdaemon text, a WSL GuestLog CSV/TSV export, or the text of "
             "Windows event 18590 (\"Guest message:\"). '-' reads standard input; '--' ends the options, so "
             "'analyze -- -file.log' reads a file whose name starts with '-'.\n\nThe events are matched against "
             "the rules database (what they point to, in plain words). The facts about the machine the log came "
             "from are, by default, what the log itself states (kernel release, taint, DMI, hypervisor, CPU of a "
             "machine check, microcode). The options below add a machine's facts; what the log states still wins "
             "and disagreements are listed. At most " NUMBER_TEXT(KEEP_PER_KIND) " events of each kind are listed per file; "
             "the rest are "
             "counted.",
    .opts = k_opts,
    .operands = true,
    .epilog = "examples:\n"
              "  sudo dmesg > k.txt; stresswsl analyze k.txt\n"
              "  journalctl -k -b -1 | stresswsl analyze -     the previous boot's kernel log\n"
              "  stresswsl analyze --facts probe.json --json user-dmesg.txt\n\n"
              "Exit status (the verdict's): 0 no errors in the logs, 1 unstable (a crash,\n"
              "kernel error or machine check, whatever its cause), 5 only a configuration limit\n"
              "(out-of-memory kills, allocation failures), 2 bad option, or a file that is not\n"
              "a readable kernel log.\n",
};

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
    unsigned k = h->ev.klog_kind < SW_KLOG_KIND_COUNT ? h->ev.klog_kind : 0;
    if (af->kept[k] >= KEEP_PER_KIND) {
        af->omitted[k]++;   /* counted, not kept: memory stays bounded on a log of a million segfaults */
        return;
    }
    af->kept[k]++;
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
    json_t *kb = json_object_get(o, "kernel");
    if (kb) {
        json_object_set_new(kb, "ts", h->ts_us >= 0 ? json_real((double)h->ts_us / 1e6) : json_null());
        json_object_set_new(kb, "stamp", h->stamp[0] ? json_string(h->stamp) : json_null());
        json_object_set_new(kb, "line", json_integer(h->line_no));
    }
    json_array_append_new(af->events, o);
}

static void drain(struct sw_kmsg_cls *c, struct analyze_file *af, bool json, uint64_t *seq)
{
    if (!c->q_len)
        return;   /* nearly every line: nothing to pop */
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
        sw_kmsg_cls_set_line(c, (uint32_t)af->lines);
        if (sw_kmsg_cls_feed(c, &l)) {
            kernel = true;
            sw_kmsg_facts_feed(&af->facts, l.text, l.text_len, (uint32_t)af->lines);
        }
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

/* The second half's results from its line k on (cli_analyze_split.c), as one pass would have made them:
 * events and fact lines in file order, then the counts. base: the lines before the seam. */
static void take_second_half(const struct sw_analyze_half *h, struct analyze_file *af, uint64_t k, uint64_t base,
                             bool json, uint64_t *seq)
{
    for (size_t i = 0; i < h->nhits; i++)
        if (h->hits[i].at >= k) {
            struct sw_kmsg_hit hit = h->hits[i].h;
            hit.line_no += (uint32_t)base;
            emit(af, &hit, json, seq);
        }
    size_t pos = 0, len;
    uint32_t line;
    for (const char *t; (t = sw_analyze_half_fact(h, &pos, &line, &len)) != NULL;)
        if (line >= k)
            sw_kmsg_facts_feed(&af->facts, t, len, (uint32_t)(base + line));
    af->kernel_lines += h->kernel_lines - sw_analyze_half_kernel_before(h, k);
    af->lines = base + h->lines;
}

/* Streams one file through detect + reader + classifier. The first non-empty lines are held (copied into
 * a fixed buffer) until the format is known. Returns 0, or an errno of a failed read. */
static int analyze_stream(struct sw_line_reader *in, struct analyze_file *af, bool json, uint64_t *seq)
{
    static char held[DETECT_LINES][DETECT_LINE_MAX + 1];
    size_t held_len[DETECT_LINES], nheld = 0, nonblank = 0;
    const char *s;
    size_t n;
    bool more = true;
    while (nonblank < DETECT_LINES && nheld < DETECT_LINES && (more = sw_ar_next(in, &s, &n))) {
        size_t k = n < DETECT_LINE_MAX ? n : DETECT_LINE_MAX;
        memcpy(held[nheld], s, k);
        held[nheld][k] = '\0';   /* the reader parses lines in place: each ends in a NUL */
        held_len[nheld++] = k;
        if (!blank(s, n))
            nonblank++;
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
    r.inplace = true;   /* lines from sw_ar_next and held[] end in a NUL: messages are not copied */
    sw_kmsg_facts_init(&af->facts);
    /* a big log: its second half on a second CPU, joined below where one pass would agree */
    static struct sw_analyze_half half;
    bool split = more && in->own_fd && sw_analyze_half_start(&half, in->fd, af->fmt) == 0, joined = false;
    uint64_t base = 0, k = 0, seam = split ? half.seam : UINT64_MAX;   /* a copy: the other thread writes half */
    for (size_t i = 0; i < nheld; i++)
        feed_line(&r, &c, af, held[i], held_len[i], json, seq);
    while (more && sw_ar_next(in, &s, &n)) {
        if (!joined && in->line_off >= seam) {   /* the second half's first line */
            sw_analyze_half_join(&half, false);
            joined = true;
            split = half.usable && in->line_off == seam;
            base = af->lines;
        }
        if (split && joined) {
            k++;   /* this line's number in the second half */
            if (sw_kmsg_cls_idle(&c) && sw_analyze_half_idle_at(&half, k)) {
                take_second_half(&half, af, k, base, json, seq);
                if (getenv("STRESSWSL_ANALYZE_SPLIT_MIN"))   /* the tests' hook: say where it joined */
                    fprintf(stderr, "analyze: %s: second half joined at line %llu (%llu past the seam)\n", af->path,
                            (unsigned long long)(base + k), (unsigned long long)k);
                break;   /* the rest is the second half's */
            }
            split = k < SW_SPLIT_WINDOW;   /* not met in the window: one pass to the end */
        }
        feed_line(&r, &c, af, s, n, json, seq);
    }
    sw_analyze_half_free(&half);
    sw_kmsg_cls_flush(&c);
    drain(&c, af, json, seq);
    return in->err;
}

/* Builds a report.json-shaped object from the analyzed events and the facts, runs the correlator, and
 * (readable mode) prints the verdict and findings. *rc becomes 1 when the verdict is unstable. */
static json_t *analyzed_report(json_t *events, json_t *facts, json_t *conflicts, const char *source, bool json,
                               int *rc)
{
    json_t *report = json_pack("{s:i, s:{s:s, s:s}, s:o, s:{s:o, s:n}, s:o, s:[], s:s}", "schema_version", 1, "run",
                               "status", "analyzed", "profile", "analyze", "events", events, "facts", "before",
                               facts, "after", "fact_conflicts", conflicts, "findings", "facts_source", source);
    struct sw_diag d = {0};
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
        size_t i;
        json_t *c;
        json_array_foreach(conflicts, i, c) {
            char *lv = json_dumps(json_object_get(c, "log"), JSON_ENCODE_ANY);
            char *gv = json_dumps(json_object_get(c, "given"), JSON_ENCODE_ANY);
            printf("  %s: the log says %s, the given facts say %s (the log's is used)\n",
                   json_string_value(json_object_get(c, "fact")), lv ? lv : "?", gv ? gv : "?");
            free(lv);
            free(gv);
        }
        sw_report_write_console(report, stdout, sw_cli_use_color(), &d);
    }
    return report;
}

/* The exit code of analyze: 2 for unusable input, else the verdict's (report/verdict.h). */
static int analyze_exit_code(bool usage_error, int verdict_rc)
{
    return usage_error ? SW_EXIT_USAGE : verdict_rc;
}

static json_t *omitted_json(const struct analyze_file *af)
{
    json_t *o = json_object();
    for (int k = 1; k < SW_KLOG_KIND_COUNT; k++)
        if (af->omitted[k])
            json_object_set_new(o, sw_klog_kind_name((enum sw_klog_kind)k), json_integer(af->omitted[k]));
    return o;
}

static void print_summary(const struct analyze_file *af)
{
    for (int k = 1; k < SW_KLOG_KIND_COUNT; k++)
        if (af->omitted[k])
            printf("  ... and %u more %s event%s not listed (the first %d are)\n", af->omitted[k],
                   sw_klog_kind_name((enum sw_klog_kind)k), af->omitted[k] == 1 ? "" : "s", KEEP_PER_KIND);
    if (af->nevents == 0)
        printf("%s: no kernel errors found", af->path);
    printf("  (%s format, %llu lines, %llu kernel lines, %u event%s)\n", sw_kmsg_format_name(af->fmt),
           (unsigned long long)af->lines, (unsigned long long)af->kernel_lines, af->nevents,
           af->nevents == 1 ? "" : "s");
}

int cmd_analyze(int argc, char **argv)
{
    bool json = false;
    int nfiles = 0;
    struct sw_analyze_facts_opt facts_opt = {0};
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths)
        return sw_cli_error(SW_EXIT_INTERNAL, "analyze: out of memory");
    struct sw_opt_state st = sw_opt_start(&k_cmd, argc, argv);
    const char *val;
    for (int id; (id = sw_opt_get(&st, &val)) != SW_OPT_END;) {
        const char **slot[] = {[O_FACTS] = &facts_opt.facts_file, [O_CPUID_DUMP] = &facts_opt.cpuid_dump,
                               [O_SYSROOT] = &facts_opt.sysroot, [O_HOST_REPLAY] = &facts_opt.host_replay};
        if (id == SW_OPT_EXIT) {
            free(paths);
            return st.exit_code;
        } else if (id == SW_OPT_OPERAND) {
            paths[nfiles++] = val;
        } else if (id == O_JSON) {
            json = true;
        } else if (id == O_NO_FACTS) {
            facts_opt.none = true;
        } else if (id == O_THIS_MACHINE) {
            facts_opt.this_machine = true;
        } else {
            *slot[id] = val;
        }
    }
    if (nfiles == 0) {
        free(paths);
        return sw_cli_error(SW_EXIT_USAGE,
                            "analyze needs at least one log file (dmesg, journalctl -k, kern.log; '-' for stdin)");
    }

    json_t *files = json_array(), *all_events = json_array();
    bool usage_error = false;
    uint64_t seq = 0;
    static struct analyze_file af;
    static struct sw_kmsg_facts first_facts;
    const char *first_format = NULL;
    uint64_t first_lines = 0, first_kernel_lines = 0;
    for (int i = 0; i < nfiles; i++) {
        const char *path = paths[i];
        char why[512];
        struct sw_line_reader in;
        if (sw_ar_open(&in, path, why, sizeof why) != 0) {
            sw_cli_error(SW_EXIT_USAGE, "%s", why);
            usage_error = true;
            continue;
        }
        memset(&af, 0, sizeof af);
        af.path = strcmp(path, "-") ? path : "<stdin>";
        af.worst = -1;
        af.events = json_array();
        int err = analyze_stream(&in, &af, json, &seq);
        sw_ar_close(&in);
        if (err) {
            sw_cli_error(SW_EXIT_USAGE, "cannot read '%s': %s", af.path, strerror(err));
            usage_error = true;
        }
        if (af.kernel_lines == 0) {
            sw_cli_error(SW_EXIT_USAGE, "'%s' is not a kernel log: no kernel log lines in its %llu lines (give dmesg, "
                         "journalctl -k or kern.log output)", af.path, (unsigned long long)af.lines);
            usage_error = true;
        } else {
            if (!json)
                print_summary(&af);
            if (!first_format) {
                first_facts = af.facts;
                first_format = sw_kmsg_format_name(af.fmt);
                first_lines = af.lines;
                first_kernel_lines = af.kernel_lines;
            }
        }
        if (json) {
            json_t *f = json_object();
            json_object_set_new(f, "path", json_string(af.path));
            json_object_set_new(f, "format", json_string(sw_kmsg_format_name(af.fmt)));
            json_object_set_new(f, "lines", json_integer((json_int_t)af.lines));
            json_object_set_new(f, "kernel_lines", json_integer((json_int_t)af.kernel_lines));
            json_object_set_new(f, "events", json_incref(af.events));
            json_object_set_new(f, "events_omitted", omitted_json(&af));
            json_array_append_new(files, f);
        }
        json_array_extend(all_events, af.events);
        json_decref(af.events);
    }
    free(paths);
    if (!first_format) {   /* nothing readable: the error lines above say why, and nothing else is said */
        json_decref(files);
        json_decref(all_events);
        return analyze_exit_code(true, SW_EXIT_OK);
    }
    const char *source = "";
    json_t *conflicts = NULL;
    json_t *facts = sw_analyze_facts(&facts_opt, &first_facts, first_format, first_lines, first_kernel_lines,
                                     &conflicts, &source);
    int verdict_rc = SW_EXIT_OK;
    json_t *report = NULL;
    if (facts)
        report = analyzed_report(all_events, facts, conflicts, source, json, &verdict_rc);
    else {
        json_decref(all_events);
        json_decref(conflicts);
        usage_error = true;
    }
    if (json && report) {
        json_t *root = json_object();
        json_object_set_new(root, "files", files);
        json_object_set(root, "facts_source", json_object_get(report, "facts_source"));
        json_object_set(root, "facts", json_object_get(json_object_get(report, "facts"), "before"));
        json_object_set(root, "fact_conflicts", json_object_get(report, "fact_conflicts"));
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
    return analyze_exit_code(usage_error, verdict_rc);
}
