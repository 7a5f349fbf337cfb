#include "report/redact.h"

#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SECRETS 512

struct secret {
    char *value;
    char placeholder[32];
    enum sw_redact_kind kind;
};

struct sw_redactor {
    struct secret s[MAX_SECRETS];
    int n;
    int per_kind[SW_REDACT_KIND_COUNT];
};

static const struct {
    const char *what, *prefix;
} k_kinds[SW_REDACT_KIND_COUNT] = {
    {"user name", "user"},       {"host name", "host"},          {"serial number or UUID", "serial"},
    {"MAC address", "mac"},      {"Windows product ID", "product-id"}, {"Windows SID", "sid"},
    {"machine GUID", "machine-id"},
};

/* Patterns that mark a secret; `group` is the sub-match that is the secret (0 = the whole match). */
static const struct {
    enum sw_redact_kind kind;
    int group;
    int icase;
    const char *re;
} k_patterns[] = {
    /* Windows user names may hold spaces ("C:\\Users\\Bob Smith\\..."): up to the next separator. */
    {SW_REDACT_USER, 1, 1, "[a-z]:\\\\{1,2}Users\\\\{1,2}([^\\\\/\"'<>|:*?\r\n]*[^\\\\/\"'<>|:*?[:space:]])"},
    {SW_REDACT_USER, 1, 1, "/mnt/[a-z]/Users/([^/\"'<>|:*?\r\n]*[^/\"'<>|:*?[:space:]])"},
    {SW_REDACT_USER, 1, 0, "/home/([^/\"'<>|:[:space:]]+)"},
    {SW_REDACT_USER, 1, 0, "([A-Za-z0-9._-]+)@[A-Za-z0-9][A-Za-z0-9._-]*[:)]"},
    {SW_REDACT_HOST, 1, 0, "[A-Za-z0-9._-]+@([A-Za-z0-9][A-Za-z0-9._-]*)[:)]"},
    {SW_REDACT_USER, 1, 1, "(USERNAME|USER|LOGNAME)=([^[:space:];\"']+)"},
    {SW_REDACT_USER, 1, 1, "RegisteredOwner[[:space:]]+REG_SZ[[:space:]]+([^\r\n]+)"},
    {SW_REDACT_HOST, 1, 0, "Computer:[[:space:]]*([^[:space:]]+)"},
    {SW_REDACT_HOST, 1, 0, "<Computer>([^<]+)</Computer>"},
    {SW_REDACT_HOST, 1, 1, "COMPUTERNAME=([^[:space:];\"']+)"},
    {SW_REDACT_HOST, 1, 1, "\"(hostname|host_name|computer_name)\"[[:space:]]*:[[:space:]]*\"([^\"]+)\""},
    {SW_REDACT_HOST, 0, 0, "(DESKTOP|LAPTOP)-[A-Z0-9]{5,}"},
    {SW_REDACT_SERIAL, 1, 1, "(SerialNumber|IdentifyingNumber|Serial Number)[[:space:]]*[:=][[:space:]]*([^[:space:]\"]+)"},
    {SW_REDACT_SERIAL, 1, 1, "\"[a-z_]*(serial|uuid)[a-z_]*\"[[:space:]]*:[[:space:]]*\"([^\"]+)\""},
    {SW_REDACT_SERIAL, 1, 1, "UUID[[:space:]]*:[[:space:]]*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"},
    {SW_REDACT_MAC, 0, 1, "([0-9a-f]{2}[:-]){5}[0-9a-f]{2}"},
    {SW_REDACT_PRODUCT_ID, 0, 1, "[0-9]{5}-[0-9]{5}-[0-9]{5}-[a-z0-9]{5}"},
    {SW_REDACT_PRODUCT_ID, 1, 1, "DigitalProductId4?[[:space:]]+REG_BINARY[[:space:]]+([0-9a-f]+)"},
    {SW_REDACT_SID, 0, 0, "S-1-5-21-[0-9]+-[0-9]+-[0-9]+(-[0-9]+)?"},
    {SW_REDACT_MACHINE_ID, 1, 1, "MachineGuid[[:space:]]+REG_SZ[[:space:]]+([^[:space:]]+)"},
};

/* Values that look like secrets to the patterns but identify nobody. */
static bool harmless(enum sw_redact_kind kind, const char *v)
{
    static const char *const users[] = {"root", "public", "default", "default user", "all users", "defaultapppool",
                                        "microsoft", "%username%", "$user", "nobody", "user", NULL};
    static const char *const hosts[] = {"localhost", "microsoft.com", "localhost.localdomain", NULL};
    static const char *const serials[] = {"none", "default", "default string", "to be filled by o.e.m.",
                                          "not specified", "n/a", "system serial number", "0", NULL};
    size_t n = strlen(v);
    if (!n)
        return true;
    /* Our own placeholders. */
    for (int k = 0; k < SW_REDACT_KIND_COUNT; k++) {
        size_t pl = strlen(k_kinds[k].prefix);
        if (!strncmp(v, k_kinds[k].prefix, pl) && v[pl] == '-' && isdigit((unsigned char)v[pl + 1]))
            return true;
    }
    const char *const *list = kind == SW_REDACT_USER ? users : kind == SW_REDACT_HOST ? hosts
                              : kind == SW_REDACT_SERIAL ? serials : NULL;
    for (; list && *list; list++)
        if (!strcasecmp(v, *list))
            return true;
    if (kind == SW_REDACT_SERIAL && n < 3)
        return true;
    return false;
}

struct sw_redactor *sw_redactor_new(void)
{
    return calloc(1, sizeof(struct sw_redactor));
}

void sw_redactor_free(struct sw_redactor *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++)
        free(r->s[i].value);
    free(r);
}

static struct secret *find(struct sw_redactor *r, const char *v, size_t n)
{
    for (int i = 0; i < r->n; i++)
        if (strlen(r->s[i].value) == n && !strncasecmp(r->s[i].value, v, n))
            return &r->s[i];
    return NULL;
}

static struct secret *add(struct sw_redactor *r, enum sw_redact_kind kind, const char *v, size_t n)
{
    while (n && isspace((unsigned char)v[n - 1]))
        n--;
    struct secret *s = find(r, v, n);
    if (s || r->n >= MAX_SECRETS || !n)
        return s;
    char *copy = strndup(v, n);
    if (!copy)
        return NULL;
    if (harmless(kind, copy)) {
        free(copy);
        return NULL;
    }
    s = &r->s[r->n++];
    s->value = copy;
    s->kind = kind;
    snprintf(s->placeholder, sizeof s->placeholder, "%s-%d", k_kinds[kind].prefix, ++r->per_kind[kind]);
    return s;
}

void sw_redact_add(struct sw_redactor *r, enum sw_redact_kind kind, const char *value)
{
    if (r && value)
        add(r, kind, value, strlen(value));
}

/* The sub-match that holds the secret: the pattern's group, or the last group when the pattern
 * captures a label first ("(SerialNumber|...)...(value)"). */
static int secret_group(const regmatch_t *m, int group, size_t ngroups)
{
    if (group == 0)
        return 0;
    int g = group;
    for (size_t i = (size_t)group + 1; i < ngroups; i++)
        if (m[i].rm_so >= 0)
            g = (int)i;
    return g;
}

static void run_patterns(struct sw_redactor *r, const char *text, char **out)
{
    /* With out == NULL this only learns; else it also writes the text with secrets replaced. */
    size_t len = strlen(text), cap = len + 1, olen = 0;
    char *buf = out ? malloc(cap) : NULL;
    char *mask = calloc(len + 1, 1);   /* bytes covered by a secret: replace once */
    struct secret **at = calloc(len + 1, sizeof *at);
    for (size_t p = 0; p < sizeof k_patterns / sizeof k_patterns[0] && mask && at; p++) {
        regex_t re;
        if (regcomp(&re, k_patterns[p].re, REG_EXTENDED | (k_patterns[p].icase ? REG_ICASE : 0)) != 0)
            continue;
        regmatch_t m[4];
        size_t off = 0;
        while (off < len && regexec(&re, text + off, 4, m, off ? REG_NOTBOL : 0) == 0) {
            int g = secret_group(m, k_patterns[p].group, 4);
            if (m[g].rm_so >= 0 && m[g].rm_eo > m[g].rm_so) {
                size_t so = off + (size_t)m[g].rm_so, eo = off + (size_t)m[g].rm_eo;
                bool taken = false;
                for (size_t i = so; i < eo; i++)
                    taken = taken || mask[i];
                if (!taken) {
                    struct secret *s = add(r, k_patterns[p].kind, text + so, eo - so);
                    if (s) {
                        size_t sl = strlen(s->value);
                        for (size_t i = so; i < so + sl && i < eo; i++)
                            mask[i] = 1;
                        at[so] = s;
                    }
                }
            }
            off += m[0].rm_eo > 0 ? (size_t)m[0].rm_eo : 1;
        }
        regfree(&re);
    }
    if (buf) {
        for (size_t i = 0; i < len;) {
            const char *piece = text + i;
            size_t pl = 1, adv = 1;
            if (at && at[i]) {
                piece = at[i]->placeholder;
                pl = strlen(piece);
                adv = strlen(at[i]->value);
            }
            if (olen + pl + 1 > cap) {
                cap = (cap + pl) * 2;
                char *nb = realloc(buf, cap);
                if (!nb)
                    break;
                buf = nb;
            }
            memcpy(buf + olen, piece, pl);
            olen += pl;
            i += adv;
        }
        buf[olen] = 0;
        *out = buf;
    }
    free(mask);
    free(at);
}

void sw_redact_learn(struct sw_redactor *r, const char *text)
{
    if (r && text)
        run_patterns(r, text, NULL);
}

static bool word_char(int c)
{
    return isalnum(c) || c == '_';
}

static int by_length_desc(const void *a, const void *b)
{
    const struct secret *x = *(const struct secret *const *)a, *y = *(const struct secret *const *)b;
    return (int)strlen(y->value) - (int)strlen(x->value);
}

/* Replaces learned secrets found anywhere as whole words (longest first, so "BENHILL-DEV" goes before
 * "ben"). Names shorter than 3 characters are replaced only where a pattern marked them. */
static char *global_pass(struct sw_redactor *r, char *text)
{
    struct secret *order[MAX_SECRETS];
    int n = 0;
    for (int i = 0; i < r->n; i++)
        if (strlen(r->s[i].value) >= 3)
            order[n++] = &r->s[i];
    qsort(order, (size_t)n, sizeof order[0], by_length_desc);
    for (int k = 0; k < n; k++) {
        const char *v = order[k]->value, *ph = order[k]->placeholder;
        size_t vl = strlen(v), pl = strlen(ph);
        size_t len = strlen(text), cap = len + 1, olen = 0;
        char *out = malloc(cap);
        if (!out)
            return text;
        for (size_t i = 0; i < len;) {
            bool hit = !strncasecmp(text + i, v, vl) && (i == 0 || !word_char((unsigned char)text[i - 1])) &&
                       !word_char((unsigned char)text[i + vl]);
            const char *piece = hit ? ph : text + i;
            size_t n2 = hit ? pl : 1;
            if (olen + n2 + 1 > cap) {
                cap = (cap + n2) * 2;
                char *nb = realloc(out, cap);
                if (!nb)
                    break;
                out = nb;
            }
            memcpy(out + olen, piece, n2);
            olen += n2;
            i += hit ? vl : 1;
        }
        out[olen] = 0;
        free(text);
        text = out;
    }
    return text;
}

char *sw_redact_text(struct sw_redactor *r, const char *text)
{
    char *out = NULL;
    run_patterns(r, text, &out);
    return out ? global_pass(r, out) : NULL;
}

size_t sw_redact_mask(struct sw_redactor *r, unsigned char *buf, size_t len)
{
    size_t hits = 0;
    for (int k = 0; k < r->n; k++) {
        const char *v = r->s[k].value, *ph = r->s[k].placeholder;
        size_t vl = strlen(v), pl = strlen(ph);
        if (vl < 3 || vl > len)
            continue;
        for (size_t i = 0; i + vl <= len; i++) {
            if (strncasecmp((const char *)buf + i, v, vl) || (i && word_char(buf[i - 1])) ||
                (i + vl < len && word_char(buf[i + vl])))
                continue;
            /* Same length: the placeholder, cut or padded with 'x'. */
            for (size_t j = 0; j < vl; j++)
                buf[i + j] = (unsigned char)(j < pl ? ph[j] : 'x');
            hits++;
            i += vl - 1;
        }
    }
    return hits;
}

json_t *sw_redact_summary(const struct sw_redactor *r)
{
    json_t *items = json_array();
    for (int k = 0; k < SW_REDACT_KIND_COUNT; k++) {
        if (!r->per_kind[k])
            continue;
        char ph[48];
        snprintf(ph, sizeof ph, "%s-N", k_kinds[k].prefix);
        json_array_append_new(items, json_pack("{s:s,s:i,s:s}", "what", k_kinds[k].what, "count", r->per_kind[k],
                                               "placeholder", ph));
    }
    return items;
}
