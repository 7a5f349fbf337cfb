/* The verdict module: status, lean and exit code come from one place, for runs and for analysed logs.
 * Findings here are hand-built (the rules' knowledge is tested in test_knowledge.c), so each case
 * checks the verdict's own logic: limits are not instability, the strongest evidence sets the lean,
 * the first cause wins a tie, opposite leans lower the confidence, advisory findings carry nothing. */
#include "core/exitcode.h"
#include "report/correlate.h"
#include "report/rules.h"
#include "report/rules_check.h"
#include "report/verdict.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static json_t *analyzed(const char *events_json)
{
    json_error_t je;
    json_t *ev = json_loads(events_json, 0, &je);
    if (!ev) {
        fprintf(stderr, "bad events JSON: %s\n", je.text);
        abort();
    }
    return json_pack("{s:i,s:{s:s},s:o,s:{s:o}}", "schema_version", 1, "run", "status", "analyzed", "events", ev,
                     "facts", "before", tf_log_facts("6.6.87.2-microsoft-standard-WSL2", "wsl2"));
}

/* A finding as the correlator writes it. */
static json_t *finding(const char *rule, const char *cls, const char *conf, const char *seqs_json)
{
    json_t *seqs = json_loads(seqs_json, 0, NULL);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:[],s:o}}", "rule", rule, "title", rule, "class", cls, "lean",
                     sw_lean_of_class(cls), "confidence", conf, "evidence", "facts", "events", seqs);
}

static const char *vs(const json_t *v, const char *key)
{
    const char *s = json_string_value(json_object_get(v, key));
    return s ? s : "";
}

static void test_every_class_has_a_lean(void)
{
    /* One vocabulary: every class the rules may use maps to a lean the verdict knows. */
    for (int i = 0; sw_rule_classes[i]; i++) {
        const char *l = sw_lean_of_class(sw_rule_classes[i]);
        CHECK_MSG(l && sw_lean_valid(l), "class %s", sw_rule_classes[i]);
    }
    CHECK(sw_lean_of_class("made-up") == NULL);
    CHECK_STR(sw_lean_of_class("firmware"), "hardware");
    CHECK_STR(sw_lean_of_class("driver-bug"), "software");
    CHECK(sw_lean_opposite("hardware", "software") && !sw_lean_opposite("software", "environment"));
}

static void test_oom_only_is_a_limit_not_instability(void)
{
    char ev[4096];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "oom_kill", "", "error", 0, "", "Killed process 4242 (cc1plus)"));
    json_t *r = analyzed(ev);
    json_t *fs = json_pack("[o]", finding("oom-kills", "configuration", "high", "[1]"));
    json_t *v = sw_verdict_make(r, fs, NULL);
    CHECK_STR(vs(v, "status"), "inconclusive");
    CHECK_STR(vs(v, "lean"), "configuration");
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_LIMIT);
    CHECK_MSG(strstr(vs(v, "summary"), "configuration limit") && strstr(vs(v, "summary"), "in the log"), "%s",
              vs(v, "summary"));
    json_decref(v);
    json_decref(fs);
    json_decref(r);
    /* A panic that the OOM killer caused is a limit too; a panic with another cause is not. */
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "panic", "oom_kill", "fatal", 0, "", "Kernel panic - not syncing: Out of memory"));
    r = analyzed(ev);
    CHECK_INT(sw_verdict_exit_code(r), SW_EXIT_LIMIT);
    CHECK_STR(sw_verdict_status(r), "inconclusive");
    json_decref(r);
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "panic", "mce", "fatal", 0, "", "Kernel panic - not syncing: Fatal machine check"));
    r = analyzed(ev);
    CHECK_INT(sw_verdict_exit_code(r), SW_EXIT_UNSTABLE);
    json_decref(r);
}

static void test_lean_from_strongest_finding(void)
{
    char ev[4096];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "oops", "null_deref", "error", 3, "", "BUG: kernel NULL pointer dereference"));
    json_t *r = analyzed(ev);
    json_t *fs = json_pack("[o,o]", finding("driver-zfs-crash", "driver-bug", "high", "[1]"),
                           finding("kernel-oops-unexplained", "unknown", "low", "[1]"));
    json_t *v = sw_verdict_make(r, fs, NULL);
    CHECK_STR(vs(v, "status"), "unstable");
    CHECK_STR(vs(v, "lean"), "software");
    CHECK_STR(vs(v, "lean_confidence"), "high");
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_UNSTABLE);
    CHECK_STR(json_string_value(json_array_get(json_object_get(v, "lean_findings"), 0)), "driver-zfs-crash");
    /* The first sentence says the lean. */
    const char *s = vs(v, "summary");
    const char *dot = strchr(s, '.');
    CHECK_MSG(dot && strstr(s, "software bug") && strstr(s, "software bug") < dot, "%s", s);
    json_decref(v);
    json_decref(fs);
    json_decref(r);
}

static void test_opposite_leans_lower_confidence(void)
{
    char ev[4096], a[2048];
    snprintf(a, sizeof a, "%s", tf_kev(1, "mce", "", "error", 2, "", "mce: [Hardware Error]"));
    snprintf(ev, sizeof ev, "[%s,%s]", a, tf_kev(2, "kasan", "", "error", 2, "", "BUG: KASAN: use-after-free"));
    json_t *r = analyzed(ev);
    json_t *fs = json_pack("[o,o]", finding("mce-uncorrected-cpu", "hardware-cpu", "high", "[1]"),
                           finding("kernel-memory-safety-detector", "kernel-bug", "high", "[2]"));
    json_t *v = sw_verdict_make(r, fs, NULL);
    /* Equal strength both ways: the first cause in the log (the machine check) leads, with less certainty. */
    CHECK_STR(vs(v, "lean"), "hardware");
    CHECK_STR(vs(v, "lean_confidence"), "medium");
    CHECK_MSG(strstr(vs(v, "summary"), "contested") != NULL, "%s", vs(v, "summary"));
    const json_t *alt = json_array_get(json_object_get(v, "lean_alternatives"), 0);
    CHECK_STR(vs(alt, "lean"), "software");
    json_decref(v);
    json_decref(fs);
    /* The same two in the other order in the log: the detector came first. */
    fs = json_pack("[o,o]", finding("mce-uncorrected-cpu", "hardware-cpu", "high", "[2]"),
                   finding("kernel-memory-safety-detector", "kernel-bug", "high", "[1]"));
    v = sw_verdict_make(r, fs, NULL);
    CHECK_STR(vs(v, "lean"), "software");
    json_decref(v);
    json_decref(fs);
    json_decref(r);
}

static void test_risks_and_advice_carry_no_lean(void)
{
    char ev[4096];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "panic", "", "fatal", 0, "", "Kernel panic - not syncing: Fatal exception"));
    json_t *r = analyzed(ev);
    json_t *crash_capture = finding("wsl2-no-crash-capture", "environment", "high", "[1]");
    json_object_set_new(crash_capture, "advisory", json_true());
    json_t *risk = finding("rpl-vmin-fw-below-0x125", "firmware", "high", "[]");   /* no events: a risk */
    json_t *fs = json_pack("[o,o,o]", crash_capture, risk, finding("panic-follows-first-cause", "unknown", "low", "[1]"));
    json_t *v = sw_verdict_make(r, fs, NULL);
    CHECK_STR(vs(v, "lean"), "unknown");
    CHECK_STR(vs(v, "status"), "unstable");
    CHECK_MSG(strstr(vs(v, "summary"), "does not say whether") != NULL, "%s", vs(v, "summary"));
    json_decref(v);
    /* No finding at all: the one case that may still say "no known cause matched". */
    json_t *none = json_array();
    v = sw_verdict_make(r, none, NULL);
    CHECK_MSG(strstr(vs(v, "summary"), "no known cause matched") != NULL, "%s", vs(v, "summary"));
    json_decref(v);
    json_decref(none);
    json_decref(fs);
    json_decref(r);
}

static void test_analyzed_clean_and_warning_only(void)
{
    json_t *r = analyzed("[]");
    json_t *none = json_array();
    json_t *v = sw_verdict_make(r, none, NULL);
    CHECK_STR(vs(v, "status"), "inconclusive");
    CHECK_STR(vs(v, "lean"), "unknown");
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_OK);
    json_decref(v);
    json_decref(r);
    /* A lockdep report is a warning, not a crash: inconclusive, but the lean is said. */
    char ev[4096];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "lockdep", "", "warn", 0, "", "WARNING: possible circular locking dependency detected"));
    r = analyzed(ev);
    json_t *fs = json_pack("[o]", finding("kernel-locking-bug", "kernel-bug", "high", "[1]"));
    v = sw_verdict_make(r, fs, NULL);
    CHECK_STR(vs(v, "status"), "inconclusive");
    CHECK_STR(vs(v, "lean"), "software");
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_OK);
    json_decref(v);
    json_decref(fs);
    json_decref(none);
    json_decref(r);
}

static void test_run_exit_codes(void)
{
    json_t *none = json_array();
    /* A short interrupted run with nothing found: 130. */
    json_t *r = tf_report(tf_facts("GenuineIntel", "x", "0x906ea", 6, 158, NULL, NULL, "wsl2"), "[]", 20, "interrupted", "null");
    json_t *v = sw_verdict_make(r, none, NULL);
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_INTERRUPTED);
    json_decref(v);
    json_decref(r);
    /* A short completed clean run: inconclusive, 6 - not the 0 of a pass (a script must tell them apart). */
    r = tf_report(tf_facts("GenuineIntel", "x", "0x906ea", 6, 158, NULL, NULL, "wsl2"), "[]", 20, "completed", "null");
    v = sw_verdict_make(r, none, NULL);
    CHECK_STR(vs(v, "status"), "inconclusive");
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_INCONCLUSIVE);
    json_decref(v);
    json_decref(r);
    /* A long clean run: 0, stable. */
    r = tf_report(tf_facts("GenuineIntel", "x", "0x906ea", 6, 158, NULL, NULL, "wsl2"), "[]", 1200, "completed", "null");
    v = sw_verdict_make(r, none, NULL);
    CHECK_STR(vs(v, "status"), "stable");
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_OK);
    json_decref(v);
    json_decref(r);
    /* A wrong result: 1. An OOM kill during a run: 5, never 1. */
    r = tf_report(tf_facts("GenuineIntel", "x", "0x906ea", 6, 158, NULL, NULL, "wsl2"), "[" TF_VERIFY_EV(5, 4, "full") "]",
                  1200, "completed", "null");
    CHECK_INT(sw_verdict_exit_code(r), SW_EXIT_UNSTABLE);
    json_decref(r);
    char ev[4096];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "oom_kill", "", "error", 0, "", "Out of memory: Killed process 9"));
    r = tf_report(tf_facts("GenuineIntel", "x", "0x906ea", 6, 158, NULL, NULL, "wsl2"), ev, 1200, "completed", "null");
    CHECK_INT(sw_verdict_exit_code(r), SW_EXIT_LIMIT);
    /* The exit code stored in the verdict wins over recounting. */
    json_object_set_new(r, "verdict", json_pack("{s:s,s:i}", "status", "unstable", "exit_code", 1));
    CHECK_INT(sw_verdict_exit_code(r), 1);
    json_decref(r);
    json_decref(none);
}

static void test_correlator_and_verdict_agree(void)
{
    /* Through the real rules: the verdict in the correlator's output is the verdict module's. */
    struct sw_diag d = {0};
    json_t *rules = sw_rules_load_default(&d);
    CHECK_MSG(rules != NULL, "%s", d.msg);
    char ev[4096];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "oom_kill", "", "error", 0, "", "Memory cgroup out of memory: Killed process 77 (bsdtar)"));
    json_t *r = analyzed(ev);
    json_t *out = sw_correlate(r, rules, NULL, &d);
    const json_t *v = json_object_get(out, "verdict");
    CHECK_STR(vs(v, "lean"), "configuration");
    CHECK_INT(json_integer_value(json_object_get(v, "exit_code")), SW_EXIT_LIMIT);
    json_t *again = sw_verdict_make(r, json_object_get(out, "findings"), NULL);
    CHECK(json_equal(again, v));
    json_decref(again);
    json_decref(out);
    json_decref(r);
    json_decref(rules);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"every_class_has_a_lean", test_every_class_has_a_lean},
        {"oom_only_is_a_limit_not_instability", test_oom_only_is_a_limit_not_instability},
        {"lean_from_strongest_finding", test_lean_from_strongest_finding},
        {"opposite_leans_lower_confidence", test_opposite_leans_lower_confidence},
        {"risks_and_advice_carry_no_lean", test_risks_and_advice_carry_no_lean},
        {"analyzed_clean_and_warning_only", test_analyzed_clean_and_warning_only},
        {"run_exit_codes", test_run_exit_codes},
        {"correlator_and_verdict_agree", test_correlator_and_verdict_agree},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
