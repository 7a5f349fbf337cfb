/* bundle: the archive lists what it should (probe, kmsg, host evidence, latest reports re-rendered,
 * the journal of an abrupt run, MANIFEST) and no secret survives redaction in any entry. */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/bundle.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

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

static const struct entry *get(const struct entry *e, int n, const char *name)
{
    char full[300];
    snprintf(full, sizeof full, "stresswsl-bundle/%s", name);
    for (int i = 0; i < n; i++)
        if (!strcmp(e[i].name, full))
            return &e[i];
    return NULL;
}

static bool has(const struct entry *en, const char *needle)
{
    if (!en)
        return false;
    for (size_t i = 0; i + strlen(needle) <= en->len; i++)
        if (!strncasecmp(en->data + i, needle, strlen(needle)))
            return true;
    return false;
}

static char g_dir[64];

static void write_text(const char *rel, const char *text, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", g_dir, rel);
    FILE *f = fopen(p, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
}

static void setup_state(void)
{
    sw_test_tmpdir(g_dir, sizeof g_dir, "sw-bundle");
    char p[256];
    snprintf(p, sizeof p, "%s/runs", g_dir);
    mkdir(p, 0755);
    const char *ids[] = {"20261120-100000-aaaa", "20261121-100000-bbbb", "20261122-100000-cccc",
                         "20261123-100000-dddd"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/runs/%s", g_dir, ids[i]);
        mkdir(p, 0755);
    }
    /* Three complete runs (the oldest must be left out) and one abrupt run with only a journal. */
    for (int i = 0; i < 3; i++) {
        json_t *f = tf_facts("GenuineIntel", "13th Gen Intel(R) Core(TM) i9-13900K", "0xb0671", 6, 183, "0x123", NULL, "wsl2");
        json_object_set_new(f, "wsl", json_pack("{s:{s:{s:s},s:s,s:s}}", "wslconfig", "value", "memory", "8GB", "source",
                                                "host", "raw", "C:\\Users\\Carol Danvers\\.wslconfig"));
        json_t *r = tf_report(f, "[]", 1200, "completed", "null");
        json_object_set_new(json_object_get(r, "run"), "run_dir", json_string("/home/carolyn/.local/state/stresswsl/runs/x"));
        json_object_set_new(json_object_get(r, "run"), "command", json_string("stresswsl --profile compile # on CAROL-PC, nic 00:15:5d:aa:bb:cc"));
        json_object_set_new(r, "verdict", json_pack("{s:s,s:s}", "status", "stable", "summary", "Stable: no errors."));
        char *s = json_dumps(r, JSON_INDENT(2));
        snprintf(p, sizeof p, "runs/%s/report.json", ids[i]);
        write_text(p, s, strlen(s));
        free(s);
        json_decref(r);
    }
    unsigned char journal[1024] = {0};
    memcpy(journal + 100, "cc1 crashed in /home/carolyn/src", 32);
    memcpy(journal + 600, "CAROL-PC", 8);
    snprintf(p, sizeof p, "runs/%s/journal.bin", ids[3]);
    write_text(p, (const char *)journal, sizeof journal);
}

static void cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    CHECK(system(cmd) == 0);
}

static int make(bool redact, struct entry *e, int max, json_t **manifest)
{
    json_t *probe = json_pack("{s:i,s:{s:{s:s,s:s}},s:{s:{s:s,s:s}}}", "schema_version", 1, "cpu", "brand", "value",
                              "13th Gen Intel(R) Core(TM) i9-13900K", "source", "cpuid", "firmware", "bios_version",
                              "value", "1402", "source", "host-wmi");
    json_t *host = json_pack("[{s:s,s:i,s:s}]", "kind", "guest_crash", "id", 18590, "message",
                             "Computer: CAROL-PC\nGuest message: [ 712.55] BUG: kernel NULL pointer dereference");
    const char *users[] = {"carolyn", NULL}, *hosts[] = {"carol-pc", NULL};
    struct sw_bundle_input in = {
        .state_dir = g_dir, .probe = probe, .host_evidence = host,
        .kmsg = "<6>[    0.000000] Linux version 5.15.167.4-microsoft-standard-WSL2 (root@buildhost)\n"
                "<4>[   12.000000] carolyn@CAROL-PC: eth0 00:15:5d:aa:bb:cc link up\n",
        .redact = redact, .known_users = users, .known_hosts = hosts, .latest_runs = 2, .created = "2026-11-23T15:00:00Z",
    };
    char out[128];
    snprintf(out, sizeof out, "%s/bundle.tar.gz", g_dir);
    struct sw_diag d = {{0}};
    int rc = sw_bundle_write(&in, out, manifest, &d);
    CHECK_MSG(rc == 0, "%s", d.msg);
    json_decref(probe);
    json_decref(host);
    int n = read_archive(out, e, max);
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    CHECK(access(tmp, F_OK) != 0);   /* no temporary file left */
    unlink(out);
    return n;
}

static void test_listing_and_redaction(void)
{
    setup_state();
    struct entry e[64];
    json_t *manifest = NULL;
    int n = make(true, e, 64, &manifest);
    CHECK(n >= 10);
    const char *want[] = {"MANIFEST", "probe.json", "kmsg.txt", "host-evidence.json",
                          "runs/20261122-100000-cccc/report.json", "runs/20261122-100000-cccc/report.md",
                          "runs/20261122-100000-cccc/report.html", "runs/20261121-100000-bbbb/report.json",
                          "runs/20261123-100000-dddd/journal.bin", NULL};
    for (const char **w = want; *w; w++)
        CHECK_MSG(get(e, n, *w) != NULL, "missing %s", *w);
    CHECK(get(e, n, "runs/20261120-100000-aaaa/report.json") == NULL);   /* only the latest 2 + abrupt */
    const char *secrets[] = {"carolyn", "Carol Danvers", "CAROL-PC", "00:15:5d:aa:bb:cc", NULL};
    for (int i = 0; i < n; i++)
        for (const char **s = secrets; *s; s++)
            CHECK_MSG(!has(&e[i], *s), "'%s' survived in %s", *s, e[i].name);
    const struct entry *j = get(e, n, "runs/20261123-100000-dddd/journal.bin");
    CHECK(j && j->len == 1024);   /* masked in place, same size */
    const struct entry *mf = get(e, n, "MANIFEST");
    CHECK(has(mf, "Redaction: ON") && has(mf, "user name:") && has(mf, "host name:") && has(mf, "MAC address:") &&
          has(mf, "masked in place") && has(mf, "runs/20261123-100000-dddd/journal.bin"));
    CHECK(has(get(e, n, "runs/20261122-100000-cccc/report.md"), "replaced by `user-N`"));
    CHECK(has(get(e, n, "runs/20261122-100000-cccc/report.json"), "\"redacted\""));
    CHECK(has(get(e, n, "kmsg.txt"), "Linux version 5.15.167.4-microsoft-standard-WSL2"));
    CHECK(json_array_size(json_object_get(manifest, "redacted")) >= 3);
    json_decref(manifest);
    for (int i = 0; i < n; i++)
        free(e[i].data);

    /* --no-redact keeps the values and says so. */
    n = make(false, e, 64, NULL);
    CHECK(has(get(e, n, "kmsg.txt"), "carolyn@CAROL-PC"));
    CHECK(has(get(e, n, "MANIFEST"), "Redaction: OFF"));
    for (int i = 0; i < n; i++)
        free(e[i].data);
    cleanup();
}

static void test_missing_inputs_are_listed(void)
{
    sw_test_tmpdir(g_dir, sizeof g_dir, "sw-bundle");
    struct sw_bundle_input in = {.state_dir = g_dir, .probe_note = "probe failed: test", .kmsg_note = "cannot read /dev/kmsg: test",
                                 .redact = true};
    char out[128];
    snprintf(out, sizeof out, "%s/b.tar.gz", g_dir);
    struct sw_diag d = {{0}};
    json_t *m = NULL;
    CHECK(sw_bundle_write(&in, out, &m, &d) == 0);
    struct entry e[8];
    int n = read_archive(out, e, 8);
    CHECK_INT(n, 1);
    CHECK(n == 1 && has(&e[0], "kmsg.txt: cannot read /dev/kmsg: test") && has(&e[0], "probe.json: probe failed: test"));
    for (int i = 0; i < n; i++)
        free(e[i].data);
    json_decref(m);
    unlink(out);
    CHECK(sw_bundle_write(&in, "/nonexistent-dir/b.tar.gz", NULL, &d) != 0 && strstr(d.msg, "/nonexistent-dir"));
    cleanup();
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"listing_and_redaction", test_listing_and_redaction},
        {"missing_inputs_are_listed", test_missing_inputs_are_listed},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
