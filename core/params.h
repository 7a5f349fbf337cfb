/* Workload parameters: typed definitions (owned by each workload) and resolved values (from the
 * defaults, then the profile, then --param key=value). Validation is generic so every workload's bad
 * input gets the same kind of one-line error. */
#ifndef SW_PARAMS_H
#define SW_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"

enum sw_param_type {
    SW_P_INT,    /* integer in [min, max]                          */
    SW_P_SIZE,   /* byte size "64K", "4M", "1G" in [min, max] bytes */
    SW_P_BOOL,   /* true/false, yes/no, 1/0                         */
    SW_P_STR,    /* free text (at most SW_PARAM_STR - 1 bytes)      */
    SW_P_CHOICE  /* one of the '|'-separated words in choices       */
};

struct sw_param_def {
    const char *name;
    enum sw_param_type type;
    const char *def;       /* default, as text                      */
    int64_t min, max;      /* for INT and SIZE                      */
    const char *choices;   /* for CHOICE: "a|b|c"                   */
    const char *help;
};

#define SW_PARAM_MAX 16
#define SW_PARAM_STR 128

struct sw_param_value {
    const struct sw_param_def *def;
    int64_t i;               /* INT, SIZE, BOOL (0/1), CHOICE (index) */
    char s[SW_PARAM_STR];    /* the text as given                      */
};

struct sw_params {
    int n;
    struct sw_param_value v[SW_PARAM_MAX];
};

/* Fills p with the defaults of defs (terminated by a def with name == NULL). */
int sw_params_defaults(struct sw_params *p, const struct sw_param_def *defs, struct sw_diag *d);
/* Sets one value by name from text; unknown names and bad values fail with the allowed set. */
int sw_params_set(struct sw_params *p, const struct sw_param_def *defs, const char *workload,
                  const char *name, const char *text, struct sw_diag *d);
int64_t sw_param_int(const struct sw_params *p, const char *name);   /* 0 if absent */
const char *sw_param_str(const struct sw_params *p, const char *name); /* "" if absent */

#endif
