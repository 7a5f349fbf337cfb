/* kernel.*: release, command line, taint (decoded), panic/lockup/hung-task settings, and whether a
 * crash can be captured at all (kdump, pstore; on WSL2 the host keeps the panic text instead). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_int.h"

/* Documentation/admin-guide/tainted-kernels.rst (host-diagnostics.md §5.2) */
static const struct {
    char ch;
    const char *text;
} taints[] = {
    {'P', "proprietary module loaded"}, {'F', "module force loaded"},
    {'S', "out-of-spec system (includes late microcode loading)"}, {'R', "module force unloaded"},
    {'M', "machine check exception"},  {'B', "bad page referenced"},
    {'U', "taint requested by userspace"}, {'D', "kernel died recently (oops or BUG)"},
    {'A', "ACPI table overridden"},    {'W', "kernel issued a warning"},
    {'C', "staging driver loaded"},    {'I', "workaround for platform firmware bug"},
    {'O', "out-of-tree module loaded"}, {'E', "unsigned module loaded"},
    {'L', "soft lockup occurred"},     {'K', "kernel live patched"},
    {'X', "auxiliary (distro-defined) taint"}, {'T', "built with struct randomization"},
    {'N', "in-kernel test has been run"},
};

static void str_file(struct sw_probe_ctx *c, json_t *s, const char *name, const char *path)
{
    char buf[4096];
    if (sw_sysroot_read_trim(c->root, path, buf, sizeof buf) >= 0)
        sw_fact_set(s, name, sw_fact_str(buf, path));
    else
        sw_fact_set(s, name, sw_fact_unavail("%s not readable", path));
}

static void int_file(struct sw_probe_ctx *c, json_t *s, const char *name, const char *path)
{
    long long v;
    if (sw_sysroot_read_ll(c->root, path, &v) == 0)
        sw_fact_set(s, name, sw_fact_int(v, path));
    else
        sw_fact_set(s, name, sw_fact_unavail("%s not present in this kernel", path));
}

static void taint(struct sw_probe_ctx *c, json_t *s)
{
    long long t;
    if (sw_sysroot_read_ll(c->root, "/proc/sys/kernel/tainted", &t) != 0) {
        sw_fact_set(s, "tainted", sw_fact_unavail("cannot read /proc/sys/kernel/tainted"));
        return;
    }
    sw_fact_set(s, "tainted", sw_fact_int(t, "/proc/sys/kernel/tainted"));
    json_t *letters = json_array();
    char text[1024] = "";
    size_t w = 0;
    for (unsigned bit = 0; bit < 64; bit++) {
        if (!((unsigned long long)t >> bit & 1))
            continue;
        char l[24];
        const char *tx;
        if (bit < sizeof taints / sizeof taints[0]) {
            snprintf(l, sizeof l, "%c", (bit == 0) ? 'P' : taints[bit].ch);
            tx = taints[bit].text;
        } else {
            snprintf(l, sizeof l, "bit%u", bit);
            tx = "unknown taint bit";
        }
        json_array_append_new(letters, json_string(l));
        int k = snprintf(text + w, sizeof text - w, "%s%s: %s", w ? "; " : "", l, tx);
        if (k > 0 && (size_t)k < sizeof text - w)
            w += (size_t)k;
    }
    sw_fact_set(s, "tainted_flags", sw_fact(letters, "/proc/sys/kernel/tainted"));
    sw_fact_set(s, "tainted_text", sw_fact_str(t ? text : "not tainted", "/proc/sys/kernel/tainted"));
}

/* "crashkernel=512M" or "256M@16M" or ranges "1G-4G:192M,4G-:256M": the reservation for this box
 * is only known from /sys/kernel/kexec_crash_size, so the cmdline value is reported only if simple. */
static long long cmdline_crashkernel(const char *cmdline)
{
    const char *p = strstr(cmdline, "crashkernel=");
    if (!p)
        return -1;
    char *end;
    unsigned long long v = strtoull(p + 12, &end, 10);
    switch (*end) {
    case 'G': case 'g': v <<= 30; break;
    case 'M': case 'm': v <<= 20; break;
    case 'K': case 'k': v <<= 10; break;
    default: break;
    }
    return (long long)v;
}

static void crash_capture(struct sw_probe_ctx *c, json_t *s)
{
    json_t *o = json_object();
    long long loaded = -1, size = -1;
    bool have_loaded = sw_sysroot_read_ll(c->root, "/sys/kernel/kexec_crash_loaded", &loaded) == 0;
    bool have_size = sw_sysroot_read_ll(c->root, "/sys/kernel/kexec_crash_size", &size) == 0;
    char cmd[4096] = "";
    sw_sysroot_read_trim(c->root, "/proc/cmdline", cmd, sizeof cmd);
    if (!have_size || size <= 0) {
        /* /proc/iomem "Crash kernel" (addresses are zeroed for non-root, the line still shows) */
        char *iomem = sw_sysroot_slurp(c->root, "/proc/iomem", 1 << 20, NULL);
        const char *ck = iomem ? strstr(iomem, " : Crash kernel") : NULL;
        if (ck) {
            const char *ls = ck;
            while (ls > iomem && ls[-1] != '\n')
                ls--;
            unsigned long long a, b;
            if (sscanf(ls, " %llx-%llx", &a, &b) == 2 && b > a)
                size = (long long)(b - a + 1);
        }
        free(iomem);
    }
    if (size <= 0)
        size = cmdline_crashkernel(cmd) > 0 ? cmdline_crashkernel(cmd) : 0;
    json_object_set_new(o, "kdump_ready", json_boolean(have_loaded && loaded == 1));
    json_object_set_new(o, "crashkernel", json_integer(size > 0 ? size : 0));

    json_t *ps = json_array();
    char p[4096];
    DIR *dir = NULL;
    if (sw_sysroot_path(c->root, "/sys/fs/pstore", p, sizeof p) == 0 && (dir = opendir(p)) != NULL) {
        struct dirent *e;
        while ((e = readdir(dir)) != NULL && json_array_size(ps) < 64)
            if (e->d_name[0] != '.')
                json_array_append_new(ps, json_string(e->d_name));
        closedir(dir);
    }
    json_object_set_new(o, "pstore", ps);

    const char *advice;
    if (c->kind == SW_ENV_WSL2)
        advice = "WSL2 kernels have no kdump (CONFIG_CRASH_DUMP off) and panic=-1 tears the VM down at once. "
                 "The panic text survives on the Windows host: Hyper-V-Worker-Admin event 18590 ('Guest "
                 "message', last 4 KiB of dmesg) and %TEMP%\\wsl-crashes\\kernel-panic-*.txt; for the full "
                 "log set [wsl2] debugConsoleLogFile=C:\\\\wsl\\\\console.log in .wslconfig. stresswsl collects "
                 "the host evidence after a crashed run.";
    else if (!have_loaded)
        advice = "kdump is not supported by this kernel (no /sys/kernel/kexec_crash_loaded); kernel messages "
                 "before a crash survive only in pstore (if a backend exists) or a serial/netconsole log";
    else if (loaded == 1)
        advice = "kdump is loaded: a panic writes a vmcore (see your distro's kdump setup, e.g. /var/crash)";
    else if (size > 0)
        advice = "memory is reserved (crashkernel=) but no crash kernel is loaded: start the kdump service";
    else
        advice = "kdump is not configured: add crashkernel=256M to the kernel command line and enable kdump "
                 "(Debian: kdump-tools) to capture a vmcore on panic";
    json_object_set_new(o, "advice", json_string(advice));
    const char *src = have_loaded ? "/sys/kernel/kexec_crash_*, /proc/iomem, /sys/fs/pstore"
                                  : "/proc/cmdline, /sys/fs/pstore (no kexec_crash_* in sysfs)";
    sw_fact_set(s, "crash_capture", sw_fact(o, src));
}

json_t *sw_probe_kernel(struct sw_probe_ctx *c)
{
    json_t *s = json_object();
    str_file(c, s, "release", "/proc/sys/kernel/osrelease");
    str_file(c, s, "cmdline", "/proc/cmdline");
    taint(c, s);
    int_file(c, s, "panic", "/proc/sys/kernel/panic");
    int_file(c, s, "panic_on_oops", "/proc/sys/kernel/panic_on_oops");
    int_file(c, s, "panic_on_warn", "/proc/sys/kernel/panic_on_warn");
    int_file(c, s, "softlockup_panic", "/proc/sys/kernel/softlockup_panic");
    int_file(c, s, "watchdog_thresh", "/proc/sys/kernel/watchdog_thresh");
    int_file(c, s, "hung_task_timeout_secs", "/proc/sys/kernel/hung_task_timeout_secs");
    int_file(c, s, "hung_task_panic", "/proc/sys/kernel/hung_task_panic");
    int_file(c, s, "nmi_watchdog", "/proc/sys/kernel/nmi_watchdog");
    int_file(c, s, "io_uring_disabled", "/proc/sys/kernel/io_uring_disabled");
    int_file(c, s, "dmesg_restrict", "/proc/sys/kernel/dmesg_restrict");
    int_file(c, s, "hyperv_record_panic_msg", "/proc/sys/kernel/hyperv_record_panic_msg");
    str_file(c, s, "core_pattern", "/proc/sys/kernel/core_pattern");
    crash_capture(c, s);
    return s;
}
