#include "tests/harness/check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <sys/stat.h>

#ifndef SW_REQUIRE_FIXTURES
#define SW_REQUIRE_FIXTURES 0
#endif

int sw_test_failed_checks;
const char *sw_test_fixtures;

static jmp_buf case_exit;
static bool in_case;

enum { CASE_SKIPPED = 1, CASE_FAILED = 2 };

bool sw_test_fixtures_required(void)
{
    return SW_REQUIRE_FIXTURES != 0;
}

void sw_test_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("SKIP: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (in_case)
        longjmp(case_exit, CASE_SKIPPED);
    exit(77);
}

void sw_test_missing_fixture(const char *path)
{
    if (!sw_test_fixtures_required())
        sw_test_skip("fixture missing: %s (set -DSTRESSWSL_FIXTURES=...)", path);
    fprintf(stderr, "FAIL: fixture missing: %s (this build requires fixtures: STRESSWSL_REQUIRE_FIXTURES)\n", path);
    sw_test_failed_checks++;
    if (in_case)
        longjmp(case_exit, CASE_FAILED);
    exit(1);
}

/* Runs one case; SW_SKIP and a required missing fixture come back here: 0 ran, else CASE_*. */
static int run_one(void (*fn)(void))
{
    in_case = true;
    int how = setjmp(case_exit);
    if (how == 0)
        fn();
    in_case = false;
    return how;
}

int sw_test_main(int argc, char **argv, const struct sw_test_case *cases)
{
    int passed = 0, failed = 0, skipped = 0;
    const char *only = NULL;
    if (argc > 1)
        sw_test_fixtures = argv[1];
    if (argc > 2)
        only = argv[2];
    for (const struct sw_test_case *c = cases; c->name; c++) {
        if (only && strcmp(only, c->name) != 0)
            continue;
        int before = sw_test_failed_checks;
        int how = run_one(c->fn);
        fflush(stdout);
        if (how == CASE_SKIPPED && sw_test_failed_checks == before) {
            skipped++;
            printf("skipped: %s\n", c->name);
        } else if (sw_test_failed_checks == before) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL: %s\n", c->name);
        }
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    if (failed)
        return 1;
    return passed == 0 && skipped > 0 ? 77 : 0;
}

const char *sw_test_fixture(const char *rel)
{
    static char path[4096];
    struct stat st;
    if (!sw_test_fixtures || stat(sw_test_fixtures, &st) != 0)
        sw_test_missing_fixture(sw_test_fixtures ? sw_test_fixtures : "(no fixtures directory given)");
    snprintf(path, sizeof path, "%s/%s", sw_test_fixtures, rel);
    if (stat(path, &st) != 0)
        sw_test_missing_fixture(path);
    return path;
}

const char *sw_test_tmproot(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

int sw_test_tmpfile(char *buf, size_t cap, const char *prefix)
{
    snprintf(buf, cap, "%s/%s-XXXXXX", sw_test_tmproot(), prefix);
    return mkstemp(buf);
}

char *sw_test_tmpdir(char *buf, size_t cap, const char *prefix)
{
    snprintf(buf, cap, "%s/%s-XXXXXX", sw_test_tmproot(), prefix);
    if (!mkdtemp(buf))
        sw_test_skip("cannot create a temporary directory %s (set TMPDIR to a writable directory)", buf);
    return buf;
}
