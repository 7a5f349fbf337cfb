/* The finders behind redaction: where in a text a secret sits and of what kind. Regular expressions
 * for labelled values (paths, user@host, "SerialNumber: x", registry values), compiled once, and
 * hand-written scanners for the shapes no label marks (IPv4, IPv6, MAC, UUID, the 32-hex machine id,
 * serial-like tokens in `DMI:` / `Hardware name:` lines). Internal to report/redact.c. */
#ifndef SW_REDACT_SCAN_H
#define SW_REDACT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "report/redact.h"

struct sw_redact_finders;

struct sw_redact_finders *sw_redact_finders_new(void);
void sw_redact_finders_free(struct sw_redact_finders *f);

/* Called for each secret found at text[so, eo), in the finders' order of precedence (the caller keeps
 * the first of overlapping finds); at: where the match starts, its label included ("/home/" for a
 * user name in a path). */
typedef void (*sw_redact_found_fn)(void *ctx, enum sw_redact_kind kind, size_t at, size_t so, size_t eo);

/* text: len bytes, NUL at text[len], no NUL inside, lines separated by '\n'. Cost: linear in len
 * for each finder (regexes run only on a text holding their literal). */
void sw_redact_find(const struct sw_redact_finders *f, const char *text, size_t len, sw_redact_found_fn fn,
                    void *ctx);

/* Is the dotted quad at text[so, eo) an address here, not part of a version ("5.15.167.4-microsoft",
 * "Kernel version: 5.15.133.1-1")? For values already learned, found again elsewhere. */
bool sw_redact_ipv4_at(const char *text, size_t len, size_t so, size_t eo);

#endif
