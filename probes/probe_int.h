/* Shared between the probe files only (not part of the public interface). */
#ifndef SW_PROBE_INT_H
#define SW_PROBE_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "probes/probe.h"

/* ---- sysroot.c: paths under the sysroot and bounded reads ------------------------------------ */
bool sw_sysroot_live(const char *sysroot);
/* root + abs into out; -ENAMETOOLONG when it does not fit. */
int sw_sysroot_path(const char *sysroot, const char *abs, char *out, size_t n);
/* Reads at most cap-1 bytes, NUL-terminates; returns the length or -errno. */
ssize_t sw_sysroot_read(const char *sysroot, const char *abs, char *buf, size_t cap);
/* Same, trailing whitespace removed. */
ssize_t sw_sysroot_read_trim(const char *sysroot, const char *abs, char *buf, size_t cap);
int sw_sysroot_read_ll(const char *sysroot, const char *abs, long long *v);
bool sw_sysroot_exists(const char *sysroot, const char *abs);
/* Whole small file into a malloc'd NUL-terminated buffer of at most max bytes; NULL + errno. */
char *sw_sysroot_slurp(const char *sysroot, const char *abs, size_t max, size_t *len);
/* A variable of the probed system's environment: getenv() live, <root>/proc/self/environ else. */
bool sw_sysroot_getenv(const char *sysroot, const char *name, char *out, size_t n);

/* ---- fact.c: fact objects ------------------------------------------------------------------- */
json_t *sw_fact(json_t *value, const char *source);               /* steals value */
json_t *sw_fact_str(const char *s, const char *source);
json_t *sw_fact_int(long long v, const char *source);
json_t *sw_fact_bool(bool v, const char *source);
json_t *sw_fact_hex(unsigned long long v, const char *source);    /* "0x12b" */
json_t *sw_fact_unavail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sw_fact_note(json_t *fact, const char *note);
void sw_fact_raw(json_t *fact, const char *raw);
void sw_fact_set(json_t *section, const char *name, json_t *fact); /* steals fact */
bool sw_fact_known(const json_t *fact);
const char *sw_fact_strval(const json_t *section, const char *name); /* NULL if not a string */

/* ---- the state passed between the section probes -------------------------------------------- */
enum sw_env_kind { SW_ENV_BARE, SW_ENV_VM, SW_ENV_WSL1, SW_ENV_WSL2, SW_ENV_CONTAINER };

struct sw_probe_ctx {
    const struct sw_probe_env *env;
    const char *root;         /* "" when live */
    bool live;
    /* cpu.c */
    bool have_cpuid;          /* live CPUID or a dump */
    uint32_t sig;             /* leaf 1 EAX & 0x0fff3fff */
    char vendor[16];
    bool hv_bit;              /* leaf 1 ECX bit 31 (or cpuinfo "hypervisor" flag) */
    bool have_hv_leaves;      /* leaves 0x40000000..3 known */
    uint32_t hv_leaf[4][4];
    /* hypervisor.c */
    enum sw_env_kind kind;
    char hv_vendor[13];
    /* host.c: parsed host facts, for microcode.c and firmware.c */
    json_t *host;             /* the host section (borrowed reference inside the snapshot) */
    json_t *host_fw;          /* {"bios_vendor": fact, ...} from WMI, or NULL */
    json_t *host_ucode_cur, *host_ucode_prev; /* facts, owned by ctx until placed */
};

json_t *sw_probe_cpu(struct sw_probe_ctx *c, struct sw_diag *d);  /* NULL + d: bad dump */
/* cpu.c: cores from /sys topology (distinct package/core_id pairs), for when libcpuid counts none. */
json_t *sw_probe_topology_cores(struct sw_probe_ctx *c);
json_t *sw_probe_hypervisor(struct sw_probe_ctx *c);
/* hv_evidence.c: hypervisor.evidence, what CPUID, clocksource, command line and DMI each say. */
void sw_probe_hv_evidence(struct sw_probe_ctx *c, json_t *s, const char *cpuid_name);
json_t *sw_probe_kernel(struct sw_probe_ctx *c);
json_t *sw_probe_memory(struct sw_probe_ctx *c);
json_t *sw_probe_microcode(struct sw_probe_ctx *c);
json_t *sw_probe_firmware(struct sw_probe_ctx *c);
json_t *sw_probe_wsl(struct sw_probe_ctx *c, json_t *host_wsl);
json_t *sw_probe_host(struct sw_probe_ctx *c, json_t **wsl_from_host);

/* cpu_table.c: OUR signature table (libcpuid's codenames are wrong for many parts). */
struct sw_cpu_ident {
    const char *codename;     /* "Raptor Lake-S", "Raptor Lake Refresh", ... or NULL */
    const char *segment;      /* "desktop" | "mobile" | "server" | "unknown" */
    const char *note;         /* why, e.g. "Alder Lake die sold as 13th/14th gen" or NULL */
};
void sw_cpu_identify(const char *vendor, uint32_t sig, const char *brand, struct sw_cpu_ident *out);
uint32_t sw_cpu_sig_display_family(uint32_t sig);
uint32_t sw_cpu_sig_display_model(uint32_t sig);
/* Rebuilds the signature from /proc/cpuinfo's display family/model/stepping. */
uint32_t sw_cpu_sig_from_fms(unsigned family, unsigned model, unsigned stepping);

/* microcode.c helper, also used by host.c: REG_BINARY "Update Revision" hex -> revision */
int sw_ucode_from_reg_binary(const char *hex, unsigned long long *rev);

/* hypervisor.c helper: env kind name */
const char *sw_env_kind_name(enum sw_env_kind k);

#endif
