/* What the rules make of storage, filesystem, thermal and GPU evidence (rules/rules.json): which way each
 * leans and which finding explains it, through the real rules database, with reports built the way
 * `analyze` builds them. The events carry the classifier's `what` and `where` (probes/kmsg_storage.c,
 * probes/kmsg_thermal.c). */
#include <stdio.h>
#include <string.h>

#include "report/correlate.h"
#include "tests/harness/check.h"
#include "tests/unit/report_fixtures.h"

static json_t *g_rules;

static json_t *judge_json(const char *buf, const char *env);

/* One kernel event of kind with `what` and `where`, in a log whose facts say env (NULL: unknown). */
static json_t *judge2(const char *kind, const char *what, const char *where, const char *sev, const char *text,
                      const char *kind2, const char *env)
{
    char buf[2048];
    int n = snprintf(buf, sizeof buf,
                     "[{\"seq\":1,\"time\":null,\"type\":\"kernel\",\"severity\":\"%s\",\"cpu\":-1,\"what\":\"%s\","
                     "\"text\":\"%s\",\"kernel\":{\"kind\":\"%s\",\"also\":null,\"where\":\"%s\",\"symbols\":[],\"line\":1}}",
                     sev, what, text, kind, where);
    if (kind2)   /* a second event: an oops after it */
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      ",{\"seq\":2,\"time\":null,\"type\":\"kernel\",\"severity\":\"error\",\"cpu\":1,\"what\":\"\","
                      "\"text\":\"BUG: kernel NULL pointer dereference\",\"kernel\":{\"kind\":\"%s\",\"also\":null,"
                      "\"symbols\":[\"ext4_find_entry\"],\"line\":20}}",
                      kind2);
    snprintf(buf + n, sizeof buf - (size_t)n, "]");
    return judge_json(buf, env);
}

/* Correlates events given as a JSON array text, in a log whose facts say env. */
static json_t *judge_json(const char *buf, const char *env)
{
    json_error_t je;
    json_t *ev = json_loads(buf, 0, &je);
    CHECK_MSG(ev != NULL, "%s", je.text);
    json_t *r = json_pack("{s:i,s:{s:s},s:o,s:{s:o}}", "schema_version", 1, "run", "status", "analyzed", "events", ev,
                          "facts", "before", tf_log_facts("6.1.0", env));
    struct sw_diag d = {0};
    json_t *out = sw_correlate(r, g_rules, NULL, &d);
    json_decref(r);
    return out;
}

static const char *lean(const json_t *out)
{
    return tf_str(json_object_get(out, "verdict"), "lean");
}

/* The first finding that carries a cause (not informational or advisory). */
static const char *top_rule(const json_t *out)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(out, "findings"), i, f) if (!json_is_true(json_object_get(f, "informational")) &&
                                                                  !json_is_true(json_object_get(f, "advisory"))) return tf_str(f, "rule");
    return "";
}

static bool has_rule(const json_t *out, const char *id)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(out, "findings"), i, f) if (!strcmp(tf_str(f, "rule"), id)) return true;
    return false;
}

static void load(void)
{
    g_rules = tf_load_rules();
    CHECK(json_array_size(json_object_get(g_rules, "rules")) > 0);
}

static void disks(void)
{
    json_t *out = judge2("io_error", "medium error", "sdb", "error", "critical medium error, dev sdb, sector 2048", NULL, "bare-metal");
    CHECK_STR(top_rule(out), "storage-media-errors");
    CHECK_STR(lean(out), "hardware");
    CHECK(strstr(tf_str(json_object_get(out, "verdict"), "summary"), "the disk") != NULL);
    json_decref(out);
    out = judge2("io_error", "interface CRC error (cable)", "ata1", "error", "ata1.00: error: { ICRC ABRT }", NULL, NULL);
    CHECK_STR(top_rule(out), "storage-link-errors");
    CHECK(!has_rule(out, "storage-io-errors"));   /* the specific finding replaces the generic one */
    json_decref(out);
    /* timeouts are firmware, cable, power or a failing drive: no lean */
    out = judge2("io_error", "command timeout", "ata9", "error", "ata9.00: failed command: READ FPDMA QUEUED", NULL, NULL);
    CHECK_STR(top_rule(out), "storage-command-timeouts");
    CHECK_STR(lean(out), "unknown");
    json_decref(out);
    out = judge2("io_error", "controller gone from the bus", "nvme0", "error", "nvme nvme0: controller is down", NULL, "bare-metal");
    CHECK_STR(top_rule(out), "storage-nvme-controller-lost");
    json_decref(out);
}

static void virtual_disks_are_the_host(void)
{
    /* Hyper-V's virtual disk failing is the host's storage, whatever the log says of the machine */
    json_t *out = judge2("io_error", "host disk full", "hv_storvsc", "error", "hv_storvsc x: tag#1 cmd 0x2a", NULL, NULL);
    CHECK_STR(top_rule(out), "vm-host-storage-errors");
    CHECK_STR(lean(out), "environment");
    CHECK(!has_rule(out, "storage-io-errors"));
    json_decref(out);
    /* a medium error seen from inside a VM is still the host's disk */
    out = judge2("io_error", "medium error", "sda", "error", "critical medium error, dev sda", NULL, "vm");
    CHECK_STR(top_rule(out), "vm-host-storage-errors");
    CHECK(!has_rule(out, "storage-media-errors"));
    json_decref(out);
}

static void filesystems(void)
{
    json_t *out = judge2("fs_corruption", "bit flip", "nvme0n1p2", "error", "parent transid verify failed", NULL, NULL);
    CHECK_STR(top_rule(out), "fs-corruption-bit-flip");
    CHECK_STR(lean(out), "hardware");
    CHECK(!has_rule(out, "fs-corruption"));
    json_decref(out);
    out = judge2("fs_corruption", "corrupt metadata about to be written", "dm-0", "error", "write time tree block", NULL, NULL);
    CHECK_STR(top_rule(out), "fs-corruption-before-write");
    json_decref(out);
    /* damage alone does not say whether the disk, the memory or an unclean stop did it */
    out = judge2("fs_corruption", "ext4_lookup", "sda1", "error", "EXT4-fs error (device sda1): ext4_lookup", NULL, NULL);
    CHECK_STR(top_rule(out), "fs-corruption");
    CHECK_STR(lean(out), "unknown");
    json_decref(out);
    out = judge2("fs_corruption", "data checksum failed", "sda2", "error", "BTRFS warning: csum failed", NULL, NULL);
    CHECK_STR(top_rule(out), "fs-corruption-checksums");
    CHECK_STR(lean(out), "unknown");
    json_decref(out);
}

static void thermal(void)
{
    json_t *out = judge2("thermal", "critical: shut down", "", "fatal", "critical temperature reached (105 C)", NULL, NULL);
    CHECK_STR(top_rule(out), "thermal-shutdown");
    CHECK_STR(lean(out), "hardware");
    json_decref(out);
    out = judge2("thermal", "implausible reading", "", "fatal", "critical temperature reached (228 C)", NULL, NULL);
    CHECK_STR(top_rule(out), "thermal-sensor-implausible");
    CHECK_STR(lean(out), "software");
    json_decref(out);
    out = judge2("thermal", "throttled", "", "warn", "CPU3: Core temperature above threshold", NULL, NULL);
    CHECK_STR(top_rule(out), "thermal-throttling");
    json_decref(out);
    /* beside a crash, throttling is context: it does not take the verdict from the crash */
    out = judge2("thermal", "throttled", "", "warn", "CPU3: Core temperature above threshold", "null_deref", NULL);
    CHECK(has_rule(out, "thermal-throttling-beside-errors") && !has_rule(out, "thermal-throttling"));
    CHECK(strcmp(top_rule(out), "thermal-throttling-beside-errors") != 0);
    CHECK(strcmp(lean(out), "hardware") != 0);
    json_decref(out);
}

/* A bare "Machine check events logged" in a log where the CPU throttles is most likely a throttle
 * record (Intel kernels log each one that way): the machine-check finding says so and drops a step. */
static void machine_check_beside_throttling(void)
{
    static const char mce[] =
        "{\"seq\":2,\"time\":null,\"type\":\"kernel\",\"severity\":\"error\",\"cpu\":-1,"
        "\"what\":\"logged (details in mcelog)\",\"text\":\"mce: [Hardware Error]: Machine check events logged\","
        "\"kernel\":{\"kind\":\"mce\",\"also\":null,\"symbols\":[],\"line\":4}}";
    static const char heat[] =
        "{\"seq\":1,\"time\":null,\"type\":\"kernel\",\"severity\":\"warn\",\"cpu\":2,\"what\":\"throttled\","
        "\"text\":\"CPU2: Core temperature above threshold\",\"kernel\":{\"kind\":\"thermal\",\"also\":null,"
        "\"symbols\":[],\"line\":1}}";
    char buf[1200];
    for (int with_heat = 0; with_heat < 2; with_heat++) {
        snprintf(buf, sizeof buf, "[%s%s%s]", with_heat ? heat : "", with_heat ? "," : "", mce);
        json_t *out = judge_json(buf, NULL);
        size_t i;
        const json_t *f, *c;
        bool said = false;
        json_array_foreach(json_object_get(out, "findings"), i, f) {
            if (strcmp(tf_str(f, "rule"), "guest-machine-check"))
                continue;
            size_t j;
            json_array_foreach(json_object_get(f, "confounders"), j, c) {
                const char *t = json_string_value(c);
                said = said || (strstr(t, "throttl") && strstr(t, "heat"));
            }
        }
        CHECK_MSG(said == (with_heat == 1), "throttling confounder %s", said ? "given" : "missing");
        json_decref(out);
    }
}

static void gpus(void)
{
    json_t *out = judge2("gpu_fault", "GPU memory ECC error", "Xid 48", "error", "NVRM: Xid (PCI:0000:01:00): 48", NULL, NULL);
    CHECK_STR(top_rule(out), "gpu-memory-errors");
    CHECK_STR(lean(out), "hardware");
    CHECK(strstr(tf_str(json_object_get(out, "verdict"), "summary"), "graphics card") != NULL);
    json_decref(out);
    out = judge2("gpu_fault", "fell off the bus", "Xid 79", "error", "NVRM: Xid (PCI:0000:01:00): 79", NULL, NULL);
    CHECK_STR(top_rule(out), "gpu-lost-from-bus");
    json_decref(out);
    out = judge2("gpu_fault", "GPU hang (ring timeout)", "amdgpu", "error", "*ERROR* ring gfx timeout", NULL, NULL);
    CHECK_STR(top_rule(out), "gpu-hang-reset");
    CHECK_STR(lean(out), "software");
    CHECK(!has_rule(out, "gpu-fault"));
    json_decref(out);
    out = judge2("gpu_fault", "GPU program fault", "amdgpu", "warn", "[gfxhub0] no-retry page fault", NULL, NULL);
    CHECK_STR(top_rule(out), "gpu-program-fault");
    json_decref(out);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"load", load},
        {"disks", disks},
        {"virtual_disks_are_the_host", virtual_disks_are_the_host},
        {"filesystems", filesystems},
        {"thermal", thermal},
        {"gpus", gpus},
        {"machine_check_beside_throttling", machine_check_beside_throttling},
        {NULL, NULL},
    };
    int rc = sw_test_main(argc, argv, cases);
    json_decref(g_rules);
    return rc;
}
