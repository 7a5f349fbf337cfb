/* Allocation-free, async-signal-safe text building for the paths that record failures: snprintf is
 * not async-signal-safe and may allocate. A struct sw_fmt writes into a caller's fixed buffer and
 * always stays NUL-terminated; output past the end is dropped. */
#ifndef SW_FMT_H
#define SW_FMT_H

#include <stddef.h>
#include <stdint.h>

struct sw_fmt {
    char *buf;
    size_t cap, len;
};

void sw_fmt_init(struct sw_fmt *f, char *buf, size_t cap);
void sw_fmt_str(struct sw_fmt *f, const char *s);
void sw_fmt_u64(struct sw_fmt *f, uint64_t v);
void sw_fmt_i64(struct sw_fmt *f, int64_t v);
void sw_fmt_hex(struct sw_fmt *f, uint64_t v);   /* "0x" + lowercase hex, no padding */
/* Copies at most cap-1 bytes of src into dst and terminates it. */
void sw_strlcpy(char *dst, const char *src, size_t cap);

#endif
