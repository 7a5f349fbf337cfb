/* The stop stages of a wind-down, as a state machine on a clock the caller passes in: ask the workers
 * to stop (the stop word), then SIGTERM their groups, then SIGKILL, then give up on what is left
 * (unkillable, state D). On Ctrl-C each stage comes after a fixed delay from the request; at a
 * deadline a worker still verifying what it holds (it keeps publishing heartbeats) restarts the
 * cooperative stage, for STOP_FINISH_MAX at most, and a silent one gets a little longer than on
 * Ctrl-C. A second signal well after the first means "no more patience": SIGKILL at once. The
 * machine only decides; the runner sends the signals (core/runner.c), the tests drive it with a fake
 * clock and with real forked children. */
#ifndef SW_STOP_STAGES_H
#define SW_STOP_STAGES_H

#include <stdbool.h>
#include <stdint.h>

#define SW_STOP_MS 1000000ull
#define SW_STOP_TERM_NS (500 * SW_STOP_MS)           /* cooperative stop first, then SIGTERM ...       */
#define SW_STOP_KILL_NS (800 * SW_STOP_MS)           /* ... then SIGKILL                               */
#define SW_STOP_GIVEUP_NS (1500 * SW_STOP_MS)        /* anything left now is unkillable (state D)      */
#define SW_STOP_FINISH_MAX_NS (10000 * SW_STOP_MS)   /* at a deadline, workers still verifying get this */
#define SW_STOP_DEADLINE_EXTRA_NS (1500 * SW_STOP_MS) /* ... and a silent one this much more than Ctrl-C */
#define SW_STOP_SIGNAL_SAME_NS (250 * SW_STOP_MS)    /* a second signal this soon is the first forwarded */
#define SW_STOP_POLL_NS (100 * SW_STOP_MS)           /* how often to look again once nothing is due    */

enum sw_stop_stage {
    SW_STOP_NONE = 0,     /* running                                       */
    SW_STOP_ASKED,        /* the stop word is set: workers stop themselves */
    SW_STOP_TERM_SENT,    /* SIGTERM went to the groups still alive        */
    SW_STOP_KILL_SENT     /* SIGKILL went to them                          */
};

/* What sw_stop_step asks the caller to do now (a mask, acted on in this order). */
enum {
    SW_STOP_DO_KILL_ALL = 1u,   /* second signal: SIGKILL everything, monitors and orphans included */
    SW_STOP_DO_TERM = 2u,       /* SIGTERM the groups being stopped                                 */
    SW_STOP_DO_KILL = 4u        /* SIGKILL them                                                     */
};

struct sw_stop {
    enum sw_stop_stage stage;
    bool interrupted;         /* a stop signal came: the run ends after this wind-down  */
    bool kill_now;            /* a second signal came                                   */
    uint64_t t0;              /* the cooperative stage's (re)start                      */
    uint64_t first;           /* when this wind-down began                              */
    uint64_t first_signal;    /* when the first stop signal came                        */
};

/* A deadline: starts a wind-down at now unless one is already under way. Returns true if it started. */
bool sw_stop_begin(struct sw_stop *s, uint64_t now);
/* A stop signal (SIGINT, SIGTERM, SIGHUP). Returns true for the first one, which starts a wind-down if
 * none is under way; a later one at least SW_STOP_SIGNAL_SAME_NS after it sets kill_now. */
bool sw_stop_interrupt(struct sw_stop *s, uint64_t now);
/* Whether a worker's heartbeat still extends the cooperative stage (deadline, not yet TERM, under the cap). */
bool sw_stop_waits_for_finishers(const struct sw_stop *s, uint64_t now);
/* A worker published during the cooperative stage: it is finishing, wait from now. */
void sw_stop_heartbeat(struct sw_stop *s, uint64_t now);
/* When the stage that comes stage_ns after the cooperative start is due. */
uint64_t sw_stop_due(const struct sw_stop *s, uint64_t stage_ns);
/* Advances the stages due at now; returns the SW_STOP_DO_* mask and *next when to call again. */
unsigned sw_stop_step(struct sw_stop *s, uint64_t now, uint64_t *next);
/* Whether what is still alive at now is to be reported as unkillable and left behind. */
bool sw_stop_gave_up(const struct sw_stop *s, uint64_t now);
/* The wind-down is over (everything reaped or given up): back to running, interrupted stays. */
void sw_stop_end(struct sw_stop *s);

#endif
