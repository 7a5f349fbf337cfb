/* Kernel-log forms added for issue 8: dmesg -H/-T/-x/-r stamps, journalctl in any language, time-only and
 * console prefixes, other kernel syslog tags; frames of decode_stacktrace.sh, ARM32 and arm64; the
 * kernel's debug detectors (kasan ... page_alloc_fail); and stack tails that are not oopses. Lines are
 * verbatim from public reports (URL above each) unless marked synthetic. Machine checks: test_kmsg_mce.c. */
#include <stdio.h>
#include <string.h>

#include "probes/kmsg_cls_int.h"
#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

static struct kmsg_result r;
static struct sw_kmsg_line line;

static void parse(const char *s)
{
    sw_kmsg_line_parse(s, strlen(s), SW_KFMT_UNKNOWN, &line);
}

static bool has_sym(const struct sw_event *e, const char *sym)
{
    const char *s = e->u.klog.symbols, *p = strstr(s, sym);
    size_t n = strlen(sym);
    return p && (p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0');
}

/* ---- the cheap first test -------------------------------------------------------------------- */

/* The compile-time needle masks (KC_MASK) and the line masks must agree, or headlines are missed. */
static void char_masks_agree(void)
{
    static const char all[] = "azAZ09:[]- (#_.=)+/<>'\"!\t";
    CHECK(KC_MASK("azAZ09:[]- (#_.=)+/<>'\"!\t") == sw_kmsg_char_mask(all, sizeof all - 1));
    CHECK(KC_MASK("------------[ cut here ]------------") ==
          sw_kmsg_char_mask("------------[ cut here ]------------", 36));
    CHECK(KC_MASK("Kernel panic - not syncing:") == sw_kmsg_char_mask("Kernel panic - not syncing:", 27));
    /* a frame line lacks the letters of a headline: the search is skipped, and the result is the same */
    parse("  __schedule+0x30b/0x440");
    uint64_t m = sw_kmsg_char_mask(line.msg, strlen(line.msg));
    CHECK((m & KC_MASK("WARNING: ")) != KC_MASK("WARNING: "));
    parse("[ 1.0] x: WARNING: CPU: 0 PID: 1 at kernel/x.c:1 f+0x1/0x2");
    m = sw_kmsg_char_mask(line.msg, strlen(line.msg));
    CHECK((m & KC_MASK("WARNING: ")) == KC_MASK("WARNING: "));
}

/* ---- line prefixes --------------------------------------------------------------------------- */

static void dmesg_human_stamps(void)
{
    /* issue 8 §2: dmesg -H short date and relative stamps; before, the task was "[  +0.623788] l". */
    parse("[Jun30 03:33] kworker/0:2: page allocation failure: order:7, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)");
    CHECK(line.kernel);
    CHECK_STR(line.stamp, "Jun30 03:33");
    CHECK_STR(line.msg, "kworker/0:2: page allocation failure: order:7, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)");
    parse("[  +0.623788] lact[523329]: segfault at 0 ip 00005581 sp 00007ffd error 4 in lact[558];");
    CHECK(line.kernel);
    CHECK_STR(line.stamp, "  +0.623788");
    kmsg_classify_text("[  +0.623788] lact[523329]: segfault at 0 ip 0000558100000000 sp 00007ffd00000000 error 4 in lact[5581+100]\n", &r);
    CHECK(r.n == 1 && r.kinds == K(USER_SEGFAULT));
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.task, "lact") == 0 && r.ev[0].ev.pid == 523329);
    /* dmesg -T in English and another language */
    parse("[Mon Jun 30 03:33:12 2025] BUG: unable to handle page fault for address: 0000000000001000");
    CHECK(line.kernel && strncmp(line.msg, "BUG: unable", 11) == 0);
    parse("[пн июн 30 03:33:12 2025] BUG: unable to handle page fault for address: 0000000000001000");
    CHECK(line.kernel && strncmp(line.msg, "BUG: unable", 11) == 0);
    /* https://github.com/ulli-kroll/rtl8188fu/issues/23 (dmesg -T) */
    kmsg_classify_text("[Wed Jan  4 14:46:55 2023] UBSAN: shift-out-of-bounds in /var/lib/dkms/rtl8188fu/5.15/build/os_dep/linux/ioctl_cfg80211.c:5738:19\n"
                       "[Wed Jan  4 14:46:55 2023] shift exponent 131072 is too large for 32-bit type 'int'\n"
                       "[Wed Jan  4 14:46:55 2023] CPU: 4 PID: 5280 Comm: hostapd Tainted: G           OE     5.15.0-56-generic #62-Ubuntu\n"
                       "[Wed Jan  4 14:46:55 2023] Call Trace:\n"
                       "[Wed Jan  4 14:46:55 2023]  <TASK>\n"
                       "[Wed Jan  4 14:46:55 2023]  __ubsan_handle_shift_out_of_bounds.cold+0x61/0xef\n"
                       "[Wed Jan  4 14:46:55 2023]  ? mutex_unlock+0x25/0x30\n"
                       "[Wed Jan  4 14:46:55 2023]  cfg80211_rtw_mgmt_frame_register+0x2b/0x31 [rtl8188fu]\n"
                       "[Wed Jan  4 14:46:55 2023]  cfg80211_mgmt_registrations_update+0x142/0x200 [cfg80211]\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(UBSAN));
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.task, "hostapd") == 0);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.module, "rtl8188fu") == 0);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.taint, "OE") == 0 && (r.ev[0].ev.kx.flags & SW_KX_TAINT_SEEN));
    /* the reporting machinery is left out; a '?' frame is never the crash symbol */
    CHECK(r.n == 1 && strncmp(r.ev[0].ev.u.klog.symbols, "cfg80211_rtw_mgmt_frame_register ", 33) == 0);
}

static void decoded_and_raw_levels(void)
{
    /* dmesg -x (synthetic) and dmesg -r */
    parse("kern  :err   : [  740.316315] BUG: kernel NULL pointer dereference, address: 0000000000000008");
    CHECK(line.kernel && line.prio == 3 && line.ts_us == 740316315 && strncmp(line.msg, "BUG: kernel NULL", 16) == 0);
    parse("<4>WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:4678 __alloc_pages+0x1/0x2");
    CHECK(line.kernel && line.prio == 4 && strncmp(line.msg, "WARNING: CPU", 12) == 0);
}

static void syslog_any_language(void)
{
    /* issue 8 §2: journalctl with a Russian month; the task and the time must survive (synthetic host). */
    parse("май 14 21:55:30 PC kernel: BUG: kernel NULL pointer dereference, address: 0000000000000000");
    CHECK(line.kernel && !line.skip);
    CHECK_STR(line.msg, "BUG: kernel NULL pointer dereference, address: 0000000000000000");
    CHECK_STR(line.stamp, "май 14 21:55:30");
    parse("Mär  3 10:11:12 host kernel: Oops: 0000 [#1] SMP");
    CHECK(line.kernel && strcmp(line.msg, "Oops: 0000 [#1] SMP") == 0);
    parse("май 14 21:55:30 PC systemd[1]: Started foo.service.");
    CHECK(line.skip);
    /* time-only prefix, other kernel tags */
    parse("18:49:56 kernel: BUG: Bad page map in process java  pte:8000000000000025 pmd:00000000");
    CHECK(line.kernel && !line.skip && strncmp(line.msg, "BUG: Bad page map", 17) == 0);
    parse("Jun  1 10:00:00 box vmunix: Kernel panic - not syncing: Fatal exception");
    CHECK(line.kernel && !line.skip && strncmp(line.msg, "Kernel panic", 12) == 0);
    /* journalctl -o short-monotonic (synthetic host) */
    parse("[  123.456789] myhost kernel: Oops: 0000 [#1] SMP");
    CHECK(line.kernel && line.ts_us == 123456789 && strcmp(line.msg, "Oops: 0000 [#1] SMP") == 0);
    /* serial/VMM console prefix before the stamp (issue 8 §2) */
    parse("cloud-hypervisor [  740.316315] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:");
    CHECK(line.kernel && line.ts_us == 740316315);
    CHECK_STR(line.msg, "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:");
}

/* ---- frames ---------------------------------------------------------------------------------- */

static void frames_decoded_arm(void)
{
    /* https://github.com/multipath-tcp/mptcp_net-next/issues/433 (decode_stacktrace.sh output, PRINTK_CALLER) */
    kmsg_classify_text("[1502.527398][T14140] BUG: KASAN: slab-use-after-free in kernfs_test_super (fs/kernfs/mount.c:286) \n"
                       "[ 1502.534436][T14140] Read of size 8 at addr ffff88800853aa88 by task ip/14140\n"
                       "[ 1502.543122][T14140] CPU: 1 PID: 14140 Comm: ip Tainted: G                 N 6.5.0-g7088bf643393 #1\n"
                       "[ 1502.558322][T14140] Call Trace:\n"
                       "[ 1502.561155][T14140]  <TASK>\n"
                       "[1502.563628][T14140] dump_stack_lvl (lib/dump_stack.c:107) \n"
                       "[1502.567645][T14140] print_address_description.constprop.0 (mm/kasan/report.c:365) \n"
                       "[1502.573319][T14140] ? kernfs_test_super (fs/kernfs/mount.c:286) \n"
                       "[1502.577712][T14140] print_report (mm/kasan/report.c:476) \n"
                       "[1502.586379][T14140] kasan_report (mm/kasan/report.c:590) \n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(KASAN));
    CHECK(r.n == 1 && strncmp(r.ev[0].ev.u.klog.symbols, "kernfs_test_super", 17) == 0);
    CHECK(r.n == 1 && !has_sym(&r.ev[0].ev, "print_report"));   /* KASAN's own reporting frames */
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.task, "ip") == 0 && r.ev[0].ev.pid == 14140);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.what, "slab-use-after-free") == 0);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.taint, "N") == 0);

    /* ARM32 "(func) from": https://github.com/openbmc/linux/issues/77 */
    kmsg_classify_text("BUG: Bad page map in process system_manager.  pte:4a44e100 pmd:4dfc8831\n"
                       "addr:b6a00000 vm_flags:00100077 anon_vma:cde093a0 mapping:  (null) index:b6a00\n"
                       "CPU: 0 PID: 1041 Comm: system_manager. Not tainted 4.3.6-openbmc-20160222-1 #1\n"
                       "Hardware name: ASpeed SoC\n"
                       "[<c000f28c>] (unwind_backtrace) from [<c000cf0c>] (show_stack+0x10/0x14)\n"
                       "[<c000cf0c>] (show_stack) from [<c00787c8>] (print_bad_pte+0x158/0x190)\n"
                       "[<c00787c8>] (print_bad_pte) from [<c0079cec>] (unmap_single_vma+0x2b0/0x588)\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(BAD_PAGE_MAP));
    CHECK(r.n == 1 && has_sym(&r.ev[0].ev, "print_bad_pte") && has_sym(&r.ev[0].ev, "unwind_backtrace"));
    CHECK(r.n == 1 && (r.ev[0].ev.kx.flags & SW_KX_TAINT_SEEN) && r.ev[0].ev.kx.taint[0] == '\0');

    /* ARM32 6.x unwinder and arm64 pc/lr (synthetic, formats of arch/arm/kernel/unwind.c, arch/arm64 __show_regs) */
    char sym[48], mod[24];
    bool unsure;
    CHECK(kc_parse_frame(" unwind_backtrace from show_stack+0x10/0x14", sym, sizeof sym, &unsure, mod, sizeof mod));
    CHECK_STR(sym, "unwind_backtrace");
    CHECK(kc_parse_frame(" zap_leaf_lookup+0x9e/0x470 [zfs]", sym, sizeof sym, &unsure, mod, sizeof mod));
    CHECK(strcmp(sym, "zap_leaf_lookup") == 0 && strcmp(mod, "zfs") == 0 && !unsure);
    CHECK(kc_parse_frame(" ? kernfs_test_super (fs/kernfs/mount.c:286) ", sym, sizeof sym, &unsure, mod, sizeof mod));
    CHECK(strcmp(sym, "kernfs_test_super") == 0 && unsure);
    CHECK(!kc_parse_frame(" done (it was fine)", sym, sizeof sym, &unsure, mod, sizeof mod));
    kmsg_classify_text("[  12.1] Unable to handle kernel paging request at virtual address 0000000000001000\n"
                       "[  12.1] Internal error: Oops: 96000005 [#1] SMP\n"
                       "[  12.1] pc : __arch_copy_to_user+0x180/0x240\n"
                       "[  12.1] lr : _copy_to_iter+0x9c/0x5e0\n"
                       "[  12.1] Call trace:\n"
                       "[  12.1]  __arch_copy_to_user+0x180/0x240\n",
                       &r);
    CHECK(r.n == 1 && (r.kinds & K(OOPS)));
    CHECK(r.n == 1 && strncmp(r.ev[0].ev.u.klog.symbols, "__arch_copy_to_user", 19) == 0);
    CHECK(r.n == 1 && has_sym(&r.ev[0].ev, "_copy_to_iter"));
}

/* ---- detectors ------------------------------------------------------------------------------- */

static void detector_kinds(void)
{
    /* KFENCE (format of mm/kfence/report.c, synthetic task) */
    kmsg_classify_text("[  4.1] ==================================================================\n"
                       "[  4.1] BUG: KFENCE: use-after-free read in test_use_after_free_read+0xb3/0x143\n"
                       "[  4.1] Use-after-free read at 0xffffffffb673dfe0 (in kfence-#24):\n"
                       "[  4.1]  test_use_after_free_read+0xb3/0x143\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(KFENCE) && r.ev[0].ev.sev == SW_SEV_ERROR);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.what, "use-after-free read") == 0);

    /* UBSAN after "cut here": https://github.com/openzfs/zfs/issues/14777 */
    kmsg_classify_text("Mar 08 00:24:01 coruscant kernel: ------------[ cut here ]------------\n"
                       "Mar 08 00:24:01 coruscant kernel: UBSAN: shift-out-of-bounds in /var/lib/dkms/zfs/2.4.0/build/module/zfs/zio.c:5971:28\n"
                       "Mar 08 00:24:01 coruscant kernel: shift exponent -5 is negative\n"
                       "Mar 08 00:24:01 coruscant kernel: CPU: 11 UID: 0 PID: 2178 Comm: z_rd_int_1 Tainted: P           OE       6.18.9+deb13-amd64 #1 PREEMPT(lazy)  Debian 6.18.9-1~bpo13+1\n"
                       "Mar 08 00:24:01 coruscant kernel: Tainted: [P]=PROPRIETARY_MODULE, [O]=OOT_MODULE, [E]=UNSIGNED_MODULE\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(UBSAN) && r.ev[0].ev.sev == SW_SEV_WARN);
    CHECK(r.n == 1 && strstr(r.ev[0].ev.u.klog.where, "zio.c:5971") != NULL);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.taint, "POE") == 0);

    /* list corruption, new style (BUG): https://github.com/sonic-net/sonic-buildimage/issues/4925 */
    kmsg_classify_text("[   33.176426] list_add corruption. prev->next should be next (ffff97342e094110), but was ffff97342e094118. (prev=ffff97342e094118).\n"
                       "[   33.316220] kernel BUG at lib/list_debug.c:28!\n"
                       "[   33.369561] invalid opcode: 0000 [#1] SMP NOPTI\n"
                       "[   33.423853] CPU: 1 PID: 770 Comm: set-fan-speed Tainted: G           OE     4.19.0-6-2-amd64 #1 Debian 4.19.67-2+deb10u2\n"
                       "[   33.640599] RIP: 0010:__list_add_valid.cold.0+0x26/0x28\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == (K(BUG) | K(LIST_CORRUPTION)));
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.subsystem, "lib") == 0);
    /* ... old style (WARNING, then the list line): https://github.com/ssrg-vt/popcorn-kernel/issues/30 */
    kmsg_classify_text("[ 1614.642312] ------------[ cut here ]------------\n"
                       "[ 1614.646979] WARNING: CPU: 29 PID: 889 at lib/list_debug.c:62 list_del+0x9/0x30()\n"
                       "[ 1614.654460] list_del corruption. next->prev should be ffffea005ec9baa0, but was ffffea005ec83220\n"
                       "[ 1614.706442] CPU: 29 PID: 889 Comm: lud Tainted: G        W       4.4.55-popcorn+ #4\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == (K(WARNING) | K(LIST_CORRUPTION)) && r.ev[0].ev.sev == SW_SEV_ERROR);
    /* ... line before "cut here": https://github.com/openzfs/zfs/issues/10401 */
    kmsg_classify_text("Jun  3 20:38:08 nexus kernel: [120444.102047] list_del corruption. next->prev should be ffff9df513f39368, but was dead000000000122\n"
                       "Jun  3 20:38:08 nexus kernel: [120444.102089] ------------[ cut here ]------------\n"
                       "Jun  3 20:38:08 nexus kernel: [120444.102092] kernel BUG at lib/list_debug.c:54!\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == (K(BUG) | K(LIST_CORRUPTION)));

    /* refcount: https://github.com/multipath-tcp/mptcp/issues/363 */
    kmsg_classify_text("[16751.877150] ------------[ cut here ]------------\n"
                       "[16751.877151] refcount_t: underflow; use-after-free.\n"
                       "[16751.877173] WARNING: CPU: 1 PID: 17 at lib/refcount.c:187 refcount_sub_and_test_checked+0x3e/0x50\n"
                       "[16751.877217] CPU: 1 PID: 17 Comm: ksoftirqd/1 Not tainted 4.19.67-mat-1 #1\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == (K(WARNING) | K(REFCOUNT)) && r.ev[0].ev.sev == SW_SEV_ERROR);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.task, "ksoftirqd/1") == 0);

    /* lockdep: https://github.com/coreos/fedora-coreos-tracker/issues/978 and the 4.x "[ INFO: ...]" form,
     * https://github.com/ceph/teuthology/pull/829 */
    kmsg_classify_text("[   58.257433] ======================================================\n"
                       "[   58.258480] WARNING: possible circular locking dependency detected\n"
                       "[   58.259772] 5.15.0-0.rc2.20210923git58e2cf5d7946.21.fc36.x86_64 #1 Not tainted\n"
                       "[   58.261628] ------------------------------------------------------\n"
                       "[   58.263260] mdadm/613 is trying to acquire lock:\n"
                       "[   58.275962]        __mutex_lock+0x92/0x8c0\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(LOCKDEP) && r.ev[0].ev.sev == SW_SEV_WARN);
    kmsg_classify_text("2016-03-26T20:52:22.526425+00:00 mira108 kernel: [ INFO: possible circular locking dependency detected ]\n", &r);
    CHECK(r.n == 1 && r.kinds == K(LOCKDEP));

    /* atomic sleep (format of kernel/sched/core.c, synthetic) */
    kmsg_classify_text("[  9.9] BUG: scheduling while atomic: swapper/0/0/0x00000002\n", &r);
    CHECK(r.n == 1 && r.kinds == K(ATOMIC_SLEEP) && strcmp(r.ev[0].ev.u.klog.task, "swapper/0") == 0);

    /* bad page map, and its rate-limit line is not an event: https://github.com/celery/celery/issues/4577 */
    kmsg_classify_text("Mar  6 10:13:53 h3class01 kernel: [8883126.929572] swap_free: Bad swap file entry 007e9058\n"
                       "Mar  6 10:13:53 h3class01 kernel: [8883126.929580] BUG: Bad page map: 31 messages suppressed\n"
                       "Mar  6 10:13:53 h3class01 kernel: [8883126.929583] BUG: Bad page map in process celery  pte:fd20b000 pmd:16d7b08067\n"
                       "Mar  6 10:13:53 h3class01 kernel: [8883126.929599] CPU: 38 PID: 488 Comm: celery Tainted: G    B      OE   4.1.0-generic #1\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(BAD_PAGE_MAP) && strcmp(r.ev[0].ev.u.klog.task, "celery") == 0);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.taint, "BOE") == 0);
    kmsg_classify_text("[ 5.5] BUG: Bad rss-counter state mm:00000000b1d9b5c4 type:MM_ANONPAGES val:-1\n", &r);
    CHECK(r.n == 1 && r.kinds == K(BAD_PAGE_MAP));

    /* page allocation failure: warn, names the order */
    kmsg_classify_text("[Jun30 03:33] kworker/0:2: page allocation failure: order:7, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0\n"
                       "[  +0.000004] CPU: 0 PID: 1234 Comm: kworker/0:2 Not tainted 6.1.0 #1\n"
                       "[  +0.000002] Call Trace:\n"
                       "[  +0.000002]  warn_alloc+0x138/0x160\n"
                       "[  +0.000002]  __alloc_pages_slowpath.constprop.0+0xc9f/0xcd0\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(PAGE_ALLOC_FAIL) && r.ev[0].ev.sev == SW_SEV_WARN);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.task, "kworker/0:2") == 0 && strcmp(r.ev[0].ev.what, "order:7") == 0);
}

/* ---- no invented events ---------------------------------------------------------------------- */

static void tails_that_are_not_oopses(void)
{
    /* A user-mode register tail after a hung task's trace (header cut off): not an oops. */
    kmsg_classify_text("[ 100.1]  ? __pfx_kthread+0x10/0x10\n"
                       "[ 100.1] RIP: 0033:0x7f3e1c91d4ba\n"
                       "[ 100.1] RSP: 002b:00007ffd4e0c9a38 EFLAGS: 00000246 ORIG_RAX: 00000000000000e6\n"
                       "[ 100.1] RAX: ffffffffffffffda RBX: 0000000000000000 RCX: 00007f3e1c91d4ba\n",
                       &r);
    CHECK_INT(r.n, 0);
    /* An RCU stall's task dump: sleeping frames, no kernel registers. */
    kmsg_classify_text("[ 200.1]  __schedule+0x2a5/0x8d0\n"
                       "[ 200.1]  schedule+0x4e/0xb0\n"
                       "[ 200.1]  schedule_timeout+0x90/0x120\n"
                       "[ 200.1]  rcu_gp_fqs_loop+0x10a/0x3a0\n",
                       &r);
    CHECK_INT(r.n, 0);
    /* The tail of a previous dump right before a hung-task report: only the hung task counts. */
    kmsg_classify_text("[ 300.1]  io_uring_cancel_generic+0x1ff/0x214\n"
                       "[ 300.1]  do_exit+0x10b/0x460\n"
                       "[ 300.2] INFO: task ring-leak.t:547292 blocked for more than 491 seconds.\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(HUNG_TASK));
    /* A real headerless oops tail still counts (kernel registers). */
    kmsg_classify_text("[ 400.1] RIP: 0010:__check_heap_object+0x39/0xd0\n"
                       "[ 400.1]  __check_object_size+0x146/0x160\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(OOPS));
}

static void stall_details(void)
{
    /* RCU stall with two CPUs, a starved kthread and the kernel's own false-positive note (tree_stall.h). */
    kmsg_classify_text("[ 50.1] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:\n"
                       "[ 50.1] rcu: \t0-...!: (0 ticks this GP) idle=b6c/0/0x0 softirq=1/1 fqs=0 (false positive?)\n"
                       "[ 50.1] rcu: \t1-...!: (0 ticks this GP) idle=b6c/0/0x0 softirq=1/1 fqs=0 (false positive?)\n"
                       "[ 50.1] rcu: rcu_sched kthread starved for 10502 jiffies! g2457 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=1\n",
                       &r);
    CHECK(r.n == 1 && r.kinds == K(RCU_STALL));
    const struct sw_klog_ext *x = &r.ev[0].ev.kx;
    CHECK((x->flags & SW_KX_STALL_SEEN) && (x->flags & SW_KX_KTHREAD_STARVED) && (x->flags & SW_KX_FALSE_POSITIVE));
    CHECK_INT(x->stall_cpus, 2);
    CHECK_STR(x->subsystem, "");
    /* 3.x lists the stalled CPUs on the headline; 2.6's "Pid: N, comm: X" names the task (format of
     * kernel/rcutree.c and arch/x86/kernel/process_64.c of that time, synthetic values) */
    kmsg_classify_text("[ 60.1] INFO: rcu_sched detected stalls on CPUs/tasks: { 1 3} (detected by 0, t=15002 jiffies)\n", &r);
    CHECK(r.n == 1 && r.ev[0].ev.kx.stall_cpus == 2 && r.ev[0].ev.cpu == 1);
    kmsg_classify_text("[ 70.1] BUG: unable to handle kernel NULL pointer dereference at 0000000000000008\n"
                       "[ 70.1] Oops: 0000 [#1] SMP\n"
                       "[ 70.1] Pid: 4321, comm: java Not tainted 2.6.32-5-amd64 #1 Dell Inc. PowerEdge R710\n",
                       &r);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.u.klog.task, "java") == 0 && r.ev[0].ev.pid == 4321);
    CHECK(r.n == 1 && (r.ev[0].ev.kx.flags & SW_KX_TAINT_SEEN) && r.ev[0].ev.kx.taint[0] == '\0');
}

/* The stamp "[ sec.frac]" the plain way: blanks, 1-19 digits, '.', 1-9 digits scaled to µs, ']'. */
static size_t ts_oracle(const char *s, size_t len, int64_t *us)
{
    size_t i = 1, d, f;
    uint64_t sec = 0, frac = 0;
    if (len < 4 || s[0] != '[')
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    for (d = i; i < len && i - d < 19 && s[i] >= '0' && s[i] <= '9'; i++)
        sec = sec * 10 + (uint64_t)(s[i] - '0');
    if (i == d || i >= len || s[i] != '.')
        return 0;
    for (f = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        if (i - f < 9)
            frac = frac * 10 + (uint64_t)(s[i] - '0');
    if (i == f || i - f > 9 || i >= len || s[i] != ']')
        return 0;
    for (size_t k = i - f; k < 6; k++)
        frac *= 10;
    for (size_t k = i - f; k > 6; k--)
        frac /= 10;
    *us = (int64_t)(sec * 1000000u + frac);
    return i + 1;
}

/* sw_kmsg_scan_ts's fast paths (the kernel's fixed-width stamp, 6-digit fractions) agree with the plain
 * reading on every shape near them: blanks, digit counts, a blank or letter among the digits, a
 * missing ']', and every cut length. */
static void stamp_fast_paths_agree(void)
{
    static const char *const sec[] = {"", "0", "7", "12", "123", "1234", "12345", "123456", " 1", "1 2", "a1",
                                      "1234567890123456789", "12345678901234567890"};
    static const char *const frac[] = {"", "1", "12345", "123456", "1234567", "123456789", "1234567890", "12a456",
                                       "12 456"};
    static const char *const end[] = {"]", "] msg", "x", ""};
    int cases = 0;
    for (int blanks = 0; blanks <= 6; blanks++)
        for (size_t a = 0; a < sizeof sec / sizeof sec[0]; a++)
            for (size_t b = 0; b < sizeof frac / sizeof frac[0]; b++)
                for (size_t e = 0; e < sizeof end / sizeof end[0]; e++) {
                    char buf[96];
                    int n = snprintf(buf, sizeof buf, "[%*s%s.%s%s", blanks, "", sec[a], frac[b], end[e]);
                    for (size_t len = 0; len <= (size_t)n; len++) {
                        int64_t u1 = -1, u2 = -1;
                        size_t k1 = sw_kmsg_scan_ts(buf, len, &u1), k2 = ts_oracle(buf, len, &u2);
                        CHECK_MSG(k1 == k2 && (!k1 || u1 == u2), "'%.*s': %zu %lld vs %zu %lld", (int)len, buf, k1,
                                  (long long)u1, k2, (long long)u2);
                        cases++;
                    }
                }
    CHECK(cases > 10000);
}

/* sw_kmsg_line_parse_inplace gives what sw_kmsg_line_parse gives, field for field, in every format and
 * on the lines that must be copied after all (an escape to undo, trailing blanks, a "\r", too long). */
static void inplace_same_as_copy(void)
{
    static char longline[2100];
    memset(longline, 'x', sizeof longline - 1);
    memcpy(longline, "[    1.000000] ", 15);
    const char *const lines[] = {
        "[    0.000000] Linux version 6.6.87.2-microsoft-standard-WSL2 (root@439a258ad544)",
        "[ 1234.567890] [  T38] usb 1-1: new high-speed USB device number 2 using xhci_hcd",
        "[  123.456] BUG: kernel NULL pointer dereference, address: 0000000000000008",
        "[   12.345678] trailing blanks   \t ",
        "[   12.345678] carriage return\r",
        "<4>[   12.345678] WARNING: CPU: 1 PID: 2 at kernel/x.c:1 f+0x1/0x2",
        "6,1234,5678901,-;rcu: \\x09 1-...!: (0 ticks this GP)",
        "6,1234,5678901,-,caller=T12;plain kmsg record",
        " SUBSYSTEM=pci",
        "Nov 23 14:50:51 host kernel: [ 7.123456] e1000e: link up",
        "Nov 23 14:50:51 host systemd[1]: Started foo.",
        "2024-05-01T10:11:12.123456+00:00 host kernel: Oops: 0000 [#1] SMP",
        "[Sat Nov 23 14:50:51 2024] kworker/0:1: page allocation failure: order:7",
        "[  +0.623788] EXT4-fs (sda1): mounted filesystem",
        "kern  :err   : [  5.1] nouveau 0000:01:00.0: bus error",
        "\"2024-01-01\",\"GuestLog\",\"[    1.234567] hv_balloon: Received \"\"x\"\"\"",
        "cloud-hypervisor [  740.316315] virtio_net virtio1: output.0:id 0 is not a head!",
        "    ? __schedule+0x30b/0x440",
        "",
        "   ",
        longline,
    };
    for (int f = SW_KFMT_UNKNOWN; f < SW_KFMT_COUNT; f++) {
        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
            static struct sw_kmsg_line a, b;
            static char buf[sizeof longline + 1];
            size_t n = strlen(lines[i]);
            memcpy(buf, lines[i], n + 1);
            sw_kmsg_line_parse(lines[i], n, (enum sw_kmsg_format)f, &a);
            sw_kmsg_line_parse_inplace(buf, n, (enum sw_kmsg_format)f, &b);
            CHECK_MSG(a.text == a.msg && a.text_len == strlen(a.msg), "copy: text is msg (%s)", lines[i]);
            CHECK_MSG(a.text_len == b.text_len && memcmp(a.text, b.text, a.text_len + 1) == 0 && a.ts_us == b.ts_us &&
                          a.real_ns == b.real_ns && !strcmp(a.stamp, b.stamp) && a.prio == b.prio &&
                          a.facility == b.facility && a.cpu == b.cpu && a.caller_tid == b.caller_tid && a.seq == b.seq &&
                          a.kernel == b.kernel && a.skip == b.skip,
                      "format %d: in place differs from copied: '%s' -> '%s' / '%s'", f, lines[i], a.text, b.text);
            /* in place only where nothing had to change; the others were copied */
            CHECK_MSG(b.text == b.msg || (b.text >= buf && b.text + b.text_len == buf + n),
                      "in place text is the line's tail (%s)", lines[i]);
        }
    }
    /* the common line is not copied */
    static struct sw_kmsg_line l;
    char plain[] = "[    5.000000] usb 1-1: new high-speed USB device";
    sw_kmsg_line_parse_inplace(plain, strlen(plain), SW_KFMT_DMESG, &l);
    CHECK(l.text == plain + 15 && l.text_len == strlen(plain) - 15);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"char_masks_agree", char_masks_agree}, {"dmesg_human_stamps", dmesg_human_stamps}, {"decoded_and_raw_levels", decoded_and_raw_levels},
        {"syslog_any_language", syslog_any_language}, {"frames_decoded_arm", frames_decoded_arm},
        {"detector_kinds", detector_kinds}, {"tails_that_are_not_oopses", tails_that_are_not_oopses},
        {"stall_details", stall_details}, {"inplace_same_as_copy", inplace_same_as_copy},
        {"stamp_fast_paths_agree", stamp_fast_paths_agree}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
