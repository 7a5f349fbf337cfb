/* What a child that does not end is doing, read from /proc: its state letter, and for a task in D
 * state (uninterruptible, the state of a kernel hang) its wchan and the top of its kernel stack.
 * For workloads that must say why a child was not reaped in time. Reads /proc only: no allocation. */
#ifndef SW_TASK_PROBE_H
#define SW_TASK_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/workload.h"

/* The state letter of the process (R, S, D, T, Z, ...), the worst over its threads (D first), or 0
 * when it is gone. */
char sw_task_state(pid_t pid);
/* One line: "state D, thread 1234 wchan io_wq_exit_workers, stack: a < b < c" (what is readable). */
void sw_task_describe(pid_t pid, char *out, size_t len);
/* Reports (as an error) a child still there waited_ms after it should have ended: what it was and
 * what it is doing. */
void sw_report_stuck_child(struct sw_ctx *c, const char *what, pid_t pid, uint64_t waited_ms);

/* How long the worker itself was stopped or starved since it last asked (0 when under 100 ms). The
 * runner's duty cycles SIGSTOP a worker's whole group, children included: their deadlines move by
 * that much, or a long pause would look like children that never ended. */
uint64_t sw_paused_ns(uint64_t *last_ns);
/* At the end of a run, n children were SIGKILLed but not gone after waited_ms: a warning note naming
 * the first one's state (a teardown that is slow under load is not yet a hang; a real hang shows in
 * the kernel's hung-task messages, which the kmsg watcher catches, and in the runner's report). */
void sw_note_left_behind(struct sw_ctx *c, const char *what, unsigned n, pid_t first, uint64_t waited_ms);

#endif
