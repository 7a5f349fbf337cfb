/* Where the tiny exec'd helper, stresswsl-exec-child, lives: installed in <prefix>/libexec/stresswsl/
 * beside <prefix>/bin (a helper is not a user command), or next to the program in a build tree. The
 * execve workload execs it as its child; the exit workload as the checker of exec-from-thread. */
#ifndef SW_HELPER_PATH_H
#define SW_HELPER_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define SW_HELPER_NAME "stresswsl-exec-child"
#define SW_HELPER_LIBEXEC "../libexec/stresswsl/"   /* relative to the program's directory */
/* Room for the path, given the program's path buffer size. */
#define SW_HELPER_PATH_CAP(self_cap) ((self_cap) + sizeof SW_HELPER_LIBEXEC + sizeof SW_HELPER_NAME)

/* Fills out (cap bytes, at least SW_HELPER_PATH_CAP(strlen(self_exe) + 1)) with the first executable
 * helper path for the program self_exe; false (out holds the last path tried) when there is none. */
bool sw_helper_path(const char *self_exe, char *out, size_t cap);

#endif
