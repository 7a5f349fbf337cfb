#include "report/redact_scan.h"

#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A labelled secret: `group` is the sub-match that is the secret (0 = the whole match). `lit` must occur (any case) in a text for the
 * pattern to be worth running: glibc's regexec costs far more than a substring search. */
static const struct {
    enum sw_redact_kind kind;
    int group;
    int icase;
    const char *lit;
    const char *re;
} k_labelled[] = {
    /* Windows user names may hold spaces ("C:\\Users\\Bob Smith\\..."): up to the next separator. */
    {SW_REDACT_USER, 1, 1, "users", "[a-z]:\\\\{1,2}Users\\\\{1,2}([^\\\\/\"'<>|:*?\r\n]*[^\\\\/\"'<>|:*?[:space:]])"},
    {SW_REDACT_USER, 1, 1, "/mnt/", "/mnt/[a-z]/Users/([^/\"'<>|:*?\r\n]*[^/\"'<>|:*?[:space:]])"},
    {SW_REDACT_USER, 1, 0, "/home/", "/home/([^/\"'<>|:[:space:]]+)"},
    /* The same seen from Windows: \\wsl.localhost\Ubuntu\home\NAME */
    {SW_REDACT_USER, 1, 1, "\\home\\", "\\\\{1,2}home\\\\{1,2}([^\\\\/\"'<>|:*?[:space:]]+)"},
    /* user@host in prompts, banners ("(root@vm)") and mail addresses; the host however short. */
    {SW_REDACT_USER, 1, 0, "@", "([A-Za-z0-9._-]+)@[A-Za-z0-9][A-Za-z0-9._-]*"},
    {SW_REDACT_HOST, 1, 0, "@", "[A-Za-z0-9._-]+@([A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\\.[A-Za-z0-9_-]+)*)"},
    {SW_REDACT_USER, 2, 1, "=", "(USERNAME|USER|LOGNAME)=([^[:space:];\"']+)"},
    {SW_REDACT_USER, 1, 1, "registeredowner", "RegisteredOwner[[:space:]]+REG_SZ[[:space:]]+([^\r\n]+)"},
    {SW_REDACT_HOST, 1, 0, "computer:", "Computer:[[:space:]]*([^[:space:]]+)"},
    {SW_REDACT_HOST, 1, 0, "<computer>", "<Computer>([^<]+)</Computer>"},
    {SW_REDACT_HOST, 1, 1, "computername=", "COMPUTERNAME=([^[:space:];\"']+)"},
    {SW_REDACT_HOST, 2, 1, "name\"", "\"(hostname|host_name|computer_name|nodename)\"[[:space:]]*:[[:space:]]*\"([^\"]+)\""},
    {SW_REDACT_HOST, 1, 1, "hostname", "hostname[[:space:]]*[:=][[:space:]]*([A-Za-z0-9][A-Za-z0-9._-]*)"},
    /* syslog / journalctl lines: "Aug 18 08:54:42 myhost kernel: ..." */
    {SW_REDACT_HOST, 1, 0, ":", "[A-Z][a-z]{2} [ 0-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} ([A-Za-z0-9][A-Za-z0-9._-]*) [A-Za-z0-9_./-]+(\\[[0-9]+\\])?:"},
    {SW_REDACT_HOST, 0, 0, "desktop-", "DESKTOP-[A-Z0-9]{5,}"},
    {SW_REDACT_HOST, 0, 0, "laptop-", "LAPTOP-[A-Z0-9]{5,}"},
    {SW_REDACT_SERIAL, 2, 1, "number", "(SerialNumber|IdentifyingNumber|Serial Number)[[:space:]]*[:=][[:space:]]*([^[:space:]\"]+)"},
    {SW_REDACT_SERIAL, 2, 1, "serial", "\"[a-z_]*(serial)[a-z_]*\"[[:space:]]*:[[:space:]]*\"([^\"]+)\""},
    {SW_REDACT_SERIAL, 2, 1, "serial", "(product_serial|board_serial|chassis_serial|serial_number|serialno)[[:space:]]*[:=][[:space:]]*([A-Za-z0-9][A-Za-z0-9./-]*)"},
    {SW_REDACT_UUID, 2, 1, "uuid", "\"[a-z_]*(uuid)[a-z_]*\"[[:space:]]*:[[:space:]]*\"([^\"]+)\""},
    {SW_REDACT_PRODUCT_ID, 0, 1, "-", "[0-9]{5}-[0-9]{5}-[0-9]{5}-[a-z0-9]{5}"},
    {SW_REDACT_PRODUCT_ID, 1, 1, "digitalproductid", "DigitalProductId4?[[:space:]]+REG_BINARY[[:space:]]+([0-9a-f]+)"},
    {SW_REDACT_SID, 0, 0, "S-1-5-21-", "S-1-5-21-[0-9]+-[0-9]+-[0-9]+(-[0-9]+)?"},
    {SW_REDACT_MACHINE_ID, 1, 1, "machineguid", "MachineGuid[[:space:]]+REG_SZ[[:space:]]+([^[:space:]]+)"},
};
#define N_LABELLED (sizeof k_labelled / sizeof k_labelled[0])
/* The labelled user and host patterns go before the shape scanners, the serial ones after them (a
 * UUID given as "SerialNumber: <uuid>" is counted as a UUID). */
#define N_BEFORE_SHAPES 16

struct sw_redact_finders {
    regex_t re[N_LABELLED];
    bool ok[N_LABELLED];
};

struct sw_redact_finders *sw_redact_finders_new(void)
{
    struct sw_redact_finders *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    for (size_t i = 0; i < N_LABELLED; i++)
        f->ok[i] = regcomp(&f->re[i], k_labelled[i].re,
                           REG_EXTENDED | REG_NEWLINE | (k_labelled[i].icase ? REG_ICASE : 0)) == 0;
    return f;
}

void sw_redact_finders_free(struct sw_redact_finders *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < N_LABELLED; i++)
        if (f->ok[i])
            regfree(&f->re[i]);
    free(f);
}

static bool has_literal(const char *text, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    int first = tolower((unsigned char)lit[0]);
    for (size_t i = 0; i + n <= len; i++)
        if (tolower((unsigned char)text[i]) == first && !strncasecmp(text + i, lit, n))
            return true;
    return false;
}

static void run_labelled(const struct sw_redact_finders *f, size_t p, const char *text, size_t len,
                         sw_redact_found_fn fn, void *ctx)
{
    if (!f->ok[p] || !has_literal(text, len, k_labelled[p].lit))
        return;
    size_t off = 0;
    regmatch_t m[4];
    while (off < len) {
        /* REG_STARTEND: no strlen per call, offsets stay relative to text: linear in len. */
        m[0].rm_so = (regoff_t)off;
        m[0].rm_eo = (regoff_t)len;
        if (regexec(&f->re[p], text, 4, m, REG_STARTEND | (off ? REG_NOTBOL : 0)) != 0)
            break;
        int g = k_labelled[p].group;
        if (m[g].rm_so >= 0 && m[g].rm_eo > m[g].rm_so)
            fn(ctx, k_labelled[p].kind, (size_t)m[0].rm_so, (size_t)m[g].rm_so, (size_t)m[g].rm_eo);
        off = m[0].rm_eo > m[0].rm_so ? (size_t)m[0].rm_eo : (size_t)m[0].rm_so + 1;
    }
}

static bool word_char(int c)
{
    return isalnum(c) || c == '_';
}

/* A word goes on at t[i] (a '.' only when a word follows it: "1.2.3.4." ends a sentence). */
static bool word_follows(const char *t, size_t len, size_t i)
{
    return i < len && (word_char((unsigned char)t[i]) ||
                       (t[i] == '.' && i + 1 < len && word_char((unsigned char)t[i + 1])));
}

static bool hexc(int c)
{
    return isxdigit(c) != 0;
}

/* "xx:xx:xx:xx:xx:xx" or with '-', one separator throughout. */
static bool is_mac(const char *s, size_t n)
{
    if (n != 17)
        return false;
    for (size_t i = 0; i < 17; i++)
        if (i % 3 == 2 ? s[i] != s[2] || (s[i] != ':' && s[i] != '-') : !hexc((unsigned char)s[i]))
            return false;
    return true;
}

static bool is_uuid(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < 36; i++)
        if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' : !hexc((unsigned char)s[i]))
            return false;
    return true;
}

static bool is_hex32(const char *s, size_t n)
{
    if (n != 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!hexc((unsigned char)s[i]))
            return false;
    return true;
}

/* An IPv6 address: hex groups of at most 4 joined by ':', either 8 of them or shortened with one
 * "::". Times ("10:21:33") and MAC addresses have neither. */
static bool is_ipv6(const char *s, size_t n)
{
    if (n < 3 || n > 39)
        return false;
    int colons = 0, groups = 0, dbl = 0, glen = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':') {
            colons++;
            if (i + 1 < n && s[i + 1] == ':')
                dbl++;
            if (glen)
                groups++;
            glen = 0;
        } else if (hexc((unsigned char)s[i]) && ++glen <= 4) {
            continue;
        } else {
            return false;
        }
    }
    if (glen)
        groups++;
    if (colons > 7 || dbl > 1 || groups == 0)
        return false;
    return dbl == 1 ? groups <= 7 : colons == 7 && groups == 8;
}

/* Runs of hex digits, ':' and '-' that stand alone: MAC, UUID, 32-hex id, IPv6. */
static void scan_hex_runs(const char *t, size_t len, sw_redact_found_fn fn, void *ctx)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)t[i];
        if (!(hexc(c) || c == ':' || c == '-')) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && (hexc((unsigned char)t[j]) || t[j] == ':' || t[j] == '-'))
            j++;
        size_t so = i, eo = j;
        i = j;
        while (so < eo && t[so] == '-')
            so++;
        while (eo > so && t[eo - 1] == '-')
            eo--;
        if (eo - so > 2 && t[so] == ':' && t[so + 1] != ':')
            so++;
        if (eo - so > 2 && t[eo - 1] == ':' && t[eo - 2] != ':')
            eo--;
        /* Part of a longer word, a dotted version or a symbol ("0010:__schedule", "std::x")? */
        if ((so > 0 && (word_char((unsigned char)t[so - 1]) || t[so - 1] == '.')) || word_follows(t, len, eo))
            continue;
        const char *s = t + so;
        size_t n = eo - so;
        if (is_mac(s, n))
            fn(ctx, SW_REDACT_MAC, so, so, eo);
        else if (is_uuid(s, n))
            fn(ctx, SW_REDACT_UUID, so, so, eo);
        else if (is_hex32(s, n))
            fn(ctx, SW_REDACT_MACHINE_ID, so, so, eo);
        else if (memchr(s, ':', n) && is_ipv6(s, n))
            fn(ctx, SW_REDACT_IPV6, so, so, eo);
    }
}

/* A dotted quad shortly after "version", "kernel", "BIOS", ... on its line is a version number. */
static bool after_version_word(const char *t, size_t so)
{
    size_t from = so > 24 ? so - 24 : 0;
    for (size_t i = so; i > from; i--)
        if (t[i - 1] == '\n') {
            from = i;
            break;
        }
    static const char *const words[] = {"version", "ver.", "ver ", "bios", "release", "firmware", "kernel", "linux",
                                        "wsl", NULL};
    for (const char *const *w = words; *w; w++) {
        size_t wl = strlen(*w);
        for (size_t i = from; i + wl <= so; i++)   /* a word of its own: not "nameserver " */
            if (!strncasecmp(t + i, *w, wl) && (i == 0 || !word_char((unsigned char)t[i - 1])))
                return true;
    }
    return false;
}

bool sw_redact_ipv4_at(const char *t, size_t len, size_t so, size_t eo)
{
    if (so > 0 && (word_char((unsigned char)t[so - 1]) || t[so - 1] == '.'))
        return false;
    bool tail_word = word_follows(t, len, eo) || (eo + 1 < len && t[eo] == '-' && isalpha((unsigned char)t[eo + 1]));
    return !tail_word && !after_version_word(t, so);
}

/* IPv4: four decimal parts of at most 255, not part of a version ("5.15.167.4-microsoft-..."). */
static void scan_ipv4(const char *t, size_t len, sw_redact_found_fn fn, void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)t[i]) || (i > 0 && (word_char((unsigned char)t[i - 1]) || t[i - 1] == '.')))
            continue;
        size_t j = i;
        int parts = 0;
        bool ok = true;
        while (parts < 4) {
            unsigned v = 0, d = 0;
            while (j < len && isdigit((unsigned char)t[j]) && d < 4)
                v = v * 10 + (unsigned)(t[j++] - '0'), d++;
            if (d == 0 || d > 3 || v > 255) {
                ok = false;
                break;
            }
            if (++parts < 4) {
                if (j >= len || t[j] != '.') {
                    ok = false;
                    break;
                }
                j++;
            }
        }
        if (!ok) {
            continue;
        }
        if (sw_redact_ipv4_at(t, len, i, j))
            fn(ctx, SW_REDACT_IPV4, i, i, j);
        i = j;
    }
}

/* `DMI: <vendor> <product>/<board>, BIOS <version> <date>` (also "Hardware name:"): the vendor, model
 * and BIOS stay; a serial-like token before ", BIOS" (8+ upper-case letters and digits, with a digit
 * and 2 letters, as OEMs put a service tag into the product or board string) is a serial. Model
 * words ("EliteBook", "Z87M-D3H", "2537CT4") are shorter or mixed-case. */
static void scan_dmi(const char *t, size_t len, sw_redact_found_fn fn, void *ctx)
{
    static const char *const labels[] = {"DMI:", "Hardware name:", NULL};
    for (const char *const *l = labels; *l; l++) {
        size_t ll = strlen(*l);
        for (const char *p = t; (p = strstr(p, *l)) && p < t + len; p += ll) {
            const char *end = memchr(p, '\n', (size_t)(t + len - p));
            if (!end)
                end = t + len;
            const char *bios = memmem(p, (size_t)(end - p), ", BIOS", 6);
            if (bios)
                end = bios;
            for (const char *q = p + ll; q < end;) {
                if (!isalnum((unsigned char)*q)) {
                    q++;
                    continue;
                }
                const char *s = q;
                int digits = 0, letters = 0, lower = 0;
                while (q < end && isalnum((unsigned char)*q)) {
                    digits += isdigit((unsigned char)*q) != 0;
                    letters += isalpha((unsigned char)*q) != 0;
                    lower += islower((unsigned char)*q) != 0;
                    q++;
                }
                if (q - s >= 8 && digits >= 1 && letters >= 2 && !lower)
                    fn(ctx, SW_REDACT_SERIAL, (size_t)(s - t), (size_t)(s - t), (size_t)(q - t));
            }
        }
    }
}

void sw_redact_find(const struct sw_redact_finders *f, const char *text, size_t len, sw_redact_found_fn fn,
                    void *ctx)
{
    for (size_t p = 0; p < N_BEFORE_SHAPES; p++)
        run_labelled(f, p, text, len, fn, ctx);
    scan_hex_runs(text, len, fn, ctx);
    scan_ipv4(text, len, fn, ctx);
    scan_dmi(text, len, fn, ctx);
    for (size_t p = N_BEFORE_SHAPES; p < N_LABELLED; p++)
        run_labelled(f, p, text, len, fn, ctx);
}
