/* The crash journal: records written with the append path read back intact, a torn record is caught
 * by its CRC, the ring wraps keeping the newest, clean_end is only set by the end, tmpfs is refused. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/journal.h"
#include "core/rundir.h"
#include "tests/harness/check.h"

static char dir[256];

static void setup_dir(void)
{
    sw_test_tmpdir(dir, sizeof dir, "sw-journal");
}

static void hdr_for(struct sw_journal_hdr *h, uint32_t cap)
{
    sw_journal_hdr_init(h, cap);
    sw_strlcpy(h->f.run_id, "20260101-000000-abcd", sizeof h->f.run_id);
    sw_strlcpy(h->f.boot_id, "11111111-2222-3333-4444-555555555555", sizeof h->f.boot_id);
    sw_strlcpy(h->f.profile, "quick", sizeof h->f.profile);
    h->f.start_real_ns = 1700000000ull * 1000000000ull;
}

static void make_event(struct sw_event *ev, int i)
{
    memset(ev, 0, sizeof *ev);
    ev->t_ns = 1700000000ull * 1000000000ull + (uint64_t)i;
    ev->type = SW_EV_VERIFY_ERROR;
    ev->sev = SW_SEV_ERROR;
    ev->worker = (int16_t)i;
    ev->u.verify.want = 0x1234;
    ev->u.verify.got = (uint64_t)i;
    sw_strlcpy(ev->what, "crc32", sizeof ev->what);
    sw_strlcpy(ev->text, "crc32: expected 0x1234", sizeof ev->text);
}

static void crc_known_answer(void)
{
    /* The standard CRC-32 check value. */
    CHECK_INT(sw_crc32(0, "123456789", 9), 0xcbf43926u);
    CHECK_INT(sw_crc32(0, "", 0), 0);
}

static void write_read_back(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/journal", dir);
    struct sw_journal_hdr h;
    hdr_for(&h, 64);
    struct sw_journal j;
    struct sw_diag d;
    CHECK_INT(sw_journal_create(&j, path, NULL, &h, &d), 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 4096 + 64 * 512);   /* preallocated at full size */
    for (int i = 0; i < 10; i++) {
        struct sw_event ev;
        make_event(&ev, i);
        CHECK_INT(sw_journal_append(&j, i % 3 ? SW_JREC_EVENT : SW_JREC_HEARTBEAT, &ev, 5, i == 9), 0);
    }
    CHECK(stat(path, &st) == 0 && st.st_size == 4096 + 64 * 512);   /* appends never grow the file */
    sw_journal_close(&j);   /* like a crash: no end */

    int fd = open(path, O_RDONLY);
    struct sw_journal_hdr r;
    CHECK_INT(sw_journal_read_hdr(fd, &r), 0);
    CHECK_STR(r.f.run_id, "20260101-000000-abcd");
    CHECK_STR(r.f.profile, "quick");
    CHECK_INT(r.f.clean_end, 0);
    CHECK_INT(r.f.capacity, 64);
    int valid = 0;
    for (uint32_t i = 0; i < 64; i++) {
        struct sw_jrec rec;
        int rc = sw_journal_read_rec(fd, &r, i, &rec);
        if (rc == 1) {
            CHECK_INT(rec.b.jseq, i + 1);
            CHECK_INT(rec.b.ev.worker, (int)i);
            CHECK_INT(rec.b.kind, i % 3 ? SW_JREC_EVENT : SW_JREC_HEARTBEAT);
            CHECK_STR(rec.b.ev.what, "crc32");
            valid++;
        } else {
            CHECK_INT(rc, 0);   /* the rest were never written */
        }
    }
    CHECK_INT(valid, 10);
    close(fd);

    /* Tear record 9 as a power cut in the middle of a write would: half new bytes, half old. */
    fd = open(path, O_RDWR);
    unsigned char junk[100];
    memset(junk, 0xa5, sizeof junk);
    CHECK(pwrite(fd, junk, sizeof junk, 4096 + 9 * 512 + 300) == (ssize_t)sizeof junk);
    struct sw_jrec rec;
    CHECK_INT(sw_journal_read_rec(fd, &r, 9, &rec), -EBADMSG);
    CHECK_INT(sw_journal_read_rec(fd, &r, 8, &rec), 1);
    /* A damaged header is not a journal. */
    CHECK(pwrite(fd, junk, 8, 100) == 8);
    CHECK_INT(sw_journal_read_hdr(fd, &r), -EBADMSG);
    close(fd);
}

static void clean_end_and_wrap(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/journal2", dir);
    struct sw_journal_hdr h;
    hdr_for(&h, 8);
    struct sw_journal j;
    struct sw_diag d;
    CHECK_INT(sw_journal_create(&j, path, NULL, &h, &d), 0);
    for (int i = 0; i < 20; i++) {
        struct sw_event ev;
        make_event(&ev, i);
        sw_journal_append(&j, SW_JREC_EVENT, &ev, 0, false);
    }
    CHECK_INT(sw_journal_end(&j, 1700000001ull * 1000000000ull), 0);
    int fd = open(path, O_RDONLY);
    struct sw_journal_hdr r;
    CHECK_INT(sw_journal_read_hdr(fd, &r), 0);
    CHECK_INT(r.f.clean_end, 1);
    CHECK(r.f.end_real_ns == 1700000001ull * 1000000000ull);
    /* 21 records (20 + end) in a ring of 8: the newest 8 are there, jseq 14..21 */
    uint64_t min = UINT64_MAX, max = 0;
    int ends = 0;
    for (uint32_t i = 0; i < 8; i++) {
        struct sw_jrec rec;
        CHECK_INT(sw_journal_read_rec(fd, &r, i, &rec), 1);
        min = rec.b.jseq < min ? rec.b.jseq : min;
        max = rec.b.jseq > max ? rec.b.jseq : max;
        ends += rec.b.kind == SW_JREC_END;
    }
    CHECK_INT(min, 14);
    CHECK_INT(max, 21);
    CHECK_INT(ends, 1);
    close(fd);
}

static void mirror_written_the_same(void)
{
    char path[300], mpath[300];
    snprintf(path, sizeof path, "%s/journal3", dir);
    snprintf(mpath, sizeof mpath, "%s/mirror-journal", dir);
    struct sw_journal_hdr h;
    hdr_for(&h, 16);
    struct sw_journal j;
    struct sw_diag d;
    CHECK_INT(sw_journal_create(&j, path, mpath, &h, &d), 0);
    struct sw_event ev;
    make_event(&ev, 3);
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 0, true);
    sw_journal_end(&j, 1);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", path, mpath);
    CHECK_INT(system(cmd), 0);
}

static void refuses_tmpfs(void)
{
    struct statfs sf;
    if (statfs("/dev/shm", &sf) != 0 || sf.f_type != TMPFS_MAGIC) {
        printf("note: no tmpfs at /dev/shm, tmpfs refusal not exercised\n");
        return;
    }
    struct sw_journal_hdr h;
    hdr_for(&h, 8);
    struct sw_journal j;
    struct sw_diag d = {0};
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/sw-test-journal-%d", (int)getpid());
    CHECK_INT(sw_journal_create(&j, path, NULL, &h, &d), -EXDEV);
    CHECK(strstr(d.msg, "tmpfs") != NULL);
    CHECK(strstr(d.msg, "--out") != NULL);
    CHECK(access(path, F_OK) != 0);   /* nothing left behind */
}

/* A mirror that cannot be made (here its directory is missing; on tmpfs it is refused) fails the
 * creation and leaves no journal behind: one never ended would be reported as a crash next time. */
static void failed_mirror_leaves_nothing(void)
{
    char path[300], mpath[300];
    snprintf(path, sizeof path, "%s/journal5", dir);
    snprintf(mpath, sizeof mpath, "%s/no-such-dir/journal", dir);
    struct sw_journal_hdr h;
    hdr_for(&h, 8);
    struct sw_journal j;
    struct sw_diag d = {0};
    CHECK(sw_journal_create(&j, path, mpath, &h, &d) < 0);
    CHECK(strstr(d.msg, "no-such-dir") != NULL);
    CHECK_MSG(access(path, F_OK) != 0, "%s was left behind", path);
}

static void locked_while_alive(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/journal4", dir);
    struct sw_journal_hdr h;
    hdr_for(&h, 8);
    struct sw_journal j, j2;
    struct sw_diag d;
    CHECK_INT(sw_journal_create(&j, path, NULL, &h, &d), 0);
    /* A second run on the same directory must not truncate the live journal. */
    CHECK(sw_journal_create(&j2, path, NULL, &h, &d) < 0);
    int fd = open(path, O_RDONLY);
    struct sw_journal_hdr r;
    CHECK_INT(sw_journal_read_hdr(fd, &r), 0);
    close(fd);
    sw_journal_close(&j);
}

static void cleanup(void)
{
    CHECK_INT(sw_rundir_remove_tree(dir), 0);
}

int main(int argc, char **argv)
{
    setup_dir();
    static const struct sw_test_case cases[] = {
        {"crc_known_answer", crc_known_answer}, {"write_read_back", write_read_back},
        {"clean_end_and_wrap", clean_end_and_wrap}, {"mirror_written_the_same", mirror_written_the_same},
        {"refuses_tmpfs", refuses_tmpfs}, {"failed_mirror_leaves_nothing", failed_mirror_leaves_nothing},
        {"locked_while_alive", locked_while_alive},
        {"cleanup", cleanup}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
