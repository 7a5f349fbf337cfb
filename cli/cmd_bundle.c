/* stresswsl bundle: one redacted archive for a support ticket. The live inputs (probe snapshot, host
 * evidence, kernel log, user and host names) are gathered here; report/bundle.c packs and redacts. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "probes/probe.h"
#include "report/bundle.h"

#define KMSG_MAX (16u << 20)

static void usage(FILE *o)
{
    fputs("usage: stresswsl bundle [--out FILE.tar.gz] [--no-redact] [--state-dir DIR]\n\n"
          "Collects into one archive for a support ticket: a fresh probe snapshot (CPU, microcode, BIOS,\n"
          "hypervisor, WSL, host), the latest run reports, the journals of runs that ended abruptly, the\n"
          "kernel log since boot, host crash and hardware-error records, and a MANIFEST. User names, host\n"
          "names, serial numbers, MAC addresses and Windows product IDs are replaced by placeholders\n"
          "unless --no-redact is given; the MANIFEST lists what was replaced.\n\n"
          "examples:\n"
          "  stresswsl bundle                              stresswsl-bundle-<date>.tar.gz here\n"
          "  stresswsl bundle --out /mnt/c/Users/Public/ticket.tar.gz\n", o);
}

/* The kernel log since boot from /dev/kmsg, without blocking: "[seconds] message" lines. NULL with
 * note set when it cannot be read. */
static char *read_kmsg(char *note, size_t cap)
{
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(note, cap, "cannot read /dev/kmsg: %s (run as root, or set sysctl kernel.dmesg_restrict=0)",
                 strerror(errno));
        return NULL;
    }
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    char rec[8192];
    int dropped = 0;
    while (f && len < KMSG_MAX) {
        ssize_t n = read(fd, rec, sizeof rec - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EPIPE) {   /* records were overwritten while reading: go on */
                dropped++;
                continue;
            }
            break;   /* EAGAIN: the end of the buffer */
        }
        rec[n] = 0;
        unsigned long long seq, usec;
        int pri;
        char *semi = strchr(rec, ';');
        if (!semi || sscanf(rec, "%d,%llu,%llu", &pri, &seq, &usec) != 3)
            continue;
        char *msg = semi + 1, *nl = strchr(msg, '\n');
        if (nl)
            *nl = 0;   /* continuation lines (" KEY=value") are dropped */
        fprintf(f, "<%d>[%5llu.%06llu] %s\n", pri & 7, usec / 1000000, usec % 1000000, msg);
    }
    close(fd);
    if (f)
        fclose(f);
    if (dropped && out)
        snprintf(note, cap, "%d kernel log records were overwritten while reading", dropped);
    return out;
}

static const char *default_state_dir(char *buf, size_t cap)
{
    const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (x && *x)
        snprintf(buf, cap, "%s/stresswsl", x);
    else if (home && *home)
        snprintf(buf, cap, "%s/.local/state/stresswsl", home);
    else
        return NULL;
    return buf;
}

int cmd_bundle(int argc, char **argv)
{
    const char *out = NULL, *state = NULL;
    bool redact = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return SW_EXIT_OK;
        } else if (!strcmp(a, "--no-redact")) {
            redact = false;
        } else if ((!strcmp(a, "--out") || !strcmp(a, "--state-dir")) && i + 1 < argc) {
            *(!strcmp(a, "--out") ? &out : &state) = argv[++i];
        } else if (!strncmp(a, "--out=", 6)) {
            out = a + 6;
        } else if (!strncmp(a, "--state-dir=", 12)) {
            state = a + 12;
        } else {
            return sw_cli_error(SW_EXIT_USAGE, "bundle: unexpected argument '%s': see 'stresswsl bundle --help'", a);
        }
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char created[32], outbuf[64], statebuf[4096];
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!out) {
        strftime(outbuf, sizeof outbuf, "stresswsl-bundle-%Y%m%d-%H%M%S.tar.gz", &tm);
        out = outbuf;
    }
    if (!state)
        state = default_state_dir(statebuf, sizeof statebuf);

    /* A fresh snapshot, host queries included (nothing is under stress now). */
    struct sw_probe_env env;
    memset(&env, 0, sizeof env);
    struct sw_diag pd = {{0}}, hd = {{0}}, d = {{0}};
    json_t *probe = sw_probe_snapshot(&env, &pd);
    uint64_t now_ns = (uint64_t)now * 1000000000ull;
    json_t *host = sw_host_crash_evidence(&env, now_ns - 7ull * 86400 * 1000000000ull, now_ns, &hd);
    char kmsg_note[256] = "";
    char *kmsg = read_kmsg(kmsg_note, sizeof kmsg_note);

    char host_name[256] = "";
    gethostname(host_name, sizeof host_name - 1);
    struct passwd *pw = getpwuid(getuid());
    const char *users[] = {getenv("USER"), getenv("LOGNAME"), pw ? pw->pw_name : NULL, NULL};
    const char *users_ok[4];
    int nu = 0;
    for (int i = 0; i < 3; i++)
        if (users[i] && *users[i])
            users_ok[nu++] = users[i];
    users_ok[nu] = NULL;
    const char *hosts[] = {host_name[0] ? host_name : NULL, NULL};

    struct sw_bundle_input in = {
        .state_dir = state,
        .probe = probe,
        .probe_note = pd.msg[0] ? pd.msg : "the probe failed",
        .host_evidence = host,
        .host_note = hd.msg[0] ? hd.msg : "no host crash or hardware-error records in the last 7 days",
        .kmsg = kmsg,
        .kmsg_note = kmsg_note,
        .redact = redact,
        .known_users = users_ok,
        .known_hosts = hosts,
        .created = created,
    };
    json_t *manifest = NULL;
    int rc = sw_bundle_write(&in, out, &manifest, &d);
    if (rc == 0) {
        printf("wrote %s (%zu files%s)\n", out, json_array_size(json_object_get(manifest, "files")),
               redact ? ", redacted: see its MANIFEST" : ", NOT redacted");
        size_t i;
        const json_t *m;
        json_array_foreach(json_object_get(manifest, "missing"), i, m) printf("  missing: %s\n", json_string_value(m));
    }
    json_decref(manifest);
    json_decref(probe);
    json_decref(host);
    free(kmsg);
    if (rc)
        return sw_cli_diag(rc == -ENOENT || rc == -EACCES ? SW_EXIT_USAGE : SW_EXIT_CANNOT_RUN, &d);
    return SW_EXIT_OK;
}
