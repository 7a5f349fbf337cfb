/* Every shared fixture in kmsg-more/ classifies into what its .source says (issue 8: "add them to the
 * tests beside kmsg/"). The kmsg/ set is checked in test_kmsg_classify.c with the same harness. */
#include <string.h>

#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

static const struct kmsg_expect expects[] = {
    /* .source: "Bad page state" in flush-zfs-1 (the ZFS flush thread). */
    {"bad-page-state-rfc3339-syslog-zfs.log", K(BAD_PAGE), 1, NULL, -1, NULL, NULL, SW_SEV_ERROR},
    /* .source: "hung task (user process, D state)"; the file starts with the tail of an earlier dump,
     * which is not an oops (issue 8 "no invented events"). */
    {"hung-task-io-uring-ring-leak-d-state-5.18.log", K(HUNG_TASK), 1, "io_uring_del_tctx_node", -1, "ring-leak.t", NULL,
     SW_SEV_ERROR},
    /* .source: "user-space trap: invalid opcode (NOT a kernel 'invalid opcode: 0000 [#1]' oops)". */
    {"invalid-opcode-userspace-traps-ryzen-rustc-tests.log", K(USER_TRAP), 3, NULL, -1, NULL, NULL, SW_SEV_ERROR},
    /* .source: "machine check (corrected, repeated, overflow)", Bank 6. */
    {"mce-bank6-nuc-skylake-homeassistant.log", K(MCE), 3, NULL, -1, NULL, "bank 6", SW_SEV_ERROR},
    /* .source: "NULL pointer dereference / oops" in KVM's TDP MMU; comm "CPU 7/KVM" holds a space. */
    {"null-deref-kvm-tdp-mmu-journal-truncated.log", K(OOPS) | K(NULL_DEREF), 1, "handle_removed_tdp_mmu_page", 21,
     "CPU 7/KVM", NULL, SW_SEV_ERROR},
    /* .source: "kernel BUG (invalid opcode) + RCU stall", kernel BUG at fs/namei.c:844. */
    {"raptorlake-14900kf-bug-namei-try-to-unlazy-6.18.49-summary.log", K(BUG) | K(RCU_STALL), 2, "try_to_unlazy", -1,
     NULL, "fs/namei.c:844", SW_SEV_ERROR},
    /* .source: "user-space segfaults + user-space traps + kernel oops (paging request)"; the panic
     * itself is not in the excerpt. */
    {"segfault-traps-then-oops-in-coredump-rhel7-vmcore.log", K(USER_SEGFAULT) | K(USER_TRAP) | K(OOPS), 5,
     "do_coredump", 2, "plugin-containe", NULL, SW_SEV_ERROR},
    /* .source: "kernel BUG at mm/slub.c ... concurrent on two CPUs". */
    {"slub-bug-slab-free-zfs-interleaved.log", K(BUG) | K(SLAB_CORRUPTION), 2, "__slab_free", 7, "z_wr_int_2",
     "mm/slub.c:294", SW_SEV_ERROR},
    /* .source: "soft lockup" of pulseaudio. */
    {"soft-lockup-no-timestamps-pulseaudio-rhbz1235021.log", K(SOFT_LOCKUP), 1, "smp_call_function_many", 0,
     "pulseaudio", NULL, SW_SEV_ERROR},
    /* .source: "RCU stall (self-detected)" on WSL2 arm64. */
    {"wsl2-arm64-rcu-stall-snapd.log", K(RCU_STALL), 1, NULL, 0, NULL, NULL, SW_SEV_ERROR},
    /* .source: "oops in __check_heap_object during execve ... header row not in excerpt". */
    {"wsl2-check-heap-object-powerline-guestlog-csv.log", K(OOPS), 1, "__check_heap_object copy_strings", 6,
     "powerline.sh", NULL, SW_SEV_ERROR},
    /* .source: "oops (divide error)"; the panic line is not in the excerpt. */
    {"wsl2-divide-error-check-heap-object-make-5.15.167.4-eventlog.log", K(OOPS) | K(DIVIDE_ERROR), 1,
     "__check_heap_object", 10, "make", NULL, SW_SEV_ERROR},
    /* .source: "machine check (uncorrected, fatal, PCC) + kernel panic". */
    {"wsl2-mce-fatal-machine-check-b0671-raptorlake.log", K(MCE) | K(PANIC), 2, NULL, 0, NULL, "bank 0", SW_SEV_FATAL},
    /* .source: "OOM kill (memcg-constrained) - header and 'Killed process' lines not in excerpt". */
    {"wsl2-oom-memcg-bsdtar-import.log", K(OOM_KILL), 1, NULL, -1, NULL, NULL, SW_SEV_WARN},
    {NULL, 0, 0, NULL, 0, NULL, NULL, 0},
};

static void every_fixture(void)
{
    kmsg_check_fixture_dir("kmsg-more", expects);
}

/* Details the .source files state beyond the kinds. */
static void details(void)
{
    static struct kmsg_result r;
    /* Taint "P O" of the KVM oops, its module from the RIP's "[kvm]" tag. */
    kmsg_classify_text(kmsg_slurp(sw_test_fixture("kmsg-more/null-deref-kvm-tdp-mmu-journal-truncated.log")), &r);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.taint, "PO") == 0);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.module, "kvm") == 0 && strcmp(r.ev[0].ev.kx.subsystem, "kvm") == 0);
    /* The io_uring hung task names its subsystem from its frames. */
    kmsg_classify_text(kmsg_slurp(sw_test_fixture("kmsg-more/hung-task-io-uring-ring-leak-d-state-5.18.log")), &r);
    CHECK(r.n == 1 && strcmp(r.ev[0].ev.kx.subsystem, "io_uring") == 0);
    /* Fatal MCE: uncorrected, bank 0. */
    kmsg_classify_text(kmsg_slurp(sw_test_fixture("kmsg-more/wsl2-mce-fatal-machine-check-b0671-raptorlake.log")), &r);
    CHECK(r.n == 2 && r.ev[0].ev.kx.mce_corrected == SW_MCE_UNCORRECTED && r.ev[0].ev.kx.mce_bank == 1);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"every_fixture", every_fixture}, {"details", details}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
