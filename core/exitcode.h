/* The process exit codes, documented in --help and stresswsl(1). Which of 0, 1, 5 and 130 a run or
 * `analyze` ends with is decided by the verdict (report/verdict.h), nowhere else. */
#ifndef SW_EXITCODE_H
#define SW_EXITCODE_H

enum sw_exit {
    SW_EXIT_OK = 0,          /* the run completed and found nothing wrong                   */
    SW_EXIT_UNSTABLE = 1,    /* instability detected: verification error, crash, kernel event */
    SW_EXIT_USAGE = 2,       /* bad usage or bad input (options, profiles, sizes)            */
    SW_EXIT_CANNOT_RUN = 3,  /* the environment does not allow the run (permissions, data)   */
    SW_EXIT_INTERNAL = 4,    /* a bug in stresswsl itself                                    */
    SW_EXIT_LIMIT = 5,       /* no instability, but a configuration limit was hit (out of memory) */
    SW_EXIT_INTERRUPTED = 130 /* interrupted with nothing found                               */
};

#endif
