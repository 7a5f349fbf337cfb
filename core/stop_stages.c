/* The wind-down's stages (see core/stop_stages.h): pure decisions on a caller's clock. */
#include "core/stop_stages.h"

bool sw_stop_begin(struct sw_stop *s, uint64_t now)
{
    if (s->stage != SW_STOP_NONE)
        return false;
    s->t0 = s->first = now;
    s->stage = SW_STOP_ASKED;
    return true;
}

bool sw_stop_interrupt(struct sw_stop *s, uint64_t now)
{
    if (!s->interrupted) {
        s->interrupted = true;
        s->first_signal = now;
        if (s->stage == SW_STOP_NONE) {
            s->t0 = s->first = now;
            s->stage = SW_STOP_ASKED;
        }
        return true;
    }
    /* A second Ctrl-C: no more patience. One sooner is the same request delivered twice (the
     * terminal's SIGINT also forwarded by timeout, sudo or make). */
    if (now - s->first_signal >= SW_STOP_SIGNAL_SAME_NS)
        s->kill_now = true;
    return false;
}

bool sw_stop_waits_for_finishers(const struct sw_stop *s, uint64_t now)
{
    return !s->interrupted && s->stage == SW_STOP_ASKED && now < s->first + SW_STOP_FINISH_MAX_NS;
}

void sw_stop_heartbeat(struct sw_stop *s, uint64_t now)
{
    if (sw_stop_waits_for_finishers(s, now))
        s->t0 = now;
}

/* At a deadline a worker may be blocked on a child whose result it must still verify (a busy machine
 * makes that slow): it gets more time than on Ctrl-C, capped by the finishing limit. */
uint64_t sw_stop_due(const struct sw_stop *s, uint64_t stage_ns)
{
    if (s->interrupted)
        return s->t0 + stage_ns;
    uint64_t due = s->t0 + stage_ns + SW_STOP_DEADLINE_EXTRA_NS;
    uint64_t cap = s->first + SW_STOP_FINISH_MAX_NS + stage_ns - SW_STOP_TERM_NS;
    return due < cap ? due : cap;
}

unsigned sw_stop_step(struct sw_stop *s, uint64_t now, uint64_t *next)
{
    unsigned act = 0;
    if (s->kill_now && s->stage < SW_STOP_KILL_SENT) {
        act |= SW_STOP_DO_KILL_ALL;
        s->stage = SW_STOP_KILL_SENT;
    }
    if (s->stage == SW_STOP_ASKED && now >= sw_stop_due(s, SW_STOP_TERM_NS)) {
        act |= SW_STOP_DO_TERM;
        s->stage = SW_STOP_TERM_SENT;
    }
    if (s->stage == SW_STOP_TERM_SENT && now >= sw_stop_due(s, SW_STOP_KILL_NS)) {
        act |= SW_STOP_DO_KILL;
        s->stage = SW_STOP_KILL_SENT;
    }
    if (s->stage == SW_STOP_ASKED)
        *next = sw_stop_due(s, SW_STOP_TERM_NS);
    else if (s->stage == SW_STOP_TERM_SENT)
        *next = sw_stop_due(s, SW_STOP_KILL_NS);
    else
        *next = now + SW_STOP_POLL_NS;
    return act;
}

bool sw_stop_gave_up(const struct sw_stop *s, uint64_t now)
{
    return now >= sw_stop_due(s, SW_STOP_GIVEUP_NS);
}

void sw_stop_end(struct sw_stop *s)
{
    s->stage = SW_STOP_NONE;
    s->t0 = 0;
    s->kill_now = false;
}
