/* The rules' knowledge, class by class, through the real rules database: what each kind of kernel
 * evidence means and which way it leans. Reports are built the way `analyze` builds them (facts from
 * the log, "log line N" sources). Also: every event kind the classifier emits has a rule that explains
 * it, and matching compiles no regular expression. */
#include "core/event.h"
#include "core/exitcode.h"
#include "report/correlate.h"
#include "report/match.h"
#include "report/regex_cache.h"
#include "report/rfacts.h"
#include "report/rules.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static json_t *g_rules;

/* Correlates an analysed log: events_json (an array text) with facts of a log (release, env). */
static json_t *judge(const char *events_json, const char *release, const char *env)
{
    json_error_t je;
    json_t *ev = json_loads(events_json, 0, &je);
    if (!ev) {
        fprintf(stderr, "bad events JSON: %s: %s\n", je.text, events_json);
        abort();
    }
    json_t *r = json_pack("{s:i,s:{s:s},s:o,s:{s:o}}", "schema_version", 1, "run", "status", "analyzed", "events", ev,
                          "facts", "before", tf_log_facts(release, env));
    struct sw_diag d = {0};
    json_t *out = sw_correlate(r, g_rules, NULL, &d);
    if (!out)
        fprintf(stderr, "correlate: %s\n", d.msg);
    json_decref(r);
    return out;
}

/* One event: [tf_kev(...)] */
static json_t *judge1(const char *kind, const char *also, const char *sev, int cpu, const char *extra,
                      const char *text, const char *release, const char *env)
{
    char buf[2400];
    snprintf(buf, sizeof buf, "[%s]", tf_kev(1, kind, also, sev, cpu, extra, text));
    return judge(buf, release, env);
}

static const char *lean(const json_t *out)
{
    return tf_str(json_object_get(out, "verdict"), "lean");
}

#define WSL "5.15.153.1-microsoft-standard-WSL2"

static void test_every_kind_is_explained(void)
{
    for (int k = 1; k < SW_KLOG_KIND_COUNT; k++) {
        const char *name = sw_klog_kind_name((enum sw_klog_kind)k);
        json_t *out = judge1(name, "", "error", 1, "", "a kernel line", "6.1.0", NULL);
        bool explained = false;
        size_t i;
        const json_t *f;
        json_array_foreach(json_object_get(out, "findings"), i, f) {
            if (json_is_true(json_object_get(f, "informational")) || json_is_true(json_object_get(f, "advisory")))
                continue;
            const json_t *seqs = json_object_get(json_object_get(f, "evidence"), "events");
            explained = explained || (json_array_size(seqs) && json_integer_value(json_array_get(seqs, 0)) == 1 &&
                                      *tf_str(f, "lean") && *tf_str(f, "summary"));
        }
        CHECK_MSG(explained, "no rule explains kind '%s'", name);
        CHECK_MSG(!strstr(tf_str(json_object_get(out, "verdict"), "summary"), "no known cause matched"), "kind %s: %s", name,
                  tf_str(json_object_get(out, "verdict"), "summary"));
        json_decref(out);
    }
}

static void test_detectors_are_software_and_name_the_place(void)
{
    json_t *out = judge1("kasan", "", "error", 2,
                         "\"subsystem\":\"io_uring\",\"where\":\"io_uring/rw.c:412\",\"symbols\":[\"io_rw_done\",\"io_req_task_work\"]",
                         "BUG: KASAN: slab-use-after-free in io_rw_done+0x2a/0x90", "6.8.2", "bare-metal");
    const json_t *f = tf_finding(out, "kernel-memory-safety-detector");
    CHECK(f != NULL);
    CHECK_STR(tf_str(f, "lean"), "software");
    CHECK_MSG(strstr(tf_str(f, "summary"), "io_rw_done") && strstr(tf_str(f, "summary"), "io_uring") &&
              strstr(tf_str(f, "summary"), "log line 10"), "%s", tf_str(f, "summary"));
    CHECK_STR(lean(out), "software");
    CHECK_STR(tf_str(json_object_get(out, "verdict"), "lean_confidence"), "high");
    json_decref(out);
    /* Details the log does not give are said in words, not printed as "unknown". */
    out = judge1("kfence", "", "error", 2, "", "BUG: KFENCE: use-after-free read in bfq_exit_icq_bfqq", "6.1.0", NULL);
    f = tf_finding(out, "kernel-memory-safety-detector");
    CHECK_MSG(f && strstr(tf_str(f, "summary"), "subsystem not named") && !strstr(tf_str(f, "summary"), "unknown") &&
              !strstr(tf_str(f, "advice"), "unknown"), "%s / %s", tf_str(f, "summary"), tf_str(f, "advice"));
    json_decref(out);
    out = judge1("lockdep", "", "warn", 0, "", "WARNING: possible circular locking dependency detected", "6.8.2", NULL);
    CHECK(tf_finding(out, "kernel-locking-bug") != NULL);
    CHECK_STR(lean(out), "software");
    json_decref(out);
    out = judge1("bug", "invalid_opcode", "error", 0, "\"where\":\"fs/namei.c:844\",\"symbols\":[\"try_to_unlazy\"]",
                 "kernel BUG at fs/namei.c:844!", "6.18.49", NULL);
    f = tf_finding(out, "kernel-bug-assertion");
    CHECK(f && strstr(tf_str(f, "summary"), "fs/namei.c:844") && strstr(tf_str(f, "summary"), "try_to_unlazy"));
    CHECK(tf_finding(out, "kernel-oops-unexplained") == NULL);   /* the specific rule supersedes the generic one */
    json_decref(out);
}

static void test_drivers_named(void)
{
    json_t *out = judge1("oops", "null_deref", "error", 5, "\"module\":\"nvidia\",\"taint\":\"PO\",\"symbols\":[\"_nv012345rm\"]",
                         "BUG: kernel NULL pointer dereference, address: 0000000000000020", "6.5.0", "bare-metal");
    const json_t *f = tf_finding(out, "driver-out-of-tree-crash");
    CHECK(f && strstr(tf_str(f, "summary"), "nvidia") && strstr(tf_str(f, "summary"), "PO"));
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* ZFS frames without the module field (an old log): still ZFS, from its functions and threads. */
    out = judge1("oops", "null_deref", "error", 5, "\"task\":\"z_wr_iss\",\"symbols\":[\"zap_leaf_lookup\",\"fzap_length\"]",
                 "BUG: kernel NULL pointer dereference", "5.17.0", NULL);
    CHECK(tf_finding(out, "driver-zfs-crash") != NULL);
    json_decref(out);
    /* The kernel's own zap_process (core dumps) is not ZFS. */
    out = judge1("oops", "", "error", 2, "\"task\":\"plugin-containe\",\"symbols\":[\"source_load\",\"zap_process\",\"do_coredump\"]",
                 "BUG: unable to handle kernel paging request at 0000000201a14dc0", "3.10.0", NULL);
    CHECK(tf_finding(out, "driver-zfs-crash") == NULL);
    json_decref(out);
    /* WSL's GPU driver. */
    out = judge1("warning", "", "warn", 1, "\"module\":\"dxgkrnl\",\"subsystem\":\"dxgkrnl\",\"symbols\":[\"dxgvmb_send_wait_sync_object_gpu\"]",
                 "memcpy: detected field-spanning write (size 24) of single field", "6.18.33.1-microsoft-standard-WSL2", "wsl2");
    CHECK(tf_finding(out, "driver-paravirtual-crash") != NULL);
    CHECK(tf_finding(out, "wsl-618331-known-bad-kernel") != NULL);
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* The taint is the whole kernel's: an in-tree module (kvm) in the frames of a PO-tainted kernel is
     * that module's crash, not an out-of-tree driver's. */
    out = judge1("oops", "null_deref", "error", 21, "\"module\":\"kvm\",\"taint\":\"PO\",\"symbols\":[\"handle_removed_tdp_mmu_page\"]",
                 "BUG: kernel NULL pointer dereference, address: 0000000000000030", "5.15.0-43-generic", NULL);
    CHECK(tf_finding(out, "driver-out-of-tree-crash") == NULL && tf_finding(out, "driver-in-crash") != NULL);
    json_decref(out);
    /* A stall whose frames pass through the VMBus driver is not a driver crash (a vCPU in a VM). */
    out = judge1("rcu_stall", "", "error", 2, "\"module\":\"hv_vmbus\",\"subsystem\":\"hyperv\",\"symbols\":[\"vmbus_isr\"]",
                 "rcu: INFO: rcu_sched self-detected stall on CPU", "5.15.90.1-microsoft-standard-WSL2", "wsl2");
    CHECK(tf_finding(out, "driver-paravirtual-crash") == NULL && tf_finding(out, "driver-in-crash") == NULL);
    CHECK_STR(lean(out), "environment");
    json_decref(out);
    /* Only the taint: named, but it leans nowhere (bad RAM crashes tainted kernels too). */
    out = judge1("hard_lockup", "", "fatal", 1, "\"taint\":\"PFO\"", "Watchdog detected hard LOCKUP on cpu 1", "3.10.108", NULL);
    f = tf_finding(out, "tainted-out-of-tree-modules");
    CHECK(f && strstr(tf_str(f, "summary"), "PFO") && !strcmp(tf_str(f, "lean"), "unknown"));
    CHECK_STR(lean(out), "unknown");
    json_decref(out);
    /* A truncated BUG path still names the check, and a Xen path is a paravirtual driver. */
    out = judge1("bug", "", "error", 0, "\"where\":\"/home/user/src/kernel-3.7.\"",
                 "kernel BUG at /home/user/src/linux-3.7.6/arch/x86/xen/p2m.c:545!", "3.7.6", NULL);
    CHECK(tf_finding(out, "kernel-bug-assertion") != NULL && tf_finding(out, "driver-paravirtual-crash") != NULL);
    CHECK_STR(lean(out), "software");
    json_decref(out);
}

static void test_stalls_in_a_vm_are_the_host(void)
{
    json_t *out = judge1("rcu_stall", "", "error", 3, "\"stall\":{\"kthread_starved\":true,\"false_positive\":false,\"cpus\":1}",
                         "rcu: INFO: rcu_sched self-detected stall on CPU", "6.6.87.2-microsoft-standard-WSL2", "wsl2");
    const json_t *f = tf_finding(out, "vm-host-starved-vcpus");
    CHECK(f && !strcmp(tf_str(f, "confidence"), "high"));
    CHECK_STR(lean(out), "environment");
    json_decref(out);
    /* The log never says "WSL" or "Hypervisor detected", but its frames run through the VMBus driver:
     * a Hyper-V guest. */
    out = judge1("rcu_stall", "", "error", 2, "\"module\":\"hv_vmbus\",\"subsystem\":\"hyperv\"",
                 "rcu: INFO: rcu_sched self-detected stall on CPU", "", NULL);
    CHECK(tf_finding(out, "vm-stall") != NULL);
    CHECK_STR(lean(out), "environment");
    json_decref(out);
    /* A plain stall, but the log says the clock jumped (clocksource marked unstable): the host paused it. */
    char ev[1024];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "soft_lockup", "", "error", 3, "", "watchdog: BUG: soft lockup - CPU#3 stuck for 40s!"));
    json_t *r = json_pack("{s:i,s:{s:s},s:o,s:{s:o}}", "schema_version", 1, "run", "status", "analyzed", "events",
                          json_loads(ev, 0, NULL), "facts", "before", tf_log_facts("6.1.0", "vm"));
    json_object_set_new(json_object_get(json_object_get(r, "facts"), "before"), "log", json_pack("{s:b}", "clock_unstable", 1));
    struct sw_diag d = {0};
    out = sw_correlate(r, g_rules, NULL, &d);
    CHECK(tf_finding(out, "vm-host-starved-vcpus") != NULL);
    json_decref(out);
    json_decref(r);
    /* The same stall on bare metal, one CPU: a kernel bug in that function. */
    out = judge1("soft_lockup", "", "error", 3, "\"symbols\":[\"smp_call_function_many\"]",
                 "watchdog: BUG: soft lockup - CPU#3 stuck for 22s!", "6.1.0", "bare-metal");
    f = tf_finding(out, "kernel-stall-bare-metal");
    CHECK(f && strstr(tf_str(f, "summary"), "smp_call_function_many"));
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* Unknown environment: no lean, and it says what would settle it. */
    out = judge1("soft_lockup", "", "error", 3, "", "watchdog: BUG: soft lockup - CPU#3 stuck for 22s!", "6.1.0", NULL);
    f = tf_finding(out, "kernel-stall-unknown-environment");
    CHECK(f && strstr(tf_str(f, "advice"), "Hypervisor detected"));
    CHECK_STR(lean(out), "unknown");
    json_decref(out);
}

static void test_io_uring_branch_by_branch(void)
{
    /* m: the kernel lacks the exit-work fix; p: it has it; u: not known (a long-term branch with no
     * established backport, a distribution's own x.y.0-N numbering, WSL's 5.15 kernel). */
    static const struct {
        const char *release;
        char state;
    } cases[] = {{"6.6.25", 'm'},  {"6.6.26", 'p'}, {"6.6.87.2-microsoft-standard-WSL2", 'p'},
                 {"6.8.4", 'm'},   {"6.8.5", 'p'},  {"6.7.12", 'm'}, {"5.12.0-rc6-5.13-uring-210407", 'm'},
                 {"6.1.90", 'u'},  {"5.15.153.1-microsoft-standard-WSL2", 'u'}, {"6.8.0-45-generic", 'u'},
                 {"5.10.13-051013-generic", 'u'}, {"6.9.0", 'p'},  {"6.12.3", 'p'}, {"6.11.0-19-generic", 'p'}};
    char ev[1024];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "hung_task", "", "error", -1,
                                           "\"task\":\"kworker/u16:129\",\"symbols\":[\"io_ring_exit_work\",\"process_one_work\"]",
                                           "INFO: task kworker/u16:129:1 blocked for more than 120 seconds."));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *out = judge(ev, cases[i].release, NULL);
        const json_t *unknown = tf_finding(out, "io-uring-hung-task-fix-unknown");
        CHECK_MSG((tf_finding(out, "io-uring-hung-task-old-kernel") != NULL) == (cases[i].state == 'm'), "%s",
                  cases[i].release);
        CHECK_MSG((unknown != NULL) == (cases[i].state == 'u'), "%s: fix unknown", cases[i].release);
        CHECK_MSG(!unknown || (strstr(tf_str(unknown, "summary"), "is not known") &&
                               strstr(tf_str(unknown, "summary"), cases[i].release) &&
                               !strcmp(tf_str(unknown, "confidence"), "high")),
                  "%s: the unknown says so", cases[i].release);
        CHECK_MSG(tf_finding(out, "io-uring-hung-task") != NULL || cases[i].state != 'p', "%s: generic io_uring rule",
                  cases[i].release);
        CHECK_STR(lean(out), "software");
        json_decref(out);
    }
    /* io_schedule is every blocked task's frame, not io_uring. */
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "hung_task", "", "error", -1, "\"symbols\":[\"io_schedule\",\"folio_wait_bit\",\"jbd2_journal_commit_transaction\"]",
                                           "INFO: task jbd2/sda1-8:1 blocked for more than 120 seconds."));
    json_t *out = judge(ev, "6.1.0", NULL);
    CHECK(tf_finding(out, "io-uring-hung-task") == NULL && tf_finding(out, "io-uring-hung-task-old-kernel") == NULL);
    CHECK(tf_finding(out, "hung-task-storage") != NULL);
    json_decref(out);
}

static void test_user_crashes(void)
{
    /* The same program at the same offset (addresses randomised): deterministic, software, named. */
    char ev[6000], a[1200], b[1200];
    snprintf(a, sizeof a, "%s", tf_kev(1, "user_segfault", "", "error", 2, "\"task\":\"node\",\"where\":\"libv8.so\"",
                                      "node[100]: segfault at 8 ip 00007f0000012345 sp 00007ffd0 error 4 in libv8.so[7f0000000000+200000]"));
    snprintf(b, sizeof b, "%s", tf_kev(2, "user_segfault", "", "error", 7, "\"task\":\"node\",\"where\":\"libv8.so\"",
                                      "node[200]: segfault at 8 ip 00007f5500012345 sp 00007ffd0 error 4 in libv8.so[7f5500000000+200000]"));
    snprintf(ev, sizeof ev, "[%s,%s]", a, b);
    json_t *out = judge(ev, "6.6.0", NULL);
    const json_t *f = tf_finding(out, "user-crash-same-place");
    CHECK(f && strstr(tf_str(f, "summary"), "node") && strstr(tf_str(f, "summary"), "libv8.so+0x12345"));
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* Newer kernels print the offset themselves: "obj[offset,base+size]". */
    json_t *seg = json_pack("{s:s}", "text", "stresswsl-p1c[8539]: segfault at 0 ip 000055640113de8c sp 00007ffced861700 error 6 in "
                                             "stresswsl-p1c[15e8c,556401132000+4e000] likely on CPU 1 (core 1, socket 0)");
    char off[64];
    CHECK(sw_user_crash_offset(seg, off, sizeof off));
    CHECK_STR(off, "stresswsl-p1c+0x15e8c");
    json_decref(seg);
    /* Many unrelated programs at varied places on several CPUs: hardware. */
    static const char *progs[] = {"bash", "python3", "cc1plus", "git", "ld"};
    size_t n = 0;
    n += (size_t)snprintf(ev + n, sizeof ev - n, "[");
    for (int i = 0; i < 5; i++) {
        char extra[128], text[256];
        snprintf(extra, sizeof extra, "\"task\":\"%s\"", progs[i]);
        snprintf(text, sizeof text, "%s[%d]: segfault at %x ip 0000555500%04x sp 0 error 6 in %s[555500000000+9000]",
                 progs[i], 100 + i, i * 77, 0x100 + i * 0x333, progs[i]);
        n += (size_t)snprintf(ev + n, sizeof ev - n, "%s%s", i ? "," : "", tf_kev(i + 1, "user_segfault", "", "error", i, extra, text));
    }
    snprintf(ev + n, sizeof ev - n, "]");
    out = judge(ev, "6.6.0", NULL);
    CHECK(tf_finding(out, "user-crashes-many-programs") != NULL);
    CHECK_STR(lean(out), "hardware");
    json_decref(out);
    /* One program's deliberate ud2 traps (Rust aborts): not the CPU. */
    out = judge1("user_trap", "", "error", 1, "\"task\":\"a\"", "traps: a[9] trap invalid opcode ip:55d0 sp:7ffc error:0 in a[55d0+1000]",
                 "6.6.0", NULL);
    CHECK(tf_finding(out, "user-invalid-opcode-one-program") != NULL);
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* The same program with an invalid opcode and a protection fault at other places: executing
     * garbage, a program memory bug or the hardware; no software lean. */
    snprintf(a, sizeof a, "%s", tf_kev(1, "user_trap", "", "error", -1, "\"task\":\"xmrig\"",
                                      "traps: xmrig[4379] trap invalid opcode ip:7efbff668b9d sp:7efb39dfed60 error:0"));
    snprintf(ev, sizeof ev, "[%s,%s]", a, tf_kev(2, "user_trap", "", "error", -1, "\"task\":\"xmrig\"",
                                                 "traps: xmrig[4378] general protection ip:5655557351db sp:7efb3abfed48 error:0"));
    out = judge(ev, "6.6.0", NULL);
    CHECK(tf_finding(out, "user-crashes-one-program-many-places") != NULL && tf_finding(out, "user-invalid-opcode-one-program") == NULL);
    CHECK(strcmp(lean(out), "software") != 0);
    json_decref(out);
}

static void test_machine_checks(void)
{
    json_t *out = judge1("mce", "", "error", 0, "\"mce\":{\"corrected\":true,\"bank\":null,\"unit\":\"memory\",\"source\":\"edac\"}",
                         "EDAC MC0: 1 CE memory read error on CPU_SrcID#0_MC#0_Chan#0_DIMM#0", "6.1.0", "bare-metal");
    const json_t *f = tf_finding(out, "mce-memory-ecc");
    CHECK(f && !strcmp(tf_str(f, "class"), "hardware-memory"));
    CHECK(tf_finding(out, "guest-machine-check") == NULL);
    CHECK_STR(lean(out), "hardware");
    json_decref(out);
    /* An uncorrected DRAM error is the memory's, not "in the CPU". */
    out = judge1("mce", "", "fatal", 0, "\"mce\":{\"corrected\":false,\"bank\":null,\"unit\":\"memory\",\"source\":\"edac\"}",
                 "EDAC MC0: 1 UE memory read error on CPU_SrcID#0_MC#0_Chan#1_DIMM#0", "6.1.0", "bare-metal");
    CHECK(tf_finding(out, "mce-memory-ecc") != NULL && tf_finding(out, "mce-uncorrected-cpu") == NULL);
    json_decref(out);
    out = judge1("mce", "", "fatal", 4, "\"mce\":{\"corrected\":false,\"bank\":0,\"unit\":\"core\",\"source\":\"mce\"}",
                 "mce: [Hardware Error]: CPU 4: Machine Check Exception: 5 Bank 0: b200000080060001", WSL, "wsl2");
    f = tf_finding(out, "mce-uncorrected-cpu");
    CHECK(f && !strcmp(tf_str(f, "confidence"), "medium"));   /* capped inside a VM: confirm on the host */
    CHECK(strstr(tf_str(f, "advice"), "WHEA") != NULL);
    json_decref(out);
    /* Only "Machine check events logged": records exist, but the log does not say what they were. */
    out = judge1("mce", "", "error", 0, "", "mce: [Hardware Error]: Machine check events logged", "6.1.0", "bare-metal");
    f = tf_finding(out, "guest-machine-check");
    CHECK(f && !strcmp(tf_str(f, "confidence"), "low"));
    CHECK(f && strstr(json_string_value(json_array_get(json_object_get(f, "confounders"), 0)), "thermal") != NULL);
    json_decref(out);
}

static void test_memory_corruption_and_limits(void)
{
    json_t *out = judge1("bad_page", "", "error", 1, "\"task\":\"omicli\"", "BUG: Bad page state in process omicli  pfn:1b5c3f",
                         "3.10.0", NULL);
    const json_t *f = tf_finding(out, "memory-corruption-signs");
    CHECK(f && strstr(tf_str(f, "advice"), "stresswsl --profile memory"));
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* The same in a kernel that says "Not tainted": no driver to suspect, bad RAM as likely. */
    out = judge1("bad_page", "", "error", 0, "\"taint\":\"\"", "BUG: Bad page state in process AutoDoom  pfn:14256", "4.1.6+", NULL);
    CHECK(tf_finding(out, "memory-corruption-untainted") != NULL && tf_finding(out, "memory-corruption-signs") == NULL);
    CHECK_STR(lean(out), "unknown");
    json_decref(out);
    /* With a machine check in the same log: the hardware. */
    char ev[4096], a[2048];
    snprintf(a, sizeof a, "%s", tf_kev(1, "mce", "", "error", 0, "", "mce: [Hardware Error]: Machine check events logged"));
    snprintf(ev, sizeof ev, "[%s,%s]", a, tf_kev(2, "bad_page", "", "error", 1, "", "BUG: Bad page state in process x"));
    out = judge(ev, "6.1.0", NULL);
    CHECK(tf_finding(out, "memory-corruption-with-hardware-evidence") != NULL && tf_finding(out, "memory-corruption-signs") == NULL);
    CHECK_STR(lean(out), "hardware");
    json_decref(out);
    /* A pointer with one flipped bit vs a poison value. */
    out = judge1("oops", "gpf", "error", 2, "", "general protection fault, probably for non-canonical address 0xffff0881ec598078: 0000 [#1]",
                 "6.6.22", NULL);
    CHECK(tf_finding(out, "kernel-address-bit-flip") != NULL);
    CHECK_STR(lean(out), "hardware");
    json_decref(out);
    out = judge1("oops", "gpf", "error", 2, "", "general protection fault, probably for non-canonical address 0xdead000000000108: 0000 [#1]",
                 "6.6.22", NULL);
    CHECK(tf_finding(out, "kernel-poison-pointer") != NULL && tf_finding(out, "kernel-address-bit-flip") == NULL);
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* A cgroup's own limit is named as such, with the log's line. */
    out = judge1("oom_kill", "", "error", 0, "\"task\":\"palo_be\"",
                 "Memory cgroup out of memory: Kill process 24984 (palo_be) score 968 or sacrifice child", "3.10.0", NULL);
    f = tf_finding(out, "oom-kills-cgroup");
    CHECK(f && strstr(tf_str(f, "summary"), "palo_be") && strstr(tf_str(f, "advice"), "memory.max"));
    CHECK(tf_finding(out, "oom-kills") == NULL);
    json_decref(out);
    /* Limits: configuration, with the log's own numbers. */
    out = judge1("page_alloc_fail", "", "warn", 0, "\"task\":\"kworker/0:2\"", "kworker/0:2: page allocation failure: order:7, mode:0x40dc0",
                 "6.1.0", NULL);
    f = tf_finding(out, "page-allocation-failure");
    CHECK(f && strstr(tf_str(f, "summary"), "order:7"));
    CHECK_STR(lean(out), "configuration");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(out, "verdict"), "exit_code")), SW_EXIT_LIMIT);
    json_decref(out);
}

/* One event judged with the log's own "log.modules" (modules named in its call traces). */
static json_t *judge_with_modules(const char *kind, const char *extra, const char *text, const char *modules_json)
{
    char buf[2400];
    snprintf(buf, sizeof buf, "[%s]", tf_kev(1, kind, "", "warn", 3, extra, text));
    json_t *ev = json_loads(buf, 0, NULL), *facts = tf_log_facts("3.18.18+38-ph", NULL);
    json_object_set_new(facts, "log", json_pack("{s:o}", "modules", json_loads(modules_json, 0, NULL)));
    json_t *r = json_pack("{s:i,s:{s:s},s:o,s:{s:o}}", "schema_version", 1, "run", "status", "analyzed", "events", ev,
                          "facts", "before", facts);
    struct sw_diag d = {0};
    json_t *out = sw_correlate(r, g_rules, NULL, &d);
    json_decref(r);
    return out;
}

/* A large-order allocation failure under an out-of-tree module: that module's bug, not a memory limit.
 * Line from https://github.com/writeboost/dm-writeboost/issues/72 (tests/corpus/kmsg/page-alloc-failure-order8-*). */
static void test_alloc_failure_of_a_driver(void)
{
    static const char line[] = "dmwb_writeback_: page allocation failure: order:8, mode:0x204010";
    static const char task[] = "\"task\":\"dmwb_writeback_\",\"taint\":\"O\"";
    json_t *out = judge_with_modules("page_alloc_fail", task, line, "[\"dm_writeboost\"]");
    const json_t *f = tf_finding(out, "page-allocation-failure-driver-large-order");
    CHECK(f && strstr(tf_str(f, "summary"), "dm_writeboost") && strstr(tf_str(f, "summary"), "order:8"));
    CHECK(tf_finding(out, "page-allocation-failure") == NULL);
    CHECK_STR(lean(out), "software");
    json_decref(out);
    /* No module in the traces, a small order, or an untainted kernel: a memory limit as before. */
    out = judge_with_modules("page_alloc_fail", task, line, "[]");
    CHECK_STR(lean(out), "configuration");
    json_decref(out);
    out = judge_with_modules("page_alloc_fail", task, "dmwb_writeback_: page allocation failure: order:3, mode:0x204010",
                             "[\"dm_writeboost\"]");
    CHECK_STR(lean(out), "configuration");
    json_decref(out);
    out = judge_with_modules("page_alloc_fail", "\"task\":\"kworker/0:2\",\"taint\":\"\"", line, "[\"dm_writeboost\"]");
    CHECK_STR(lean(out), "configuration");
    json_decref(out);
}

static void test_panic_follows_first_cause(void)
{
    char ev[4096], a[2048];
    snprintf(a, sizeof a, "%s", tf_kev(1, "kasan", "", "error", 0, "\"symbols\":[\"ext4_find_entry\"]", "BUG: KASAN: use-after-free in ext4_find_entry"));
    snprintf(ev, sizeof ev, "[%s,%s]", a, tf_kev(2, "panic", "", "fatal", 0, "", "Kernel panic - not syncing: KASAN: panic_on_warn set"));
    json_t *out = judge(ev, "6.1.0", NULL);
    CHECK_STR(lean(out), "software");
    CHECK(tf_finding(out, "panic-follows-first-cause") != NULL);
    json_decref(out);
}

static void test_panics_that_are_configuration(void)
{
    json_t *out = judge1("panic", "", "fatal", 0, "", "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
                         "6.6.0", NULL);
    CHECK(tf_finding(out, "panic-boot-configuration") != NULL && tf_finding(out, "panic-follows-first-cause") == NULL);
    CHECK_STR(lean(out), "configuration");
    json_decref(out);
    /* init killed by SIGBUS: in a WSL guest memory exhaustion; with no environment, the exit code is explained only. */
    const char *text = "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000007";
    out = judge1("panic", "", "fatal", 0, "", text, WSL, "wsl2");
    CHECK(tf_finding(out, "panic-init-killed-by-memory-pressure") != NULL);
    CHECK_STR(lean(out), "configuration");
    json_decref(out);
    out = judge1("panic", "", "fatal", 0, "", text, "6.6.0", NULL);
    const json_t *f = tf_finding(out, "panic-init-killed");
    CHECK(f && strstr(tf_str(f, "summary"), "SIGBUS"));
    CHECK_STR(lean(out), "unknown");
    json_decref(out);
}

/* One kernel event: the rule that must explain it and the lean it must give. */
static void expect(const char *kind, const char *extra, const char *text, const char *env, const char *rule, const char *want)
{
    json_t *out = judge1(kind, "", "error", 1, extra, text, "6.1.0", env);
    CHECK_MSG(tf_finding(out, rule) != NULL, "%s: no %s", text, rule);
    CHECK_MSG(!strcmp(lean(out), want), "%s: lean %s, want %s", text, lean(out), want);
    json_decref(out);
}

static void test_more_classes(void)
{
    expect("hung_task", "\"symbols\":[\"rpc_wait_bit_killable\",\"nfs_file_fsync\"]", "INFO: task cp:1 blocked for more than 120 seconds.",
           NULL, "hung-task-network-fs", "environment");
    expect("hung_task", "\"symbols\":[\"shrink_node\",\"try_to_free_pages\"]", "INFO: task cc1:9 blocked for more than 120 seconds.",
           NULL, "hung-task-reclaim", "configuration");
    expect("oops", "\"symbols\":[\"p9_client_rpc\",\"v9fs_file_read_iter\"]", "BUG: kernel NULL pointer dereference, address: 8",
           "wsl2", "wsl-file-sharing-crash", "software");
    expect("user_segfault", "\"task\":\"yum\"", "yum[1]: segfault at ffffffffff600400 ip ffffffffff600400 sp 7ffd error 15",
           NULL, "user-segfault-vsyscall", "configuration");
    expect("mce", "\"mce\":{\"corrected\":true,\"bank\":27,\"unit\":\"l2_cache\",\"source\":\"mce_amd\"}",
           "[Hardware Error]: Corrected error, no action required.", "bare-metal", "mce-corrected-cpu", "hardware");
    /* The compiler crashing at different places on different CPUs. */
    char ev[4096], a[1200], b[1200];
    snprintf(a, sizeof a, "%s", tf_kev(1, "user_segfault", "", "error", 2, "\"task\":\"cc1plus\"",
                                      "cc1plus[10]: segfault at 0 ip 0000000000a01234 sp 0 error 4 in cc1plus[400000+1f00000]"));
    snprintf(b, sizeof b, "%s", tf_kev(2, "user_segfault", "", "error", 5, "\"task\":\"cc1plus\"",
                                      "cc1plus[11]: segfault at 8 ip 0000000000b04321 sp 0 error 4 in cc1plus[400000+1f00000]"));
    snprintf(ev, sizeof ev, "[%s,%s,%s]", a, b, tf_kev(3, "user_segfault", "", "error", 7, "\"task\":\"cc1plus\"",
                                                      "cc1plus[12]: segfault at 10 ip 0000000000c0ffee sp 0 error 6 in cc1plus[400000+1f00000]"));
    json_t *out = judge(ev, "6.1.0", NULL);
    CHECK(tf_finding(out, "compiler-crashes-varied") != NULL);
    CHECK_STR(lean(out), "hardware");
    json_decref(out);
}

static void test_crash_at_boot(void)
{
    expect("oops", "\"ts\":0.663588", "kernel oops/BUG report", "wsl2", "kernel-crash-at-boot", "software");
    json_t *out = judge1("oops", "", "error", 1, "\"ts\":3600.5", "kernel oops/BUG report", "6.1.0", NULL);
    CHECK(tf_finding(out, "kernel-crash-at-boot") == NULL);   /* an hour in: not a boot crash */
    json_decref(out);
    out = judge1("oops", "", "error", 1, "", "kernel oops/BUG report", "6.1.0", NULL);
    CHECK(tf_finding(out, "kernel-crash-at-boot") == NULL);   /* no stamp: nothing said about boot */
    json_decref(out);
}

static void test_host_and_platform_notices(void)
{
    /* A host bugcheck in its own virtualisation code is not the CPU's fault. */
    json_t *r = json_pack("{s:i,s:{s:s},s:[],s:{s:o}}", "schema_version", 1, "run", "status", "analyzed", "events", "facts",
                          "before", tf_log_facts(WSL, "wsl2"));
    json_t *host = json_pack("{s:{s:[{s:i,s:s}],s:s}}", "guest_crash_events", "value", "id", 18590, "text",
                             "BugCheck 0x7E in nt!VmpInvalidateSingleGpaRange, PROCESS_NAME: vmmemWSL", "source", "host-eventlog");
    json_object_set_new(json_object_get(json_object_get(r, "facts"), "before"), "host", host);
    struct sw_diag d = {0};
    json_t *out = sw_correlate(r, g_rules, NULL, &d);
    const json_t *f = tf_finding(out, "host-bugcheck-virtualization");
    CHECK(f && !strcmp(tf_str(f, "lean"), "environment"));
    CHECK_STR(lean(out), "environment");
    json_decref(out);
    json_decref(r);
    /* Zen 5 RDSEED: a notice, never the verdict's lean. */
    json_t *facts = tf_facts("AuthenticAMD", "AMD Ryzen 9 9950X 16-Core Processor", "0xb40f40", 26, 2, "0x0b002150", NULL, "bare-metal");
    r = tf_report(facts, "[]", 1200, "completed", "null");
    out = sw_correlate(r, g_rules, NULL, &d);
    f = tf_finding(out, "zen5-rdseed-notice");
    CHECK(f && json_is_true(json_object_get(f, "advisory")));
    CHECK_STR(lean(out), "unknown");
    CHECK_STR(tf_str(json_object_get(out, "verdict"), "status"), "stable");
    json_decref(out);
    json_decref(r);
}

static void test_fact_sources_and_no_compiling(void)
{
    char ev[1024];
    snprintf(ev, sizeof ev, "[%s]", tf_kev(1, "hung_task", "", "error", -1, "\"symbols\":[\"io_ring_exit_work\"]", "INFO: task x blocked"));
    unsigned long before = sw_regex_compilations();
    json_t *out = judge(ev, "6.6.20", NULL);
    for (int i = 0; i < 20; i++)
        json_decref(judge(ev, "6.6.20", NULL));
    CHECK_MSG(sw_regex_compilations() == before, "matching compiled %lu regexes", sw_regex_compilations() - before);
    const json_t *f = tf_finding(out, "io-uring-hung-task-old-kernel");
    const json_t *src = json_array_get(json_object_get(json_object_get(f, "evidence"), "fact_sources"), 0);
    CHECK_STR(tf_str(src, "fact"), "kernel.release");
    CHECK_STR(tf_str(src, "source"), "log line 3");
    CHECK_STR(tf_str(src, "value"), "6.6.20");
    json_decref(out);
    /* The branch rule itself. */
    json_t *fixes = json_pack("[s,s,s]", "6.6.26", "6.8.5", "6.9");
    CHECK(sw_version_before_fix("6.6.25", fixes) && !sw_version_before_fix("6.6.114.1-microsoft-standard-WSL2", fixes));
    CHECK(!sw_version_before_fix("not a version", fixes) && !sw_version_before_fix("7.0", fixes));
    json_decref(fixes);
}

static void test_load(void)
{
    g_rules = tf_load_rules();
    CHECK(json_array_size(json_object_get(g_rules, "rules")) > 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"load", test_load},
        {"every_kind_is_explained", test_every_kind_is_explained},
        {"detectors_are_software_and_name_the_place", test_detectors_are_software_and_name_the_place},
        {"drivers_named", test_drivers_named},
        {"stalls_in_a_vm_are_the_host", test_stalls_in_a_vm_are_the_host},
        {"io_uring_branch_by_branch", test_io_uring_branch_by_branch},
        {"user_crashes", test_user_crashes},
        {"machine_checks", test_machine_checks},
        {"memory_corruption_and_limits", test_memory_corruption_and_limits},
        {"alloc_failure_of_a_driver", test_alloc_failure_of_a_driver}, {"panic_follows_first_cause", test_panic_follows_first_cause},
        {"panics_that_are_configuration", test_panics_that_are_configuration},
        {"more_classes", test_more_classes},
        {"host_and_platform_notices", test_host_and_platform_notices},
        {"crash_at_boot", test_crash_at_boot},
        {"fact_sources_and_no_compiling", test_fact_sources_and_no_compiling},
        {NULL, NULL},
    };
    int rc = sw_test_main(argc, argv, cases);
    json_decref(g_rules);
    return rc;
}
