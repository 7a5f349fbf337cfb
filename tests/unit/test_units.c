#include "core/units.h"
#include "tests/harness/check.h"

static void durations(void)
{
    uint64_t ms = 0;
    struct sw_diag d;
    CHECK(sw_parse_duration_ms("90s", &ms, &d) == 0 && ms == 90000);
    CHECK(sw_parse_duration_ms("10m", &ms, &d) == 0 && ms == 600000);
    CHECK(sw_parse_duration_ms("2h", &ms, &d) == 0 && ms == 7200000);
    CHECK(sw_parse_duration_ms("1h30m", &ms, &d) == 0 && ms == 5400000);
    CHECK(sw_parse_duration_ms("45", &ms, &d) == 0 && ms == 45000);
    CHECK(sw_parse_duration_ms("250ms", &ms, &d) == 0 && ms == 250);
    CHECK(sw_parse_duration_ms("", &ms, &d) < 0);
    CHECK(sw_parse_duration_ms("10x", &ms, &d) < 0);
    CHECK(strstr(d.msg, "10x") != NULL);
    CHECK(sw_parse_duration_ms("-5s", &ms, &d) < 0);
    CHECK(sw_parse_duration_ms("0s", &ms, &d) < 0);
    CHECK(sw_parse_duration_ms("99999d", &ms, &d) < 0);
}

static void sizes(void)
{
    uint64_t b = 0;
    unsigned pct = 0;
    struct sw_diag d;
    CHECK(sw_parse_size("4G", &b, &d) == 0 && b == 4ull << 30);
    CHECK(sw_parse_size("512M", &b, &d) == 0 && b == 512ull << 20);
    CHECK(sw_parse_size("64KiB", &b, &d) == 0 && b == 64ull << 10);
    CHECK(sw_parse_size("1.5G", &b, &d) == 0 && b == 3ull << 29);
    CHECK(sw_parse_size("100", &b, &d) == 0 && b == 100);
    CHECK(sw_parse_size("4Q", &b, &d) < 0);
    CHECK(sw_parse_size("-1G", &b, &d) < 0);
    CHECK(sw_parse_size_or_percent("25%", &b, &pct, &d) == 0 && pct == 25 && b == 0);
    CHECK(sw_parse_size_or_percent("150%", &b, &pct, &d) < 0);
    CHECK(sw_parse_size_or_percent("2G", &b, &pct, &d) == 0 && pct == 0 && b == 2ull << 30);
}

static void formatting(void)
{
    char buf[32];
    CHECK_STR(sw_format_size(1536ull << 20, buf, sizeof buf), "1.5 GiB");
    CHECK_STR(sw_format_duration(3723000, buf, sizeof buf), "1h02m03s");
    CHECK_STR(sw_format_duration(90000, buf, sizeof buf), "1m30s");
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"durations", durations}, {"sizes", sizes}, {"formatting", formatting}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
