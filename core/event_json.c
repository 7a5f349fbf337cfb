#include "core/event_json.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fmt.h"

void sw_ev_names_add_wl(struct sw_ev_names *n, int id, const char *name)
{
    if (sw_ev_names_wl(n, id) || n->nwl >= SW_EVN_MAX_WL)
        return;
    n->wl[n->nwl].id = id;
    n->wl[n->nwl].name = name;
    n->nwl++;
}

const char *sw_ev_names_wl(const struct sw_ev_names *n, int id)
{
    for (int i = 0; n && i < n->nwl; i++)
        if (n->wl[i].id == id)
            return n->wl[i].name;
    return NULL;
}

const char *sw_time_iso8601(uint64_t real_ns, char *buf, unsigned len)
{
    time_t s = (time_t)(real_ns / 1000000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06uZ", base, (unsigned)(real_ns % 1000000000u / 1000u));
    return buf;
}

const char *sw_time_iso8601_s(uint64_t real_ns, char *buf, unsigned len)
{
    time_t s = (time_t)(real_ns / 1000000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static json_t *hex(uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "0x%" PRIx64, v);
    return json_string(b);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *safe_stringn(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);   /* NULL when not valid UTF-8 */
    if (j)
        return j;
    char buf[256];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    return json_stringn(buf, n);
}

/* Copies a fixed-size char field that may lack its terminator. */
static json_t *fixed_str(const char *s, size_t cap)
{
    return safe_stringn(s, strnlen(s, cap));
}

static json_t *symbols_array(const char *s, size_t cap)
{
    json_t *a = json_array();
    size_t n = strnlen(s, cap), i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && s[i] != ' ')
            i++;
        if (i > start)
            json_array_append_new(a, safe_stringn(s + start, i - start));
    }
    return a;
}

static int64_t int_get(const json_t *o, const char *key, int64_t def);

static bool is_stall_kind(int k)
{
    return k == SW_KLOG_RCU_STALL || k == SW_KLOG_SOFT_LOCKUP || k == SW_KLOG_HUNG_TASK;
}

/* module / taint / subsystem / mce / stall (docs/report-schema.md, "kernel"). */
static void klog_ext_to_json(const struct sw_event *ev, json_t *k)
{
    const struct sw_klog_ext *x = &ev->kx;
    json_object_set_new(k, "module", fixed_str(x->module, sizeof x->module));
    json_object_set_new(k, "taint", (x->flags & SW_KX_TAINT_SEEN) ? fixed_str(x->taint, sizeof x->taint) : json_null());
    json_object_set_new(k, "subsystem", fixed_str(x->subsystem, sizeof x->subsystem));
    if (ev->klog_kind == SW_KLOG_MCE || ev->klog_also == SW_KLOG_MCE) {
        json_t *m = json_object();
        json_object_set_new(m, "corrected", x->mce_corrected == SW_MCE_CORRECTED     ? json_true()
                                            : x->mce_corrected == SW_MCE_UNCORRECTED ? json_false()
                                                                                     : json_null());
        json_object_set_new(m, "bank", x->mce_bank > 0 ? json_integer(x->mce_bank - 1) : json_null());
        const char *unit = sw_mce_unit_name((enum sw_mce_unit)x->mce_unit);
        json_object_set_new(m, "unit", json_string(unit[0] ? unit : "unknown"));
        const char *src = sw_mce_source_name((enum sw_mce_source)x->mce_source);
        json_object_set_new(m, "source", json_string(src[0] ? src : "mce"));
        json_object_set_new(k, "mce", m);
    }
    if ((x->flags & SW_KX_STALL_SEEN) && (is_stall_kind(ev->klog_kind) || is_stall_kind(ev->klog_also))) {
        json_object_set_new(k, "stall", json_pack("{s:b, s:b, s:i}", "kthread_starved",
                                                  (x->flags & SW_KX_KTHREAD_STARVED) != 0, "false_positive",
                                                  (x->flags & SW_KX_FALSE_POSITIVE) != 0, "cpus", x->stall_cpus));
    }
}

static void klog_ext_from_json(const json_t *k, struct sw_event *ev)
{
    struct sw_klog_ext *x = &ev->kx;
    const char *s;
    if ((s = json_string_value(json_object_get(k, "module"))) != NULL)
        sw_strlcpy(x->module, s, sizeof x->module);
    if ((s = json_string_value(json_object_get(k, "taint"))) != NULL) {
        sw_strlcpy(x->taint, s, sizeof x->taint);
        x->flags |= SW_KX_TAINT_SEEN;
    }
    if ((s = json_string_value(json_object_get(k, "subsystem"))) != NULL)
        sw_strlcpy(x->subsystem, s, sizeof x->subsystem);
    json_t *m = json_object_get(k, "mce");
    if (json_is_object(m)) {
        json_t *c = json_object_get(m, "corrected");
        x->mce_corrected = json_is_true(c) ? SW_MCE_CORRECTED : json_is_false(c) ? SW_MCE_UNCORRECTED : 0;
        int64_t bank = int_get(m, "bank", -1);
        x->mce_bank = (int16_t)(bank >= 0 && bank < 32000 ? bank + 1 : 0);
        x->mce_unit = (uint8_t)sw_mce_unit_from_name(json_string_value(json_object_get(m, "unit")));
        x->mce_source = (uint8_t)sw_mce_source_from_name(json_string_value(json_object_get(m, "source")));
    }
    json_t *st = json_object_get(k, "stall");
    if (json_is_object(st)) {
        x->flags |= SW_KX_STALL_SEEN;
        if (json_is_true(json_object_get(st, "kthread_starved")))
            x->flags |= SW_KX_KTHREAD_STARVED;
        if (json_is_true(json_object_get(st, "false_positive")))
            x->flags |= SW_KX_FALSE_POSITIVE;
        int64_t cpus = int_get(st, "cpus", 0);
        x->stall_cpus = (uint16_t)(cpus > 0 && cpus < 65536 ? cpus : 0);
    }
}

json_t *sw_event_to_json(const struct sw_event *ev, const struct sw_ev_names *names)
{
    char tbuf[40];
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "seq", json_integer((json_int_t)ev->seq));
    json_object_set_new(o, "time", json_string(sw_time_iso8601(ev->t_ns, tbuf, sizeof tbuf)));
    json_object_set_new(o, "t_ns", json_integer((json_int_t)ev->t_ns));
    json_object_set_new(o, "type", json_string(sw_ev_type_name((enum sw_ev_type)ev->type)));
    json_object_set_new(o, "severity", json_string(sw_sev_name((enum sw_sev)ev->sev)));
    json_object_set_new(o, "workload", str_or_null(ev->workload >= 0 ? sw_ev_names_wl(names, ev->workload) : NULL));
    json_object_set_new(o, "worker", json_integer(ev->worker));
    json_object_set_new(o, "cpu", json_integer(ev->cpu));
    json_object_set_new(o, "node", json_integer(ev->node));
    json_object_set_new(o, "pid", json_integer(ev->pid));
    const char *phase = names && ev->phase < names->nphases ? names->phase[ev->phase] : NULL;
    json_object_set_new(o, "phase", str_or_null(phase));
    json_object_set_new(o, "what", fixed_str(ev->what, sizeof ev->what));
    json_object_set_new(o, "text", fixed_str(ev->text, sizeof ev->text));

    switch ((enum sw_ev_type)ev->type) {
    case SW_EV_MEM_ERROR: {
        json_t *m = json_object();
        json_object_set_new(m, "vaddr", hex(ev->u.mem.vaddr));
        bool pok = ev->u.mem.flags & SW_MEM_PADDR_OK;
        json_object_set_new(m, "paddr", pok ? hex(ev->u.mem.paddr) : json_null());
        if (pok)
            json_object_set_new(m, "paddr_note", json_string(names && names->is_vm ? "guest-physical" : "physical"));
        json_object_set_new(m, "expected", hex(ev->u.mem.expected));
        json_object_set_new(m, "actual", hex(ev->u.mem.actual));
        json_object_set_new(m, "reread", hex(ev->u.mem.reread));
        json_object_set_new(m, "flipped_bits", hex(ev->u.mem.expected ^ ev->u.mem.actual));
        json_object_set_new(m, "width", json_integer(ev->u.mem.width));
        json_object_set_new(m, "persistent", json_boolean(ev->u.mem.flags & SW_MEM_PERSISTENT));
        json_object_set_new(m, "block", json_boolean(ev->u.mem.flags & SW_MEM_BLOCK));
        json_object_set_new(o, "mem", m);
        break;
    }
    case SW_EV_VERIFY_ERROR: {
        json_t *v = json_object();
        json_object_set_new(v, "want", hex(ev->u.verify.want));
        json_object_set_new(v, "got", hex(ev->u.verify.got));
        json_object_set_new(o, "verify", v);
        break;
    }
    case SW_EV_WORKER_SIGNAL:
    case SW_EV_WORKER_EXIT: {
        json_t *f = json_object();
        char sb[32];
        int signo = ev->u.fault.signo;
        json_object_set_new(f, "signal", signo > 0 ? json_string(sw_signal_name(signo, sb, sizeof sb)) : json_null());
        json_object_set_new(f, "signo", json_integer(signo));
        json_object_set_new(f, "code", json_integer(ev->u.fault.code));
        json_object_set_new(f, "addr", hex(ev->u.fault.addr));
        json_object_set_new(f, "ip", hex(ev->u.fault.ip));
        json_object_set_new(f, "status", json_integer(ev->u.fault.status));
        json_object_set_new(o, "fault", f);
        break;
    }
    case SW_EV_KERNEL: {
        json_t *k = json_object();
        json_object_set_new(k, "kind", json_string(sw_klog_kind_name((enum sw_klog_kind)ev->klog_kind)));
        json_object_set_new(k, "also", ev->klog_also ? json_string(sw_klog_kind_name((enum sw_klog_kind)ev->klog_also))
                                                     : json_null());
        json_object_set_new(k, "task", fixed_str(ev->u.klog.task, sizeof ev->u.klog.task));
        json_object_set_new(k, "symbols", symbols_array(ev->u.klog.symbols, sizeof ev->u.klog.symbols));
        json_object_set_new(k, "where", fixed_str(ev->u.klog.where, sizeof ev->u.klog.where));
        klog_ext_to_json(ev, k);
        json_object_set_new(o, "kernel", k);
        break;
    }
    default:
        break;
    }
    return o;
}

/* --- the reverse --- */

static int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static uint64_t hex_get(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strtoull(s, NULL, 0) : 0;
}

static int64_t int_get(const json_t *o, const char *key, int64_t def)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

static void str_get(const json_t *o, const char *key, char *dst, size_t cap)
{
    const char *s = json_string_value(json_object_get(o, key));
    sw_strlcpy(dst, s ? s : "", cap);
}

int sw_event_from_json(const json_t *o, const struct sw_ev_names *names, struct sw_event *ev)
{
    memset(ev, 0, sizeof *ev);
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *sev = json_string_value(json_object_get(o, "severity"));
    if (!json_is_object(o) || !type || !sev)
        return -EINVAL;
    int t = -1;
    for (int i = 0; i < SW_EV_TYPE_COUNT; i++)
        if (strcmp(sw_ev_type_name((enum sw_ev_type)i), type) == 0)
            t = i;
    int s = -1;
    for (int i = SW_SEV_INFO; i <= SW_SEV_FATAL; i++)
        if (strcmp(sw_sev_name((enum sw_sev)i), sev) == 0)
            s = i;
    if (t < 0 || s < 0)
        return -EINVAL;
    ev->type = (uint16_t)t;
    ev->sev = (uint8_t)s;
    ev->seq = (uint64_t)int_get(o, "seq", 0);
    ev->t_ns = (uint64_t)int_get(o, "t_ns", 0);
    ev->worker = (int16_t)int_get(o, "worker", -1);
    ev->cpu = (int16_t)int_get(o, "cpu", -1);
    ev->node = (int16_t)int_get(o, "node", -1);
    ev->pid = (int32_t)int_get(o, "pid", 0);
    ev->workload = -1;
    const char *wl = json_string_value(json_object_get(o, "workload"));
    for (int i = 0; wl && names && i < names->nwl; i++)
        if (names->wl[i].name && strcmp(names->wl[i].name, wl) == 0)
            ev->workload = (int16_t)names->wl[i].id;
    const char *ph = json_string_value(json_object_get(o, "phase"));
    int pi = ph && names ? name_index(names->phase, names->nphases, ph) : -1;
    ev->phase = (uint16_t)(pi < 0 ? 0 : pi);
    str_get(o, "what", ev->what, sizeof ev->what);
    str_get(o, "text", ev->text, sizeof ev->text);
    json_t *m = json_object_get(o, "mem");
    if (json_is_object(m)) {
        ev->u.mem.vaddr = hex_get(m, "vaddr");
        ev->u.mem.expected = hex_get(m, "expected");
        ev->u.mem.actual = hex_get(m, "actual");
        ev->u.mem.reread = hex_get(m, "reread");
        ev->u.mem.width = (uint32_t)int_get(m, "width", 0);
        if (json_is_string(json_object_get(m, "paddr"))) {
            ev->u.mem.paddr = hex_get(m, "paddr");
            ev->u.mem.flags |= SW_MEM_PADDR_OK;
        }
        if (json_is_true(json_object_get(m, "persistent")))
            ev->u.mem.flags |= SW_MEM_PERSISTENT;
        if (json_is_true(json_object_get(m, "block")))
            ev->u.mem.flags |= SW_MEM_BLOCK;
    }
    json_t *v = json_object_get(o, "verify");
    if (json_is_object(v)) {
        ev->u.verify.want = hex_get(v, "want");
        ev->u.verify.got = hex_get(v, "got");
    }
    json_t *f = json_object_get(o, "fault");
    if (json_is_object(f)) {
        ev->u.fault.signo = (int32_t)int_get(f, "signo", 0);
        ev->u.fault.code = (int32_t)int_get(f, "code", 0);
        ev->u.fault.status = (int32_t)int_get(f, "status", 0);
        ev->u.fault.addr = hex_get(f, "addr");
        ev->u.fault.ip = hex_get(f, "ip");
    }
    json_t *k = json_object_get(o, "kernel");
    if (json_is_object(k)) {
        const char *kind = json_string_value(json_object_get(k, "kind"));
        const char *also = json_string_value(json_object_get(k, "also"));
        int ki = kind ? sw_klog_kind_from_name(kind) : -1;
        int ai = also ? sw_klog_kind_from_name(also) : -1;
        ev->klog_kind = (uint8_t)(ki < 0 ? 0 : ki);
        ev->klog_also = (uint8_t)(ai < 0 ? 0 : ai);
        str_get(k, "task", ev->u.klog.task, sizeof ev->u.klog.task);
        str_get(k, "where", ev->u.klog.where, sizeof ev->u.klog.where);
        klog_ext_from_json(k, ev);
        struct sw_fmt fm;
        sw_fmt_init(&fm, ev->u.klog.symbols, sizeof ev->u.klog.symbols);
        json_t *syms = json_object_get(k, "symbols");
        size_t i;
        json_t *sym;
        json_array_foreach(syms, i, sym) {
            if (i)
                sw_fmt_str(&fm, " ");
            sw_fmt_str(&fm, json_string_value(sym));
        }
    }
    return 0;
}
