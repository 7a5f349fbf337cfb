/* Validation of a rules file, shared by the file-level checks (report/rules.c) and the condition
 * language checks (report/rules_cond.c). Internal to report/. */
#ifndef SW_RULES_CHECK_H
#define SW_RULES_CHECK_H

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"

struct vctx {
    const char *origin;
    const char *rule;   /* id, or "#N" before the id is known */
    const json_t *defs;
    struct sw_diag *d;
};

/* Sets d to "rules file ORIGIN: rule 'ID': MESSAGE" and returns -EINVAL. */
__attribute__((format(printf, 2, 3))) int sw_rules_vfail(struct vctx *v, const char *fmt, ...);
#define VFAIL(v, ...) sw_rules_vfail((v), __VA_ARGS__)
bool sw_rules_in_list(const char *s, const char *const *list);
/* Checks one CONDITION (docs/rules.md), compiling its regular expressions once (report/regex_cache.h). */
int sw_rules_check_cond(struct vctx *v, const json_t *c, int depth);
/* A key whose value is one string out of allowed (NULL: any), or a non-empty list of them. */
int sw_rules_check_str_or_list(struct vctx *v, const json_t *x, const char *key, const char *const *allowed);

/* The one vocabulary of rule classes (report/verdict.c maps each to its lean) and of confidences. */
extern const char *const sw_rule_classes[];
extern const char *const sw_rule_confidences[];

#endif
