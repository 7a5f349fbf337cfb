/* firmware.*: BIOS and board from DMI sysfs, or from the Windows host (WMI) on WSL2, whose guest
 * has no DMI ("DMI not present or invalid"). Serial numbers are never read (privacy). */
#include <stdio.h>

#include "probes/probe_int.h"

static const struct {
    const char *fact, *dmi;
} fields[] = {
    {"bios_vendor", "bios_vendor"},   {"bios_version", "bios_version"}, {"bios_date", "bios_date"},
    {"board_vendor", "board_vendor"}, {"board_name", "board_name"},     {"system_vendor", "sys_vendor"},
    {"system_product", "product_name"},
};

json_t *sw_probe_firmware(struct sw_probe_ctx *c)
{
    json_t *s = json_object();
    bool dmi = sw_sysroot_exists(c->root, "/sys/class/dmi/id");
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_t *hf = c->host_fw ? json_object_get(c->host_fw, fields[i].fact) : NULL;
        if (hf && sw_fact_known(hf)) {
            sw_fact_set(s, fields[i].fact, json_incref(hf));
            continue;
        }
        char abs[128], v[256];
        snprintf(abs, sizeof abs, "/sys/class/dmi/id/%s", fields[i].dmi);
        if (dmi && sw_sysroot_read_trim(c->root, abs, v, sizeof v) > 0) {
            json_t *f = sw_fact_str(v, "dmi");
            if (c->kind == SW_ENV_VM)
                sw_fact_note(f, "the virtual machine's firmware, not the host's");
            sw_fact_set(s, fields[i].fact, f);
        } else if (c->kind == SW_ENV_WSL2) {
            sw_fact_set(s, fields[i].fact,
                        hf ? json_incref(hf) : sw_fact_unavail("WSL2 has no DMI; the host (WMI) was not asked"));
        } else if (!dmi) {
            sw_fact_set(s, fields[i].fact,
                        sw_fact_unavail("no /sys/class/dmi/id (this %s exposes no DMI/SMBIOS tables)",
                                        c->kind == SW_ENV_BARE ? "system" : "guest"));
        } else {
            sw_fact_set(s, fields[i].fact, sw_fact_unavail("%s empty or not readable", abs));
        }
    }
    return s;
}
