#include "probes/kmsg_line.h"

#include <string.h>
#include <time.h>

#include "core/fmt.h"

static const char *const format_names[SW_KFMT_COUNT] = {
    [SW_KFMT_UNKNOWN] = "unknown",     [SW_KFMT_KMSG] = "kmsg",
    [SW_KFMT_DMESG] = "dmesg",         [SW_KFMT_SYSLOG] = "syslog",
    [SW_KFMT_ISO] = "rfc3339",         [SW_KFMT_HYPERV] = "hyperv-event",
    [SW_KFMT_GUESTLOG_CSV] = "wsl-guestlog-csv", [SW_KFMT_GUESTLOG_TSV] = "wsl-guestlog-tsv",
    [SW_KFMT_PLAIN] = "plain",
};

const char *sw_kmsg_format_name(enum sw_kmsg_format f)
{
    return (unsigned)f < SW_KFMT_COUNT ? format_names[f] : "unknown";
}

static bool dig(char c) { return c >= '0' && c <= '9'; }
static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool lower(char c) { return c >= 'a' && c <= 'z'; }
static bool xdig(char c) { return dig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int xval(char c) { return dig(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

/* Parses decimal digits at s[*i]; returns false if there are none. */
static bool num(const char *s, size_t len, size_t *i, uint64_t *v)
{
    size_t j = *i;
    uint64_t x = 0;
    while (j < len && dig(s[j]) && j - *i < 19)
        x = x * 10 + (uint64_t)(s[j++] - '0');
    if (j == *i)
        return false;
    *i = j;
    *v = x;
    return true;
}

static const char *find(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
            return s + i;
    return NULL;
}

size_t sw_kmsg_scan_ts(const char *s, size_t len, int64_t *us)
{
    /* Every dmesg line starts here: one pass, no helper calls. At most 19 digits of seconds and 9 of
     * fraction; more is not a stamp. */
    if (len < 4 || s[0] != '[')
        return 0;
    size_t i = 1;
    while (i < len && s[i] == ' ')
        i++;
    size_t d0 = i;
    uint64_t sec = 0, frac = 0;
    size_t dmax = len - d0 < 19 ? len : d0 + 19;
    while (i < dmax && dig(s[i]))
        sec = sec * 10 + (uint64_t)(s[i++] - '0');
    if (i == d0 || i >= len || s[i] != '.')
        return 0;
    size_t f0 = ++i;
    const char *f = s + f0;
    if (len - f0 >= 7 && f[6] == ']' && dig(f[0]) && dig(f[1]) && dig(f[2]) && dig(f[3]) && dig(f[4]) && dig(f[5])) {
        /* the kernel's own "%5lu.%06lu": microseconds, no scaling */
        frac = (uint64_t)(f[0] - '0') * 100000 + (uint64_t)(f[1] - '0') * 10000 + (uint64_t)(f[2] - '0') * 1000 +
               (uint64_t)(f[3] - '0') * 100 + (uint64_t)(f[4] - '0') * 10 + (uint64_t)(f[5] - '0');
        if (us)
            *us = (int64_t)(sec * 1000000u + frac);
        return f0 + 7;
    }
    size_t fmax = len - f0 < 10 ? len : f0 + 10;
    while (i < fmax && dig(s[i]))
        frac = frac * 10 + (uint64_t)(s[i++] - '0');
    if (i == f0 || i - f0 > 9 || i >= len || s[i] != ']')
        return 0;
    for (size_t k = i - f0; k < 6; k++)
        frac *= 10;
    for (size_t k = i - f0; k > 6; k--)
        frac /= 10;
    if (us)
        *us = (int64_t)(sec * 1000000u + frac);
    return i + 1;
}

/* "[   T38]" or "[C3]" printk caller id; returns its length. */
static size_t scan_caller(const char *s, size_t len, struct sw_kmsg_line *out)
{
    size_t i = 1;
    uint64_t v;
    if (len < 4 || s[0] != '[')
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    if (i >= len || (s[i] != 'T' && s[i] != 'C'))
        return 0;
    char kind = s[i++];
    if (!num(s, len, &i, &v) || i >= len || s[i] != ']')
        return 0;
    if (kind == 'T')
        out->caller_tid = (int)v;
    else
        out->cpu = (int)v;
    return i + 1;
}

static void set_stamp(struct sw_kmsg_line *out, const char *s, size_t n)
{
    if (n >= sizeof out->stamp)
        n = sizeof out->stamp - 1;
    memcpy(out->stamp, s, n);
    out->stamp[n] = '\0';
}

/* byte -> bit: a-z 0-25, A-Z 26-51, digits 52, then : [ ] - space ( # _ . = (53-62; ')' shares '('), other 63 */
static uint8_t char_bit[256];

/* Built before main: `analyze` classifies on two threads, and the monitor child must not allocate. */
__attribute__((constructor)) static void char_bits_init(void)
{
    static const char punct[] = ":[]- (#_.=";
    for (int c = 0; c < 256; c++) {
        const char *q = c ? memchr(punct, c, sizeof punct - 1) : NULL;
        char_bit[c] = c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a')
                    : c >= 'A' && c <= 'Z' ? (uint8_t)(26 + c - 'A')
                    : c >= '0' && c <= '9' ? 52
                    : c == ')'             ? 58
                    : q                    ? (uint8_t)(53 + (q - punct))
                                           : 63;
    }
}

uint64_t sw_kmsg_char_mask(const char *s, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= 1ull << char_bit[(unsigned char)s[i]];
    return m;
}

/* The message is s[0, n). inplace: s[n] is readable (the caller's NUL, or a byte of a longer line). */
static void set_msg(struct sw_kmsg_line *out, const char *s, size_t n, bool unescape, bool inplace)
{
    size_t o = 0;
    if (inplace && s[n] == '\0' && n < sizeof out->msg && (n == 0 || (s[n - 1] != ' ' && s[n - 1] != '\t' &&
                                                                    s[n - 1] != '\r')) &&
        (!unescape || !memchr(s, '\\', n))) {
        out->text = s;   /* what a copy would hold, byte for byte: leave it where it is */
        out->text_len = n;
        return;
    }
    if (!unescape || !memchr(s, '\\', n)) {
        /* trailing blanks dropped before the copy */
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
        o = n < sizeof out->msg - 1 ? n : sizeof out->msg - 1;
        /* GCC inlines a memcpy of a length it knows is bounded as "rep movsq", which is slow for the
         * ~60 bytes of a typical line: hide the bound so libc's memcpy is called */
        __asm__("" : "+r"(o));
        memcpy(out->msg, s, o);
    } else {
        for (size_t i = 0; i < n && o + 1 < sizeof out->msg; i++) {
            /* /dev/kmsg escapes control bytes as \xNN (the rcu stall lines carry TABs). */
            if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && xdig(s[i + 2]) && xdig(s[i + 3])) {
                out->msg[o++] = (char)(xval(s[i + 2]) * 16 + xval(s[i + 3]));
                i += 3;
                continue;
            }
            out->msg[o++] = s[i];
        }
    }
    while (o > 0 && (out->msg[o - 1] == ' ' || out->msg[o - 1] == '\t' || out->msg[o - 1] == '\r'))
        o--;
    out->msg[o] = '\0';
    out->text = out->msg;
    out->text_len = o;
}

/* "<6>" syslog priority prefix. */
static size_t scan_prio(const char *s, size_t len, struct sw_kmsg_line *out)
{
    size_t i = 1;
    uint64_t v;
    if (len < 3 || s[0] != '<' || !num(s, len, &i, &v) || i >= len || s[i] != '>' || v > 191)
        return 0;
    out->prio = (int)(v & 7);
    out->facility = (int)(v >> 3);
    return i + 1;
}

/* dmesg --decode: "kern  :err   : msg". */
static size_t scan_decoded(const char *s, size_t len, struct sw_kmsg_line *out)
{
    static const char *const fac[] = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news"};
    static const char *const lvl[] = {"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"};
    if (len < 6 || s[0] < 'a' || s[0] > 'u')
        return 0;   /* every facility name starts with a..u: most lines end here without a compare */
    for (size_t f = 0; f < sizeof fac / sizeof fac[0]; f++) {
        size_t n = strlen(fac[f]), i = n;
        if (len <= n || memcmp(s, fac[f], n) != 0)
            continue;
        while (i < len && s[i] == ' ')
            i++;
        if (i >= len || s[i] != ':')
            return 0;
        i++;
        for (int l = 0; l < 8; l++) {
            size_t m = strlen(lvl[l]), j = i;
            if (len - i < m || memcmp(s + i, lvl[l], m) != 0)
                continue;
            j += m;
            while (j < len && s[j] == ' ')
                j++;
            if (j < len && s[j] == ':') {
                out->prio = l;
                out->facility = (int)f;
                j++;
                if (j < len && s[j] == ' ')
                    j++;
                return j;
            }
        }
        return 0;
    }
    return 0;
}

/* dmesg's human stamps, in any language: a relative "[  +0.623788]" (-H, -e), a short "[Jun30 03:33]"
 * (-H), or a full date "[Sat Nov 23 14:50:51 2024]" / "[пн июн 30 03:33:12 2025]" (-T). Returns the
 * length including the brackets, 0 if s does not start with one. */
static size_t scan_human_stamp(const char *s, size_t len)
{
    if (len < 6 || s[0] != '[')
        return 0;
    size_t max = len < 64 ? len : 64, e = 1;
    while (e < max && s[e] != ']' && s[e] != '[' && s[e] != '<')
        e++;
    if (e >= max || s[e] != ']')
        return 0;
    size_t i = 1;
    while (i < e && s[i] == ' ')
        i++;
    if (s[i] == '+' || (s[i] == '-' && dig(s[i + 1]))) {   /* relative: "+0.623788" */
        size_t k = i + 1;
        while (k < e && dig(s[k]))
            k++;
        if (k > i + 1 && k < e && (s[k] == '.' || s[k] == ',')) {
            size_t f = ++k;
            while (k < e && dig(s[k]))
                k++;
            if (k == e && k > f)
                return e + 1;
        }
        return 0;
    }
    /* a date: some word (the month, any language), digits, and hh:mm within the brackets */
    bool word = false, clock = false;
    for (size_t k = i; k < e; k++) {
        if (!dig(s[k]) && s[k] != ' ' && s[k] != ':' && s[k] != '.' && s[k] != ',')
            word = true;
        if (k + 4 < e + 1 && dig(s[k]) && dig(s[k + 1]) && s[k + 2] == ':' && dig(s[k + 3]) && dig(s[k + 4]))
            clock = true;
    }
    return word && clock ? e + 1 : 0;
}

/* The kernel's own line prefix: [<N>] [decode] [ts] [caller] (one space) message. Sets out->kernel
 * when a timestamp or caller is found. Returns the offset of the message. */
static size_t strip_kernel_prefix(const char *s, size_t len, struct sw_kmsg_line *out)
{
    size_t i = scan_prio(s, len, out);
    if (i)
        out->kernel = true;   /* dmesg -r: "<4>..." is the kernel's own level prefix */
    i += scan_decoded(s + i, len - i, out);
    int64_t us;
    size_t n = sw_kmsg_scan_ts(s + i, len - i, &us);
    if (n) {
        out->ts_us = us;
        out->kernel = true;
        if (!out->stamp[0])
            set_stamp(out, s + i, n);
        i += n;
    } else if ((n = scan_human_stamp(s + i, len - i)) != 0) {
        /* dmesg -T / -H / -e: "[Sat Nov 23 14:50:51 2024]", "[Jun30 03:33]", "[  +0.623788]" */
        if (!out->stamp[0])
            set_stamp(out, s + i + 1, n - 2);
        out->kernel = true;
        i += n;
    }
    size_t j = i;
    if (j < len && s[j] == ' ' && j + 1 < len && s[j + 1] == '[')
        j++;
    size_t c = scan_caller(s + j, len - j, out);
    if (c) {
        out->kernel = true;
        i = j + c;
    }
    if ((n || c) && i < len && s[i] == ' ')
        i++;
    return i;
}

/* "hh:mm:ss[.frac]" at s[*i]. */
static bool hms(const char *s, size_t len, size_t *i, int *h, int *mi, int *se, uint64_t *ns)
{
    size_t j = *i;
    if (j + 8 > len || !dig(s[j]) || !dig(s[j + 1]) || s[j + 2] != ':' || !dig(s[j + 3]) || !dig(s[j + 4]) ||
        s[j + 5] != ':' || !dig(s[j + 6]) || !dig(s[j + 7]))
        return false;
    *h = (s[j] - '0') * 10 + s[j + 1] - '0';
    *mi = (s[j + 3] - '0') * 10 + s[j + 4] - '0';
    *se = (s[j + 6] - '0') * 10 + s[j + 7] - '0';
    j += 8;
    *ns = 0;
    if (j < len && (s[j] == '.' || s[j] == ',')) {
        size_t f0 = ++j;
        uint64_t f = 0;
        while (j < len && dig(s[j])) {
            if (j - f0 < 9)
                f = f * 10 + (uint64_t)(s[j] - '0');
            j++;
        }
        for (size_t k = (j - f0 < 9 ? j - f0 : 9); k < 9; k++)
            f *= 10;
        *ns = f;
    }
    *i = j;
    return true;
}

/* The kernel's syslog tag: "kernel", "kernel[0]", "vmunix" (some distributions' kernel ident). */
static bool kernel_tag(const char *t, size_t n)
{
    if (n >= 6 && memcmp(t, "kernel", 6) == 0 && (n == 6 || t[6] == '['))
        return true;
    return n == 6 && memcmp(t, "vmunix", 6) == 0;
}

/* mcelog and rasdaemon log machine checks under their own tags ("mcelog:", "mcelog[987]:"). */
static bool hardware_tool_tag(const char *t, size_t n)
{
    return (n >= 6 && memcmp(t, "mcelog", 6) == 0 && (n == 6 || t[6] == '[')) ||
           (n >= 9 && memcmp(t, "rasdaemon", 9) == 0 && (n == 9 || t[9] == '['));
}

/* Syslog-style "TIME host [fac.lvl] tag: msg" after the time was consumed at s[i]. Returns the
 * message offset, or 0 when this is not such a line. Sets skip for non-kernel tags. */
static size_t host_tag(const char *s, size_t len, size_t i, struct sw_kmsg_line *out)
{
    if (i >= len || s[i] != ' ')
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    size_t h = i;
    while (i < len && s[i] != ' ')
        i++;
    if (i == h || i >= len)
        return 0;
    if (s[i - 1] == ':' && kernel_tag(s + h, i - 1 - h)) {
        out->kernel = true;   /* "18:49:56 kernel: ..." without a host name */
        return i + 1;
    }
    if (s[h] == '[' && s[i - 1] == ']' && i - h > 2 && ((s[h + 1] | 0x20) >= 'a' && (s[h + 1] | 0x20) <= 'z')) {
        /* metalog: "Sep 29 21:58:52 [kernel] msg", every program's tag in brackets, no host */
        if (i - h == 8 && memcmp(s + h, "[kernel]", 8) == 0)
            out->kernel = true;
        else
            out->skip = true;
        return i + 1 < len ? i + 1 : len;
    }
    i++;
    /* busybox syslogd: "host kern.warn kernel: msg" */
    size_t t = i;
    while (t < len && s[t] != ' ' && s[t] != ':')
        t++;
    if (t < len && s[t] == ' ' && memchr(s + i, '.', t - i)) {
        i = t + 1;
        t = i;
        while (t < len && s[t] != ' ' && s[t] != ':')
            t++;
    }
    if (t >= len || s[t] != ':') {
        /* "host kernel [123.4] msg"? not a known layout: treat the rest as the message. */
        out->skip = true;
        return i;
    }
    if (kernel_tag(s + i, t - i)) {
        out->kernel = true;
        t++;
        if (t < len && s[t] == ' ')
            t++;
        return t;
    }
    if (hardware_tool_tag(s + i, t - i)) {
        t++;   /* mcelog/rasdaemon text: not the kernel's, but machine-check evidence */
        if (t < len && s[t] == ' ')
            t++;
        return t;
    }
    out->skip = true;   /* another program's line (ntpd[179]:, systemd[1]:) */
    return t + 1;
}

/* "Nov 23 14:50:51 host kernel: ..." with the month in any language ("май 14", "Mär  3", "déc. 5"):
 * the month is whatever word comes first. Also a bare "14:50:51 host kernel: ..." (time only). */
static size_t parse_syslog(const char *s, size_t len, struct sw_kmsg_line *out)
{
    int h, mi, se;
    uint64_t ns;
    if (len < 12)
        return 0;
    size_t i = 0;
    if (!dig(s[0])) {
        while (i < len && i < 16 && s[i] != ' ' && s[i] != ':' && s[i] != '[' && !dig(s[i]))
            i++;
        if (i == 0 || i >= len || i >= 16 || s[i] != ' ')
            return 0;
        while (i < len && s[i] == ' ')
            i++;
        size_t d = i;
        while (i < len && dig(s[i]))
            i++;
        if (i == d || i - d > 2 || i >= len || s[i] != ' ')
            return 0;
        i++;
    }
    if (!hms(s, len, &i, &h, &mi, &se, &ns))
        return 0;
    size_t stamp_end = i;
    size_t m = host_tag(s, len, i, out);
    if (!m)
        return 0;
    set_stamp(out, s, stamp_end);
    return m;
}

/* "2024-05-01T10:11:12.123456+00:00", "2024-05-01T10:11:12+0000", or journalctl short-full
 * "Wed 2024-05-01 10:11:12 CEST". */
static size_t parse_iso(const char *s, size_t len, struct sw_kmsg_line *out)
{
    size_t i = 0;
    bool full = false;
    if (len > 4 && upper(s[0]) && lower(s[1]) && lower(s[2]) && s[3] == ' ' && len > 14 && dig(s[4])) {
        i = 4;
        full = true;
    }
    if (len < i + 20)
        return 0;
    const char *d = s + i;
    if (!(dig(d[0]) && dig(d[1]) && dig(d[2]) && dig(d[3]) && d[4] == '-' && dig(d[5]) && dig(d[6]) &&
          d[7] == '-' && dig(d[8]) && dig(d[9]) && (d[10] == 'T' || d[10] == ' ')))
        return 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + d[3] - '0' - 1900;
    tm.tm_mon = (d[5] - '0') * 10 + d[6] - '0' - 1;
    tm.tm_mday = (d[8] - '0') * 10 + d[9] - '0';
    i += 11;
    uint64_t ns;
    if (!hms(s, len, &i, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ns))
        return 0;
    long off = 0;
    bool have_zone = false;
    if (i < len && s[i] == 'Z') {
        i++;
        have_zone = true;
    } else if (i + 5 <= len && (s[i] == '+' || s[i] == '-') && dig(s[i + 1]) && dig(s[i + 2])) {
        int sign = s[i] == '-' ? -1 : 1;
        size_t j = i + 3;
        if (j < len && s[j] == ':')
            j++;
        if (j + 2 <= len && dig(s[j]) && dig(s[j + 1])) {
            off = sign * (((s[i + 1] - '0') * 10 + s[i + 2] - '0') * 3600L + ((s[j] - '0') * 10 + s[j + 1] - '0') * 60L);
            i = j + 2;
            have_zone = true;
        }
    } else if (full && i < len && s[i] == ' ') {
        size_t j = i + 1;   /* a zone name: keep it in the stamp, the offset is unknown */
        while (j < len && s[j] != ' ')
            j++;
        i = j;
    }
    size_t stamp_end = i;
    size_t m = host_tag(s, len, i, out);
    if (!m)
        return 0;
    set_stamp(out, s, stamp_end);
    if (have_zone) {
        time_t t = timegm(&tm);
        if (t != (time_t)-1 && t - off > 0)
            out->real_ns = (uint64_t)(t - off) * 1000000000ull + ns;
    }
    return m;
}

/* /dev/kmsg: "prio,seq,ts_us,flags[,caller=T1];message". */
static size_t parse_kmsg(const char *s, size_t len, struct sw_kmsg_line *out)
{
    size_t i = 0;
    uint64_t prio, seq, ts;
    if (!num(s, len, &i, &prio) || i >= len || s[i++] != ',' || !num(s, len, &i, &seq) || i >= len ||
        s[i++] != ',' || !num(s, len, &i, &ts) || i >= len || s[i] != ',')
        return 0;
    const char *semi = memchr(s + i, ';', len - i);
    if (!semi || semi - (s + i) > 64)
        return 0;
    const char *caller = find(s + i, (size_t)(semi - s - i), "caller=");
    if (caller) {
        size_t j = (size_t)(caller - s) + 7;
        uint64_t v;
        char kind = s[j++];
        if (num(s, len, &j, &v)) {
            if (kind == 'T')
                out->caller_tid = (int)v;
            else if (kind == 'C')
                out->cpu = (int)v;
        }
    }
    out->prio = (int)(prio & 7);
    out->facility = (int)(prio >> 3);
    out->seq = seq;
    out->ts_us = (int64_t)ts;
    out->kernel = true;
    return (size_t)(semi - s) + 1;
}

/* A WSL GuestLog export row: the kernel line is the quoted message column after "GuestLog"; the
 * exporter doubles quotes ("") and may end the text with a literal "\n". */
static bool parse_guestlog(const char *s, size_t len, struct sw_kmsg_line *out)
{
    size_t i = 0;
    while (i < len && (s[i] == '"' || s[i] == ',' || s[i] == '\t' || s[i] == ' '))
        i++;
    if (len - i >= 5 && memcmp(s + i, "vmId", 4) == 0) {
        out->skip = true;   /* the second physical line of a TSV row */
        return true;
    }
    const char *g = find(s, len, "GuestLog");
    if (!g)
        return false;
    size_t p = (size_t)(g - s) + 8, start = len;
    for (size_t k = p; k < len; k++) {
        if (s[k] == '[' && sw_kmsg_scan_ts(s + k, len - k, NULL)) {
            start = k;
            break;
        }
    }
    if (start == len) {
        const char *t = find(s + p, len - p, "text:");
        if (t)
            start = (size_t)(t - s) + 5;
        else
            start = p;   /* no message column we recognise: keep the rest */
        while (start < len && (s[start] == ' ' || s[start] == '\t' || s[start] == '"' || s[start] == ','))
            start++;
    }
    char buf[SW_KMSG_MSG_MAX];
    size_t o = 0;
    for (size_t k = start; k < len && o + 1 < sizeof buf; k++) {
        if (s[k] == '"') {
            if (k + 1 < len && s[k + 1] == '"') {
                buf[o++] = '"';
                k++;
                continue;
            }
            break;   /* the closing quote of the field */
        }
        if (s[k] == '\\' && k + 1 < len && s[k + 1] == 'n')
            break;
        buf[o++] = s[k];
    }
    while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == '"' || buf[o - 1] == '\t' || buf[o - 1] == '\r'))
        o--;
    size_t m = strip_kernel_prefix(buf, o, out);
    set_msg(out, buf + m, o - m, false, false);
    out->kernel = true;
    return true;
}

/* A serial or VMM console names itself before the kernel's stamp: "cloud-hypervisor [  740.316315] ...".
 * One word (no quotes) then the stamp; returns the stamp's offset, 0 if there is no such prefix. */
static size_t console_prefix(const char *s, size_t len)
{
    size_t k = 0;
    while (k < len && k < 48 && s[k] != ' ' && s[k] != '"' && s[k] != '\'' && s[k] != '[')
        k++;
    if (k == 0 || k >= len || s[k] != ' ')
        return 0;
    while (k < len && s[k] == ' ')
        k++;
    return sw_kmsg_scan_ts(s + k, len - k, NULL) ? k : 0;
}

static void parse_line(const char *line, size_t len, enum sw_kmsg_format fmt, struct sw_kmsg_line *out,
                       bool inplace)
{
    out->msg[0] = '\0';
    out->text = out->msg;
    out->text_len = 0;
    out->ts_us = -1;
    out->real_ns = 0;
    out->stamp[0] = '\0';
    out->prio = out->facility = out->cpu = out->caller_tid = -1;
    out->seq = 0;
    out->kernel = out->skip = false;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;

    if (fmt == SW_KFMT_KMSG && len > 0 && line[0] == ' ') {
        out->skip = true;   /* " SUBSYSTEM=pci" dictionary continuation */
        return;
    }
    bool plain_fmt = fmt == SW_KFMT_KMSG || fmt == SW_KFMT_DMESG || fmt == SW_KFMT_SYSLOG || fmt == SW_KFMT_ISO;
    if (fmt == SW_KFMT_GUESTLOG_CSV || fmt == SW_KFMT_GUESTLOG_TSV || (!plain_fmt && memmem(line, len, "GuestLog", 8))) {
        if (parse_guestlog(line, len, out))
            return;
        if (fmt == SW_KFMT_GUESTLOG_CSV || fmt == SW_KFMT_GUESTLOG_TSV) {
            out->skip = true;   /* header row or another provider's event */
            return;
        }
    }
    size_t m = 0;
    bool unescape = false;
    if (len > 0 && line[0] == '[') {
        /* dmesg's "[  12.345678] ...", most lines of most logs: none of the prefixes below can start
         * with '[' (a kmsg record or date starts with a digit or word, a wall or console line with a
         * word or blank), so the kernel's own prefix comes first */
    } else if (len > 0 && dig(line[0]) && (m = parse_kmsg(line, len, out)) != 0) {
        unescape = true;
    } else if ((m = parse_syslog(line, len, out)) != 0 || (m = parse_iso(line, len, out)) != 0) {
        if (out->skip)
            return;
    } else if (len >= 18 && line[0] == 'M' && memcmp(line, "Message from ", 13) == 0 && find(line, len, "syslogd@")) {
        out->skip = true;   /* wall broadcast header; the kernel line follows on its own */
        return;
    } else if (len >= 3 && line[0] == '-' && memcmp(line, "-- ", 3) == 0 && (find(line, len, "Logs begin") ||
                                                         find(line, len, "Boot ") || find(line, len, "No entries") ||
                                                         find(line, len, "Journal begins"))) {
        out->skip = true;   /* journalctl separators */
        return;
    } else {
        /* wall message body " kernel:[405108.698255] ..." */
        size_t k = 0;
        while (k < len && line[k] == ' ')
            k++;
        if (len - k > 8 && memcmp(line + k, "kernel:", 7) == 0 && (line[k + 7] == '[' || line[k + 7] == ' ')) {
            m = k + 7;
            if (line[m] == ' ')
                m++;
            out->kernel = true;
        } else {
            m = console_prefix(line, len);
        }
    }
    size_t before = m;
    m += strip_kernel_prefix(line + m, len - m, out);
    if (m > before && out->ts_us >= 0) {
        /* journalctl -o short-monotonic: "[  123.456789] host kernel: msg" (a host word of up to 64
         * characters without ':'). Every dmesg line passes here and most first words are short or end
         * in ':' ("rcu:", "usb 1-1:"), so one short loop that stops at either beats two memchr calls. */
        size_t lim = len - m < 64 ? len - m : 64, h = m;
        while (h < m + lim && line[h] != ' ' && line[h] != ':')
            h++;
        if (h > m && h + 9 <= len && memcmp(line + h, " kernel: ", 9) == 0)
            m = h + 9;
    }
    set_msg(out, line + m, len - m, unescape, inplace);   /* a cut "\r" leaves no NUL at len: copied */
}

void sw_kmsg_line_parse(const char *line, size_t len, enum sw_kmsg_format fmt, struct sw_kmsg_line *out)
{
    parse_line(line, len, fmt, out, false);
}

void sw_kmsg_line_parse_inplace(const char *line, size_t len, enum sw_kmsg_format fmt, struct sw_kmsg_line *out)
{
    parse_line(line, len, fmt, out, true);
}

/* ---- format detection ------------------------------------------------------------------------ */

enum sw_kmsg_format sw_kmsg_detect(const char *const *lines, const size_t *lens, size_t n)
{
    unsigned count[SW_KFMT_COUNT] = {0};
    struct sw_kmsg_line tmp;
    for (size_t k = 0; k < n; k++) {
        const char *s = lines[k];
        size_t len = lens[k];
        if (find(s, len, "Guest message:") || find(s, len, "has encountered a fatal error") ||
            find(s, len, "Hyper-V-Worker"))
            return SW_KFMT_HYPERV;
        if (find(s, len, "GuestLog"))
            return memchr(s, '\t', len) ? SW_KFMT_GUESTLOG_TSV : SW_KFMT_GUESTLOG_CSV;
        memset(&tmp, 0, sizeof tmp);
        tmp.prio = tmp.facility = tmp.cpu = tmp.caller_tid = -1;
        if (len > 0 && dig(s[0]) && parse_kmsg(s, len, &tmp))
            count[SW_KFMT_KMSG]++;
        else if (parse_syslog(s, len, &tmp))
            count[SW_KFMT_SYSLOG]++;
        else if (parse_iso(s, len, &tmp))
            count[SW_KFMT_ISO]++;
        else if (tmp.kernel = false, strip_kernel_prefix(s, len, &tmp), tmp.kernel)
            count[SW_KFMT_DMESG]++;
        else
            count[SW_KFMT_PLAIN]++;
    }
    enum sw_kmsg_format best = SW_KFMT_PLAIN;
    unsigned best_n = 0;
    for (int f = SW_KFMT_KMSG; f <= SW_KFMT_ISO; f++)
        if (count[f] > best_n) {
            best = (enum sw_kmsg_format)f;
            best_n = count[f];
        }
    if (best_n == 0 || count[SW_KFMT_PLAIN] > 2 * best_n)
        return SW_KFMT_PLAIN;
    return best;
}
