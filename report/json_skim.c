#include "report/json_skim.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_NEST 512

/* The bytes that change the nesting state of a value being skipped. */
static const unsigned char k_special[256] = {['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1};

static size_t ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    return i;
}

/* s[i] is '"': returns the index just past the closing quote, or 0 when unterminated. */
static size_t skip_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '"')
            return i + 1;
        if (s[i] == '\\')
            i++;
    }
    return 0;
}

/* Returns the index just past the value starting at s[i], or 0 when it is malformed. */
static size_t skip_value(const char *s, size_t i, size_t n)
{
    if (i >= n)
        return 0;
    if (s[i] == '"')
        return skip_string(s, i, n);
    if (s[i] != '{' && s[i] != '[') {   /* number, true, false, null */
        size_t j = i;
        while (j < n && !strchr(",}] \n\r\t", s[j]))
            j++;
        return j > i ? j : 0;
    }
    int depth = 0;
    for (; i < n; i++) {
        /* Most bytes of a skipped member are digits, commas and indentation: one table look-up each. */
        while (i < n && !k_special[(unsigned char)s[i]])
            i++;
        if (i == n)
            break;
        char c = s[i];
        if (c == '"') {
            size_t j = skip_string(s, i, n);
            if (!j)
                return 0;
            i = j - 1;
        } else if (c == '{' || c == '[') {
            if (++depth > MAX_NEST)
                return 0;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return 0;
}

enum want { W_SKIP, W_WHOLE, W_PART };

/* What keep says of member `key` of the object at `prefix` ("" or "facts.before."). */
static enum want wanted(const char *prefix, const char *key, size_t len, const char *const *keep)
{
    size_t pl = strlen(prefix);
    enum want w = W_SKIP;
    for (; *keep; keep++) {
        const char *k = *keep;
        if (strncmp(k, prefix, pl) || strncmp(k + pl, key, len))
            continue;
        if (!k[pl + len])
            return W_WHOLE;
        if (k[pl + len] == '.')
            w = W_PART;
    }
    return w;
}

/* The object at s[i..n) (s[i] == '{'), members filtered by keep under prefix, into out at *o;
 * returns the index past it, or 0 when malformed. */
static size_t skim(const char *s, size_t i, size_t n, const char *prefix, const char *const *keep, char *out,
                   size_t *o, int depth)
{
    if (depth > 8)
        return 0;
    size_t first = *o;
    out[(*o)++] = '{';
    i = ws(s, i + 1, n);
    if (i < n && s[i] == '}') {
        out[(*o)++] = '}';
        return i + 1;
    }
    for (;;) {
        if (i >= n || s[i] != '"')
            return 0;
        size_t kend = skip_string(s, i, n);
        if (!kend)
            return 0;
        size_t c = ws(s, kend, n);
        if (c >= n || s[c] != ':')
            return 0;
        size_t v = ws(s, c + 1, n);
        size_t vend = skip_value(s, v, n);
        if (!vend)
            return 0;
        enum want w = wanted(prefix, s + i + 1, kend - i - 2, keep);
        if (w != W_SKIP) {
            if (*o > first + 1)
                out[(*o)++] = ',';
            memcpy(out + *o, s + i, kend - i);
            *o += kend - i;
            out[(*o)++] = ':';
            char sub[256];
            if (w == W_PART && s[v] == '{' && strlen(prefix) + (kend - i) < sizeof sub) {
                snprintf(sub, sizeof sub, "%s%.*s.", prefix, (int)(kend - i - 2), s + i + 1);
                if (!skim(s, v, vend, sub, keep, out, o, depth + 1))
                    return 0;
            } else {
                memcpy(out + *o, s + v, vend - v);
                *o += vend - v;
            }
        }
        i = ws(s, vend, n);
        if (i < n && s[i] == ',') {
            i = ws(s, i + 1, n);
            continue;
        }
        if (i < n && s[i] == '}')
            break;
        return 0;
    }
    out[(*o)++] = '}';
    return i + 1;
}

long sw_json_skim(const char *s, size_t n, const char *const *keep, char *out)
{
    size_t i = ws(s, 0, n), o = 0;
    if (i >= n || s[i] != '{')
        return -1;
    size_t end = skim(s, i, n, "", keep, out, &o, 0);
    if (!end || ws(s, end, n) != n)
        return -1;
    out[o] = 0;
    return (long)o;
}
