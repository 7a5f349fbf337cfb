/* The worker's fatal-signal recorder: on SIGSEGV/SIGBUS/SIGILL/SIGFPE it stores signo, si_code, the
 * fault address, the instruction pointer and the CPU into the worker's slot (plain stores to shared
 * memory, on an alternate stack), resets the signal to SIG_DFL and returns. A real fault then
 * re-executes and kills the worker the normal way (the kernel still logs it, the runner sees
 * WIFSIGNALED); a fault that does not repeat was transient, and the runner reports it from the slot. */
#ifndef SW_CRASHSIG_H
#define SW_CRASHSIG_H

#include "core/arena.h"

/* In a worker, after fork: installs the handlers for slot. Returns 0 or -errno. */
int sw_crashsig_install(struct sw_slot *slot);

#endif
