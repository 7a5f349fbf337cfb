/* Workload parameters: typed definitions (owned by each workload) and resolved values (from the
 * defaults, then the profile, then --param key=value). Validation is generic so every workload's bad
 * input gets the same kind of one-line error.
 *
 * Each workload numbers its parameters with an enum and indexes its table by it, so code reads a
 * value by id (O(1); a misspelt id does not compile) while profiles and --param name them by text
 * (an unknown name is a one-line error listing the known ones):
 *
 *   enum { COMPUTE_MODE, COMPUTE_BURST_MS, COMPUTE_NPARAMS };
 *   #define COMPUTE_MODES(X) X(MODE_STEADY, "steady") X(MODE_BURSTY, "bursty")
 *   enum compute_mode { COMPUTE_MODES(SW_CHOICE_ENUM) };
 *   SW_PARAM_TABLE(compute_params, COMPUTE_NPARAMS) = {
 *       [COMPUTE_MODE] = {.name = "mode", .type = SW_P_CHOICE, .def = "steady", SW_CHOICES(COMPUTE_MODES),
 *                         .help = "..."},
 *       [COMPUTE_BURST_MS] = {.name = "burst_ms", .type = SW_P_INT, .def = "200", .min = 1, .max = 60000, ...},
 *   };
 *   ... sw_param_int(&c->params, COMPUTE_MODE) == MODE_BURSTY ...
 *
 * A choice's words and its enum come from one list, so they cannot disagree (the index a value
 * resolves to is the enum constant of its word); sw_param_defs_check verifies every table (names,
 * min <= default <= max, choice counts) and runs before any default is used. */
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
    const char *def;       /* default, as text                             */
    int64_t min, max;      /* for INT and SIZE                             */
    const char *choices;   /* for CHOICE: "a|b|c" (SW_CHOICES fills it)     */
    unsigned n_choices;    /* for CHOICE: constants in the enum of the list */
    const char *help;
};

/* A table indexed by a workload's parameter enum; the entry at [count] stays zero (the end). */
#define SW_PARAM_TABLE(name, count) static const struct sw_param_def name[(count) + 1]

/* Choice lists as X-macros: LIST(X) is X(ENUM_CONSTANT, "word") for each choice, in order. */
#define SW_CHOICE_ENUM(id, word) id,
#define SW_CHOICE_WORD(id, word) "|" word
#define SW_CHOICE_ONE(id, word) +1
#define SW_CHOICES(LIST) .choices = &(LIST(SW_CHOICE_WORD))[1], .n_choices = 0 LIST(SW_CHOICE_ONE)

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

/* Checks a table (terminated by a def with name == NULL): names present and distinct, at most
 * SW_PARAM_MAX, min <= max, the default valid and in range, a choice list with n_choices words.
 * 0, or -EINVAL naming the workload, the parameter and what is wrong. */
int sw_param_defs_check(const struct sw_param_def *defs, const char *workload, struct sw_diag *d);
/* Fills p with the defaults of defs (checked as above first); p->v[i] is defs[i]. */
int sw_params_defaults(struct sw_params *p, const struct sw_param_def *defs, struct sw_diag *d);
/* Sets one value by name from text; unknown names and bad values fail with the allowed set. */
int sw_params_set(struct sw_params *p, const struct sw_param_def *defs, const char *workload,
                  const char *name, const char *text, struct sw_diag *d);
/* The value of parameter id (the workload's enum): INT, SIZE, BOOL (0/1), CHOICE (the enum constant).
 * An id past the table is a bug in the workload: it aborts rather than read 0 ("auto"). */
int64_t sw_param_int(const struct sw_params *p, unsigned id);
/* The text as given (STR values; any type's text). Same rule for id. */
const char *sw_param_str(const struct sw_params *p, unsigned id);

#endif
