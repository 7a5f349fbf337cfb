#include "core/units.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int sw_parse_duration_ms(const char *text, uint64_t *ms, struct sw_diag *d)
{
    const char *p = text;
    uint64_t total = 0;
    if (!p || !*p)
        return sw_fail(d, -EINVAL, "empty duration: give e.g. 90s, 10m or 2h");
    while (*p) {
        if (!isdigit((unsigned char)*p))
            goto bad;
        errno = 0;
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (errno)
            goto bad;
        uint64_t mult;
        if (strncmp(end, "ms", 2) == 0) { mult = 1; end += 2; }
        else if (*end == 's') { mult = 1000; end++; }
        else if (*end == 'm') { mult = 60000; end++; }
        else if (*end == 'h') { mult = 3600000; end++; }
        else if (*end == 'd') { mult = 86400000; end++; }
        else if (*end == '\0') mult = 1000;
        else goto bad;
        if (v > UINT64_MAX / mult / 2)
            goto bad;
        total += v * mult;
        p = end;
    }
    if (total == 0)
        return sw_fail(d, -EINVAL, "duration '%s' is zero: give a positive time such as 90s, 10m or 2h", text);
    if (total > 30ull * 86400000)
        return sw_fail(d, -ERANGE, "duration '%s' is longer than 30 days: give e.g. 2h or 7d", text);
    *ms = total;
    return 0;
bad:
    return sw_fail(d, -EINVAL, "cannot read duration '%s': give a number with a unit, e.g. 90s, 10m, 2h or 1h30m", text);
}

int sw_parse_size(const char *text, uint64_t *bytes, struct sw_diag *d)
{
    if (!text || !isdigit((unsigned char)*text))
        goto bad;
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (errno || v < 0)
        goto bad;
    uint64_t mult = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': mult = 1ull << 10; end++; break;
    case 'M': mult = 1ull << 20; end++; break;
    case 'G': mult = 1ull << 30; end++; break;
    case 'T': mult = 1ull << 40; end++; break;
    default: break;
    }
    if (mult > 1 && strcasecmp(end, "iB") == 0) end += 2;
    else if (strcasecmp(end, "B") == 0) end += 1;
    if (*end)
        goto bad;
    if (v * (double)mult > 1.8e19)
        return sw_fail(d, -ERANGE, "size '%s' is too large", text);
    *bytes = (uint64_t)(v * (double)mult);
    return 0;
bad:
    return sw_fail(d, -EINVAL, "cannot read size '%s': give bytes with a unit, e.g. 512M, 4G or 64K", text);
}

int sw_parse_size_or_percent(const char *text, uint64_t *bytes, unsigned *percent, struct sw_diag *d)
{
    size_t n = text ? strlen(text) : 0;
    *percent = 0;
    if (n > 1 && text[n - 1] == '%') {
        char *end;
        long v = strtol(text, &end, 10);
        if (end != text + n - 1 || v < 1 || v > 100)
            return sw_fail(d, -EINVAL, "cannot read percentage '%s': give 1%% to 100%% of the available memory", text);
        *percent = (unsigned)v;
        *bytes = 0;
        return 0;
    }
    return sw_parse_size(text, bytes, d);
}

const char *sw_format_size(uint64_t b, char *buf, unsigned len)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    int u = 0;
    while (v >= 1024 && u < 4) { v /= 1024; u++; }
    if (u == 0) snprintf(buf, len, "%llu B", (unsigned long long)b);
    else snprintf(buf, len, "%.1f %s", v, unit[u]);
    return buf;
}

const char *sw_format_duration(uint64_t ms, char *buf, unsigned len)
{
    uint64_t s = ms / 1000;
    if (s >= 3600) snprintf(buf, len, "%lluh%02llum%02llus", (unsigned long long)(s / 3600),
                            (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
    else if (s >= 60) snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
    else if (ms % 1000) snprintf(buf, len, "%.1fs", (double)ms / 1000);
    else snprintf(buf, len, "%llus", (unsigned long long)s);
    return buf;
}
