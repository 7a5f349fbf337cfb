#include "core/arena.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static size_t round_up(size_t v, size_t to) { return (v + to - 1) / to * to; }

int sw_arena_create(struct sw_arena *a, unsigned nslots, unsigned ring_cap)
{
    memset(a, 0, sizeof *a);
    if (nslots == 0)
        nslots = 1;
    unsigned cap = 1;
    while (cap < ring_cap)
        cap <<= 1;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t hdr = round_up(sizeof(struct sw_arena_hdr), 128);
    size_t slots = round_up(sizeof(struct sw_slot) * nslots, 128);
    size_t stride = round_up(sizeof(struct sw_ring) + sizeof(struct sw_event) * cap, 128);
    size_t body = round_up(hdr + slots + stride * nslots, page);
    /* A PROT_NONE guard page after the body turns an overrun into a fault, not silent corruption. */
    size_t len = body + page;
    void *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return -errno;
    if (mprotect((char *)base + body, page, PROT_NONE) != 0) {
        int e = errno;
        munmap(base, len);
        return -e;
    }
    a->base = base;
    a->len = len;
    a->hdr = base;
    a->slots = (struct sw_slot *)((char *)base + hdr);
    a->rings = (unsigned char *)base + hdr + slots;
    a->hdr->nslots = nslots;
    a->hdr->ring_cap = cap;
    a->hdr->ring_stride = stride;
    for (unsigned i = 0; i < nslots; i++)
        sw_arena_ring(a, i)->mask = cap - 1;
    return 0;
}

void sw_arena_destroy(struct sw_arena *a)
{
    if (a->base)
        munmap(a->base, a->len);
    memset(a, 0, sizeof *a);
}

struct sw_ring *sw_arena_ring(const struct sw_arena *a, unsigned i)
{
    return (struct sw_ring *)(a->rings + (size_t)i * a->hdr->ring_stride);
}

bool sw_ring_push(struct sw_ring *r, struct sw_slot *s, const struct sw_event *ev)
{
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail > r->mask) {
        if (s)
            atomic_fetch_add_explicit(&s->ring_dropped, 1, memory_order_relaxed);
        return false;
    }
    r->ev[head & r->mask] = *ev;
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return true;
}

size_t sw_ring_drain(struct sw_ring *r, struct sw_event *out, size_t max)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t n = 0;
    while (tail != head && n < max)
        out[n++] = r->ev[tail++ & r->mask];
    atomic_store_explicit(&r->tail, tail, memory_order_release);
    return n;
}

void sw_slot_publish(struct sw_slot *s, uint64_t ops, uint64_t bytes, uint64_t errors, int cpu)
{
    uint64_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
    atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&s->ops, ops, memory_order_relaxed);
    atomic_store_explicit(&s->bytes, bytes, memory_order_relaxed);
    atomic_store_explicit(&s->errors, errors, memory_order_relaxed);
    atomic_store_explicit(&s->cpu_now, cpu, memory_order_relaxed);
    atomic_store_explicit(&s->progress_ns, sw_now_mono_ns(), memory_order_relaxed);
    atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

void sw_slot_read(const struct sw_slot *s, struct sw_slot_snapshot *o)
{
    for (int tries = 0;; tries++) {
        uint64_t a = atomic_load_explicit(&s->seq, memory_order_acquire);
        o->ops = atomic_load_explicit(&s->ops, memory_order_relaxed);
        o->bytes = atomic_load_explicit(&s->bytes, memory_order_relaxed);
        o->errors = atomic_load_explicit(&s->errors, memory_order_relaxed);
        o->progress_ns = atomic_load_explicit(&s->progress_ns, memory_order_relaxed);
        o->cpu_now = atomic_load_explicit(&s->cpu_now, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        uint64_t b = atomic_load_explicit(&s->seq, memory_order_relaxed);
        /* A writer killed mid-update leaves seq odd forever: take the torn values after a few tries
         * rather than spin. */
        if ((a == b && !(a & 1)) || tries > 1000)
            break;
    }
    o->state = atomic_load(&s->state);
    o->pid = atomic_load(&s->pid);
    o->ring_dropped = atomic_load(&s->ring_dropped);
}

uint64_t sw_now_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t sw_now_real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
