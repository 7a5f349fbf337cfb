/* Kernel-log line formats and the classifier, on every recorded fixture in kmsg/ (walked, so a new
 * fixture without an expectation here fails) plus synthetic one-liners for each format. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/kmsg_classify.h"
#include "probes/kmsg_line.h"
#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

/* ---- every fixture: expectations read from each X.source ("expected classification") ---------- */

static const struct kmsg_expect expects[] = {
    /* .source: "expected: Bad page state"; notes: duplicate identical line - count one event. */
    {"bad-page-state-omicli-hyperv-rhel77-syslog.log", K(BAD_PAGE), 1, NULL, -1, "omicli", NULL, SW_SEV_ERROR},
    /* .source: "general protection fault / oops" in __blk_rq_map_sg; "CPU: 2 PID: 26 Comm: kworker/2:0H". */
    {"gpf-non-canonical-bad-ram-shredos-syslog.log", K(OOPS) | K(GPF), 1, "__blk_rq_map_sg", 2, "kworker/2:0H", NULL,
     SW_SEV_ERROR},
    /* .source: "hard lockup + kernel panic (hardlockup_panic)" in influxd, "on cpu 1", trace
     * watchdog_overflow_callback <- perf_event_overflow. */
    {"hard-lockup-panic-influxd-redpill.log", K(PANIC) | K(HARD_LOCKUP), 1, "watchdog_overflow_callback", 1, "influxd",
     NULL, SW_SEV_FATAL},
    /* .source: "hung task (D state, 120 s)", kworker/u16:129 in io_ring_exit_work; a second task starts
     * at the end; the excerpt starts with the last frame of a previous report (not an event). */
    {"hung-task-io-uring-exit-work-5.12.log", K(HUNG_TASK), 2, "io_ring_exit_work wait_for_completion", -1,
     "kworker/u16:129", NULL, SW_SEV_ERROR},
    /* .source: "hung task" (header only in the issue title); format fixture for "<6>[ts][ T38]". */
    {"hung-task-io-uring-exit-work-lockdep-printk-caller.log", K(HUNG_TASK), 1, "io_ring_exit_work", -1, NULL, NULL,
     SW_SEV_ERROR},
    /* .source: "machine check (corrected, Bank 0)", "CPU 4", status 9400004000040150 (UC=0), two records. */
    {"mce-corrected-bank0-i9-9900k-docker-journal.log", K(MCE), 2, NULL, 4, NULL, "bank 0", SW_SEV_ERROR},
    /* .source: "NULL pointer dereference / oops", RIP zap_leaf_lookup, "CPU: 5 ... Comm: z_wr_iss". */
    {"null-deref-zfs-no-timestamps.log", K(OOPS) | K(NULL_DEREF), 1, "zap_leaf_lookup fzap_length", 5, "z_wr_iss",
     NULL, SW_SEV_ERROR},
    /* .source: "OOM + kernel panic (panic_on_oom)", out_of_memory -> check_panic_on_oom in 'webservice'. */
    {"oom-panic-on-oom-vmware-rhel7.log", K(PANIC) | K(OOM_KILL), 1, "out_of_memory check_panic_on_oom", 0,
     "webservice", NULL, SW_SEV_FATAL},
    /* .source: "user-space trap (divide error in compiler) + machine check (corrected, Bank 0, repeated
     * on same cores)" on CPUs 8 and 10: three MCE lines and one trap; the trap is NOT a kernel oops. */
    {"raptorlake-13900k-mce-bank0-trap-divide-error-notes.log", K(USER_TRAP) | K(MCE), 4, NULL, 8, "opt cgu.5",
     "bank 0", SW_SEV_ERROR},
    /* .source: "RCU stall (with GP kthread starvation)", stalls reported twice, stalled CPU 1. */
    {"rcu-stall-kthread-starved-vm-ci.log", K(RCU_STALL), 2, "rcu_gp_kthread", 1, NULL, NULL, SW_SEV_ERROR},
    /* .source: "user-space segfault of the compiler (cc1/cc1plus)": five cc1 and one cc1plus line,
     * mail-wrapped (the wrapped halves are not events). */
    {"segfault-cc1-cc1plus-lkml-2005-wrapped.log", K(USER_SEGFAULT), 6, NULL, -1, "cc1plus", NULL, SW_SEV_ERROR},
    /* .source: "user-space segfault (error 5) with rate-limit notice" of type1; its Code: line is
     * part of the segfault, not a kernel report. */
    {"segfault-userspace-code-line-9900k-hetzner.log", K(USER_SEGFAULT), 1, NULL, -1, "type1", "type1", SW_SEV_ERROR},
    /* .source: "kernel BUG at mm/slub.c (invalid opcode) / oops" in __slab_free, Comm insmod, CPU 3. */
    {"slub-bug-driver-insmod-ebbchar.log", K(BUG) | K(SLAB_CORRUPTION), 1, "__slab_free", 3, "insmod", "mm/slub.c:305",
     SW_SEV_ERROR},
    /* .source: "kernel BUG at mm/slub.c (invalid opcode) / oops" in kfree, afl-qemu-trace, CPU 7. */
    {"slub-bug-kfree-afl-qemu-syslog.log", K(BUG) | K(SLAB_CORRUPTION), 1, "kfree", 7, "afl-qemu-trace",
     "mm/slub.c:3995", SW_SEV_ERROR},
    /* .source: "soft lockup" CPU#2 [chia_plot:29632], wall-message format. */
    {"soft-lockup-chia-plotter-wall-message.log", K(SOFT_LOCKUP), 1, NULL, 2, "chia_plot", NULL, SW_SEV_ERROR},
    /* .source: "soft lockup" CPU#0 [frigate.output:1243199]; the wrapped module-list half is not an event. */
    {"soft-lockup-frigate-syslog.log", K(SOFT_LOCKUP), 1, NULL, 0, "frigate.output", NULL, SW_SEV_ERROR},
    /* .source: "oops/kernel BUG (trailer only: end trace + module list)". */
    {"wsl2-bug-namei-try-to-unlazy-13980hx-syslog-tail.log", K(OOPS), 1, NULL, -1, NULL, NULL, SW_SEV_ERROR},
    /* .source: "oops call trace containing __check_heap_object" (copy_strings, do_execveat_common). */
    {"wsl2-check-heap-object-calltrace-guestlog-tsv.log", K(OOPS), 1, "__check_heap_object copy_strings do_execveat_common",
     -1, NULL, NULL, SW_SEV_ERROR},
    /* .source: "oops (divide error, kernel mode)", RIP __check_heap_object, gcc on CPU 3; the panic
     * line is NOT in the excerpt, so no panic event. */
    {"wsl2-divide-error-check-heap-object-gcc-5.15.153.1.log", K(OOPS) | K(DIVIDE_ERROR), 1, "__check_heap_object", 3,
     "gcc", NULL, SW_SEV_ERROR},
    /* .source: "OOM (task dump only)"; "a tool should not classify a bare task table as a crash". */
    {"wsl2-oom-task-dump-compile-claude.log", K(OOM_KILL), 1, NULL, -1, NULL, NULL, SW_SEV_WARN},
    /* .source: "kernel panic (init killed)". */
    {"wsl2-panic-attempted-to-kill-init-oom.log", K(PANIC), 1, NULL, -1, NULL, NULL, SW_SEV_FATAL},
    /* .source: "oops in interrupt context + kernel panic (boot-time)". */
    {"wsl2-panic-fatal-exception-in-interrupt-boot-custom-kernel.log", K(OOPS) | K(PANIC), 2, NULL, -1, NULL, NULL,
     SW_SEV_FATAL},
    /* .source: "kernel BUG (invalid opcode / ud2 at __remove_mapping)": Code bytes '0f 0b <0f> 0b'. */
    {"wsl2-remove-mapping-bug-mini-init-5.15.167.4.log", K(BUG) | K(INVALID_OPCODE), 1, "__remove_mapping", -1, NULL,
     NULL, SW_SEV_ERROR},
    {NULL, 0, 0, NULL, 0, NULL, NULL, 0},
};

static void every_fixture(void)
{
    kmsg_check_fixture_dir("kmsg", expects);
}

/* Specific conclusions the .source files spell out, beyond the kind sets. */
static void fixture_details(void)
{
    static struct kmsg_result r;
    char path[4200];
    /* Raptor Lake notes: MCEs on CPU 10, 8, 10 and "corrected"; the trap names libLLVM. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("kmsg/raptorlake-13900k-mce-bank0-trap-divide-error-notes.log"));
    const char *t = kmsg_slurp(path);
    if (!t)
        SW_SKIP("fixture missing: %s", path);
    kmsg_classify_text(t, &r);
    CHECK_INT(r.n, 4);
    if (r.n == 4) {
        CHECK_INT(r.ev[0].ev.klog_kind, SW_KLOG_USER_TRAP);
        CHECK_STR(r.ev[0].ev.what, "divide error");
        CHECK_STR(r.ev[0].ev.u.klog.where, "libLLVM.so.22.1");
        CHECK_INT(r.ev[1].ev.cpu, 10);
        CHECK_INT(r.ev[2].ev.cpu, 8);
        CHECK_INT(r.ev[3].ev.cpu, 10);
        CHECK_STR(r.ev[1].ev.what, "corrected");
        CHECK_STR(r.ev[3].ev.u.klog.where, "bank 0 status 0x8000004000040005");
    }
    /* 9900K MCE: corrected (UC=0) is an error, not fatal. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("kmsg/mce-corrected-bank0-i9-9900k-docker-journal.log"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK(r.fmt == SW_KFMT_SYSLOG);
    CHECK(r.n >= 1 && r.ev[0].ev.sev == SW_SEV_ERROR && strcmp(r.ev[0].ev.what, "corrected") == 0);
    /* Divide error: the most relevant symbol (RIP) comes first. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("kmsg/wsl2-divide-error-check-heap-object-gcc-5.15.153.1.log"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK(r.n == 1 && strncmp(r.ev[0].ev.u.klog.symbols, "__check_heap_object", 19) == 0);
    CHECK(r.n == 1 && r.ev[0].ts_us == 2982364941ll);
    /* GuestLog TSV: the headerless trace starts with "? __check_heap_object": a '?' frame is a stack
     * leftover, kept in the symbols but never the crash symbol (issue 8); format detected. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("kmsg/wsl2-check-heap-object-calltrace-guestlog-tsv.log"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK(r.fmt == SW_KFMT_GUESTLOG_TSV);
    CHECK(r.n == 1 && strncmp(r.ev[0].ev.u.klog.symbols, "__check_object_size ", 20) == 0);
    CHECK(r.n == 1 && strstr(r.ev[0].ev.u.klog.symbols, " __check_heap_object") != NULL);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.what, "partial: header not in log") == 0);
    /* Hung task 5.12: the two tasks, in order. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("kmsg/hung-task-io-uring-exit-work-5.12.log"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK(r.n == 2 && strcmp(r.ev[1].ev.u.klog.task, "kworker/u16:145") == 0 && r.ev[1].ev.pid == 240639);
    CHECK(r.n == 2 && strcmp(r.ev[0].ev.what, "blocked > 120 s") == 0);
    /* Formats of the other fixtures. */
    static const struct {
        const char *file;
        enum sw_kmsg_format fmt;
    } fmts[] = {
        {"kmsg/null-deref-zfs-no-timestamps.log", SW_KFMT_PLAIN},
        {"kmsg/hung-task-io-uring-exit-work-lockdep-printk-caller.log", SW_KFMT_DMESG},
        {"kmsg/slub-bug-kfree-afl-qemu-syslog.log", SW_KFMT_SYSLOG},
        {"kmsg/gpf-non-canonical-bad-ram-shredos-syslog.log", SW_KFMT_SYSLOG},
        {"host/hyperv-worker-18590-docker-desktop.txt", SW_KFMT_HYPERV},
    };
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        snprintf(path, sizeof path, "%s", sw_test_fixture(fmts[i].file));
        const char *s = kmsg_slurp(path);
        CHECK_MSG(s != NULL, "cannot read %s", path);
        if (!s)
            continue;
        kmsg_classify_text(s, &r);
        CHECK_MSG(r.fmt == fmts[i].fmt, "%s: format %s", fmts[i].file, sw_kmsg_format_name(r.fmt));
    }
}

/* Windows event 18590 text: only the part after "Guest message:" is kernel log. */
static void hyperv_fixtures(void)
{
    static struct kmsg_result r;
    char path[4200];
    snprintf(path, sizeof path, "%s", sw_test_fixture("host/hyperv-worker-18590-docker-desktop.txt"));
    const char *t = kmsg_slurp(path);
    if (!t)
        SW_SKIP("fixture missing: %s", path);
    kmsg_classify_text(t, &r);
    CHECK_INT(r.n, 1);
    CHECK(r.kinds == (K(OOPS) | K(NULL_DEREF)));
    CHECK_INT(r.kernel_lines, 6);   /* the six guest lines, none of the event header */
    snprintf(path, sizeof path, "%s", sw_test_fixture("host/hyperv-worker-18590-guest-message.txt"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK_INT(r.n, 1);
    CHECK(r.n == 1 && r.ev[0].ev.cpu == 0 && strcmp(r.ev[0].ev.u.klog.task, "mini_init") == 0 &&
          strcmp(r.ev[0].ev.u.klog.symbols, "__remove_mapping") == 0);
    /* Register-only form: an empty guest message holds no kernel log at all. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("host/hyperv-worker-18590-legacy-registers.txt"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK_INT(r.n, 0);
    CHECK_INT(r.kernel_lines, 0);
    /* A wsl-crashes kernel-panic-*.txt tail: a headerless trace is still reported. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("host/wsl-crashes-kernel-panic-tail.txt"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK(r.n == 1 && r.kinds == K(OOPS) && strstr(r.ev[0].ev.u.klog.symbols, "do_exit") != NULL);
    /* A healthy boot log has kernel lines and no events. */
    snprintf(path, sizeof path, "%s", sw_test_fixture("host/dmesg-wsl2-hyperv-boot-win10host.txt"));
    kmsg_classify_text(kmsg_slurp(path), &r);
    CHECK_INT(r.n, 0);
    CHECK(r.kernel_lines > 0);
}

/* ---- line formats ---------------------------------------------------------------------------- */

static struct sw_kmsg_line line;

static void parse(const char *s, enum sw_kmsg_format fmt)
{
    sw_kmsg_line_parse(s, strlen(s), fmt, &line);
}

static void line_kmsg(void)
{
    parse("6,1234,5000000,-;hello world", SW_KFMT_KMSG);
    CHECK_STR(line.msg, "hello world");
    CHECK_INT(line.ts_us, 5000000);
    CHECK_INT(line.seq, 1234);
    CHECK_INT(line.prio, 6);
    CHECK_INT(line.facility, 0);
    CHECK(line.kernel && !line.skip);
    parse("12,99,123,-,caller=T38;user: msg", SW_KFMT_UNKNOWN);   /* facility 1 (user), level 4 */
    CHECK_INT(line.caller_tid, 38);
    CHECK_INT(line.prio, 4);
    CHECK_INT(line.facility, 1);
    CHECK_STR(line.msg, "user: msg");
    parse("4,7,1,c,caller=C3;x", SW_KFMT_KMSG);
    CHECK_INT(line.cpu, 3);
    parse(" SUBSYSTEM=pci", SW_KFMT_KMSG);
    CHECK(line.skip);
    parse("6,1,2,-;rcu: \\x091-...!: (0 ticks this GP)", SW_KFMT_KMSG);
    CHECK_STR(line.msg, "rcu: \t1-...!: (0 ticks this GP)");
}

static void line_dmesg(void)
{
    parse("[  123.456789] msg here", SW_KFMT_UNKNOWN);
    CHECK_STR(line.msg, "msg here");
    CHECK_INT(line.ts_us, 123456789);
    CHECK(line.kernel);
    CHECK_STR(line.stamp, "[  123.456789]");
    parse("<6>[96339.352688][   T38] Call Trace:", SW_KFMT_UNKNOWN);
    CHECK_STR(line.msg, "Call Trace:");
    CHECK_INT(line.prio, 6);
    CHECK_INT(line.caller_tid, 38);
    CHECK_INT(line.ts_us, 96339352688ll);
    parse("[    1.000000] [    C3] foo", SW_KFMT_UNKNOWN);
    CHECK_INT(line.cpu, 3);
    CHECK_STR(line.msg, "foo");
    parse("[    1.5]  ? foo+0x1/0x2", SW_KFMT_UNKNOWN);   /* the frame's own indent is kept */
    CHECK_STR(line.msg, " ? foo+0x1/0x2");
    CHECK_INT(line.ts_us, 1500000);
    parse("kern  :err   : [    2.000000] bar", SW_KFMT_UNKNOWN);   /* dmesg -x */
    CHECK_STR(line.msg, "bar");
    CHECK_INT(line.prio, 3);
    parse("[Sat Nov 23 14:50:51 2024] baz", SW_KFMT_UNKNOWN);   /* dmesg -T */
    CHECK_STR(line.msg, "baz");
    CHECK_STR(line.stamp, "Sat Nov 23 14:50:51 2024");
    parse(" kernel:[405108.698255] watchdog: BUG: soft lockup", SW_KFMT_UNKNOWN);   /* wall message */
    CHECK_STR(line.msg, "watchdog: BUG: soft lockup");
    CHECK_INT(line.ts_us, 405108698255ll);
    parse("Message from syslogd@plot-071 at Jun 17 13:06:42 ...", SW_KFMT_UNKNOWN);
    CHECK(line.skip);
}

static void line_syslog(void)
{
    parse("Nov 23 14:50:51 host kernel: [   12.5] msg", SW_KFMT_UNKNOWN);
    CHECK_STR(line.msg, "msg");
    CHECK_INT(line.ts_us, 12500000);
    CHECK_STR(line.stamp, "Nov 23 14:50:51");
    CHECK(line.kernel);
    parse("Nov  3 15:20:05 h kernel: BUG: Bad page state", SW_KFMT_SYSLOG);   /* journalctl -k short */
    CHECK_STR(line.msg, "BUG: Bad page state");
    CHECK_INT(line.ts_us, -1);
    parse("Sep 16 18:04:32 shredos daemon.info ntpd[179]: kernel reports TIME_ERROR", SW_KFMT_UNKNOWN);
    CHECK(line.skip);
    parse("Sep 16 18:04:48 shredos kern.warn kernel: CPU: 2 PID: 26", SW_KFMT_UNKNOWN);   /* busybox */
    CHECK_STR(line.msg, "CPU: 2 PID: 26");
    CHECK(line.kernel && !line.skip);
    parse("May 20 12:52:36.123456 destroyer kernel: mce: x", SW_KFMT_UNKNOWN);   /* short-precise */
    CHECK_STR(line.msg, "mce: x");
    CHECK_STR(line.stamp, "May 20 12:52:36.123456");
    parse("-- Boot 0123456789abcdef --", SW_KFMT_SYSLOG);
    CHECK(line.skip);
}

static void line_iso(void)
{
    parse("2024-05-01T10:11:12.123456+00:00 host kernel: msg", SW_KFMT_UNKNOWN);
    CHECK_STR(line.msg, "msg");
    CHECK_INT(line.real_ns, 1714558272123456000ll);
    parse("2015-11-15T19:28:13.300971-08:00 host kernel: [  5.0] x", SW_KFMT_UNKNOWN);
    CHECK_INT(line.real_ns, 1447644493300971000ll);   /* 2015-11-16T03:28:13.300971Z */
    CHECK_INT(line.ts_us, 5000000);
    CHECK_STR(line.msg, "x");
    parse("2024-05-01T10:11:12+0000 host kernel: y", SW_KFMT_UNKNOWN);   /* journalctl short-iso */
    CHECK_INT(line.real_ns, 1714558272000000000ll);
    CHECK_STR(line.msg, "y");
    parse("Wed 2024-05-01 10:11:12 CEST host kernel: z", SW_KFMT_UNKNOWN);   /* short-full */
    CHECK_STR(line.msg, "z");
    CHECK(line.kernel);
    parse("2024-05-01T10:11:12Z host systemd[1]: Started x", SW_KFMT_UNKNOWN);
    CHECK(line.skip);
}

static void line_plain_and_guestlog(void)
{
    parse("BUG: kernel NULL pointer dereference, address: 0000000000000020", SW_KFMT_PLAIN);
    CHECK_STR(line.msg, "BUG: kernel NULL pointer dereference, address: 0000000000000020");
    CHECK(!line.kernel && line.ts_us == -1);
    const char *csv = "813,2024-09-27 22:27:13.3875697,Microsoft.Windows.Lxss.Manager,GuestLog,GuestLog,"
                      "\"[ 3206.024220] CPU: 6 PID: 26790 Comm: powerline.sh Not tainted "
                      "5.15.153.1-microsoft-standard-WSL2 #1\\n\",vmId,,,";
    parse(csv, SW_KFMT_GUESTLOG_CSV);
    CHECK_STR(line.msg, "CPU: 6 PID: 26790 Comm: powerline.sh Not tainted 5.15.153.1-microsoft-standard-WSL2 #1");
    CHECK_INT(line.ts_us, 3206024220ll);
    parse("Microsoft.Windows.Lxss.Manager\tGuestLog\t11-04-2024 11:58:44.172\t\"\t\"\t\"text: \t\"\"[  910.229996]  ? "
          "__check_heap_object+0x39/0xd0 \"\"",
          SW_KFMT_UNKNOWN);
    CHECK_STR(line.msg, " ? __check_heap_object+0x39/0xd0");
    parse("vmId: \t{08d0069d-9e5e-462c-b6f9-33f8df41860d}\"\t\t\t\t6396", SW_KFMT_GUESTLOG_TSV);
    CHECK(line.skip);
    parse("Event Name,Time,Provider,Task,Message", SW_KFMT_GUESTLOG_CSV);   /* header row */
    CHECK(line.skip);
}

static enum sw_kmsg_format det(const char *const *a, size_t n)
{
    size_t l[8];
    for (size_t i = 0; i < n; i++)
        l[i] = strlen(a[i]);
    return sw_kmsg_detect(a, l, n);
}

static void detect_formats(void)
{
    const char *kmsg[] = {"6,1,2,-;a", "6,2,3,-;b"};
    const char *dm[] = {"[    0.000000] Linux version", "[    0.1] x"};
    const char *sl[] = {"Nov 23 14:50:51 host kernel: a", "Nov 23 14:50:51 host kernel: b"};
    const char *iso[] = {"2024-05-01T10:11:12+00:00 h kernel: a"};
    const char *hv[] = {"Log Name:      Microsoft-Windows-Hyper-V-Worker-Admin"};
    const char *gl[] = {"1,2024-09-27 22:27:13,Microsoft.Windows.Lxss.Manager,GuestLog,GuestLog,\"x\""};
    const char *pl[] = {"BUG: kernel NULL pointer dereference", "#PF: supervisor read", "Oops: 0000 [#1]"};
    CHECK(det(kmsg, 2) == SW_KFMT_KMSG);
    CHECK(det(dm, 2) == SW_KFMT_DMESG);
    CHECK(det(sl, 2) == SW_KFMT_SYSLOG);
    CHECK(det(iso, 1) == SW_KFMT_ISO);
    CHECK(det(hv, 1) == SW_KFMT_HYPERV);
    CHECK(det(gl, 1) == SW_KFMT_GUESTLOG_CSV);
    CHECK(det(pl, 3) == SW_KFMT_PLAIN);
    CHECK_STR(sw_kmsg_format_name(SW_KFMT_GUESTLOG_TSV), "wsl-guestlog-tsv");
}

static void hyperv_joined_lines(void)
{
    /* Event viewers may join the guest lines into one; each stamp starts a line again. */
    static struct kmsg_result r;
    kmsg_classify_text("'X' has encountered a fatal error.  The guest operating system reported ...\n"
                  "\n"
                  "Guest message: [  712.553662] BUG: kernel NULL pointer dereference, address: 0000000000000018 "
                  "[  712.554716] Oops: 0000 [#1] SMP NOPTI [  712.554800] CPU: 14 PID: 77 Comm: dockerd Not tainted\n",
                  &r);
    CHECK(r.fmt == SW_KFMT_HYPERV);
    CHECK_INT(r.n, 1);
    CHECK(r.n == 1 && r.ev[0].ev.cpu == 14 && strcmp(r.ev[0].ev.u.klog.task, "dockerd") == 0);
    CHECK(r.kinds == (K(OOPS) | K(NULL_DEREF)));
    CHECK(r.n == 1 && r.ev[0].ts_us == 712553662ll);
}

/* ---- classifier on synthetic reports ---------------------------------------------------------- */

static void cls_warning_prefixed(void)
{
    static struct kmsg_result r;
    kmsg_classify_text("6,1,100,-;stresswsl-test: WARNING: CPU: 0 PID: 1 at test/kmsg.c:1 stresswsl_selftest\n", &r);
    CHECK_INT(r.n, 1);
    if (r.n == 1) {
        CHECK_INT(r.ev[0].ev.klog_kind, SW_KLOG_WARNING);
        CHECK_STR(r.ev[0].ev.u.klog.where, "test/kmsg.c:1");
        CHECK_INT(r.ev[0].ev.cpu, 0);
        CHECK_INT(r.ev[0].ev.pid, 1);
        CHECK_INT(r.ev[0].ev.sev, SW_SEV_WARN);
        CHECK_STR(r.ev[0].ev.u.klog.symbols, "stresswsl_selftest");
    }
    /* A full WARNING report is one event, Comm taken from the CPU: line. */
    kmsg_classify_text("[ 10.0] ------------[ cut here ]------------\n"
                  "[ 10.0] WARNING: CPU: 1 PID: 42 at mm/page_alloc.c:4678 __alloc_pages+0x1/0x2\n"
                  "[ 10.0] Modules linked in: x\n"
                  "[ 10.0] CPU: 1 PID: 42 Comm: stress Not tainted 6.1.0 #1\n"
                  "[ 10.0] RIP: 0010:__alloc_pages+0x1/0x2\n"
                  "[ 10.0] Call Trace:\n"
                  "[ 10.0]  <TASK>\n"
                  "[ 10.0]  alloc_pages_vma+0x1/0x2\n"
                  "[ 10.0]  </TASK>\n"
                  "[ 10.0] ---[ end trace 0000000000000000 ]---\n",
                  &r);
    CHECK_INT(r.n, 1);
    CHECK(r.n == 1 && r.ev[0].ev.klog_kind == SW_KLOG_WARNING && strcmp(r.ev[0].ev.u.klog.task, "stress") == 0 &&
          strcmp(r.ev[0].ev.u.klog.symbols, "__alloc_pages alloc_pages_vma") == 0);
}

static void cls_user_faults(void)
{
    static struct kmsg_result r;
    kmsg_classify_text("[ 1.0] cc1plus[4242]: segfault at 10 ip 00007f0000001234 sp 00007ffc00000000 error 4 in "
                  "cc1plus[400000+1000000] likely on CPU 3 (core 2, socket 0)\n"
                  "[ 1.0] Code: 00 11 22 <33> 44\n",
                  &r);
    CHECK_INT(r.n, 1);
    CHECK(r.kinds == K(USER_SEGFAULT));
    CHECK(r.n == 1 && r.ev[0].ev.cpu == 3 && r.ev[0].ev.pid == 4242 && strcmp(r.ev[0].ev.what, "error 4") == 0 &&
          strcmp(r.ev[0].ev.u.klog.where, "cc1plus") == 0 && strcmp(r.ev[0].ev.u.klog.task, "cc1plus") == 0);
    /* User-space traps are not kernel gpf/oops/invalid_opcode events. */
    kmsg_classify_text("[ 2.0] traps: rustc[777] general protection fault ip:7f01 sp:7ff0 error:0 in libc.so.6[7f00+1000]\n"
                  "[ 2.1] traps: abort-test[55] trap invalid opcode ip:55 sp:7ff error:0 in abort-test[55+1000]\n"
                  "[ 2.2] traps: gdb-me[9] trap int3 ip:1 sp:2 error:0 in gdb-me[1+2]\n",
                  &r);
    CHECK_INT(r.n, 3);
    CHECK(r.kinds == K(USER_TRAP));
    CHECK(r.n == 3 && strcmp(r.ev[0].ev.u.klog.task, "rustc") == 0 && strcmp(r.ev[1].ev.what, "invalid opcode") == 0);
    CHECK(r.n == 3 && r.ev[2].ev.sev == SW_SEV_WARN && r.ev[0].ev.sev == SW_SEV_ERROR);
}

static void cls_mce_oom_slab(void)
{
    static struct kmsg_result r;
    kmsg_classify_text("[ 5.0] mce: [Hardware Error]: CPU 2: Machine Check Exception: 5 Bank 0: b200000080060001\n"
                  "[ 5.0] mce: [Hardware Error]: RIP !INEXACT! 10:<ffffffff8100>\n",
                  &r);
    CHECK_INT(r.n, 1);
    CHECK(r.n == 1 && r.ev[0].ev.sev == SW_SEV_FATAL && r.ev[0].ev.cpu == 2 &&
          strncmp(r.ev[0].ev.what, "uncorrected", 11) == 0);
    kmsg_classify_text("[ 9.0] cc1plus invoked oom-killer: gfp_mask=0x140dca, order=0, oom_score_adj=0\n"
                  "[ 9.0] CPU: 1 PID: 300 Comm: cc1plus Not tainted 6.1.0 #1\n"
                  "[ 9.0] Call Trace:\n"
                  "[ 9.0]  dump_header+0x1/0x2\n"
                  "[ 9.0]  out_of_memory+0x1/0x2\n"
                  "[ 9.0] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
                  "[ 9.0] [    300]  1000   300   100000    90000   800000        0             0 cc1plus\n"
                  "[ 9.0] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null)\n"
                  "[ 9.0] Out of memory: Killed process 300 (cc1plus) total-vm:400000kB, anon-rss:360000kB\n",
                  &r);
    CHECK_INT(r.n, 1);
    CHECK(r.n == 1 && r.ev[0].ev.klog_kind == SW_KLOG_OOM_KILL && r.ev[0].ev.sev == SW_SEV_ERROR &&
          r.ev[0].ev.pid == 300 && strcmp(r.ev[0].ev.u.klog.task, "cc1plus") == 0);
    /* The pressure workload's own cgroup OOM kill: expected (info); another task's is not. */
    kmsg_classify_text("[ 9.0] sw-pressure invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000\n"
                  "[ 9.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/stresswsl-5-w0,task=sw-pressure\n"
                  "[ 9.0] Memory cgroup out of memory: Killed process 22218 (sw-pressure) total-vm:454388kB, anon-rss:288860kB\n",
                  &r);
    CHECK_INT(r.n, 1);
    CHECK(r.n == 1 && r.ev[0].ev.klog_kind == SW_KLOG_OOM_KILL && r.ev[0].ev.sev == SW_SEV_INFO &&
          strcmp(r.ev[0].ev.what, SW_KMSG_EXPECTED_OOM) == 0);
    kmsg_classify_text("[ 9.0] Memory cgroup out of memory: Killed process 400 (cc1plus) total-vm:454388kB, anon-rss:1kB\n", &r);
    CHECK(r.n == 1 && r.ev[0].ev.sev == SW_SEV_ERROR && strcmp(r.ev[0].ev.what, "cgroup limit: process killed") == 0);
    kmsg_classify_text("[ 9.0] Out of memory: Killed process 401 (sw-pressure) total-vm:454388kB, anon-rss:1kB\n", &r);
    CHECK(r.n == 1 && r.ev[0].ev.sev == SW_SEV_ERROR);
    /* usercopy + the BUG it raises: one event, bug + slab_corruption. */
    kmsg_classify_text("[ 3.0] usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' (offset 0, size 80)!\n"
                  "[ 3.0] ------------[ cut here ]------------\n"
                  "[ 3.0] kernel BUG at mm/usercopy.c:99!\n"
                  "[ 3.0] invalid opcode: 0000 [#1] SMP\n"
                  "[ 3.0] CPU: 1 PID: 9 Comm: cat Not tainted 5.15.0 #1\n"
                  "[ 3.0] RIP: 0010:usercopy_abort+0x6e/0x80\n"
                  "[ 3.0] Call Trace:\n"
                  "[ 3.0]  __check_heap_object+0xe1/0x120\n"
                  "[ 3.0]  __check_object_size+0x13f/0x150\n"
                  "[ 3.0] ---[ end trace 1234 ]---\n",
                  &r);
    CHECK_INT(r.n, 1);
    CHECK(r.kinds == (K(BUG) | K(SLAB_CORRUPTION)));
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.where, "mm/usercopy.c:99") == 0 &&
          strcmp(r.ev[0].ev.u.klog.symbols, "usercopy_abort __check_heap_object __check_object_size") == 0);
    /* SLUB debug report. */
    kmsg_classify_text("[ 4.0] =============================================================================\n"
                  "[ 4.0] BUG kmalloc-128 (Not tainted): Redzone overwritten\n"
                  "[ 4.0] INFO: 0xffff8880 @offset=128. First byte 0x0 instead of 0xcc\n",
                  &r);
    CHECK(r.n == 1 && r.kinds == K(SLAB_CORRUPTION) && strcmp(r.ev[0].ev.what, "Redzone overwritten") == 0);
}

static void cls_oops_then_panic(void)
{
    static struct kmsg_result r;
    kmsg_classify_text("[ 1.0] BUG: unable to handle page fault for address: ffffffffffffffe8\n"
                  "[ 1.0] #PF: supervisor read access in kernel mode\n"
                  "[ 1.0] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
                  "[ 1.0] CPU: 6 PID: 26790 Comm: powerline.sh Not tainted 5.15.153.1-microsoft-standard-WSL2 #1\n"
                  "[ 1.0] systemd-journald[55]: unrelated line in the middle\n"
                  "[ 1.0] RIP: 0010:try_to_unlazy+0x1/0x2\n"
                  "[ 1.0] Call Trace:\n"
                  "[ 1.0]  ? __die+0x1/0x2\n"
                  "[ 1.0]  link_path_walk.part.0.constprop.0+0x1/0x2\n"
                  "[ 1.1] Kernel panic - not syncing: Fatal exception\n"
                  "[ 1.1] Kernel Offset: disabled\n"
                  "[ 1.1] ---[ end Kernel panic - not syncing: Fatal exception ]---\n",
                  &r);
    CHECK_INT(r.n, 2);
    CHECK(r.kinds == (K(OOPS) | K(PANIC)));
    CHECK(r.n == 2 && r.ev[0].ev.cpu == 6 && strcmp(r.ev[0].ev.u.klog.task, "powerline.sh") == 0 &&
          strcmp(r.ev[0].ev.u.klog.symbols, "try_to_unlazy link_path_walk") == 0);
    CHECK(r.n == 2 && r.ev[1].ev.sev == SW_SEV_FATAL && strcmp(r.ev[1].ev.what, "Fatal exception") == 0);
    /* Other "BUG:" reports and quoted prose. */
    kmsg_classify_text("[ 2.0] BUG: sleeping function called from invalid context at mm/slab.h:494\n", &r);
    CHECK(r.n == 1 && r.kinds == K(ATOMIC_SLEEP));
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.where, "mm/slab.h:494") == 0);
    kmsg_classify_text("The reporter wrote: 'BUG: kernel NULL pointer dereference' (twice)\nnothing else here\n", &r);
    CHECK_INT(r.n, 0);
    CHECK_INT(r.kernel_lines, 0);
}

static void event_line(void)
{
    static struct kmsg_result r;
    kmsg_classify_text("BUG: kernel NULL pointer dereference, address: 0000000000000020\n"
                  "Oops: 0000 [#1] PREEMPT SMP PTI\n"
                  "CPU: 5 PID: 2962 Comm: z_wr_iss Tainted: P O 5.17.0 #14\n"
                  "RIP: 0010:zap_leaf_lookup+0x4d/0x170 [zfs]\n",
                  &r);
    CHECK_INT(r.n, 1);
    char buf[400];
    sw_kmsg_event_line(&r.ev[0].ev, buf, sizeof buf);
    CHECK_STR(buf, "oops+null_deref error cpu 5 task z_wr_iss[2962] in zap_leaf_lookup: "
                   "BUG: kernel NULL pointer dereference, address: 0000000000000020");
    char tiny[8];
    sw_kmsg_event_line(&r.ev[0].ev, tiny, sizeof tiny);
    CHECK_STR(tiny, "oops+nu");
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"line_kmsg", line_kmsg},
        {"line_dmesg", line_dmesg},
        {"line_syslog", line_syslog},
        {"line_iso", line_iso},
        {"line_plain_and_guestlog", line_plain_and_guestlog},
        {"detect_formats", detect_formats},
        {"hyperv_joined_lines", hyperv_joined_lines},
        {"cls_warning_prefixed", cls_warning_prefixed},
        {"cls_user_faults", cls_user_faults},
        {"cls_mce_oom_slab", cls_mce_oom_slab},
        {"cls_oops_then_panic", cls_oops_then_panic},
        {"event_line", event_line},
        {"every_fixture", every_fixture},
        {"fixture_details", fixture_details},
        {"hyperv_fixtures", hyperv_fixtures},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
