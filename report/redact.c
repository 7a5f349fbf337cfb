/* The redactor: a table of secrets (hashed, bounded), a scan that cuts any input into line-aligned
 * chunks so every finder and the learned-value pass stay linear, and two outputs (a rewritten text,
 * or bytes overwritten in place). */
#include "report/redact.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/redact_scan.h"

#define MAX_SECRETS 4096
#define MAX_VALUE 256      /* a longer value is replaced where found but not searched for elsewhere */
#define HASH_SLOTS 8192    /* power of two, twice MAX_SECRETS */
#define CHUNK 16384        /* the finders look at this much at once...                    */
#define LOOKAHEAD 512      /* ...and this much more, for a secret that starts before the cut */
#define POLY 1099511628211ull   /* the learned-value pass's polynomial hash base */
#define MIN_LEARNED 3      /* learned values shorter than this are replaced only where a finder marks them */

struct secret {
    char *value;
    size_t len;
    char placeholder[32];
    enum sw_redact_kind kind;
    bool known;            /* given by the caller: replaced as a word however short */
    uint64_t hash;         /* poly_hash of the lower-cased value */
    size_t replaced;
};

struct hit {
    size_t pos, len;
    struct secret *s;
};

struct sw_redactor {
    struct sw_redact_finders *finders;
    struct secret s[MAX_SECRETS];
    int n;
    int slot[HASH_SLOTS];                         /* index + 1; 0 = empty */
    struct secret more[SW_REDACT_KIND_COUNT];     /* when the table is full: "<prefix>-more" */
    int per_kind[SW_REDACT_KIND_COUNT];
    /* The learned-value pass: the distinct lengths of the values it looks for, longest first. */
    int lens[MAX_VALUE];
    int nlens;
    bool dirty;
    uint64_t pw[MAX_VALUE + 1];                   /* POLY^k */
    /* Per-chunk scratch. */
    uint64_t prefix[CHUNK + LOOKAHEAD + 1];       /* poly_hash of scratch[0, k) */
    char scratch[CHUNK + LOOKAHEAD + 1];
    unsigned char covered[CHUNK + LOOKAHEAD];
    struct hit hits[CHUNK + LOOKAHEAD];
    size_t nhits;
    size_t limit;                                 /* hits start before this (the cut) */
};

static const struct {
    const char *what, *prefix;
} k_kinds[SW_REDACT_KIND_COUNT] = {
    [SW_REDACT_USER] = {"user name", "user"},
    [SW_REDACT_HOST] = {"host name", "host"},
    [SW_REDACT_SERIAL] = {"serial number", "serial"},
    [SW_REDACT_UUID] = {"UUID (boot_id, product_uuid, ...)", "uuid"},
    [SW_REDACT_MACHINE_ID] = {"machine id or other 32-hex id (/etc/machine-id, MachineGuid, container ids)", "id32"},
    [SW_REDACT_MAC] = {"MAC address", "mac"},
    [SW_REDACT_IPV4] = {"IPv4 address", "ipv4"},
    [SW_REDACT_IPV6] = {"IPv6 address", "ipv6"},
    [SW_REDACT_PRODUCT_ID] = {"Windows product ID", "product-id"},
    [SW_REDACT_SID] = {"Windows SID", "sid"},
};

const char *sw_redact_kind_what(enum sw_redact_kind kind)
{
    return (unsigned)kind < SW_REDACT_KIND_COUNT ? k_kinds[kind].what : "?";
}

static bool is_placeholder(const char *v)
{
    for (int k = 0; k < SW_REDACT_KIND_COUNT; k++) {
        size_t pl = strlen(k_kinds[k].prefix);
        if (!strncasecmp(v, k_kinds[k].prefix, pl) && v[pl] == '-' &&
            (isdigit((unsigned char)v[pl + 1]) || !strcmp(v + pl + 1, "more")))
            return true;
    }
    return false;
}

static bool in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcasecmp(v, *list))
            return true;
    return false;
}

static bool ends_with(const char *v, const char *suffix)
{
    size_t n = strlen(v), m = strlen(suffix);
    return n >= m && !strcasecmp(v + n - m, suffix);
}

/* Values that look like secrets to the finders but identify nobody. */
static bool harmless(enum sw_redact_kind kind, const char *v)
{
    static const char *const users[] = {"root", "public", "default", "default user", "all users", "defaultapppool",
                                        "microsoft", "%username%", "$user", "nobody", "user", "git", NULL};
    static const char *const hosts[] = {"localhost", "localhost.localdomain", "microsoft.com", "github.com",
                                        /* distributions' default names: they identify nobody */
                                        "ubuntu", "debian", "fedora", "centos", "archlinux", "alpine", "kali",
                                        "raspberrypi", "opensuse", "linux", NULL};
    static const char *const serials[] = {"none", "default", "default string", "to be filled by o.e.m.",
                                          "not specified", "n/a", "system serial number", "0", NULL};
    static const char *const units[] = {".service", ".slice", ".scope", ".socket", ".mount", ".target", NULL};
    if (!*v || is_placeholder(v))
        return true;
    switch (kind) {
    case SW_REDACT_USER:
        return in_list(v, users);
    case SW_REDACT_HOST:
        for (const char *const *u = units; *u; u++)
            if (ends_with(v, *u))
                return true;   /* systemd's user@1000.service */
        return in_list(v, hosts);
    case SW_REDACT_SERIAL:
        return strlen(v) < 3 || in_list(v, serials);
    case SW_REDACT_UUID:
    case SW_REDACT_MACHINE_ID:
    case SW_REDACT_MAC:
        return strspn(v, "0-:") == strlen(v) || !strcasecmp(v, "ff:ff:ff:ff:ff:ff");
    case SW_REDACT_IPV4:   /* unspecified, loopback, netmasks and broadcast */
        return !strncmp(v, "0.", 2) || !strncmp(v, "127.", 4) || !strncmp(v, "255.", 4);
    case SW_REDACT_IPV6:
        return !strcmp(v, "::") || !strcmp(v, "::1");
    default:
        return false;
    }
}

struct sw_redactor *sw_redactor_new(void)
{
    struct sw_redactor *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->finders = sw_redact_finders_new();
    if (!r->finders) {
        free(r);
        return NULL;
    }
    r->pw[0] = 1;
    for (int k = 1; k <= MAX_VALUE; k++)
        r->pw[k] = r->pw[k - 1] * POLY;
    for (int k = 0; k < SW_REDACT_KIND_COUNT; k++) {
        r->more[k].kind = (enum sw_redact_kind)k;
        snprintf(r->more[k].placeholder, sizeof r->more[k].placeholder, "%s-more", k_kinds[k].prefix);
    }
    return r;
}

void sw_redactor_free(struct sw_redactor *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++)
        free(r->s[i].value);
    sw_redact_finders_free(r->finders);
    free(r);
}

/* A polynomial hash of the lower-cased bytes, so the learned-value pass gets the hash of any
 * substring in O(1) from prefix hashes (Rabin-Karp) and looks it up in the same table. */
static uint64_t poly_hash(const char *v, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * POLY + (uint64_t)tolower((unsigned char)v[i]);
    return h;
}

static size_t slot_of(uint64_t h)
{
    return (size_t)((h ^ (h >> 31)) * 0x9e3779b97f4a7c15ull >> 40) & (HASH_SLOTS - 1);
}

/* The secret for v (added if new); NULL for a harmless value. */
static struct secret *learn(struct sw_redactor *r, enum sw_redact_kind kind, const char *v, size_t n, bool known)
{
    if (!n)
        return NULL;
    if (n > MAX_VALUE)
        return &r->more[kind];
    uint64_t ph = poly_hash(v, n);
    size_t h = slot_of(ph);
    for (; r->slot[h]; h = (h + 1) & (HASH_SLOTS - 1)) {
        struct secret *s = &r->s[r->slot[h] - 1];
        if (s->hash == ph && s->len == n && !strncasecmp(s->value, v, n)) {
            if (known && !s->known) {
                s->known = true;
                r->dirty = true;
            }
            return s;
        }
    }
    char copy[MAX_VALUE + 1];
    memcpy(copy, v, n);
    copy[n] = '\0';
    if (harmless(kind, copy))
        return NULL;
    if (r->n >= MAX_SECRETS)
        return &r->more[kind];
    struct secret *s = &r->s[r->n];
    s->value = strdup(copy);
    if (!s->value)
        return &r->more[kind];
    s->len = n;
    s->hash = ph;
    s->kind = kind;
    s->known = known;
    snprintf(s->placeholder, sizeof s->placeholder, "%s-%d", k_kinds[kind].prefix, ++r->per_kind[kind]);
    r->slot[h] = ++r->n;
    r->dirty = true;
    return s;
}

void sw_redact_add(struct sw_redactor *r, enum sw_redact_kind kind, const char *value)
{
    if (!r || !value || (unsigned)kind >= SW_REDACT_KIND_COUNT)
        return;
    size_t n = strlen(value);
    while (n && isspace((unsigned char)value[n - 1]))
        n--;
    learn(r, kind, value, n, true);
}

static bool word_char(int c)
{
    return isalnum(c) || c == '_';
}

/* Line breaks for the finders: NUL and other control bytes (tabs are text). */
static bool separator(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static void on_found(void *ctx, enum sw_redact_kind kind, size_t at, size_t so, size_t eo)
{
    struct sw_redactor *r = ctx;
    if (at >= r->limit)
        return;   /* the next chunk's */
    while (eo > so && isspace((unsigned char)r->scratch[eo - 1]))
        eo--;
    for (size_t i = so; i < eo; i++)
        if (r->covered[i])
            return;   /* an earlier finder took it */
    struct secret *s = learn(r, kind, r->scratch + so, eo - so, false);
    if (!s)
        return;
    memset(r->covered + so, 1, eo - so);
    r->hits[r->nhits++] = (struct hit){so, eo - so, s};
}

static bool searched(const struct secret *s)
{
    return s->known || s->len >= MIN_LEARNED;
}

static void rebuild_lengths(struct sw_redactor *r)
{
    bool have[MAX_VALUE + 1] = {false};
    for (int i = 0; i < r->n; i++)
        if (searched(&r->s[i]))
            have[r->s[i].len] = true;
    r->nlens = 0;
    for (int l = MAX_VALUE; l > 0; l--)
        if (have[l])
            r->lens[r->nlens++] = l;
    r->dirty = false;
}

static struct secret *lookup(struct sw_redactor *r, uint64_t h, size_t n, const char *v)
{
    for (size_t k = slot_of(h); r->slot[k]; k = (k + 1) & (HASH_SLOTS - 1)) {
        struct secret *s = &r->s[r->slot[k] - 1];
        if (s->hash == h && s->len == n && searched(s) && !strncasecmp(s->value, v, n))
            return s;
    }
    return NULL;
}

/* Learned values wherever they stand as whole words (a value is not found inside a longer word:
 * "ben" stays in "benchmark"), longest first. Linear: at each word start, one O(1) substring hash
 * and table probe per distinct value length (at most MAX_VALUE), whatever the number of values. */
static void learned_pass(struct sw_redactor *r, size_t clen)
{
    size_t limit = r->limit;
    if (r->dirty)
        rebuild_lengths(r);
    if (!r->nlens)
        return;
    const char *t = r->scratch;
    r->prefix[0] = 0;
    for (size_t i = 0; i < clen; i++)
        r->prefix[i + 1] = r->prefix[i] * POLY + (uint64_t)tolower((unsigned char)t[i]);
    for (size_t i = 0; i < limit; i++) {
        unsigned char c = (unsigned char)t[i];
        if (r->covered[i] || (i > 0 && word_char(c) && word_char((unsigned char)t[i - 1])))
            continue;
        for (int k = 0; k < r->nlens; k++) {
            size_t n = (size_t)r->lens[k];
            if (i + n > clen)
                continue;
            uint64_t h = r->prefix[i + n] - r->prefix[i] * r->pw[n];
            struct secret *s = lookup(r, h, n, t + i);
            if (!s || (word_char((unsigned char)t[i + n - 1]) && i + n < clen && word_char((unsigned char)t[i + n])) ||
                memchr(r->covered + i, 1, n) || (s->kind == SW_REDACT_IPV4 && !sw_redact_ipv4_at(t, clen, i, i + n)))
                continue;
            memset(r->covered + i, 1, n);
            r->hits[r->nhits++] = (struct hit){i, n, s};
            i += n - 1;
            break;
        }
    }
}

static int by_pos(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

typedef void (*chunk_fn)(void *ctx, size_t base, const struct hit *hits, size_t n);

/* Cuts data into chunks that end at a line break (or, for a line longer than CHUNK, at a non-word
 * byte near the end), finds the secrets in each and hands them to out (NULL: learn only). */
static void scan(struct sw_redactor *r, const unsigned char *data, size_t len, chunk_fn out, void *ctx)
{
    size_t start = 0;
    while (start < len) {
        while (start < len && separator(data[start]))
            start++;
        if (start >= len)
            break;
        size_t end = start + CHUNK < len ? start + CHUNK : len;
        if (end < len) {
            size_t cut = end;
            while (cut > start && !separator(data[cut - 1]))
                cut--;
            if (cut == start)   /* one long line: end at a non-word byte in its last 256 */
                for (cut = end; cut > end - 256 && word_char(data[cut - 1]); cut--)
                    ;
            end = cut > start ? cut : end;
        }
        size_t clen = end + LOOKAHEAD < len ? end - start + LOOKAHEAD : len - start;
        for (size_t i = 0; i < clen; i++)
            r->scratch[i] = separator(data[start + i]) ? '\n' : (char)data[start + i];
        r->scratch[clen] = '\0';
        memset(r->covered, 0, clen);
        r->nhits = 0;
        r->limit = end - start;
        sw_redact_find(r->finders, r->scratch, clen, on_found, r);
        size_t next = end;
        if (out) {
            learned_pass(r, clen);
            qsort(r->hits, r->nhits, sizeof r->hits[0], by_pos);
            out(ctx, start, r->hits, r->nhits);
        }
        for (size_t i = 0; i < r->nhits; i++)   /* a secret that runs past the cut ends this chunk */
            if (start + r->hits[i].pos + r->hits[i].len > next)
                next = start + r->hits[i].pos + r->hits[i].len;
        start = next;
    }
}

void sw_redact_learn(struct sw_redactor *r, const char *data, size_t len)
{
    if (r && data)
        scan(r, (const unsigned char *)data, len, NULL, NULL);
}

struct text_out {
    const char *in;
    size_t in_len, done;   /* input bytes copied so far */
    char *buf;
    size_t len, cap;
    bool failed;
};

static void put(struct text_out *o, const char *p, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->len + n + 1) * 2;
        char *nb = realloc(o->buf, cap);
        if (!nb) {
            o->failed = true;
            return;
        }
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static void text_chunk(void *ctx, size_t base, const struct hit *hits, size_t n)
{
    struct text_out *o = ctx;
    for (size_t i = 0; i < n; i++) {
        size_t at = base + hits[i].pos;
        put(o, o->in + o->done, at - o->done);
        put(o, hits[i].s->placeholder, strlen(hits[i].s->placeholder));
        hits[i].s->replaced++;
        o->done = at + hits[i].len;
    }
}

char *sw_redact_text(struct sw_redactor *r, const char *text, size_t len, size_t *out_len)
{
    struct text_out o = {.in = text, .in_len = len, .cap = len + 64};
    o.buf = malloc(o.cap);
    if (!o.buf)
        return NULL;
    scan(r, (const unsigned char *)text, len, text_chunk, &o);
    put(&o, text + o.done, len - o.done);
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    o.buf[o.len] = '\0';
    if (out_len)
        *out_len = o.len;
    return o.buf;
}

struct bytes_out {
    unsigned char *buf;
    size_t replaced;
};

static void bytes_chunk(void *ctx, size_t base, const struct hit *hits, size_t n)
{
    struct bytes_out *o = ctx;
    for (size_t i = 0; i < n; i++) {
        const char *ph = hits[i].s->placeholder;
        size_t pl = strlen(ph);
        for (size_t j = 0; j < hits[i].len; j++)
            o->buf[base + hits[i].pos + j] = (unsigned char)(j < pl ? ph[j] : '*');
        hits[i].s->replaced++;
        o->replaced++;
    }
}

size_t sw_redact_bytes(struct sw_redactor *r, unsigned char *buf, size_t len)
{
    struct bytes_out o = {buf, 0};
    scan(r, buf, len, bytes_chunk, &o);
    return o.replaced;
}

json_t *sw_redact_summary(const struct sw_redactor *r)
{
    size_t values[SW_REDACT_KIND_COUNT] = {0}, replaced[SW_REDACT_KIND_COUNT] = {0};
    for (int i = 0; i < r->n; i++)
        if (r->s[i].replaced) {
            values[r->s[i].kind]++;
            replaced[r->s[i].kind] += r->s[i].replaced;
        }
    json_t *items = json_array();
    for (int k = 0; k < SW_REDACT_KIND_COUNT; k++) {
        if (!replaced[k] && !r->more[k].replaced)
            continue;
        char ph[48];
        snprintf(ph, sizeof ph, "%s-N", k_kinds[k].prefix);
        json_t *o = json_pack("{s:s,s:s,s:I,s:I}", "what", k_kinds[k].what, "placeholder", ph, "count",
                              (json_int_t)values[k], "replaced", (json_int_t)(replaced[k] + r->more[k].replaced));
        if (r->more[k].replaced)   /* the table was full: these share one placeholder */
            json_object_set_new(o, "more", json_integer((json_int_t)r->more[k].replaced));
        json_array_append_new(items, o);
    }
    return items;
}
