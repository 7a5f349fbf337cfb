/* Storage, filesystem and thermal lines (probes/kmsg_storage.c, probes/kmsg_thermal.c): each form
 * becomes its kind with the device and a `what` the rules use; a burst about one device is one event;
 * lines that only look alike (an emulated CD drive, a probe of an optional command, a mount message)
 * make none. Lines are in the kernel's printk formats; the corpus (tests/corpus/kmsg/io-error-*,
 * fs-corruption-*, thermal-*) holds real logs of each. */
#include <string.h>

#include "probes/kmsg_cls_int.h"
#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

static struct kmsg_result r;

static const struct sw_event *only(unsigned kinds)
{
    CHECK_MSG(r.n == 1 && r.kinds == kinds, "%d events, kinds 0x%x", r.n, r.kinds);
    return r.n ? &r.ev[0].ev : NULL;
}

static void block_layer_errors(void)
{
    kmsg_classify_text("[  120.137336] I/O error, dev nvme0n1, sector 1336320 op 0x0:(READ) flags 0x80700 phys_seg 4 prio class 2\n", &r);
    const struct sw_event *e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "nvme0n1") && !strcmp(e->what, "I/O error") && e->sev == SW_SEV_ERROR);
    kmsg_classify_text("[ 5.1] blk_update_request: critical medium error, dev sdb, sector 2048 op 0x0:(READ) flags 0x0\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "sdb") && !strcmp(e->what, "medium error"));
    /* a VM's empty CD drive and floppy fail at every boot; an unsupported discard is not a failure */
    kmsg_classify_text("[ 2.0] blk_update_request: I/O error, dev sr0, sector 0 op 0x0:(READ) flags 0x0\n"
                       "[ 2.1] print_req_error: I/O error, dev fd0, sector 0\n"
                       "[ 2.2] Buffer I/O error on dev sr0, logical block 0, async page read\n"
                       "[ 2.3] operation not supported error, dev sda, sector 8 op 0x9:(WRITE_ZEROES) flags 0x0\n", &r);
    CHECK_MSG(r.n == 0, "%d events", r.n);
}

static void bursts_are_one_event_per_device(void)
{
    /* the disk and its partition are one device; another disk is another event */
    kmsg_classify_text("[ 9.0] blk_update_request: I/O error, dev sda, sector 100 op 0x0:(READ) flags 0x0\n"
                       "[ 9.0] Buffer I/O error on dev sda1, logical block 12, async page read\n"
                       "[ 9.1] blk_update_request: I/O error, dev sda, sector 108 op 0x0:(READ) flags 0x0\n"
                       "[ 9.2] blk_update_request: I/O error, dev sdc, sector 5 op 0x1:(WRITE) flags 0x0\n", &r);
    CHECK_MSG(r.n == 2 && r.kinds == K(IO_ERROR), "%d events", r.n);
    CHECK(r.n == 2 && !strcmp(r.ev[0].ev.u.klog.where, "sda") && !strcmp(r.ev[1].ev.u.klog.where, "sdc"));
}

static void libata_and_scsi(void)
{
    kmsg_classify_text("[ 7.0] ata3.00: exception Emask 0x0 SAct 0x100 SErr 0x0 action 0x0\n"
                       "[ 7.0] ata3.00: failed command: READ FPDMA QUEUED\n"
                       "[ 7.0] ata3.00: cmd 60/08:40:00:10:00/00:00:00:00:00/40 tag 8 ncq dma 4096 in\n"
                       "[ 7.0] ata3.00: status: { DRDY ERR }\n"
                       "[ 7.0] ata3.00: error: { UNC }\n", &r);
    const struct sw_event *e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "ata3") && !strcmp(e->what, "media error (UNC)"));
    kmsg_classify_text("[ 7.0] ata1.00: failed command: WRITE DMA EXT\n[ 7.0] ata1.00: error: { ICRC ABRT }\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->what, "interface CRC error (cable)"));
    /* the result line has no "ata" prefix; the error bits come after it */
    kmsg_classify_text("[ 7.0] ata2.00: failed command: READ FPDMA QUEUED\n"
                       "[ 7.0] ata2.00: cmd 60/08:c8:08:98:53/00:00:05:00:00/40 tag 25 ncq dma 4096 in\n"
                       "[ 7.0]          res 41/40:00:08:98:53/00:00:05:00:00/40 Emask 0x409 (media error) <F>\n"
                       "[ 7.0] ata2.00: status: { DRDY ERR }\n"
                       "[ 7.0] ata2.00: error: { UNC }\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->what, "media error (UNC)"));
    kmsg_classify_text("[ 9.1] ata9.00: failed command: READ FPDMA QUEUED\n"
                       "[ 9.1] ata9.00: cmd 60/04:00:d4:82:85/00:00:1f:00:00/40 tag 0 ncq 2048 in\n"
                       "[ 9.1]          res 40/00:18:d3:82:85/00:00:1f:00:00/40 Emask 0x4 (timeout)\n"
                       "[ 9.1] ata9.00: status: { DRDY }\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->what, "command timeout"));
    kmsg_classify_text("[ 8.0] sd 0:0:0:0: [sdb] tag#0 Sense Key : Medium Error [current]\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "sdb") && !strcmp(e->what, "medium error"));
    kmsg_classify_text("[ 8.0] sd 0:0:0:0: [sdb] tag#0 Sense Key : Illegal Request [current]\n", &r);
    CHECK(r.n == 0);
}

static void nvme_forms(void)
{
    kmsg_classify_text("[ 89.8] nvme nvme0: I/O 900 (I/O Cmd) QID 2 timeout, aborting\n"
                       "[ 89.8] nvme nvme0: Abort status: 0x0\n", &r);
    const struct sw_event *e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "nvme0") && !strcmp(e->what, "command timeout"));
    kmsg_classify_text("[ 3.0] nvme nvme1: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0xffff\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "nvme1") && !strcmp(e->what, "controller gone from the bus"));
    kmsg_classify_text("[ 4.0] nvme0n1: Read(0x2) @ LBA 2048, 8 blocks, Unrecovered Read Error (sct 0x2 / sc 0x81) DNR\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->what, "media error"));
}

static void hyperv_virtual_disk(void)
{
    kmsg_classify_text("[ 415.1] hv_storvsc fd1d2cbd-ce7c-535c-966b-eb5f811c95f0: tag#674 cmd 0x2a status: scsi 0x2 srb 0x4 hv 0xc0000001\n", &r);
    const struct sw_event *e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "hv_storvsc") && !strcmp(e->what, "host storage error"));
    kmsg_classify_text("[ 415.1] hv_storvsc fd1d2cbd-ce7c-535c-966b-eb5f811c95f0: tag#1 cmd 0x2a status: scsi 0x2 srb 0x4 hv 0xc000007f\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->what, "host disk full"));
    /* ATA pass-through probes (smartctl, udisks) fail on every healthy VM */
    kmsg_classify_text("[ 1.2] hv_storvsc fd1d2cbd-ce7c-535c-966b-eb5f811c95f0: tag#0 cmd 0x85 status: scsi 0x2 srb 0x6 hv 0xc0000001\n", &r);
    CHECK(r.n == 0);
}

static void ext4_and_journal(void)
{
    kmsg_classify_text("[42143.7] EXT4-fs error (device nvme0n1p1): __ext4_find_entry:1663: inode #80932: comm cron: reading directory lblock 0\n", &r);
    const struct sw_event *e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->u.klog.where, "nvme0n1p1") && !strcmp(e->what, "__ext4_find_entry"));
    kmsg_classify_text("[ 3.3] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)\n"
                       "[ 3.4] EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro\n", &r);
    CHECK(r.n == 0);
    kmsg_classify_text("[ 2.2] JBD2: Invalid checksum recovering data block 1090 in log\n", &r);
    e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->what, "journal checksum failed"));
}

static void btrfs_forms(void)
{
    /* one bit apart: 4611686018429035688 = 2^62 + 1647784 */
    kmsg_classify_text("[ 35.7] BTRFS error (device nvme0n1p2): parent transid verify failed on logical 393631498240 mirror 1 wanted 4611686018429035688 found 1647784\n"
                       "[ 35.7] BTRFS: error (device nvme0n1p2: state A) in __btrfs_free_extent:3070: errno=-5 IO failure\n"
                       "[ 35.7] BTRFS info (device nvme0n1p2: state EA): forced readonly\n", &r);
    const struct sw_event *e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->u.klog.where, "nvme0n1p2") && !strcmp(e->what, "bit flip"));
    kmsg_classify_text("[ 35.7] BTRFS error (device sda): parent transid verify failed on 30736384 wanted 1200 found 1198\n", &r);
    e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->what, "transid verify failed"));
    kmsg_classify_text("[ 39.0] BTRFS warning (device sda2): csum failed root 258 ino 9276991 off 8192 csum 0xf70240b1 expected csum 0x0c62ca5b mirror 1\n"
                       "[ 39.3] BTRFS warning (device sda2): csum failed root 258 ino 9276991 off 8192 csum 0xf70240b1 expected csum 0x0c62ca5b mirror 1\n"
                       "[ 39.3] BTRFS error (device sda2): bdev /dev/sda2 errs: wr 0, rd 0, flush 0, corrupt 2, gen 0\n", &r);
    e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->what, "data checksum failed"));
    kmsg_classify_text("[ 22.6] BTRFS error (device nvme0n1): bdev /dev/nvme0n1 errs: wr 135, rd 0, flush 0, corrupt 0, gen 0\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->what, "device I/O errors"));
    kmsg_classify_text("[ 5.0] BTRFS critical (device dm-0): corrupt leaf: root=2 block=1234 slot=148, invalid block group used, have 1074757632 expect [0, 1073741824)\n"
                       "[ 5.0] BTRFS error (device dm-0): block=1234 write time tree block corruption detected\n", &r);
    e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->what, "corrupt metadata about to be written"));
    /* EUCLEAN is the corruption itself; an aborted transaction after a reported error is that error's */
    kmsg_classify_text("[ 7.0] BTRFS: error (device sdc1: state A) in btrfs_run_delayed_refs:2150: errno=-117 Filesystem corrupted\n", &r);
    e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->u.klog.where, "sdc1") && !strcmp(e->what, "filesystem corrupted"));
    kmsg_classify_text("[ 7.0] BTRFS: error (device sdc1: state A) in __btrfs_free_extent:3070: errno=-5 IO failure\n", &r);
    CHECK(r.n == 0);
    kmsg_classify_text("[ 3.1] BTRFS info (device sda2): disk space caching is enabled\n"
                       "[ 3.2] BTRFS info (device sda2): scrub: started on devid 1\n", &r);
    CHECK(r.n == 0);
}

static void xfs_and_squashfs(void)
{
    kmsg_classify_text("[10803.5] XFS (dm-0): Metadata corruption detected at xfs_inode_buf_verify+0x6f/0xd0 [xfs], xfs_inode block 0xc0\n"
                       "[10803.5] XFS (dm-0): Unmount and run xfs_repair\n"
                       "[10803.5] XFS (dm-0): First 64 bytes of corrupted metadata buffer:\n", &r);
    const struct sw_event *e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->u.klog.where, "dm-0") && !strcmp(e->what, "metadata corruption"));
    kmsg_classify_text("[ 9.0] XFS (sdb1): metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x1 len 1 error 5\n", &r);
    e = only(K(IO_ERROR));
    CHECK(e && !strcmp(e->u.klog.where, "sdb1"));
    kmsg_classify_text("[ 1454.8] SQUASHFS error: xz decompression failed, data probably corrupt\n"
                       "[ 1454.8] SQUASHFS error: Failed to read block 0x5c3cb5e: -5\n", &r);
    e = only(K(FS_CORRUPTION));
    CHECK(e && !strcmp(e->what, "decompression failed"));
}

static void thermal_throttling(void)
{
    /* Intel logs each throttle as a machine-check record: inside the burst it is not a hardware error */
    kmsg_classify_text("[14334.860099] CPU3: Core temperature above threshold, cpu clock throttled (total events = 57536)\n"
                       "[14334.860100] CPU2: Core temperature above threshold, cpu clock throttled (total events = 57536)\n"
                       "[14334.860117] mce: [Hardware Error]: Machine check events logged\n"
                       "[14334.861151] CPU3: Core temperature/speed normal\n", &r);
    const struct sw_event *e = only(K(THERMAL));
    CHECK(e && e->sev == SW_SEV_WARN && !strcmp(e->what, "throttled") && e->cpu == 3);
    kmsg_classify_text("[ 1907.2] mce: CPU4: Package temperature above threshold, cpu clock throttled (total events = 740)\n", &r);
    CHECK(only(K(THERMAL)) != NULL);
    /* the same record with no throttle beside it stays a machine check */
    kmsg_classify_text("[ 10.0] mce: [Hardware Error]: Machine check events logged\n", &r);
    CHECK(only(K(MCE)) != NULL);
}

static void thermal_shutdowns(void)
{
    kmsg_classify_text("[ 600.0] thermal thermal_zone0: critical temperature reached (105 C), shutting down\n", &r);
    const struct sw_event *e = only(K(THERMAL));
    CHECK(e && e->sev == SW_SEV_FATAL && !strcmp(e->what, "critical: shut down"));
    kmsg_classify_text("[ 600.0] thermal thermal_zone0: critical temperature reached (228 C), shutting down\n", &r);
    e = only(K(THERMAL));
    CHECK(e && !strcmp(e->what, "implausible reading"));
    kmsg_classify_text("[ 600.0] reboot: HARDWARE PROTECTION shutdown (Temperature too high)\n", &r);
    e = only(K(THERMAL));
    CHECK(e && !strcmp(e->what, "critical: shut down"));
}

static void mcelog_thermal_record(void)
{
    /* mcelog's record of the thermal pseudo-bank 128 */
    kmsg_classify_text("Hardware event. This is not a software error.\n"
                       "CPU 2 BANK 128 \n"
                       "TIME 1371312016 Sat Jun 15 18:00:16 2013\n", &r);
    CHECK(only(K(THERMAL)) != NULL);
    kmsg_classify_text("Hardware event. This is not a software error.\n"
                       "CPU 2 BANK 4 \n"
                       "STATUS 9c00000000000136 MCGSTATUS 0\n", &r);
    CHECK(only(K(MCE)) != NULL);
}

static void syslog_bracketed_tags(void)
{
    /* metalog: every program's tag in brackets, no host */
    kmsg_classify_text("Sep 29 21:58:52 [kernel] [48996.286843] CPU1: Core temperature above threshold, cpu clock throttled (total events = 1)\n"
                       "Sep 29 21:58:53 [sshd] Accepted publickey for root\n", &r);
    CHECK(only(K(THERMAL)) != NULL);
    CHECK(r.kernel_lines == 1);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"block_layer_errors", block_layer_errors},
        {"bursts_are_one_event_per_device", bursts_are_one_event_per_device},
        {"libata_and_scsi", libata_and_scsi},
        {"nvme_forms", nvme_forms},
        {"hyperv_virtual_disk", hyperv_virtual_disk},
        {"ext4_and_journal", ext4_and_journal},
        {"btrfs_forms", btrfs_forms},
        {"xfs_and_squashfs", xfs_and_squashfs},
        {"thermal_throttling", thermal_throttling},
        {"thermal_shutdowns", thermal_shutdowns},
        {"mcelog_thermal_record", mcelog_thermal_record},
        {"syslog_bracketed_tags", syslog_bracketed_tags},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
