/* The live host runner with fake Windows tools (shell scripts standing in for cmd.exe etc.):
 * WSL_UTF8 forwarded through WSLENV, UTF-16LE decoded, a hung tool killed with its whole process
 * group when the budget runs out, an Exec format error reported as "interop disabled", and a
 * missing WSLInterop entry stopping every query without running anything. */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/host_exec.h"
#include "tests/harness/check.h"

static char tmp[256];

static void put(const char *rel, const char *data, size_t n, mode_t mode)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmp, rel);
    FILE *f = fopen(p, "w");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
    chmod(p, mode);
}

static void session(struct sw_host_session *s, int budget_ms, const char *entry)
{
    struct sw_probe_env env = {.host_timeout_ms = budget_ms};
    static char dir[300], ent[300];
    sw_host_session_init(s, &env);
    snprintf(dir, sizeof dir, "%s/sys32", tmp);
    snprintf(ent, sizeof ent, "%s/%s", tmp, entry);
    s->tools_dir = dir;
    s->interop_entry = ent;
}

static void env_and_utf16(void)
{
    struct sw_host_session s;
    session(&s, 20000, "WSLInterop");
    char *out, why[256];
    CHECK_INT(sw_host_run(&s, SW_HQ_CMD_VER, &out, why, sizeof why), 0);
    CHECK(out && strstr(out, "Microsoft Windows [Version 10.0.26100.1]\nUTF8=1 "));
    CHECK(out && strstr(out, "WSL_UTF8\n"));   /* WSLENV ends with WSL_UTF8 */
    CHECK(out && !strchr(out, '\r'));
    free(out);
    CHECK_INT(sw_host_run(&s, SW_HQ_WSL_VERSION, &out, why, sizeof why), 0);
    CHECK_STR(out ? out : "", "WSL version: 2.4.13.0\n");
    free(out);
}

static char state_of(pid_t pid)
{
    char p[64], buf[256];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    char st = 0;
    if (fgets(buf, sizeof buf, f)) {
        char *r = strrchr(buf, ')');
        if (r && r[1])
            st = r[2];
    }
    fclose(f);
    return st;
}

static void hung_tool_killed(void)
{
    struct sw_host_session s;
    session(&s, 1500, "WSLInterop");
    char *out, why[256];
    CHECK_INT(sw_host_run(&s, SW_HQ_UCODE_CUR, &out, why, sizeof why), -ETIMEDOUT);
    CHECK(out == NULL && strstr(why, "timed out"));
    char p[512];
    snprintf(p, sizeof p, "%s/bgpid", tmp);
    FILE *f = fopen(p, "r");
    int bg = 0;
    if (f) {
        if (fscanf(f, "%d", &bg) != 1)
            bg = 0;
        fclose(f);
    }
    CHECK(bg > 0);
    if (bg > 0) {   /* the script's background child was in the group: killed (gone or a zombie) */
        /* SIGKILL is delivered at once but the process may still be on a busy CPU finishing its
         * exit: give it up to 2 s to become gone or a zombie before judging. */
        char st = state_of(bg);
        for (int i = 0; i < 200 && st && st != 'Z'; i++) {
            usleep(10000);
            st = state_of(bg);
        }
        CHECK_MSG(st == 0 || st == 'Z', "background child %d still in state %c", bg, st);
        if (st && st != 'Z')
            kill(bg, SIGKILL);
    }
    /* the budget is spent: the next query does not run at all */
    CHECK_INT(sw_host_run(&s, SW_HQ_CMD_VER, &out, why, sizeof why), -ETIMEDOUT);
    CHECK(strstr(why, "budget") != NULL);
}

static void exec_format_error(void)
{
    if (access("/proc/sys/fs/binfmt_misc/WSLInterop", F_OK) == 0) {
        printf("exec_format_error: WSLInterop is registered here, an MZ file would really run; not checked\n");
        return;
    }
    struct sw_host_session s;
    session(&s, 20000, "WSLInterop");
    char *out, why[512];
    CHECK(sw_host_run(&s, SW_HQ_WHEA, &out, why, sizeof why) < 0);
    CHECK(strstr(why, "interop disabled") && strstr(why, "Exec format error"));
    /* later queries skip with the same reason */
    CHECK(sw_host_run(&s, SW_HQ_CMD_VER, &out, why, sizeof why) < 0);
    CHECK(strstr(why, "Exec format error") != NULL);
}

static void interop_off_and_missing_tool(void)
{
    struct sw_host_session s;
    session(&s, 20000, "no-such-entry");
    char *out, why[512];
    CHECK(sw_host_run(&s, SW_HQ_CMD_VER, &out, why, sizeof why) < 0);
    CHECK(strstr(why, "interop disabled") && strstr(why, "missing"));
    session(&s, 20000, "WSLInterop-off");
    CHECK(sw_host_run(&s, SW_HQ_CMD_VER, &out, why, sizeof why) < 0);
    CHECK(strstr(why, "disabled") != NULL);
    session(&s, 20000, "WSLInterop");
    CHECK_INT(sw_host_run(&s, SW_HQ_FIRMWARE, &out, why, sizeof why), -ENOENT);   /* no powershell.exe */
    CHECK(strstr(why, "tool missing") != NULL);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

int main(int argc, char **argv)
{
    sw_test_tmpdir(tmp, sizeof tmp, "sw-host-exec");
    char d[300];
    snprintf(d, sizeof d, "%s/sys32", tmp);
    mkdir(d, 0755);
    put("WSLInterop", "enabled\ninterpreter /init\nflags: PF\noffset 0\nmagic 4d5a\n", 52, 0644);
    put("WSLInterop-off", "disabled\n", 9, 0644);
    const char cmd[] = "#!/bin/sh\nprintf 'Microsoft Windows [Version 10.0.26100.1]\\r\\n'\n"
                       "printf 'UTF8=%s WSLENV=%s\\r\\n' \"$WSL_UTF8\" \"$WSLENV\"\n";
    put("sys32/cmd.exe", cmd, sizeof cmd - 1, 0755);
    /* UTF-16LE, no BOM, CRLF: what wsl.exe prints by default */
    const char wsl[] = "#!/bin/sh\nprintf 'W\\000S\\000L\\000 \\000v\\000e\\000r\\000s\\000i\\000o\\000n\\000:\\000 \\000"
                       "2\\000.\\0004\\000.\\0001\\0003\\000.\\0000\\000\\r\\000\\n\\000'\n";
    put("sys32/wsl.exe", wsl, sizeof wsl - 1, 0755);
    char reg[512];
    int n = snprintf(reg, sizeof reg, "#!/bin/sh\nsleep 60 &\necho $! > %s/bgpid\nwait\n", tmp);
    put("sys32/reg.exe", reg, (size_t)n, 0755);
    put("sys32/wevtutil.exe", "MZ\x90\0\3\0\0\0", 8, 0755);   /* a PE header: ENOEXEC without binfmt */
    static const struct sw_test_case cases[] = {{"env_and_utf16", env_and_utf16},
                                                {"hung_tool_killed", hung_tool_killed},
                                                {"exec_format_error", exec_format_error},
                                                {"interop_off_and_missing_tool", interop_off_and_missing_tool},
                                                {NULL, NULL}};
    int rc = sw_test_main(argc, argv, cases);
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}
