/* Parsing Windows tool output. Labels are localized, so parse positions, numbers and field names
 * that are not translated (host-diagnostics.md §2.4). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "probes/host_parse.h"
#include "probes/probe_int.h"

bool sw_host_parse_ver(const char *text, char *out, size_t n)
{
    for (const char *p = text; (p = strchr(p, '[')) != NULL; p++) {
        const char *e = strchr(p, ']');
        if (!e)
            break;
        const char *d = p;
        while (d < e && !isdigit((unsigned char)*d))
            d++;
        unsigned a, b, c, x = 0;
        int k = sscanf(d, "%u.%u.%u.%u", &a, &b, &c, &x);
        if (k >= 3) {
            if (k == 4)
                snprintf(out, n, "%u.%u.%u.%u", a, b, c, x);
            else
                snprintf(out, n, "%u.%u.%u", a, b, c);
            return true;
        }
    }
    return false;
}

static bool dotted4(const char *t)
{
    unsigned a, b, c, d;
    char tail;
    return sscanf(t, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4;
}

json_t *sw_host_parse_wsl_version(const char *text)
{
    /* every value is the token after a ": " (labels are localized; values have no spaces) */
    char *tok[32];
    int nt = 0;
    char *copy = strdup(text);
    if (!copy)
        return NULL;
    for (char *p = copy; nt < 32 && (p = strstr(p, ": ")) != NULL;) {
        p += 2;
        while (*p == ' ')
            p++;
        char *e = p;
        while (*e && !isspace((unsigned char)*e))
            e++;
        char save = *e;
        *e = 0;
        tok[nt++] = p;
        if (!save)
            break;
        p = e + 1;
    }
    int first = -1;
    for (int i = 0; i < nt; i++)
        if (dotted4(tok[i])) {   /* the WSL package version: 2.4.13.0 */
            first = i;
            break;
        }
    json_t *o = NULL;
    if (first >= 0 && nt - first >= 6) {
        o = json_object();
        static const char *keys[] = {"wsl", "kernel", "wslg", "msrdc", "direct3d", "dxcore", "windows"};
        int n = nt - first;
        for (int i = 0; i < 5; i++)
            json_object_set_new(o, keys[i], json_string(tok[first + i]));
        if (n >= 7)
            json_object_set_new(o, "dxcore", json_string(tok[first + 5]));
        json_object_set_new(o, "windows", json_string(tok[first + (n >= 7 ? 6 : 5)]));
    }
    free(copy);
    return o;
}

bool sw_host_parse_reg(const char *text, const char *name, char *type, size_t tn, char *data, size_t dn)
{
    size_t nl = strlen(name);
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncasecmp(p, name, nl) && (p[nl] == ' ' || p[nl] == '\t')) {
            const char *t = p + nl;
            while (*t == ' ' || *t == '\t')
                t++;
            if (!strncmp(t, "REG_", 4)) {
                const char *te = t;
                while (te < line + len && !isspace((unsigned char)*te))
                    te++;
                snprintf(type, tn, "%.*s", (int)(te - t), t);
                while (te < line + len && (*te == ' ' || *te == '\t'))
                    te++;
                size_t dl = (size_t)(line + len - te);
                while (dl > 0 && isspace((unsigned char)te[dl - 1]))
                    dl--;
                snprintf(data, dn, "%.*s", (int)dl, te);
                return true;
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return false;
}

json_t *sw_host_parse_firmware(const char *text)
{
    static const struct {
        const char *cls, *key, *fact;
    } map[] = {
        {"Win32_BIOS", "Manufacturer", "bios_vendor"},   {"Win32_BIOS", "SMBIOSBIOSVersion", "bios_version"},
        {"Win32_BIOS", "ReleaseDate", "bios_date"},      {"Win32_BaseBoard", "Manufacturer", "board_vendor"},
        {"Win32_BaseBoard", "Product", "board_name"},    {"Win32_ComputerSystemProduct", "Vendor", "system_vendor"},
        {"Win32_ComputerSystemProduct", "Name", "system_product"},
    };
    json_t *o = json_object();
    char cls[64] = "";
    bool any = false;
    for (const char *line = text; line && *line && *line != '\f';) {   /* first recording only */
        const char *eol = strchr(line, '\n');
        char l[512];
        snprintf(l, sizeof l, "%.*s", (int)(eol ? (size_t)(eol - line) : strlen(line)), line);
        char *w = strcasestr(l, "Win32_");
        char *colon = strstr(l, " : ");
        if (w && !colon) {
            size_t k = 0;
            while (w[k] && (isalnum((unsigned char)w[k]) || w[k] == '_') && k < sizeof cls - 1)
                k++;
            snprintf(cls, sizeof cls, "%.*s", (int)k, w);
        } else if (colon && cls[0]) {
            char *ke = colon;
            while (ke > l && ke[-1] == ' ')
                ke--;
            *ke = 0;
            char *v = colon + 3;
            while (*v == ' ')
                v++;
            for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
                if (!strcasecmp(cls, map[i].cls) && !strcmp(l, map[i].key) && *v) {
                    json_object_set_new(o, map[i].fact, sw_fact_str(v, "host-wmi"));
                    any = true;
                }
        }
        line = eol ? eol + 1 : NULL;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!json_object_get(o, map[i].fact))
            json_object_set_new(o, map[i].fact,
                                sw_fact_unavail("%s.%s not in the host's WMI output", map[i].cls, map[i].key));
    if (!any) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ISO 8601 "2024-02-09T17:48:32.123Z" (wevtutil) -> ns since the epoch, UTC; 0 if not ISO. */
static uint64_t iso_ns(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int y, mo, d, h, mi, se;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) != 6)
        return 0;
    tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d, tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = se;
    time_t t = timegm(&tm);
    return t > 0 ? (uint64_t)t * 1000000000ull : 0;
}

static char *field(const char *rec, const char *label, char *out, size_t n)
{
    size_t ll = strlen(label);
    for (const char *line = rec; line && *line;) {
        const char *eol = strchr(line, '\n');
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, label, ll) && p[ll] == ':') {
            p += ll + 1;
            while (*p == ' ' || *p == '\t')
                p++;
            size_t l = eol ? (size_t)(eol - p) : strlen(p);
            while (l > 0 && isspace((unsigned char)p[l - 1]))
                l--;
            snprintf(out, n, "%.*s", (int)l, p);
            return out;
        }
        line = eol ? eol + 1 : NULL;
    }
    return NULL;
}

static void trim_dup(json_t *o, const char *key, const char *s, size_t max)
{
    while (*s == '\n' || *s == ' ')
        s++;
    size_t l = strlen(s);
    while (l > 0 && isspace((unsigned char)s[l - 1]))
        l--;
    if (l > max)
        l = max;   /* a guest message is at most 4 KiB; keep reports bounded anyway */
    char *c = strndup(s, l);
    if (c) {
        json_t *v = json_string(c);
        json_object_set_new(o, key, v ? v : json_stringn_nocheck(c, l));
        free(c);
    }
}

static void one_event(json_t *arr, const char *rec, const int *ids, bool guest, uint64_t from, uint64_t to)
{
    char buf[256];
    int id = 0;
    bool inferred = false;
    if (field(rec, "Event ID", buf, sizeof buf))
        id = atoi(buf);
    const char *desc = strstr(rec, "Description:");
    desc = desc ? desc + 12 : rec;
    if (!id) {   /* a bare message (no header): recognise it by its text */
        if (guest && strstr(rec, "has encountered a fatal error"))
            id = 18590;
        else if (!guest && strstr(rec, "fatal hardware error"))
            id = 18, inferred = true;
        else if (!guest && strstr(rec, "corrected hardware error"))
            id = 19, inferred = true;
    }
    bool keep = false;
    for (const int *i = ids; *i; i++)
        keep |= *i == id;
    if (!keep)
        return;
    json_t *o = json_object();
    char date[128];
    uint64_t ns = 0;
    if (field(rec, "Date", date, sizeof date)) {
        ns = iso_ns(date);
        if (ns) {
            time_t t = (time_t)(ns / 1000000000ull);
            struct tm tm;
            gmtime_r(&t, &tm);
            char iso[32];
            strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
            json_object_set_new(o, "time", json_string(iso));
        } else {
            json_object_set_new(o, "time", json_null());
            json_object_set_new(o, "time_text", json_string(date));   /* localized date: kept as text */
        }
    } else {
        json_object_set_new(o, "time", json_null());
    }
    if (from && to && ns && (ns < from || ns > to)) {
        json_decref(o);
        return;
    }
    json_object_set_new(o, "id", json_integer(id));
    if (guest) {
        const char *vm = strstr(desc, "Virtual machine ID ");
        if (vm) {
            char g[64];
            if (sscanf(vm + 19, "%63[0-9A-Fa-f-]", g) == 1)
                json_object_set_new(o, "vm_id", json_string(g));
        }
        const char *ec = strstr(desc, "ErrorCode0:");
        if (ec) {
            const char *end = strstr(ec, "If the problem");
            size_t l = end ? (size_t)(end - ec) : strcspn(ec, "\n");
            char tmp[512];
            snprintf(tmp, sizeof tmp, "%.*s", (int)(l < sizeof tmp ? l : sizeof tmp - 1), ec);
            for (size_t k = strlen(tmp); k > 0 && (tmp[k - 1] == ' ' || tmp[k - 1] == '.');)
                tmp[--k] = 0;
            json_object_set_new(o, "error_codes", json_string(tmp));
        }
        const char *gm = strstr(desc, "Guest message:");
        trim_dup(o, "message", gm ? gm + 14 : "", 8192);
        if (!gm || !json_string_length(json_object_get(o, "message")))
            json_object_set_new(o, "message_note",
                                json_string("no guest message: the guest sent registers only "
                                            "(kernel.hyperv_record_panic_msg=0 or an old kernel)"));
    } else {
        char src[128];
        json_object_set_new(o, "source", json_string(field(rec, "Source", src, sizeof src) ? src : "WHEA-Logger"));
        if (inferred)
            json_object_set_new(o, "id_note", json_string("event id inferred from the message text"));
        trim_dup(o, "text", desc, 4096);
    }
    json_array_append_new(arr, o);
}

json_t *sw_host_parse_events(const char *text, const int *ids, bool guest, uint64_t from, uint64_t to)
{
    json_t *arr = json_array();
    char *copy = strdup(text);
    if (!copy)
        return arr;
    /* split into records: a form feed (replay), "Event[N]:" (wevtutil) or "Log Name:" (Event Viewer) */
    char *starts[512];
    int ns = 0;
    starts[ns++] = copy;
    for (char *p = copy; *p && ns < 511; p++) {
        if (p != copy && p[-1] != '\n')
            continue;
        if (*p == '\f' || !strncmp(p, "Event[", 6) || !strncmp(p, "Log Name:", 9))
            if (p != copy)
                starts[ns++] = p;
    }
    for (int i = 0; i < ns; i++) {
        if (i + 1 < ns)
            starts[i + 1][-1] = 0;
        char *r = starts[i];
        if (*r == '\f')
            r++;
        if (strspn(r, " \n\t") < strlen(r))
            one_event(arr, r, ids, guest, from, to);
    }
    free(copy);
    return arr;
}

json_t *sw_host_parse_crash_list(const char *text, uint64_t from, uint64_t to)
{
    json_t *arr = json_array();
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n');
        char l[1024], name[512], when[64];
        long long size = -1;
        snprintf(l, sizeof l, "%.*s", (int)(eol ? (size_t)(eol - line) : strlen(line)), line);
        if (sscanf(l, "%511[^\t]\t%63[^\t]\t%lld", name, when, &size) == 3) {
            uint64_t t = iso_ns(when);
            if (!(from && to && t && (t < from || t > to)))
                json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "name", name, "time", when, "size",
                                                     (json_int_t)size));
        }
        line = eol ? eol + 1 : NULL;
    }
    return arr;
}

json_t *sw_host_parse_wslconfig(const char *text)
{
    json_t *o = json_object();
    char sect[64] = "";
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n');
        char l[1024];
        snprintf(l, sizeof l, "%.*s", (int)(eol ? (size_t)(eol - line) : strlen(line)), line);
        char *p = l;
        while (isspace((unsigned char)*p))
            p++;
        char *hash = strpbrk(p, "#;");
        if (hash)
            *hash = 0;
        if (*p == '[') {
            char *e = strchr(p, ']');
            if (e)
                snprintf(sect, sizeof sect, "%.*s", (int)(e - p - 1), p + 1);
        } else if (strchr(p, '=')) {
            char *eq = strchr(p, '=');
            char *ke = eq;
            while (ke > p && isspace((unsigned char)ke[-1]))
                ke--;
            *ke = 0;
            char *v = eq + 1;
            while (isspace((unsigned char)*v))
                v++;
            for (size_t n = strlen(v); n > 0 && isspace((unsigned char)v[n - 1]);)
                v[--n] = 0;
            char key[160];
            if (!strcasecmp(sect, "wsl2"))
                snprintf(key, sizeof key, "%.100s", p);
            else
                snprintf(key, sizeof key, "%.50s.%.100s", sect, p);
            char *end;
            long long n = strtoll(v, &end, 10);
            json_object_set_new(o, key, (*v && !*end) ? json_integer(n) : json_string(v));
        }
        line = eol ? eol + 1 : NULL;
    }
    return o;
}
