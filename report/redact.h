/* Redaction for shared bundles: user names (also inside Windows and Linux paths), host names, serial
 * numbers, MAC addresses, Windows product IDs, SIDs and machine GUIDs are replaced by consistent
 * placeholders (the same value always becomes the same "user-1", "host-2", ...). The redactor learns
 * values from known inputs ($USER, the host name) and from patterns in the text itself. */
#ifndef SW_REDACT_H
#define SW_REDACT_H

#include <jansson.h>
#include <stddef.h>

enum sw_redact_kind {
    SW_REDACT_USER = 0,
    SW_REDACT_HOST,
    SW_REDACT_SERIAL,
    SW_REDACT_MAC,
    SW_REDACT_PRODUCT_ID,
    SW_REDACT_SID,
    SW_REDACT_MACHINE_ID,
    SW_REDACT_KIND_COUNT
};

struct sw_redactor;

struct sw_redactor *sw_redactor_new(void);
void sw_redactor_free(struct sw_redactor *r);
/* A value known to be secret (the current user and host names). Ignores empty and harmless values. */
void sw_redact_add(struct sw_redactor *r, enum sw_redact_kind kind, const char *value);
/* Learns secrets from a text without changing it (run over every file first, so a name seen in one
 * file is also replaced in another where no pattern marks it). */
void sw_redact_learn(struct sw_redactor *r, const char *text);
/* A redacted, malloc'd copy of a NUL-terminated text. */
char *sw_redact_text(struct sw_redactor *r, const char *text);
/* Masks every learned secret in binary data in place, keeping its length (journal records). Returns the
 * number of replacements. */
size_t sw_redact_mask(struct sw_redactor *r, unsigned char *buf, size_t len);
/* What was redacted, for the MANIFEST: [{"what": "user name", "count": 2, "placeholder": "user-N"}]. */
json_t *sw_redact_summary(const struct sw_redactor *r);

#endif
