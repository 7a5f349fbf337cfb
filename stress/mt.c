/* The reporter loop for workloads that run threads (see stress/mt.h). */
#include "stress/mt.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fmt.h"

#define SW_MT_TICK_NS 1000000L        /* reporter wake-up: well under the 10 ms stop budget */
#define SW_MT_NOTE_NS 1000000000ull   /* at most one back-off note per second             */
#define SW_MT_STACK (512u * 1024u)

static struct sw_mt_msg *claim(struct sw_mt_thread *t)
{
    unsigned h = atomic_load_explicit(&t->head, memory_order_relaxed);
    unsigned tl = atomic_load_explicit(&t->tail, memory_order_acquire);
    if (h - tl >= SW_MT_QCAP)
        return NULL;
    return &t->q[h % SW_MT_QCAP];
}

static void publish(struct sw_mt_thread *t)
{
    atomic_store_explicit(&t->head, atomic_load_explicit(&t->head, memory_order_relaxed) + 1, memory_order_release);
}

bool sw_mt_push_fault(struct sw_mt_thread *t, const struct sw_mem_fault *f)
{
    struct sw_mt_msg *m = claim(t);
    if (!m) {
        sw_mt_unlisted(t, 1);
        return false;
    }
    m->is_fault = true;
    m->f = *f;
    sw_strlcpy(m->pattern, f->pattern ? f->pattern : "", sizeof m->pattern);
    m->f.pattern = NULL;   /* re-pointed by the reader into its own copy */
    sw_strlcpy(m->text, f->detail ? f->detail : "", sizeof m->text);
    m->f.detail = f->detail ? m->text : NULL;
    publish(t);
    return true;
}

bool sw_mt_push_note(struct sw_mt_thread *t, enum sw_ev_type type, enum sw_sev sev, const char *text)
{
    struct sw_mt_msg *m = claim(t);
    if (!m)
        return false;
    m->is_fault = false;
    m->type = type;
    m->sev = sev;
    sw_strlcpy(m->text, text, sizeof m->text);
    publish(t);
    return true;
}

static void drain(struct sw_ctx *c, struct sw_mt *mt)
{
    for (unsigned i = 0; i < mt->n; i++) {
        struct sw_mt_thread *t = &mt->t[i];
        unsigned tl = atomic_load_explicit(&t->tail, memory_order_relaxed);
        unsigned h = atomic_load_explicit(&t->head, memory_order_acquire);
        for (; tl != h; tl++) {
            struct sw_mt_msg *m = &t->q[tl % SW_MT_QCAP];
            if (m->is_fault) {
                struct sw_mem_fault f = m->f;
                f.pattern = m->pattern;
                f.detail = f.detail ? m->text : NULL;
                sw_report_mem_fault(c, &f);
            } else {
                sw_report_note(c, m->type, m->sev, m->text);
            }
            atomic_store_explicit(&t->tail, tl + 1, memory_order_release);
        }
    }
}

struct totals {
    uint64_t ops, bytes, unlisted, resource;
};

static struct totals sum(const struct sw_mt *mt)
{
    struct totals s = {0, 0, 0, 0};
    for (unsigned i = 0; i < mt->n; i++) {
        s.ops += atomic_load_explicit(&mt->t[i].ops, memory_order_relaxed);
        s.bytes += atomic_load_explicit(&mt->t[i].bytes, memory_order_relaxed);
        s.unlisted += atomic_load_explicit(&mt->t[i].unlisted, memory_order_relaxed);
        s.resource += atomic_load_explicit(&mt->t[i].resource, memory_order_relaxed);
    }
    return s;
}

static void *thread_main(void *arg)
{
    struct sw_mt_thread *t = arg;
    while (!atomic_load_explicit(&t->mt->gate, memory_order_acquire))
        sched_yield();
    t->rc = t->mt->fn(t, t->mt->arg);
    return NULL;
}

static void stop_all(struct sw_mt *mt, unsigned how)
{
    pthread_mutex_lock(&mt->bm);
    atomic_store(&mt->stop, how);
    pthread_cond_broadcast(&mt->bc);
    pthread_mutex_unlock(&mt->bm);
}

bool sw_mt_barrier(struct sw_mt_thread *t)
{
    struct sw_mt *mt = t->mt;
    pthread_mutex_lock(&mt->bm);
    if (atomic_load(&mt->stop)) {
        pthread_mutex_unlock(&mt->bm);
        return false;
    }
    uint64_t gen = mt->bgen;
    if (++mt->bcount == mt->n) {
        mt->bcount = 0;
        mt->bgen++;
        pthread_cond_broadcast(&mt->bc);
        pthread_mutex_unlock(&mt->bm);
        return true;
    }
    while (mt->bgen == gen && !atomic_load(&mt->stop))
        pthread_cond_wait(&mt->bc, &mt->bm);
    bool ok = mt->bgen != gen;
    pthread_mutex_unlock(&mt->bm);
    return ok;
}

static void note_resource(struct sw_ctx *c, const struct sw_mt *mt, uint64_t count)
{
    char text[SW_EV_TEXT];
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, mt->resource_what ? mt->resource_what : "resource back-off");
    sw_fmt_str(&f, ": ");
    sw_fmt_u64(&f, count);
    sw_fmt_str(&f, " so far; backing off (not a machine fault)");
    sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, text);
}

int sw_mt_run(struct sw_ctx *c, unsigned n, int (*fn)(struct sw_mt_thread *self, void *arg), void *arg,
              const char *resource_what)
{
    if (n < 1)
        n = 1;
    if (n > SW_MT_MAX_THREADS)
        n = SW_MT_MAX_THREADS;
    struct sw_mt mt;
    memset(&mt, 0, sizeof mt);
    mt.fn = fn;
    mt.arg = arg;
    mt.resource_what = resource_what;
    void *mem = NULL;
    if (posix_memalign(&mem, 128, sizeof(struct sw_mt_thread) * n) != 0) {
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "no memory for the worker's thread table");
        return SW_WL_NORESOURCE;
    }
    mt.t = mem;
    memset(mt.t, 0, sizeof(struct sw_mt_thread) * n);
    pthread_mutex_init(&mt.bm, NULL);
    pthread_cond_init(&mt.bc, NULL);

    /* Asynchronous signals go to the reporting thread, which owns the stop logic. */
    sigset_t block, old;
    sigemptyset(&block);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGCHLD, SIGUSR1, SIGUSR2, SIGPIPE};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&block, sigs[i]);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, SW_MT_STACK);
    unsigned started = 0;
    for (unsigned i = 0; i < n; i++) {
        mt.t[i].mt = &mt;
        mt.t[i].idx = i;
        if (pthread_create(&mt.t[i].tid, &attr, thread_main, &mt.t[i]) != 0)
            break;
        started++;
    }
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    mt.n = started;
    atomic_store_explicit(&mt.gate, 1, memory_order_release);
    if (started == 0) {
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, "could not start any thread (pthread_create failed)");
        pthread_mutex_destroy(&mt.bm);
        pthread_cond_destroy(&mt.bc);
        free(mem);
        return SW_WL_NORESOURCE;
    }
    if (started < n) {
        char text[SW_EV_TEXT];
        struct sw_fmt f;
        sw_fmt_init(&f, text, sizeof text);
        sw_fmt_str(&f, "started ");
        sw_fmt_u64(&f, started);
        sw_fmt_str(&f, " of ");
        sw_fmt_u64(&f, n);
        sw_fmt_str(&f, " threads: the system refused more");
        sw_report_note(c, SW_EV_RESOURCE, SW_SEV_WARN, text);
    }

    /* The reporter: runs until every thread has returned. */
    struct totals seen = {0, 0, 0, 0};
    uint64_t last_note_ns = 0, noted = 0;
    bool stopping = false;
    for (;;) {
        unsigned running = 0;
        for (unsigned i = 0; i < started; i++) {
            if (!mt.t[i].joined && pthread_tryjoin_np(mt.t[i].tid, NULL) == 0)
                mt.t[i].joined = true;
            running += !mt.t[i].joined;
        }
        drain(c, &mt);
        struct totals now = sum(&mt);
        c->errors += now.unlisted - seen.unlisted;
        sw_progress(c, now.ops - seen.ops, now.bytes - seen.bytes);
        if (now.resource != noted && sw_now_mono_ns() - last_note_ns >= SW_MT_NOTE_NS) {
            note_resource(c, &mt, now.resource);
            noted = now.resource;
            last_note_ns = sw_now_mono_ns();
        }
        seen = now;
        if (running == 0)
            break;
        bool interrupted = c->stop && atomic_load_explicit(c->stop, memory_order_relaxed);
        if (!stopping && !sw_keep_going(c)) {
            stopping = true;
            stop_all(&mt, interrupted ? SW_MT_STOP_NOW : SW_MT_FINISH);
        } else if (stopping && interrupted && atomic_load(&mt.stop) != SW_MT_STOP_NOW) {
            stop_all(&mt, SW_MT_STOP_NOW);   /* Ctrl-C while finishing */
        }
        struct timespec ts = {0, SW_MT_TICK_NS};
        nanosleep(&ts, NULL);
    }
    int rc = SW_WL_OK;
    for (unsigned i = 0; i < started; i++)
        if (mt.t[i].rc != SW_WL_OK && rc == SW_WL_OK)
            rc = mt.t[i].rc;
    if (c->slot)   /* the last counts, not the ones of up to 2 ms ago */
        sw_slot_publish(c->slot, c->ops, c->bytes, c->errors, -1);
    pthread_mutex_destroy(&mt.bm);
    pthread_cond_destroy(&mt.bc);
    free(mem);
    return rc;
}

unsigned sw_mt_threads_param(const struct sw_params *p, unsigned id, unsigned ctx_threads)
{
    int64_t n = sw_param_int(p, id);
    if (n <= 0)
        n = ctx_threads ? ctx_threads : 1;
    return n > SW_MT_MAX_THREADS ? SW_MT_MAX_THREADS : (unsigned)n;
}
