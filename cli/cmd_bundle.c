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
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "probes/probe.h"
#include "report/bundle.h"

#define KMSG_MAX (16u << 20)

enum { O_OUT, O_NO_REDACT, O_STATE_DIR };
static const struct sw_opt k_opts[] = {
    {O_OUT, "out", 'o', 0, SW_OPT_VALUE, "FILE.tar.gz", "where to write the archive (default "
                                                        "stresswsl-bundle-<date>.tar.gz here)"},
    {O_NO_REDACT, "no-redact", 0, 0, SW_OPT_FLAG, NULL, "keep names, serial numbers and addresses as they are"},
    {O_STATE_DIR, "state-dir", 0, 0, SW_OPT_VALUE, "DIR", "the state directory the runs were kept in (as for run)"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_cmd = {
    .name = "bundle",
    .usage = "usage: stresswsl bundle [--out FILE.tar.gz] [--no-redact] [--state-dir DIR]\n"
             "                        [RUN_DIR...]\n",
    .about = "Collects into one archive for a support ticket: a fresh probe snapshot (CPU, microcode, BIOS, "
             "hypervisor, WSL, host), the latest run reports, the runs made with --out, the journals of runs that "
             "ended abruptly, the kernel log since boot, host crash and hardware-error records, and a MANIFEST. "
             "With RUN_DIRs, those runs are bundled instead of the state directory's. User and host names, serial "
             "numbers, UUIDs, the machine id, MAC, IPv4 and IPv6 addresses, Windows product IDs and SIDs are "
             "replaced by placeholders unless --no-redact is given; the MANIFEST says what was replaced and what "
             "was kept.",
    .opts = k_opts,
    .operands = true,
    .epilog = "examples:\n"
              "  stresswsl bundle                     stresswsl-bundle-<date>.tar.gz here\n"
              "  stresswsl bundle ~/before ~/after    the runs of a before/after comparison\n"
              "  stresswsl bundle --out /mnt/c/Users/Public/ticket.tar.gz\n",
};

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

/* The first line of a small file (/etc/machine-id, the boot id), or "" */
static void first_line(const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, cap - 1);
    close(fd);
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
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
    const char **run_dirs = calloc((size_t)argc, sizeof *run_dirs);
    int nrun = 0;
    if (!run_dirs)
        return sw_cli_error(SW_EXIT_INTERNAL, "bundle: out of memory");
    struct sw_opt_state ost = sw_opt_start(&k_cmd, argc, argv);
    const char *a;
    for (int id; (id = sw_opt_get(&ost, &a)) != SW_OPT_END;) {
        if (id == SW_OPT_EXIT) {
            free(run_dirs);
            return ost.exit_code;
        } else if (id == O_NO_REDACT) {
            redact = false;
        } else if (id == O_OUT) {
            out = a;
        } else if (id == O_STATE_DIR) {
            state = a;
        } else {
            run_dirs[nrun++] = a;
        }
    }
    /* Bad input fails before the probes run: one line, exit 2. */
    struct sw_diag d = {0};
    for (int i = 0; i < nrun; i++)
        if (sw_bundle_check_run_dir(run_dirs[i], &d) < 0) {
            free(run_dirs);
            return sw_cli_error(SW_EXIT_USAGE, "bundle: %s", d.msg);
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
    if (sw_bundle_check_out(out, &d) < 0) {
        free(run_dirs);
        return sw_cli_error(SW_EXIT_USAGE, "bundle: %s", d.msg);
    }

    /* A fresh snapshot, host queries included (nothing is under stress now). */
    struct sw_probe_env env;
    memset(&env, 0, sizeof env);
    struct sw_diag pd = {0}, hd = {0};
    json_t *probe = sw_probe_snapshot(&env, &pd);
    uint64_t now_ns = (uint64_t)now * 1000000000ull;
    json_t *host = sw_host_crash_evidence(&env, now_ns - 7ull * 86400 * 1000000000ull, now_ns, &hd);
    char kmsg_note[256] = "";
    char *kmsg = read_kmsg(kmsg_note, sizeof kmsg_note);

    char host_name[256] = "";
    gethostname(host_name, sizeof host_name - 1);
    struct passwd *pw = getpwuid(getuid());
    /* This user: login names, the full name (GECOS), the home directory's last part. */
    char gecos[256] = "";
    if (pw && pw->pw_gecos)
        snprintf(gecos, sizeof gecos, "%.*s", (int)strcspn(pw->pw_gecos, ","), pw->pw_gecos);
    const char *home = pw && pw->pw_dir ? strrchr(pw->pw_dir, '/') : NULL;
    const char *users[] = {getenv("USER"), getenv("LOGNAME"), pw ? pw->pw_name : NULL, gecos, home ? home + 1 : NULL};
    const char *users_ok[6];
    int nu = 0;
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        if (users[i] && *users[i])
            users_ok[nu++] = users[i];
    users_ok[nu] = NULL;
    char short_name[256];   /* an FQDN's first label stands alone in many logs */
    snprintf(short_name, sizeof short_name, "%.*s", (int)strcspn(host_name, "."), host_name);
    const char *hosts[] = {host_name[0] ? host_name : NULL, short_name[0] ? short_name : NULL, NULL};
    char machine_id[64], boot_id[64];
    first_line("/etc/machine-id", machine_id, sizeof machine_id);
    first_line("/proc/sys/kernel/random/boot_id", boot_id, sizeof boot_id);
    const char *ids[3];
    int ni = 0;
    if (machine_id[0])
        ids[ni++] = machine_id;
    if (boot_id[0])
        ids[ni++] = boot_id;
    ids[ni] = NULL;

    struct sw_bundle_input in = {
        .state_dir = state,
        .run_dirs = nrun ? run_dirs : NULL,
        .probe = probe,
        .probe_note = pd.msg[0] ? pd.msg : "the probe failed",
        .host_evidence = host,
        .host_note = hd.msg[0] ? hd.msg : "no host crash or hardware-error records in the last 7 days",
        .kmsg = kmsg,
        .kmsg_note = kmsg_note,
        .redact = redact,
        .known_users = users_ok,
        .known_hosts = hosts,
        .known_ids = ids,
        .created = created,
    };
    json_t *manifest = NULL;
    /* An archive written to stdout (--out /dev/stdout, a pipe, a device) keeps stdout for itself. */
    struct stat outst, sst;
    bool to_stdout = stat(out, &outst) == 0 && (!S_ISREG(outst.st_mode) || (fstat(STDOUT_FILENO, &sst) == 0 &&
                                                                           sst.st_dev == outst.st_dev &&
                                                                           sst.st_ino == outst.st_ino));
    FILE *say = to_stdout ? stderr : stdout;
    int rc = sw_bundle_write(&in, out, &manifest, &d);
    if (rc == 0) {
        fprintf(say, "wrote %s (%zu files%s)\n", out, json_array_size(json_object_get(manifest, "files")),
                redact ? ", redacted: see its MANIFEST" : ", NOT redacted");
        size_t i;
        const json_t *m;
        json_array_foreach(json_object_get(manifest, "missing"), i, m) fprintf(say, "  missing: %s\n",
                                                                                json_string_value(m));
    }
    json_decref(manifest);
    json_decref(probe);
    json_decref(host);
    free(kmsg);
    free(run_dirs);
    if (rc) {
        bool bad_path = rc == -ENOENT || rc == -EACCES || rc == -EPERM || rc == -EROFS || rc == -ENOTDIR ||
                        rc == -EISDIR || rc == -ENAMETOOLONG || rc == -ELOOP;
        return sw_cli_error(bad_path ? SW_EXIT_USAGE : SW_EXIT_CANNOT_RUN, "bundle: %s", d.msg);
    }
    return SW_EXIT_OK;
}
