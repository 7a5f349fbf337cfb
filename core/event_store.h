/* The run's event store: every event the run records goes through here, in one order. It numbers
 * them, counts the errors, appends them to the journal (an error durably at once when asked), keeps
 * the first cap for the report (the journal has them all), and tells a live observer. It also drains
 * the workers' and monitors' rings: one fdatasync per batch that held an error. Recording never
 * allocates, blocks on a lock or prints: the list is allocated once by sw_event_store_init. */
#ifndef SW_EVENT_STORE_H
#define SW_EVENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/event.h"
#include "core/journal.h"

#define SW_EVENT_STORE_DRAIN 256   /* events copied out of a ring per pass */

struct sw_event_store {
    struct sw_event *ev;       /* the first cap events, for the report            */
    size_t n, cap;
    uint64_t dropped;          /* recorded past cap (still in the journal)         */
    uint64_t next_seq;         /* the last sequence number given                   */
    unsigned error_events;     /* severity error or fatal                          */
    struct sw_journal *journal;   /* NULL while none is open                       */
    void (*on_event)(void *arg, const struct sw_event *ev);   /* may be NULL; must not allocate */
    void *on_event_arg;
    struct sw_event drain_buf[SW_EVENT_STORE_DRAIN];
};

/* Allocates room for cap events. Returns 0 or -ENOMEM (the store then keeps none, still counts). */
int sw_event_store_init(struct sw_event_store *s, size_t cap);
void sw_event_store_free(struct sw_event_store *s);
/* Numbers ev (ev->seq, ev->crc cleared) and records it; sync_now: an error is on disk on return. */
void sw_event_store_record(struct sw_event_store *s, struct sw_event *ev, bool sync_now);
/* Records everything waiting in rings 0..nslots-1 of the arena, slot by slot; if any of it was an
 * error, syncs the journal (and its mirror) once. Returns how many events it recorded. */
size_t sw_event_store_drain(struct sw_event_store *s, const struct sw_arena *a, unsigned nslots);

#endif
