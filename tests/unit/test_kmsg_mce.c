/* Machine checks in every form (issue 8 §2): each record is ONE `mce` event with corrected/uncorrected,
 * bank, unit, CPU and source, however many lines it spans. Lines verbatim from public reports (URL above
 * each case). */
#include <stdio.h>
#include <string.h>

#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

static struct kmsg_result r;

/* Checks event i: corrected (1 yes, 0 no, -1 unknown), bank (-1 unknown), unit, source, cpu (-1 any). */
static void check_mce(int i, int corrected, int bank, enum sw_mce_unit unit, enum sw_mce_source src, int cpu)
{
    CHECK_MSG(i < r.n, "event %d of %d", i, r.n);
    if (i >= r.n)
        return;
    const struct sw_event *e = &r.ev[i].ev;
    const struct sw_klog_ext *x = &e->kx;
    CHECK_INT(e->klog_kind, SW_KLOG_MCE);
    int got_c = x->mce_corrected == SW_MCE_CORRECTED ? 1 : x->mce_corrected == SW_MCE_UNCORRECTED ? 0 : -1;
    CHECK_INT(got_c, corrected);
    CHECK_INT(x->mce_bank - 1, bank);
    CHECK_STR(sw_mce_unit_name((enum sw_mce_unit)x->mce_unit), sw_mce_unit_name(unit));
    CHECK_STR(sw_mce_source_name((enum sw_mce_source)x->mce_source), sw_mce_source_name(src));
    if (cpu >= 0)
        CHECK_INT(e->cpu, cpu);
    CHECK_INT(e->sev, corrected == 0 ? SW_SEV_FATAL : SW_SEV_ERROR);
}

static void intel_logged_then_bank(void)
{
    /* https://github.com/andikleen/mcelog/issues/70: "events logged" and the record are one event. */
    kmsg_classify_text("Sep 16 19:51:15 kernel: [    0.043437] mce: CPU supports 7 MCE banks\n"
                       "Sep 16 19:51:15 kernel: [    0.064261] mce: [Hardware Error]: Machine check events logged\n"
                       "Sep 16 19:51:15 kernel: [    0.064265] mce: [Hardware Error]: CPU 0: Machine Check: 0 Bank 4: a600000000020408\n"
                       "Sep 16 19:51:15 kernel: [    0.064270] mce: [Hardware Error]: TSC 0 ADDR fef4c9e0 \n"
                       "Sep 16 19:51:15 kernel: [    0.064277] mce: [Hardware Error]: PROCESSOR 0:706a1 TIME 1537152664 SOCKET 0 APIC 0 microcode 28\n"
                       "Sep 16 19:51:15 mcelog[987]: mcelog: Family 6 Model 122 CPU: only decoding architectural errors\n",
                       &r);
    CHECK_INT(r.n, 1);
    /* status a600000000020408: UC=1 (bit 61), MCACOD 0x0408 = internal error */
    check_mce(0, 0, 4, SW_MCE_UNIT_CORE, SW_MCE_SRC_MCE, 0);
}

static void amd_decoded(void)
{
    /* https://github.com/pcengines/apu2-documentation/issues/329 (PRINTK_CALLER form) */
    kmsg_classify_text("[ T1030] [Hardware Error]: Corrected error, no action required.\n"
                       "[ T1030] [Hardware Error]: CPU:0 (16:30:1) MC0_STATUS[-|CE|-|AddrV|-|-|-]: 0x9400000000010015\n"
                       "[ T1030] [Hardware Error]: Error Addr: 0x00008ae14b79c000\n"
                       "[ T1030] [Hardware Error]: MC0 Error: L1 TLB multimatch.\n"
                       "[ T1030] [Hardware Error]: cache level: L1, tx: DATA\n"
                       "[ T1030] [Hardware Error]: Corrected error, no action required.\n"
                       "[ T1030] [Hardware Error]: CPU:0 (16:30:1) MC0_STATUS[-|CE|-|AddrV|-|-|-]: 0x9400000000010015\n",
                       &r);
    CHECK_INT(r.n, 2);
    check_mce(0, 1, 0, SW_MCE_UNIT_CORE, SW_MCE_SRC_MCE_AMD, 0);   /* MCACOD 0x0015: TLB */
    /* SMCA: the unit comes from the bank's name line (synthetic, mce_amd.c wording). */
    kmsg_classify_text("[  1.0] mce: [Hardware Error]: Machine check events logged\n"
                       "[  1.0] [Hardware Error]: Corrected error, no action required.\n"
                       "[  1.0] [Hardware Error]: CPU:3 (19:61:2) MC1_STATUS[-|CE|MiscV|AddrV|-|-|SyndV|-|-|-]: 0xdc20000000030151\n"
                       "[  1.0] [Hardware Error]: Error Addr: 0x000000010b9c8a40\n"
                       "[  1.0] [Hardware Error]: IPID: 0x000100b000000000, Syndrome: 0x000000005a000000\n"
                       "[  1.0] [Hardware Error]: Instruction Fetch Unit Ext. Error Code: 3, IC Data Array Parity Error.\n"
                       "[  1.0] [Hardware Error]: cache level: L1, tx: INSN, mem-tx: IRD\n",
                       &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 1, 1, SW_MCE_UNIT_IFETCH, SW_MCE_SRC_MCE_AMD, 3);
}

/* The older edac_mce_amd decoding (no "CPU:n (ff:mm:s)" before MC4_STATUS) of a family 10h
 * northbridge DRAM ECC error, as syslogd wall messages:
 * https://newbetuts.com/502269-hardware-error-messages-from-syslogd (tests/corpus/kmsg/mce-amd-k10-*). */
static void amd_k10_northbridge(void)
{
    static const char wall[] =
        "Message from syslogd@heracles at Nov  7 21:00:02 ...\n"
        " kernel:[Hardware Error]: MC4_STATUS[Over|CE|MiscV|-|AddrV|-|-|CECC]: 0xdc10410040080a13    \n"
        "\n"
        "Message from syslogd@heracles at Nov  7 21:00:02 ...\n"
        " kernel:[Hardware Error]: Northbridge Error (node 4): DRAM ECC error detected on the NB.\n"
        "\n"
        "Message from syslogd@heracles at Nov  7 21:00:02 ...\n"
        " kernel:[Hardware Error]: cache level: L3/GEN, mem/io: MEM, mem-tx: RD, part-proc: RES (no timeout)\n";
    kmsg_classify_text(wall, &r);
    CHECK_INT(r.n, 1);
    /* MCACOD 0x0a13 alone is a bus error; the decoder's "DRAM ECC" line names the memory. */
    check_mce(0, 1, 4, SW_MCE_UNIT_MEMORY, SW_MCE_SRC_MCE_AMD, -1);
    /* The status line alone: still a corrected machine check in bank 4 (the bus error code). */
    kmsg_classify_text(" kernel:[Hardware Error]: MC4_STATUS[Over|CE|MiscV|-|AddrV|-|-|CECC]: 0xdc10410040080a13\n", &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 1, 4, SW_MCE_UNIT_BUS, SW_MCE_SRC_MCE_AMD, -1);
    /* The decoded bank line quoted without its status line (https://serverdevworker.com/926365abc):
     * a machine check of the memory, severity not stated. */
    kmsg_classify_text("kernel:[  723.595042] [Hardware Error]: Northbridge Error (node 0): DRAM ECC error detected on the NB.\n"
                       "kernel:[  723.595062] [Hardware Error]: cache level: L3/GEN, mem/io: MEM, mem-tx: RD, part-proc: SRC (no timeout)\n",
                       &r);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.n > 0 ? r.ev[0].ev.klog_kind : 0, SW_KLOG_MCE);
    CHECK_STR(r.n > 0 ? sw_mce_unit_name((enum sw_mce_unit)r.ev[0].ev.kx.mce_unit) : "", "memory");
    /* 3.x kernels separate the CPU with a tab (synthetic, from mce_amd.c's "CPU:%d\tMC%d_STATUS[" and
     * the status of a syslogd wall message quoted in a public Q&A page: "CPU:6 MC4_STATUS[..]: 0xdc04400032080a13"). */
    kmsg_classify_text("[171000.744035] [Hardware Error]: CPU:6\tMC4_STATUS[Over|CE|MiscV|-|AddrV|CECC]: 0xdc04400032080a13\n", &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 1, 4, SW_MCE_UNIT_BUS, SW_MCE_SRC_MCE_AMD, 6);
}

static void edac_sbridge_one_record(void)
{
    /* https://github.com/radiasoft/devops/issues/134: seven lines, one corrected DRAM error. */
    kmsg_classify_text("Feb 23 03:28:16 kernel: mce: [Hardware Error]: Machine check events logged\n"
                       "Feb 23 03:28:16 kernel: EDAC sbridge MC1: HANDLING MCE MEMORY ERROR\n"
                       "Feb 23 03:28:16 kernel: EDAC sbridge MC1: CPU 1: Machine Check Event: 0 Bank 11: 8c00004f000800c2\n"
                       "Feb 23 03:28:16 kernel: EDAC sbridge MC1: TSC 0\n"
                       "Feb 23 03:28:16 kernel: EDAC sbridge MC1: ADDR ee30a0000\n"
                       "Feb 23 03:28:16 kernel: EDAC sbridge MC1: MISC 900040004001e8c\n"
                       "Feb 23 03:28:16 kernel: EDAC sbridge MC1: PROCESSOR 0:306e4 TIME 1519356496 SOCKET 1 APIC 20\n"
                       "Feb 23 03:28:16  kernel: EDAC MC1: 1 CE memory scrubbing error on CPU_SrcID#1_Ha#0_Chan#0_DIMM#0 (channel:0 slot:0 page:0xee30a0 offset:0x0 grain:32 syndrome:0x0 -  area:DRAM err_code:0008:00c2 socket:1 ha:0 channel_mask:1 rank:0)\n",
                       &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 1, 11, SW_MCE_UNIT_MEMORY, SW_MCE_SRC_EDAC, 1);
    /* A lone EDAC count line (https://serverdevworker.com/6966c0587 quotes it): memory, corrected. */
    kmsg_classify_text("[ 9.1] EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#0_DIMM#0 (channel:0 slot:0 page:0x4a0d75 offset:0x900 grain:32 syndrome:0x0)\n"
                       "[ 9.2] EDAC MC0: 1 UE memory read error on CPU_SrcID#0_Ha#0_Chan#0_DIMM#0 (channel:0 slot:0 page:0x4a0d75)\n"
                       "[ 9.3] EDAC amd64: Node 0: DRAM ECC enabled.\n",
                       &r);
    CHECK_INT(r.n, 2);
    check_mce(0, 1, -1, SW_MCE_UNIT_MEMORY, SW_MCE_SRC_EDAC, -1);
    check_mce(1, 0, -1, SW_MCE_UNIT_MEMORY, SW_MCE_SRC_EDAC, -1);
}

static void ghes_firmware_first(void)
{
    /* https://github.com/prometheus/node_exporter/issues/3511: no "mce:" prefix at all. */
    kmsg_classify_text("Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]: Hardware error from APEI Generic Hardware Error Source: 4\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]: It has been corrected by h/w and requires no further action\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]: event severity: corrected\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]:  Error 0, type: corrected\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]:  fru_text: D2\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]:   section_type: memory error\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]:    error_status: Storage error in DRAM memory (0x0000000000000400)\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]:   physical_address: 0x0000006a47d1f540\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]:   node:6 card:1 module:0 rank:1 bank:2 device:11 row:40948 column:560\n"
                       "Dec 29 05:24:23 proxmox kernel: {35}[Hardware Error]:   error_type: 2, single-bit ECC\n",
                       &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 1, -1, SW_MCE_UNIT_MEMORY, SW_MCE_SRC_GHES, -1);   /* "bank:2" is a DRAM bank, not an MCA bank */
    /* https://github.com/ROCm/legacy-rocm-build/issues/2927: a PCIe record is firmware-reported bus error. */
    kmsg_classify_text("kernel: [ 2484.374025] {359}[Hardware Error]: Hardware error from APEI Generic Hardware Error Source: 512\n"
                       "kernel: [ 2484.374028] {359}[Hardware Error]: It has been corrected by h/w and requires no further action\n"
                       "kernel: [ 2484.374029] {359}[Hardware Error]: event severity: corrected\n"
                       "kernel: [ 2484.374030] {359}[Hardware Error]:  Error 0, type: corrected\n"
                       "kernel: [ 2484.374031] {359}[Hardware Error]:   section_type: PCIe error\n"
                       "kernel: [ 2484.374031] {359}[Hardware Error]:   port_type: 4, root port\n",
                       &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 1, -1, SW_MCE_UNIT_BUS, SW_MCE_SRC_GHES, -1);
    /* https://github.com/yangxiaohua2009/custom-kernel/issues/6: a BERT record (previous boot), fatal. */
    kmsg_classify_text("[    2.345569] BERT: Error records from previous boot:\n"
                       "[    2.345575] [Hardware Error]: event severity: fatal\n"
                       "[    2.345577] [Hardware Error]:  Error 0, type: fatal\n"
                       "[    2.345580] [Hardware Error]:   section_type: Firmware Error Record Reference\n",
                       &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 0, -1, SW_MCE_UNIT_UNKNOWN, SW_MCE_SRC_GHES, -1);
}

static void mcelog_and_rasdaemon(void)
{
    /* https://github.com/andikleen/mcelog/issues/35: /var/log/mcelog text. */
    kmsg_classify_text("mcelog: mcelog read: No such device\n"
                       "Hardware event. This is not a software error.\n"
                       "MCE 0\n"
                       "CPU 0 BANK 11 \n"
                       "MISC 229aa040900086 ADDR fffc4b00 \n"
                       "TIME 1458750006 Wed Mar 23 12:20:06 2016\n"
                       "MCG status:\n"
                       "MCi status:\n"
                       "Uncorrected error\n"
                       "MCi_MISC register valid\n"
                       "MCi_ADDR register valid\n"
                       "Processor context corrupt\n"
                       "MCA: corrected filtering (some unreported errors in same region)\n"
                       "Generic CACHE Level-2 Generic Error\n"
                       "STATUS ae2000000003110a MCGSTATUS 0\n"
                       "MCGCAP 6000c14 APICID 0 SOCKETID 0 \n"
                       "CPUID Vendor Intel Family 6 Model 85\n",
                       &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 0, 11, SW_MCE_UNIT_L2, SW_MCE_SRC_MCELOG, 0);
    /* https://github.com/andikleen/mcelog/issues/51: the same text under syslog's "mcelog:" tag. */
    kmsg_classify_text("2017-05-05T08:57:16+02:00 avaritia mcelog: MCG status:\n"
                       "2017-05-05T08:57:16+02:00 avaritia mcelog: Hardware event. This is not a software error.\n"
                       "2017-05-05T08:57:16+02:00 avaritia mcelog: MCE 15\n"
                       "2017-05-05T08:57:16+02:00 avaritia mcelog: CPU 2 BANK 9 \n"
                       "2017-05-05T08:57:16+02:00 avaritia mcelog: Corrected error\n"
                       "2017-05-05T08:57:16+02:00 avaritia mcelog: MCA: MEMORY CONTROLLER GEN_CHANNELunspecified_ERR\n"
                       "2017-05-05T08:57:16+02:00 avaritia mcelog: STATUS 900000400009008f MCGSTATUS 0\n",
                       &r);
    CHECK_INT(r.n, 1);
    check_mce(0, 1, 9, SW_MCE_UNIT_MEMORY, SW_MCE_SRC_MCELOG, 2);
    /* https://github.com/NixOS/infra/pull/523: ras-mc-ctl --errors rows, one event each. */
    kmsg_classify_text("MCE events:\n"
                       "1 2024-12-19 03:52:38 +0000 error: Corrected error, no action required., CPU 2, bank Unified Memory Controller (bank=17), mcg mcgstatus=0, mci CECC, memory_channel=0,csrow=1, mcgcap=0x0000011c, status=0x9c2040000000011b, addr=0x319deb440, misc=0xd01b0fff01000000, walltime=0x67639886, cpuid=0x00870f10, bank=0x00000011\n"
                       "2 2024-12-20 09:33:01 +0000 error: Corrected error, no action required., CPU 2, bank Unified Memory Controller (bank=17), mcg mcgstatus=0, mci CECC, memory_channel=0,csrow=1, mcgcap=0x0000011c, status=0x9c2040000000011b, addr=0x319deb440, misc=0xd01b0fff01000000, walltime=0x676539ce, cpuid=0x00870f10, bank=0x00000011\n",
                       &r);
    CHECK_INT(r.n, 2);
    check_mce(0, 1, 17, SW_MCE_UNIT_MEMORY, SW_MCE_SRC_MCELOG, 2);
}

static void shared_fixtures(void)
{
    /* kmsg-more/wsl2-mce-fatal-machine-check-b0671-raptorlake.log: fatal, context corrupt. */
    const char *text = kmsg_slurp(sw_test_fixture("kmsg-more/wsl2-mce-fatal-machine-check-b0671-raptorlake.log"));
    CHECK(text != NULL);
    if (!text)
        return;
    kmsg_classify_text(text, &r);
    bool fatal_mce = false;
    for (int i = 0; i < r.n; i++)
        fatal_mce |= r.ev[i].ev.klog_kind == SW_KLOG_MCE && r.ev[i].ev.kx.mce_corrected == SW_MCE_UNCORRECTED;
    CHECK(fatal_mce);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"intel_logged_then_bank", intel_logged_then_bank}, {"amd_decoded", amd_decoded}, {"amd_k10_northbridge", amd_k10_northbridge},
        {"edac_sbridge_one_record", edac_sbridge_one_record}, {"ghes_firmware_first", ghes_firmware_first},
        {"mcelog_and_rasdaemon", mcelog_and_rasdaemon}, {"shared_fixtures", shared_fixtures}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
