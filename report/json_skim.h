/* Reading only some members of a large JSON object: `stresswsl fleet` needs a report's run, facts,
 * verdict, findings and events, not its per-second series (most of the bytes). The skimmer walks the
 * top-level object without building it, copies the wanted members into a smaller object text, and
 * jansson parses (and validates) that. Skipped members are only checked for balanced nesting. */
#ifndef SW_JSON_SKIM_H
#define SW_JSON_SKIM_H

#include <stddef.h>

/* Copies the members of the object in in[0..len) that keep (NULL-terminated) names into out
 * (capacity at least len + 3) as an object text; returns its length, or -1 when in is not one
 * well-formed JSON object. A keep entry is a member name ("run") or a dotted path into nested objects
 * ("facts.before.cpu": of "facts" only "before", of that only "cpu"). */
long sw_json_skim(const char *in, size_t len, const char *const *keep, char *out);

#endif
