#include "core/event.h"

#include <stdio.h>
#include <string.h>

static const char *const type_names[SW_EV_TYPE_COUNT] = {
    [SW_EV_NOTE] = "note",           [SW_EV_PHASE] = "phase",
    [SW_EV_MEM_ERROR] = "mem_error", [SW_EV_VERIFY_ERROR] = "verify_error",
    [SW_EV_WORKER_SIGNAL] = "worker_signal", [SW_EV_WORKER_EXIT] = "worker_exit",
    [SW_EV_KERNEL] = "kernel",       [SW_EV_HOST] = "host",
    [SW_EV_RESOURCE] = "resource",   [SW_EV_STALL] = "stall",
};

static const char *const klog_names[SW_KLOG_KIND_COUNT] = {
    [SW_KLOG_NONE] = "",
    [SW_KLOG_PANIC] = "panic",           [SW_KLOG_OOPS] = "oops",
    [SW_KLOG_BUG] = "bug",               [SW_KLOG_NULL_DEREF] = "null_deref",
    [SW_KLOG_GPF] = "gpf",               [SW_KLOG_INVALID_OPCODE] = "invalid_opcode",
    [SW_KLOG_DIVIDE_ERROR] = "divide_error", [SW_KLOG_SLAB_CORRUPTION] = "slab_corruption",
    [SW_KLOG_BAD_PAGE] = "bad_page",     [SW_KLOG_SOFT_LOCKUP] = "soft_lockup",
    [SW_KLOG_HARD_LOCKUP] = "hard_lockup", [SW_KLOG_RCU_STALL] = "rcu_stall",
    [SW_KLOG_HUNG_TASK] = "hung_task",   [SW_KLOG_MCE] = "mce",
    [SW_KLOG_USER_SEGFAULT] = "user_segfault", [SW_KLOG_USER_TRAP] = "user_trap",
    [SW_KLOG_OOM_KILL] = "oom_kill",     [SW_KLOG_WARNING] = "warning",
    [SW_KLOG_KASAN] = "kasan",           [SW_KLOG_KFENCE] = "kfence",
    [SW_KLOG_UBSAN] = "ubsan",           [SW_KLOG_LIST_CORRUPTION] = "list_corruption",
    [SW_KLOG_REFCOUNT] = "refcount",     [SW_KLOG_LOCKDEP] = "lockdep",
    [SW_KLOG_ATOMIC_SLEEP] = "atomic_sleep", [SW_KLOG_BAD_PAGE_MAP] = "bad_page_map",
    [SW_KLOG_PAGE_ALLOC_FAIL] = "page_alloc_fail",
    [SW_KLOG_IO_ERROR] = "io_error",     [SW_KLOG_FS_CORRUPTION] = "fs_corruption",
    [SW_KLOG_THERMAL] = "thermal",       [SW_KLOG_GPU_FAULT] = "gpu_fault",
};

static const char *const mce_unit_names[SW_MCE_UNIT_COUNT] = {
    [SW_MCE_UNIT_NONE] = "",            [SW_MCE_UNIT_UNKNOWN] = "unknown", [SW_MCE_UNIT_CORE] = "core",
    [SW_MCE_UNIT_L2] = "l2_cache",      [SW_MCE_UNIT_L3] = "l3_cache",     [SW_MCE_UNIT_LOAD_STORE] = "load_store",
    [SW_MCE_UNIT_IFETCH] = "instruction_fetch", [SW_MCE_UNIT_MEMORY] = "memory", [SW_MCE_UNIT_BUS] = "bus",
};

static const char *const mce_source_names[SW_MCE_SRC_COUNT] = {
    [SW_MCE_SRC_NONE] = "", [SW_MCE_SRC_MCE] = "mce", [SW_MCE_SRC_MCE_AMD] = "mce_amd",
    [SW_MCE_SRC_EDAC] = "edac", [SW_MCE_SRC_GHES] = "ghes", [SW_MCE_SRC_MCELOG] = "mcelog",
};

static int name_in(const char *const *names, int n, const char *name)
{
    for (int k = 1; name && k < n; k++)
        if (strcmp(names[k], name) == 0)
            return k;
    return 0;
}

const char *sw_mce_unit_name(enum sw_mce_unit u)
{
    return (unsigned)u < SW_MCE_UNIT_COUNT ? mce_unit_names[u] : "";
}

const char *sw_mce_source_name(enum sw_mce_source s)
{
    return (unsigned)s < SW_MCE_SRC_COUNT ? mce_source_names[s] : "";
}

int sw_mce_unit_from_name(const char *name)
{
    return name_in(mce_unit_names, SW_MCE_UNIT_COUNT, name);
}

int sw_mce_source_from_name(const char *name)
{
    return name_in(mce_source_names, SW_MCE_SRC_COUNT, name);
}

const char *sw_ev_type_name(enum sw_ev_type t)
{
    return (unsigned)t < SW_EV_TYPE_COUNT ? type_names[t] : "unknown";
}

const char *sw_sev_name(enum sw_sev s)
{
    switch (s) {
    case SW_SEV_INFO: return "info";
    case SW_SEV_WARN: return "warn";
    case SW_SEV_ERROR: return "error";
    case SW_SEV_FATAL: return "fatal";
    }
    return "unknown";
}

const char *sw_klog_kind_name(enum sw_klog_kind k)
{
    return (unsigned)k < SW_KLOG_KIND_COUNT ? klog_names[k] : "";
}

int sw_klog_kind_from_name(const char *name)
{
    int k = name_in(klog_names, SW_KLOG_KIND_COUNT, name);
    return k ? k : -1;
}

const char *sw_signal_name(int signo, char *buf, size_t len)
{
    const char *ab = signo > 0 ? sigabbrev_np(signo) : NULL;
    if (ab)
        snprintf(buf, len, "SIG%s", ab);
    else
        snprintf(buf, len, "signal %d", signo);
    return buf;
}
