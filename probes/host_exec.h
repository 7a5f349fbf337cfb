/* The ONE seam between stresswsl and the Windows host: run (or replay) a named query through WSL
 * interop. Live: fork+exec of a Windows tool with a per-call and an overall timeout, the child in
 * its own process group (killed whole on timeout). Replay: answer from recorded output files. */
#ifndef SW_HOST_EXEC_H
#define SW_HOST_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

enum sw_hq {
    SW_HQ_CMD_VER,        /* cmd.exe /c ver                                  */
    SW_HQ_WSL_VERSION,    /* wsl.exe --version (UTF-16LE unless WSL_UTF8=1)   */
    SW_HQ_UCODE_CUR,      /* reg.exe query ...CentralProcessor\0 /v "Update Revision" */
    SW_HQ_UCODE_PREV,     /* ... /v "Previous Update Revision"                */
    SW_HQ_CPU_NAME,       /* ... /v ProcessorNameString                       */
    SW_HQ_FIRMWARE,       /* powershell: Win32_BIOS / BaseBoard / ComputerSystemProduct */
    SW_HQ_WHEA,           /* wevtutil: System log, WHEA-Logger                */
    SW_HQ_GUEST_CRASH,    /* wevtutil: Hyper-V-Worker-Admin, event 18590      */
    SW_HQ_WSL_CRASHES,    /* powershell: %TEMP%\wsl-crashes listing           */
    SW_HQ_WSLCONFIG,      /* cmd.exe /c type %USERPROFILE%\.wslconfig         */
    SW_HQ__COUNT
};

struct sw_host_session {
    const char *replay;          /* NULL = live */
    uint64_t deadline_ms;        /* CLOCK_MONOTONIC ms: the one budget for all queries */
    int budget_ms;
    uint64_t win_start_ns, win_end_ns;
    const char *tools_dir;       /* "/mnt/c/Windows/System32" (tests point it at fake tools) */
    const char *interop_entry;   /* "/proc/sys/fs/binfmt_misc/WSLInterop" */
    char broken[400];            /* set once interop is known unusable: later queries skip */
};

void sw_host_session_init(struct sw_host_session *s, const struct sw_probe_env *env);
/* 0 and *out = malloc'd UTF-8 text (CR stripped, interop error lines dropped), or -errno and why
 * holds the "unavailable" reason (interop disabled / timed out / tool missing / no recording). */
int sw_host_run(struct sw_host_session *s, enum sw_hq q, char **out, char *why, size_t whyn);
/* Tool bytes -> UTF-8: UTF-16LE (BOM or NUL in odd bytes) decoded, '\r' removed, lines starting
 * "<3>WSL (" (interop failures printed by /init) removed. malloc'd; NULL on ENOMEM. */
char *sw_host_decode(const char *bytes, size_t n, size_t *outlen);
const char *sw_host_query_name(enum sw_hq q);

#endif
