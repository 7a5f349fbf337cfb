/* Forking a worker or monitor the runner can always stop and reap: the child gets its own process
 * group (set on both sides of fork, so neither order races), a parent-death SIGKILL checked against
 * the runner's pid right after it is armed, a clean signal mask and default dispositions (signalfd
 * blocks signals in the runner, and the mask is inherited), and no inherited fds except those kept. */
#ifndef SW_SPAWN_H
#define SW_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/diag.h"

struct sw_spawn_req {
    int (*body)(void *arg);   /* the child's work; its return is the exit status (via _exit) */
    void *arg;
    const int *keep_fds;      /* fds the child keeps besides 0, 1, 2                         */
    int nkeep;
    pid_t runner_pid;         /* getpid() of the runner, for the parent-death check          */
};

/* Returns the child's pid (also its process group id), or -errno with d set. */
pid_t sw_spawn(const struct sw_spawn_req *r, struct sw_diag *d);
/* Whether process group pgid still has a member that is not a zombie. A zombie is dead: it only
 * waits to be collected, and kill(-pgid, 0) alone would count it as a survivor. */
bool sw_group_live(pid_t pgid);
/* In a child: resets the signal mask and every catchable signal to SIG_DFL (SIGPIPE too); after
 * sw_spawn_note_signals() in the parent, only the signals noted there. */
void sw_spawn_reset_signals(void);
/* Notes the signals whose disposition this process changed, once before it forks many children:
 * sw_spawn_reset_signals() in those children then resets only these (a few system calls instead of
 * 64 per child). A handler installed after the note would not be reset: note after installing. */
void sw_spawn_note_signals(void);

#endif
