/* The sysroot readers (the probes/ section probes, through probes/sysroot.c): the input becomes the files of a fake
 * root and the whole environment probe runs on it (host queries off). Input: text up to the first
 * "@@N\n" line is /proc/cpuinfo; each "@@N\n" line starts the content of file N of the list below,
 * so a seed can be a raw cpuinfo or a set of files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rundir.h"
#include "probes/probe.h"
#include "tests/fuzz/fuzz_util.h"

static const char *const files[] = {
    "/proc/cpuinfo", "/proc/meminfo", "/proc/version", "/proc/sys/kernel/osrelease",
    "/proc/self/mountinfo", "/proc/self/cgroup", "/proc/1/cgroup", "/proc/cmdline",
    "/proc/iomem", "/proc/stat", "/proc/self/environ", "/proc/sys/kernel/tainted",
    "/sys/kernel/kexec_crash_size", "/sys/kernel/kexec_crash_loaded", "/proc/sys/fs/binfmt_misc/WSLInterop",
    "/sys/devices/system/clocksource/clocksource0/current_clocksource",
    "/sys/devices/system/clocksource/clocksource0/available_clocksource",
    "/sys/class/dmi/id/bios_vendor", "/sys/class/dmi/id/bios_version", "/sys/class/dmi/id/product_name",
    "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    "/sys/devices/system/cpu/cpu0/microcode/version", "/proc/sys/kernel/core_pattern",
    "/proc/sys/kernel/panic", "/proc/sys/kernel/hung_task_timeout_secs", "/proc/sys/kernel/nmi_watchdog",
};
#define NFILES (sizeof files / sizeof files[0])

static const char *root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* every input rewrites the files: RAM-backed unless run.sh gave a scratch TMPDIR */
    const char *tmp = getenv("TMPDIR");
    root = sw_fuzz_tempdir(tmp && *tmp ? tmp : access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", "swfuzz-root");
    return 0;
}

static void put(int idx, const char *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s%s", root, files[idx]);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    sw_mkdir_p(path, 0700);
    *slash = '/';
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (write(fd, data, len) < 0)
        errno = 0;
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char proc[128], sys[128];
    snprintf(proc, sizeof proc, "%s/proc", root);
    snprintf(sys, sizeof sys, "%s/sys", root);
    sw_rundir_remove_tree(proc);
    sw_rundir_remove_tree(sys);
    const char *p = (const char *)data, *end = p + size;
    int idx = 0;
    while (p <= end) {
        const char *next = p;
        const char *hdr = NULL;
        while (next + 3 < end) {   /* the next "@@N\n" at a line start */
            const char *at = memmem(next, (size_t)(end - next), "@@", 2);
            if (!at)
                break;
            if (at == (const char *)data || at[-1] == '\n') {
                hdr = at;
                break;
            }
            next = at + 2;
        }
        const char *stop = hdr ? hdr : end;
        put(idx, p, (size_t)(stop - p));
        if (!hdr)
            break;
        /* the input is not NUL-terminated: read N's digits up to the line's end, never strtol */
        const char *nl = memchr(hdr, '\n', (size_t)(end - hdr));
        if (!nl)
            break;
        unsigned long n = 0;
        for (const char *d = hdr + 2; d < nl && *d >= '0' && *d <= '9'; d++)
            n = (n * 10 + (unsigned long)(*d - '0')) % NFILES;
        idx = (int)n;
        p = nl + 1;
    }
    struct sw_probe_env env = {.sysroot = root, .skip_host = true};
    struct sw_diag d = {0};
    json_t *facts = sw_probe_snapshot(&env, &d);
    char *s = facts ? json_dumps(facts, 0) : NULL;
    free(s);
    json_decref(facts);
    return 0;
}
