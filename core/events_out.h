/* --events FILE|-: every event of a run as one JSON object per line (JSON Lines, docs/events-schema.md)
 * for log pipelines (Fluent Bit, Loki, Elastic). Events are copied into a preallocated queue where the
 * runner records them (no allocation, no I/O there) and written out from the runner's main loop. The
 * writer never blocks the run: on a pipe or terminal it writes only what fits now, keeps the rest in a
 * bounded buffer, and counts what it had to drop (reported in a "lost" line). */
#ifndef SW_EVENTS_OUT_H
#define SW_EVENTS_OUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/event.h"
#include "core/event_json.h"

struct sw_events_out {
    int fd;
    bool own_fd, regular;     /* regular file: writes never wait on a reader                */
    struct sw_event *q;       /* ring of events recorded but not yet written                 */
    size_t qcap, qhead, qlen;
    char *buf;                /* formatted lines not yet accepted by the fd                  */
    size_t blen, bcap;
    uint64_t lost, lost_reported, written;
    char host[256], label[80], run_id[64];
};

/* path: a file (appended to, created 0644; a symlink is refused) or "-" for stdout. label may be NULL.
 * 0, or -errno with d naming the path. */
int sw_events_out_open(struct sw_events_out *eo, const char *path, const char *label, struct sw_diag *d);
/* The same on an open descriptor (tests: a pipe); the caller keeps ownership of fd. */
int sw_events_out_open_fd(struct sw_events_out *eo, int fd, const char *label, struct sw_diag *d);
/* The recording path: copies ev into the queue, or counts it lost when the queue is full. */
void sw_events_out_push(struct sw_events_out *eo, const struct sw_event *ev);
/* Formats the queued events and writes what the fd takes without waiting. */
void sw_events_out_flush(struct sw_events_out *eo, const char *run_id, const struct sw_ev_names *names);
/* The last line of a run ({"record": "run_end", ...} with the verdict from report), then waits at most
 * wait_ms for a slow reader and closes. report may be NULL (a run that could not start). */
void sw_events_out_close(struct sw_events_out *eo, const json_t *report, int wait_ms);

#endif
