/* hypervisor.evidence: what each independent sign says about the hypervisor, side by side, because
 * they can disagree (a VMM may present another hypervisor's CPUID signature: this project's own CI
 * guest says "bhyve" in CPUID while its clocksource is kvm-clock and its kernel command line starts
 * Firecracker, a KVM-based VMM). Signs: the CPUID vendor leaf, the clocksource, the kernel command
 * line and the DMI system vendor. */
#include <stdio.h>
#include <string.h>

#include "probes/probe_int.h"

struct sign {
    const char *needle, *says, *family;   /* family: what the hypervisor underneath is */
};

static const struct sign clock_signs[] = {
    {"kvm-clock", "KVM", "kvm"}, {"hyperv_clocksource", "Hyper-V", "hyperv"}, {"xen", "Xen", "xen"},
    {"vmware", "VMware", "vmware"}};
static const struct sign cmdline_signs[] = {
    {"firecracker", "Firecracker (a KVM-based VMM)", "kvm"}, {"cloud-hypervisor", "Cloud Hypervisor (KVM-based)", "kvm"},
    {"xen", "Xen", "xen"}};
static const struct sign dmi_signs[] = {
    {"QEMU", "QEMU/KVM", "kvm"}, {"Microsoft Corporation", "Hyper-V", "hyperv"}, {"VMware", "VMware", "vmware"},
    {"Xen", "Xen", "xen"}, {"Amazon EC2", "Amazon EC2 (Nitro, KVM-based)", "kvm"}, {"Google", "Google Compute (KVM)", "kvm"},
    {"innotek", "VirtualBox", "virtualbox"}, {"BHYVE", "bhyve", "bhyve"}};

static const struct sign *match(const struct sign *t, size_t n, const char *text)
{
    for (size_t i = 0; text && i < n; i++)
        if (strstr(text, t[i].needle))
            return &t[i];
    return NULL;
}

static void add(json_t *list, const char *source, const char *detail, const char *says)
{
    json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "source", source, "says", says, "detail", detail));
}

void sw_probe_hv_evidence(struct sw_probe_ctx *c, json_t *s, const char *cpuid_name)
{
    json_t *list = json_array();
    const char *families[4];
    int nf = 0;
    char text[4096], note[1024] = "";
    if (c->hv_bit && c->hv_vendor[0]) {
        add(list, "CPUID vendor", c->hv_vendor, cpuid_name);
        families[nf++] = cpuid_name;
    }
    const struct sign *m;
    if (sw_sysroot_read_trim(c->root, "/sys/devices/system/clocksource/clocksource0/current_clocksource", text,
                             sizeof text) > 0 && (m = match(clock_signs, sizeof clock_signs / sizeof clock_signs[0], text))) {
        add(list, "clocksource", text, m->says);
        families[nf++] = m->family;
    }
    if (sw_sysroot_read_trim(c->root, "/proc/cmdline", text, sizeof text) > 0 &&
        (m = match(cmdline_signs, sizeof cmdline_signs / sizeof cmdline_signs[0], text))) {
        add(list, "kernel command line", m->needle, m->says);
        families[nf++] = m->family;
    }
    if (sw_sysroot_read_trim(c->root, "/sys/class/dmi/id/sys_vendor", text, sizeof text) > 0 &&
        (m = match(dmi_signs, sizeof dmi_signs / sizeof dmi_signs[0], text))) {
        add(list, "DMI system vendor", text, m->says);
        families[nf < 4 ? nf++ : 3] = m->family;
    }
    if (!json_array_size(list)) {
        json_decref(list);
        sw_fact_set(s, "evidence", sw_fact_unavail(c->hv_bit ? "no sign names the hypervisor"
                                                              : "no hypervisor (CPUID.1:ECX bit 31 clear)"));
        return;
    }
    bool agree = true;
    for (int i = 1; i < nf; i++)
        agree = agree && !strcmp(families[i], families[0]);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        size_t len = strlen(note);
        snprintf(note + len, sizeof note - len, "%s%s says %s", i ? "; " : "",
                 json_string_value(json_object_get(e, "source")), json_string_value(json_object_get(e, "says")));
    }
    if (!agree) {
        size_t len = strlen(note);
        snprintf(note + len, sizeof note - len, ". They disagree: a VMM can present another hypervisor's CPUID "
                 "signature, so the clocksource and the command line tell more about what really runs the guest");
    }
    json_t *f = sw_fact(list, "cpuid, sysfs, /proc/cmdline, dmi");
    sw_fact_note(f, note);
    sw_fact_set(s, "evidence", f);
}
