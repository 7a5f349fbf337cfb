/* The `memory` workload in-process (tests/harness/wl_harness.h), small and short: clean runs find
 * nothing and count their work; an injected bit flip is found once, in the right pattern, inside the
 * buffer, as a single flipped bit with the value the pattern wrote. */
#include <stdlib.h>
#include <string.h>

#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

#define MIB (1ull << 20)

static struct sw_wlh_result res;   /* large: keep it off the stack */

/* The start note names the buffer: "memory: 32.0 MiB at 0xLO-0xHI, ...". */
static bool buffer_range(const struct sw_wlh_result *r, uint64_t *lo, uint64_t *hi)
{
    for (int i = 0; i < r->n_events; i++) {
        const char *t = r->events[i].text;
        const char *at = strstr(t, " at 0x");
        if (r->events[i].type != SW_EV_NOTE || strncmp(t, "memory: ", 8) != 0 || !at)
            continue;
        char *end;
        *lo = strtoull(at + 4, &end, 16);
        if (*end != '-')
            return false;
        *hi = strtoull(end + 1, &end, 16);
        return *hi > *lo;
    }
    return false;
}

static const struct sw_event *first_mem_error(const struct sw_wlh_result *r)
{
    for (int i = 0; i < r->n_events; i++)
        if (r->events[i].type == SW_EV_MEM_ERROR)
            return &r->events[i];
    return NULL;
}

static void clean_run(const char *threads, unsigned ms)
{
    const char *params[] = {"size=32M", threads, NULL};
    CHECK(sw_wlh_run("memory", params, ms, 64 * MIB, 0, &res) == 0);
    CHECK_MSG(res.rc == SW_WL_OK, "rc %d (%s)", res.rc, res.diag);
    CHECK_INT(res.errors, 0);
    CHECK_INT(sw_wlh_count(&res, SW_EV_MEM_ERROR), 0);
    CHECK(res.ops > 0 && res.bytes > 0);
    CHECK(res.bytes == res.ops * 8);   /* ops are 8-byte words */
    uint64_t lo = 0, hi = 0;
    CHECK(buffer_range(&res, &lo, &hi) && hi - lo <= 32 * MIB && hi - lo >= 31 * MIB);
    /* the report says which vectors, which stores and which page size the test used */
    bool said_pages = false, said_isa = false;
    for (int i = 0; i < res.n_events; i++) {
        const char *t = res.events[i].text;
        said_pages |= strncmp(t, "memory: populated by ", 21) == 0 && strstr(t, "; pages: ") != NULL;
        said_isa |= strncmp(t, "memory: ", 8) == 0 && strstr(t, " vectors, ") != NULL && strstr(t, " fills (") != NULL;
    }
    CHECK(said_pages && said_isa);
    printf("  memory %s: %.2f GB/s verified over %u ms (%llu MiB)\n", threads,
           (double)res.bytes / ((double)ms * 1e6), ms, (unsigned long long)(res.bytes >> 20));
}

static void clean_two_threads(void)
{
    clean_run("threads=2", 1000);
}

static void clean_one_thread(void)
{
    clean_run("threads=1", 500);
}

/* One flip behind the verifier's back, in the first pattern after address. */
static void injected(const char *patterns, const char *want_what)
{
    /* small, so a round gets to the pattern well within the time even on a busy machine */
    const char *params[] = {"size=4M", "threads=2", patterns, NULL};
    CHECK(sw_wlh_run("memory", params, 1000, 64 * MIB, SW_INJ_BITFLIP, &res) == 0);
    CHECK_MSG(res.rc == SW_WL_OK, "rc %d", res.rc);
    CHECK_MSG(res.errors == 1, "%s: %llu errors, want exactly the injected one", patterns,
              (unsigned long long)res.errors);
    CHECK_INT(sw_wlh_count(&res, SW_EV_MEM_ERROR), 1);
    const struct sw_event *e = first_mem_error(&res);
    uint64_t lo = 0, hi = 0;
    CHECK(buffer_range(&res, &lo, &hi));
    if (!e)
        return;
    printf("  %s: %s\n", patterns, e->text);
    CHECK_STR(e->what, want_what);
    CHECK_INT(e->sev, SW_SEV_ERROR);
    CHECK_MSG(e->u.mem.vaddr >= lo && e->u.mem.vaddr < hi, "vaddr %llx outside %llx-%llx",
              (unsigned long long)e->u.mem.vaddr, (unsigned long long)lo, (unsigned long long)hi);
    CHECK(e->u.mem.vaddr % 8 == 0);
    uint64_t flipped = e->u.mem.expected ^ e->u.mem.actual;
    CHECK_MSG(__builtin_popcountll(flipped) == 1, "flipped bits %llx", (unsigned long long)flipped);
    CHECK(flipped == 1ull << (12345 % 64));   /* the harness seed chooses the bit */
    CHECK(e->u.mem.width == 8);
    CHECK(e->u.mem.flags & SW_MEM_PERSISTENT);        /* the flip is really in memory */
    CHECK(!(e->u.mem.flags & SW_MEM_BLOCK));
    CHECK(e->u.mem.reread == e->u.mem.actual);
    CHECK(e->cpu >= 0);
    CHECK(strstr(e->text, want_what) != NULL);
}

static void inject_checkerboard(void)
{
    injected("patterns=checkerboard", "checkerboard");
    const struct sw_event *e = first_mem_error(&res);
    if (e)
        CHECK(e->u.mem.expected == 0x5555555555555555ull || e->u.mem.expected == 0xaaaaaaaaaaaaaaaaull);
}

/* With every pattern (the default) the flip goes into the first pass, the address pass: a busy
 * machine may not get further in a short run, and the fault must still be planted and found. */
static void inject_all(void)
{
    injected("patterns=all", "address");
}

static void inject_moving_inversions(void)
{
    injected("patterns=moving-inversions", "moving-inversions");
}

static void inject_block_copy(void)
{
    injected("patterns=block-copy", "block-copy");
}

static void inject_random(void)
{
    injected("patterns=random,walking-zeros", "walking-zeros");
}

/* A failing address pass says so and skips the rest of its round. */
static void inject_address(void)
{
    injected("patterns=address", "address");
    int skipped = 0;
    for (int i = 0; i < res.n_events; i++)
        skipped += res.events[i].type == SW_EV_NOTE && strstr(res.events[i].text, "address-in-address failed");
    CHECK_INT(skipped, 1);
}

/* A whole block of another pattern's data is one addressing-fault event, not 512 bit errors. */
static void injected_block(const char *patterns, const char *want_what)
{
    const char *params[] = {"size=4M", "threads=2", patterns, NULL};
    CHECK(sw_wlh_run("memory", params, 1000, 64 * MIB, SW_INJ_CORRUPT, &res) == 0);
    CHECK_INT(res.rc, SW_WL_OK);
    CHECK_MSG(res.errors == 1, "%s: %llu errors, want one block event", patterns, (unsigned long long)res.errors);
    CHECK_INT(sw_wlh_count(&res, SW_EV_MEM_ERROR), 1);
    const struct sw_event *e = first_mem_error(&res);
    uint64_t lo = 0, hi = 0;
    CHECK(buffer_range(&res, &lo, &hi));
    if (!e)
        return;
    printf("  %s: %s\n", patterns, e->text);
    CHECK_STR(e->what, want_what);
    CHECK(e->u.mem.flags & SW_MEM_BLOCK);
    CHECK(e->u.mem.flags & SW_MEM_PERSISTENT);
    CHECK(e->u.mem.vaddr >= lo && e->u.mem.vaddr < hi && e->u.mem.vaddr % 4096 == 0);
    CHECK(e->u.mem.actual == 1ull << 5);   /* walking-ones step 5 data */
    CHECK(strstr(e->text, "addressing fault") && strstr(e->text, "walking-ones step 5"));
}

static void inject_block_checkerboard(void)
{
    injected_block("patterns=checkerboard", "checkerboard");
}

static void inject_block_copy_dst(void)
{
    injected_block("patterns=block-copy", "block-copy");
}

static void bad_pattern_name(void)
{
    const char *params[] = {"patterns=solid,bogus", NULL};
    CHECK(sw_wlh_run("memory", params, 100, 16 * MIB, 0, &res) == 0);
    CHECK_INT(res.rc, SW_WL_HARNESS);
    CHECK(res.n_events >= 1 && strstr(res.events[0].text, "'bogus'"));
}

/* size= is never above the budget. */
static void size_capped_by_budget(void)
{
    const char *params[] = {"size=256M", "threads=2", NULL};
    CHECK(sw_wlh_run("memory", params, 200, 24 * MIB, 0, &res) == 0);
    CHECK_INT(res.rc, SW_WL_OK);
    uint64_t lo = 0, hi = 0;
    CHECK(buffer_range(&res, &lo, &hi) && hi - lo <= 24 * MIB);
    CHECK_INT(res.errors, 0);
    CHECK(sw_wlh_count(&res, SW_EV_RESOURCE) >= 1);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"clean run, 2 threads", clean_two_threads},
        {"clean run, 1 thread (copies between halves)", clean_one_thread},
        {"injected flip: checkerboard", inject_checkerboard},
        {"injected flip: all (address first)", inject_all},
        {"injected flip: moving inversions", inject_moving_inversions},
        {"injected flip: block copy", inject_block_copy},
        {"injected flip: walking zeros", inject_random},
        {"injected flip: address gates the round", inject_address},
        {"injected foreign block: checkerboard", inject_block_checkerboard},
        {"injected foreign block: block copy", inject_block_copy_dst},
        {"bad pattern name", bad_pattern_name},
        {"size capped by the budget", size_capped_by_budget},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
