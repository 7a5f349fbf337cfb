#include "core/params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/units.h"

static struct sw_param_value *find(struct sw_params *p, const char *name)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->v[i].def->name, name) == 0)
            return &p->v[i];
    return NULL;
}

static int choice_index(const char *choices, const char *word)
{
    int idx = 0;
    size_t wl = strlen(word);
    for (const char *c = choices; c && *c; idx++) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == wl && strncmp(c, word, n) == 0)
            return idx;
        if (!bar)
            break;
        c = bar + 1;
    }
    return -1;
}

static int parse_into(struct sw_param_value *v, const char *workload, const char *text, struct sw_diag *d)
{
    const struct sw_param_def *def = v->def;
    struct sw_diag inner;
    if (strlen(text) >= sizeof v->s)
        return sw_fail(d, -EINVAL, "%s: parameter '%s' is longer than %zu characters", workload, def->name,
                       sizeof v->s - 1);
    switch (def->type) {
    case SW_P_INT: {
        char *end;
        errno = 0;
        long long x = strtoll(text, &end, 10);
        if (errno || end == text || *end)
            return sw_fail(d, -EINVAL, "%s: parameter '%s' must be an integer from %lld to %lld (got '%s')",
                           workload, def->name, (long long)def->min, (long long)def->max, text);
        if (x < def->min || x > def->max)
            return sw_fail(d, -ERANGE, "%s: parameter '%s' must be from %lld to %lld (got %lld)", workload,
                           def->name, (long long)def->min, (long long)def->max, x);
        v->i = x;
        break;
    }
    case SW_P_SIZE: {
        uint64_t b;
        if (sw_parse_size(text, &b, &inner) < 0)
            return sw_fail(d, -EINVAL, "%s: parameter '%s': %s", workload, def->name, inner.msg);
        if ((int64_t)b < def->min || (int64_t)b > def->max) {
            char lo[32], hi[32];
            return sw_fail(d, -ERANGE, "%s: parameter '%s' must be from %s to %s (got '%s')", workload, def->name,
                           sw_format_size((uint64_t)def->min, lo, sizeof lo),
                           sw_format_size((uint64_t)def->max, hi, sizeof hi), text);
        }
        v->i = (int64_t)b;
        break;
    }
    case SW_P_BOOL:
        if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcmp(text, "1") || !strcasecmp(text, "on"))
            v->i = 1;
        else if (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcmp(text, "0") ||
                 !strcasecmp(text, "off"))
            v->i = 0;
        else
            return sw_fail(d, -EINVAL, "%s: parameter '%s' must be true or false (got '%s')", workload, def->name,
                           text);
        break;
    case SW_P_STR:
        v->i = 0;
        break;
    case SW_P_CHOICE: {
        int idx = choice_index(def->choices, text);
        if (idx < 0)
            return sw_fail(d, -EINVAL, "%s: parameter '%s' must be one of %s (got '%s')", workload, def->name,
                           def->choices, text);
        v->i = idx;
        break;
    }
    }
    snprintf(v->s, sizeof v->s, "%s", text);
    return 0;
}

static int count_words(const char *choices)
{
    int n = 0;
    for (const char *c = choices; c && *c; c++)
        n += c == choices || c[-1] == '|';
    return n;
}

int sw_param_defs_check(const struct sw_param_def *defs, const char *workload, struct sw_diag *d)
{
    int n = 0;
    for (const struct sw_param_def *def = defs; def && def->name; def++, n++) {
        if (n == SW_PARAM_MAX)
            return sw_fail(d, -EINVAL, "%s: more than %d parameters", workload, SW_PARAM_MAX);
        if (!*def->name)
            return sw_fail(d, -EINVAL, "%s: parameter %d has an empty name", workload, n);
        for (const struct sw_param_def *prev = defs; prev != def; prev++)
            if (!strcmp(prev->name, def->name))
                return sw_fail(d, -EINVAL, "%s: parameter '%s' is defined twice", workload, def->name);
        if ((def->type == SW_P_INT || def->type == SW_P_SIZE) && def->min > def->max)
            return sw_fail(d, -EINVAL, "%s: parameter '%s' has min %lld > max %lld", workload, def->name,
                           (long long)def->min, (long long)def->max);
        if (def->type == SW_P_CHOICE && (count_words(def->choices) < 1 ||
                                         count_words(def->choices) != (int)def->n_choices))
            return sw_fail(d, -EINVAL, "%s: parameter '%s' lists %d choices for an enum of %u (use SW_CHOICES)",
                           workload, def->name, count_words(def->choices), def->n_choices);
        if (def->type != SW_P_CHOICE && (def->choices || def->n_choices))
            return sw_fail(d, -EINVAL, "%s: parameter '%s' has choices but is not a choice", workload, def->name);
        /* The default goes through the same parser as a user's value: type and range. */
        struct sw_param_value v = {.def = def};
        struct sw_diag inner;
        if (!def->def || parse_into(&v, workload, def->def, &inner) < 0)
            return sw_fail(d, -EINVAL, "%s: parameter '%s' has a bad default: %s", workload, def->name,
                           def->def ? inner.msg : "none");
    }
    return 0;
}

int sw_params_defaults(struct sw_params *p, const struct sw_param_def *defs, struct sw_diag *d)
{
    memset(p, 0, sizeof *p);
    int rc = sw_param_defs_check(defs, "default", d);
    if (rc < 0)
        return rc;
    for (const struct sw_param_def *def = defs; def && def->name; def++) {
        p->v[p->n].def = def;
        if ((rc = parse_into(&p->v[p->n], "default", def->def, d)) < 0)
            return rc;
        p->n++;
    }
    return 0;
}

int sw_params_set(struct sw_params *p, const struct sw_param_def *defs, const char *workload, const char *name,
                  const char *text, struct sw_diag *d)
{
    struct sw_param_value *v = find(p, name);
    if (!v) {
        char allowed[256] = "";
        size_t off = 0;
        for (const struct sw_param_def *def = defs; def && def->name; def++)
            off += (size_t)snprintf(allowed + off, off < sizeof allowed ? sizeof allowed - off : 0, "%s%s",
                                    off ? ", " : "", def->name);
        return sw_fail(d, -EINVAL, "%s has no parameter '%s' (it has: %s)", workload, name,
                       allowed[0] ? allowed : "none");
    }
    return parse_into(v, workload, text, d);
}

static const struct sw_param_value *at(const struct sw_params *p, unsigned id)
{
    if (id >= (unsigned)p->n || !p->v[id].def)
        abort();   /* a workload read a parameter it does not define: fail loud, never as "auto" */
    return &p->v[id];
}

int64_t sw_param_int(const struct sw_params *p, unsigned id)
{
    return at(p, id)->i;
}

const char *sw_param_str(const struct sw_params *p, unsigned id)
{
    return at(p, id)->s;
}
