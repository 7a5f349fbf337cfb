/* The child side of the `exit` workload: how one "family" (a forked process, its threads, and for
 * some kinds a grandchild) ends. Each kind ends one way the kernel's exit path must handle while
 * other tasks run; the worker (stress/wl_exit.c) knows the status each must end with. */
#ifndef SW_EXIT_FAMILY_H
#define SW_EXIT_FAMILY_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "stress/exit_check.h"   /* SW_EXIT_CODE_MISMATCH: the exec'd program saw siblings or another pid */

enum sw_exit_kind {
    SW_EXIT_MAIN_FIRST,   /* main thread pthread_exit()s while the others run; one of them exit()s */
    SW_EXIT_GROUP,        /* exit_group() while the other threads sit in system calls               */
    SW_EXIT_EXEC_THREAD,  /* a non-main thread execve()s: the kernel must kill the siblings          */
    SW_EXIT_VFORK,        /* a vfork child _exit()s (the worker vforks it itself)                    */
    SW_EXIT_ORPHAN,       /* the family exits at once; its grandchild, re-parented, exits later      */
    SW_EXIT_KILLED,       /* threads in system calls, the worker SIGKILLs the family                 */
    SW_EXIT_KIND_COUNT
};

#define SW_EXIT_CODE_CANNOT 2     /* the family could not make its threads or grandchild: resources */
#define SW_EXIT_CODE_NOEXEC 4     /* execve failed for another reason than resources                 */

/* Shared (MAP_SHARED) between the worker and one family: where an orphan's grandchild is recorded. */
struct sw_exit_slot {
    atomic_int gpid;   /* 0: not (yet) recorded; -1: the worker has it on its books already */
};

struct sw_exit_plan {
    enum sw_exit_kind kind;
    int code;                 /* the family's exit status (what it really uses: injection changes it) */
    int gcode;                /* the grandchild's (orphan)                                           */
    unsigned threads;         /* besides the main thread                                             */
    unsigned delay_us;        /* how long the tasks run before the ending                             */
    int park_fd;              /* the read end of a pipe nobody writes: threads block reading it     */
    const char *self_exe;     /* for SW_EXIT_EXEC_THREAD: stresswsl, run as `__child exit PID CODE`  */
    const char *helper;       /* ... or, when installed, stresswsl-exec-child run as `exit PID CODE` */
    struct sw_exit_slot *slot;
};

/* Once in the worker before the first family: notes the signals whose disposition it changed (a
 * family resets only those) and binds the library functions the families call, so that no family
 * pays the dynamic linker's lookups. Creates and joins one short thread. */
void sw_exit_family_prepare(void);
/* Runs in the forked family process; never returns. */
void sw_exit_family(const struct sw_exit_plan *p) __attribute__((noreturn));
/* `stresswsl __child exit PID CODE`: the program a thread exec'd. Exits (_exit) with CODE when it
 * runs as PID with a single thread, else with SW_EXIT_CODE_MISMATCH. */
int sw_exit_exec_main(int argc, char **argv) __attribute__((noreturn));

#endif
