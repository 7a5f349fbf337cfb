/* `stresswsl selftest`: the cases (a workload and a fault injected behind its verifier's back), made
 * from what each workload declares it honours (sw_workload.injects), and the judge that reads a run's
 * report.json and decides whether the detector worked. The judge is pure (a JSON object in, a verdict
 * out) so tests can feed it doctored reports. */
#ifndef SW_SELFTEST_H
#define SW_SELFTEST_H

#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"
#include "core/workload.h"

/* A clean case and one case per injection kind, for each workload. */
#define SW_SELFTEST_MAX_CASES 64

struct sw_selftest_case {
    const char *workload;     /* "memory"                                                       */
    unsigned inject;          /* enum sw_inject bit; 0 = a clean run that must find nothing     */
    const char *fault;        /* "bitflip", "corrupt", "segv", "wrong"; "clean"                 */
    const char *what;         /* the fault in words, for the case line                          */
    unsigned want_types;      /* 1u << enum sw_ev_type: event types that count as detection     */
    int want_signo;           /* > 0: the event must carry this signal                         */
    bool need_cpu;            /* the event must name the CPU (cpu >= 0)                        */
    bool need_addr;           /* a mem_error must carry a user-space address                    */
    bool one_bit;             /* a mem_error's flipped_bits must have exactly one bit set       */
};

/* The cases for the workloads wls[0..nwl-1] in run order: first a clean case for each (a detector
 * that fires on a healthy run is broken too), then one case for each injection bit each declares,
 * lowest bit first. What counts as detection comes from the injection kind. Returns the count (at
 * most cap). */
int sw_selftest_build(const struct sw_workload *const *wls, int nwl, struct sw_selftest_case *out, int cap);
/* "bitflip" for SW_INJ_BITFLIP, ... ; "clean" for 0. */
const char *sw_selftest_fault_name(unsigned inject);
/* Sets the light sizes the selftest's one-second cases use on p (wl's defaults otherwise). 0, or
 * -EINVAL when a size names a parameter wl does not have (a renamed parameter must not go unseen). */
int sw_selftest_tune(const struct sw_workload *wl, struct sw_params *p, struct sw_diag *d);

struct sw_selftest_verdict {
    bool pass;
    int matched;              /* error events that prove the detection (injection cases)        */
    int error_events;         /* error/fatal events in the report                               */
    long long ops;            /* the workload's operations: 0 means it never got to work        */
    char detail[512];         /* what was found, or why it failed: one line                      */
};

/* Judges one run of case c from its report (as read back from report.json) and the exit code the
 * runner returned. A clean case (c->inject == 0) passes with exit 0, ops > 0 and no error event; an
 * injection case passes with exit 1 and at least one error event of a wanted type that names the
 * case's workload, a worker of its plan and (when known) that worker's planned CPU, with every other
 * error event attributed as well. */
void sw_selftest_judge(const struct sw_selftest_case *c, const json_t *report, int exit_code,
                       struct sw_selftest_verdict *v);

#endif
