/* Redaction for shared bundles: user names (also inside Windows and Linux home paths), host names,
 * serial numbers, UUIDs (boot_id, product_uuid, ...), the machine id, MAC, IPv4 and IPv6 addresses,
 * Windows product IDs and SIDs are replaced by consistent placeholders (the same value always becomes
 * the same "user-1", "host-2", ...). The redactor learns values from known inputs ($USER, the host
 * name) and from what its finders mark in the texts themselves, then replaces every occurrence of a
 * learned value. Patterns are compiled once per redactor; every call is linear in its input. */
#ifndef SW_REDACT_H
#define SW_REDACT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum sw_redact_kind {
    SW_REDACT_USER = 0,
    SW_REDACT_HOST,
    SW_REDACT_SERIAL,
    SW_REDACT_UUID,
    SW_REDACT_MACHINE_ID,
    SW_REDACT_MAC,
    SW_REDACT_IPV4,
    SW_REDACT_IPV6,
    SW_REDACT_PRODUCT_ID,
    SW_REDACT_SID,
    SW_REDACT_KIND_COUNT
};

struct sw_redactor;

/* NULL when out of memory. */
struct sw_redactor *sw_redactor_new(void);
void sw_redactor_free(struct sw_redactor *r);
/* A value known to be secret (the user and host names of this machine, its machine id): replaced
 * wherever it stands as a whole word, however short. Ignores empty and harmless values ("root"). */
void sw_redact_add(struct sw_redactor *r, enum sw_redact_kind kind, const char *value);
/* Learns secrets from data without changing it (run over every file first, so a name seen in one
 * file is also replaced in another where nothing marks it). Bytes outside printable ASCII, UTF-8
 * and tabs separate lines, so binary data is learned from its strings. */
void sw_redact_learn(struct sw_redactor *r, const char *data, size_t len);
/* A redacted, malloc'd, NUL-terminated copy of len bytes of text (NULL when out of memory). */
char *sw_redact_text(struct sw_redactor *r, const char *text, size_t len, size_t *out_len);
/* Redacts binary data in place, keeping its length: each secret among its strings is overwritten by
 * its placeholder, cut or padded with '*'. Returns the number of replacements. */
size_t sw_redact_bytes(struct sw_redactor *r, unsigned char *buf, size_t len);
/* What was replaced, per kind: [{"what": "user name", "placeholder": "user-N", "count": 2,
 * "replaced": 7}] ("count": distinct values, "replaced": occurrences replaced so far). */
json_t *sw_redact_summary(const struct sw_redactor *r);
/* The label of a kind ("IPv4 address") for texts that say what is redacted. */
const char *sw_redact_kind_what(enum sw_redact_kind kind);

#endif
