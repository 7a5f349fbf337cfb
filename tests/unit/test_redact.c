/* Redaction: no user name, host name, serial number or MAC address present in the recorded host and
 * WSL fixtures survives, placeholders are consistent, and binary journals keep their size. */
#include <dirent.h>
#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <time.h>

#include "report/redact.h"
#include "tests/harness/check.h"

/* Found by reading shared/fixtures/host and shared/fixtures/wsl (*.txt): the personal values there. */
static const char *const k_secrets[] = {
    "ben", "BENHILL-DEV",                  /* host/binfmt-wslinterop.txt: ben@BENHILL-DEV:~$    */
    "Deethstar",                           /* host/hyperv-worker-18590-legacy-registers.txt       */
    "PGTXLxxxxxxxxx", "CZCxxxxxxx",        /* host/win32-bios-baseboard-wmi-hp.txt serials        */
    "/GZRxxxx/CNxxxxxxxxxxxx/", "GZRxxxx", /* host/win32-bios-baseboard-wmi-dell.txt serials      */
    "hwine",                               /* wsl/wsl-version-1.0.3.0.txt: C:\Users\hwine>        */
    "zcobol",                              /* wsl/wsl-status-and-version-1.1.2.0.txt              */
    "steven", "Abby-1", "jkp", "DESKTOP-DKG6ENQ", "DESKTOP-M4AP3T8", "me@",   /* custom kernels */
    NULL,
};

/* Case-insensitive whole-word search (a secret inside a longer word is not that secret). */
static bool contains_word(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = text; (p = strcasestr(p, w)); p++) {
        bool before = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool after = !(isalnum((unsigned char)p[n]) || p[n] == '_') || !isalnum((unsigned char)w[n - 1]);
        if (before && after)
            return true;
    }
    return false;
}

struct file {
    char name[256];
    char *text;
};

static int load_dir(const char *dir, struct file *files, int n, int max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        FILE *f = fopen(p, "rb");
        if (!f)
            continue;
        char *buf = calloc(1, 1 << 20);
        fread(buf, 1, (1 << 20) - 1, f);
        fclose(f);
        snprintf(files[n].name, sizeof files[n].name, "%s", e->d_name);
        files[n++].text = buf;
    }
    if (d)
        closedir(d);
    return n;
}

static void test_fixture_secrets_do_not_survive(void)
{
    struct file files[128];
    char host[1024], wsl[1024];
    snprintf(host, sizeof host, "%s", sw_test_fixture("host"));
    snprintf(wsl, sizeof wsl, "%s", sw_test_fixture("wsl"));
    int n = load_dir(host, files, 0, 128);
    n = load_dir(wsl, files, n, 128);
    CHECK(n > 20);
    /* Sanity: the secrets really are in the fixtures before redaction. */
    for (const char *const *s = k_secrets; *s; s++) {
        bool found = false;
        for (int i = 0; i < n; i++)
            found = found || contains_word(files[i].text, *s);
        CHECK_MSG(found, "fixture secret '%s' not found: update this list", *s);
    }
    struct sw_redactor *r = sw_redactor_new();
    for (int i = 0; i < n; i++)
        sw_redact_learn(r, files[i].text, strlen(files[i].text));
    regex_t mac;
    regcomp(&mac, "([0-9a-f]{2}[:-]){5}[0-9a-f]{2}", REG_EXTENDED | REG_ICASE | REG_NOSUB);
    for (int i = 0; i < n; i++) {
        char *out = sw_redact_text(r, files[i].text, strlen(files[i].text), NULL);
        CHECK(out != NULL);
        for (const char *const *s = k_secrets; out && *s; s++)
            CHECK_MSG(!contains_word(out, *s), "'%s' survived in %s", *s, files[i].name);
        CHECK_MSG(out && regexec(&mac, out, 0, NULL, 0) != 0, "a MAC address survived in %s", files[i].name);
        if (!strcmp(files[i].name, "binfmt-wslinterop.txt"))
            CHECK_MSG(out && strstr(out, "user-") && strstr(out, "@host-"), "%s", out);
        /* The Linux banner and the kernel names are not secrets: they must stay readable. */
        if (!strcmp(files[i].name, "proc-version-wsl2-custom-kernels.txt"))
            CHECK(out && strstr(out, "Linux version 4.19.104-microsoft-standard"));
        free(out);
        free(files[i].text);
    }
    regfree(&mac);
    json_t *sum = sw_redact_summary(r);
    CHECK(json_array_size(sum) >= 3);   /* users, hosts, serials */
    json_decref(sum);
    sw_redactor_free(r);
}

static void test_synthetic_values_and_consistency(void)
{
    struct sw_redactor *r = sw_redactor_new();
    sw_redact_add(r, SW_REDACT_USER, "alice");
    sw_redact_add(r, SW_REDACT_HOST, "alice-workstation");
    const char *in =
        "home /home/alice/src and /mnt/c/Users/Bob Smith/AppData, C:\\Users\\Bob Smith\\.wslconfig\n"
        "json \"path\": \"C:\\\\Users\\\\carol\\\\x\"\n"
        "eth0 link/ether 00:15:5d:a1:b2:c3 brd ff:ff:ff:ff:ff:ff\n"
        "ProductId    REG_SZ    00330-80000-00000-AA123\n"
        "<Security UserID=\"S-1-5-21-1004336348-1177238915-682003330-1001\"/>\n"
        "MachineGuid    REG_SZ    6f1c7b3e-1111-2222-3333-444455556666\n"
        "UUID : 4C4C4544-0047-5A10-8052-B4C04F505A33\n"
        "Computer: ALICE-WORKSTATION\n"
        "alice again, and alice-workstation, and not malice.\n";
    char *out = sw_redact_text(r, in, strlen(in), NULL);
    CHECK(out != NULL);
    if (!out)
        return;
    const char *gone[] = {"alice", "Bob Smith", "carol", "00:15:5d:a1:b2:c3", "00330-80000-00000-AA123",
                          "S-1-5-21-1004336348", "6f1c7b3e-1111", "4C4C4544-0047", "ALICE-WORKSTATION", NULL};
    for (const char **g = gone; *g; g++)
        CHECK_MSG(!contains_word(out, *g), "'%s' survived:\n%s", *g, out);
    CHECK_MSG(strstr(out, "/home/user-1/src") && strstr(out, "user-1 again") && strstr(out, "not malice"), "%s", out);
    CHECK_MSG(strstr(out, "C:\\Users\\user-2\\.wslconfig") && strstr(out, "/mnt/c/Users/user-2/AppData"), "%s", out);
    CHECK_MSG(strstr(out, "Computer: host-1") && strstr(out, "and host-1,"), "%s", out);
    CHECK(strstr(out, "brd ff:ff:ff:ff:ff:ff"));   /* the broadcast address identifies nobody */
    /* A second text gets the same placeholders for the same values. */
    const char *t2 = "user alice on ALICE-WORKSTATION";
    char *again = sw_redact_text(r, t2, strlen(t2), NULL);
    CHECK_MSG(again && !strcmp(again, "user user-1 on host-1"), "%s", again ? again : "(null)");
    free(again);
    free(out);
    sw_redactor_free(r);
}

static void test_binary_mask_keeps_length(void)
{
    struct sw_redactor *r = sw_redactor_new();
    sw_redact_add(r, SW_REDACT_USER, "carolyn");
    unsigned char rec[64] = {0};
    memcpy(rec + 3, "/home/carolyn/x", 15);
    memcpy(rec + 40, "carolyn", 7);
    CHECK_INT(sw_redact_bytes(r, rec, sizeof rec), 2);
    CHECK(memcmp(rec + 3, "/home/user-1*/x", 15) == 0);
    CHECK(memcmp(rec + 40, "user-1*", 7) == 0);
    CHECK(rec[0] == 0 && rec[63] == 0);
    sw_redactor_free(r);
}

static void test_harmless_values_kept(void)
{
    struct sw_redactor *r = sw_redactor_new();
    const char *t = "C:\\Users\\Public\\x /home/root SerialNumber : None\n";
    char *out = sw_redact_text(r, t, strlen(t), NULL);
    CHECK_MSG(out && strstr(out, "Public") && strstr(out, "root") && strstr(out, "None"), "%s", out ? out : "");
    free(out);
    sw_redactor_free(r);
}


/* The identifiers no label marks (addresses, ids, DMI serials, short host names) go; the facts a
 * support engineer needs (versions, CPU, microcode, BIOS, error text) stay. */
static void test_unlabelled_identifiers_and_kept_facts(void)
{
    struct sw_redactor *r = sw_redactor_new();
    sw_redact_add(r, SW_REDACT_HOST, "vm");
    sw_redact_add(r, SW_REDACT_USER, "carolyn");
    const char *in =
        "inet 172.20.31.7/20 brd 172.20.47.255 scope global eth0\n"
        "nameserver 10.255.255.254.\n"
        "peer 192.168.1.20:8080 up\n"
        "inet6 fe80::215:5dff:fe9a:1c2b/64 scope link\n"
        "addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334 and 2001:db8:85a3::8a2e:370:7334\n"
        "machine-id 3f1e0a9c8d7b4e2f9a6c5b4d3e2f1a0b\n"
        "  \"boot_id\": \"8b0d5c1e-4a7f-4f3e-9c2d-1e0f3a5b7c9d\",\n"
        "product_uuid 4c4c4544-0047-5a10-8052-b4c04f505a33\n"
        "DMI: HP HP EliteBook 840 G8 Notebook PC 5CG1234XYZ/880D, BIOS T37 Ver. 01.10.00 09/01/2023\n"
        "Hardware name: Gigabyte Technology Co., Ltd. Z87M-D3H/Z87M-D3H, BIOS F11 08/12/2014\n"
        "Linux version 5.15.167.4-microsoft-standard-WSL2 (root@vm) (gcc 11.2.0) #1 SMP\n"
        "vm login: carolyn; prompt carolyn@vm:~$ and vm.overcommit_memory\n"
        "mail carol@example.org\n"
        "share \\\\wsl.localhost\\Ubuntu\\home\\zed\\src\n"
        "WSL version: 2.0.9.0\nKernel version: 5.15.133.1-1\n"
        "microcode: updated early: 0x12b -> 0x12f, date = 2023-02-22\n"
        "smpboot: CPU0: 13th Gen Intel(R) Core(TM) i9-13900K (family: 0x6, model: 0xb7, stepping: 0x1)\n"
        "BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
        "RIP: 0010:__schedule+0x2a5/0x8f0 at 10:21:33 on 0000:00:02.0 in std::vector::at\n"
        "loopback 127.0.0.1 ::1 any 0.0.0.0 mask 255.255.240.0 link/ether ff:ff:ff:ff:ff:ff\n"
        "peer 5.15.153.1 up, while uname says Linux version 5.15.153.1-microsoft-standard-WSL2\n"
        "Aug 18 08:54:42 myhost kernel: mce: [Hardware Error] on Ubuntu 22.04 #46-Ubuntu\n"
        "Aug 18 08:54:43 ubuntu kernel: a distribution's default host name\n";
    char *out = sw_redact_text(r, in, strlen(in), NULL);
    CHECK(out != NULL);
    if (!out)
        return;
    const char *gone[] = {"172.20.31.7", "172.20.47.255", "10.255.255.254", "192.168.1.20", "fe80::215:5dff:fe9a:1c2b",
                          "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334",
                          "3f1e0a9c8d7b4e2f9a6c5b4d3e2f1a0b", "8b0d5c1e-4a7f-4f3e-9c2d-1e0f3a5b7c9d",
                          "4c4c4544-0047-5a10-8052-b4c04f505a33", "5CG1234XYZ", "vm", "carolyn", "carol@example.org",
                          "example.org", "myhost", "peer 5.15.153.1", "zed", NULL};
    for (const char **g = gone; *g; g++)
        CHECK_MSG(!contains_word(out, *g), "'%s' survived:\n%s", *g, out);
    const char *kept[] = {"5.15.167.4-microsoft-standard-WSL2", "WSL version: 2.0.9.0", "Kernel version: 5.15.133.1-1",
                          "0x12b -> 0x12f", "13th Gen Intel(R) Core(TM) i9-13900K", "HP EliteBook 840 G8 Notebook PC",
                          "/880D, BIOS T37 Ver. 01.10.00 09/01/2023",
                          "Gigabyte Technology Co., Ltd. Z87M-D3H/Z87M-D3H, BIOS F11 08/12/2014",
                          "BUG: kernel NULL pointer dereference, address: 0000000000000008",
                          "RIP: 0010:__schedule+0x2a5/0x8f0 at 10:21:33 on 0000:00:02.0 in std::vector::at",
                          "127.0.0.1 ::1 any 0.0.0.0 mask 255.255.240.0", "ff:ff:ff:ff:ff:ff", "(root@host-",
                          "ipv4-", "ipv6-", "uuid-", "machine-id id32-1", "serial-",
                          "Linux version 5.15.153.1-microsoft-standard-WSL2", "Ubuntu 22.04 #46-Ubuntu", NULL};
    for (const char **k = kept; *k; k++)
        CHECK_MSG(strstr(out, *k) != NULL, "'%s' was lost:\n%s", *k, out);
    /* The counts say what was replaced. */
    json_t *sum = sw_redact_summary(r);
    size_t i;
    json_t *x;
    int ipv4 = 0, host = 0;
    json_array_foreach(sum, i, x) {
        const char *what = json_string_value(json_object_get(x, "what"));
        if (!strcmp(what, "IPv4 address"))
            ipv4 = (int)json_integer_value(json_object_get(x, "count"));
        if (!strcmp(what, "host name"))
            host = (int)json_integer_value(json_object_get(x, "replaced"));
    }
    CHECK_INT(ipv4, 5);
    CHECK_MSG(host >= 4, "host replaced %d times", host);   /* (root@vm), vm login, @vm:, vm.overcommit */
    json_decref(sum);
    free(out);
    sw_redactor_free(r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Inputs shaped to make a naive redactor quadratic: millions of short NUL-separated strings, a long
 * text where every line holds a new address, a line of nothing but home paths. A hang guard (the
 * bound is generous, not a performance claim). */
static void test_linear_on_hostile_shapes(void)
{
    struct sw_redactor *r = sw_redactor_new();
    size_t n = 2u << 20;   /* a million NUL-separated strings */
    unsigned char *bin = malloc(n);
    for (size_t i = 0; i < n; i++)
        bin[i] = i % 2 ? 0 : (unsigned char)('a' + i % 23);
    memcpy(bin + 1000, "/home/carolyn/src", 17);
    size_t tl = 2u << 20, off = 0;   /* 100,000 lines, each a new address */
    char *text = malloc(tl + 64);
    for (unsigned k = 0; off + 40 < tl; k++)
        off += (size_t)sprintf(text + off, "peer 10.%u.%u.%u up\n", (k >> 16) & 255, (k >> 8) & 255, k & 255);
    text[off] = 0;
    size_t hl = 512u << 10;
    char *homes = malloc(hl + 1);
    for (size_t i = 0; i < hl; i++)
        homes[i] = "/home/a"[i % 7];
    homes[hl] = 0;
    double t0 = now_s();
    sw_redact_learn(r, (const char *)bin, n);
    size_t hits = sw_redact_bytes(r, bin, n);
    size_t ol = 0;
    char *out = sw_redact_text(r, text, off, &ol);
    char *hout = sw_redact_text(r, homes, hl, NULL);
    double dt = now_s() - t0;
    CHECK_MSG(dt < 30, "took %.1f s", dt);
    CHECK(hits >= 1 && memmem(bin, n, "carolyn", 7) == NULL);
    regex_t ip;
    regcomp(&ip, "10\\.[0-9]+\\.[0-9]+\\.[0-9]+", REG_EXTENDED | REG_NOSUB);
    CHECK_MSG(out && regexec(&ip, out, 0, NULL, 0) != 0, "an address survived");
    CHECK(out && strstr(out, "ipv4-more"));   /* beyond the table's size: still replaced */
    CHECK(hout && !strstr(hout, "/home/a/"));
    regfree(&ip);
    free(out);
    free(hout);
    free(text);
    free(homes);
    free(bin);
    sw_redactor_free(r);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"synthetic_values_and_consistency", test_synthetic_values_and_consistency},
        {"binary_mask_keeps_length", test_binary_mask_keeps_length},
        {"harmless_values_kept", test_harmless_values_kept},
        {"fixture_secrets_do_not_survive", test_fixture_secrets_do_not_survive},
        {"unlabelled_identifiers_and_kept_facts", test_unlabelled_identifiers_and_kept_facts},
        {"linear_on_hostile_shapes", test_linear_on_hostile_shapes},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
