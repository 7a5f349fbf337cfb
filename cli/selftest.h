/* `stresswsl selftest`: the table of cases (a workload and a fault injected behind its verifier's
 * back) and the judge that reads a run's report.json and decides whether the detector worked. The
 * judge is pure (a JSON object in, a verdict out) so tests can feed it doctored reports. */
#ifndef SW_SELFTEST_H
#define SW_SELFTEST_H

#include <jansson.h>
#include <stdbool.h>

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

/* The injection cases in run order; *n gets the count. */
const struct sw_selftest_case *sw_selftest_cases(int *n);
/* The workloads that have cases, in order ("memory", "heap", ...); *n gets the count. */
const char *const *sw_selftest_workloads(int *n);
/* "bitflip" for SW_INJ_BITFLIP, ... ; "clean" for 0. */
const char *sw_selftest_fault_name(unsigned inject);

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
