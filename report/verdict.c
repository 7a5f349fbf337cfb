#include "report/verdict.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/exitcode.h"
#include "report/match.h"
#include "report/rfacts.h"

#define SHORT_RUN_S 600.0   /* under 10 minutes a clean pass proves little (peers-users.md §3.1) */

static const struct {
    const char *cls, *lean;
} k_class_lean[] = {
    {"hardware-cpu", "hardware"},  {"hardware-memory", "hardware"}, {"hardware-storage", "hardware"},
    {"hardware-gpu", "hardware"},
    {"firmware", "hardware"},
    {"kernel-bug", "software"},    {"driver-bug", "software"},      {"program-bug", "software"},
    {"environment", "environment"}, {"configuration", "configuration"}, {"unknown", "unknown"},
};

const char *sw_lean_of_class(const char *cls)
{
    for (size_t i = 0; cls && i < sizeof k_class_lean / sizeof k_class_lean[0]; i++)
        if (!strcmp(cls, k_class_lean[i].cls))
            return k_class_lean[i].lean;
    return NULL;
}

bool sw_lean_valid(const char *lean)
{
    static const char *const leans[] = {"hardware", "software", "environment", "configuration", "unknown"};
    for (size_t i = 0; lean && i < 5; i++)
        if (!strcmp(lean, leans[i]))
            return true;
    return false;
}

bool sw_lean_opposite(const char *a, const char *b)
{
    return a && b && ((!strcmp(a, "hardware") && !strcmp(b, "software")) ||
                      (!strcmp(a, "software") && !strcmp(b, "hardware")));
}

static int conf_rank(const char *c)
{
    return !c ? 0 : !strcmp(c, "high") ? 2 : !strcmp(c, "medium") ? 1 : 0;
}

static const char *conf_name(int r)
{
    return r >= 2 ? "high" : r == 1 ? "medium" : "low";
}

static const char *kstr(const json_t *ev, const char *key)
{
    return json_string_value(json_object_get(json_object_get(ev, "kernel"), key));
}

static bool is_limit_kind(const char *k)
{
    return k && (!strcmp(k, "oom_kill") || !strcmp(k, "page_alloc_fail"));
}

bool sw_verdict_is_limit_event(const json_t *ev)
{
    return is_limit_kind(kstr(ev, "kind")) || is_limit_kind(kstr(ev, "also"));
}

/* ---- counting what happened ---- */

struct tally {
    int errors, limits, verify, mem, signals, kernel, host, stuck;
    double ops;
};

static void count_events(const json_t *report, struct tally *t)
{
    size_t i;
    const json_t *ev;
    json_array_foreach(json_object_get(report, "events"), i, ev) {
        const char *sev = json_string_value(json_object_get(ev, "severity"));
        const char *type = json_string_value(json_object_get(ev, "type"));
        if (sw_verdict_is_limit_event(ev)) {
            /* configuration: never counted as instability. The pressure workload's own cgroup OOM kills
             * (severity info) are what it was asked to do, not a limit the run hit. */
            if (!sev || strcmp(sev, "info"))
                t->limits++;
            continue;
        }
        if (!sev || (strcmp(sev, "error") && strcmp(sev, "fatal")))
            continue;
        t->errors++;
        if (!type)
            continue;
        if (!strcmp(type, "verify_error"))
            t->verify++;
        else if (!strcmp(type, "mem_error"))
            t->mem++;
        else if (!strcmp(type, "worker_signal") || !strcmp(type, "worker_exit"))
            t->signals++;
        else if (!strcmp(type, "kernel"))
            t->kernel++;
        else if (!strcmp(type, "host"))
            t->host++;
        else if (!strcmp(type, "stall"))
            t->stuck++;   /* a task a workload could not reap: named, not "other" */
    }
    json_array_foreach(json_object_get(report, "workloads"), i, ev)
        t->ops += sw_json_number(json_object_get(ev, "ops"));
}

static void append(char *buf, size_t cap, int n, const char *what, bool *first)
{
    if (!n)
        return;
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s%d %s%s", *first ? "" : ", ", n, what, n == 1 ? "" : "s");
    *first = false;
}

/* ---- the lean ---- */

/* True when a finding explains evidence (events, or host records) rather than naming a risk of the
 * platform: only those carry the verdict's lean. */
static bool carries_lean(const json_t *f)
{
    if (json_is_true(json_object_get(f, "informational")) || json_is_true(json_object_get(f, "advisory")))
        return false;
    const char *lean = json_string_value(json_object_get(f, "lean"));
    if (!lean || !strcmp(lean, "unknown"))
        return false;
    const json_t *ev = json_object_get(f, "evidence");
    if (json_array_size(json_object_get(ev, "events")) || json_array_size(json_object_get(ev, "previous_run_events")))
        return true;
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(ev, "facts"), i, p) if (!strncmp(json_string_value(p), "host.", 5)) return true;
    return false;
}

/* The earliest evidence of a finding (events of a previous run came first): the first cause in a log
 * wins a tie, so a panic follows what started it. */
static json_int_t first_seq(const json_t *f)
{
    const json_t *ev = json_object_get(f, "evidence");
    if (json_array_size(json_object_get(ev, "previous_run_events")))
        return -1;
    json_int_t best = INT64_MAX;
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(ev, "events"), i, s) if (json_integer_value(s) < best) best = json_integer_value(s);
    return best;
}

struct lean {
    const char *lean;
    int conf;             /* -1: no lean */
    const json_t *top;    /* the finding that carries it */
    bool contested;       /* an opposite lean has a finding as strong */
};

static struct lean choose_lean(const json_t *findings)
{
    struct lean l = {"unknown", -1, NULL, false};
    size_t i;
    const json_t *f;
    json_array_foreach(findings, i, f) {
        if (!carries_lean(f))
            continue;
        int c = conf_rank(json_string_value(json_object_get(f, "confidence")));
        if (c > l.conf || (c == l.conf && first_seq(f) < first_seq(l.top))) {
            l.conf = c;
            l.top = f;
            l.lean = json_string_value(json_object_get(f, "lean"));
        }
    }
    json_array_foreach(findings, i, f) {
        if (carries_lean(f) && sw_lean_opposite(l.lean, json_string_value(json_object_get(f, "lean"))) &&
            conf_rank(json_string_value(json_object_get(f, "confidence"))) >= l.conf)
            l.contested = true;
    }
    if (l.contested && l.conf > 0)
        l.conf--;   /* the evidence points both ways: say so with less certainty */
    return l;
}

static void lean_lists(const json_t *findings, const struct lean *l, json_t *verdict)
{
    json_t *ids = json_array(), *alts = json_array();
    size_t i;
    const json_t *f;
    json_array_foreach(findings, i, f) {
        if (!carries_lean(f))
            continue;
        const char *fl = json_string_value(json_object_get(f, "lean"));
        if (!strcmp(fl, l->lean)) {
            json_array_append(ids, json_object_get(f, "rule"));
            continue;
        }
        bool seen = false;
        size_t j;
        const json_t *a;
        json_array_foreach(alts, j, a) if (!strcmp(json_string_value(json_object_get(a, "lean")), fl)) seen = true;
        if (!seen)
            json_array_append_new(alts, json_pack("{s:s,s:O,s:O}", "lean", fl, "confidence",
                                                  json_object_get(f, "confidence"), "rule", json_object_get(f, "rule")));
    }
    json_object_set_new(verdict, "lean_findings", ids);
    json_object_set_new(verdict, "lean_alternatives", alts);
}

static const char *lean_phrase(const char *lean, const char *cls)
{
    if (!strcmp(lean, "hardware") && cls && !strcmp(cls, "hardware-storage"))
        return "the hardware (the disk, its cable or its controller)";
    if (!strcmp(lean, "hardware") && cls && !strcmp(cls, "hardware-gpu"))
        return "the hardware (the graphics card, its power or its slot)";
    if (!strcmp(lean, "hardware"))
        return "the hardware (CPU, memory or firmware)";
    if (!strcmp(lean, "software"))
        return "a software bug (kernel, driver or program), not the hardware";
    if (!strcmp(lean, "environment"))
        return "the environment (the hypervisor or host did not give this VM its CPUs or resources), not this "
               "machine's CPU";
    if (!strcmp(lean, "configuration"))
        return "a configuration limit (memory), not instability";
    return "no known cause";
}

/* "the evidence points to X (high confidence): TITLE" */
static void lean_sentence(char *buf, size_t cap, const struct lean *l)
{
    const char *cls = json_string_value(json_object_get(l->top, "class"));
    snprintf(buf, cap, "the evidence points to %s (%s confidence%s): %s", lean_phrase(l->lean, cls), conf_name(l->conf),
             l->contested ? ", contested: see the other findings" : "",
             json_string_value(json_object_get(l->top, "title")));
}

static const json_t *top_cause(const json_t *findings)
{
    size_t i;
    const json_t *f;
    json_array_foreach(findings, i, f) if (!json_is_true(json_object_get(f, "informational")) &&
                                           !json_is_true(json_object_get(f, "advisory"))) return f;
    return NULL;
}

json_t *sw_verdict_make(const json_t *report, const json_t *findings, const json_t *history)
{
    struct tally t = {0};
    count_events(report, &t);
    const json_t *run = json_object_get(report, "run");
    const char *status = json_string_value(json_object_get(run, "status"));
    bool analyzed = status && !strcmp(status, "analyzed");
    double dur = sw_json_number(json_object_get(run, "duration_s"));
    const json_t *prev = json_object_get(report, "previous_run");
    bool prev_crash = json_is_object(prev) && json_is_true(json_object_get(prev, "rebooted"));
    struct lean l = choose_lean(findings);
    const json_t *top = top_cause(findings);

    char what[256] = "", lean_txt[512] = "", text[1024], d[32];
    if (l.top)
        lean_sentence(lean_txt, sizeof lean_txt, &l);
    const char *st;
    int code;
    if (t.errors || prev_crash) {
        st = "unstable";
        code = SW_EXIT_UNSTABLE;
        bool first = true;
        append(what, sizeof what, t.verify, "verification error", &first);
        append(what, sizeof what, t.mem, "memory error", &first);
        append(what, sizeof what, t.signals, "crashed worker", &first);
        append(what, sizeof what, t.kernel, "kernel error", &first);
        append(what, sizeof what, t.host, "host hardware record", &first);
        append(what, sizeof what, t.stuck, "stuck task", &first);
        append(what, sizeof what, t.errors - t.verify - t.mem - t.signals - t.kernel - t.host - t.stuck, "other error",
               &first);
        if (prev_crash) {
            size_t n = strlen(what);
            snprintf(what + n, sizeof what - n, "%sthe previous run ended in a guest crash", t.errors ? ", and " : "");
        }
        if (l.top)
            snprintf(text, sizeof text, "Unstable: %s. Seen: %s.", lean_txt, what);
        else if (top)
            snprintf(text, sizeof text, "Unstable: %s; the evidence does not say whether the hardware or software is "
                     "at fault: %s (%s confidence).", what, json_string_value(json_object_get(top, "title")),
                     json_string_value(json_object_get(top, "confidence")));
        else
            snprintf(text, sizeof text, "Unstable: %s; no known cause matched: see the events and send this report.",
                     what);
    } else if (t.limits) {
        st = "inconclusive";
        code = SW_EXIT_LIMIT;
        snprintf(text, sizeof text, "Inconclusive: %s. %d out-of-memory kill%s or allocation failure%s %s (a "
                 "configuration limit, not a hardware error)%s.",
                 l.top ? lean_txt : "the evidence points to a configuration limit (memory), not instability",
                 t.limits, t.limits == 1 ? "" : "s", t.limits == 1 ? "" : "s",
                 analyzed ? "in the log" : "disturbed the run",
                 analyzed ? "" : ", so it did not test what it was meant to");
    } else if (analyzed) {
        /* `stresswsl analyze`: saved logs, no run. Absence of errors in a log is not stability. */
        st = "inconclusive";
        code = SW_EXIT_OK;
        if (l.top)
            snprintf(text, sizeof text, "Inconclusive: no errors in the analyzed logs, but %s.", lean_txt);
        else
            snprintf(text, sizeof text, "Inconclusive: no errors in the analyzed logs; a log alone cannot show that "
                     "the machine is stable (run 'stresswsl --profile compile' on it)%s%s.",
                     top ? "; but note: " : "", top ? json_string_value(json_object_get(top, "title")) : "");
    } else if ((status && strcmp(status, "completed") && dur < SHORT_RUN_S) || (dur > 0 && dur < 60) ||
               (status && !strcmp(status, "failed_to_start")) ||
               (json_array_size(json_object_get(report, "workloads")) && t.ops <= 0)) {
        st = "inconclusive";
        bool intr = status && !strcmp(status, "interrupted");
        code = intr ? SW_EXIT_INTERRUPTED : SW_EXIT_INCONCLUSIVE;   /* not a pass: a script must tell them apart */
        snprintf(text, sizeof text, "Inconclusive: the run %s after %s with nothing found; too little was "
                 "tested to call the machine stable (run at least 10 minutes, ideally several times).",
                 intr ? "was interrupted" : status && !strcmp(status, "failed_to_start") ? "failed to start" : "ended",
                 sw_fmt_duration(dur, d, sizeof d));
    } else {
        st = "stable";
        /* Interrupted after a long clean stretch: stable so far, and the exit code still says "stopped". */
        code = status && !strcmp(status, "interrupted") ? SW_EXIT_INTERRUPTED : SW_EXIT_OK;
        const char *profile = json_string_value(json_object_get(run, "profile"));
        snprintf(text, sizeof text, "Stable: no errors in %s of the %s profile%s%s%s.",
                 sw_fmt_duration(dur, d, sizeof d), profile ? profile : "chosen",
                 dur < SHORT_RUN_S ? " (a short run: repeat it for longer to be sure)" : "",
                 top ? "; but note " : "", top ? json_string_value(json_object_get(top, "title")) : "");
    }
    int hist = (int)json_array_size(history);
    if (hist) {
        /* Bursty faults come and go between runs: say what earlier runs of this machine found. */
        size_t len = strlen(text);
        if (len && text[len - 1] == '.')
            text[--len] = 0;
        snprintf(text + len, sizeof text - len, " (this machine was unstable in %d of %d earlier run%s).",
                 sw_match_history_unstable(history), hist, hist == 1 ? "" : "s");
    }
    json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:i}", "status", st, "lean", l.top ? l.lean : "unknown", "lean_confidence",
                          l.top ? conf_name(l.conf) : "low", "summary", text, "exit_code", code);
    lean_lists(findings, &l, v);
    return v;
}

int sw_verdict_exit_code(const json_t *report)
{
    const json_t *c = json_object_get(json_object_get(report, "verdict"), "exit_code");
    if (json_is_integer(c))
        return (int)json_integer_value(c);
    json_t *empty = json_array();
    json_t *v = sw_verdict_make(report, empty, NULL);
    int code = (int)json_integer_value(json_object_get(v, "exit_code"));
    json_decref(v);
    json_decref(empty);
    return code;
}

const char *sw_verdict_status(const json_t *report)
{
    static const char *const names[] = {"stable", "unstable", "inconclusive"};
    const char *st = json_string_value(json_object_get(json_object_get(report, "verdict"), "status"));
    json_t *v = NULL, *empty = NULL;
    if (!st) {
        empty = json_array();
        v = sw_verdict_make(report, empty, NULL);
        st = json_string_value(json_object_get(v, "status"));
    }
    const char *out = "inconclusive";
    for (int i = 0; i < 3; i++)
        if (st && !strcmp(st, names[i]))
            out = names[i];
    json_decref(v);
    json_decref(empty);
    return out;
}
