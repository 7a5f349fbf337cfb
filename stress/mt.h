/* Threads inside one worker process. The hot-path report API (core/workload.h) is single-producer:
 * one event ring, one set of counters per worker. So the worker's own thread becomes the reporter:
 * it starts N threads, then every millisecond drains their lock-free fault queues into
 * sw_report_*, publishes their summed counters with sw_progress, polls sw_keep_going and tells the
 * threads to stop. Threads never call sw_report_* or sw_progress themselves. */
#ifndef SW_MT_H
#define SW_MT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "core/workload.h"

#define SW_MT_MAX_THREADS 256
#define SW_MT_QCAP 64   /* queued messages per thread; a full queue counts the error and drops the text */

struct sw_mt;

struct sw_mt_msg {
    bool is_fault;                /* a memory fault (f) or a note (type, sev, text)  */
    struct sw_mem_fault f;        /* pattern and detail point into the fields below  */
    enum sw_ev_type type;
    enum sw_sev sev;
    char pattern[40];
    char text[SW_EV_TEXT];
};

struct sw_mt_thread {
    _Alignas(128) atomic_uint_fast64_t ops, bytes;   /* running totals, written by the thread only */
    atomic_uint_fast64_t unlisted;   /* errors found but not queued as events (bounded lists)          */
    atomic_uint_fast64_t resource;   /* ENOMEM/EAGAIN back-offs                                        */
    _Alignas(128) atomic_uint head;  /* queue producer (the thread)                                   */
    _Alignas(128) atomic_uint tail;  /* queue consumer (the reporter)                                  */
    struct sw_mt_msg q[SW_MT_QCAP];
    struct sw_mt *mt;
    unsigned idx;                    /* 0 .. n-1                                                       */
    int rc;                          /* what fn returned                                               */
    pthread_t tid;
    bool joined;
};

/* Values of sw_mt.stop. */
enum { SW_MT_RUNNING = 0, SW_MT_FINISH = 1 /* the deadline */, SW_MT_STOP_NOW = 2 /* interrupted */ };

struct sw_mt {
    atomic_uint stop;                /* SW_MT_*                                                   */
    atomic_uint gate;                /* threads wait here until all are created: n is then final */
    unsigned n;                      /* threads running                                          */
    struct sw_mt_thread *t;
    int (*fn)(struct sw_mt_thread *self, void *arg);
    void *arg;
    const char *resource_what;       /* note text prefix for back-offs, e.g. "heap: ENOMEM"     */
    pthread_mutex_t bm;
    pthread_cond_t bc;
    unsigned bcount;
    uint64_t bgen;
};

/* Runs fn(thread, arg) on n threads (fewer if the system refuses some: noted) while the caller
 * reports for them; returns when all have returned: SW_WL_OK, the first non-zero fn result, or
 * SW_WL_NORESOURCE if no thread could start. resource_what names what the `resource` counters count. */
int sw_mt_run(struct sw_ctx *c, unsigned n, int (*fn)(struct sw_mt_thread *self, void *arg), void *arg,
              const char *resource_what);

static inline bool sw_mt_going(const struct sw_mt_thread *t)
{
    return atomic_load_explicit(&t->mt->stop, memory_order_relaxed) == SW_MT_RUNNING;
}

/* For a loop that verifies data already written: true until an interruption. At the deadline a
 * verification in progress completes, so a fault in what the thread holds is still found (the runner
 * waits while the worker publishes); Ctrl-C stops it at once. */
static inline bool sw_mt_verifying(const struct sw_mt_thread *t)
{
    return atomic_load_explicit(&t->mt->stop, memory_order_relaxed) < SW_MT_STOP_NOW;
}

/* Adds to the thread's running totals (ops in the workload's unit, bytes verified). */
static inline void sw_mt_count(struct sw_mt_thread *t, uint64_t ops, uint64_t bytes)
{
    atomic_store_explicit(&t->ops, atomic_load_explicit(&t->ops, memory_order_relaxed) + ops, memory_order_relaxed);
    atomic_store_explicit(&t->bytes, atomic_load_explicit(&t->bytes, memory_order_relaxed) + bytes,
                          memory_order_relaxed);
}

/* Queues a fault (copied; strings truncated) or a note for the reporter. Lock-free, no allocation.
 * Returns false when the queue is full: the fault is still counted as an error. */
bool sw_mt_push_fault(struct sw_mt_thread *t, const struct sw_mem_fault *f);
bool sw_mt_push_note(struct sw_mt_thread *t, enum sw_ev_type type, enum sw_sev sev, const char *text);
/* Errors found but not listed (bounded lists): counted exactly, reported as a number. */
static inline void sw_mt_unlisted(struct sw_mt_thread *t, uint64_t n)
{
    atomic_fetch_add_explicit(&t->unlisted, n, memory_order_relaxed);
}

/* Waits for all threads. Returns false (at once) when the run is stopping: callers then return. */
bool sw_mt_barrier(struct sw_mt_thread *t);

/* A workload's threads parameter (id in its table): <= 0 means the worker's share (ctx_threads, at least 1); capped
 * at SW_MT_MAX_THREADS. */
unsigned sw_mt_threads_param(const struct sw_params *p, unsigned id, unsigned ctx_threads);

#endif
