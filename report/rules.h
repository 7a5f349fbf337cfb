/* The rules database (rules/rules.json, documented in docs/rules.md): loading, lookup and strict
 * validation. A rules file is data: the correlator (report/correlate.h) evaluates it. */
#ifndef SW_RULES_H
#define SW_RULES_H

#include <jansson.h>
#include <stddef.h>

#include "core/diag.h"

#define SW_RULES_VERSION 1

/* Finds rules.json: $STRESSWSL_RULES when set (a file, or a directory holding rules.json: the one
 * to use, never a fallback), else the first rules.json in core/datafile.h's data directories for
 * "rules". Fills path; 0 or -ENOENT with d naming every place looked at. */
int sw_rules_find(char *path, size_t cap, struct sw_diag *d);
/* Parses and validates one file. Returns a new reference, or NULL with d = "rules file PATH: rule 'ID':
 * problem" (or the JSON line and column). */
json_t *sw_rules_load(const char *path, struct sw_diag *d);
/* sw_rules_find + sw_rules_load. */
json_t *sw_rules_load_default(struct sw_diag *d);
/* Validates an already parsed database; `origin` names it in messages (a path or "<memory>"). */
int sw_rules_validate(const json_t *db, const char *origin, struct sw_diag *d);

#endif
