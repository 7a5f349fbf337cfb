/* The `heap` workload in-process, small and short: clean runs verify many blocks and find nothing;
 * one byte corrupted behind the verifier's back is found, inside a block, as a byte-sized change. */
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

#define MIB (1ull << 20)

static struct sw_wlh_result res;

static void clean(const char *max, unsigned ms)
{
    const char *params[] = {"threads=2", max, NULL};
    CHECK(sw_wlh_run("heap", params, ms, 32 * MIB, 0, &res) == 0);
    CHECK_MSG(res.rc == SW_WL_OK, "rc %d (%s)", res.rc, res.diag);
    CHECK_INT(res.errors, 0);
    CHECK_INT(sw_wlh_count(&res, SW_EV_MEM_ERROR), 0);
    CHECK(res.ops >= 10 && res.bytes > 0);   /* no rate asserted: the machine may be busy */
    printf("  heap %s: %.0f allocs/s, %.2f GB/s verified\n", max, (double)res.ops * 1000.0 / ms,
           (double)res.bytes / ((double)ms * 1e6));
}

static void clean_small(void)
{
    clean("max_size=32K", 1000);
}

static void clean_default(void)
{
    clean("max_size=4M", 1000);
}

static void one_thread(void)
{
    const char *params[] = {"threads=1", "max_size=64K", NULL};
    CHECK(sw_wlh_run("heap", params, 300, 32 * MIB, 0, &res) == 0);
    CHECK_INT(res.rc, SW_WL_OK);
    CHECK_INT(res.errors, 0);
    CHECK(res.ops > 0);
}

static void injected(void)
{
    const char *params[] = {"threads=2", "max_size=64K", NULL};
    CHECK(sw_wlh_run("heap", params, 500, 32 * MIB, SW_INJ_CORRUPT, &res) == 0);
    CHECK_INT(res.rc, SW_WL_OK);
    CHECK_MSG(res.errors == 1, "%llu errors, want exactly the injected one", (unsigned long long)res.errors);
    CHECK_INT(sw_wlh_count(&res, SW_EV_MEM_ERROR), 1);
    const struct sw_event *e = NULL;
    for (int i = 0; i < res.n_events; i++)
        if (res.events[i].type == SW_EV_MEM_ERROR)
            e = &res.events[i];
    if (!e)
        return;
    printf("  %s\n", e->text);
    CHECK(strncmp(e->what, "heap-", 5) == 0);
    uint64_t flipped = e->u.mem.expected ^ e->u.mem.actual;
    /* one byte changed by 0x5a: in a word, or as a tail byte */
    CHECK(e->u.mem.width == 8 || e->u.mem.width == 1);
    CHECK_MSG(flipped != 0 && (flipped >> __builtin_ctzll(flipped) & ~0xffull) == 0 &&
                  (flipped >> (__builtin_ctzll(flipped) / 8 * 8)) == 0x5a,
              "flipped %llx", (unsigned long long)flipped);
    CHECK(e->u.mem.flags & SW_MEM_PERSISTENT);
    CHECK(strstr(e->text, "in block 0x") != NULL);
}

/* A slow or busy machine gets through few allocations in a short run: the corruption is injected
 * into the first block thread 0 holds, and the block is verified before the workload returns even if
 * it was still live when the stop came. */
static void injected_in_a_short_run(void)
{
    const char *params[] = {"threads=1", "min_size=256K", "max_size=1M", NULL};
    CHECK(sw_wlh_run("heap", params, 20, 64 * MIB, SW_INJ_CORRUPT, &res) == 0);
    CHECK_INT(res.rc, SW_WL_OK);
    CHECK_MSG(res.ops < 1000, "%llu ops: the run was meant to be short", (unsigned long long)res.ops);
    CHECK_MSG(res.errors == 1, "%llu errors in %llu ops, want exactly the injected one",
              (unsigned long long)res.errors, (unsigned long long)res.ops);
    CHECK_INT(sw_wlh_count(&res, SW_EV_MEM_ERROR), 1);
}

/* ENOMEM is a back-off, counted and noted, never an error: run under an address-space limit in a
 * child so the test process keeps its own. */
static void enomem_backs_off(void)
{
#if defined(__SANITIZE_ADDRESS__)
    printf("  (skipped under ASan: its shadow memory cannot live under RLIMIT_AS)\n");
    return;
#endif
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        unsigned long pages = 0;
        FILE *f = fopen("/proc/self/statm", "r");
        if (!f || fscanf(f, "%lu", &pages) != 1)
            _exit(2);
        fclose(f);
        struct rlimit rl;
        /* room for the harness and thread stacks, and for only a few of the 2-4 MiB blocks */
        rl.rlim_cur = rl.rlim_max = pages * (unsigned long)sysconf(_SC_PAGESIZE) + 16 * MIB;
        if (setrlimit(RLIMIT_AS, &rl) != 0)
            _exit(3);
        const char *params[] = {"threads=2", "min_size=2M", "max_size=4M", NULL};
        /* a 2 GiB budget lets each thread aim for far more than the limit allows */
        if (sw_wlh_run("heap", params, 1000, 2048 * MIB, 0, &res) != 0)
            _exit(4);
        int notes = sw_wlh_count(&res, SW_EV_RESOURCE);
        if (res.rc != SW_WL_OK || res.errors != 0 || notes < 1 || res.ops == 0) {
            fprintf(stderr, "rc %d errors %llu resource notes %d ops %llu\n", res.rc,
                    (unsigned long long)res.errors, notes, (unsigned long long)res.ops);
            _exit(1);
        }
        for (int i = 0; i < res.n_events; i++)
            if (res.events[i].type == SW_EV_RESOURCE) {
                printf("  %s\n", res.events[i].text);
                break;
            }
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
}

static void bad_sizes(void)
{
    const char *params[] = {"min_size=64K", "max_size=1K", NULL};
    CHECK(sw_wlh_run("heap", params, 100, 32 * MIB, 0, &res) == 0);
    CHECK_INT(res.rc, SW_WL_HARNESS);
    CHECK(res.n_events >= 1 && strstr(res.events[0].text, "min_size"));
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"clean, blocks up to 32K", clean_small},
        {"clean, blocks up to 4M (mmap)", clean_default},
        {"clean, one thread", one_thread},
        {"injected corruption is found", injected},
        {"ENOMEM backs off and is noted", enomem_backs_off},
        {"injected corruption is found in a short run", injected_in_a_short_run},
        {"min_size above max_size", bad_sizes},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
