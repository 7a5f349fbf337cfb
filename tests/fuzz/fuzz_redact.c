/* Redaction (report/redact.c) as bundle uses it: learn from the text, replace in it, and mask a
 * binary copy of it; known names added first as bundle does. */
#include <stdlib.h>
#include <string.h>

#include "report/redact.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = sw_fuzz_cstr(data, size);
    struct sw_redactor *r = sw_redactor_new();
    if (!r) {
        free(text);
        return 0;
    }
    sw_redact_add(r, SW_REDACT_USER, "alice");
    sw_redact_add(r, SW_REDACT_HOST, "build-box");
    /* the first line is also given as a known value, so odd values are added too */
    const char *nl = memchr(text, '\n', size);
    if (nl && nl - text < 200) {
        char first[200];
        memcpy(first, text, (size_t)(nl - text));
        first[nl - text] = '\0';
        sw_redact_add(r, (enum sw_redact_kind)((unsigned char)first[0] % SW_REDACT_KIND_COUNT), first);
    }
    sw_redact_learn(r, text);
    char *out = sw_redact_text(r, text);
    free(out);
    unsigned char *bin = malloc(size ? size : 1);
    memcpy(bin, data, size);
    sw_redact_mask(r, bin, size);
    free(bin);
    json_t *sum = sw_redact_summary(r);
    json_decref(sum);
    sw_redactor_free(r);
    free(text);
    return 0;
}
