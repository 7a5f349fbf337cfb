/* Compiled regular expressions of the rules, compiled once per process. Rules are loaded once and
 * evaluated for every event of every report: compiling a pattern per event and rule cost more than the
 * match itself. Validation (report/rules.c) compiles every pattern of a loaded file here, so matching
 * (report/match.c) only looks them up. Not thread-safe: reports are judged on one thread. */
#ifndef SW_REGEX_CACHE_H
#define SW_REGEX_CACHE_H

#include <regex.h>
#include <stdbool.h>

/* The compiled form of pattern (POSIX extended, case-insensitive, no sub-matches), compiling it on
 * first use. NULL when it does not compile (err, if given, gets the reason). The table is bounded:
 * past SW_REGEX_CACHE_MAX distinct patterns, the pattern is compiled into a per-call slot instead
 * (still correct, just not cached). */
#define SW_REGEX_CACHE_MAX 1024
const regex_t *sw_regex_get(const char *pattern, char *err, size_t errcap);
/* True when s matches pattern (false for NULL s or a bad pattern). */
bool sw_regex_match(const char *pattern, const char *s);
/* How many compilations have happened in this process (tests check that matching does not compile). */
unsigned long sw_regex_compilations(void);

#endif
