#include "tests/harness/check.h"

#include <sys/stat.h>

int sw_test_failed_checks;
const char *sw_test_fixtures;

int sw_test_main(int argc, char **argv, const struct sw_test_case *cases)
{
    int passed = 0, failed = 0;
    const char *only = NULL;
    if (argc > 1)
        sw_test_fixtures = argv[1];
    if (argc > 2)
        only = argv[2];
    for (const struct sw_test_case *c = cases; c->name; c++) {
        if (only && strcmp(only, c->name) != 0)
            continue;
        int before = sw_test_failed_checks;
        c->fn();
        if (sw_test_failed_checks == before) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL: %s\n", c->name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

const char *sw_test_fixture(const char *rel)
{
    static char path[4096];
    struct stat st;
    if (!sw_test_fixtures || stat(sw_test_fixtures, &st) != 0)
        SW_SKIP("fixtures directory not found (set -DSTRESSWSL_FIXTURES=...)");
    snprintf(path, sizeof path, "%s/%s", sw_test_fixtures, rel);
    return path;
}
