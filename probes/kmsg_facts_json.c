/* The facts a kernel log states (probes/kmsg_facts.c) as report.json's facts object: the probe's schema
 * (docs/facts-schema.md), every fact {"value", "source": "log line N", "raw": the line}, and
 * {"value": null, "unavailable": "the log does not say"} for what it does not state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/kmsg_facts.h"
#include "probes/probe_int.h"

enum kind { STR, INT, HEX, BOOL, LETTERS };

static json_t *fact_of(const struct sw_kmsg_facts *k, enum sw_kfact_id id, enum kind kind)
{
    const struct sw_kfact *f = &k->f[id];
    if (!f->line)
        return sw_fact_unavail("the log does not say");
    char src[32];
    snprintf(src, sizeof src, "log line %u", f->line);
    json_t *fact;
    switch (kind) {
    case INT:
        fact = sw_fact_int(strtoll(f->value, NULL, 10), src);
        break;
    case BOOL:
        fact = sw_fact_bool(strcmp(f->value, "true") == 0, src);
        break;
    case LETTERS: {
        json_t *a = json_array();
        for (const char *p = f->value; *p && *p != '-'; p++) {
            char l[2] = {*p, '\0'};
            json_array_append_new(a, json_string(l));
        }
        fact = sw_fact(a, src);
        break;
    }
    default:   /* STR and HEX are kept as the text the extractor normalised ("0x12b") */
        fact = sw_fact_str(f->value, src);
        break;
    }
    sw_fact_raw(fact, f->raw);
    return fact;
}

/* A value inferred from a fact's line ("present": true from "Hypervisor detected: ..."), with its source. */
static json_t *inferred(json_t *value, const struct sw_kfact *from)
{
    char src[32];
    snprintf(src, sizeof src, "log line %u", from->line);
    json_t *f = sw_fact(value, src);
    sw_fact_raw(f, from->raw);
    return f;
}

static void put(json_t *sec, const char *name, const struct sw_kmsg_facts *k, enum sw_kfact_id id, enum kind kind)
{
    sw_fact_set(sec, name, fact_of(k, id, kind));
}

static bool virtual_product(const char *p)
{
    static const char *const virt[] = {"Virtual Machine", "VirtualBox", "VMware", "KVM", "QEMU", "Standard PC",
                                       "HVM domU", "Google Compute Engine", "Cloud Hypervisor", NULL};
    for (int i = 0; p && virt[i]; i++)
        if (strstr(p, virt[i]))
            return true;
    return false;
}

json_t *sw_kmsg_facts_json(const struct sw_kmsg_facts *k, const char *format, uint64_t lines, uint64_t kernel_lines)
{
    json_t *root = json_object(), *kernel = json_object(), *fw = json_object(), *hv = json_object(),
           *cpu = json_object(), *mc = json_object(), *wsl = json_object(), *log = json_object();
    json_object_set_new(root, "schema_version", json_integer(1));
    json_object_set_new(root, "source", json_string("log"));

    put(kernel, "release", k, SW_KF_RELEASE, STR);
    put(kernel, "build", k, SW_KF_BUILD, STR);
    put(kernel, "tainted_flags", k, SW_KF_TAINT_FLAGS, LETTERS);
    put(kernel, "tainted_text", k, SW_KF_TAINT_TEXT, STR);

    put(fw, "system_vendor", k, SW_KF_SYS_VENDOR, STR);
    put(fw, "system_product", k, SW_KF_SYS_PRODUCT, STR);
    put(fw, "board_name", k, SW_KF_BOARD, STR);
    put(fw, "bios_version", k, SW_KF_BIOS_VERSION, STR);
    put(fw, "bios_date", k, SW_KF_BIOS_DATE, STR);

    const struct sw_kfact *hvn = &k->f[SW_KF_HV_NAME], *prod = &k->f[SW_KF_SYS_PRODUCT], *w = &k->f[SW_KF_WSL];
    bool virt = prod->line && virtual_product(prod->value);
    const struct sw_kfact *present_from = hvn->line ? hvn : w->line ? w : virt ? prod : NULL;
    if (present_from) {
        sw_fact_set(hv, "present", inferred(json_true(), present_from));
    } else {
        sw_fact_set(hv, "present", sw_fact_unavail("the log does not say"));
    }
    put(hv, "vendor", k, SW_KF_HV_VENDOR, STR);
    if (hvn->line || !w->line) {
        put(hv, "name", k, SW_KF_HV_NAME, STR);
    } else {   /* WSL2 runs on Hyper-V */
        json_t *f = fact_of(k, SW_KF_WSL, STR);
        json_object_set_new(f, "value", json_string("hyperv"));
        sw_fact_note(f, "WSL2 runs on Hyper-V");
        sw_fact_set(hv, "name", f);
    }
    if (w->line) {
        put(hv, "environment", k, SW_KF_ENVIRONMENT, STR);
    } else if (present_from) {
        sw_fact_set(hv, "environment", inferred(json_string("vm"), present_from));
    } else {
        sw_fact_set(hv, "environment", sw_fact_unavail("the log does not say (no hypervisor, DMI or WSL line)"));
    }

    put(cpu, "vendor", k, SW_KF_CPU_VENDOR, STR);
    put(cpu, "brand", k, SW_KF_CPU_BRAND, STR);
    put(cpu, "family", k, SW_KF_CPU_FAMILY, INT);
    put(cpu, "model", k, SW_KF_CPU_MODEL, INT);
    put(cpu, "stepping", k, SW_KF_CPU_STEPPING, INT);
    put(cpu, "signature", k, SW_KF_CPU_SIGNATURE, HEX);

    put(mc, "visible", k, SW_KF_MICROCODE, HEX);

    if (w->line)
        put(wsl, "is_wsl", k, SW_KF_WSL, BOOL);
    else
        sw_fact_set(wsl, "is_wsl", sw_fact_unavail("no WSL marker in the log"));

    json_object_set_new(log, "format", json_string(format ? format : "unknown"));
    json_object_set_new(log, "lines", json_integer((json_int_t)lines));
    json_object_set_new(log, "kernel_lines", json_integer((json_int_t)kernel_lines));
    json_t *mods = json_array();
    for (const char *p = k->modules; *p;) {
        size_t n = strcspn(p, " ");
        json_array_append_new(mods, json_stringn(p, n));
        p += n;
        while (*p == ' ')
            p++;
    }
    json_object_set_new(log, "modules", mods);
    const struct sw_kfact *cl = &k->f[SW_KF_CLOCK_UNSTABLE];
    json_object_set_new(log, "clock_unstable", json_boolean(cl->line != 0));
    if (cl->line) {
        char src[32];
        snprintf(src, sizeof src, "log line %u", cl->line);
        json_object_set_new(log, "clock_unstable_source", json_string(src));
    }
    json_object_set_new(log, "steal", json_null());   /* a saved log does not carry steal time */

    json_object_set_new(root, "kernel", kernel);
    json_object_set_new(root, "firmware", fw);
    json_object_set_new(root, "hypervisor", hv);
    json_object_set_new(root, "cpu", cpu);
    json_object_set_new(root, "microcode", mc);
    json_object_set_new(root, "wsl", wsl);
    json_object_set_new(root, "log", log);
    return root;
}
