#include "report/json_skim.h"

#include <stdbool.h>
#include <string.h>

#define MAX_NEST 512

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

static bool wanted(const char *key, size_t len, const char *const *keep)
{
    for (; *keep; keep++)
        if (strlen(*keep) == len && !memcmp(*keep, key, len))
            return true;
    return false;
}

long sw_json_skim(const char *s, size_t n, const char *const *keep, char *out)
{
    size_t i = ws(s, 0, n), o = 0;
    if (i >= n || s[i] != '{')
        return -1;
    out[o++] = '{';
    i = ws(s, i + 1, n);
    if (i < n && s[i] == '}') {
        out[o++] = '}';
        out[o] = 0;
        return (long)o;
    }
    for (;;) {
        if (i >= n || s[i] != '"')
            return -1;
        size_t kend = skip_string(s, i, n);
        if (!kend)
            return -1;
        size_t c = ws(s, kend, n);
        if (c >= n || s[c] != ':')
            return -1;
        size_t v = ws(s, c + 1, n);
        size_t vend = skip_value(s, v, n);
        if (!vend)
            return -1;
        if (wanted(s + i + 1, kend - i - 2, keep)) {
            if (o > 1)
                out[o++] = ',';
            memcpy(out + o, s + i, kend - i);
            o += kend - i;
            out[o++] = ':';
            memcpy(out + o, s + v, vend - v);
            o += vend - v;
        }
        i = ws(s, vend, n);
        if (i < n && s[i] == ',') {
            i = ws(s, i + 1, n);
            continue;
        }
        if (i < n && s[i] == '}')
            break;
        return -1;
    }
    out[o++] = '}';
    out[o] = 0;
    return (long)o;
}
