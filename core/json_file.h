/* A JSON file someone else may have written (a profile, a probe snapshot a user sent): read to a size
 * limit, never whole whatever its size, so a wrong file (huge, or a device that never ends) is one
 * clear refusal instead of the memory it would take to parse. */
#ifndef SW_JSON_FILE_H
#define SW_JSON_FILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* path's JSON (json_load_callback flags), read to at most max bytes. NULL with *too_big set when the
 * file holds more, else with je saying why (je->text: strerror when it cannot be opened). */
json_t *sw_json_load_bounded(const char *path, size_t max, size_t flags, json_error_t *je, bool *too_big);

#endif
