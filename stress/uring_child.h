/* The child side of the `io_uring` workload: one short-lived process with rings that hold requests
 * of several kinds in flight (polls on a pipe and an eventfd that never fire, a multishot poll,
 * reads forced to the io-wq workers with IOSQE_ASYNC on registered files into registered buffers,
 * linked timeouts, a long timeout), and that meanwhile completes batches whose every completion is
 * checked (user_data as submitted, result as the operation must give). It then ends as told: exits
 * or closes its rings with everything pending, waits until it is killed, or exits from one thread
 * while another sits in io_uring_enter. Results go to a slot of memory shared with the worker. */
#ifndef SW_URING_CHILD_H
#define SW_URING_CHILD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sw_uring_end {
    SW_URING_END_EXIT,      /* _exit with every ring open and requests pending          */
    SW_URING_END_CLOSE,     /* io_uring_queue_exit each ring with requests pending, exit */
    SW_URING_END_THREAD,    /* exit_group while another thread waits in io_uring_enter  */
    SW_URING_END_KILLED,    /* wait in io_uring_enter until the worker SIGKILLs it      */
    SW_URING_END_COUNT
};

#define SW_URING_CODE_NORING 2    /* a ring could not be set up or a submit was refused: resources */

struct sw_uring_slot {
    atomic_uint rings_up;        /* rings set up                                              */
    atomic_uint pending;         /* requests in flight when it began to end                   */
    atomic_uint_fast64_t completions;   /* completions checked and good                       */
    atomic_uint bad;             /* completions that were wrong                               */
    int err;                     /* errno of a refused setup or submit                        */
    uint64_t bad_user_data, bad_want, bad_got;   /* the first wrong completion                 */
    char bad_what[24];           /* its kind: "nop", "read-fixed", ...                        */
};

struct sw_uring_plan {
    unsigned rings;              /* 1 .. 4                                                    */
    unsigned life_us;            /* how long it runs batches before ending                    */
    enum sw_uring_end end;
    int code;                    /* exit status for EXIT / CLOSE / THREAD                     */
    bool inject;                 /* change one completion's result in the CQ ring (selftest)   */
    uint64_t seed;
    struct sw_uring_slot *slot;
};

/* Once in the worker before the first child: notes the signals the worker changed (a child resets
 * only those) and runs one small ring's life so that the children find every function bound. */
void sw_uring_child_prepare(void);
/* Runs in the forked child; never returns. */
void sw_uring_child(const struct sw_uring_plan *p) __attribute__((noreturn));
/* Whether io_uring can run here with what the child needs; false with why (one line). */
bool sw_uring_supported(char *why, size_t len);

#endif
