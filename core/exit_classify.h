/* The exit classifier: a pure function from how a worker ended (its wait status, what its crash handler
 * left in its slot, whether the runner's own stop stages sent the signal) to the words the report
 * shows for its exit and the events the run records. No I/O, no allocation: the runner calls it
 * right after reaping, and the table in tests/unit/test_exit_classify.c pins every case. */
#ifndef SW_EXIT_CLASSIFY_H
#define SW_EXIT_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/event.h"

/* What core/crashsig's handler recorded in the worker's slot (count 0: the handler never ran). */
struct sw_exit_fault {
    unsigned count;
    int signo, code, cpu, sender;
    uint64_t addr, ip;
};

struct sw_exit_input {
    int wstatus;              /* as waitpid returned it                                     */
    bool stopped_by_us;       /* the wind-down had sent SIGTERM or SIGKILL to its group     */
    struct sw_exit_fault fault;
    int cpu_last;             /* the last CPU the worker published                          */
    /* who it was, for the events */
    int worker, workload_id, phase, mem_node;
    pid_t pid;
    const char *name;         /* the workload's name                                        */
    uint64_t t_ns;            /* the events' time (CLOCK_REALTIME)                          */
};

#define SW_EXIT_MAX_EVENTS 2
struct sw_exit_outcome {
    char desc[40];            /* "ok", "status 3", "signal SIGSEGV": worker_results[].exit  */
    int nev;                  /* events to record, in order, each synced to the journal     */
    struct sw_event ev[SW_EXIT_MAX_EVENTS];
};

void sw_exit_classify(const struct sw_exit_input *in, struct sw_exit_outcome *out);
/* A signal that means the process itself faulted (as opposed to being told to stop). */
bool sw_exit_is_fault_signal(int signo);

#endif
