/* Parsing of the sizes and durations users type: "90s", "10m", "2h", "1h30m"; "4G", "512M", "25%". */
#ifndef SW_UNITS_H
#define SW_UNITS_H

#include <stdint.h>

#include "core/diag.h"

/* Duration to milliseconds. A bare number is seconds. Accepts ms, s, m, h, d and sums ("1h30m"). */
int sw_parse_duration_ms(const char *text, uint64_t *ms, struct sw_diag *d);
/* Byte size: bare number = bytes; K/M/G/T (binary, optional "iB"/"B"). */
int sw_parse_size(const char *text, uint64_t *bytes, struct sw_diag *d);
/* A size or a percentage: percent set to 1..100 and bytes 0 when "NN%". */
int sw_parse_size_or_percent(const char *text, uint64_t *bytes, unsigned *percent, struct sw_diag *d);
/* "1.5 GiB" style, into buf. */
const char *sw_format_size(uint64_t bytes, char *buf, unsigned len);
/* "1h02m03s" style, into buf. */
const char *sw_format_duration(uint64_t ms, char *buf, unsigned len);

#endif
