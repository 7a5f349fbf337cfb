#include "stress/helper_path.h"

#include <string.h>
#include <unistd.h>

bool sw_helper_path(const char *self_exe, char *out, size_t cap)
{
    static const char *const where[] = {SW_HELPER_LIBEXEC, ""};
    const char *slash = strrchr(self_exe, '/');
    if (cap)
        out[0] = '\0';
    for (size_t w = 0; slash && w < sizeof where / sizeof where[0]; w++) {
        size_t n = (size_t)(slash - self_exe) + 1, wl = strlen(where[w]);
        if (n + wl + sizeof SW_HELPER_NAME > cap)
            return false;
        memcpy(out, self_exe, n);
        memcpy(out + n, where[w], wl);
        memcpy(out + n + wl, SW_HELPER_NAME, sizeof SW_HELPER_NAME);
        if (access(out, X_OK) == 0)
            return true;
    }
    return false;
}
