/* compare's readers (report/compare.c): two report sets split at the first NUL byte (each a report
 * object or an array of them), compared with and without the rules and written as text and Markdown;
 * and the whole input through the file loader. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/compare.h"
#include "report/rules.h"
#include "tests/fuzz/fuzz_util.h"

static json_t *rules;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct sw_diag d = {0};
    rules = sw_rules_load_default(&d);   /* NULL is fine: compare then judges without them */
    devnull = fopen("/dev/null", "w");
    return 0;
}

static json_t *as_set(json_t *j)
{
    if (json_is_array(j))
        return j;
    json_t *a = json_array();
    if (j)
        json_array_append_new(a, j);
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0, size);
    size_t n1 = sep ? (size_t)(sep - data) : size;
    json_error_t je;
    json_t *before = as_set(json_loadb((const char *)data, n1, 0, &je));
    json_t *after = sep ? as_set(json_loadb((const char *)sep + 1, size - n1 - 1, 0, &je)) : json_incref(before);
    for (int with_rules = 0; with_rules < 2; with_rules++) {
        struct sw_diag d = {0};
        json_t *cmp = sw_compare(before, after, with_rules ? rules : NULL, &d);
        if (cmp) {
            sw_compare_write_text(cmp, devnull, &d);
            sw_compare_write_markdown(cmp, devnull, &d);
            sw_compare_exit_code(cmp);
            json_decref(cmp);
        }
    }
    json_decref(before);
    json_decref(after);

    char path[64];
    int fd = sw_fuzz_memfile(data, size, path, sizeof path);
    if (fd >= 0) {
        json_t *set = json_array();
        struct sw_diag d = {0};
        sw_compare_load_path(path, set, &d);
        json_decref(set);
        close(fd);
    }
    return 0;
}
