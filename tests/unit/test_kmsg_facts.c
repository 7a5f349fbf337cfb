/* Facts read from a kernel log (probes/kmsg_facts.c): each from real lines (URL or fixture above each),
 * with the line it came from; and the facts JSON has the probe's schema. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/kmsg_facts.h"
#include "probes/kmsg_line.h"
#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

static struct sw_kmsg_facts kf;

/* Feeds text lines as analyze does: parsed, then the message with its 1-based line number. */
static void feed(const char *text)
{
    static struct sw_kmsg_line l;
    sw_kmsg_facts_init(&kf);
    uint32_t n = 0;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        sw_kmsg_line_parse(p, len, SW_KFMT_UNKNOWN, &l);
        sw_kmsg_facts_feed(&kf, l.text, l.text_len, ++n);
        p += len + (e ? 1 : 0);
    }
}

static void check_fact(enum sw_kfact_id id, const char *want, uint32_t line)
{
    const char *v = sw_kmsg_fact(&kf, id);
    CHECK_MSG(v && strcmp(v, want) == 0, "fact %d: '%s', expected '%s'", id, v ? v : "(none)", want);
    CHECK_INT(kf.f[id].line, line);
}

static void release_taint_dmi(void)
{
    /* https://github.com/ThinkParQ/beegfs/issues/108 (6.x taint line of its own, DMI in Hardware name) */
    feed("[  146.862911] CPU: 7 UID: 0 PID: 1101 Comm: venom-agent Tainted: G      D    O        6.19.0-g990dca9c3b7a-dirty #47 PREEMPT(lazy) \n"
         "[  146.862966] Tainted: [D]=DIE, [O]=OOT_MODULE\n"
         "[  146.862979] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.13.0-1ubuntu1.1 04/01/2014\n");
    check_fact(SW_KF_RELEASE, "6.19.0-g990dca9c3b7a-dirty", 1);
    check_fact(SW_KF_BUILD, "#47 PREEMPT(lazy)", 1);
    check_fact(SW_KF_TAINT_FLAGS, "DO", 1);
    check_fact(SW_KF_SYS_VENDOR, "QEMU", 3);
    check_fact(SW_KF_SYS_PRODUCT, "Standard PC (i440FX + PIIX, 1996)", 3);
    check_fact(SW_KF_BIOS_VERSION, "1.13.0-1ubuntu1.1", 3);
    check_fact(SW_KF_BIOS_DATE, "04/01/2014", 3);
    json_t *j = sw_kmsg_facts_json(&kf, "dmesg", 3, 3);
    /* a virtual DMI product makes it a VM; no WSL marker */
    CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(j, "hypervisor"), "environment"), "value")), "vm");
    CHECK(json_is_null(json_object_get(json_object_get(json_object_get(j, "wsl"), "is_wsl"), "value")));
    CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(j, "kernel"), "release"), "source")),
              "log line 1");
    json_decref(j);
}

static void wsl_and_hyperv(void)
{
    /* kmsg/wsl2-divide-error-check-heap-object-gcc-5.15.153.1.log: the release names WSL2 */
    const char *text = kmsg_slurp(sw_test_fixture("kmsg/wsl2-divide-error-check-heap-object-gcc-5.15.153.1.log"));
    CHECK(text != NULL);
    if (!text)
        return;
    feed(text);
    check_fact(SW_KF_RELEASE, "5.15.153.1-microsoft-standard-WSL2", 5);
    check_fact(SW_KF_TAINT_TEXT, "Not tainted", 5);
    check_fact(SW_KF_ENVIRONMENT, "wsl2", 5);
    check_fact(SW_KF_WSL, "true", 5);
    /* host/dmesg-wsl2-hyperv-boot-win10host.txt: the boot's hypervisor line */
    text = kmsg_slurp(sw_test_fixture("host/dmesg-wsl2-hyperv-boot-win10host.txt"));
    if (!text)
        return;
    feed(text);
    check_fact(SW_KF_HV_VENDOR, "Microsoft Hyper-V", 3);
    check_fact(SW_KF_HV_NAME, "hyperv", 3);
    CHECK(sw_kmsg_fact(&kf, SW_KF_WSL) == NULL);
}

static void cpu_of_machine_checks(void)
{
    /* AMD decoded record, "(16:30:1)" = family 0x16 model 0x30 stepping 1:
     * https://github.com/pcengines/apu2-documentation/issues/329 */
    feed("[ T1030] [Hardware Error]: Corrected error, no action required.\n"
         "[ T1030] [Hardware Error]: CPU:0 (16:30:1) MC0_STATUS[-|CE|-|AddrV|-|-|-]: 0x9400000000010015\n");
    check_fact(SW_KF_CPU_VENDOR, "AuthenticAMD", 2);
    check_fact(SW_KF_CPU_FAMILY, "22", 2);
    check_fact(SW_KF_CPU_MODEL, "48", 2);
    check_fact(SW_KF_CPU_STEPPING, "1", 2);
    check_fact(SW_KF_CPU_SIGNATURE, "0x730f01", 2);
    /* Intel mce PROCESSOR line with microcode (kmsg/mce-corrected-bank0-i9-9900k-docker-journal.log form):
     * https://github.com/andikleen/mcelog/issues/70 */
    feed("Sep 16 19:51:15 kernel: [    0.064277] mce: [Hardware Error]: PROCESSOR 0:706a1 TIME 1537152664 SOCKET 0 APIC 0 microcode 28\n");
    check_fact(SW_KF_CPU_VENDOR, "GenuineIntel", 1);
    check_fact(SW_KF_CPU_SIGNATURE, "0x706a1", 1);
    check_fact(SW_KF_CPU_FAMILY, "6", 1);
    check_fact(SW_KF_CPU_MODEL, "122", 1);
    check_fact(SW_KF_MICROCODE, "0x28", 1);
    /* boot lines: smpboot brand and the early microcode update (formats of arch/x86, synthetic values) */
    feed("[    0.000000] microcode: updated early: 0x129 -> 0x12b, date = 2024-08-08\n"
         "[    0.200000] smpboot: CPU0: 13th Gen Intel(R) Core(TM) i9-13900K (family: 0x6, model: 0xb7, stepping: 0x1)\n");
    check_fact(SW_KF_MICROCODE, "0x12b", 1);
    check_fact(SW_KF_CPU_BRAND, "13th Gen Intel(R) Core(TM) i9-13900K", 2);
    check_fact(SW_KF_CPU_SIGNATURE, "0xb0671", 2);
}

static void modules_and_clock(void)
{
    /* kmsg/null-deref-zfs-no-timestamps.log names zfs in its frames */
    const char *text = kmsg_slurp(sw_test_fixture("kmsg/null-deref-zfs-no-timestamps.log"));
    if (text) {
        feed(text);
        CHECK(strstr(kf.modules, "zfs") != NULL);
    }
    feed("[ 10.0] clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable because the skew is too large:\n");
    check_fact(SW_KF_CLOCK_UNSTABLE, "true", 1);
    /* a log that states nothing: every fact is unavailable, none invented */
    feed("[ 1.0] usb 1-1: new high-speed USB device number 2 using xhci_hcd\n");
    for (int i = 0; i < SW_KF_COUNT; i++)
        CHECK(sw_kmsg_fact(&kf, (enum sw_kfact_id)i) == NULL);
    json_t *j = sw_kmsg_facts_json(&kf, "dmesg", 1, 1);
    CHECK(json_is_string(json_object_get(json_object_get(json_object_get(j, "kernel"), "release"), "unavailable")));
    json_decref(j);
}

/* Two promises `analyze` builds on when it reads a log's halves side by side (cli/cli_analyze_split.c):
 * a line sw_kmsg_facts_may_use turns down changes nothing, and a message fed again later changes nothing.
 * Checked on every line of every fixture log, fed in order and then all over again. */
static void skipped_and_repeated_lines_change_nothing(void)
{
    static const char *const dirs[] = {"kmsg", "kmsg-more", "host", "wsl"};
    static struct sw_kmsg_facts before;
    static struct sw_kmsg_line l;
    static char buf[8u << 20];
    int files = 0, skipped = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        const char *dir = sw_test_fixture(dirs[d]);
        DIR *dp = dir ? opendir(dir) : NULL;
        for (struct dirent *de; dp && (de = readdir(dp)) != NULL;) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            FILE *f = de->d_name[0] == '.' ? NULL : fopen(path, "rb");
            if (!f)
                continue;
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = '\0';
            sw_kmsg_facts_init(&kf);
            uint32_t line = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (char *p = buf; *p;) {
                    char *e = strchr(p, '\n');
                    size_t len = e ? (size_t)(e - p) : strlen(p);
                    sw_kmsg_line_parse(p, len, SW_KFMT_UNKNOWN, &l);
                    bool may = sw_kmsg_facts_may_use(l.text, l.text_len);
                    before = kf;
                    sw_kmsg_facts_feed(&kf, l.text, l.text_len, ++line);
                    if (!may)
                        skipped++;
                    CHECK_MSG(may || !memcmp(&before, &kf, sizeof kf), "%s: a line turned down changed the facts: %s",
                              path, l.text);
                    CHECK_MSG(pass == 0 || !memcmp(&before, &kf, sizeof kf),
                              "%s: a message seen before changed the facts: %s", path, l.text);
                    p += len + (e ? 1 : 0);
                }
            }
            files++;
        }
        if (dp)
            closedir(dp);
    }
    CHECK_MSG(files >= 30 && skipped > 1000, "only %d files, %d lines turned down", files, skipped);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"release_taint_dmi", release_taint_dmi}, {"wsl_and_hyperv", wsl_and_hyperv},
        {"cpu_of_machine_checks", cpu_of_machine_checks}, {"modules_and_clock", modules_and_clock},
        {"skipped_and_repeated_lines_change_nothing", skipped_and_repeated_lines_change_nothing}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
