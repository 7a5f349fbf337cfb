/* A tiny test harness: CHECK records a failure and goes on; sw_test_main runs the cases and prints
 * the closing line "N passed, N failed" that CI reads. A test that cannot run here (fixtures absent)
 * calls SW_SKIP, which exits 77 (ctest's SKIP_RETURN_CODE). */
#ifndef SW_TEST_CHECK_H
#define SW_TEST_CHECK_H

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

#define SW_SKIP(...)                                                                              \
    do {                                                                                          \
        printf("SKIP: ");                                                                         \
        printf(__VA_ARGS__);                                                                      \
        printf("\n");                                                                             \
        exit(77);                                                                                 \
    } while (0)

struct sw_test_case {
    const char *name;
    void (*fn)(void);
};

/* Runs every case; a case passes when it adds no failed CHECK. Returns the process exit code. */
int sw_test_main(int argc, char **argv, const struct sw_test_case *cases);
/* The fixtures directory joined with rel; SW_SKIPs the whole test binary if it does not exist. */
const char *sw_test_fixture(const char *rel);

#endif
