/* The live kernel-log watcher: a runner monitor (core/runner.h) that reads /dev/kmsg while a run is
 * going, classifies each record with probes/kmsg_classify and pushes SW_EV_KERNEL events into its
 * ring. Runs in a forked child: no stdio, no allocation after start, stops within ~100 ms of *stop. */
#ifndef SW_KMSG_MONITOR_H
#define SW_KMSG_MONITOR_H

#include "core/diag.h"
#include "core/runner.h"

/* Pass it in sw_run_opts.monitors. arg is unused (NULL). */
extern const struct sw_monitor sw_kmsg_monitor;

/* In the parent before forking: 0 if /dev/kmsg can be read, else -errno and d says what to do
 * ("cannot read the kernel log: run as root or set kernel.dmesg_restrict=0"). */
int sw_kmsg_monitor_check(void *arg, struct sw_diag *d);
/* The child's body: returns 0 after *io->stop was set, -errno if /dev/kmsg could not be opened. */
int sw_kmsg_monitor_run(struct sw_monitor_io *io, void *arg);

#endif
