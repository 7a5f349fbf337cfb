/* bundle: the archive lists what it should (probe, kmsg, host evidence, latest reports re-rendered,
 * --out runs, the journals of abrupt runs, MANIFEST); identifiers planted in every file type are gone
 * after unpacking while the facts a support engineer needs stay; journals stay readable; a state dir
 * of crashed runs bundles quickly; hostile run directories are refused; --out errors say why. */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/journal.h"
#include "core/rundir.h"
#include "report/bundle.h"
#include "report/bundle_int.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

#define MAX_ENTRIES 128

struct entry {
    char name[256];
    char *data;
    size_t len;
};

static int read_archive(const char *path, struct entry *e, int max)
{
    struct archive *a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    int n = 0;
    if (archive_read_open_filename(a, path, 16384) != ARCHIVE_OK) {
        archive_read_free(a);
        return -1;
    }
    struct archive_entry *ae;
    while (n < max && archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        snprintf(e[n].name, sizeof e[n].name, "%s", archive_entry_pathname(ae));
        e[n].len = (size_t)archive_entry_size(ae);
        e[n].data = calloc(1, e[n].len + 1);
        archive_read_data(a, e[n].data, e[n].len);
        n++;
    }
    archive_read_free(a);
    return n;
}

static void free_entries(struct entry *e, int n)
{
    for (int i = 0; i < n; i++)
        free(e[i].data);
}

static const struct entry *get(const struct entry *e, int n, const char *name)
{
    char full[300];
    snprintf(full, sizeof full, "stresswsl-bundle/%s", name);
    for (int i = 0; i < n; i++)
        if (!strcmp(e[i].name, full))
            return &e[i];
    return NULL;
}

/* Case-insensitive, as a whole word when the needle starts/ends with a word character; binary-safe. */
static bool has_word(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (strncasecmp(data + i, needle, n))
            continue;
        bool wb = isalnum((unsigned char)needle[0]) && i > 0 && (isalnum((unsigned char)data[i - 1]) || data[i - 1] == '_');
        bool wa = isalnum((unsigned char)needle[n - 1]) && i + n < len &&
                  (isalnum((unsigned char)data[i + n]) || data[i + n] == '_');
        if (!wb && !wa)
            return true;
    }
    return false;
}

static bool has(const struct entry *en, const char *needle)
{
    return en && has_word(en->data, en->len, needle);
}

static char g_dir[64];

static void write_file(const char *rel, const void *data, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", g_dir, rel);
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

static void mkdir_in(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", g_dir, rel);
    CHECK(sw_mkdir_p(p, 0755) == 0);
}

/* The identifiers planted below, in every kind of file; none may be in the archive. */
static const char *const k_planted[] = {
    "carolyn", "Carol Danvers", "vm", "DESKTOP-Q7K2M9X", "00:15:5d:aa:bb:cc", "172.20.31.7", "10.255.255.254",
    "fe80::215:5dff:fe9a:1c2b", "3f1e0a9c8d7b4e2f9a6c5b4d3e2f1a0b", "8b0d5c1e-4a7f-4f3e-9c2d-1e0f3a5b7c9d",
    "4c4c4544-0047-5a10-8052-b4c04f505a33", "5CG1234XYZ", "S-1-5-21-1004336348-1177238915-682003330-1001",
    "PF2ABCDE", NULL,
};
#define MACHINE_ID "3f1e0a9c8d7b4e2f9a6c5b4d3e2f1a0b"
#define BOOT_ID "8b0d5c1e-4a7f-4f3e-9c2d-1e0f3a5b7c9d"
#define BUG_LINE "BUG: kernel NULL pointer dereference, address: 0000000000000008"

static json_t *planted_report(const char *status)
{
    json_t *f = tf_facts("GenuineIntel", "13th Gen Intel(R) Core(TM) i9-13900K", "0xb0671", 6, 183, "0x12f", NULL,
                         "wsl2");
    json_object_set_new(f, "wsl", json_pack("{s:{s:s,s:s,s:s}}", "wslconfig", "value", "memory=8GB", "source", "host",
                                            "raw", "C:\\Users\\Carol Danvers\\.wslconfig"));
    json_t *r = tf_report(f, "[{\"type\": \"kernel\", \"severity\": \"fatal\", \"text\": \"" BUG_LINE
                             " on vm (172.20.31.7)\"}]",
                          1200, status, "null");
    json_t *run = json_object_get(r, "run");
    json_object_set_new(run, "run_dir", json_string("/home/carolyn/.local/state/stresswsl/runs/x"));
    json_object_set_new(run, "boot_id", json_string(BOOT_ID));
    json_object_set_new(run, "command", json_string("stresswsl --profile compile # on DESKTOP-Q7K2M9X, nic 00:15:5d:aa:bb:cc"));
    json_object_set_new(r, "verdict", json_pack("{s:s,s:s}", "status", "unstable", "summary", "Kernel NULL dereference on vm."));
    return r;
}

static void write_report(const char *rel_dir, const char *status)
{
    json_t *r = planted_report(status);
    char *s = json_dumps(r, JSON_INDENT(2));
    char p[300];
    snprintf(p, sizeof p, "%s/report.json", rel_dir);
    write_file(p, s, strlen(s));
    free(s);
    json_decref(r);
}

/* A journal as the runner writes it (core/journal's API), left without an end record (a crash). */
static void write_journal(const char *rel_dir, const char *id, uint32_t capacity, bool corrupt_one)
{
    char dir[300], path[400];
    snprintf(dir, sizeof dir, "%s/%s", g_dir, rel_dir);
    snprintf(path, sizeof path, "%s/journal", dir);
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, capacity);
    sw_strlcpy(h.f.run_id, id, sizeof h.f.run_id);
    sw_strlcpy(h.f.boot_id, BOOT_ID, sizeof h.f.boot_id);
    sw_strlcpy(h.f.profile, "compile", sizeof h.f.profile);
    sw_strlcpy(h.f.tmp_root, "/home/carolyn/.local/state/stresswsl/runs/x/tmp", sizeof h.f.tmp_root);
    sw_strlcpy(h.f.env, "kernel 5.15.167.4-microsoft-standard-WSL2, host vm, 13th Gen Intel(R) Core(TM) i9-13900K",
               sizeof h.f.env);
    sw_strlcpy(h.f.plan, "compile x8 on vm (carolyn)", sizeof h.f.plan);
    h.f.start_real_ns = 1763900000ull * 1000000000ull;
    h.f.nphases = 1;
    sw_strlcpy(h.f.phase_names[0], "full", 32);
    h.f.nwl = 1;
    sw_strlcpy(h.f.wl[0].name, "compile", sizeof h.f.wl[0].name);
    struct sw_journal j;
    struct sw_diag d;
    CHECK_MSG(sw_journal_create(&j, path, NULL, &h, &d) == 0, "%s", d.msg);
    struct sw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_EV_KERNEL;
    ev.sev = SW_SEV_FATAL;
    ev.workload = -1;
    sw_strlcpy(ev.what, "null_deref", sizeof ev.what);
    sw_strlcpy(ev.text, BUG_LINE " carolyn@vm 172.20.31.7 fe80::215:5dff:fe9a:1c2b", sizeof ev.text);
    sw_strlcpy(ev.u.klog.task, "cc1", sizeof ev.u.klog.task);
    sw_strlcpy(ev.u.klog.symbols, "__schedule do_exit", sizeof ev.u.klog.symbols);
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 1, false);
    for (int k = 0; k < 3; k++) {
        memset(&ev, 0, sizeof ev);
        ev.workload = -1;
        sw_strlcpy(ev.what, "heartbeat", sizeof ev.what);
        sw_journal_append(&j, SW_JREC_HEARTBEAT, &ev, 2 + (uint64_t)k, false);
    }
    memset(&ev, 0, sizeof ev);
    ev.type = SW_EV_NOTE;
    sw_strlcpy(ev.text, "torn record from DESKTOP-Q7K2M9X, MachineGuid 3f1e0a9c8d7b4e2f9a6c5b4d3e2f1a0b", sizeof ev.text);
    sw_journal_append(&j, SW_JREC_EVENT, &ev, 9, false);
    sw_journal_close(&j);
    if (corrupt_one) {   /* the last record torn: its CRC no longer holds */
        FILE *f = fopen(path, "r+b");
        if (f) {
            fseek(f, (long)(SW_JOURNAL_HDR_SIZE + 4 * SW_JOURNAL_REC_SIZE + 20), SEEK_SET);
            fputc(0x5a, f);
            fclose(f);
        }
    }
}

static void setup_state(void)
{
    snprintf(g_dir, sizeof g_dir, "/var/tmp/sw-bundle-XXXXXX");   /* journals refuse tmpfs */
    CHECK(mkdtemp(g_dir) != NULL);
    /* Three complete runs (the oldest must be left out), two abrupt runs. */
    const char *done[] = {"runs/20261120-100000-aaaa", "runs/20261121-100000-bbbb", "runs/20261122-100000-cccc"};
    for (int i = 0; i < 3; i++) {
        mkdir_in(done[i]);
        write_report(done[i], "completed");
    }
    mkdir_in("runs/20261123-100000-dddd");   /* only a journal: killed */
    write_journal("runs/20261123-100000-dddd", "20261123-100000-dddd", 64, true);
    mkdir_in("runs/20261123-200000-dead");   /* a journal cut to 100 bytes: still crash evidence */
    write_file("runs/20261123-200000-dead/journal", "SWJRNL01 cut short on vm by carolyn", 35);
    mkdir_in("runs/20261124-100000-eeee/tmp");   /* recovered: an abrupt report and its journal */
    write_journal("runs/20261124-100000-eeee", "20261124-100000-eeee", 64, false);
    write_report("runs/20261124-100000-eeee", "abrupt");
    const char *notes = "worker notes from carolyn@vm, ip 10.255.255.254, DMI: HP HP EliteBook 840 G8 PF2ABCDE/880D, "
                        "BIOS T37 Ver. 01.10.00 09/01/2023\n";
    write_file("runs/20261124-100000-eeee/notes.txt", notes, strlen(notes));
    write_file("runs/20261124-100000-eeee/core.bin", "\x7f" "ELF\0\0\0carolyn", 14);
    char p[300];
    snprintf(p, sizeof p, "%s/runs/20261124-100000-eeee/passwd", g_dir);
    CHECK(symlink("/etc/passwd", p) == 0);   /* never followed */
    snprintf(p, sizeof p, "%s/runs/20261124-100000-eeee/pipe", g_dir);
    CHECK(mkfifo(p, 0600) == 0);   /* never opened: reading it would block */
    /* Runs made with --out, listed in external-runs, and entries that must be refused. */
    mkdir_in("out/carolyn-before");
    write_report("out/carolyn-before", "completed");
    mkdir_in("out/not-a-run");
    mkdir_in("out/foreign");
    write_report("out/foreign", "completed");
    snprintf(p, sizeof p, "%s/out/foreign", g_dir);
    if (geteuid() == 0)   /* someone else's directory: only root can make one */
        CHECK(chown(p, 65534, 65534) == 0);
    char link[300];
    snprintf(link, sizeof link, "%s/out/link", g_dir);
    snprintf(p, sizeof p, "%s/out/carolyn-before", g_dir);
    CHECK(symlink(p, link) == 0);
    char ext[2048];
    snprintf(ext, sizeof ext, "%s/out/carolyn-before\n%s/out/not-a-run\n%s/out/foreign\n%s/out/link\nrelative/x\n",
             g_dir, g_dir, g_dir, g_dir);
    write_file("external-runs", ext, strlen(ext));
}

static void cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    CHECK(system(cmd) == 0);
}

static const char *const k_users[] = {"carolyn", "Carol Danvers", NULL}, *const k_hosts[] = {"vm", NULL},
                        *const k_ids[] = {MACHINE_ID, BOOT_ID, NULL};

static int make(struct sw_bundle_input *in, struct entry *e, int max, json_t **manifest)
{
    json_t *probe = json_pack("{s:i,s:{s:{s:s,s:s},s:{s:s,s:s}},s:{s:{s:s,s:s},s:{s:s,s:s}},s:{s:{s:s,s:s},s:{s:s,s:s}}}",
                              "schema_version", 1, "cpu", "brand", "value", "13th Gen Intel(R) Core(TM) i9-13900K",
                              "source", "cpuid", "microcode", "value", "0x12f", "source", "cpuinfo", "firmware",
                              "bios_version", "value", "1402", "source", "host-wmi", "product_uuid", "value",
                              "4c4c4544-0047-5a10-8052-b4c04f505a33", "source", "dmi", "host", "hostname", "value", "vm",
                              "source", "uname", "machine_id", "value", MACHINE_ID, "source", "/etc/machine-id");
    json_t *host = json_pack("[{s:s,s:i,s:s},{s:s,s:s}]", "kind", "guest_crash", "id", 18590, "message",
                             "Computer: DESKTOP-Q7K2M9X\nGuest message: [ 712.55] " BUG_LINE, "kind", "whea", "message",
                             "<Security UserID=\"S-1-5-21-1004336348-1177238915-682003330-1001\"/> on 172.20.31.7");
    in->probe = probe;
    in->host_evidence = host;
    in->kmsg = "<6>[    0.000000] Linux version 5.15.167.4-microsoft-standard-WSL2 (root@vm) (gcc 11.2.0)\n"
               "<6>[    0.000000] DMI: HP HP EliteBook 840 G8 Notebook PC 5CG1234XYZ/880D, BIOS T37 Ver. 01.10.00 09/01/2023\n"
               "<4>[   12.000000] carolyn@vm: eth0 00:15:5d:aa:bb:cc 172.20.31.7 fe80::215:5dff:fe9a:1c2b link up\n"
               "<1>[  712.550000] " BUG_LINE "\n";
    in->known_users = k_users;
    in->known_hosts = k_hosts;
    in->known_ids = k_ids;
    in->created = "2026-11-23T15:00:00Z";
    char out[128];
    snprintf(out, sizeof out, "%s/bundle.tar.gz", g_dir);
    struct sw_diag d = {0};
    int rc = sw_bundle_write(in, out, manifest, &d);
    CHECK_MSG(rc == 0, "%s", d.msg);
    json_decref(probe);
    json_decref(host);
    int n = read_archive(out, e, max);
    unlink(out);
    char cmd[300];   /* no temporary file left next to it */
    snprintf(cmd, sizeof cmd, "ls %s | grep -q bundle.tar.gz", g_dir);
    CHECK(system(cmd) != 0);
    return n;
}

/* The journal in the archive still reads: header and intact records keep a valid CRC, the torn one
 * does not, and the text fields hold placeholders and the error text. */
static void check_journal(const struct entry *j, bool torn)
{
    CHECK(j && j->len == SW_JOURNAL_HDR_SIZE + 64 * SW_JOURNAL_REC_SIZE);
    if (!j)
        return;
    char path[200];
    snprintf(path, sizeof path, "%s/journal-copy", g_dir);
    write_file("journal-copy", j->data, j->len);
    int fd = open(path, O_RDONLY);
    struct sw_journal_hdr h;
    CHECK_INT(sw_journal_read_hdr(fd, &h), 0);
    CHECK_MSG(!strncmp(h.f.boot_id, "uuid-", 5), "%s", h.f.boot_id);
    CHECK_MSG(strstr(h.f.env, "5.15.167.4-microsoft-standard-WSL2") && strstr(h.f.env, "host host-"), "%s", h.f.env);
    CHECK_MSG(strstr(h.f.tmp_root, "/home/user-") != NULL, "%s", h.f.tmp_root);
    struct sw_jrec rec;
    CHECK_INT(sw_journal_read_rec(fd, &h, 0, &rec), 1);
    CHECK_MSG(strstr(rec.b.ev.text, BUG_LINE) && strstr(rec.b.ev.text, "user-") && strstr(rec.b.ev.text, "ipv4-"),
              "%s", rec.b.ev.text);
    CHECK_STR(rec.b.ev.u.klog.symbols, "__schedule do_exit");
    CHECK_INT(sw_journal_read_rec(fd, &h, 3, &rec), 1);
    CHECK_INT(sw_journal_read_rec(fd, &h, 4, &rec), torn ? -EBADMSG : 1);
    close(fd);
    unlink(path);
}

static void test_planted_identifiers_gone_facts_kept(void)
{
    setup_state();
    static struct entry e[MAX_ENTRIES];
    json_t *manifest = NULL;
    struct sw_bundle_input in = {.state_dir = g_dir, .redact = true, .latest_runs = 2};
    int n = make(&in, e, MAX_ENTRIES, &manifest);
    const char *want[] = {"MANIFEST", "probe.json", "kmsg.txt", "host-evidence.json",
                          "runs/20261122-100000-cccc/report.json", "runs/20261122-100000-cccc/report.md",
                          "runs/20261122-100000-cccc/report.html", "runs/20261121-100000-bbbb/report.json",
                          "runs/20261123-100000-dddd/journal", "runs/20261124-100000-eeee/journal",
                          "runs/20261123-200000-dead/journal",
                          "runs/20261124-100000-eeee/report.json", "runs/20261124-100000-eeee/report.md",
                          "runs/20261124-100000-eeee/notes.txt", "out-runs/user-1-before/report.json",
                          "out-runs/user-1-before/report.html", NULL};
    for (const char **w = want; *w; w++)
        CHECK_MSG(get(e, n, *w) != NULL, "missing %s", *w);
    CHECK(get(e, n, "runs/20261120-100000-aaaa/report.json") == NULL);   /* only the latest 2 + abrupt */
    for (int i = 0; i < n; i++) {
        CHECK_MSG(!strstr(e[i].name, "passwd") && !strstr(e[i].name, "core.bin") &&
                      (geteuid() != 0 || !strstr(e[i].name, "foreign")),
                  "%s must not be carried", e[i].name);
        CHECK_MSG(!has(&e[i], "root:x:0:0"), "a symlink was followed into %s", e[i].name);
        for (const char *const *s = k_planted; *s; s++)
            CHECK_MSG(!has(&e[i], *s), "'%s' survived in %s", *s, e[i].name);
    }
    /* What a support engineer needs is still there. */
    CHECK(has(get(e, n, "probe.json"), "13th Gen Intel(R) Core(TM) i9-13900K") && has(get(e, n, "probe.json"), "0x12f") &&
          has(get(e, n, "probe.json"), "1402"));
    CHECK(has(get(e, n, "kmsg.txt"), "Linux version 5.15.167.4-microsoft-standard-WSL2") &&
          has(get(e, n, "kmsg.txt"), "BIOS T37 Ver. 01.10.00 09/01/2023") && has(get(e, n, "kmsg.txt"), BUG_LINE) &&
          has(get(e, n, "kmsg.txt"), "HP EliteBook 840 G8"));
    CHECK(has(get(e, n, "host-evidence.json"), BUG_LINE));
    const struct entry *md = get(e, n, "runs/20261122-100000-cccc/report.md");
    CHECK(has(md, "13th Gen Intel(R) Core(TM) i9-13900K") && has(md, "replaced by `user-N`"));
    CHECK(has(get(e, n, "runs/20261122-100000-cccc/report.html"), "13th Gen Intel(R) Core(TM) i9-13900K"));
    CHECK(has(get(e, n, "runs/20261122-100000-cccc/report.json"), "\"redacted\""));
    check_journal(get(e, n, "runs/20261123-100000-dddd/journal"), true);
    /* ...and decoded for readers without stresswsl: the error text, the torn slot named. */
    const struct entry *jj = get(e, n, "runs/20261123-100000-dddd/journal.json");
    json_t *dec = jj ? json_loadb(jj->data, jj->len, 0, NULL) : NULL;
    CHECK(dec && json_array_size(json_object_get(dec, "records")) == 4);
    CHECK(dec && json_integer_value(json_array_get(json_object_get(dec, "corrupt_slots"), 0)) == 4);
    CHECK(has(jj, BUG_LINE) && has(jj, "\"plan\": \"compile x8 on host-"));
    json_decref(dec);
    check_journal(get(e, n, "runs/20261124-100000-eeee/journal"), false);
    /* The MANIFEST says what was replaced, per kind with counts, what was kept, and what was left out. */
    const struct entry *mf = get(e, n, "MANIFEST");
    const char *says[] = {"Redaction: ON", "user name:", "host name:", "MAC address:", "IPv4 address:", "IPv6 address:",
                          "UUID (boot_id, product_uuid, ...):", "machine id or other 32-hex id", "serial number:", "Windows SID:",
                          "occurrence(s)", "Kept on purpose", "Journals (3, binary)", "DAMAGED", "1 torn or corrupt",
                          "core.bin: a binary file of unknown format", "passwd: a symlink", "pipe: not a regular file",
                          geteuid() == 0 ? "not by you" : "not a stresswsl run directory",
                          "not a stresswsl run directory", "is a symlink", "not absolute paths", NULL};
    for (const char **s = says; *s; s++)
        CHECK_MSG(has(mf, *s), "MANIFEST lacks '%s':\n%.*s", *s, mf ? (int)mf->len : 0, mf ? mf->data : "");
    CHECK(json_array_size(json_object_get(manifest, "redacted")) >= 8);
    json_decref(manifest);
    free_entries(e, n);

    /* --no-redact keeps the values and says so. */
    struct sw_bundle_input raw = {.state_dir = g_dir, .redact = false};
    n = make(&raw, e, MAX_ENTRIES, NULL);
    CHECK(has(get(e, n, "kmsg.txt"), "carolyn@vm"));
    CHECK(has(get(e, n, "MANIFEST"), "Redaction: OFF"));
    free_entries(e, n);

    /* bundle RUN_DIR...: those runs only. */
    char a[200], b[200];
    snprintf(a, sizeof a, "%s/out/carolyn-before", g_dir);
    snprintf(b, sizeof b, "%s/runs/20261123-100000-dddd", g_dir);
    const char *dirs[] = {a, b, NULL};
    struct sw_bundle_input given = {.state_dir = g_dir, .run_dirs = dirs, .redact = true};
    n = make(&given, e, MAX_ENTRIES, NULL);
    CHECK(get(e, n, "runs/user-1-before/report.json") && get(e, n, "runs/20261123-100000-dddd/journal"));
    CHECK(!get(e, n, "runs/20261122-100000-cccc/report.json"));
    free_entries(e, n);
    cleanup();
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Ten crashed runs with full-size (4 MiB) journals: seconds, not the hang of one regex compile per
 * NUL-separated string (the bound is a hang guard, not a performance claim). */
static void test_ten_crashed_runs_bundle_quickly(void)
{
    snprintf(g_dir, sizeof g_dir, "/var/tmp/sw-bundle-XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    for (int i = 0; i < 10; i++) {
        char rel[100], id[40];
        snprintf(id, sizeof id, "20261125-1000%02d-ffff", i);
        snprintf(rel, sizeof rel, "runs/%s", id);
        mkdir_in(rel);
        write_journal(rel, id, SW_JOURNAL_DEFAULT_CAP, i % 2 == 0);
    }
    static struct entry e[MAX_ENTRIES];
    struct sw_bundle_input in = {.state_dir = g_dir, .redact = true};
    double t0 = now_s();
    int n = make(&in, e, MAX_ENTRIES, NULL);
    double dt = now_s() - t0;
    CHECK_MSG(dt < 30, "bundling 10 crashed runs took %.1f s", dt);
    int journals = 0;
    for (int i = 0; i < n; i++) {
        journals += strlen(e[i].name) > 8 && !strcmp(e[i].name + strlen(e[i].name) - 8, "/journal");
        for (const char *const *s = k_planted; *s; s++)
            CHECK_MSG(!has(&e[i], *s), "'%s' survived in %s", *s, e[i].name);
    }
    CHECK_INT(journals, 10);
    printf("10 crashed runs (4 MiB journals): %.2f s\n", dt);
    free_entries(e, n);
    cleanup();
}

static void test_bad_out_and_run_dirs(void)
{
    snprintf(g_dir, sizeof g_dir, "/var/tmp/sw-bundle-XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    struct sw_bundle_input in = {.state_dir = g_dir, .probe_note = "probe failed: test", .kmsg_note = "cannot read /dev/kmsg: test",
                                 .redact = true};
    char out[128];
    snprintf(out, sizeof out, "%s/b.tar.gz", g_dir);
    struct sw_diag d = {0};
    json_t *m = NULL;
    mode_t old_mask = umask(022);   /* the usual one: a file is world-readable unless made private */
    CHECK(sw_bundle_write(&in, out, &m, &d) == 0);
    umask(old_mask);
    struct stat st;
    /* The archive is for a support ticket (with --no-redact it holds names and serials): 0600, as
     * before the atomic-write helper made every new file 0644. */
    CHECK_MSG(stat(out, &st) == 0 && (st.st_mode & 077) == 0, "bundle mode %o", (unsigned)(st.st_mode & 0777));
    static struct entry e[8];
    int n = read_archive(out, e, 8);
    CHECK_INT(n, 1);
    CHECK(n == 1 && has(&e[0], "kmsg.txt: cannot read /dev/kmsg: test") && has(&e[0], "probe.json: probe failed: test"));
    free_entries(e, n);
    json_decref(m);
    unlink(out);
    /* --out: the reason and the path, before anything is collected. */
    CHECK_INT(sw_bundle_write(&in, "/nonexistent-dir/b.tar.gz", NULL, &d), -ENOENT);
    CHECK_MSG(strstr(d.msg, "/nonexistent-dir/b.tar.gz") && strstr(d.msg, strerror(ENOENT)), "%s", d.msg);
    CHECK_INT(sw_bundle_check_out(g_dir, &d), -EISDIR);
    CHECK_MSG(strstr(d.msg, g_dir) && strstr(d.msg, strerror(EISDIR)), "%s", d.msg);
    CHECK_INT(sw_bundle_check_out(out, &d), 0);
    CHECK(access(out, F_OK) != 0);
    /* RUN_DIR: a symlink, someone else's directory, a directory without a run, a missing one. */
    char p[200], link[200];
    snprintf(p, sizeof p, "%s/r", g_dir);
    mkdir(p, 0755);
    CHECK_INT(sw_bundle_check_run_dir(p, &d), -ENOENT);
    CHECK_MSG(strstr(d.msg, "not a stresswsl run directory"), "%s", d.msg);
    write_file("r/report.json", "{\"schema_version\": 1}", 21);
    CHECK_INT(sw_bundle_check_run_dir(p, &d), 0);
    snprintf(link, sizeof link, "%s/l", g_dir);
    CHECK(symlink(p, link) == 0);
    CHECK_INT(sw_bundle_check_run_dir(link, &d), -ELOOP);
    CHECK_MSG(strstr(d.msg, "symlink"), "%s", d.msg);
    if (geteuid() == 0) {
        CHECK(chown(p, 65534, 65534) == 0);
        CHECK_INT(sw_bundle_check_run_dir(p, &d), -EPERM);
        CHECK_MSG(strstr(d.msg, "not by you"), "%s", d.msg);
    }
    snprintf(p, sizeof p, "%s/missing", g_dir);
    CHECK_INT(sw_bundle_check_run_dir(p, &d), -ENOENT);
    CHECK_MSG(strstr(d.msg, p), "%s", d.msg);
    /* A report with nothing to replace says that redaction ran, not that it did not. */
    mkdir_in("clean");
    json_t *r = tf_report(tf_facts("GenuineIntel", "13th Gen Intel(R) Core(TM) i9-13900K", "0xb0671", 6, 183, "0x12f",
                                   NULL, "wsl2"),
                          "[]", 1200, "completed", "null");
    char *js = json_dumps(r, 0);
    write_file("clean/report.json", js, strlen(js));
    free(js);
    json_decref(r);
    snprintf(p, sizeof p, "%s/clean", g_dir);
    const char *dirs[] = {p, NULL};
    struct sw_bundle_input clean = {.run_dirs = dirs, .redact = true};
    CHECK_MSG(sw_bundle_write(&clean, out, NULL, &d) == 0, "%s", d.msg);
    n = read_archive(out, e, 8);
    CHECK(has(get(e, n, "runs/clean/report.md"), "nothing to replace was found"));
    CHECK(has(get(e, n, "runs/clean/report.html"), "nothing to replace was found"));
    CHECK(has(get(e, n, "MANIFEST"), "nothing matched"));
    free_entries(e, n);
    cleanup();
}

/* Journals cut anywhere, with a valid header over random records, or random through and through:
 * bounded, no crash (the sanitizer build runs this too), and a planted name is gone everywhere. */
static void test_hostile_journals(void)
{
    const size_t sizes[] = {0, 7, 4095, 4096, 4097, 4096 + 511, 4096 + 512 * 3 + 100, 4096 + 512 * 64};
    unsigned seed = 12345;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (int variant = 0; variant < 3; variant++) {
            size_t len = sizes[k];
            unsigned char *buf = malloc(len + 1);
            for (size_t i = 0; i < len; i++)
                buf[i] = variant == 2 ? 0 : (unsigned char)rand_r(&seed);
            for (size_t at = 3; at + 8 < len; at += 997)
                memcpy(buf + at, " carolyn", 8);
            if (variant >= 1 && len >= SW_JOURNAL_HDR_SIZE) {   /* a valid header, records random or empty */
                struct sw_journal_hdr h;
                sw_journal_hdr_init(&h, 0xffffffffu);   /* a capacity the file does not have */
                sw_strlcpy(h.f.plan, "plan of carolyn", sizeof h.f.plan);
                h.f.crc = sw_crc32(0, h.raw, offsetof(struct sw_journal_hdr_fields, crc));
                memcpy(buf, &h, sizeof h);
            }
            struct sw_redactor *r = sw_redactor_new();
            sw_redact_add(r, SW_REDACT_USER, "carolyn");
            struct sw_journal_stats st = {0};
            sw_bundle_journal_learn(r, (const char *)buf, len);
            sw_bundle_journal_redact(r, buf, len, &st);
            CHECK_MSG(!has_word((const char *)buf, len, "carolyn"), "size %zu variant %d", len, variant);
            CHECK_INT(st.journals, 1);
            CHECK_INT(st.unreadable_hdr, variant >= 1 && len >= SW_JOURNAL_HDR_SIZE ? 0 : 1);
            sw_redactor_free(r);
            free(buf);
        }
    }
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"planted_identifiers_gone_facts_kept", test_planted_identifiers_gone_facts_kept},
        {"ten_crashed_runs_bundle_quickly", test_ten_crashed_runs_bundle_quickly},
        {"bad_out_and_run_dirs", test_bad_out_and_run_dirs},
        {"hostile_journals", test_hostile_journals},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
