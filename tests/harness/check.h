/* A tiny test harness: CHECK records a failure and goes on; sw_test_main runs the cases and prints
 * the closing line "N passed, N failed, N skipped". A case that cannot run here calls SW_SKIP: that
 * case is skipped and the others still run. The binary exits 1 on any failure, 77 (ctest's
 * SKIP_RETURN_CODE) only when every case was skipped, else 0. A missing fixture (sw_test_fixture)
 * skips its case, or fails it when the build requires fixtures (STRESSWSL_REQUIRE_FIXTURES, on in CI). */
#ifndef SW_TEST_CHECK_H
#define SW_TEST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int sw_test_failed_checks;
extern const char *sw_test_fixtures;   /* argv[1] if given: the fixtures directory */

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);              \
            sw_test_failed_checks++;                                                              \
        }                                                                                         \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                      \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);              \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
            sw_test_failed_checks++;                                                              \
        }                                                                                         \
    } while (0)

#define CHECK_STR(a, b) CHECK_MSG(strcmp((a), (b)) == 0, "'%s' != '%s'", (a), (b))
#define CHECK_INT(a, b)                                                                           \
    CHECK_MSG((long long)(a) == (long long)(b), "%lld != %lld", (long long)(a), (long long)(b))

/* Skips the running case (or, outside any case, the whole binary: exit 77). Does not return. */
#define SW_SKIP(...) sw_test_skip(__VA_ARGS__)
void sw_test_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* A fixture the case needs is missing: skips it, or fails it when fixtures are required. */
void sw_test_missing_fixture(const char *path) __attribute__((noreturn));
/* True when this build turns a missing fixture into a failure. */
bool sw_test_fixtures_required(void);

struct sw_test_case {
    const char *name;
    void (*fn)(void);
};

/* Runs every case (argv[2], if given, names the only one to run); returns the process exit code. */
int sw_test_main(int argc, char **argv, const struct sw_test_case *cases);
/* The fixtures directory joined with rel; a missing directory or file is sw_test_missing_fixture. */
const char *sw_test_fixture(const char *rel);
/* Where tests put temporary files: $TMPDIR, or /tmp when it is unset. Every test goes through this. */
const char *sw_test_tmproot(void);
/* A fresh private directory under sw_test_tmproot(), named after prefix: "sw-runner" ->
 * "$TMPDIR/sw-runner-XXXXXX". Fills buf (cap bytes) and returns it; SW_SKIPs if none can be made. */
char *sw_test_tmpdir(char *buf, size_t cap, const char *prefix);
/* The same for a file (mkstemp): returns its open fd, or -1. */
int sw_test_tmpfile(char *buf, size_t cap, const char *prefix);

#endif
