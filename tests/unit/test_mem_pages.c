/* The memory buffer's set-up: populating faults every page in (so the run does not), and the page
 * size read back from smaps matches what the mapping asked for: no huge pages where they were
 * refused, whole huge pages where they were granted. */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stress/mem_pages.h"
#include "tests/harness/check.h"

#define LEN (32u << 20)

static bool always(void *arg)
{
    (void)arg;
    return true;
}

/* LEN bytes starting on a huge-page boundary (*raw: the mapping to unmap, LEN + huge bytes). */
static char *aligned_map(size_t huge, void **raw)
{
    *raw = mmap(NULL, LEN + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(*raw != MAP_FAILED);
    if (*raw == MAP_FAILED)
        return NULL;
    return (char *)(((uintptr_t)*raw + huge - 1) & ~(uintptr_t)(huge - 1));
}

static void test_thp_size(void)
{
    size_t h = sw_mem_thp_size();
    CHECK(h >= 4096 && (h & (h - 1)) == 0);
}

/* Small pages asked for: all resident after populating, none huge. */
static void test_small_pages(void)
{
    size_t huge = sw_mem_thp_size();
    void *raw;
    char *p = aligned_map(huge, &raw);
    if (!p)
        return;
    madvise(p, LEN, MADV_NOHUGEPAGE);
    uint64_t rss = 0, hk = 0;
    CHECK(!sw_mem_huge_share(p, LEN, &rss, &hk));   /* nothing resident yet */
    bool slow = false;
    bool locked = sw_mem_populate(p, LEN, sysconf(_SC_PAGESIZE), false, &slow, always, NULL);
    CHECK(!locked);
    CHECK(sw_mem_huge_share(p, LEN, &rss, &hk));
    CHECK_MSG(rss == LEN / 1024, "rss %llu kB, want %u", (unsigned long long)rss, LEN / 1024);
    CHECK_INT(hk, 0);
    munmap(raw, LEN + huge);
}

/* Huge pages asked for: whatever the kernel grants comes in whole huge pages, and a run that fell
 * back to small pages says so. Where THP is off entirely, there are none. */
static void test_huge_pages(void)
{
    size_t huge = sw_mem_thp_size();
    void *raw;
    char *p = aligned_map(huge, &raw);
    if (!p)
        return;
    bool advised = madvise(p, LEN, MADV_HUGEPAGE) == 0;
    bool slow = false;
    sw_mem_populate(p, LEN, sysconf(_SC_PAGESIZE), true, &slow, always, NULL);
    uint64_t rss = 0, hk = 0;
    CHECK(sw_mem_huge_share(p, LEN, &rss, &hk));
    CHECK_MSG(rss == LEN / 1024, "rss %llu kB", (unsigned long long)rss);
    CHECK_MSG(hk % (huge / 1024) == 0 && hk <= rss, "huge %llu kB", (unsigned long long)hk);
    printf("  MADV_HUGEPAGE %s: %llu of %llu kB in huge pages%s\n", advised ? "accepted" : "refused",
           (unsigned long long)hk, (unsigned long long)rss, slow ? " (fell back: slow)" : "");
    if (!advised)
        CHECK_INT(hk, 0);
    if (advised && !slow && hk == 0)
        printf("  (the kernel granted no huge pages: THP disabled or memory fragmented)\n");
    munlock(p, LEN);
    munmap(raw, LEN + huge);
}

/* The page-size trial: fast huge pages are kept without a trial; a slow huge piece makes the next one
 * try small pages, and only faster small pages take the rest; a last piece decides nothing. */
static void test_page_size_trial(void)
{
    struct sw_mem_trial t = {SW_MEM_HUGE, 0};
    CHECK(!sw_mem_trial_next(&t, 10e9, true) && t.state == SW_MEM_HUGE);
    CHECK(!sw_mem_trial_next(&t, 0.8e9, true) && t.state == SW_MEM_TRY_SMALL);   /* slow: try small */
    CHECK(!sw_mem_trial_next(&t, 0.6e9, true) && t.state == SW_MEM_DECIDED);     /* slower: keep huge */
    CHECK(!sw_mem_trial_next(&t, 0.1e9, true) && t.state == SW_MEM_DECIDED);     /* decided once */
    t = (struct sw_mem_trial){SW_MEM_HUGE, 0};
    CHECK(!sw_mem_trial_next(&t, 0.5e9, true));
    CHECK(sw_mem_trial_next(&t, 3e9, true));   /* small pages came faster: they take the rest */
    t = (struct sw_mem_trial){SW_MEM_HUGE, 0};
    CHECK(!sw_mem_trial_next(&t, 0.5e9, false) && t.state == SW_MEM_HUGE);   /* the last piece */
}

static bool first_piece_only(void *arg)
{
    (void)arg;
    return false;
}

/* Stopped after its first piece (Ctrl-C while populating): the range is not all locked, and the
 * caller must not be told it is (the run's note said "locked"). */
static void test_stopped_is_not_locked(void)
{
    size_t huge = sw_mem_thp_size();
    void *raw;
    char *p = aligned_map(huge, &raw);
    if (!p)
        return;
    bool slow = false;
    CHECK(!sw_mem_populate(p, LEN, sysconf(_SC_PAGESIZE), true, &slow, first_piece_only, NULL));
    munlock(p, LEN);
    munmap(raw, LEN + huge);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"huge page size", test_thp_size},
        {"small pages: populated, none huge", test_small_pages},
        {"huge pages: whole, reported", test_huge_pages},
        {"page-size trial", test_page_size_trial},
        {"stopped part way: not locked", test_stopped_is_not_locked},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
