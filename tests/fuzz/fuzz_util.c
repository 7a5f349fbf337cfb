#include "tests/fuzz/fuzz_util.h"

#include "core/rundir.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

char *sw_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

int sw_fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t cap)
{
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(fd, data + off, size - off);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    lseek(fd, 0, SEEK_SET);
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

void sw_fuzz_write_seed(const char *dir, const char *name, const void *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, len, f);
    fclose(f);
}

static char tempdir[256];

static void remove_tempdir(void)
{
    if (tempdir[0])
        sw_rundir_remove_tree(tempdir);
}

const char *sw_fuzz_tempdir(const char *base, const char *prefix)
{
    if (!base || base[0] != '/' || strlen(base) > 100)
        base = "/tmp";
    snprintf(tempdir, sizeof tempdir, "%s/%s-XXXXXX", base, prefix);
    if (!mkdtemp(tempdir))
        abort();
    atexit(remove_tempdir);
    return tempdir;
}
