#include "core/fmt.h"

void sw_fmt_init(struct sw_fmt *f, char *buf, size_t cap)
{
    f->buf = buf;
    f->cap = cap;
    f->len = 0;
    if (cap)
        buf[0] = '\0';
}

static void put(struct sw_fmt *f, char c)
{
    if (f->len + 1 < f->cap) {
        f->buf[f->len++] = c;
        f->buf[f->len] = '\0';
    }
}

void sw_fmt_str(struct sw_fmt *f, const char *s)
{
    while (s && *s)
        put(f, *s++);
}

void sw_fmt_u64(struct sw_fmt *f, uint64_t v)
{
    char tmp[21];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put(f, tmp[--n]);
}

void sw_fmt_i64(struct sw_fmt *f, int64_t v)
{
    if (v < 0) {
        put(f, '-');
        sw_fmt_u64(f, (uint64_t)0 - (uint64_t)v);
    } else {
        sw_fmt_u64(f, (uint64_t)v);
    }
}

void sw_fmt_hex(struct sw_fmt *f, uint64_t v)
{
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    put(f, '0');
    put(f, 'x');
    while (n)
        put(f, tmp[--n]);
}

void sw_strlcpy(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    if (!cap)
        return;
    for (; src && src[i] && i + 1 < cap; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}
