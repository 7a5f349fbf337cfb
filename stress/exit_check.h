/* The exec'd end of the exit workload's exec-from-thread family: after a non-main thread execve()s,
 * the kernel must have killed every sibling and given the exec'ing thread the process id. Checked
 * by `stresswsl __child exit PID CODE` and, far cheaper, by the tiny stresswsl-exec-child helper
 * (`stresswsl-exec-child exit PID CODE`: no dynamic loading, so an exec costs what the kernel costs).
 * Freestanding C like stress/execve_gen.c: no libc, no allocation; the caller reads its pid and its
 * /proc/self/status. */
#ifndef SW_EXIT_CHECK_H
#define SW_EXIT_CHECK_H

#define SW_EXIT_CODE_MISMATCH 3   /* the exec'd program saw siblings alive or a different pid */
#define SW_EXIT_CHECK_MODE "exit" /* the helper's argv[1] for this check                       */

/* True when argv is the helper's exit check: {prog, "exit", PID, CODE}. */
int sw_exit_check_mode(int argc, char *const *argv);
/* The exit code: CODE (0..255) when self_pid is PID and status (the text of /proc/self/status, or
 * NULL when unreadable) says "Threads:\t1"; else SW_EXIT_CODE_MISMATCH. */
int sw_exit_check(const char *pid_arg, const char *code_arg, long self_pid, const char *status);

/* Reads /proc/self/status from fd through read_fn (read(2) or a raw syscall) and keeps its
 * "\nThreads:" line in line (cap >= 64), the text sw_exit_check needs: streamed through a small window,
 * because lines before it can be long (a Groups line of thousands of groups). Returns 0, or -1 when
 * there is no such line. */
int sw_exit_threads_line(long fd, long (*read_fn)(long fd, char *buf, long n), char *line, unsigned cap);

/* The same for this process, with libc (stress/exit_check_self.c; not in the no-libc helper). */
int sw_exit_check_self(const char *pid_arg, const char *code_arg);

#endif
