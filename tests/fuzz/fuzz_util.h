/* Shared by the libFuzzer targets: the fuzz input as a NUL-terminated string, and as a file path
 * (a memfd: parsers that take a path read it without touching the disk). */
#ifndef SW_FUZZ_UTIL_H
#define SW_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* malloc'd copy of data with a NUL after it. */
char *sw_fuzz_cstr(const uint8_t *data, size_t size);
/* A memfd holding data; its "/proc/self/fd/N" path in path. Returns the fd (close it) or -1. */
int sw_fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t cap);
/* A fresh directory under base (or /tmp), removed with everything in it when the process exits.
 * Aborts if it cannot be made. */
const char *sw_fuzz_tempdir(const char *base, const char *prefix);
/* Writes len bytes to dir/name (seed generation). */
void sw_fuzz_write_seed(const char *dir, const char *name, const void *data, size_t len);

#endif
