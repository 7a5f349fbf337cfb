/* Facts about the machine a kernel log came from, read from the log itself (issue 8 §1): kernel release
 * and build, taint, DMI ("Hardware name:", "DMI:"), hypervisor, WSL markers, the CPU of a machine check
 * or of smpboot/microcode lines, microcode revision, modules named in frames, clock trouble. Each fact
 * remembers the 1-based line it came from and that line's text. Fixed-size state, no allocation while
 * feeding; sw_kmsg_facts_json() builds the report's `facts` object (docs/facts-schema.md shape, each
 * fact {"value", "source": "log line N", "raw"}). */
#ifndef SW_KMSG_FACTS_H
#define SW_KMSG_FACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct sw_kfact {
    uint32_t line;        /* 0 = not seen                          */
    uint8_t prio;         /* which kind of line set it (higher wins) */
    char value[96];
    char raw[160];        /* the line's message text                */
};

enum sw_kfact_id {
    SW_KF_RELEASE, SW_KF_BUILD, SW_KF_TAINT_FLAGS, SW_KF_TAINT_TEXT,
    SW_KF_SYS_VENDOR, SW_KF_SYS_PRODUCT, SW_KF_BOARD, SW_KF_BIOS_VERSION, SW_KF_BIOS_DATE,
    SW_KF_HV_VENDOR, SW_KF_HV_NAME, SW_KF_ENVIRONMENT,
    SW_KF_CPU_VENDOR, SW_KF_CPU_FAMILY, SW_KF_CPU_MODEL, SW_KF_CPU_STEPPING, SW_KF_CPU_SIGNATURE, SW_KF_CPU_BRAND,
    SW_KF_MICROCODE, SW_KF_WSL, SW_KF_CLOCK_UNSTABLE,
    SW_KF_COUNT
};

struct sw_kmsg_facts {
    struct sw_kfact f[SW_KF_COUNT];
    char modules[256];    /* modules named in frames ("[zfs]"), space-separated */
};

void sw_kmsg_facts_init(struct sw_kmsg_facts *k);
/* One normalised message (prefixes removed), its length, and its 1-based line number in the file. */
void sw_kmsg_facts_feed(struct sw_kmsg_facts *k, const char *msg, size_t msg_len, uint32_t line_no);
/* False when feeding this message would change nothing (most lines): a caller may skip or defer it. */
bool sw_kmsg_facts_may_use(const char *msg, size_t msg_len);
/* The value of a fact, or NULL if the log did not state it. */
const char *sw_kmsg_fact(const struct sw_kmsg_facts *k, enum sw_kfact_id id);

/* The facts object for report.json (sections kernel, firmware, hypervisor, cpu, microcode, wsl, log).
 * lines/kernel_lines/format describe the file for the "log" section. */
json_t *sw_kmsg_facts_json(const struct sw_kmsg_facts *k, const char *format, uint64_t lines, uint64_t kernel_lines);

#endif
