/* Machine checks in every form the kernel and its tools print, each record ONE `mce` event with
 * corrected/uncorrected, bank, unit and CPU (core/event.h sw_klog_ext):
 *   Intel/AMD core:  "mce: [Hardware Error]: CPU 4: Machine Check: 0 Bank 0: 9400004000040150" (+ TSC,
 *                    ADDR, PROCESSOR lines), "Machine check events logged";
 *   AMD decoded:     "[Hardware Error]: Corrected error, no action required." then
 *                    "[Hardware Error]: CPU:0 (19:61:2) MC10_STATUS[-|CE|MiscV|...]: 0x9c20..." and
 *                    "... Ext. Error Code: ..." / "MC0 Error: ..." / "cache level: ..." lines;
 *   EDAC:            "EDAC MC0: 1 CE memory read error on ...", "EDAC sbridge MC0: HANDLING MCE MEMORY ERROR";
 *   APEI/GHES:       "{7}[Hardware Error]: Hardware error from APEI ...", "event severity: corrected",
 *                    "section_type: memory error" (firmware-first, no "mce:" prefix at all);
 *   mcelog:          "Hardware event. This is not a software error." record text;
 *   rasdaemon:       ras-mc-ctl "MCE events" rows, mce_record / mc_event trace lines.
 * The lines that belong to one record (the kernel prints "events logged", the bank line and the EDAC
 * decode of the same error one after another) join the open record instead of starting another. */
#include "probes/kmsg_cls_int.h"

#include "core/fmt.h"

enum {
    KC_MCE_REC = 1u << 0,    /* the record's bank/status (or severity) line is in */
    KC_MCE_EDAC = 1u << 1,   /* an "EDAC MCn: N CE" count line is in            */
};

static bool mce_open(const struct sw_kmsg_cls *c)
{
    return kc_block_is(c, SW_KLOG_MCE);
}

/* Starts a record, or joins the open one when it has no record line of its own yet. */
static struct sw_kmsg_block *record(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m,
                                    int source, uint8_t part)
{
    struct sw_kmsg_block *b = &c->b;
    if (!(mce_open(c) && !(b->mce_parts & part))) {
        kc_start(c, l, m, SW_KLOG_MCE, KB_MCE);
        b->accept_trace = false;
        b->ghes_id = -1;
    } else if (m && (!b->headline[0] || !(b->mce_parts & KC_MCE_REC))) {
        sw_strlcpy(b->headline, m, sizeof b->headline);   /* the record line says more than "logged" */
    }
    if (!b->kx.mce_source || b->kx.mce_source == SW_MCE_SRC_MCE)
        b->kx.mce_source = (uint8_t)source;
    b->mce_parts |= part;
    return b;
}

static void set_corrected(struct sw_kmsg_block *b, bool corrected, bool pcc)
{
    b->kx.mce_corrected = corrected ? SW_MCE_CORRECTED : SW_MCE_UNCORRECTED;
    sw_strlcpy(b->what, corrected ? "corrected" : pcc ? "uncorrected, context corrupt" : "uncorrected", sizeof b->what);
    b->sev_hint = corrected ? SW_SEV_ERROR : SW_SEV_FATAL;
}

static void set_bank(struct sw_kmsg_block *b, long bank, uint64_t status, bool have_status)
{
    if (bank < 0 || bank > 30000)
        return;
    b->kx.mce_bank = (int16_t)(bank + 1);
    struct sw_fmt f;
    sw_fmt_init(&f, b->where, sizeof b->where);
    sw_fmt_str(&f, "bank ");
    sw_fmt_i64(&f, bank);
    if (have_status) {
        sw_fmt_str(&f, " status ");
        sw_fmt_hex(&f, status);
    }
}

static void set_unit(struct sw_kmsg_block *b, int unit)
{
    if (!b->kx.mce_unit || b->kx.mce_unit == SW_MCE_UNIT_UNKNOWN)
        b->kx.mce_unit = (uint8_t)unit;
}

/* Intel SDM "IA32_MCi_STATUS [15:0] compound error codes" (AMD uses the same low codes on older
 * families): which unit the error came from. */
static int unit_of_mcacod(uint16_t code, long bank)
{
    if ((code & 0xff80) == 0x0080)
        return SW_MCE_UNIT_MEMORY;           /* 0000 0000 1MMM CCCC: memory controller */
    if ((code & 0xeF00) == 0x0100) {          /* 000F 0001 RRRR TTLL: cache hierarchy     */
        unsigned ll = code & 3, tt = (code >> 2) & 3;
        if (ll == 2)
            return SW_MCE_UNIT_L2;
        if (ll == 3)
            return SW_MCE_UNIT_L3;
        return tt == 0 ? SW_MCE_UNIT_IFETCH : bank == 0 ? SW_MCE_UNIT_IFETCH : SW_MCE_UNIT_LOAD_STORE;
    }
    if ((code & 0xfff0) == 0x0010)
        return SW_MCE_UNIT_CORE;             /* TLB */
    if ((code & 0xe800) == 0x0800)
        return SW_MCE_UNIT_BUS;              /* bus and interconnect */
    if ((code & 0xfc00) == 0x0400)
        return SW_MCE_UNIT_CORE;             /* internal (timer, unclassified) */
    return SW_MCE_UNIT_UNKNOWN;
}

/* Unit names in decoded text: AMD "Load Store Unit Ext. Error Code", "MC1 Error: ... instruction
 * cache", mcelog "Generic CACHE Level-2", rasdaemon "bank Unified Memory Controller". */
static int unit_of_text(const char *m)
{
    static const struct {
        const char *needle;
        int unit;
    } units[] = {
        {"Load Store", SW_MCE_UNIT_LOAD_STORE}, {"Data Cache", SW_MCE_UNIT_LOAD_STORE},
        {"Data CACHE", SW_MCE_UNIT_LOAD_STORE}, {"Instruction Fetch", SW_MCE_UNIT_IFETCH},
        {"Instruction CACHE", SW_MCE_UNIT_IFETCH}, {"nstruction cache", SW_MCE_UNIT_IFETCH},
        {"L2 Cache", SW_MCE_UNIT_L2}, {"L2 cache", SW_MCE_UNIT_L2}, {"Level-2", SW_MCE_UNIT_L2},
        {"L3 Cache", SW_MCE_UNIT_L3}, {"L3 cache", SW_MCE_UNIT_L3}, {"Level-3", SW_MCE_UNIT_L3},
        {"Memory Controller", SW_MCE_UNIT_MEMORY}, {"MEMORY CONTROLLER", SW_MCE_UNIT_MEMORY},
        {"DRAM", SW_MCE_UNIT_MEMORY}, {"memory error", SW_MCE_UNIT_MEMORY}, {"ECC", SW_MCE_UNIT_MEMORY},
        {"Execution Unit", SW_MCE_UNIT_CORE}, {"Floating Point", SW_MCE_UNIT_CORE},
        {"processor error", SW_MCE_UNIT_CORE}, {"TLB", SW_MCE_UNIT_CORE}, {"Level-0", SW_MCE_UNIT_CORE},
        {"Level-1", SW_MCE_UNIT_CORE}, {"Data Fabric", SW_MCE_UNIT_BUS}, {"PCIe", SW_MCE_UNIT_BUS},
        {"Bus and Interconnect", SW_MCE_UNIT_BUS}, {"BUS", SW_MCE_UNIT_BUS}, {"NBIO", SW_MCE_UNIT_BUS},
        {NULL, 0},
    };
    for (int i = 0; units[i].needle; i++)
        if (strstr(m, units[i].needle))
            return units[i].unit;
    return 0;
}

/* "CPU 4: Machine Check: 0 Bank 0: 9400004000040150", "CPU 0: Machine Check Exception: 5 Bank 4: ..",
 * "EDAC sbridge MC1: CPU 1: Machine Check Event: 0 Bank 11: 8c00004f000800c2". */
static void bank_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *bank)
{
    struct sw_kmsg_block *b = record(c, l, m, SW_MCE_SRC_MCE, KC_MCE_REC);
    const char *p = strstr(m, "CPU ");
    if (p && p < bank) {
        p += 4;
        while (*p == ' ')
            p++;   /* "CPU  8" in hand-aligned notes */
        b->cpu = (int)dec(p, NULL);
    }
    const char *e;
    long nb = dec(bank + 5, &e);
    uint64_t status = 0;
    if (*e == ':') {
        e++;
        while (*e == ' ')
            e++;
        status = hexval(e, NULL);
    }
    /* MCi_STATUS: bit 61 UC (uncorrected), bit 57 PCC (processor context corrupt). */
    set_corrected(b, !((status >> 61) & 1), (status >> 57) & 1);
    set_bank(b, nb, status, true);
    set_unit(b, unit_of_mcacod((uint16_t)status, nb));
}

/* AMD "CPU:0 (19:61:2) MC10_STATUS[-|CE|MiscV|AddrV|...]: 0x9c2040000000011b". */
static void amd_status_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *mc)
{
    struct sw_kmsg_block *b = &c->b;
    bool joined = mce_open(c) && (b->mce_parts & KC_MCE_REC) && !(b->kx.mce_bank) &&
                  b->kx.mce_source == SW_MCE_SRC_MCE_AMD;
    if (!joined)
        b = record(c, l, m, SW_MCE_SRC_MCE_AMD, KC_MCE_REC);
    b->kx.mce_source = SW_MCE_SRC_MCE_AMD;
    sw_strlcpy(b->headline, m, sizeof b->headline);
    const char *p = strstr(m, "CPU:");
    if (p && p < mc)
        b->cpu = (int)dec(p + 4, NULL);
    const char *e;
    long nb = dec(mc + 2, &e);
    const char *flags = strchr(mc, '[');
    const char *colon = strstr(mc, "]: ");
    uint64_t status = colon ? hexval(colon + 3, NULL) : 0;
    bool uc = flags && (strstr(flags, "|UE|") || strstr(flags, "[UE|") || strstr(flags, "|UC|"));
    if (status)
        uc = (status >> 61) & 1;
    if (!b->kx.mce_corrected || status)
        set_corrected(b, !uc, (status >> 57) & 1);
    set_bank(b, nb, status, status != 0);
    /* SMCA bank names are printed on the next lines; older families: the low code. */
    set_unit(b, unit_of_mcacod((uint16_t)status, nb));
}

static bool ghes_record(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *he)
{
    int id = -1;
    const char *brace = he;
    while (brace > m && brace[-1] != '{')
        brace--;
    if (brace > m && brace[-1] == '{')
        id = (int)dec(brace, NULL);
    const char *t = he + strlen("[Hardware Error]:");
    while (*t == ' ')
        t++;
    struct sw_kmsg_block *b = &c->b;
    bool same = mce_open(c) && b->kx.mce_source == SW_MCE_SRC_GHES && b->ghes_id == id;
    if (starts(t, "Hardware error from APEI") || (!same && (starts(t, "event severity:") || starts(t, "It has been corrected")))) {
        bool join_logged = mce_open(c) && !(b->mce_parts & KC_MCE_REC);
        if (!join_logged)
            kc_start(c, l, m, SW_KLOG_MCE, KB_MCE);
        b->accept_trace = false;
        b->kx.mce_source = SW_MCE_SRC_GHES;
        b->mce_parts |= KC_MCE_REC;
        b->ghes_id = id;
        sw_strlcpy(b->headline, m, sizeof b->headline);
        sw_strlcpy(b->what, "firmware-reported", sizeof b->what);
    } else if (!same) {
        return false;
    }
    if (starts(t, "event severity: ")) {
        const char *sv = t + 16;
        set_corrected(b, starts(sv, "corrected") || starts(sv, "info"), starts(sv, "fatal"));
    } else if (starts(t, "section_type: ") || starts(t, "section type: ")) {
        int u = unit_of_text(t);
        set_unit(b, u ? u : SW_MCE_UNIT_UNKNOWN);
    }
    return true;
}

/* "EDAC MC0: 1 CE memory read error on ...", "EDAC MC1: 1 UE ...", "EDAC amd64: ..."
 * Returns false for EDAC lines that are not error reports (driver banners). */
static bool edac_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, const char *ed)
{
    const char *colon = strchr(ed, ':');
    if (!colon)
        return false;
    const char *p = colon + 1;
    while (*p == ' ')
        p++;
    struct sw_kmsg_block *b = &c->b;
    if (strstr(ed, "HANDLING MCE MEMORY ERROR")) {
        b = record(c, l, m, SW_MCE_SRC_EDAC, KC_MCE_EDAC);   /* the bank line and count follow */
        b->mce_parts &= (uint8_t)~KC_MCE_EDAC;
        b->kx.mce_source = SW_MCE_SRC_EDAC;
        set_unit(b, SW_MCE_UNIT_MEMORY);
        return true;
    }
    if (mce_open(c) && b->kx.mce_source == SW_MCE_SRC_EDAC && strstr(ed, "Machine Check Event") == NULL &&
        (starts(p, "TSC") || starts(p, "ADDR") || starts(p, "MISC") || starts(p, "PROCESSOR") || starts(p, "CPU ")))
        return true;
    const char *e;
    long n = dec(p, &e);
    if (n <= 0 || e[0] != ' ' || !((e[1] == 'C' || e[1] == 'U') && e[2] == 'E' && e[3] == ' '))
        return false;
    bool join = mce_open(c) && !(b->mce_parts & KC_MCE_EDAC) &&
                (b->kx.mce_unit == SW_MCE_UNIT_MEMORY || b->kx.mce_unit <= SW_MCE_UNIT_UNKNOWN);
    if (!join)
        b = record(c, l, m, SW_MCE_SRC_EDAC, KC_MCE_EDAC);
    b->mce_parts |= KC_MCE_EDAC | KC_MCE_REC;
    if (!b->kx.mce_source || b->kx.mce_source == SW_MCE_SRC_MCE)
        b->kx.mce_source = SW_MCE_SRC_EDAC;
    set_corrected(b, e[1] == 'C', false);
    b->kx.mce_unit = SW_MCE_UNIT_MEMORY;
    if (!b->where[0])
        copyn(b->where, sizeof b->where, ed + 5, (size_t)(colon - ed - 5));
    return true;
}

/* mcelog's record text ("Hardware event. This is not a software error." ...), plain or tagged. */
static bool mcelog_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    static const char *const cont[] = {"MCE ", "MISC ", "ADDR ", "TIME ", "MCG status", "MCi status", "MCi_",
                                       "Error enabled", "Error overflow", "Transaction:", "MCGCAP", "CPUID ",
                                       "Processor context corrupt", "Generic ", "Data CACHE", "Instruction CACHE",
                                       "Memory ", "MEMORY ", "Running trigger", "SOCKET ", "PPIN ", "RIP ",
                                       "Restart IP", "Uncorrected error", "Corrected error", "MCA: ", "STATUS ",
                                       "CPU ", "Bus ", "Firmware ", "Unified ", "Action", "SRAO", "SRAR", "Processor ",
                                       NULL};
    struct sw_kmsg_block *b = &c->b;
    if (starts(m, "Hardware event. This is not a software error.")) {
        kc_start(c, l, m, SW_KLOG_MCE, KB_MCE);
        b->accept_trace = false;
        b->kx.mce_source = SW_MCE_SRC_MCELOG;
        b->mce_parts = KC_MCE_REC;
        b->ghes_id = -1;
        return true;
    }
    if (!(mce_open(c) && b->kx.mce_source == SW_MCE_SRC_MCELOG))
        return false;
    bool known = false;
    for (int i = 0; cont[i] && !known; i++)
        known = starts(m, cont[i]);
    if (!known)
        return false;
    const char *p;
    if (starts(m, "CPU ") && (((p = strstr(m, " BANK ")) != NULL && dec(p + 6, NULL) == 128) || strstr(m, "THERMAL EVENT"))) {
        b->cpu = (int)dec(m + 4, NULL);
        kc_thermal_from_mcelog(b, m);   /* bank 128 is the kernel's thermal pseudo-bank, not a hardware bank */
    } else if (starts(m, "Processor ") && strstr(m, "trip temperature")) {
        kc_thermal_from_mcelog(b, m);
    } else if (starts(m, "CPU ") && (p = strstr(m, " BANK ")) != NULL) {
        b->cpu = (int)dec(m + 4, NULL);
        set_bank(b, dec(p + 6, NULL), 0, false);
    } else if (starts(m, "Corrected error") || starts(m, "Uncorrected error")) {
        set_corrected(b, m[0] == 'C', false);
    } else if (starts(m, "Processor context corrupt")) {
        set_corrected(b, false, true);
    } else if (starts(m, "STATUS ")) {
        uint64_t st = hexval(m + 7, NULL);
        set_corrected(b, !((st >> 61) & 1), (st >> 57) & 1);
        set_unit(b, unit_of_mcacod((uint16_t)st, b->kx.mce_bank - 1));
    } else {
        int u = unit_of_text(m);
        if (u)
            set_unit(b, u);
    }
    return true;
}

/* rasdaemon: ras-mc-ctl "MCE events" rows ("error: Corrected error, no action required., CPU 2, bank
 * Unified Memory Controller (bank=17), ..."), "Corrected error(s): memory read error at ..." rows and
 * the mce_record / mc_event trace lines. One line = one record. */
static bool rasdaemon_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *bank = kc_has(c, l, m, "bank=");
    bool mce_row = bank && (strstr(m, "mce_record") || strstr(m, "error: ") || strstr(m, "mcgstatus"));
    const char *memrow = kc_has(c, l, m, " error(s): ");
    bool mc_event = kc_has(c, l, m, "mc_event") && (strstr(m, "Corrected error") || strstr(m, "Uncorrected error"));
    if (!mce_row && !memrow && !mc_event)
        return false;
    kc_start(c, l, m, SW_KLOG_MCE, KB_MCE);
    struct sw_kmsg_block *b = &c->b;
    b->accept_trace = false;
    b->kx.mce_source = SW_MCE_SRC_MCELOG;
    b->mce_parts = KC_MCE_REC;
    b->ghes_id = -1;
    bool corrected = strstr(m, "Corrected") || strstr(m, "corrected error") || strstr(m, "CECC");
    set_corrected(b, corrected && !strstr(m, "Uncorrected") && !strstr(m, "uncorrected"), false);
    const char *cpu = strstr(m, "CPU ");
    if (!cpu)
        cpu = strstr(m, "cpu=");
    if (cpu)
        b->cpu = (int)dec(cpu + 4, NULL);
    if (bank)
        set_bank(b, dec(bank + 5, NULL), 0, false);
    int u = unit_of_text(m);
    if (memrow || mc_event)
        u = SW_MCE_UNIT_MEMORY;
    set_unit(b, u ? u : SW_MCE_UNIT_UNKNOWN);
    return true;
}

bool kc_mce_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    struct sw_kmsg_block *b = &c->b;
    const char *p, *he;
    if ((p = kc_hl(c, l, m, "Machine Check")) != NULL && (p = strstr(p, "Bank ")) != NULL && dig(p[5])) {
        bank_line(c, l, m, p);
        return true;
    }
    if ((p = kc_hl(c, l, m, "EDAC ")) != NULL && (p == m || p[-1] == ' ')) {
        if (edac_line(c, l, m, p))
            return true;
    }
    if ((he = kc_hl(c, l, m, "[Hardware Error]:")) != NULL) {
        if (he > m && he[-1] == '}' && ghes_record(c, l, m, he))
            return true;
        const char *t = he + 17;
        while (*t == ' ')
            t++;
        if (strstr(t, "Machine check events logged")) {
            if (kc_thermal_open(c))
                return true;   /* Intel logs each throttle as a record: part of the thermal burst */
            if (!mce_open(c)) {
                kc_start(c, l, m, SW_KLOG_MCE, KB_MCE);
                b->accept_trace = false;
                b->ghes_id = -1;
                b->kx.mce_source = SW_MCE_SRC_MCE;
                sw_strlcpy(b->what, "logged (details in mcelog)", sizeof b->what);
            }
            return true;
        }
        /* BERT/GHES records without a "{N}" number ("event severity: fatal" after a reboot). */
        if ((starts(t, "event severity: ") || starts(t, "Hardware error from APEI")) && ghes_record(c, l, m, he))
            return true;
        if (mce_open(c) && b->kx.mce_source == SW_MCE_SRC_GHES && b->ghes_id < 0 && ghes_record(c, l, m, he))
            return true;
        /* AMD decoded records start with their severity sentence. */
        if (starts(t, "Corrected error") || starts(t, "Uncorrected") || starts(t, "Deferred error")) {
            b = record(c, l, m, SW_MCE_SRC_MCE_AMD, KC_MCE_REC);
            b->kx.mce_source = SW_MCE_SRC_MCE_AMD;
            set_corrected(b, t[0] == 'C' || t[0] == 'D', strstr(t, "Fatal") != NULL);
            return true;
        }
        /* "CPU:0 (19:61:2) MC10_STATUS[..]" and the older edac_mce_amd form without the CPU
         * ("MC4_STATUS[Over|CE|MiscV|-|AddrV|-|-|CECC]: 0x.."). */
        const char *mc = starts(t, "MC") ? t - 1 : strstr(t, " MC");
        if (!mc && starts(t, "CPU:"))
            mc = strstr(t, "\tMC");   /* 3.x: pr_emerg(HW_ERR "CPU:%d\tMC%d_STATUS[..") */
        if ((starts(t, "CPU:") || mc == t - 1) && mc && dig(mc[3]) && strstr(mc, "_STATUS")) {
            amd_status_line(c, l, m, mc + 1);
            return true;
        }
        /* A decoded bank line quoted without its status line ("Northbridge Error (node 0): DRAM ECC
         * error detected on the NB.", "MC4 Error (node 2): ..."): still a machine check of that unit. */
        if (!mce_open(c) && (starts(t, "Northbridge Error") || (starts(t, "MC") && dig(t[2]) && strstr(t, " Error")))) {
            record(c, l, m, SW_MCE_SRC_MCE_AMD, KC_MCE_REC);
            b->kx.mce_source = SW_MCE_SRC_MCE_AMD;
        }
        if (mce_open(c)) {
            int u = unit_of_text(t);   /* "Load Store Unit Ext. Error Code: 0", "MC4 Error: DRAM ECC ..." */
            if (u && (strstr(t, "Error Code") || strstr(t, " Error") || strstr(t, "cache level"))) {
                /* The status code of an AMD northbridge DRAM error is a bus error with mem/io MEM;
                 * the decoder's own "DRAM ECC error" names the memory behind it. */
                if (u == SW_MCE_UNIT_MEMORY && b->kx.mce_unit == SW_MCE_UNIT_BUS)
                    b->kx.mce_unit = SW_MCE_UNIT_UNKNOWN;
                set_unit(b, u);
            }
            if (strstr(t, "Processor context corrupt"))
                set_corrected(b, false, true);
        }
        return true;   /* TSC/ADDR/PROCESSOR lines of the same record, or decode noise */
    }
    if (mcelog_line(c, l, m) || rasdaemon_line(c, l, m))
        return true;
    return false;
}
