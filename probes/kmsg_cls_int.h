/* Internals shared by the kernel-log classifier's files (kmsg_classify.c: the line dispatcher and block
 * life cycle; kmsg_frames.c: call-trace frames; kmsg_fields.c: fields of report lines; kmsg_mce.c:
 * machine checks in every form; kmsg_detectors.c: the kernel's debug detectors). Not a public API. */
#ifndef SW_KMSG_CLS_INT_H
#define SW_KMSG_CLS_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "probes/kmsg_classify.h"

/* Indicators a report block collects; the event's kind is decided from them when it closes. */
enum {
    KB_CUT = 1u << 0,      /* "------------[ cut here ]------------"                  */
    KB_BUG_AT = 1u << 1,   /* "kernel BUG at file:line!"                              */
    KB_DIE = 1u << 2,      /* the die() line: "Oops: 0000 [#1]", "invalid opcode: ..." */
    KB_NULL = 1u << 3,
    KB_PF = 1u << 4,       /* unable to handle page fault / paging request           */
    KB_GPF = 1u << 5,
    KB_INVOP = 1u << 6,
    KB_DIV = 1u << 7,
    KB_SLAB = 1u << 8,
    KB_ORPHAN = 1u << 9,   /* report whose header is not in the log                   */
    KB_KREGS = 1u << 10,   /* kernel-mode registers / end-of-trace marker seen        */
    KB_UD2 = 1u << 11,     /* Code: bytes show the faulting instruction is ud2 (BUG()) */
    KB_LOCKS = 1u << 12,   /* khungtaskd's "Showing all locks held in the system"     */
    KB_OOMTAB = 1u << 13,  /* OOM task table rows                                     */
    KB_HARDLOCK = 1u << 14,
    KB_OOM = 1u << 15,
    KB_MCE = 1u << 16,
    KB_SOFT = 1u << 17,
    KB_HUNG = 1u << 18,
    KB_END = 1u << 19,     /* "---[ end trace" seen                                    */
    KB_DETECTOR = 1u << 20,/* a debug detector's report (kasan, lockdep, ...): kind as opened */
    KB_LIST = 1u << 21,    /* "list_add corruption" / "list_del corruption" line       */
    KB_REFCOUNT = 1u << 22,/* "refcount_t: underflow; use-after-free."                */
    KB_SLEEP = 1u << 23,   /* a sleeping task's frames (__schedule, ...): a task dump  */
    KB_STALLTAIL = 1u << 24,/* an orphan fragment that a stall/hung-task report follows */
    KB_BADPT = 1u << 25,   /* die("Bad pagetable")                                     */
};

#define GAP_CLOSE_US (30ll * 1000000)   /* a report's lines never straddle 30 s of log time */
#define MAX_BLOCK_LINES 400


/* ---- small string helpers (no allocation) -------------------------------------------------- */

static inline bool dig(char c) { return c >= '0' && c <= '9'; }
static inline bool xdig(char c) { return dig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
extern const bool kc_symch_table[256];   /* kmsg_frames.c */
static inline bool symch(char c)
{
    return kc_symch_table[(unsigned char)c];   /* a-z A-Z 0-9 _ . $: a frame's symbol */
}
/* First byte compared inline: nearly every call fails there, without a strlen/strncmp. */
static inline bool starts(const char *s, const char *p)
{
    return s[0] == p[0] && (!p[0] || s[1] == p[1]) && strncmp(s, p, strlen(p)) == 0;
}

static inline void copyn(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static inline long dec(const char *s, const char **end)
{
    long v = 0;
    const char *p = s;
    while (dig(*p) && p - s < 12)
        v = v * 10 + (*p++ - '0');
    if (end)
        *end = p;
    return p == s ? -1 : v;
}

static inline uint64_t hexval(const char *s, const char **end)
{
    uint64_t v = 0;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    while (xdig(*p) && p - s < 18) {
        char c = *p++;
        v = v * 16 + (uint64_t)(dig(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    if (end)
        *end = p;
    return v;
}


/* The character set (sw_kmsg_char_mask) of a string literal, folded by the compiler: the first 48
 * characters count, which is enough for a necessary condition. Keep in step with kmsg_line.c. */
#define KC_BIT(c)                                                                                       \
    ((c) >= 'a' && (c) <= 'z'   ? (c) - 'a'                                                             \
     : (c) >= 'A' && (c) <= 'Z' ? 26 + (c) - 'A'                                                        \
     : (c) >= '0' && (c) <= '9' ? 52                                                                    \
     : (c) == ':'               ? 53                                                                    \
     : (c) == '['               ? 54                                                                    \
     : (c) == ']'               ? 55                                                                    \
     : (c) == '-'               ? 56                                                                    \
     : (c) == ' '               ? 57                                                                    \
     : (c) == '(' || (c) == ')' ? 58                                                                    \
     : (c) == '#'               ? 59                                                                    \
     : (c) == '_'               ? 60                                                                    \
     : (c) == '.'               ? 61                                                                    \
     : (c) == '='               ? 62                                                                    \
                                : 63)
#define KC_CB(s, i) ((i) < sizeof(s) - 1 ? 1ull << KC_BIT((s)[(i) < sizeof(s) - 1 ? (i) : 0]) : 0ull)
#define KC_MASK(s) (KC_CB(s, 0) | KC_CB(s, 1) | KC_CB(s, 2) | KC_CB(s, 3) | KC_CB(s, 4) | KC_CB(s, 5) | KC_CB(s, 6) | KC_CB(s, 7) | KC_CB(s, 8) | KC_CB(s, 9) | KC_CB(s, 10) | KC_CB(s, 11) | KC_CB(s, 12) | KC_CB(s, 13) | KC_CB(s, 14) | KC_CB(s, 15) | KC_CB(s, 16) | KC_CB(s, 17) | KC_CB(s, 18) | KC_CB(s, 19) | KC_CB(s, 20) | KC_CB(s, 21) | KC_CB(s, 22) | KC_CB(s, 23) | KC_CB(s, 24) | KC_CB(s, 25) | KC_CB(s, 26) | KC_CB(s, 27) | KC_CB(s, 28) | KC_CB(s, 29) | KC_CB(s, 30) | KC_CB(s, 31) | KC_CB(s, 32) | KC_CB(s, 33) | KC_CB(s, 34) | KC_CB(s, 35) | KC_CB(s, 36) | KC_CB(s, 37) | KC_CB(s, 38) | KC_CB(s, 39) | KC_CB(s, 40) | KC_CB(s, 41) | KC_CB(s, 42) | KC_CB(s, 43) | KC_CB(s, 44) | KC_CB(s, 45) | KC_CB(s, 46) | KC_CB(s, 47))

/* kmsg_classify.c: block life cycle and headline matching. kc_hl/kc_has take a string literal. */
const char *kc_hl_m(const struct sw_kmsg_line *l, const char *m, const char *needle);
/* The mask test is inline: a line that lacks a needle's characters costs no call at all. c->mask is
 * the character set of the line being fed, 0 for a line without an anchor (kmsg_quiet.c): no needle
 * can be in it, so every search is skipped. */
static inline bool kc_may_have(const struct sw_kmsg_cls *c, uint64_t nm)
{
    return (c->mask & nm) == nm;
}
#define kc_hl(c, l, m, lit) (kc_may_have((c), KC_MASK(lit)) ? kc_hl_m((l), (m), (lit)) : NULL)
#define kc_has(c, l, m, lit) (kc_may_have((c), KC_MASK(lit)) ? strstr((m), (lit)) : NULL)
/* kc_has: strstr(m, needle), skipped at once when the line lacks one of the needle's characters. */
bool kc_block_is(const struct sw_kmsg_cls *c, int kind);
void kc_start(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, int kind, uint32_t flags);
void kc_close(struct sw_kmsg_cls *c);

/* kmsg_frames.c */
bool kc_parse_frame(const char *p, char *sym, size_t cap, bool *unsure, char *mod, size_t mod_cap);
void kc_add_frame(struct sw_kmsg_block *b, const char *sym, bool unsure, const char *mod);
void kc_list_add(char *list, size_t cap, const char *w);
void kc_note_module(struct sw_kmsg_block *b, const char *sym, const char *mod);
void kc_guess_subsystem(struct sw_kmsg_block *b, const char *syms);

/* kmsg_fields.c */
void kc_take_cpu_line(struct sw_kmsg_block *b, const char *m);
void kc_take_task_colon_pid(struct sw_kmsg_block *b, const char *s, size_t n);
void kc_take_likely_cpu(struct sw_kmsg_block *b, const char *m);
void kc_take_dso(struct sw_kmsg_block *b, const char *m);
void kc_take_rip(struct sw_kmsg_block *b, const char *m);
bool kc_is_report_context(const char *m);
bool kc_is_oom_row(const char *m);
bool kc_take_name_pid(struct sw_kmsg_block *b, const char *start, const char *end);
void kc_take_taint(struct sw_kmsg_block *b, const char *m);

/* kmsg_mce.c: true if the line was a machine-check line (consumed) */
bool kc_mce_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m);

/* kmsg_detectors.c: KASAN, KFENCE, UBSAN, list/refcount corruption, lockdep, atomic sleep, bad page
 * map, page allocation failure. true if the line started or extended such a report. */
bool kc_detector_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m);

/* kmsg_storage.c: block-device I/O errors and filesystem corruption; kmsg_thermal.c: throttling and
 * thermal shutdowns. true if the line started or extended such an event. */
bool kc_storage_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m);
bool kc_thermal_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m);
bool kc_thermal_open(const struct sw_kmsg_cls *c);
/* kmsg_gpu.c: GPU driver faults (NVIDIA Xid, amdgpu/radeon ring timeouts and page faults, i915 hangs). */
bool kc_gpu_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m);
/* An mcelog record that turned out to be a thermal event (bank 128, "THERMAL EVENT") becomes one. */
void kc_thermal_from_mcelog(struct sw_kmsg_block *b, const char *m);

/* kmsg_quiet.c: the cheap first test. kc_has_anchor: m holds one of the literals that every headline
 * search (kc_hl, kc_has) and every trigger needs. kc_quiet: with no report open, the line cannot
 * change anything (feed only counts it); kc_quiet_without_anchor: the same for a line known to have
 * no anchor. */
bool kc_has_anchor(const char *m, size_t n);   /* n = strlen(m) */
bool kc_quiet_without_anchor(const struct sw_kmsg_line *l, const char *m);
bool kc_quiet(const struct sw_kmsg_line *l, const char *m);

#endif
