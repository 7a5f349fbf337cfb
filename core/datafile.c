#include "core/datafile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SW_DATADIR
#define SW_DATADIR "/usr/local/share/stresswsl"
#endif
#ifndef SW_SOURCE_DIR
#define SW_SOURCE_DIR ""
#endif

static void add(char dirs[][SW_DATA_PATH], int max, int *n, const char *a, const char *b, const char *c)
{
    if (*n < max && snprintf(dirs[*n], SW_DATA_PATH, "%s%s%s", a, b, c) < SW_DATA_PATH)
        (*n)++;
}

int sw_data_candidates(const char *kind, const char *env_dir, char dirs[][SW_DATA_PATH], int max)
{
    int n = 0;
    if (env_dir && *env_dir)
        add(dirs, max, &n, env_dir, "", "");
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = len > 0 ? memrchr(exe, '/', (size_t)len) : NULL;
    if (slash) {
        *slash = '\0';
        add(dirs, max, &n, exe, "/../share/stresswsl/", kind);
    }
    if (*SW_SOURCE_DIR)
        add(dirs, max, &n, SW_SOURCE_DIR, "/", kind);
    add(dirs, max, &n, SW_DATADIR, "/", kind);
    return n;
}

int sw_data_dirs(const char *kind, const char *env_dir, char dirs[][SW_DATA_PATH], int max)
{
    char cand[SW_DATA_MAX_DIRS][SW_DATA_PATH];
    int nc = sw_data_candidates(kind, env_dir, cand, SW_DATA_MAX_DIRS), n = 0;
    for (int i = 0; i < nc && n < max; i++) {
        struct stat st;
        char real[PATH_MAX];
        if (stat(cand[i], &st) != 0 || !S_ISDIR(st.st_mode) || !realpath(cand[i], real) ||
            strlen(real) >= SW_DATA_PATH)
            continue;
        int seen = 0;
        for (int k = 0; k < n && !seen; k++)
            seen = !strcmp(dirs[k], real);
        if (!seen)
            memcpy(dirs[n++], real, strlen(real) + 1);
    }
    return n;
}

int sw_data_find(const char *kind, const char *env_dir, const char *name, char *path, size_t cap, char *searched,
                 size_t searched_cap)
{
    char dirs[SW_DATA_MAX_DIRS][SW_DATA_PATH];
    int n = sw_data_dirs(kind, env_dir, dirs, SW_DATA_MAX_DIRS);
    for (int i = 0; i < n; i++) {
        struct stat st;
        if ((size_t)snprintf(path, cap, "%s/%s", dirs[i], name) < cap && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            return 0;
    }
    if (searched && searched_cap) {
        int nc = sw_data_candidates(kind, env_dir, dirs, SW_DATA_MAX_DIRS);
        size_t off = 0;
        searched[0] = '\0';
        for (int i = 0; i < nc && off < searched_cap; i++)
            off += (size_t)snprintf(searched + off, searched_cap - off, "%s%s", i ? ", " : "", dirs[i]);
    }
    if (cap)
        path[0] = '\0';
    return -ENOENT;
}
