/* Recovery against journals and run directories that were damaged or planted: nothing outside the
 * dead run's own directory is removed, whatever its header names; symlinks and other users'
 * directories are not followed; counts in a header are bounded by the file; and a damaged journal of
 * a run that left no report is reported as such, with the records that can still be read. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/journal.h"
#include "core/recover.h"
#include "core/recover_describe.h"
#include "core/rundir.h"
#include "core/safe_fs.h"
#include "tests/harness/check.h"

static char top[128];     /* everything of this test lives here */
static char state[192];
static const char *BOOT = "aaaaaaaa-0000-0000-0000-000000000001";

static void touch(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs("keep me\n", f);
        fclose(f);
    }
}

static bool exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return lstat(p, &st) == 0;
}

/* A journal of a run that died: 16 slots, a phase record, an error event, then no end. */
static void plant_journal(const char *run_dir, const char *id, const char *tmp_root)
{
    sw_mkdir_p(run_dir, 0755);
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, 16);
    sw_strlcpy(h.f.run_id, id, sizeof h.f.run_id);
    sw_strlcpy(h.f.boot_id, BOOT, sizeof h.f.boot_id);
    sw_strlcpy(h.f.tmp_root, tmp_root, sizeof h.f.tmp_root);
    h.f.start_real_ns = 1790000000ull * 1000000000ull;
    h.f.nphases = 1;
    sw_strlcpy(h.f.phase_names[0], "build", 32);
    char jpath[400];
    snprintf(jpath, sizeof jpath, "%s/journal", run_dir);
    struct sw_diag d;
    struct sw_journal j;
    CHECK_INT(sw_journal_create(&j, jpath, NULL, &h, &d), 0);
    struct sw_event ev = {.type = SW_EV_PHASE, .t_ns = h.f.start_real_ns, .workload = -1, .what = "build"};
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 0, false);
    ev.type = SW_EV_WORKER_SIGNAL;
    ev.sev = SW_SEV_ERROR;
    ev.t_ns += 2000000000ull;
    sw_strlcpy(ev.what, "SIGSEGV", sizeof ev.what);
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 0, true);
    sw_journal_close(&j);
}

/* Rewrites the header of run_dir/journal through fn, with a valid CRC: a planted, hostile header. */
static void edit_header(const char *run_dir, void (*fn)(struct sw_journal_hdr *))
{
    char path[400];
    snprintf(path, sizeof path, "%s/journal", run_dir);
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    struct sw_journal_hdr h;
    CHECK(pread(fd, h.raw, sizeof h.raw, 0) == (ssize_t)sizeof h.raw);
    fn(&h);
    h.f.crc = sw_journal_hdr_crc(&h);
    CHECK(pwrite(fd, h.raw, sizeof h.raw, 0) == (ssize_t)sizeof h.raw);
    close(fd);
}

/* A damaged journal changed in the last seconds may be a run starting: make it an hour old. */
static void age(const char *run_dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/journal", run_dir);
    struct timespec ts[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};
    CHECK_INT(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static json_t *scan(void)
{
    json_t *p = NULL;
    struct sw_diag d = {0};
    CHECK_INT(sw_recover_scan(state, BOOT, &p, &d), 0);
    return p;
}

static void setup(void)
{
    snprintf(top, sizeof top, "/var/tmp/sw-rhostile-XXXXXX");
    if (!mkdtemp(top))
        SW_SKIP("no temp dir");
}

static void fresh_state(const char *name)
{
    snprintf(state, sizeof state, "%s/%s/state", top, name);
    sw_mkdir_p(state, 0755);
}

/* The reproduction: a journal planted in runs/x names /some/where/stresswsl-keep as its temp root. */
static void planted_tmp_root_is_not_removed(void)
{
    fresh_state("planted");
    char keep[300], run[300], ext[300];
    snprintf(keep, sizeof keep, "%s/some/where/stresswsl-keep", top);
    sw_mkdir_p(keep, 0755);
    touch(keep, "precious");
    snprintf(run, sizeof run, "%s/runs/x", state);
    plant_journal(run, "x", keep);
    /* the same through a remembered --out directory, naming the state's own runs/ dir */
    snprintf(ext, sizeof ext, "%s/planted/out", top);
    char runs[300];
    snprintf(runs, sizeof runs, "%s/runs", state);
    plant_journal(ext, "y", runs);
    CHECK_INT(sw_recover_remember(state, ext), 0);
    json_t *p = scan();
    CHECK(p != NULL);
    CHECK(exists(keep, "precious"));
    CHECK(exists(run, "journal"));
    if (p) {
        /* reported, not followed */
        CHECK_STR(json_string_value(json_object_get(p, "temp_left")) ? json_string_value(json_object_get(p, "temp_left"))
                                                                       : "",
                  strcmp(json_string_value(json_object_get(p, "id")), "x") == 0 ? keep : runs);
    }
    json_decref(p);
    CHECK(exists(state, "runs"));
    p = scan();   /* both were marked: the older one is not shown later */
    CHECK(p == NULL);
    json_decref(p);
}

/* runs/link -> a directory elsewhere holding a journal and a tmp/: not followed. A run directory of
 * another user: not read, not cleaned. */
static void symlinks_and_foreign_dirs_are_skipped(void)
{
    fresh_state("links");
    char target[300], link[300], runs[300];
    snprintf(target, sizeof target, "%s/links/elsewhere", top);
    plant_journal(target, "t", "");
    char tmp[320];
    snprintf(tmp, sizeof tmp, "%s/tmp", target);
    sw_mkdir_p(tmp, 0700);
    touch(tmp, "precious");
    snprintf(runs, sizeof runs, "%s/runs", state);
    sw_mkdir_p(runs, 0755);
    snprintf(link, sizeof link, "%s/link", runs);
    CHECK_INT(symlink(target, link), 0);
    /* an external entry whose last part is a symlink, and one with a symlink in the middle */
    char ext_link[300], mid[300], via[360];
    snprintf(ext_link, sizeof ext_link, "%s/links/outlink", top);
    CHECK_INT(symlink(target, ext_link), 0);
    snprintf(mid, sizeof mid, "%s/links/mid", top);
    CHECK_INT(symlink(top, mid), 0);
    snprintf(via, sizeof via, "%s/links/elsewhere", mid);
    CHECK_INT(sw_recover_remember(state, ext_link), 0);
    CHECK_INT(sw_recover_remember(state, via), 0);
    json_t *p = NULL;
    struct sw_diag d = {0};
    CHECK_INT(sw_recover_scan(state, BOOT, &p, &d), 0);
    CHECK(p == NULL);
    CHECK(exists(tmp, "precious"));
    CHECK(!exists(target, "report.json"));
    CHECK_MSG(strstr(d.msg, "symbolic link") != NULL, "%s", d.msg);
    json_decref(p);

    if (geteuid() != 0)
        return;   /* only root can make a directory of another user here */
    char foreign[300];
    snprintf(foreign, sizeof foreign, "%s/foreign", runs);
    plant_journal(foreign, "f", "");
    snprintf(tmp, sizeof tmp, "%s/tmp", foreign);
    sw_mkdir_p(tmp, 0700);
    touch(tmp, "theirs");
    CHECK_INT(chown(foreign, 4242, 4242), 0);
    p = NULL;
    CHECK_INT(sw_recover_scan(state, BOOT, &p, &d), 0);
    CHECK(p == NULL);
    CHECK(exists(tmp, "theirs"));
    CHECK_MSG(strstr(d.msg, "another user") != NULL || strstr(d.msg, "symbolic link") != NULL, "%s", d.msg);
    json_decref(p);
    /* a journal file of another user in a directory of ours */
    CHECK_INT(chown(foreign, 0, 0), 0);
    char jp[340];
    snprintf(jp, sizeof jp, "%s/journal", foreign);
    CHECK_INT(chown(jp, 4242, 4242), 0);
    p = NULL;
    CHECK_INT(sw_recover_scan(state, BOOT, &p, &d), 0);
    CHECK(p == NULL);
    CHECK(exists(tmp, "theirs"));
    json_decref(p);
}

/* The run's own tmp/ goes, even with a subdirectory without permissions; a symlink in it is removed
 * as a link, its target stays. */
static void own_tmp_removed_without_following(void)
{
    fresh_state("owntmp");
    char run[300], tmp[320], sub[340], outside[300], lnk[360];
    snprintf(run, sizeof run, "%s/runs/r", state);
    snprintf(tmp, sizeof tmp, "%s/tmp", run);
    plant_journal(run, "r", tmp);
    snprintf(sub, sizeof sub, "%s/w0/locked", tmp);
    sw_mkdir_p(sub, 0700);
    touch(sub, "f");
    chmod(sub, 0);
    snprintf(outside, sizeof outside, "%s/owntmp/outside", top);
    sw_mkdir_p(outside, 0755);
    touch(outside, "precious");
    snprintf(lnk, sizeof lnk, "%s/w0/escape", tmp);
    CHECK_INT(symlink(outside, lnk), 0);
    json_t *p = scan();
    CHECK(p != NULL);
    CHECK(!exists(run, "tmp"));
    CHECK(exists(outside, "precious"));
    CHECK(p && !json_object_get(p, "temp_left"));
    json_decref(p);
}

static void set_capacity_20m(struct sw_journal_hdr *h) { h->f.capacity = 20000000u; }
static void set_capacity_max(struct sw_journal_hdr *h) { h->f.capacity = 0xffffffffu; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A CRC-valid header claiming 20,000,000 or 0xffffffff records: refused fast, with the reason. */
static void huge_capacity_refused_fast(void)
{
    void (*edits[])(struct sw_journal_hdr *) = {set_capacity_20m, set_capacity_max};
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "cap%d", i);
        fresh_state(name);
        char run[300];
        snprintf(run, sizeof run, "%s/runs/c", state);
        plant_journal(run, "c", "");
        edit_header(run, edits[i]);
        age(run);
        double t0 = now_s();
        json_t *p = scan();
        double took = now_s() - t0;
        CHECK_MSG(took < 1.0, "took %.2f s", took);
        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK(json_is_true(json_object_get(p, "damaged")));
        const char *why = json_string_value(json_object_get(p, "damage"));
        CHECK_MSG(why && strstr(why, "capacity") && strstr(why, "65536"), "%s", why ? why : "(null)");
        CHECK_INT(json_integer_value(json_object_get(p, "records_read")), 2);   /* records carry their own CRC */
        CHECK_INT(json_integer_value(json_object_get(p, "error_events")), 1);
        json_decref(p);
        json_t *again = scan();
        CHECK(again == NULL);   /* its abrupt report marks it */
        json_decref(again);
    }
    /* the reader API refuses it too */
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, 16);
    h.f.capacity = 0xffffffffu;
    h.f.crc = sw_journal_hdr_crc(&h);
    char why[160];
    CHECK_INT(sw_journal_check_hdr(&h, 1u << 20, why, sizeof why), -EBADMSG);
    CHECK(strstr(why, "capacity 4294967295") != NULL);
}

static void flip_byte(const char *path, off_t off)
{
    int fd = open(path, O_RDWR);
    unsigned char b = 0;
    CHECK(pread(fd, &b, 1, off) == 1);
    b ^= 0x5a;
    CHECK(pwrite(fd, &b, 1, off) == 1);
    close(fd);
}

static void randomise(const char *path, off_t from, size_t len, unsigned seed)
{
    int fd = open(path, O_RDWR);
    unsigned char buf[4096];
    srand(seed);
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof buf ? len - done : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)rand();
        CHECK(pwrite(fd, buf, n, from + (off_t)done) == (ssize_t)n);
        done += n;
    }
    close(fd);
}

/* Crash evidence is never dropped: a dead run's journal cut to 0 or 100 bytes, with one header byte
 * flipped, or overwritten with random data, is reported as damaged with what could be read. */
static void damaged_journals_are_reported(void)
{
    static const struct {
        const char *name;
        int how;   /* 0 truncate to arg bytes, 1 flip the byte at arg, 2 random data over the whole file */
        off_t arg;
        int want_records;
        const char *want_why;
    } cases[] = {
        {"trunc0", 0, 0, 0, "less than"},        {"trunc100", 0, 100, 0, "less than"},
        {"flip-magic", 1, 3, 2, "does not start"}, {"flip-cap", 1, 23, 2, "capacity"},
        {"flip-runid", 1, 40, 2, "checksum"},     {"random", 2, 0, 0, "does not start"},
        {"cut-records", 0, 4096 + 512 + 100, 1, "cut short"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fresh_state(cases[i].name);
        char run[300], path[320];
        snprintf(run, sizeof run, "%s/runs/d", state);
        plant_journal(run, "d", "");
        snprintf(path, sizeof path, "%s/journal", run);
        if (cases[i].how == 0)
            CHECK_INT(truncate(path, cases[i].arg), 0);
        else if (cases[i].how == 1)
            flip_byte(path, cases[i].arg);
        else
            randomise(path, 0, 4096 + 16 * 512, (unsigned)i);
        age(run);
        json_t *p = scan();
        CHECK_MSG(p != NULL, "%s: not reported", cases[i].name);
        if (!p)
            continue;
        CHECK(json_is_true(json_object_get(p, "damaged")));
        const char *why = json_string_value(json_object_get(p, "damage"));
        CHECK_MSG(why && strstr(why, cases[i].want_why), "%s: %s", cases[i].name, why ? why : "(null)");
        CHECK_INT(json_integer_value(json_object_get(p, "records_read")), cases[i].want_records);
        CHECK_INT(json_array_size(json_object_get(p, "last_events")), cases[i].want_records);
        if (!strcmp(cases[i].name, "cut-records")) {
            CHECK_STR(json_string_value(json_object_get(p, "id")), "d");   /* the header still says who */
            CHECK_STR(json_string_value(json_object_get(p, "cause")), SW_RECOVER_CAUSE_KILLED);
        } else {
            CHECK_STR(json_string_value(json_object_get(p, "id")), "d");   /* the directory's name */
            CHECK_STR(json_string_value(json_object_get(p, "cause")), SW_RECOVER_CAUSE_UNKNOWN);
        }
        char line[1024];
        sw_recover_warning(p, line, sizeof line);
        CHECK_MSG(strstr(line, "the previous run ended abruptly and its journal is damaged"), "%s", line);
        json_decref(p);
        /* the dead run got its own report, saying so; and it is shown once */
        char rp[340];
        snprintf(rp, sizeof rp, "%s/report.json", run);
        json_error_t je;
        json_t *rep = json_load_file(rp, 0, &je);
        CHECK_MSG(rep != NULL, "%s: no abrupt report", cases[i].name);
        json_t *r = json_object_get(rep, "run");
        CHECK(json_is_true(json_object_get(r, "journal_damaged")));
        CHECK_STR(json_string_value(json_object_get(r, "status")) ? json_string_value(json_object_get(r, "status")) : "",
                  "abrupt");
        json_decref(rep);
        json_t *again = scan();
        CHECK_MSG(again == NULL, "%s: reported twice", cases[i].name);
        json_decref(again);
    }
    /* A damaged journal beside a report (the run finished): nothing to say. */
    fresh_state("finished");
    char run[300], path[320];
    snprintf(run, sizeof run, "%s/runs/f", state);
    plant_journal(run, "f", "");
    touch(run, "report.json");
    snprintf(path, sizeof path, "%s/journal", run);
    CHECK_INT(truncate(path, 100), 0);
    age(run);
    json_t *p = scan();
    CHECK(p == NULL);
    json_decref(p);
    /* A damaged journal written a moment ago may be a run starting: left for the next start. */
    fresh_state("starting");
    snprintf(run, sizeof run, "%s/runs/s", state);
    plant_journal(run, "s", "");
    snprintf(path, sizeof path, "%s/journal", run);
    CHECK_INT(truncate(path, 0), 0);
    p = scan();
    CHECK(p == NULL);
    CHECK(!exists(run, "report.json"));
    json_decref(p);
    age(run);
    p = scan();
    CHECK(p != NULL && json_is_true(json_object_get(p, "damaged")));
    json_decref(p);
}

static void fill_strings(struct sw_journal_hdr *h)
{
    memset(h->f.run_id, 'A', sizeof h->f.run_id);
    memset(h->f.boot_id, 'B', sizeof h->f.boot_id);
    memset(h->f.profile, 0xff, sizeof h->f.profile);   /* not UTF-8 */
    memset(h->f.plan, 'P', sizeof h->f.plan);
    memset(h->f.phase_names, 'N', sizeof h->f.phase_names);
    memset(h->f.wl, 0xc3, sizeof h->f.wl);
    h->f.nphases = 0xffffffffu;
    h->f.nwl = 0xffffffffu;
}

/* CRC-valid header with unterminated and invalid strings and huge counts; records with hostile
 * indices: described within bounds. */
static void unterminated_strings_and_hostile_records(void)
{
    fresh_state("strings");
    char run[300], path[320];
    snprintf(run, sizeof run, "%s/runs/s", state);
    plant_journal(run, "s", "");
    edit_header(run, fill_strings);
    snprintf(path, sizeof path, "%s/journal", run);
    /* a heartbeat with a phase far out of range and text that fills its field */
    struct sw_jrec r;
    memset(&r, 0, sizeof r);
    r.b.magic = SW_JOURNAL_REC_MAGIC;
    r.b.kind = SW_JREC_HEARTBEAT;
    r.b.jseq = 0xffffffffffffffffull;
    r.b.ev.phase = 0xffff;
    r.b.ev.type = 0xffff;
    r.b.ev.sev = 0xff;
    r.b.ev.t_ns = 0xffffffffffffffffull;
    r.b.ev.workload = 0x7fff;
    memset(r.b.ev.text, 'w', sizeof r.b.ev.text);
    memset(r.b.ev.what, 0xfe, sizeof r.b.ev.what);
    r.b.ev.crc = sw_crc32(0, &r, sizeof r);
    int fd = open(path, O_RDWR);
    CHECK(pwrite(fd, &r, sizeof r, 4096 + 5 * 512) == (ssize_t)sizeof r);
    r.b.kind = SW_JREC_EVENT;
    r.b.ev.type = SW_EV_KERNEL;
    r.b.ev.klog_kind = 0xff;
    r.b.ev.klog_also = 0xfe;
    memset(&r.b.ev.u, 'k', sizeof r.b.ev.u);
    r.b.ev.crc = 0;
    r.b.ev.crc = sw_crc32(0, &r, sizeof r);
    CHECK(pwrite(fd, &r, sizeof r, 4096 + 6 * 512) == (ssize_t)sizeof r);
    close(fd);
    json_t *p = scan();
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(strlen(json_string_value(json_object_get(p, "id"))), 63);
        CHECK(json_is_string(json_object_get(p, "profile")));
        CHECK(json_is_null(json_object_get(p, "phase")));
        CHECK(json_integer_value(json_object_get(p, "last_record_ns")) >= 0);
        CHECK_INT(json_integer_value(json_object_get(p, "heartbeats")), 1);
        CHECK(json_array_size(json_object_get(p, "workloads")) >= 1);
    }
    json_decref(p);
}

/* A good header over random record slots: every slot is torn, nothing is invented, and the run is
 * still reported from its header. The same bytes through the in-memory reader agree. */
static void random_records(void)
{
    fresh_state("randrec");
    char run[300], path[320];
    snprintf(run, sizeof run, "%s/runs/q", state);
    plant_journal(run, "q", "");
    snprintf(path, sizeof path, "%s/journal", run);
    randomise(path, 4096, 16 * 512, 7);
    json_t *p = scan();
    CHECK(p != NULL);
    if (p) {
        CHECK(json_is_false(json_object_get(p, "damaged")));
        CHECK_INT(json_integer_value(json_object_get(p, "records_read")), 0);
        CHECK_INT(json_integer_value(json_object_get(p, "torn_records")), 16);
        CHECK_STR(json_string_value(json_object_get(p, "id")), "q");
    }
    json_decref(p);
    static unsigned char img[4096 + 16 * 512];
    FILE *f = fopen(path, "rb");
    CHECK(f && fread(img, 1, sizeof img, f) == sizeof img);
    if (f)
        fclose(f);
    struct sw_journal_scan s;
    CHECK_INT(sw_journal_scan_mem(img, sizeof img, &s), 0);
    CHECK(s.hdr_ok && !s.damaged && s.n == 0 && s.torn == 16);
    sw_journal_scan_free(&s);
    CHECK_INT(sw_journal_scan_mem(img, 100, &s), 0);   /* cut inside the header */
    CHECK(!s.hdr_ok && s.damaged && s.n == 0 && strstr(s.why, "100 bytes"));
    sw_journal_scan_free(&s);
}

/* external-runs is a file anyone with access to the state dir could edit: relative paths, "..",
 * overlong lines and a list over its size cap are not followed; remember refuses such paths. */
static void external_list_is_validated(void)
{
    fresh_state("extlist");
    char run[300];
    snprintf(run, sizeof run, "%s/extlist/out", top);
    plant_journal(run, "e", "");
    char list[300];
    snprintf(list, sizeof list, "%s/external-runs", state);
    FILE *f = fopen(list, "w");
    fprintf(f, "relative/out\n%s/extlist/sub/../out\n", top);
    for (int i = 0; i < 3000; i++)
        fputc('a', f);
    fputc('\n', f);
    fclose(f);
    json_t *p = scan();
    CHECK(p == NULL);
    json_decref(p);
    CHECK_INT(sw_recover_remember(state, "relative/out"), -EINVAL);
    CHECK_INT(sw_recover_remember(state, "/a/../b"), -EINVAL);
    CHECK_INT(sw_recover_remember(state, "/a/b\nc"), -EINVAL);
    /* over the cap: read as nothing, and remember starts it again with the new entry */
    f = fopen(list, "a");
    for (int i = 0; i < SW_RECOVER_LIST_MAX; i++)
        fputc('\n', f);
    fclose(f);
    CHECK_INT(sw_recover_remember(state, run), 0);
    p = scan();
    CHECK(p != NULL && !strcmp(json_string_value(json_object_get(p, "id")), "e"));
    json_decref(p);
    struct stat st;
    CHECK(stat(list, &st) == 0 && st.st_size < SW_RECOVER_LIST_MAX);
}

/* The abrupt report is not written through a symlink planted at its temp name (report.json.tmp-PID). */
static void report_not_written_through_symlink(void)
{
    fresh_state("replink");
    char run[300], victim[300], lnk[340];
    snprintf(run, sizeof run, "%s/runs/v", state);
    plant_journal(run, "v", "");
    snprintf(victim, sizeof victim, "%s/replink/victim", top);
    snprintf(victim, sizeof victim, "%s/replink/victim.txt", top);
    FILE *f = fopen(victim, "w");
    fputs("original\n", f);
    fclose(f);
    snprintf(lnk, sizeof lnk, "%s/report.json.tmp-%ld", run, (long)getpid());
    CHECK_INT(symlink(victim, lnk), 0);
    json_t *p = scan();
    CHECK(p != NULL);
    json_decref(p);
    f = fopen(victim, "r");
    char buf[32] = "";
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f)
        fclose(f);
    CHECK_STR(buf, "original\n");
    CHECK(exists(run, "report.json"));
}

static void cleanup(void)
{
    CHECK_INT(sw_rundir_remove_tree(top), 0);
}

int main(int argc, char **argv)
{
    setup();
    static const struct sw_test_case cases[] = {
        {"planted_tmp_root_is_not_removed", planted_tmp_root_is_not_removed},
        {"symlinks_and_foreign_dirs_are_skipped", symlinks_and_foreign_dirs_are_skipped},
        {"own_tmp_removed_without_following", own_tmp_removed_without_following},
        {"huge_capacity_refused_fast", huge_capacity_refused_fast},
        {"damaged_journals_are_reported", damaged_journals_are_reported},
        {"unterminated_strings_and_hostile_records", unterminated_strings_and_hostile_records},
        {"random_records", random_records},
        {"external_list_is_validated", external_list_is_validated},
        {"report_not_written_through_symlink", report_not_written_through_symlink},
        {"cleanup", cleanup},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
