/* Whether this program can run itself again as `stresswsl __child ...`: what compile's jobs and
 * execve's children need (the `supported` hook of those workloads, core/workload.h). */
#ifndef SW_SELF_EXEC_H
#define SW_SELF_EXEC_H

#include <stdbool.h>
#include <stddef.h>

/* path is a regular executable file whose name fits a worker's self_exe; false with why naming the
 * problem otherwise. */
bool sw_can_exec_path(const char *path, char *why, size_t len);
/* The same for the running program (/proc/self/exe). */
bool sw_can_exec_self(char *why, size_t len);
/* The pipe such children report through: only the write end survives their exec (they are told its
 * number), the read end is non-blocking for the worker's polls. Sets both and returns 0, or -errno
 * with neither set. */
int sw_child_report_pipe(int *rfd, int *wfd);

#endif
