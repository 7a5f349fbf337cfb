#include "probes/kmsg_facts.h"

#include <stdio.h>
#include <string.h>

#include "core/fmt.h"
#include "probes/kmsg_classify.h"

/* Which kind of line a fact came from: a stronger source replaces a weaker one, never the reverse. */
enum { P_WEAK = 1, P_REPORT = 2, P_BOOT = 3 };

void sw_kmsg_facts_init(struct sw_kmsg_facts *k)
{
    memset(k, 0, sizeof *k);
}

const char *sw_kmsg_fact(const struct sw_kmsg_facts *k, enum sw_kfact_id id)
{
    return (unsigned)id < SW_KF_COUNT && k->f[id].line ? k->f[id].value : NULL;
}

static bool starts(const char *s, const char *p) { return s[0] == p[0] && strncmp(s, p, strlen(p)) == 0; }
static bool dig(char c) { return c >= '0' && c <= '9'; }

static void set(struct sw_kmsg_facts *k, enum sw_kfact_id id, const char *v, size_t n, const char *raw, uint32_t line,
                int prio)
{
    struct sw_kfact *f = &k->f[id];
    if (f->line && f->prio >= prio)
        return;   /* the first line of the strongest kind wins */
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == ','))
        n--;
    if (n == 0)
        return;
    if (n >= sizeof f->value)
        n = sizeof f->value - 1;
    memcpy(f->value, v, n);
    f->value[n] = '\0';
    sw_strlcpy(f->raw, raw, sizeof f->raw);
    f->line = line;
    f->prio = (uint8_t)prio;
}

/* A number as text: decimal, or hex "0x12b" (the schema's form for signatures and revisions). */
static void setf(struct sw_kmsg_facts *k, enum sw_kfact_id id, const char *raw, uint32_t line, int prio,
                 bool as_hex, unsigned long long v)
{
    char b[32];
    if (as_hex)
        snprintf(b, sizeof b, "0x%llx", v);
    else
        snprintf(b, sizeof b, "%llu", v);
    set(k, id, b, strlen(b), raw, line, prio);
}

static size_t token(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ')
        n++;
    return n;
}

/* release "5.15.153.1-microsoft-standard-WSL2", then its build "#1 SMP ..." (up to the end). */
static void take_release(struct sw_kmsg_facts *k, const char *r, const char *raw, uint32_t line, int prio)
{
    while (*r == ' ')
        r++;
    size_t n = token(r);
    if (n == 0 || !dig(r[0]) || !memchr(r, '.', n))
        return;
    set(k, SW_KF_RELEASE, r, n, raw, line, prio);
    const char *b = strstr(r + n, " #");
    if (b)
        set(k, SW_KF_BUILD, b + 1, strlen(b + 1), raw, line, prio);
}

/* "Not tainted 6.1.0 #1" / "Tainted: G  U  OE 6.8.0-1026-aws #28-Ubuntu" anywhere in a report line. */
static void take_taint_line(struct sw_kmsg_facts *k, const char *m, const char *raw, uint32_t line)
{
    const char *p = strstr(m, "Not tainted");
    if (p) {
        set(k, SW_KF_TAINT_TEXT, "Not tainted", 11, raw, line, P_REPORT);
        set(k, SW_KF_TAINT_FLAGS, "-", 1, raw, line, P_REPORT);   /* "-" = no letters */
        take_release(k, p + 11, raw, line, P_REPORT);
        return;
    }
    p = strstr(m, "Tainted: ");
    if (!p)
        return;
    char letters[24];
    if (sw_kmsg_parse_taint(p, letters, sizeof letters) < 0)
        return;
    const char *q = p + 9;
    if (*q == '[') {   /* 6.x "Tainted: [P]=PROPRIETARY_MODULE, ...": its own line, no release */
        set(k, SW_KF_TAINT_TEXT, q, strlen(q), raw, line, P_REPORT);
        set(k, SW_KF_TAINT_FLAGS, letters[0] ? letters : "-", letters[0] ? strlen(letters) : 1, raw, line, P_REPORT);
        return;
    }
    const char *rel = q;
    while (*rel && !dig(*rel))
        rel++;
    set(k, SW_KF_TAINT_TEXT, q, (size_t)(rel - q), raw, line, P_REPORT);
    set(k, SW_KF_TAINT_FLAGS, letters[0] ? letters : "-", letters[0] ? strlen(letters) : 1, raw, line, P_REPORT);
    take_release(k, rel, raw, line, P_REPORT);
}

/* Vendors whose name has spaces, so "Vendor Product/Board" can be split. */
static const char *const dmi_vendors[] = {
    "Microsoft Corporation", "VMware, Inc.", "innotek GmbH", "Dell Inc.", "Red Hat", "Amazon EC2", "Google",
    "QEMU", "Xen", "Hewlett-Packard", "HP", "LENOVO", "Gigabyte Technology Co., Ltd.",
    "Micro-Star International Co., Ltd.", "ASUSTeK COMPUTER INC.", "System manufacturer", "To be filled by O.E.M.",
    "Default string", "Supermicro", "Intel Corporation", "Apple Inc.", NULL,
};

/* "Hardware name: <vendor> <product>/<board>, BIOS <version> <date>" (DMI: the same at boot). */
static void take_dmi(struct sw_kmsg_facts *k, const char *d, const char *raw, uint32_t line, int prio)
{
    while (*d == ' ')
        d++;
    const char *bios = strstr(d, ", BIOS ");
    const char *slash = memchr(d, '/', bios ? (size_t)(bios - d) : strlen(d));
    const char *end_prod = slash ? slash : bios ? bios : d + strlen(d);
    size_t vn = 0;
    for (int i = 0; dmi_vendors[i]; i++) {
        size_t n = strlen(dmi_vendors[i]);
        if (strncmp(d, dmi_vendors[i], n) == 0 && (d[n] == ' ' || d + n == end_prod)) {
            vn = n;
            break;
        }
    }
    if (!vn)
        vn = token(d) < (size_t)(end_prod - d) ? token(d) : (size_t)(end_prod - d);
    set(k, SW_KF_SYS_VENDOR, d, vn, raw, line, prio);
    const char *prod = d + vn;
    while (*prod == ' ' && prod < end_prod)
        prod++;
    if (prod < end_prod)
        set(k, SW_KF_SYS_PRODUCT, prod, (size_t)(end_prod - prod), raw, line, prio);
    if (slash) {
        const char *be = bios ? bios : slash + strlen(slash);
        set(k, SW_KF_BOARD, slash + 1, (size_t)(be - slash - 1), raw, line, prio);
    }
    if (bios) {
        const char *v = bios + 7;
        const char *date = strrchr(v, ' ');
        bool is_date = date && dig(date[1]) && strchr(date + 1, '/');
        size_t n = is_date ? (size_t)(date - v) : strlen(v);
        set(k, SW_KF_BIOS_VERSION, v, n, raw, line, prio);
        if (is_date)
            set(k, SW_KF_BIOS_DATE, date + 1, strlen(date + 1), raw, line, prio);
    }
}

static void take_hypervisor(struct sw_kmsg_facts *k, const char *v, const char *raw, uint32_t line)
{
    static const struct {
        const char *vendor, *name;
    } hv[] = {{"Microsoft Hyper-V", "hyperv"}, {"Hyper-V", "hyperv"}, {"KVM", "kvm"}, {"VMware", "vmware"},
              {"Xen", "xen"}, {"ACRN", "acrn"}, {"Jailhouse", "jailhouse"}, {"bhyve", "bhyve"}, {NULL, NULL}};
    while (*v == ' ')
        v++;
    set(k, SW_KF_HV_VENDOR, v, strlen(v), raw, line, P_BOOT);
    for (int i = 0; hv[i].vendor; i++)
        if (starts(v, hv[i].vendor)) {
            set(k, SW_KF_HV_NAME, hv[i].name, strlen(hv[i].name), raw, line, P_BOOT);
            return;
        }
    set(k, SW_KF_HV_NAME, "other", 5, raw, line, P_BOOT);
}

/* x86 CPUID signature from display family/model/stepping. */
static unsigned long long signature(unsigned fam, unsigned model, unsigned step)
{
    unsigned base_fam = fam >= 0xf ? 0xf : fam, ext_fam = fam >= 0xf ? fam - 0xf : 0;
    bool ext = fam == 0x6 || fam >= 0xf;
    unsigned ext_model = ext ? model >> 4 : 0, base_model = ext ? model & 0xf : model;
    return ((unsigned long long)ext_fam << 20) | (ext_model << 16) | (base_fam << 8) | (base_model << 4) | (step & 0xf);
}

static void take_fms(struct sw_kmsg_facts *k, unsigned fam, unsigned model, unsigned step, const char *raw,
                     uint32_t line, int prio)
{
    setf(k, SW_KF_CPU_FAMILY, raw, line, prio, false, fam);
    setf(k, SW_KF_CPU_MODEL, raw, line, prio, false, model);
    setf(k, SW_KF_CPU_STEPPING, raw, line, prio, false, step);
    setf(k, SW_KF_CPU_SIGNATURE, raw, line, prio, true, signature(fam, model, step));
}

static unsigned long long hex_at(const char *p, const char **end)
{
    unsigned long long v = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    for (int i = 0; i < 16; i++, p++) {
        char c = *p;
        int d = dig(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0)
            break;
        v = v * 16 + (unsigned)d;
    }
    if (end)
        *end = p;
    return v;
}

/* A signature 0xb0671 back into family/model/stepping. */
static void take_signature(struct sw_kmsg_facts *k, unsigned long long sig, const char *raw, uint32_t line, int prio)
{
    unsigned base_fam = (sig >> 8) & 0xf, fam = base_fam == 0xf ? base_fam + ((sig >> 20) & 0xff) : base_fam;
    unsigned model = (sig >> 4) & 0xf;
    if (base_fam == 0x6 || base_fam == 0xf)
        model |= ((sig >> 16) & 0xf) << 4;
    take_fms(k, fam, model, sig & 0xf, raw, line, prio);
}

static void take_cpu(struct sw_kmsg_facts *k, const char *m, const char *raw, uint32_t line)
{
    const char *p;
    /* mce_amd: "[Hardware Error]: CPU:0 (19:61:2) MC10_STATUS[...]" (hex family:model:stepping) */
    if ((p = strstr(m, "CPU:")) != NULL && (p = strchr(p, '(')) != NULL && strstr(m, "_STATUS")) {
        const char *e;
        unsigned fam = (unsigned)hex_at(p + 1, &e);
        if (*e == ':') {
            unsigned model = (unsigned)hex_at(e + 1, &e);
            if (*e == ':') {
                unsigned step = (unsigned)hex_at(e + 1, &e);
                if (*e == ')') {
                    set(k, SW_KF_CPU_VENDOR, "AuthenticAMD", 12, raw, line, P_REPORT);
                    take_fms(k, fam, model, step, raw, line, P_REPORT);
                }
            }
        }
    }
    /* mce: "PROCESSOR 0:906ec TIME 1590000000 SOCKET 0 APIC 8 microcode ca" (vendor 0 Intel, 2 AMD) */
    if ((p = strstr(m, "PROCESSOR ")) != NULL && dig(p[10]) && p[11] == ':') {
        const char *e;
        unsigned long long sig = hex_at(p + 12, &e);
        if (sig) {
            const char *vendor = p[10] == '0' ? "GenuineIntel" : p[10] == '2' ? "AuthenticAMD" : NULL;
            if (vendor)
                set(k, SW_KF_CPU_VENDOR, vendor, strlen(vendor), raw, line, P_REPORT);
            take_signature(k, sig, raw, line, P_REPORT);
            setf(k, SW_KF_CPU_SIGNATURE, raw, line, P_REPORT, true, sig);
        }
        const char *mc = strstr(p, "microcode ");
        if (mc)
            setf(k, SW_KF_MICROCODE, raw, line, P_REPORT, true, hex_at(mc + 10, NULL));
    }
}

/* "smpboot: CPU0: 13th Gen Intel(R) Core(TM) i9-13900K (family: 0x6, model: 0xb7, stepping: 0x1)" */
static void take_smpboot(struct sw_kmsg_facts *k, const char *m, const char *raw, uint32_t line)
{
    const char *brand = m + strlen("smpboot: CPU0: ");
    const char *par = strstr(brand, " (family: ");
    if (!par)
        return;
    set(k, SW_KF_CPU_BRAND, brand, (size_t)(par - brand), raw, line, P_BOOT);
    const char *vendor = strstr(brand, "Intel") ? "GenuineIntel" : strstr(brand, "AMD") ? "AuthenticAMD" : NULL;
    if (vendor)
        set(k, SW_KF_CPU_VENDOR, vendor, strlen(vendor), raw, line, P_BOOT);
    const char *mo = strstr(par, "model: "), *st = strstr(par, "stepping: ");
    if (mo && st)
        take_fms(k, (unsigned)hex_at(par + 10, NULL), (unsigned)hex_at(mo + 7, NULL), (unsigned)hex_at(st + 10, NULL),
                 raw, line, P_BOOT);
}

static void take_microcode(struct sw_kmsg_facts *k, const char *m, const char *raw, uint32_t line)
{
    const char *p;
    if ((p = strstr(m, "updated early: ")) != NULL || (p = strstr(m, "updated to revision ")) != NULL) {
        const char *arrow = strstr(p, "-> ");
        const char *v = arrow ? arrow + 3 : strstr(p, "revision ") ? strstr(p, "revision ") + 9 : NULL;
        if (v)
            setf(k, SW_KF_MICROCODE, raw, line, P_BOOT, true, hex_at(v, NULL));
    } else if ((p = strstr(m, "Current revision: ")) != NULL) {
        setf(k, SW_KF_MICROCODE, raw, line, P_BOOT, true, hex_at(p + 18, NULL));
    } else if ((p = strstr(m, "revision=")) != NULL) {
        setf(k, SW_KF_MICROCODE, raw, line, P_REPORT, true, hex_at(p + 9, NULL));
    } else if ((p = strstr(m, "patch_level=")) != NULL) {
        setf(k, SW_KF_MICROCODE, raw, line, P_REPORT, true, hex_at(p + 12, NULL));
    }
    if ((p = strstr(m, "sig=")) != NULL) {
        unsigned long long sig = hex_at(p + 4, NULL);
        if (sig) {
            take_signature(k, sig, raw, line, P_BOOT);
            setf(k, SW_KF_CPU_SIGNATURE, raw, line, P_BOOT, true, sig);
        }
    }
}

static void note_wsl(struct sw_kmsg_facts *k, const char *raw, uint32_t line)
{
    set(k, SW_KF_WSL, "true", 4, raw, line, P_BOOT);
    set(k, SW_KF_ENVIRONMENT, "wsl2", 4, raw, line, P_BOOT);
}

/* A module named in a frame or RIP: "zap_leaf_lookup+0x9e/0x470 [zfs]". */
static void take_frame_module(struct sw_kmsg_facts *k, const char *m, size_t len)
{
    if (len < 4 || m[len - 1] != ']' || !strstr(m, "+0x"))
        return;
    const char *lb = m + len - 2;
    while (lb > m && lb[-1] != '[')
        lb--;
    if (lb == m || lb[-2] != ' ' || *lb == '<')
        return;
    size_t n = (size_t)(m + len - 1 - lb);
    char mod[32];
    if (n == 0 || n >= sizeof mod || memchr(lb, ' ', n))
        return;
    memcpy(mod, lb, n);
    mod[n] = '\0';
    /* whole-word de-dup in the space-separated list */
    for (const char *p = k->modules; (p = strstr(p, mod)) != NULL; p += n)
        if ((p == k->modules || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return;
    size_t used = strlen(k->modules);
    if (used + n + 2 > sizeof k->modules)
        return;
    if (used)
        k->modules[used++] = ' ';
    memcpy(k->modules + used, mod, n + 1);
}

/* Could the message state a fact? False only where sw_kmsg_facts_feed would change nothing: every test
 * of feed below, with its take_* calls left out (the first letters, the frame-module tail, the taint
 * and machine-check words). Feed itself starts with it, so the two cannot drift apart. */
static bool fact_line(const char *m, size_t len)
{
    if (len < 4)
        return false;
    if (m[len - 1] == ']' && strstr(m, "+0x"))
        return true;   /* a frame naming its module */
    switch (m[0]) {
    case 'L':
        return starts(m, "Linux version ");
    case 'H':
        return starts(m, "Hardware name: ") || starts(m, "Hypervisor detected: ");
    case 'D':
        return starts(m, "DMI: ");
    case 'B':
        return strstr(m, "Booting paravirtualized kernel on ") != NULL;
    case 's':
        return starts(m, "smpboot: CPU0: ");
    case 'm':
        return starts(m, "microcode: ") || starts(m, "mce: ");
    case 'c':
        return starts(m, "clocksource: ");
    case 'W':
        return starts(m, "WSL (") || starts(m, "WSL2") || strstr(m, "ainted");
    case '[':
        return starts(m, "[Hardware Error]: ");
    case 'C':
    case 'T':
        return strstr(m, "ainted") != NULL;
    case 'P':
        return strstr(m, "ainted") || strstr(m, "PROCESSOR ");
    case 'E':
        return strstr(m, "PROCESSOR ") != NULL;
    case 'M':
        return starts(m, "Marking clocksource");
    default:
        return dig(m[0]) && strstr(m, "ainted");
    }
}

bool sw_kmsg_facts_may_use(const char *msg, size_t msg_len)
{
    const char *m = msg;
    while (*m == ' ' || *m == '\t')
        m++;
    return fact_line(m, msg_len - (size_t)(m - msg));
}

void sw_kmsg_facts_feed(struct sw_kmsg_facts *k, const char *msg, size_t msg_len, uint32_t line_no)
{
    const char *m = msg;
    while (*m == ' ' || *m == '\t')
        m++;
    size_t len = msg_len - (size_t)(m - msg);
    if (!fact_line(m, len))
        return;   /* most lines */
    take_frame_module(k, m, len);
    const char *p;
    /* A cheap first test: the lines that state facts start with few letters. */
    switch (m[0]) {
    case 'L':
        if (starts(m, "Linux version "))
            take_release(k, m + 14, m, line_no, P_BOOT);
        break;
    case 'H':
        if (starts(m, "Hardware name: "))
            take_dmi(k, m + 15, m, line_no, P_REPORT);
        else if (starts(m, "Hypervisor detected: "))
            take_hypervisor(k, m + 21, m, line_no);
        break;
    case 'D':
        if (starts(m, "DMI: "))
            take_dmi(k, m + 5, m, line_no, P_BOOT);
        break;
    case 'B':
        if ((p = strstr(m, "Booting paravirtualized kernel on ")) != NULL && !strstr(m, "bare hardware"))
            take_hypervisor(k, p + 34, m, line_no);
        break;
    case 's':
        if (starts(m, "smpboot: CPU0: "))
            take_smpboot(k, m, m, line_no);
        break;
    case 'm':
        if (starts(m, "microcode: "))
            take_microcode(k, m, m, line_no);
        else if (starts(m, "mce: "))
            take_cpu(k, m, m, line_no);
        break;
    case 'c':
        if (starts(m, "clocksource: ") && (strstr(m, "unstable") || strstr(m, "watchdog")))
            set(k, SW_KF_CLOCK_UNSTABLE, "true", 4, m, line_no, P_BOOT);
        break;
    case 'W':
        if (starts(m, "WSL (") || starts(m, "WSL2"))
            note_wsl(k, m, line_no);
        break;
    case '[':
        if (starts(m, "[Hardware Error]: "))
            take_cpu(k, m, m, line_no);
        break;
    default:
        break;
    }
    if ((m[0] == 'C' || m[0] == 'T' || m[0] == 'W' || m[0] == 'P' || dig(m[0])) && strstr(m, "ainted")) {
        take_taint_line(k, m, m, line_no);   /* CPU:/WARNING: lines, "Tainted:" */
        if (dig(m[0]))
            take_release(k, m, m, line_no, P_WEAK);   /* lockdep's "6.1.0-rc4 #1 Not tainted" */
    }
    if ((m[0] == 'P' || m[0] == 'E') && strstr(m, "PROCESSOR "))
        take_cpu(k, m, m, line_no);   /* "PROCESSOR 0:906ec" (mcelog-style), "EDAC sbridge MC1: PROCESSOR ..." */
    if (m[0] == 'M' && starts(m, "Marking clocksource") && strstr(m, "unstable"))
        set(k, SW_KF_CLOCK_UNSTABLE, "true", 4, m, line_no, P_BOOT);
    /* only when this line set the release: the check is the same on every later line */
    const char *rel = k->f[SW_KF_RELEASE].line == line_no ? k->f[SW_KF_RELEASE].value : NULL;
    if (rel && !k->f[SW_KF_WSL].line && (strstr(rel, "microsoft-standard") || strstr(rel, "-WSL2"))) {
        const struct sw_kfact *r = &k->f[SW_KF_RELEASE];
        note_wsl(k, r->raw, r->line);
    }
}
