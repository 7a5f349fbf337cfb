#include "report/rfacts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const json_t *sw_rfacts_snapshot(const json_t *report)
{
    const json_t *f = json_object_get(report, "facts");
    if (!json_is_object(f))
        return NULL;
    const json_t *b = json_object_get(f, "before");
    if (json_is_object(b))
        return b;
    const json_t *a = json_object_get(f, "after");
    if (json_is_object(a))
        return a;
    return json_object_get(f, "cpu") ? f : NULL;   /* a bare snapshot (probe --json) */
}

const json_t *sw_rfacts_fact(const json_t *snapshot, const char *path)
{
    char sec[64], name[64];
    const char *dot = strchr(path, '.');
    if (!snapshot || !dot || (size_t)(dot - path) >= sizeof sec)
        return NULL;
    memcpy(sec, path, (size_t)(dot - path));
    sec[dot - path] = 0;
    const char *rest = dot + 1, *dot2 = strchr(rest, '.');
    size_t n = dot2 ? (size_t)(dot2 - rest) : strlen(rest);
    if (n >= sizeof name)
        return NULL;
    memcpy(name, rest, n);
    name[n] = 0;
    const json_t *f = json_object_get(json_object_get(snapshot, sec), name);
    return json_is_object(f) ? f : NULL;
}

/* A plain member of a section that is not a FACT object (the "log" section of an analysed log:
 * log.clock_unstable, log.format), or NULL. */
static const json_t *plain_member(const json_t *snapshot, const char *path)
{
    char sec[64];
    const char *dot = strchr(path, '.');
    if (!snapshot || !dot || (size_t)(dot - path) >= sizeof sec || strchr(dot + 1, '.'))
        return NULL;
    memcpy(sec, path, (size_t)(dot - path));
    sec[dot - path] = 0;
    const json_t *v = json_object_get(json_object_get(snapshot, sec), dot + 1);
    return v && !json_is_object(v) && !json_is_null(v) ? v : NULL;
}

const json_t *sw_rfacts_value(const json_t *snapshot, const char *path)
{
    const json_t *f = sw_rfacts_fact(snapshot, path);
    if (!f)
        return plain_member(snapshot, path);
    const json_t *v = json_object_get(f, "value");
    /* Walk the keys after section.name into an object value: kernel.crash_capture.kdump_ready. */
    const char *p = strchr(path, '.');
    p = p ? strchr(p + 1, '.') : NULL;
    while (p && v) {
        char key[64];
        const char *next = strchr(p + 1, '.');
        size_t n = next ? (size_t)(next - p - 1) : strlen(p + 1);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, p + 1, n);
        key[n] = 0;
        v = json_object_get(v, key);
        p = next;
    }
    return (v && !json_is_null(v)) ? v : NULL;
}

int sw_rfacts_hex(const json_t *v, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return -1;
    char *end;
    unsigned long long x = strtoull(s, &end, 16);   /* accepts an optional 0x */
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return -1;
    *out = x;
    return 0;
}

int sw_rfacts_ucode(const json_t *v, uint64_t *out)
{
    if (sw_rfacts_hex(v, out) != 0 || *out == 0xffffffffu)
        return -1;
    return 0;
}

const char *sw_rfacts_text(const json_t *v, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    buf[0] = 0;
    if (!v || json_is_null(v))
        snprintf(buf, cap, "unknown");
    else if (json_is_string(v))
        snprintf(buf, cap, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, cap, "%g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, cap, "%s", json_is_true(v) ? "yes" : "no");
    else if (json_is_array(v)) {
        size_t i, len = 0;
        const json_t *x;
        json_array_foreach(v, i, x) {
            char one[128];
            sw_rfacts_text(x, one, sizeof one);
            int w = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", one);
            if (w < 0 || (size_t)w >= cap - len)
                break;
            len += (size_t)w;
        }
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
        snprintf(buf, cap, "%s", s ? s : "?");
        free(s);
    }
    return buf;
}

int sw_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        if (!isdigit((unsigned char)*a) || !isdigit((unsigned char)*b)) {
            /* A version that ran out of numbers is the older one ("6.9" < "6.9.1"). */
            int da = isdigit((unsigned char)*a), db = isdigit((unsigned char)*b);
            if (da != db)
                return da ? 1 : -1;
            return 0;
        }
        char *ea, *eb;
        unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
        if (x != y)
            return x < y ? -1 : 1;
        a = ea;
        b = eb;
        if (*a == '.' && *b == '.') {
            a++;
            b++;
            continue;
        }
        int ma = *a == '.' && isdigit((unsigned char)a[1]);
        int mb = *b == '.' && isdigit((unsigned char)b[1]);
        if (ma != mb)
            return ma ? 1 : -1;
        return 0;
    }
    return 0;
}

double sw_json_number(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : 0.0;
}

static const json_t *find_phase(const json_t *report, const char *name)
{
    const json_t *phases = json_object_get(json_object_get(report, "plan"), "phases");
    size_t i;
    const json_t *p;
    json_array_foreach(phases, i, p) {
        const char *n = json_string_value(json_object_get(p, "name"));
        if (n && name && !strcmp(n, name))
            return p;
    }
    return NULL;
}

const char *sw_rfacts_event_load(const json_t *report, const json_t *event)
{
    const json_t *phase = find_phase(report, json_string_value(json_object_get(event, "phase")));
    if (!phase)
        return "unknown";
    const json_t *duty = json_object_get(phase, "duty");
    if (sw_json_number(json_object_get(duty, "off_ms")) > 0)
        return "light";
    const char *name = json_string_value(json_object_get(phase, "name"));
    if (name && (strstr(name, "light") || strstr(name, "idle") || strstr(name, "burst") ||
                 strstr(name, "single")))
        return "light";
    double workers = 0;
    size_t i, j;
    const json_t *w, *pl;
    json_array_foreach(json_object_get(phase, "workloads"), i, w) {
        workers += sw_json_number(json_object_get(w, "workers"));
        json_array_foreach(json_object_get(w, "placement"), j, pl)
            if (json_is_true(json_object_get(pl, "cycle")))
                return "light";   /* one CPU at a time: the rest idle */
    }
    double pus = sw_json_number(
        json_object_get(json_object_get(json_object_get(report, "plan"), "topology"), "pus"));
    if (pus > 0 && workers > 0 && workers < pus)
        return "light";
    return "full";
}

bool sw_rfacts_in_vm(const json_t *snapshot)
{
    const json_t *env = sw_rfacts_value(snapshot, "hypervisor.environment");
    if (json_is_string(env))
        return strcmp(json_string_value(env), "bare-metal") != 0;
    return json_is_true(sw_rfacts_value(snapshot, "hypervisor.present"));
}

const char *sw_fmt_duration(double s, char *buf, size_t cap)
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, cap, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, cap, "%.0f min", s / 60);
    else
        snprintf(buf, cap, "%d h %d min", (int)(s / 3600), (int)((long)s % 3600) / 60);
    return buf;
}

const char *sw_fmt_size(double bytes, char *buf, size_t cap)
{
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (bytes >= 1024 && i < 4) {
        bytes /= 1024;
        i++;
    }
    snprintf(buf, cap, i ? "%.1f %s" : "%.0f %s", bytes, u[i]);
    return buf;
}

const json_t *sw_report_event_by_seq(const json_t *events, json_int_t seq)
{
    size_t i;
    const json_t *e;
    json_array_foreach(events, i, e) if (json_integer_value(json_object_get(e, "seq")) == seq) return e;
    return NULL;
}

int sw_report_evidence_lists(const json_t *report, const json_t *finding, struct sw_evidence_list out[2])
{
    const json_t *ev = json_object_get(finding, "evidence");
    int n = 0;
    const json_t *seqs = json_object_get(ev, "events");
    if (json_array_size(seqs))
        out[n++] = (struct sw_evidence_list){"events", seqs, json_object_get(report, "events")};
    seqs = json_object_get(ev, "previous_run_events");
    if (json_array_size(seqs))
        out[n++] = (struct sw_evidence_list){"events of the previous, crashed run", seqs,
                                             json_object_get(json_object_get(report, "previous_run"), "last_events")};
    return n;
}

/* The hex number after the first of the markers in s, or false. */
static bool hex_after(const char *s, const char *const *markers, unsigned long long *out)
{
    for (; *markers; markers++) {
        const char *p = strstr(s, *markers);
        if (!p)
            continue;
        p += strlen(*markers);
        char *end;
        *out = strtoull(p, &end, 16);
        if (end != p)
            return true;
    }
    return false;
}

bool sw_user_crash_offset(const json_t *ev, char *buf, size_t cap)
{
    const char *text = json_string_value(json_object_get(ev, "text"));
    unsigned long long ip, base = 0;
    if (!text || !hex_after(text, (const char *const[]){" ip ", " ip:", " rip ", " pc ", NULL}, &ip))
        return false;
    /* "... in libfoo.so[7f64395a2000+178000]": the offset inside the mapped object is stable across
     * address-space randomisation, the instruction pointer is not. */
    char obj[96] = "";
    const char *in = strstr(text, " in ");
    const char *br = in ? strchr(in, '[') : NULL;
    if (br) {
        size_t n = (size_t)(br - (in + 4));
        snprintf(obj, sizeof obj, "%.*s", (int)(n < sizeof obj ? n : sizeof obj - 1), in + 4);
        char *end;
        unsigned long long first = strtoull(br + 1, &end, 16);
        if (end != br + 1 && *end == ',') {
            /* Newer kernels print "obj[offset,base+size]": the offset is given. */
            snprintf(buf, cap, "%s+0x%llx", obj[0] ? obj : "?", first);
            return true;
        }
        base = end == br + 1 || first > ip ? 0 : first;
    }
    if (!*obj) {
        const char *task = json_string_value(json_object_get(json_object_get(ev, "kernel"), "task"));
        snprintf(obj, sizeof obj, "%s", task ? task : "?");
    }
    snprintf(buf, cap, "%s+0x%llx", obj, ip - base);
    return true;
}

int sw_bitflip_address_bit(const char *text)
{
    const char *p = text ? strstr(text, "non-canonical address 0x") : NULL;
    if (!p)
        return -1;
    unsigned long long a = strtoull(p + strlen("non-canonical address 0x"), NULL, 16);
    /* x86-64 with 48-bit addresses: bits 47..63 must all equal. One of them differing from the rest
     * is a canonical address with a single flipped bit. */
    unsigned long long top = a >> 47;                 /* 17 bits */
    int ones = __builtin_popcountll(top);
    if (ones == 16 || ones == 1) {
        unsigned long long odd = ones == 16 ? (~top & 0x1ffffULL) : top;
        return 47 + __builtin_ctzll(odd);
    }
    return -1;
}
