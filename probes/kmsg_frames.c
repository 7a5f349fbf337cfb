/* Call-trace frames in every printed form, the module a frame belongs to, and the subsystem a
 * report's file path or reliable frames point to. Pure string work, no allocation. */
#include "probes/kmsg_cls_int.h"

#include "core/fmt.h"

const bool kc_symch_table[256] = {['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true,
                                  ['_'] = true, ['.'] = true, ['$'] = true};

/* Frames every report has: they say nothing about the cause, so they are left out. */
static const char *const boring[] = {
    "dump_stack", "dump_stack_lvl", "show_stack", "show_trace_log_lvl", "panic", "__warn", "report_bug",
    "handle_bug", "die", "__die", "die_body", "oops_end", "do_trap", "do_error_trap", "no_context",
    "page_fault_oops", "kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "bad_area_nosemaphore",
    "do_user_addr_fault", "__do_page_fault", "do_page_fault", "page_fault", "do_divide_error",
    "do_invalid_op", "do_general_protection", "invalid_op", "divide_error", "general_protection",
    "error_entry", "ret_from_fork", "ret_from_fork_asm", "kthread", "worker_thread", "process_one_work",
    "do_syscall_64", "x64_sys_call", "__schedule", "schedule", "schedule_timeout",
    "schedule_preempt_disabled", "io_schedule", "nmi_handle", "default_do_nmi", "do_nmi", "end_repeat_nmi",
    "hrtimer_interrupt", "__hrtimer_run_queues", "irq_exit_rcu", "__irq_exit_rcu", "smpboot_thread_fn",
    "dump_header", "show_regs", "__show_regs", "print_report", "kasan_report", "print_address_description",
    "ubsan_epilogue", "warn_alloc", "kfence_report_error", "refcount_warn_saturate",
    /* the stall reporters' own path: the stalled code is below it */
    "rcu_dump_cpu_stacks", "print_cpu_stall", "check_cpu_stall", "rcu_pending", "rcu_sched_clock_irq",
    "update_process_times", "tick_sched_handle", "tick_sched_timer", "tick_nohz_handler", "dump_backtrace",
    "sched_show_task", "dump_cpu_task", "nmi_cpu_backtrace", "nmi_trigger_cpumask_backtrace",
    "arch_trigger_cpumask_backtrace", "watchdog_timer_fn", NULL,
};
static const char *const boring_prefix[] = {"asm_", "exc_", "entry_SYSCALL", "warn_slowpath", "sysvec_",
                                            "__sysvec_", "__ubsan_handle_", "__kasan_", "kasan_check", NULL};

static bool is_boring(const char *sym)
{
    for (int i = 0; boring[i]; i++)
        if (sym[0] == boring[i][0] && strcmp(sym, boring[i]) == 0)
            return true;
    for (int i = 0; boring_prefix[i]; i++)
        if (starts(sym, boring_prefix[i]))
            return true;
    return false;
}

static size_t sym_len(const char *s)
{
    size_t n = 0;
    while (symch(s[n]))
        n++;
    return n;
}

/* The function name without compiler suffixes (.isra.0, .constprop.0, .cold). */
static bool copy_sym(const char *s, size_t n, char *sym, size_t cap)
{
    const char *dot = memchr(s, '.', n);
    if (dot && dot != s)
        n = (size_t)(dot - s);
    if (!n)
        return false;
    copyn(sym, cap, s, n);
    return true;
}

/* " [zfs]" or " [nvidia]" after a frame: the module. */
static void copy_module(const char *p, char *mod, size_t cap)
{
    while (*p == ' ')
        p++;
    if (*p != '[' || p[1] == '<')
        return;
    size_t n = 0;
    while (p[1 + n] && (symch(p[1 + n]) || p[1 + n] == '-') && n < 40)
        n++;
    if (n && p[1 + n] == ']')
        copyn(mod, cap, p + 1, n);
}

/* "func (path/file.c:123)" or "func (path/file.c:123 (discriminator 1))": decode_stacktrace.sh. */
static bool decoded_frame(const char *s, size_t n)
{
    const char *p = s + n;
    if (p[0] != ' ' || p[1] != '(')
        return false;
    const char *e = strchr(p + 2, ')');
    const char *colon = memchr(p + 2, ':', e ? (size_t)(e - p - 2) : 0);
    return e && colon && dig(colon[1]) && memchr(p + 2, '.', (size_t)(colon - p - 2));
}

/* Parses one frame line into sym (and its module into mod, when given):
 *   x86 "[<ffffffff81234>] ? func.isra.0+0x1/0x2 [mod]", "? func+0x1/0x2",
 *   decode_stacktrace.sh "func (mm/kasan/report.c:476)",
 *   ARM32 "[<c0123456>] (func) from [<c0...>] (caller+0x..)" and 6.x "func from caller+0x1/0x2".
 * A frame marked '?' is a stack leftover: *unsure. Returns false if the line is not a frame. */
bool kc_parse_frame(const char *p, char *sym, size_t cap, bool *unsure, char *mod, size_t mod_cap)
{
    *unsure = false;
    if (mod && mod_cap)
        mod[0] = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    bool had_addr = false;
    while (p[0] == '[' && p[1] == '<') {   /* old "[<address>]" prefix */
        const char *e = strstr(p, ">]");
        if (!e)
            return false;
        p = e + 2;
        had_addr = true;
        while (*p == ' ')
            p++;
    }
    if (p[0] == '?' && p[1] == ' ') {
        *unsure = true;
        p += 2;
    }
    if (had_addr && p[0] == '(') {   /* ARM32: "(func) from" or "(func+0x1c/0x24) from" */
        size_t n = sym_len(p + 1);
        if (n && (p[1 + n] == ')' || p[1 + n] == '+') && strstr(p, ") from "))
            return copy_sym(p + 1, n, sym, cap);
        return false;
    }
    size_t n = sym_len(p);
    if (!n)
        return false;
    const char *after = p + n;
    if (starts(after, "+0x") && strstr(after, "/0x")) {
        if (mod) {
            const char *sp = strchr(after, ' ');
            if (sp)
                copy_module(sp, mod, mod_cap);
        }
        return copy_sym(p, n, sym, cap);
    }
    if (decoded_frame(p, n)) {
        if (mod) {
            const char *e = strrchr(after, ')');
            if (e)
                copy_module(e + 1, mod, mod_cap);
        }
        return copy_sym(p, n, sym, cap);
    }
    if (starts(after, " from ") && sym_len(after + 6) && strstr(after + 6, "+0x"))
        return copy_sym(p, n, sym, cap);   /* ARM32, 6.x unwinder */
    return false;
}

static bool has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* Appends w to a space-separated list if it fits whole and is not there yet. */
void kc_list_add(char *list, size_t cap, const char *w)
{
    size_t len = strlen(list), n = strlen(w);
    if (!n || has_word(list, w) || len + (len ? 1 : 0) + n + 1 > cap)
        return;
    if (len)
        list[len++] = ' ';
    memcpy(list + len, w, n + 1);
}

/* Built-in paravirtual drivers have no "[mod]" tag: their function names say which they are. */
static const struct {
    const char *prefix, *module;
} builtin_modules[] = {
    {"dxgk", "dxgkrnl"}, {"dxg_", "dxgkrnl"}, {"hv_", "hv_vmbus"}, {"vmbus_", "hv_vmbus"},
    {"hvsock_", "hv_sock"}, {"storvsc_", "hv_storvsc"}, {"netvsc_", "hv_netvsc"}, {"v9fs_", "9p"},
    {"p9_", "9pnet"}, {"virtio_fs", "virtiofs"}, {NULL, NULL},
};

/* The first reliable frame (or the RIP) that belongs to a module names the report's module. */
void kc_note_module(struct sw_kmsg_block *b, const char *sym, const char *mod)
{
    if (b->kx.module[0])
        return;
    if (mod && mod[0]) {
        sw_strlcpy(b->kx.module, mod, sizeof b->kx.module);
        return;
    }
    for (int i = 0; builtin_modules[i].prefix; i++)
        if (starts(sym, builtin_modules[i].prefix)) {
            sw_strlcpy(b->kx.module, builtin_modules[i].module, sizeof b->kx.module);
            return;
        }
}

static const char *const sleeping[] = {"__schedule", "schedule", "schedule_timeout", "io_schedule",
                                       "schedule_preempt_disabled", "__wait_for_common", "wait_for_completion",
                                       "rcu_gp_kthread", "schedule_hrtimeout_range", NULL};

void kc_add_frame(struct sw_kmsg_block *b, const char *sym, bool unsure, const char *mod)
{
    b->first_frame = false;
    b->frames++;
    for (int i = 0; !unsure && sleeping[i]; i++)
        if (sym[0] == sleeping[i][0] && strcmp(sym, sleeping[i]) == 0)
            b->flags |= KB_SLEEP;   /* a task that sleeps: a dump of waiting tasks, not a crash */
    if (is_boring(sym))
        return;
    /* A '?' frame is a leftover on the stack: kept after the reliable ones, never the crash symbol. */
    if (unsure) {
        kc_list_add(b->frames_maybe, sizeof b->frames_maybe, sym);
        return;
    }
    kc_list_add(b->frames_sure, sizeof b->frames_sure, sym);
    kc_note_module(b, sym, mod);
}

/* ---- subsystem ------------------------------------------------------------------------------- */

static const struct {
    const char *path, *name;
} path_subsys[] = {
    {"io_uring/", "io_uring"}, {"fs/io_uring", "io_uring"}, {"fs/ext4/", "ext4"}, {"fs/btrfs/", "btrfs"},
    {"fs/xfs/", "xfs"}, {"fs/nfs", "nfs"}, {"fs/cifs/", "cifs"}, {"fs/smb/", "cifs"}, {"fs/fuse/", "fuse"},
    {"fs/9p/", "9p"}, {"net/9p/", "9p"}, {"fs/overlayfs/", "overlayfs"}, {"fs/", "vfs"}, {"mm/", "mm"},
    {"kernel/sched/", "sched"}, {"kernel/rcu/", "rcu"}, {"kernel/locking/", "locking"}, {"block/", "block"},
    {"drivers/block/", "block"}, {"drivers/nvme/", "nvme"}, {"drivers/scsi/", "scsi"}, {"drivers/gpu/", "drm"},
    {"drivers/hv/dxgkrnl", "dxgkrnl"}, {"drivers/hv/", "hyperv"}, {"arch/x86/hyperv", "hyperv"},
    {"virt/kvm", "kvm"}, {"arch/x86/kvm", "kvm"}, {"net/", "net"}, {"drivers/net/", "net"},
    {"lib/list_debug", "lib"}, {"lib/", "lib"}, {"kernel/", "kernel"}, {NULL, NULL},
};

static const struct {
    const char *prefix, *name;
} sym_subsys[] = {
    {"io_schedule", ""}, {"io_", "io_uring"}, {"__io_", "io_uring"}, {"ext4_", "ext4"}, {"jbd2_", "ext4"}, {"btrfs_", "btrfs"},
    {"xfs_", "xfs"}, {"nfs", "nfs"}, {"rpc_", "nfs"}, {"cifs_", "cifs"}, {"smb2_", "cifs"}, {"fuse_", "fuse"},
    {"v9fs_", "9p"}, {"p9_", "9p"}, {"virtio_fs", "virtiofs"}, {"zap_leaf", "zfs"}, {"zio_", "zfs"},
    {"dmu_", "zfs"}, {"spa_", "zfs"}, {"zfs_", "zfs"}, {"drm_", "drm"}, {"i915_", "drm"},
    {"amdgpu_", "drm"}, {"dxg", "dxgkrnl"}, {"hv_", "hyperv"}, {"vmbus_", "hyperv"}, {"kvm_", "kvm"},
    {"rcu_", "rcu"}, {"tcp_", "net"}, {"udp_", "net"}, {"ip_", "net"}, {"sock_", "net"}, {"netif_", "net"},
    {"napi_", "net"}, {"blk_", "block"}, {"bio_", "block"}, {"submit_bio", "block"}, {"kmem_cache", "mm"},
    {"__slab", "mm"}, {"slab_", "mm"}, {"kfree", "mm"}, {"__kmalloc", "mm"}, {"kmalloc", "mm"},
    {"__alloc_pages", "mm"}, {"alloc_pages", "mm"}, {"free_pages", "mm"}, {"folio_", "mm"},
    {"shrink_", "mm"}, {"__remove_mapping", "mm"}, {"zap_pte", "mm"}, {"unmap_", "mm"}, {"__check_heap_object", "mm"},
    {"__check_object_size", "mm"}, {NULL, NULL},
};

/* From the report's file path (where = "mm/slub.c:294") or else its first reliable frame that names one. */
void kc_guess_subsystem(struct sw_kmsg_block *b, const char *syms)
{
    if (b->kx.subsystem[0])
        return;
    for (int i = 0; path_subsys[i].path && b->where[0]; i++)
        if (starts(b->where, path_subsys[i].path)) {
            sw_strlcpy(b->kx.subsystem, path_subsys[i].name, sizeof b->kx.subsystem);
            return;
        }
    static const struct {
        const char *module, *name;
    } mod_subsys[] = {{"zfs", "zfs"}, {"dxgkrnl", "dxgkrnl"}, {"kvm", "kvm"}, {"kvm_intel", "kvm"},
                      {"kvm_amd", "kvm"}, {"hv_vmbus", "hyperv"}, {"hv_storvsc", "hyperv"}, {"hv_netvsc", "hyperv"},
                      {"nvidia", "drm"}, {"amdgpu", "drm"}, {"i915", "drm"}, {"btrfs", "btrfs"}, {"xfs", "xfs"},
                      {"ext4", "ext4"}, {"nfs", "nfs"}, {"cifs", "cifs"}, {"fuse", "fuse"}, {"9p", "9p"},
                      {NULL, NULL}};
    for (int i = 0; mod_subsys[i].module; i++)
        if (!strcmp(b->kx.module, mod_subsys[i].module)) {
            sw_strlcpy(b->kx.subsystem, mod_subsys[i].name, sizeof b->kx.subsystem);
            return;
        }
    for (const char *p = syms; *p;) {
        size_t n = 0;
        while (p[n] && p[n] != ' ')
            n++;
        for (int i = 0; sym_subsys[i].prefix; i++) {
            if (p[0] != sym_subsys[i].prefix[0])
                continue;   /* most entries fail here, without a strlen */
            size_t k = strlen(sym_subsys[i].prefix);
            if (k <= n && memcmp(p, sym_subsys[i].prefix, k) == 0) {
                if (!sym_subsys[i].name[0])
                    break;   /* a generic helper that only looks like a subsystem's */
                sw_strlcpy(b->kx.subsystem, sym_subsys[i].name, sizeof b->kx.subsystem);
                return;
            }
        }
        p += n;
        while (*p == ' ')
            p++;
    }
}
