/* Running Windows tools from WSL2 (host-diagnostics.md §2): absolute paths (appendWindowsPath may
 * be off), chdir /mnt/c (a Linux cwd makes cmd.exe print a UNC warning), WSL_UTF8 forwarded through
 * WSLENV, stdin from /dev/null, stderr merged (interop errors are recognised and dropped), bounded
 * output, one overall deadline, the child's whole process group killed on timeout. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probes/host_exec.h"

#define SYS32 ""
#define PS "WindowsPowerShell/v1.0/powershell.exe"
#define OUT_MAX (4u << 20)
#define CALL_MAX_MS 20000
#define CPU0 "HKLM\\HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0"

static const char ps_firmware[] =
    "[Console]::OutputEncoding=[Text.UTF8Encoding]::new($false);$ErrorActionPreference='SilentlyContinue';"
    "$b=Get-CimInstance Win32_BIOS;$bb=Get-CimInstance Win32_BaseBoard;$p=Get-CimInstance Win32_ComputerSystemProduct;"
    "'Win32_BIOS';\"SMBIOSBIOSVersion : $($b.SMBIOSBIOSVersion)\";\"Manufacturer : $($b.Manufacturer)\";"
    "\"ReleaseDate : $(if($b.ReleaseDate){$b.ReleaseDate.ToString('yyyy-MM-dd')})\";"
    "'Win32_BaseBoard';\"Manufacturer : $($bb.Manufacturer)\";\"Product : $($bb.Product)\";"
    "'Win32_ComputerSystemProduct';\"Vendor : $($p.Vendor)\";\"Name : $($p.Name)\"";
static const char ps_crashes[] =
    "[Console]::OutputEncoding=[Text.UTF8Encoding]::new($false);$ErrorActionPreference='SilentlyContinue';"
    "Get-ChildItem -File (Join-Path $env:TEMP 'wsl-crashes') | ForEach-Object { \"{0}`t{1}`t{2}\" -f "
    "$_.Name,$_.LastWriteTimeUtc.ToString('yyyy-MM-ddTHH:mm:ssZ'),$_.Length }";

/* query -> replay file name(s) (globs; all matches are joined with a form feed) and the live tool.
 * The names follow shared/fixtures/host, so a directory of real recordings replays as is. */
static const struct {
    const char *name;
    const char *replay[3];
    const char *tool;
} queries[SW_HQ__COUNT] = {
    [SW_HQ_CMD_VER] = {"cmd /c ver", {"cmd-ver.txt", "cmd-ver-localized.txt"}, SYS32 "cmd.exe"},
    [SW_HQ_WSL_VERSION] = {"wsl --version", {"wsl-version.txt", "wsl-version-en.txt"}, SYS32 "wsl.exe"},
    [SW_HQ_UCODE_CUR] = {"reg Update Revision", {"reg-update-revision.txt"}, SYS32 "reg.exe"},
    [SW_HQ_UCODE_PREV] = {"reg Previous Update Revision", {"reg-previous-update-revision.txt"}, SYS32 "reg.exe"},
    [SW_HQ_CPU_NAME] = {"reg ProcessorNameString", {"reg-processor-name.txt"}, SYS32 "reg.exe"},
    [SW_HQ_FIRMWARE] = {"WMI BIOS/board", {"cim-firmware.txt", "win32-bios-baseboard-wmi-*.txt"}, PS},
    [SW_HQ_WHEA] = {"WHEA-Logger events", {"whea-*.txt"}, SYS32 "wevtutil.exe"},
    [SW_HQ_GUEST_CRASH] = {"Hyper-V-Worker 18590 events", {"hyperv-worker-18590-*.txt"}, SYS32 "wevtutil.exe"},
    [SW_HQ_WSL_CRASHES] = {"wsl-crashes listing", {"wsl-crashes-list.txt"}, PS},
    [SW_HQ_WSLCONFIG] = {".wslconfig", {"wslconfig.txt"}, SYS32 "cmd.exe"},
};

const char *sw_host_query_name(enum sw_hq q)
{
    return q < SW_HQ__COUNT ? queries[q].name : "?";
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void sw_host_session_init(struct sw_host_session *s, const struct sw_probe_env *env)
{
    memset(s, 0, sizeof *s);
    s->replay = env->host_replay && *env->host_replay ? env->host_replay : NULL;
    s->budget_ms = env->host_timeout_ms > 0 ? env->host_timeout_ms : 30000;
    s->deadline_ms = now_ms() + (uint64_t)s->budget_ms;
    s->win_start_ns = env->window_start_ns;
    s->win_end_ns = env->window_end_ns;
    s->tools_dir = "/mnt/c/Windows/System32";
    s->interop_entry = "/proc/sys/fs/binfmt_misc/WSLInterop";
}

static size_t utf8_put(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool looks_utf16le(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        return true;
    if (n < 4)
        return false;
    /* Windows text output never contains NUL; UTF-16LE of any script has NUL high bytes for its
     * ASCII digits, spaces and line ends */
    size_t check = n < 512 ? n : 512;
    for (size_t i = 1; i < check; i += 2)
        if (b[i] == 0)
            return true;
    return false;
}

char *sw_host_decode(const char *bytes, size_t n, size_t *outlen)
{
    const unsigned char *b = (const unsigned char *)bytes;
    char *tmp = malloc(n * 2 + 4), *out = NULL;
    if (!tmp)
        return NULL;
    size_t w = 0;
    if (looks_utf16le(b, n)) {
        size_t i = (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) ? 2 : 0;
        for (; i + 1 < n; i += 2) {
            unsigned u = b[i] | (unsigned)b[i + 1] << 8;
            if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
                unsigned lo = b[i + 2] | (unsigned)b[i + 3] << 8;
                if (lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            if (u == 0)
                continue;
            w += utf8_put(tmp + w, u);
        }
    } else {
        size_t i = (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) ? 3 : 0;
        for (; i < n; i++)
            if (b[i])
                tmp[w++] = (char)b[i];
    }
    tmp[w] = 0;
    /* line pass: drop CR and interop error lines */
    out = malloc(w + 1);
    if (!out) {
        free(tmp);
        return NULL;
    }
    size_t o = 0;
    for (char *line = tmp; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (!(len >= 8 && !strncmp(line, "<3>WSL (", 8))) {
            for (size_t k = 0; k < len; k++)
                if (line[k] != '\r')
                    out[o++] = line[k];
            if (nl)
                out[o++] = '\n';
        }
        line = nl ? nl + 1 : NULL;
    }
    out[o] = 0;
    free(tmp);
    if (outlen)
        *outlen = o;
    return out;
}

/* ------------------------------------------------------------------------------------------- */
static int replay(struct sw_host_session *s, enum sw_hq q, char **out, char *why, size_t whyn)
{
    char *dirs = strdup(s->replay);
    if (!dirs)
        return -ENOMEM;
    size_t cap = 0, len = 0;
    char *acc = NULL;
    int rc = -ENOENT;
    for (size_t k = 0; k < 3 && queries[q].replay[k] && rc == -ENOENT; k++) {
        char *save = NULL;
        for (char *dir = strtok_r(dirs, ":", &save); dir && rc == -ENOENT; dir = strtok_r(NULL, ":", &save)) {
            char pat[4096], marker[4096];
            snprintf(pat, sizeof pat, "%s/%s", dir, queries[q].replay[k]);
            /* "<name>.timeout" in the dir replays a query that hung */
            snprintf(marker, sizeof marker, "%s/%.*s.timeout", dir,
                     (int)(strcspn(queries[q].replay[k], ".")), queries[q].replay[k]);
            struct stat st;
            if (stat(marker, &st) == 0) {
                snprintf(why, whyn, "timed out (recorded: %s)", marker);
                rc = -ETIMEDOUT;
                break;
            }
            glob_t g;
            if (glob(pat, 0, NULL, &g) != 0)
                continue;
            for (size_t i = 0; i < g.gl_pathc; i++) {
                FILE *f = fopen(g.gl_pathv[i], "re");
                if (!f)
                    continue;
                char buf[65536];
                size_t r;
                while ((r = fread(buf, 1, sizeof buf, f)) > 0 && len < OUT_MAX) {
                    if (len + r + 4 > cap) {
                        cap = (len + r + 4) * 2;
                        char *nb = realloc(acc, cap);
                        if (!nb) {
                            fclose(f);
                            globfree(&g);
                            free(acc);
                            free(dirs);
                            return -ENOMEM;
                        }
                        acc = nb;
                    }
                    memcpy(acc + len, buf, r);
                    len += r;
                }
                fclose(f);
                /* each file decoded on its own would be cleaner; files of one query share an
                 * encoding in practice, and a form feed separates records */
                if (i + 1 < g.gl_pathc && acc) {
                    acc[len++] = '\n', acc[len++] = '\f', acc[len++] = '\n';
                }
                rc = 0;
            }
            globfree(&g);
        }
        free(dirs);
        dirs = strdup(s->replay);
        if (!dirs) {
            free(acc);
            return -ENOMEM;
        }
    }
    free(dirs);
    if (rc == -ENOENT) {
        snprintf(why, whyn, "no recorded output for '%s' in %s (expected %s)", queries[q].name, s->replay,
                 queries[q].replay[0]);
        return rc;
    }
    if (rc < 0) {
        free(acc);
        return rc;
    }
    *out = sw_host_decode(acc ? acc : "", len, NULL);
    free(acc);
    return *out ? 0 : -ENOMEM;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* powershell -EncodedCommand takes base64 of the UTF-16LE script (ASCII here). */
static char *encode_ps(const char *script)
{
    size_t n = strlen(script) * 2, o = 0;
    char *out = malloc((n + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        unsigned char in[3] = {0, 0, 0};
        size_t k;
        for (k = 0; k < 3 && i + k < n; k++)
            in[k] = ((i + k) & 1) ? 0 : (unsigned char)script[(i + k) / 2];
        out[o++] = b64[in[0] >> 2];
        out[o++] = b64[((in[0] & 3) << 4) | (in[1] >> 4)];
        out[o++] = k > 1 ? b64[((in[1] & 15) << 2) | (in[2] >> 6)] : '=';
        out[o++] = k > 2 ? b64[in[2] & 63] : '=';
    }
    out[o] = 0;
    return out;
}

static void event_query(char *buf, size_t n, const char *filter, const struct sw_host_session *s)
{
    if (s->win_start_ns) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t now_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        uint64_t ago_ms = now_ns > s->win_start_ns ? (now_ns - s->win_start_ns) / 1000000 + 60000 : 60000;
        /* no spaces: argv goes through interop unchanged (host-diagnostics §4.2) */
        snprintf(buf, n, "/q:*[System[(%s)and(TimeCreated[timediff(@SystemTime)<=%llu])]]", filter,
                 (unsigned long long)ago_ms);
    } else {
        snprintf(buf, n, "/q:*[System[%s]]", filter);
    }
}

static int live(struct sw_host_session *s, enum sw_hq q, char **out, char *why, size_t whyn)
{
    char tool[1024];
    snprintf(tool, sizeof tool, "%s/%s", s->tools_dir, queries[q].tool);
    struct stat st;
    if (stat(tool, &st) != 0) {
        snprintf(why, whyn, "tool missing: %s not found (Windows drive not mounted at /mnt/c?)", tool);
        return -ENOENT;
    }
    char *argv[12] = {0};
    char qbuf[256], *enc = NULL;
    int a = 0;
    argv[a++] = tool;
    switch (q) {
    case SW_HQ_CMD_VER: argv[a++] = "/c"; argv[a++] = "ver"; break;
    case SW_HQ_WSL_VERSION: argv[a++] = "--version"; break;
    case SW_HQ_UCODE_CUR: case SW_HQ_UCODE_PREV: case SW_HQ_CPU_NAME:
        argv[a++] = "query"; argv[a++] = CPU0; argv[a++] = "/v";
        argv[a++] = q == SW_HQ_UCODE_CUR ? "Update Revision" : q == SW_HQ_UCODE_PREV ? "Previous Update Revision"
                                                                                     : "ProcessorNameString";
        break;
    case SW_HQ_FIRMWARE: case SW_HQ_WSL_CRASHES:
        enc = encode_ps(q == SW_HQ_FIRMWARE ? ps_firmware : ps_crashes);
        if (!enc)
            return -ENOMEM;
        argv[a++] = "-NoProfile"; argv[a++] = "-NonInteractive"; argv[a++] = "-ExecutionPolicy";
        argv[a++] = "Bypass"; argv[a++] = "-EncodedCommand"; argv[a++] = enc;
        break;
    case SW_HQ_WHEA:
        event_query(qbuf, sizeof qbuf, "Provider[@Name='Microsoft-Windows-WHEA-Logger']", s);
        argv[a++] = "qe"; argv[a++] = "System"; argv[a++] = qbuf; argv[a++] = "/c:200";
        argv[a++] = "/rd:true"; argv[a++] = "/f:text";
        break;
    case SW_HQ_GUEST_CRASH:
        event_query(qbuf, sizeof qbuf, "(EventID=18590)", s);
        argv[a++] = "qe"; argv[a++] = "Microsoft-Windows-Hyper-V-Worker-Admin"; argv[a++] = qbuf;
        argv[a++] = "/c:20"; argv[a++] = "/rd:true"; argv[a++] = "/f:text";
        break;
    case SW_HQ_WSLCONFIG: argv[a++] = "/c"; argv[a++] = "type %USERPROFILE%\\.wslconfig"; break;
    default: free(enc); return -EINVAL;
    }

    uint64_t t0 = now_ms();
    if (t0 >= s->deadline_ms) {
        free(enc);
        snprintf(why, whyn, "timed out (the %d ms host budget was used up)", s->budget_ms);
        return -ETIMEDOUT;
    }
    uint64_t limit = s->deadline_ms - t0 < CALL_MAX_MS ? s->deadline_ms - t0 : CALL_MAX_MS;

    int p[2], ep[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        free(enc);
        return -errno;
    }
    if (pipe2(ep, O_CLOEXEC) != 0) {
        int e = errno;
        close(p[0]), close(p[1]);
        free(enc);
        return -e;
    }
    char wslenv[1024];
    const char *old = getenv("WSLENV");
    snprintf(wslenv, sizeof wslenv, "%s%sWSL_UTF8", old && *old ? old : "", old && *old ? ":" : "");
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]), close(p[1]), close(ep[0]), close(ep[1]);
        free(enc);
        return -e;
    }
    if (pid == 0) {
        setpgid(0, 0);
        int dn = open("/dev/null", O_RDONLY);
        if (dn >= 0)
            dup2(dn, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        if (chdir("/mnt/c") != 0) { /* a Linux cwd only costs a UNC warning */ }
        setenv("WSL_UTF8", "1", 1);
        setenv("WSLENV", wslenv, 1);
        execv(tool, argv);
        int e = errno;
        if (write(ep[1], &e, sizeof e) < 0) { /* nothing left to do */ }
        _exit(127);
    }
    setpgid(pid, pid);
    close(p[1]), close(ep[1]);
    free(enc);

    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    bool timed_out = false;
    int rc = 0;
    for (;;) {
        uint64_t n = now_ms();
        if (n - t0 >= limit) {
            timed_out = true;
            break;
        }
        struct pollfd pf = {.fd = p[0], .events = POLLIN};
        int pr = poll(&pf, 1, (int)(limit - (n - t0)));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timed_out = pr == 0;
            break;
        }
        char tmp[16384];
        ssize_t r = read(p[0], tmp, sizeof tmp);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (buf && len + (size_t)r > cap && cap < OUT_MAX) {
            size_t nc = cap * 4 > OUT_MAX ? OUT_MAX : cap * 4;
            char *nb = realloc(buf, nc);
            if (nb)
                buf = nb, cap = nc;
        }
        if (buf && len < cap) {
            size_t take = (size_t)r < cap - len ? (size_t)r : cap - len;
            memcpy(buf + len, tmp, take);
            len += take;
        }
    }
    if (timed_out)
        kill(-pid, SIGKILL);   /* the whole group: wsl.exe/powershell may have helpers */
    close(p[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int exec_errno = 0;
    if (read(ep[0], &exec_errno, sizeof exec_errno) != (ssize_t)sizeof exec_errno)
        exec_errno = 0;
    close(ep[0]);

    if (timed_out) {
        snprintf(why, whyn, "timed out after %llu ms ('%s')", (unsigned long long)limit, queries[q].name);
        rc = -ETIMEDOUT;
    } else if (exec_errno) {
        if (exec_errno == ENOEXEC)
            snprintf(s->broken, sizeof s->broken,
                     "interop disabled: %.100s: Exec format error (WSLInterop binfmt entry missing)", tool);
        else
            snprintf(s->broken, sizeof s->broken, "cannot run %.100s: %s", tool, strerror(exec_errno));
        snprintf(why, whyn, "%s", s->broken);
        rc = -exec_errno;
    } else if (!buf) {
        rc = -ENOMEM;
    } else {
        if (len >= 8 && memmem(buf, len, "<3>WSL (", 8) && memmem(buf, len, "accept4 failed", 14)) {
            snprintf(s->broken, sizeof s->broken,
                     "interop not reachable (UtilAcceptVsock accept timeout: no WSL session ancestry, e.g. ssh "
                     "or cron, or a heavily loaded guest)");
        }
        *out = sw_host_decode(buf, len, NULL);
        if (!*out)
            rc = -ENOMEM;
        else if (!**out && s->broken[0]) {
            snprintf(why, whyn, "%s", s->broken);
            free(*out);
            *out = NULL;
            rc = -EHOSTUNREACH;
        }
    }
    free(buf);
    return rc;
}

int sw_host_run(struct sw_host_session *s, enum sw_hq q, char **out, char *why, size_t whyn)
{
    *out = NULL;
    why[0] = 0;
    if (q >= SW_HQ__COUNT)
        return -EINVAL;
    if (s->replay)
        return replay(s, q, out, why, whyn);
    if (s->broken[0]) {
        snprintf(why, whyn, "%s", s->broken);
        return -EHOSTUNREACH;
    }
    char st[64] = "";
    FILE *f = fopen(s->interop_entry, "re");
    if (!f || !fgets(st, sizeof st, f) || strncmp(st, "enabled", 7)) {
        snprintf(s->broken, sizeof s->broken,
                 "interop disabled: %s is %s (see [interop] in /etc/wsl.conf, or systemd-binfmt wiped it)",
                 s->interop_entry, f ? "disabled" : "missing");
        if (f)
            fclose(f);
        snprintf(why, whyn, "%s", s->broken);
        return -EHOSTUNREACH;
    }
    fclose(f);
    return live(s, q, out, why, whyn);
}
