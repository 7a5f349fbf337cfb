/* Recovery from journals a dead run left: same boot = the process was killed, another boot id = the
 * machine restarted; the phase, workloads and last events come from the records; each abrupt run is
 * reported once; clean and still-running journals are not reported. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/event_json.h"
#include "core/fmt.h"
#include "core/journal.h"
#include "core/recover.h"
#include "core/rundir.h"
#include "tests/harness/check.h"

static char state[256];
static const char *BOOT_A = "aaaaaaaa-0000-0000-0000-000000000001";
static const char *BOOT_B = "bbbbbbbb-0000-0000-0000-000000000002";

/* A run that got into phase 1 ("build"), reported one error, then died without an end record. */
static void write_run(const char *run_dir, const char *id, const char *boot, uint64_t start_s, bool clean,
                      struct sw_journal *keep_open)
{
    sw_mkdir_p(run_dir, 0755);
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%s/tmp/w0", run_dir);
    sw_mkdir_p(tmp, 0700);
    snprintf(tmp, sizeof tmp, "%s/tmp/w0/leftover.o", run_dir);
    FILE *f = fopen(tmp, "w");
    if (f)
        fclose(f);
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, 32);
    sw_strlcpy(h.f.run_id, id, sizeof h.f.run_id);
    sw_strlcpy(h.f.boot_id, boot, sizeof h.f.boot_id);
    sw_strlcpy(h.f.profile, "compile", sizeof h.f.profile);
    snprintf(h.f.tmp_root, sizeof h.f.tmp_root, "%s/tmp", run_dir);
    h.f.start_real_ns = start_s * 1000000000ull;
    h.f.nphases = 2;
    sw_strlcpy(h.f.phase_names[0], "warmup", 32);
    sw_strlcpy(h.f.phase_names[1], "build", 32);
    h.f.nwl = 2;
    h.f.wl[0].id = 4;
    sw_strlcpy(h.f.wl[0].name, "compile", sizeof h.f.wl[0].name);
    h.f.wl[1].id = 7;
    sw_strlcpy(h.f.wl[1].name, "execve", sizeof h.f.wl[1].name);
    char path[400];
    snprintf(path, sizeof path, "%s/journal", run_dir);
    struct sw_journal j;
    struct sw_diag d;
    CHECK_INT(sw_journal_create(&j, path, NULL, &h, &d), 0);
    struct sw_event ev;
    uint64_t t = start_s * 1000000000ull;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_EV_PHASE;
    ev.phase = 0;
    ev.t_ns = t;
    ev.workload = -1;
    sw_strlcpy(ev.what, "warmup", sizeof ev.what);
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 0, false);
    ev.type = SW_EV_PHASE;
    ev.phase = 1;
    ev.t_ns = t + 5000000000ull;
    sw_strlcpy(ev.what, "build", sizeof ev.what);
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 0, false);
    for (int i = 0; i < 3; i++) {
        memset(&ev, 0, sizeof ev);
        ev.type = SW_EV_NOTE;
        ev.phase = 1;
        ev.t_ns = t + (6 + (uint64_t)i) * 1000000000ull;
        sw_strlcpy(ev.what, "heartbeat", sizeof ev.what);
        sw_strlcpy(ev.text, "compile,execve", sizeof ev.text);
        sw_journal_append(&j, SW_JREC_HEARTBEAT, &ev, 0, true);
    }
    memset(&ev, 0, sizeof ev);
    ev.type = SW_EV_WORKER_SIGNAL;
    ev.sev = SW_SEV_ERROR;
    ev.phase = 1;
    ev.workload = 4;
    ev.worker = 3;
    ev.t_ns = t + 8500000000ull;
    ev.u.fault.signo = 11;
    sw_strlcpy(ev.what, "SIGSEGV", sizeof ev.what);
    sw_strlcpy(ev.text, "worker 3 (compile) killed by SIGSEGV", sizeof ev.text);
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 0, true);
    if (clean)
        sw_journal_end(&j, t + 9000000000ull);
    else if (keep_open)
        *keep_open = j;
    else
        sw_journal_close(&j);
}

static void setup(void)
{
    sw_test_tmpdir(state, sizeof state, "sw-recover");
}

static void killed_same_boot(void)
{
    char run[400];
    snprintf(run, sizeof run, "%s/runs/r1", state);
    write_run(run, "r1", BOOT_A, 1790000000, false, NULL);
    json_t *p = NULL;
    struct sw_diag d;
    CHECK_INT(sw_recover_scan(state, BOOT_A, &p, &d), 0);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK_STR(json_string_value(json_object_get(p, "id")), "r1");
    CHECK(json_is_false(json_object_get(p, "rebooted")));
    CHECK_STR(json_string_value(json_object_get(p, "cause")), SW_RECOVER_CAUSE_KILLED);
    CHECK_STR(json_string_value(json_object_get(p, "phase")), "build");
    json_t *wl = json_object_get(p, "workloads");
    CHECK_INT(json_array_size(wl), 2);
    CHECK_STR(json_string_value(json_array_get(wl, 1)), "execve");
    CHECK_STR(json_string_value(json_object_get(p, "started")), "2026-09-21T14:13:20.000000Z");
    CHECK_STR(json_string_value(json_object_get(p, "last_record")), "2026-09-21T14:13:28.500000Z");
    json_t *last = json_object_get(p, "last_events");
    CHECK_INT(json_array_size(last), 3);   /* two phase events and the crash; heartbeats are not events */
    json_t *crash = json_array_get(last, json_array_size(last) - 1);
    CHECK_STR(json_string_value(json_object_get(crash, "type")), "worker_signal");
    CHECK_STR(json_string_value(json_object_get(crash, "workload")), "compile");
    CHECK_STR(json_string_value(json_object_get(crash, "phase")), "build");
    CHECK_INT(json_integer_value(json_object_get(p, "error_events")), 1);
    CHECK(json_is_array(json_object_get(p, "host_evidence")));
    json_decref(p);

    /* Its leftovers are gone and it has an "abrupt" report of its own. */
    char path[500];
    snprintf(path, sizeof path, "%s/tmp", run);
    CHECK(access(path, F_OK) != 0);
    snprintf(path, sizeof path, "%s/report.json", run);
    json_error_t je;
    json_t *rep = json_load_file(path, 0, &je);
    CHECK(rep != NULL);
    CHECK_STR(json_string_value(json_object_get(json_object_get(rep, "run"), "status")), "abrupt");
    CHECK_STR(json_string_value(json_object_get(json_object_get(rep, "verdict"), "status")), "unstable");
    CHECK_INT(json_array_size(json_object_get(rep, "events")), 3);
    json_decref(rep);

    /* Shown once. */
    CHECK_INT(sw_recover_scan(state, BOOT_A, &p, &d), 0);
    CHECK(p == NULL);
}

static void restarted_other_boot(void)
{
    char run[400];
    snprintf(run, sizeof run, "%s/runs/r2", state);
    write_run(run, "r2", BOOT_A, 1790000100, false, NULL);
    json_t *p = NULL;
    struct sw_diag d;
    CHECK_INT(sw_recover_scan(state, BOOT_B, &p, &d), 0);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK_STR(json_string_value(json_object_get(p, "id")), "r2");
    CHECK(json_is_true(json_object_get(p, "rebooted")));
    CHECK_STR(json_string_value(json_object_get(p, "cause")), SW_RECOVER_CAUSE_REBOOT);
    json_decref(p);
}

static void clean_and_live_not_reported(void)
{
    char run[400];
    snprintf(run, sizeof run, "%s/runs/r3", state);
    write_run(run, "r3", BOOT_A, 1790000200, true, NULL);
    struct sw_journal live;
    snprintf(run, sizeof run, "%s/runs/r4", state);
    write_run(run, "r4", BOOT_A, 1790000300, false, &live);   /* its run is still going */
    json_t *p = NULL;
    struct sw_diag d;
    CHECK_INT(sw_recover_scan(state, BOOT_A, &p, &d), 0);
    CHECK(p == NULL);
    sw_journal_close(&live);   /* now it died: reported next time */
    CHECK_INT(sw_recover_scan(state, BOOT_A, &p, &d), 0);
    CHECK(p != NULL && !strcmp(json_string_value(json_object_get(p, "id")), "r4"));
    json_decref(p);
}

static void torn_tail_and_external_dir(void)
{
    char run[400];
    snprintf(run, sizeof run, "%s/elsewhere/out", state);   /* a --out directory */
    write_run(run, "r5", BOOT_A, 1790000400, false, NULL);
    char path[500];
    snprintf(path, sizeof path, "%s/journal", run);
    FILE *f = fopen(path, "r+");
    fseek(f, 4096 + 5 * 512 + 200, SEEK_SET);   /* the last record, half written */
    fputs("garbage", f);
    fclose(f);
    json_t *p = NULL;
    struct sw_diag d;
    CHECK_INT(sw_recover_scan(state, BOOT_A, &p, &d), 0);
    CHECK(p == NULL);   /* not under runs/ and not remembered */
    CHECK_INT(sw_recover_remember(state, run), 0);
    CHECK_INT(sw_recover_remember(state, run), 0);   /* once in the list */
    CHECK_INT(sw_recover_scan(state, BOOT_A, &p, &d), 0);
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(json_integer_value(json_object_get(p, "torn_records")), 1);
        CHECK_INT(json_integer_value(json_object_get(p, "error_events")), 0);   /* the crash record was torn */
        CHECK_STR(json_string_value(json_object_get(p, "phase")), "build");
    }
    json_decref(p);
    CHECK(sw_recover_journal("/nonexistent/journal", BOOT_A, &p, &d) < 0);
    CHECK_INT(sw_rundir_remove_tree(state), 0);
}

int main(int argc, char **argv)
{
    setup();
    static const struct sw_test_case cases[] = {
        {"killed_same_boot", killed_same_boot}, {"restarted_other_boot", restarted_other_boot},
        {"clean_and_live_not_reported", clean_and_live_not_reported},
        {"torn_tail_and_external_dir", torn_tail_and_external_dir}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
