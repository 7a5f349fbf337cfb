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
    SW_EXIT_INCONCLUSIVE = 6, /* nothing found, but too little was tested to call it stable  */
    SW_EXIT_INTERRUPTED = 130 /* interrupted with nothing found                               */
};

/* The table as --help prints it (stresswsl(1) and README.md have the same). */
#define SW_EXIT_CODES_HELP                                                                     \
    "exit codes:\n"                                                                            \
    "  0    the run completed, tested enough, and found nothing wrong\n"                        \
    "  1    instability detected (wrong result, crashed worker, kernel error event)\n"          \
    "  2    bad usage or bad input (options, profile, sizes)\n"                                 \
    "  3    the run could not be carried out (environment, permissions, resources)\n"           \
    "  4    an internal error in stresswsl (please report it)\n"                                \
    "  5    no instability, but a configuration limit was hit (out-of-memory kills)\n"          \
    "  6    inconclusive: nothing found, but too little was tested to call the\n"                \
    "       machine stable (a short run, or no work done)\n"                                   \
    "  130  interrupted with nothing found\n"

#endif
