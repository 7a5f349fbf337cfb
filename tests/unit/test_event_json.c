/* struct sw_event -> the EVENT object of docs/report-schema.md, block by type, and back. */
#include <signal.h>

#include "core/event_json.h"
#include "core/fmt.h"
#include "tests/harness/check.h"

static struct sw_ev_names names(void)
{
    struct sw_ev_names n;
    memset(&n, 0, sizeof n);
    n.nphases = 2;
    n.phase[0] = "warmup";
    n.phase[1] = "build";
    sw_ev_names_add_wl(&n, 3, "memory");
    sw_ev_names_add_wl(&n, 5, "compile");
    sw_ev_names_add_wl(&n, 3, "duplicate-ignored");
    n.is_vm = true;
    return n;
}

static void base(struct sw_event *ev, enum sw_ev_type t, enum sw_sev s)
{
    memset(ev, 0, sizeof *ev);
    ev->seq = 17;
    ev->t_ns = 1795446653123456789ull;   /* 2026-11-23T15:10:53.123456Z */
    ev->type = (uint16_t)t;
    ev->sev = (uint8_t)s;
    ev->worker = 2;
    ev->cpu = 1;
    ev->node = 0;
    ev->workload = 3;
    ev->pid = 4242;
    ev->phase = 1;
}

static const char *s(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "(null)";
}

static void common_fields(void)
{
    struct sw_ev_names n = names();
    struct sw_event ev;
    base(&ev, SW_EV_NOTE, SW_SEV_WARN);
    sw_strlcpy(ev.what, "label", sizeof ev.what);
    sw_strlcpy(ev.text, "one line", sizeof ev.text);
    json_t *o = sw_event_to_json(&ev, &n);
    CHECK_INT(json_integer_value(json_object_get(o, "seq")), 17);
    CHECK_STR(s(o, "time"), "2026-11-23T15:10:53.123456Z");
    CHECK(json_integer_value(json_object_get(o, "t_ns")) == (json_int_t)1795446653123456789ull);
    CHECK_STR(s(o, "type"), "note");
    CHECK_STR(s(o, "severity"), "warn");
    CHECK_STR(s(o, "workload"), "memory");
    CHECK_INT(json_integer_value(json_object_get(o, "worker")), 2);
    CHECK_INT(json_integer_value(json_object_get(o, "cpu")), 1);
    CHECK_INT(json_integer_value(json_object_get(o, "node")), 0);
    CHECK_INT(json_integer_value(json_object_get(o, "pid")), 4242);
    CHECK_STR(s(o, "phase"), "build");
    CHECK_STR(s(o, "what"), "label");
    CHECK_STR(s(o, "text"), "one line");
    CHECK(!json_object_get(o, "mem") && !json_object_get(o, "fault") && !json_object_get(o, "kernel"));
    json_decref(o);
    /* no names: nulls, not crashes; a runner event has no workload */
    ev.workload = -1;
    o = sw_event_to_json(&ev, NULL);
    CHECK(json_is_null(json_object_get(o, "workload")));
    CHECK(json_is_null(json_object_get(o, "phase")));
    json_decref(o);
}

static void mem_block(void)
{
    struct sw_ev_names n = names();
    struct sw_event ev;
    base(&ev, SW_EV_MEM_ERROR, SW_SEV_ERROR);
    ev.u.mem.vaddr = 0x7f0000001000ull;
    ev.u.mem.paddr = 0x12345000ull;
    ev.u.mem.expected = 0xffull;
    ev.u.mem.actual = 0xfeull;
    ev.u.mem.reread = 0xffull;
    ev.u.mem.width = 8;
    ev.u.mem.flags = SW_MEM_PADDR_OK;
    json_t *o = sw_event_to_json(&ev, &n);
    json_t *m = json_object_get(o, "mem");
    CHECK_STR(s(m, "vaddr"), "0x7f0000001000");
    CHECK_STR(s(m, "paddr"), "0x12345000");
    CHECK_STR(s(m, "paddr_note"), "guest-physical");
    CHECK_STR(s(m, "flipped_bits"), "0x1");
    CHECK_INT(json_integer_value(json_object_get(m, "width")), 8);
    CHECK(json_is_false(json_object_get(m, "persistent")));
    CHECK(json_is_false(json_object_get(m, "block")));
    json_decref(o);
    ev.u.mem.flags = SW_MEM_PERSISTENT;   /* no pagemap: paddr is null */
    o = sw_event_to_json(&ev, &n);
    m = json_object_get(o, "mem");
    CHECK(json_is_null(json_object_get(m, "paddr")));
    CHECK(json_is_true(json_object_get(m, "persistent")));
    json_decref(o);
}

static void fault_and_kernel_blocks(void)
{
    struct sw_ev_names n = names();
    struct sw_event ev;
    base(&ev, SW_EV_WORKER_SIGNAL, SW_SEV_ERROR);
    ev.u.fault.signo = SIGSEGV;
    ev.u.fault.code = 1;
    ev.u.fault.addr = 0x10;
    ev.u.fault.ip = 0x401000;
    json_t *o = sw_event_to_json(&ev, &n);
    json_t *f = json_object_get(o, "fault");
    CHECK_STR(s(f, "signal"), "SIGSEGV");
    CHECK_INT(json_integer_value(json_object_get(f, "signo")), 11);
    CHECK_STR(s(f, "addr"), "0x10");
    CHECK_STR(s(f, "ip"), "0x401000");
    json_decref(o);

    base(&ev, SW_EV_KERNEL, SW_SEV_FATAL);
    ev.klog_kind = SW_KLOG_OOPS;
    ev.klog_also = SW_KLOG_NULL_DEREF;
    sw_strlcpy(ev.u.klog.task, "cc1", sizeof ev.u.klog.task);
    sw_strlcpy(ev.u.klog.symbols, "__check_heap_object  copy_strings", sizeof ev.u.klog.symbols);
    sw_strlcpy(ev.u.klog.where, "mm/slub.c:4485", sizeof ev.u.klog.where);
    o = sw_event_to_json(&ev, &n);
    json_t *k = json_object_get(o, "kernel");
    CHECK_STR(s(k, "kind"), "oops");
    CHECK_STR(s(k, "also"), "null_deref");
    CHECK_STR(s(k, "task"), "cc1");
    CHECK_INT(json_array_size(json_object_get(k, "symbols")), 2);
    CHECK_STR(json_string_value(json_array_get(json_object_get(k, "symbols"), 1)), "copy_strings");
    CHECK_STR(s(k, "where"), "mm/slub.c:4485");
    CHECK_STR(s(o, "severity"), "fatal");
    json_decref(o);
}

/* Interface (docs/report-schema.md): module/taint/subsystem always; mce only for machine checks; stall
 * only when the classifier saw stall details; taint null when the report had no taint line. */
static void kernel_details(void)
{
    struct sw_ev_names n = names();
    struct sw_event ev, back;
    base(&ev, SW_EV_KERNEL, SW_SEV_ERROR);
    ev.klog_kind = SW_KLOG_MCE;
    ev.kx.mce_corrected = SW_MCE_CORRECTED;
    ev.kx.mce_bank = 4 + 1;
    ev.kx.mce_unit = SW_MCE_UNIT_LOAD_STORE;
    ev.kx.mce_source = SW_MCE_SRC_MCE_AMD;
    json_t *o = sw_event_to_json(&ev, &n);
    json_t *k = json_object_get(o, "kernel"), *m = json_object_get(k, "mce");
    CHECK(json_is_true(json_object_get(m, "corrected")));
    CHECK_INT(json_integer_value(json_object_get(m, "bank")), 4);
    CHECK_STR(s(m, "unit"), "load_store");
    CHECK_STR(s(m, "source"), "mce_amd");
    CHECK(json_is_null(json_object_get(k, "taint")));
    CHECK_STR(s(k, "module"), "");
    CHECK(!json_object_get(k, "stall"));
    CHECK_INT(sw_event_from_json(o, &n, &back), 0);
    CHECK(memcmp(&ev, &back, sizeof ev) == 0);
    json_decref(o);

    ev.kx.mce_corrected = 0;   /* unknown stays unknown */
    ev.kx.mce_bank = 0;
    o = sw_event_to_json(&ev, &n);
    m = json_object_get(json_object_get(o, "kernel"), "mce");
    CHECK(json_is_null(json_object_get(m, "corrected")) && json_is_null(json_object_get(m, "bank")));
    json_decref(o);

    base(&ev, SW_EV_KERNEL, SW_SEV_ERROR);
    ev.klog_kind = SW_KLOG_RCU_STALL;
    ev.kx.flags = SW_KX_TAINT_SEEN | SW_KX_STALL_SEEN | SW_KX_KTHREAD_STARVED;
    ev.kx.stall_cpus = 2;
    sw_strlcpy(ev.kx.module, "zfs", sizeof ev.kx.module);
    sw_strlcpy(ev.kx.taint, "PO", sizeof ev.kx.taint);
    sw_strlcpy(ev.kx.subsystem, "rcu", sizeof ev.kx.subsystem);
    o = sw_event_to_json(&ev, &n);
    k = json_object_get(o, "kernel");
    json_t *st = json_object_get(k, "stall");
    CHECK(json_is_true(json_object_get(st, "kthread_starved")) && json_is_false(json_object_get(st, "false_positive")));
    CHECK_INT(json_integer_value(json_object_get(st, "cpus")), 2);
    CHECK_STR(s(k, "taint"), "PO");
    CHECK_STR(s(k, "module"), "zfs");
    CHECK_STR(s(k, "subsystem"), "rcu");
    CHECK(!json_object_get(k, "mce"));
    CHECK_INT(sw_event_from_json(o, &n, &back), 0);
    CHECK(memcmp(&ev, &back, sizeof ev) == 0);
    json_decref(o);

    ev.klog_kind = SW_KLOG_PAGE_ALLOC_FAIL;   /* the newest kinds have names both ways */
    o = sw_event_to_json(&ev, &n);
    CHECK_STR(s(json_object_get(o, "kernel"), "kind"), "page_alloc_fail");
    CHECK_INT(sw_klog_kind_from_name("kasan"), SW_KLOG_KASAN);
    json_decref(o);
}

static void bad_bytes_stay_valid_json(void)
{
    struct sw_event ev;
    base(&ev, SW_EV_KERNEL, SW_SEV_ERROR);
    ev.klog_kind = SW_KLOG_BUG;
    memcpy(ev.u.klog.task, "ab\xff\xfe" "cd", 7);
    memset(ev.text, 'x', sizeof ev.text);   /* no terminator at all */
    json_t *o = sw_event_to_json(&ev, NULL);
    CHECK_STR(s(json_object_get(o, "kernel"), "task"), "ab??cd");
    CHECK_INT(strlen(s(o, "text")), SW_EV_TEXT);
    char *dump = json_dumps(o, 0);
    CHECK(dump != NULL);
    free(dump);
    json_decref(o);
}

static void round_trip(void)
{
    struct sw_ev_names n = names();
    struct sw_event ev, back;
    base(&ev, SW_EV_MEM_ERROR, SW_SEV_ERROR);
    ev.u.mem.vaddr = 0xdeadbeef000ull;
    ev.u.mem.expected = 0x5555555555555555ull;
    ev.u.mem.actual = 0x5555555555555554ull;
    ev.u.mem.reread = 0x5555555555555554ull;
    ev.u.mem.width = 8;
    ev.u.mem.flags = SW_MEM_PERSISTENT;
    sw_strlcpy(ev.what, "walking-ones", sizeof ev.what);
    sw_strlcpy(ev.text, "pattern walking-ones", sizeof ev.text);
    json_t *o = sw_event_to_json(&ev, &n);
    CHECK_INT(sw_event_from_json(o, &n, &back), 0);
    CHECK(memcmp(&ev, &back, sizeof ev) == 0);
    json_decref(o);

    base(&ev, SW_EV_KERNEL, SW_SEV_FATAL);
    ev.workload = 5;
    ev.phase = 0;
    ev.klog_kind = SW_KLOG_GPF;
    sw_strlcpy(ev.u.klog.task, "make", sizeof ev.u.klog.task);
    sw_strlcpy(ev.u.klog.symbols, "a b c", sizeof ev.u.klog.symbols);
    o = sw_event_to_json(&ev, &n);
    CHECK_INT(sw_event_from_json(o, &n, &back), 0);
    CHECK(memcmp(&ev, &back, sizeof ev) == 0);
    json_decref(o);

    json_t *bad = json_pack("{s:s}", "type", "nonsense");
    CHECK(sw_event_from_json(bad, &n, &back) < 0);
    json_decref(bad);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"common_fields", common_fields}, {"mem_block", mem_block},
        {"fault_and_kernel_blocks", fault_and_kernel_blocks}, {"bad_bytes_stay_valid_json", bad_bytes_stay_valid_json},
        {"kernel_details", kernel_details},
        {"round_trip", round_trip}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
