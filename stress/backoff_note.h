/* Back-offs (EAGAIN, ENOMEM, a refused fork or ring) are counted every time and noted at most once a
 * second, so a workload that backs off thousands of times does not flood the event ring. */
#ifndef SW_BACKOFF_NOTE_H
#define SW_BACKOFF_NOTE_H

#include <stdint.h>

#include "core/workload.h"

struct sw_backoff_note {
    uint64_t count;      /* back-offs so far */
    uint64_t last_ns;    /* when the last note went out */
};

/* Counts one back-off; notes "<what><why>; backing off (N so far)" (SW_EV_RESOURCE) when the last
 * note is a second old. why may be NULL. */
void sw_note_backoff(struct sw_ctx *c, struct sw_backoff_note *n, const char *what, const char *why);

#endif
