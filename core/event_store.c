/* The run's event store (see core/event_store.h). */
#include "core/event_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sw_event_store_init(struct sw_event_store *s, size_t cap)
{
    s->ev = calloc(cap ? cap : 1, sizeof *s->ev);
    s->cap = s->ev ? cap : 0;
    s->n = 0;
    return s->ev ? 0 : -ENOMEM;
}

void sw_event_store_free(struct sw_event_store *s)
{
    free(s->ev);
    s->ev = NULL;
    s->n = s->cap = 0;
}

void sw_event_store_record(struct sw_event_store *s, struct sw_event *ev, bool sync_now)
{
    ev->seq = ++s->next_seq;
    ev->crc = 0;
    if (ev->sev >= SW_SEV_ERROR)
        s->error_events++;
    if (s->journal)
        sw_journal_append(s->journal, SW_JREC_EVENT, ev, sw_now_mono_ns(), sync_now && ev->sev >= SW_SEV_ERROR);
    if (s->n < s->cap)
        s->ev[s->n++] = *ev;
    else
        s->dropped++;
    if (s->on_event)
        s->on_event(s->on_event_arg, ev);
}

size_t sw_event_store_drain(struct sw_event_store *s, const struct sw_arena *a, unsigned nslots)
{
    bool sync = false;
    size_t total = 0;
    for (unsigned slot = 0; slot < nslots; slot++) {
        struct sw_ring *ring = sw_arena_ring(a, slot);
        size_t n;
        while ((n = sw_ring_drain(ring, s->drain_buf, SW_EVENT_STORE_DRAIN)) > 0) {
            for (size_t i = 0; i < n; i++) {
                if (s->drain_buf[i].sev >= SW_SEV_ERROR)
                    sync = true;
                sw_event_store_record(s, &s->drain_buf[i], false);
            }
            total += n;
        }
    }
    /* One fdatasync for the batch: every error drained here is durable before the loop goes on. */
    if (sync && s->journal) {
        fdatasync(s->journal->fd);
        if (s->journal->mirror_fd >= 0)
            fdatasync(s->journal->mirror_fd);
    }
    return total;
}
