/* The shared anonymous arena: created by the runner before any fork, inherited by every worker.
 * - one slot per worker: counters written only by that worker (no atomics RMW, no locks), read by
 *   the runner under a sequence counter;
 * - one single-producer/single-consumer event ring per worker: the worker pushes, the runner drains;
 *   a full ring drops and counts, it never blocks;
 * - a header with the stop word every worker polls.
 * Nothing here allocates after creation, so workers may report from any context, including a
 * signal handler. */
#ifndef SW_ARENA_H
#define SW_ARENA_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "lock-free 64-bit atomics are needed across processes");

enum sw_slot_state { SW_SLOT_IDLE = 0, SW_SLOT_RUNNING, SW_SLOT_DONE };

/* 128-byte alignment: Intel's spatial prefetcher pairs 64-byte lines, so neighbours on one
 * 128-byte pair would still share traffic. */
struct sw_slot {
    _Alignas(128) atomic_uint_fast64_t seq;  /* odd while the worker updates the fields below */
    atomic_uint_fast64_t ops;          /* verified operations (the workload's unit)           */
    atomic_uint_fast64_t bytes;        /* bytes verified or moved                             */
    atomic_uint_fast64_t errors;       /* errors detected: exact even when ring records drop  */
    atomic_uint_fast64_t progress_ns;  /* CLOCK_MONOTONIC of the last update: a heartbeat     */
    atomic_int state;                  /* enum sw_slot_state                                  */
    atomic_int pid;
    atomic_int cpu_now;                /* last sched_getcpu() the worker reported             */
    atomic_uint ring_dropped;          /* events lost to a full ring                          */
    /* last_fault: written only by the worker's fatal-signal handler (core/crashsig), read by the
     * runner after the worker died, so the event can name the address, IP and CPU. */
    atomic_uint fault_count;           /* times the handler ran                               */
    atomic_int fault_signo, fault_code, fault_cpu;
    atomic_int fault_sender;           /* pid that sent it, when si_code <= 0 (not a fault)   */
    atomic_uint_fast64_t fault_addr, fault_ip;
};

struct sw_ring {
    _Alignas(128) atomic_uint_fast64_t head;   /* producer writes */
    _Alignas(128) atomic_uint_fast64_t tail;   /* consumer writes */
    _Alignas(128) uint32_t mask;               /* capacity - 1     */
    struct sw_event ev[];
};

struct sw_arena_hdr {
    _Alignas(128) atomic_uint stop;   /* non-zero: every worker finishes within ~10 ms */
    atomic_uint phase;
    uint32_t nslots, ring_cap;
    size_t ring_stride;
};

struct sw_arena {
    struct sw_arena_hdr *hdr;
    struct sw_slot *slots;
    unsigned char *rings;   /* nslots rings of hdr->ring_stride bytes each */
    void *base;
    size_t len;
};

/* Creates the arena for nslots workers, each with a ring of ring_cap events (rounded up to a power
 * of two). Returns 0 or -errno. */
int sw_arena_create(struct sw_arena *a, unsigned nslots, unsigned ring_cap);
void sw_arena_destroy(struct sw_arena *a);
struct sw_ring *sw_arena_ring(const struct sw_arena *a, unsigned i);

/* Producer side (the worker): never blocks or allocates; returns false (and counts) when full. */
bool sw_ring_push(struct sw_ring *r, struct sw_slot *s, const struct sw_event *ev);
/* Consumer side (the runner): copies at most max events out; returns how many. */
size_t sw_ring_drain(struct sw_ring *r, struct sw_event *out, size_t max);

/* Slot writer: publish counters (absolute values) under the sequence counter. */
void sw_slot_publish(struct sw_slot *s, uint64_t ops, uint64_t bytes, uint64_t errors, int cpu);

struct sw_slot_snapshot {
    uint64_t ops, bytes, errors, progress_ns;
    int state, pid, cpu_now;
    unsigned ring_dropped;
};
/* Slot reader: a consistent snapshot (retries while the writer is mid-update). */
void sw_slot_read(const struct sw_slot *s, struct sw_slot_snapshot *out);

uint64_t sw_now_mono_ns(void);
uint64_t sw_now_real_ns(void);

#endif
