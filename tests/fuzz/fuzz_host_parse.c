/* Every parser of Windows host output (probes/host_parse.c) on the same text: cmd /c ver, wsl
 * --version, reg query, WMI firmware, event logs (guest crash and WHEA), the wsl-crashes listing and
 * .wslconfig. */
#include <stdlib.h>

#include "probes/host_parse.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = sw_fuzz_cstr(data, size);
    char out[64], type[32], val[256];
    sw_host_parse_ver(text, out, sizeof out);
    sw_host_parse_reg(text, "CurrentBuild", type, sizeof type, val, sizeof val);
    sw_host_parse_reg(text, "", type, sizeof type, val, sizeof val);
    static const int crash_ids[] = {18590, 0}, whea_ids[] = {17, 18, 19, 47, 0};
    json_t *j[] = {
        sw_host_parse_wsl_version(text),
        sw_host_parse_firmware(text),
        sw_host_parse_events(text, crash_ids, true, 0, 0),
        sw_host_parse_events(text, whea_ids, false, 1, UINT64_MAX),
        sw_host_parse_events(text, whea_ids, false, 1700000000000000000ull, 1800000000000000000ull),
        sw_host_parse_crash_list(text, 0, 0),
        sw_host_parse_crash_list(text, 1700000000000000000ull, 1800000000000000000ull),
        sw_host_parse_wslconfig(text),
    };
    for (size_t i = 0; i < sizeof j / sizeof j[0]; i++) {
        char *s = j[i] ? json_dumps(j[i], JSON_ENCODE_ANY) : NULL;
        free(s);
        json_decref(j[i]);
    }
    free(text);
    return 0;
}
