/* Journal recovery (core/journal_read.c, core/recover_describe.c, core/recover.c) on any file. A
 * random header almost never has a valid CRC, so the last input byte steers fix-ups that let the
 * fuzzer reach the deep paths with hostile but CRC-valid content:
 *   bit 0: fix the header's magic, version and sizes;  bit 1: fix the header CRC;
 *   bit 2: fix every record slot's magic and CRC;      bit 3: also run the whole recovery scan on a
 *          state directory holding the file as runs/x/journal (open, lock, mark, clean up).
 * With SW_FUZZ_SEEDS=DIR in the environment, LLVMFuzzerInitialize first writes seed journals there. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/recover.h"
#include "core/recover_describe.h"
#include "core/rundir.h"
#include "tests/fuzz/fuzz_util.h"

#define SEED_CAP 8u

static const char *state;

/* A small journal of a run that died: header, a phase record, an error, heartbeats. */
static size_t make_journal(unsigned char *buf, size_t cap, uint32_t capacity, unsigned nrec)
{
    size_t len = SW_JOURNAL_HDR_SIZE + (size_t)capacity * SW_JOURNAL_REC_SIZE;
    if (len > cap)
        return 0;
    memset(buf, 0, len);
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, capacity);
    snprintf(h.f.run_id, sizeof h.f.run_id, "20261203-120000-abcd");
    snprintf(h.f.boot_id, sizeof h.f.boot_id, "aaaaaaaa-0000-0000-0000-000000000001");
    snprintf(h.f.profile, sizeof h.f.profile, "compile");
    snprintf(h.f.env, sizeof h.f.env, "kernel=6.1 machine=x86_64 cpus=2 vm=yes");
    h.f.start_real_ns = 1790000000ull * 1000000000ull;
    h.f.nphases = 2;
    snprintf(h.f.phase_names[0], 32, "warmup");
    snprintf(h.f.phase_names[1], 32, "build");
    h.f.nwl = 1;
    h.f.wl[0].id = 4;
    snprintf(h.f.wl[0].name, sizeof h.f.wl[0].name, "compile");
    h.f.crc = sw_journal_hdr_crc(&h);
    memcpy(buf, h.raw, sizeof h.raw);
    for (unsigned i = 0; i < nrec && i < capacity; i++) {
        struct sw_jrec r;
        memset(&r, 0, sizeof r);
        r.b.magic = SW_JOURNAL_REC_MAGIC;
        r.b.kind = i % 3 == 2 ? SW_JREC_HEARTBEAT : SW_JREC_EVENT;
        r.b.jseq = i + 1;
        r.b.ev.t_ns = h.f.start_real_ns + i * 1000000000ull;
        r.b.ev.type = (uint16_t)(i % SW_EV_TYPE_COUNT);
        r.b.ev.sev = (uint8_t)(i % 4);
        r.b.ev.phase = (uint16_t)(i % 2);
        r.b.ev.workload = 4;
        r.b.ev.klog_kind = (uint8_t)(i % SW_KLOG_KIND_COUNT);
        snprintf(r.b.ev.what, sizeof r.b.ev.what, "what%u", i);
        snprintf(r.b.ev.text, sizeof r.b.ev.text, r.b.kind == SW_JREC_HEARTBEAT ? "compile,execve" : "event %u", i);
        r.b.ev.crc = sw_crc32(0, &r, sizeof r);
        memcpy(buf + SW_JOURNAL_HDR_SIZE + (size_t)i * SW_JOURNAL_REC_SIZE, &r, sizeof r);
    }
    return len;
}

static void write_seeds(const char *dir)
{
    static unsigned char buf[SW_JOURNAL_HDR_SIZE + 16 * SW_JOURNAL_REC_SIZE + 1];
    size_t len = make_journal(buf, sizeof buf - 1, SEED_CAP, 6);
    buf[len] = 0x0f;   /* steering byte: all fix-ups and the scan */
    sw_fuzz_write_seed(dir, "journal-abrupt", buf, len + 1);
    buf[len] = 0x00;
    sw_fuzz_write_seed(dir, "journal-raw", buf, len + 1);
    len = make_journal(buf, sizeof buf - 1, 16, 16);
    buf[len] = 0x06;
    sw_fuzz_write_seed(dir, "journal-full", buf, len + 1);
    buf[len] = 0x0e;
    sw_fuzz_write_seed(dir, "journal-cut", buf, SW_JOURNAL_HDR_SIZE + 3 * SW_JOURNAL_REC_SIZE + 100);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *seeds = getenv("SW_FUZZ_SEEDS");
    if (seeds && *seeds)
        write_seeds(seeds);
    state = sw_fuzz_tempdir(getenv("TMPDIR"), "swfuzz-state");
    return 0;
}

static void fix_up(unsigned char *buf, size_t len, unsigned steer)
{
    if (len < SW_JOURNAL_HDR_SIZE)
        return;
    struct sw_journal_hdr h;
    memcpy(h.raw, buf, sizeof h.raw);
    if (steer & 1) {
        memcpy(h.f.magic, SW_JOURNAL_MAGIC, 8);
        h.f.version = SW_JOURNAL_VERSION;
        h.f.hdr_size = SW_JOURNAL_HDR_SIZE;
        h.f.rec_size = SW_JOURNAL_REC_SIZE;
    }
    if (steer & 2)
        h.f.crc = sw_journal_hdr_crc(&h);
    memcpy(buf, h.raw, sizeof h.raw);
    if (steer & 4) {
        for (size_t off = SW_JOURNAL_HDR_SIZE; off + SW_JOURNAL_REC_SIZE <= len; off += SW_JOURNAL_REC_SIZE) {
            struct sw_jrec r;
            memcpy(&r, buf + off, sizeof r);
            r.b.magic = SW_JOURNAL_REC_MAGIC;
            r.b.ev.crc = 0;
            r.b.ev.crc = sw_crc32(0, &r, sizeof r);
            memcpy(buf + off, &r, sizeof r);
        }
    }
}

static void describe(const struct sw_journal_scan *s)
{
    json_t *prev = sw_recover_describe(s, "/run/dir", "/run/dir/journal", "dir", "bbbbbbbb-boot");
    json_t *rep = sw_recover_abrupt_report(s, prev, "/run/dir");
    char line[1024];
    sw_recover_warning(prev, line, sizeof line);
    char *a = json_dumps(prev, 0), *b = json_dumps(rep, 0);
    free(a);
    free(b);
    json_decref(prev);
    json_decref(rep);
}

static void scan_dir(const unsigned char *buf, size_t len)
{
    char run[128], path[160];
    snprintf(run, sizeof run, "%s/runs/x", state);
    sw_mkdir_p(run, 0700);
    snprintf(path, sizeof path, "%s/journal", run);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    struct timespec old[2] = {{1, 0}, {1, 0}};   /* not a journal being created right now */
    if (write(fd, buf, len) != (ssize_t)len || futimens(fd, old) != 0) {
        close(fd);
        return;
    }
    close(fd);
    json_t *prev = NULL;
    struct sw_diag d = {0};
    sw_recover_scan(state, "aaaaaaaa-0000-0000-0000-000000000001", &prev, &d);
    json_decref(prev);
    sw_rundir_remove_tree(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned steer = data[size - 1];
    size_t len = size - 1;
    unsigned char *buf = malloc(len ? len : 1);
    memcpy(buf, data, len);
    fix_up(buf, len, steer);
    struct sw_journal_scan s;
    if (sw_journal_scan_mem(buf, len, &s) == 0) {
        describe(&s);
        sw_journal_scan_free(&s);
    }
    if (steer & 8)
        scan_dir(buf, len);
    free(buf);
    return 0;
}
