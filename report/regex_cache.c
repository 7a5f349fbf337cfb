#include "report/regex_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    char *pattern;     /* NULL: empty slot */
    regex_t re;
    bool ok;
};

/* Open addressing; twice the entry cap keeps probe chains short. */
#define TABLE_SIZE (2 * SW_REGEX_CACHE_MAX)
static struct slot g_table[TABLE_SIZE];
static unsigned g_used;
static unsigned long g_compiles;
static struct slot g_overflow;   /* past the cap: recompiled each call, freed on the next */

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static void compile_into(struct slot *sl, const char *pattern, char *err, size_t errcap)
{
    g_compiles++;
    int rc = regcomp(&sl->re, pattern, REG_EXTENDED | REG_NOSUB | REG_ICASE);
    sl->ok = rc == 0;
    if (!sl->ok && err && errcap)
        regerror(rc, &sl->re, err, errcap);
}

const regex_t *sw_regex_get(const char *pattern, char *err, size_t errcap)
{
    if (!pattern)
        return NULL;
    uint32_t i = hash(pattern) % TABLE_SIZE;
    for (unsigned n = 0; n < TABLE_SIZE; n++, i = (i + 1) % TABLE_SIZE) {
        struct slot *sl = &g_table[i];
        if (sl->pattern && !strcmp(sl->pattern, pattern)) {
            if (!sl->ok && err && errcap)
                strncpy(err, "invalid regular expression", errcap - 1), err[errcap - 1] = 0;
            return sl->ok ? &sl->re : NULL;
        }
        if (!sl->pattern) {
            if (g_used >= SW_REGEX_CACHE_MAX)
                break;
            sl->pattern = strdup(pattern);
            if (!sl->pattern)
                break;
            g_used++;
            compile_into(sl, pattern, err, errcap);
            return sl->ok ? &sl->re : NULL;
        }
    }
    if (g_overflow.pattern && g_overflow.ok)
        regfree(&g_overflow.re);
    free(g_overflow.pattern);
    g_overflow.pattern = strdup(pattern);
    compile_into(&g_overflow, pattern, err, errcap);
    return g_overflow.ok ? &g_overflow.re : NULL;
}

bool sw_regex_match(const char *pattern, const char *s)
{
    if (!s)
        return false;
    const regex_t *re = sw_regex_get(pattern, NULL, 0);
    return re && regexec(re, s, 0, NULL, 0) == 0;
}

unsigned long sw_regex_compilations(void)
{
    return g_compiles;
}
