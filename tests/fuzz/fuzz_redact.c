/* Redaction (report/redact.c) as bundle uses it: learn from the data, replace in it as text, and
 * redact a binary copy in place; known names added first as bundle does. The input is passed with
 * its length (no NUL added), in a buffer of exactly that size, so reading past it is caught. */
#include <stdlib.h>
#include <string.h>

#include "report/redact.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_redactor *r = sw_redactor_new();
    if (!r)
        return 0;
    char *text = malloc(size ? size : 1);
    memcpy(text, data, size);
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
    sw_redact_learn(r, text, size);
    size_t out_len = 0;
    char *out = sw_redact_text(r, text, size, &out_len);
    free(out);
    sw_redact_bytes(r, (unsigned char *)text, size);
    json_t *sum = sw_redact_summary(r);
    json_decref(sum);
    sw_redactor_free(r);
    free(text);
    return 0;
}
