/* The environment table every writer shows, and time helpers. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report/rfacts.h"
#include "report/writers.h"

static void row(struct sw_env_row *rows, int *n, int max, const char *label, const char *value)
{
    if (*n >= max)
        return;
    snprintf(rows[*n].label, sizeof rows[*n].label, "%s", label);
    snprintf(rows[*n].value, sizeof rows[*n].value, "%s", value);
    (*n)++;
}

static const char *fv(const json_t *snap, const char *path, char *buf, size_t cap)
{
    const json_t *v = sw_rfacts_value(snap, path);
    if (!v) {
        const json_t *f = sw_rfacts_fact(snap, path);
        const char *why = json_string_value(json_object_get(f, "unavailable"));
        snprintf(buf, cap, "unknown%s%s%s", why ? " (" : "", why ? why : "", why ? ")" : "");
        return buf;
    }
    return sw_rfacts_text(v, buf, cap);
}

/* "a b, c" from parts, leaving out unknown ones ("unknown" when all are). */
static const char *join_known(char *out, size_t cap, const char *a, const char *sep, const char *b)
{
    bool ka = strncmp(a, "unknown", 7) != 0, kb = strncmp(b, "unknown", 7) != 0;
    snprintf(out, cap, "%s%s%s", ka ? a : "", ka && kb ? sep : "", kb ? b : "");
    if (!ka && !kb)
        snprintf(out, cap, "%s", a);
    return out;
}

int sw_report_env_rows(const json_t *report, struct sw_env_row *rows, int max)
{
    const json_t *s = sw_rfacts_snapshot(report);
    int n = 0;
    char a[256], b[256], c[256], e[64], v[256];
    if (!s) {
        row(rows, &n, max, "Facts", "not collected (no probe snapshot in this report)");
        return n;
    }
    row(rows, &n, max, "CPU", fv(s, "cpu.brand", a, sizeof a));
    snprintf(v, sizeof v, "%s (family %s, model %s, stepping %s)", fv(s, "cpu.signature", a, sizeof a),
             fv(s, "cpu.family", b, sizeof b), fv(s, "cpu.model", c, sizeof c),
             fv(s, "cpu.stepping", e, sizeof e));
    row(rows, &n, max, "CPU signature", v);
    row(rows, &n, max, "Microcode (firmware-loaded)", fv(s, "microcode.firmware", a, sizeof a));
    snprintf(v, sizeof v, "%s (guest view); host current: %s", fv(s, "microcode.visible", a, sizeof a),
             fv(s, "microcode.host_current", b, sizeof b));
    row(rows, &n, max, "Microcode (visible)", v);
    char t[256];
    join_known(t, sizeof t, fv(s, "firmware.bios_vendor", a, sizeof a), " ", fv(s, "firmware.bios_version", b, sizeof b));
    row(rows, &n, max, "BIOS", join_known(v, sizeof v, t, ", ", fv(s, "firmware.bios_date", c, sizeof c)));
    row(rows, &n, max, "Board", join_known(v, sizeof v, fv(s, "firmware.board_vendor", a, sizeof a), " ",
                                           fv(s, "firmware.board_name", b, sizeof b)));
    snprintf(v, sizeof v, "%s (%s)", fv(s, "hypervisor.environment", a, sizeof a), fv(s, "hypervisor.name", b, sizeof b));
    row(rows, &n, max, "Environment / hypervisor", v);
    const json_t *wv = sw_rfacts_value(s, "wsl.versions");
    if (json_is_object(wv)) {
        snprintf(v, sizeof v, "WSL %s, WSL kernel %s", sw_rfacts_text(json_object_get(wv, "wsl"), a, sizeof a),
                 sw_rfacts_text(json_object_get(wv, "kernel"), b, sizeof b));
        row(rows, &n, max, "WSL", v);
    } else if (json_is_false(sw_rfacts_value(s, "wsl.is_wsl"))) {
        row(rows, &n, max, "WSL", "not WSL");
    } else {
        row(rows, &n, max, "WSL", fv(s, "wsl.version", a, sizeof a));
    }
    row(rows, &n, max, "Kernel", fv(s, "kernel.release", a, sizeof a));
    row(rows, &n, max, "Windows build", fv(s, "host.windows_build", a, sizeof a));
    const json_t *mt = sw_rfacts_value(s, "memory.total");
    row(rows, &n, max, "Memory", mt ? sw_fmt_size(sw_json_number(mt), a, sizeof a) : "unknown");
    const json_t *wc = sw_rfacts_value(s, "wsl.wslconfig");
    if (wc)
        row(rows, &n, max, ".wslconfig", sw_rfacts_text(wc, a, sizeof a));
    return n;
}

double sw_report_parse_time(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s)
        return -1;
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        return -1;
    double frac = 0;
    if (*end == '.') {
        double scale = 0.1;
        for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
            frac += (*end - '0') * scale;
    }
    return (double)timegm(&tm) + frac;
}

double sw_report_event_offset(const json_t *report, const json_t *event)
{
    double start = sw_report_parse_time(json_string_value(json_object_get(json_object_get(report, "run"), "start")));
    if (start < 0)
        return -1;
    double t_ns = sw_json_number(json_object_get(event, "t_ns"));
    double t = t_ns > 1e15 ? t_ns / 1e9 : sw_report_parse_time(json_string_value(json_object_get(event, "time")));
    return t < 0 ? -1 : t - start;
}
