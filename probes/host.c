/* host.*: the Windows host seen through WSL interop (WSL2 only; NEVER during stress, interop fails
 * under load). Every query goes through host_exec (live or replayed) and every failure becomes an
 * "unavailable" fact with the reason, never a hang. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/host_exec.h"
#include "probes/host_parse.h"
#include "probes/probe_int.h"

static const int whea_ids[] = {17, 18, 19, 46, 47, 0};
static const int crash_ids[] = {18590, 0};

static json_t *ucode_fact(struct sw_host_session *hs, enum sw_hq q, const char *value)
{
    char *out, why[256], type[32], data[128];
    if (sw_host_run(hs, q, &out, why, sizeof why) < 0)
        return sw_fact_unavail("%s", why);
    json_t *f;
    unsigned long long rev;
    if (!sw_host_parse_reg(out, value, type, sizeof type, data, sizeof data))
        f = sw_fact_unavail("registry value '%s' not found in the host's reg.exe output", value);
    else if (strcmp(type, "REG_BINARY") || sw_ucode_from_reg_binary(data, &rev) < 0)
        f = sw_fact_unavail("registry value '%s' is %s '%s', expected 8 bytes REG_BINARY", value, type, data);
    else {
        char src[96];
        snprintf(src, sizeof src, "host-registry %s", value);
        f = sw_fact_hex(rev, src);
        sw_fact_raw(f, data);
    }
    free(out);
    return f;
}

static json_t *events(struct sw_host_session *hs, enum sw_hq q, bool guest, uint64_t from, uint64_t to, char *why,
                      size_t whyn)
{
    char *out;
    if (sw_host_run(hs, q, &out, why, whyn) < 0)
        return NULL;
    json_t *a = sw_host_parse_events(out, guest ? crash_ids : whea_ids, guest, from, to);
    free(out);
    return a;
}

static bool should_ask(struct sw_probe_ctx *c, char *why, size_t n)
{
    if (c->env->skip_host) {
        snprintf(why, n, "not asked (--no-host, or a stress phase is running)");
        return false;
    }
    if (c->env->host_replay && *c->env->host_replay)
        return true;
    if (c->kind != SW_ENV_WSL2) {
        snprintf(why, n, "no Windows host to ask: environment is %s, not WSL2", sw_env_kind_name(c->kind));
        return false;
    }
    if (!c->live) {
        snprintf(why, n, "not asked: a recorded sysroot is being probed (use --host-replay)");
        return false;
    }
    return true;
}

json_t *sw_probe_host(struct sw_probe_ctx *c, json_t **wsl_from_host)
{
    json_t *s = json_object();
    json_t *w = json_object();
    *wsl_from_host = w;
    char why[256];
    static const char *facts[] = {"windows_build", "cpu_name", "whea_events", "guest_crash_events", "wsl_crashes"};
    if (!should_ask(c, why, sizeof why)) {
        for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
            sw_fact_set(s, facts[i], sw_fact_unavail("%s", why));
        json_object_set_new(w, "versions", sw_fact_unavail("%s", why));
        json_object_set_new(w, "wslconfig", sw_fact_unavail("%s", why));
        c->host_ucode_cur = sw_fact_unavail("%s", why);
        c->host_ucode_prev = sw_fact_unavail("%s", why);
        return s;
    }
    struct sw_host_session hs;
    sw_host_session_init(&hs, c->env);
    const char *tag = hs.replay ? " (replayed)" : "";
    char src[64];
    char *out;

    /* Windows build: cmd /c ver; wsl --version also has it */
    json_t *ver = NULL;
    if (sw_host_run(&hs, SW_HQ_WSL_VERSION, &out, why, sizeof why) == 0) {
        ver = sw_host_parse_wsl_version(out);
        free(out);
        snprintf(src, sizeof src, "wsl.exe --version%s", tag);
        json_object_set_new(w, "versions", ver ? sw_fact(json_incref(ver), src)
                                               : sw_fact_unavail("wsl.exe --version printed nothing recognisable "
                                                                 "(inbox WSL has no --version)"));
    } else {
        json_object_set_new(w, "versions", sw_fact_unavail("%s", why));
    }
    char build[64];
    if (sw_host_run(&hs, SW_HQ_CMD_VER, &out, why, sizeof why) == 0) {
        snprintf(src, sizeof src, "cmd.exe /c ver%s", tag);
        if (sw_host_parse_ver(out, build, sizeof build))
            sw_fact_set(s, "windows_build", sw_fact_str(build, src));
        else
            sw_fact_set(s, "windows_build", sw_fact_unavail("no '[Version N.N.N.N]' in cmd /c ver output"));
        free(out);
    } else if (ver && json_object_get(ver, "windows")) {
        sw_fact_set(s, "windows_build", sw_fact_str(json_string_value(json_object_get(ver, "windows")), "wsl.exe --version"));
    } else {
        sw_fact_set(s, "windows_build", sw_fact_unavail("%s", why));
    }
    json_decref(ver);

    c->host_ucode_cur = ucode_fact(&hs, SW_HQ_UCODE_CUR, "Update Revision");
    c->host_ucode_prev = ucode_fact(&hs, SW_HQ_UCODE_PREV, "Previous Update Revision");

    char type[32], data[256];
    if (sw_host_run(&hs, SW_HQ_CPU_NAME, &out, why, sizeof why) == 0) {
        if (sw_host_parse_reg(out, "ProcessorNameString", type, sizeof type, data, sizeof data))
            sw_fact_set(s, "cpu_name", sw_fact_str(data, "host-registry ProcessorNameString"));
        else
            sw_fact_set(s, "cpu_name", sw_fact_unavail("ProcessorNameString not in the reg.exe output"));
        free(out);
    } else {
        sw_fact_set(s, "cpu_name", sw_fact_unavail("%s", why));
    }

    if (sw_host_run(&hs, SW_HQ_FIRMWARE, &out, why, sizeof why) == 0) {
        c->host_fw = sw_host_parse_firmware(out);
        free(out);
    }
    if (!c->host_fw) {
        c->host_fw = json_object();
        static const char *fw[] = {"bios_vendor", "bios_version", "bios_date", "board_vendor", "board_name",
                                   "system_vendor", "system_product"};
        for (size_t i = 0; i < sizeof fw / sizeof fw[0]; i++)
            json_object_set_new(c->host_fw, fw[i], sw_fact_unavail("host WMI: %s", why[0] ? why : "no output"));
    }

    uint64_t from = c->env->window_start_ns, to = c->env->window_end_ns;
    json_t *a = events(&hs, SW_HQ_WHEA, false, from, to, why, sizeof why);
    sw_fact_set(s, "whea_events", a ? sw_fact(a, hs.replay ? "host-eventlog (replayed)" : "host-eventlog System")
                                    : sw_fact_unavail("%s", why));
    a = events(&hs, SW_HQ_GUEST_CRASH, true, from, to, why, sizeof why);
    sw_fact_set(s, "guest_crash_events",
                a ? sw_fact(a, hs.replay ? "host-eventlog (replayed)" : "host-eventlog Hyper-V-Worker-Admin")
                  : sw_fact_unavail("%s", why));
    if (sw_host_run(&hs, SW_HQ_WSL_CRASHES, &out, why, sizeof why) == 0) {
        json_t *f = sw_fact(sw_host_parse_crash_list(out, from, to), "host %TEMP%\\wsl-crashes");
        sw_fact_note(f, "default folder; [wsl2] crashDumpFolder in .wslconfig moves it");
        sw_fact_set(s, "wsl_crashes", f);
        free(out);
    } else {
        sw_fact_set(s, "wsl_crashes", sw_fact_unavail("%s", why));
    }
    if (sw_host_run(&hs, SW_HQ_WSLCONFIG, &out, why, sizeof why) == 0) {
        json_object_set_new(w, "wslconfig", sw_fact(sw_host_parse_wslconfig(out), "host %USERPROFILE%\\.wslconfig"));
        free(out);
    } else {
        json_object_set_new(w, "wslconfig", sw_fact_unavail("%s", why));
    }
    return s;
}

json_t *sw_host_crash_evidence(const struct sw_probe_env *env, uint64_t from_ns, uint64_t to_ns, struct sw_diag *d)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    struct sw_probe_ctx c;
    memset(&c, 0, sizeof c);
    c.env = env;
    c.live = sw_sysroot_live(env->sysroot);
    c.root = c.live ? "" : env->sysroot;
    char rel[256] = "";
    sw_sysroot_read_trim(c.root, "/proc/sys/kernel/osrelease", rel, sizeof rel);
    c.kind = (strstr(rel, "microsoft") || strstr(rel, "WSL2")) ? SW_ENV_WSL2 : SW_ENV_VM;
    char why[256] = "";
    if (!should_ask(&c, why, sizeof why)) {
        sw_fail(d, -EHOSTUNREACH, "host evidence not collected: %s", why);
        return arr;
    }
    struct sw_host_session hs;
    sw_host_session_init(&hs, env);
    const struct {
        enum sw_hq q;
        bool guest;
        const char *kind;
    } evq[] = {{SW_HQ_GUEST_CRASH, true, "guest_crash"}, {SW_HQ_WHEA, false, "whea"}};
    hs.win_start_ns = from_ns, hs.win_end_ns = to_ns;
    char reasons[512] = "";
    for (size_t i = 0; i < 2; i++) {
        json_t *a = events(&hs, evq[i].q, evq[i].guest, from_ns, to_ns, why, sizeof why);
        if (!a) {
            strncat(reasons, why, sizeof reasons - strlen(reasons) - 3);
            strncat(reasons, "; ", sizeof reasons - strlen(reasons) - 1);
            continue;
        }
        size_t k;
        json_t *e;
        json_array_foreach(a, k, e)
        {
            json_object_set_new(e, "kind", json_string(evq[i].kind));
            json_array_append(arr, e);
        }
        json_decref(a);
    }
    char *out;
    if (sw_host_run(&hs, SW_HQ_WSL_CRASHES, &out, why, sizeof why) == 0) {
        json_t *a = sw_host_parse_crash_list(out, from_ns, to_ns);
        size_t k;
        json_t *e;
        json_array_foreach(a, k, e)
        {
            json_object_set_new(e, "kind", json_string("wsl_crash_file"));
            json_array_append(arr, e);
        }
        json_decref(a);
        free(out);
    } else {
        strncat(reasons, why, sizeof reasons - strlen(reasons) - 1);
    }
    if (reasons[0])
        sw_fail(d, -EHOSTUNREACH, "some host evidence unavailable: %s", reasons);
    return arr;
}
