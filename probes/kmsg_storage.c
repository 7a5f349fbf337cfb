/* Storage and filesystem evidence (names per docs/report-schema.md):
 *   io_error       a block device failed a request: the block layer's "I/O error, dev sda, sector N"
 *                  ("critical medium error", "timeout error", ...; "blk_update_request:", "print_req_error:"
 *                  and "end_request:" before 5.16), "Buffer I/O error on dev", libata's "failed command:"
 *                  and "error: { UNC }", a SCSI "Sense Key : Medium Error", nvme timeouts, resets and
 *                  status codes, Hyper-V's hv_storvsc error statuses, SD/eMMC transfer errors, and the
 *                  I/O errors a filesystem reports (ext4_end_bio, XFS metadata/log I/O errors, btrfs's
 *                  per-device error counters);
 *   fs_corruption  a filesystem found damaged data or metadata: "EXT4-fs error", JBD2 checksum failures,
 *                  btrfs checksum/transid/tree-checker failures, XFS metadata corruption and CRC errors,
 *                  SQUASHFS decompression failures.
 * A burst of lines of one kind about one device is one event: its first line is the headline. When a
 * value the filesystem expected and the one it found differ in exactly one bit ("parent transid verify
 * failed ... wanted 4611686018429035688 found 1647784"), `what` says "bit flip": that is the mark of a
 * memory (or CPU) error, not of a disk, which loses whole sectors. */
#include "probes/kmsg_cls_int.h"

#include "core/fmt.h"

/* ---- helpers --------------------------------------------------------------------------------- */

/* Same device, counting a disk and its partitions as one ("sda" and "sda1", "nvme0n1" and "nvme0n1p2"). */
static bool same_device(const char *a, const char *b, size_t bn)
{
    size_t an = strlen(a), n = an < bn ? an : bn;
    return n > 0 && memcmp(a, b, n) == 0 && (an == bn || dig(an < bn ? b[n] : a[n]) || (an < bn ? b[n] : a[n]) == 'p');
}

/* Opens an event of `kind` about `dev`, or joins the open one of the same kind about the same device:
 * a burst of lines is one event. The strongest severity of its lines wins. */
static struct sw_kmsg_block *burst(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, int kind,
                                   const char *dev, size_t n, int sev)
{
    struct sw_kmsg_block *b = &c->b;
    if (kc_block_is(c, kind) && same_device(b->where, dev, n)) {
        if (sev > b->sev_hint)
            b->sev_hint = sev;
        return b;
    }
    kc_start(c, l, m, kind, KB_DETECTOR);
    b->accept_trace = false;
    b->sev_hint = sev;
    copyn(b->where, sizeof b->where, dev, n);
    return b;
}

static void set_what(struct sw_kmsg_block *b, const char *what)
{
    sw_strlcpy(b->what, what, sizeof b->what);
}

/* A CD/DVD drive or a floppy that a VM emulates fails reads of absent media at every boot: not storage. */
static bool removable(const char *dev)
{
    return (dev[0] == 's' && dev[1] == 'r' && dig(dev[2])) || (dev[0] == 'f' && dev[1] == 'd' && dig(dev[2]));
}

/* An unsigned number, decimal or 0x-hex, up to 64 bits; false if none or it overflows. */
static bool u64_at(const char *s, uint64_t *v, const char **end)
{
    const char *p = s;
    uint64_t x = 0;
    if (p[0] == '0' && p[1] == 'x') {
        p += 2;
        const char *st = p;
        while (xdig(*p) && p - st < 16) {
            char ch = *p++;
            x = x * 16 + (uint64_t)(dig(ch) ? ch - '0' : (ch | 0x20) - 'a' + 10);
        }
        if (p == st || xdig(*p))
            return false;
    } else {
        const char *st = p;
        while (dig(*p)) {
            uint64_t d = (uint64_t)(*p++ - '0');
            if (x > (UINT64_MAX - d) / 10)
                return false;
            x = x * 10 + d;
        }
        if (p == st)
            return false;
    }
    *v = x;
    if (end)
        *end = p;
    return true;
}

/* "wanted A found B", "have A expect B", "expected A got B": true when A and B differ in one bit. */
static bool one_bit_apart(const char *m)
{
    static const char *const pairs[][2] = {{"wanted ", " found "}, {"have ", " expect "}, {"expected ", " got "}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *p = strstr(m, pairs[i][0]);
        if (!p)
            continue;
        uint64_t a, b;
        const char *e;
        if (!u64_at(p + strlen(pairs[i][0]), &a, &e) || !starts(e, pairs[i][1]) ||
            !u64_at(e + strlen(pairs[i][1]), &b, NULL))
            continue;
        uint64_t x = a ^ b;
        if (x && !(x & (x - 1)))
            return true;
    }
    return false;
}

/* The device of a filesystem line: "(device sda2)", "(device sda2: state EA)", "XFS (dm-0)", "EXT4-fs (sdb1)". */
static size_t fs_device(const char *p, const char **dev)
{
    const char *d = strstr(p, "(device ");
    d = d ? d + 8 : strchr(p, '(');
    if (d && *d == '(')
        d++;
    if (!d)
        return 0;
    *dev = d;
    return strcspn(d, "):, ");
}

/* The device and the message of a filesystem line ("BTRFS error (device sda2): msg", "XFS (dm-0): msg");
 * NULL when it has no "): " before its message. */
static const char *fs_message(const char *p, const char **dev, size_t *n)
{
    *n = fs_device(p, dev);
    const char *msg = strstr(p, "): ");
    return msg ? msg + 3 : NULL;
}

/* ---- block devices ----------------------------------------------------------------------------- */

/* "<name> error, dev sda, sector 2048 op 0x0:(READ) ..." (5.16+), "blk_update_request: <name> error, dev
 * sda, sector ..." (4.x-5.15), "end_request: I/O error, dev sda, sector ..." (older). */
static bool block_layer(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, " error, dev ");
    if (!p)
        return false;
    const char *dev = p + 12;
    size_t n = strcspn(dev, ", ");
    if (!n || !strstr(dev + n, "sector") || removable(dev))
        return false;
    const char *name = p;   /* back to the message's start or the "func: " before it */
    while (name > m && !(name[-1] == ' ' && name - 1 > m && name[-2] == ':'))
        name--;
    if (starts(name, "operation not supported"))
        return false;   /* a discard or write-same the (virtual) disk does not implement: nothing failed */
    struct sw_kmsg_block *b = burst(c, l, m, SW_KLOG_IO_ERROR, dev, n, SW_SEV_ERROR);
    if (!b->what[0] || starts(b->what, "I/O")) {   /* "critical medium" says more than "I/O" */
        const char *w = starts(name, "critical ") ? name + 9 : name;
        char what[40];
        size_t k = (size_t)(p - w);
        copyn(what, sizeof what - 6, w, k);
        sw_strlcpy(what + strlen(what), " error", 7);
        set_what(b, what);
    }
    return true;
}

/* libata: "ata1.00: failed command: READ FPDMA QUEUED", then "ata1.00: error: { UNC }". */
static bool libata(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    if (starts(m, "res ") && kc_block_is(c, SW_KLOG_IO_ERROR) && starts(c->b.where, "ata")) {
        /* the failed command's result, on a line of its own: "res 41/40:00:..:00/40 Emask 0x409 (media error)" */
        if (strstr(m, "(media error)"))
            set_what(&c->b, "media error (UNC)");
        else if (strstr(m, "(timeout)") && !strcmp(c->b.what, "failed command"))
            set_what(&c->b, "command timeout");
        return true;
    }
    if (!(starts(m, "ata") && dig(m[3])))
        return false;
    size_t port = 3;
    while (dig(m[port]))
        port++;
    struct sw_kmsg_block *b = &c->b;
    if (kc_hl(c, l, m, "failed command: ")) {
        b = burst(c, l, m, SW_KLOG_IO_ERROR, m, port, SW_SEV_ERROR);
        if (!b->what[0])
            set_what(b, "failed command");
        return true;
    }
    if (!(kc_block_is(c, SW_KLOG_IO_ERROR) && same_device(b->where, m, port)))
        return false;
    /* the rest of the same exception: the device's error bits and the link's state */
    const char *e = strstr(m, "error: {");
    if (e) {
        set_what(b, strstr(e, "UNC")    ? "media error (UNC)"
                    : strstr(e, "ICRC") ? "interface CRC error (cable)"
                    : strstr(e, "IDNF") ? "sector not found (IDNF)"
                                        : b->what);
    } else if (strstr(m, "(media error)")) {
        set_what(b, "media error (UNC)");
    } else if (strstr(m, "(timeout)") && !strcmp(b->what, "failed command")) {
        set_what(b, "command timeout");   /* NCQ or link trouble, a hung drive: not a bad sector */
    }
    return true;
}

/* SCSI sense data: "sd 0:0:0:0: [sda] tag#0 Sense Key : Medium Error [current]". */
static bool scsi_sense(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "Sense Key : ");
    if (!p)
        return false;
    p += 12;
    bool medium = starts(p, "Medium Error"), hw = starts(p, "Hardware Error");
    if (!medium && !hw)
        return false;   /* Unit Attention, Illegal Request, Not Ready: the device is answering, not failing */
    const char *lb = strchr(m, '[');
    const char *dev = lb && lb < p ? lb + 1 : "scsi";
    size_t n = lb && lb < p ? strcspn(dev, "]") : 4;
    struct sw_kmsg_block *b = burst(c, l, m, SW_KLOG_IO_ERROR, dev, n, SW_SEV_ERROR);
    set_what(b, medium ? "medium error" : "device hardware error");
    return true;
}

/* nvme: "nvme nvme0: I/O 123 QID 4 timeout, aborting", "controller is down; will reset: CSTS=0xffffffff",
 * "nvme0n1: Read(0x2) @ LBA 2048, 8 blocks, Unrecovered Read Error (sct 0x2 / sc 0x81) DNR". */
static bool nvme(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p;
    const char *dev = starts(m, "nvme nvme") ? m + 5 : starts(m, "nvme") ? m : NULL;
    if (!dev)
        return false;
    size_t n = strcspn(dev, ": ");
    struct sw_kmsg_block *b = &c->b;
    if (kc_hl(c, l, m, " QID ") && strstr(m, " timeout")) {
        b = burst(c, l, m, SW_KLOG_IO_ERROR, dev, n, SW_SEV_ERROR);
        if (!b->what[0])
            set_what(b, "command timeout");
        return true;
    }
    if (kc_hl(c, l, m, "controller is down; will reset")) {
        b = burst(c, l, m, SW_KLOG_IO_ERROR, dev, n, SW_SEV_ERROR);
        /* all ones: the controller no longer answers on PCIe (it dropped off the bus or lost power) */
        set_what(b, strstr(m, "CSTS=0xffffffff") ? "controller gone from the bus" : "controller reset");
        return true;
    }
    if (kc_hl(c, l, m, " / sc 0x") && (p = strstr(m, "(sct 0x")) != NULL) {
        long sct = dec(p + 7, NULL);
        if (sct < 0)
            return false;
        b = burst(c, l, m, SW_KLOG_IO_ERROR, dev, n, SW_SEV_ERROR);
        if (sct == 2)   /* status code type 2: media and data integrity errors */
            set_what(b, "media error");
        else if (!b->what[0])   /* a command the host aborted after a timeout says no more than the timeout */
            set_what(b, sct == 3 ? "path error" : "command error");
        return true;
    }
    if (kc_block_is(c, SW_KLOG_IO_ERROR) && same_device(b->where, dev, n) &&
        (strstr(m, "aborting reset") || strstr(m, "Removing after probe failure") || strstr(m, "Abort status")))
        return true;   /* the same failure's recovery, or its end */
    return false;
}

/* Hyper-V's virtual disk (WSL2's ext4.vhdx, a Hyper-V VM's disks): "hv_storvsc <guid>: tag#674 cmd 0x2a
 * status: scsi 0x2 srb 0x4 hv 0xc0000001". Only reads, writes and flushes count: probes of optional
 * commands (ATA pass-through 0x85 from smartctl or udisks, log sense) fail on every healthy VM. */
static bool storvsc(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "hv_storvsc") ? strstr(m, " srb 0x") : NULL;
    if (!p)
        return false;
    const char *cmd = strstr(m, "cmd 0x");
    uint64_t op, hv = 0;
    if (!cmd || !u64_at(cmd + 4, &op, NULL))
        return false;
    static const uint8_t io_ops[] = {0x08, 0x0a, 0x28, 0x2a, 0x2e, 0x35, 0x88, 0x8a, 0x8e, 0x91, 0xa8, 0xaa};
    bool io = false;
    for (size_t i = 0; i < sizeof io_ops; i++)
        io = io || op == io_ops[i];
    if (!io)
        return false;
    const char *h = strstr(p, " hv 0x");
    if (h)
        u64_at(h + 4, &hv, NULL);
    struct sw_kmsg_block *b = burst(c, l, m, SW_KLOG_IO_ERROR, "hv_storvsc", 10, SW_SEV_ERROR);
    /* NTSTATUS codes from the host's storage stack */
    set_what(b, hv == 0xc000007f   ? "host disk full"
                : hv == 0xc0000185 ? "host I/O device error"
                : hv == 0xc000009c ? "host disk data error"
                : b->what[0]       ? b->what
                                   : "host storage error");
    return true;
}

/* "mmcblk0: error -110 transferring data, sector 1234, nr 8, cmd response 0x900, card status 0xb00" */
static bool mmc(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    if (!kc_hl(c, l, m, " transferring data") || !starts(m, "mmcblk"))
        return false;
    struct sw_kmsg_block *b = burst(c, l, m, SW_KLOG_IO_ERROR, m, strcspn(m, ": "), SW_SEV_ERROR);
    set_what(b, "SD/eMMC transfer error");
    return true;
}

/* "Buffer I/O error on dev sda1, logical block 0", "EXT4-fs warning (device sda1): ext4_end_bio:343: I/O
 * error 10 writing to inode ...", "XFS (sda1): metadata I/O error in ...", "XFS (dm-0): log I/O error -5". */
static bool fs_io_error(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "I/O error");
    if (!p)
        return false;
    const char *dev = NULL;
    size_t n = 0;
    const char *on = strstr(m, "Buffer I/O error on dev");
    if (on) {
        dev = on + 23;
        dev += *dev == 'i' ? 4 : 0;   /* older kernels: "on device sda1" */
        while (*dev == ' ')
            dev++;
        n = strcspn(dev, ", ");
    } else if (starts(m, "EXT") || starts(m, "XFS (")) {
        n = fs_device(m, &dev);
    }
    if (!dev || !n || removable(dev))
        return false;
    struct sw_kmsg_block *b = burst(c, l, m, SW_KLOG_IO_ERROR, dev, n, SW_SEV_ERROR);
    if (!b->what[0])
        set_what(b, on ? "buffer I/O error" : strstr(m, "log I/O") ? "journal I/O error" : "filesystem I/O error");
    return true;
}

/* ---- filesystems ------------------------------------------------------------------------------- */

#define WRITE_TIME "corrupt metadata about to be written"

static void fs_event(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *dev, size_t n,
                     const char *what, int sev)
{
    struct sw_kmsg_block *b = burst(c, l, m, SW_KLOG_FS_CORRUPTION, dev, n, sev);
    /* the strongest clue of the burst is its `what`: a flipped bit, then damage found before a write
     * (btrfs prints the tree-checker's detail first, "write time tree block corruption" after it) */
    if (one_bit_apart(m))
        set_what(b, "bit flip");
    else if (!b->what[0] || (sev > SW_SEV_WARN && !strcmp(b->what, "repaired by scrub")) ||
             (strcmp(b->what, "bit flip") && !strcmp(what, WRITE_TIME)))
        set_what(b, what);
}

/* "EXT4-fs error (device sda1): ext4_lookup:1855: inode #2: comm ls: deleted inode referenced: 12",
 * "EXT4-fs error (device sda1) in ext4_reserve_inode_write:5735: Corrupt filesystem", EXT2/EXT3 alike. */
static bool ext_fs(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "-fs error");
    const char *dev = "";
    size_t n;
    if (p && p - m >= 4 && !strncmp(p - 4, "EXT", 3) && dig(p[-1])) {
        n = fs_device(p, &dev);
        if (!n)
            return false;
        char fn[40];   /* the function that found it: "ext4_lookup" */
        const char *f = strstr(p, "): ");
        f = f ? f + 3 : strstr(p, ") in ");
        if (f && starts(f, ") in "))
            f += 5;
        size_t k = 0;
        while (f && symch(f[k]) && f[k] != '.' && k < sizeof fn - 1)
            k++;
        copyn(fn, sizeof fn, f ? f : "", k);
        fs_event(c, l, m, dev, n, fn[0] ? fn : "filesystem error", SW_SEV_ERROR);
        return true;
    }
    return false;
}

/* btrfs: "BTRFS warning (device sda2): csum failed root 258 ino 9276991 off 8192 csum 0x.. expected csum 0x..
 * mirror 1", "BTRFS error (device nvme0n1p2): parent transid verify failed on logical N mirror 1 wanted A
 * found B", "BTRFS critical (device sdm): corrupt leaf: ...", "block=N write time tree block corruption
 * detected", "bdev /dev/sda2 errs: wr 0, rd 0, flush 0, corrupt 155, gen 0". */
static bool btrfs(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "BTRFS");
    if (!p)
        return false;
    const char *dev = "";
    size_t n;
    const char *msg = fs_message(p, &dev, &n);
    if (!msg)
        msg = strstr(p, ") in ");   /* "BTRFS: error (device sda2: state A) in func:line: errno=-5" */
    if (!n || !msg)
        return false;
    static const struct {
        const char *text, *what;
    } forms[] = {
        {"csum failed", "data checksum failed"},
        {"checksum verify failed", "metadata checksum failed"},
        {"parent transid verify failed", "transid verify failed"},
        {"write time tree block corruption", WRITE_TIME},
        {"read time tree block corruption", "corrupt metadata read"},
        {"corrupt leaf", "corrupt metadata read"},
        {"corrupt node", "corrupt metadata read"},
        {"bad tree block start", "bad tree block"},
        {"level verify failed", "metadata mismatch"},
        {"tree first key mismatch", "metadata mismatch"},
        {"bad key order", "metadata mismatch"},
        {"unable to fixup", "unrepaired error"},
        {"fixed up error", "repaired by scrub"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strstr(msg, forms[i].text)) {
            fs_event(c, l, m, dev, n, forms[i].what, i + 1 == sizeof forms / sizeof forms[0] ? SW_SEV_WARN : SW_SEV_ERROR);
            return true;
        }
    const char *e = strstr(msg, " errs: wr ");
    if (e) {   /* the device's error counters, printed after each error: I/O errors or checksum errors */
        uint64_t v[5] = {0};
        const char *q = e + 10;
        for (int i = 0; i < 5 && q; i++) {
            if (!u64_at(q, &v[i], &q))
                break;
            q = strchr(q, ' ');
            q = q ? strchr(q + 1, ' ') : NULL;
            q = q ? q + 1 : NULL;
        }
        struct sw_kmsg_block *b = &c->b;
        bool joined = (kc_block_is(c, SW_KLOG_IO_ERROR) || kc_block_is(c, SW_KLOG_FS_CORRUPTION)) &&
                      same_device(b->where, dev, n);
        if (joined)
            return true;
        if (v[0] + v[1] + v[2]) {
            b = burst(c, l, m, SW_KLOG_IO_ERROR, dev, n, SW_SEV_ERROR);
            set_what(b, "device I/O errors");
            return true;
        }
        if (v[3] + v[4]) {
            fs_event(c, l, m, dev, n, "corruption count", SW_SEV_ERROR);
            return true;
        }
        return false;
    }
    /* "BTRFS: error (device sda2: state A) in __btrfs_free_extent:3070: errno=-5 IO failure" aborts the
     * transaction of an error already reported; -117 (EUCLEAN) is the corruption itself. */
    if (strstr(msg, "errno=-117") || ((kc_block_is(c, SW_KLOG_FS_CORRUPTION) || kc_block_is(c, SW_KLOG_IO_ERROR)) &&
                                      same_device(c->b.where, dev, n) &&
                                      (strstr(msg, "errno=") || strstr(msg, "forced readonly")))) {
        if (!(kc_block_is(c, SW_KLOG_FS_CORRUPTION) || kc_block_is(c, SW_KLOG_IO_ERROR)))
            fs_event(c, l, m, dev, n, "filesystem corrupted", SW_SEV_ERROR);
        return true;
    }
    return false;
}

/* XFS: "XFS (sda1): Metadata corruption detected at xfs_dinode_verify+0x.., inode 0x..", "Metadata CRC
 * error detected at ...", "Internal error XFS_WANT_CORRUPTED_GOTO at line 1137 of file fs/xfs/...",
 * "Corruption of in-memory data (0x8) detected at ..."; its I/O errors go to fs_io_error. */
static bool xfs(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p = kc_hl(c, l, m, "XFS (");
    if (!p)
        return false;
    const char *dev = "";
    size_t n;
    const char *msg = fs_message(p, &dev, &n);
    if (!n || !msg)
        return false;
    if (strstr(msg, "I/O error"))
        return false;   /* fs_io_error's */
    const char *what = starts(msg, "Metadata corruption detected")    ? "metadata corruption"
                       : starts(msg, "Metadata CRC error detected")   ? "metadata checksum failed"
                       : starts(msg, "Corruption of in-memory data")  ? "in-memory corruption"
                       : starts(msg, "Internal error")                ? "internal consistency check"
                       : starts(msg, "Corruption detected")           ? "metadata corruption"
                       : NULL;
    if (what) {
        fs_event(c, l, m, dev, n, what, SW_SEV_ERROR);
        return true;
    }
    if (kc_block_is(c, SW_KLOG_FS_CORRUPTION) && same_device(c->b.where, dev, n))
        return true;   /* the buffer dump, "Unmount and run xfs_repair", the forced shutdown */
    return false;
}

/* "JBD2: Invalid checksum recovering data block 1234 in log", "JBD2: journal checksum error";
 * "SQUASHFS error: xz decompression failed, data probably corrupt", "SQUASHFS error: Unable to read page". */
static bool journal_and_squashfs(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p;
    if ((p = kc_hl(c, l, m, "JBD2: ")) != NULL && (strstr(p, "checksum") || strstr(p, "corrupt"))) {
        fs_event(c, l, m, "jbd2", 4, "journal checksum failed", SW_SEV_ERROR);
        return true;
    }
    if ((p = kc_hl(c, l, m, "SQUASHFS error: ")) != NULL) {
        fs_event(c, l, m, "squashfs", 8, strstr(p, "decompression failed") ? "decompression failed" : "read error",
                 SW_SEV_ERROR);
        return true;
    }
    return false;
}

bool kc_storage_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    return block_layer(c, l, m) || libata(c, l, m) || scsi_sense(c, l, m) || nvme(c, l, m) || storvsc(c, l, m) ||
           mmc(c, l, m) || ext_fs(c, l, m) || btrfs(c, l, m) || xfs(c, l, m) || journal_and_squashfs(c, l, m) ||
           fs_io_error(c, l, m);
}
