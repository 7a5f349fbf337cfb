/* The stop kinds of a threaded worker (stress/mt): at the deadline a verification in progress runs to
 * its end (a fault in what a thread holds is still found); on an interruption (the runner's stop word)
 * it ends at once, also when the interruption comes while the threads finish. */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "stress/mt.h"
#include "tests/harness/check.h"

#define MS 1000000ull

static atomic_uint stop_word;

struct probe {
    uint64_t interrupt_after_ms;   /* thread 0 sets the runner's stop word this long after the start; 0: never */
    uint64_t verify_ms;            /* how long the "verification" after the stop would take              */
    bool verifying_at_stop;        /* sw_mt_verifying() right after sw_mt_going() turned false           */
    uint64_t verified_ms;          /* how long it really went on                                        */
};

static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

static int probe_thread(struct sw_mt_thread *t, void *arg)
{
    struct probe *p = arg;
    uint64_t t0 = sw_now_mono_ns();
    bool sent = false;
    while (sw_mt_going(t)) {
        if (t->idx == 0 && p->interrupt_after_ms && !sent && sw_now_mono_ns() - t0 >= p->interrupt_after_ms * MS) {
            atomic_store(&stop_word, 1);
            sent = true;
        }
        nap();
    }
    if (t->idx != 0)
        return SW_WL_OK;
    p->verifying_at_stop = sw_mt_verifying(t);
    uint64_t v0 = sw_now_mono_ns();
    while (sw_mt_verifying(t) && sw_now_mono_ns() - v0 < p->verify_ms * MS) {
        if (p->interrupt_after_ms && !sent && sw_now_mono_ns() - t0 >= p->interrupt_after_ms * MS) {
            atomic_store(&stop_word, 1);
            sent = true;
        }
        sw_mt_count(t, 0, 8);
        nap();
    }
    p->verified_ms = (sw_now_mono_ns() - v0) / MS;
    return SW_WL_OK;
}

static void run_probe(uint64_t deadline_ms, struct probe *p)
{
    struct sw_ctx c;
    memset(&c, 0, sizeof c);
    atomic_store(&stop_word, 0);
    c.stop = &stop_word;
    c.deadline_ns = sw_now_mono_ns() + deadline_ms * MS;
    CHECK_INT(sw_mt_run(&c, 2, probe_thread, p, "test"), SW_WL_OK);
}

static void deadline_lets_verification_finish(void)
{
    struct probe p = {.verify_ms = 300};
    run_probe(20, &p);
    CHECK(p.verifying_at_stop);
    CHECK_MSG(p.verified_ms >= 300, "verification cut after %llu ms", (unsigned long long)p.verified_ms);
}

static void interruption_stops_verification(void)
{
    struct probe p = {.interrupt_after_ms = 20, .verify_ms = 3000};
    run_probe(60000, &p);
    CHECK(!p.verifying_at_stop);
    CHECK_MSG(p.verified_ms < 100, "went on for %llu ms after Ctrl-C", (unsigned long long)p.verified_ms);
}

static void interruption_while_finishing(void)
{
    struct probe p = {.interrupt_after_ms = 150, .verify_ms = 3000};
    run_probe(20, &p);
    CHECK(p.verifying_at_stop);
    CHECK_MSG(p.verified_ms >= 100 && p.verified_ms < 1000, "verified for %llu ms: Ctrl-C at 150 ms not honoured",
              (unsigned long long)p.verified_ms);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"deadline_lets_verification_finish", deadline_lets_verification_finish},
        {"interruption_stops_verification", interruption_stops_verification},
        {"interruption_while_finishing", interruption_while_finishing},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
