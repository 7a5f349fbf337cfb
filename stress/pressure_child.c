#include "stress/pressure_child.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/fmt.h"
#include "core/spawn.h"
#include "stress/digest.h"

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define PAGE 4096u
#define HUGE (2u << 20)
#define FULL_CHECK_EVERY 8

enum step { S_PAGEOUT, S_COLD, S_COLLAPSE, S_SPLIT, S_COW, S_FILE_PAGEOUT, S_DONTNEED, S_COUNT };

struct region {
    unsigned char *base;
    size_t len;
    uint64_t seed;
    const char *what;
};

static const struct sw_pressure_plan *plan;
static struct sw_rng rng;

/* Word w at address a holds mix(a ^ seed): any misplaced, stale or foreign page shows. */
static inline uint64_t pattern(const void *a, uint64_t seed)
{
    return sw_mix64((uint64_t)(uintptr_t)a ^ seed);
}

static void fill(unsigned char *p, size_t len, uint64_t seed)
{
    for (size_t off = 0; off < len; off += 8)
        *(uint64_t *)(void *)(p + off) = pattern(p + off, seed);
}

static void record_bad(const char *what, const volatile uint64_t *w, uint64_t want, uint64_t got)
{
    struct sw_pressure_slot *s = plan->slot;
    if (atomic_fetch_add(&s->bad, 1) != 0)
        return;
    s->bad_vaddr = (uint64_t)(uintptr_t)w;
    s->bad_expected = want;
    s->bad_actual = got;
    s->bad_reread = *w;
    sw_strlcpy(s->bad_what, what, sizeof s->bad_what);
}

/* Checks [p, p+len) of region r (page-aligned) word by word. */
static void check(const struct region *r, unsigned char *p, size_t len, const char *what)
{
    for (size_t off = 0; off < len; off += PAGE) {
        const uint64_t *w = (const uint64_t *)(const void *)(p + off);
        uint64_t acc = 0;
        for (unsigned i = 0; i < PAGE / 8; i++)
            acc |= w[i] ^ pattern(&w[i], r->seed);
        if (acc)
            for (unsigned i = 0; i < PAGE / 8; i++)
                if (w[i] != pattern(&w[i], r->seed))
                    record_bad(what, &w[i], pattern(&w[i], r->seed), w[i]);
    }
    atomic_fetch_add(&plan->slot->pages, len / PAGE);
}

/* A random page-aligned piece of r: *len gets its length (at least a page, at most a quarter). */
static unsigned char *piece(const struct region *r, size_t *len)
{
    size_t pages = r->len / PAGE, n = 1 + (size_t)sw_rng_below(&rng, pages / 4 + 1);
    size_t at = (size_t)sw_rng_below(&rng, pages - n + 1);
    *len = n * PAGE;
    return r->base + at * PAGE;
}

/* A 2 MiB-aligned huge-page-sized piece of r, or NULL when r has none. */
static unsigned char *huge_piece(const struct region *r)
{
    uintptr_t lo = ((uintptr_t)r->base + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
    uintptr_t hi = ((uintptr_t)r->base + r->len) & ~(uintptr_t)(HUGE - 1);
    if (hi <= lo)
        return NULL;
    return (unsigned char *)(lo + HUGE * (uintptr_t)sw_rng_below(&rng, (hi - lo) / HUGE));
}

/* fork: the child checks everything, writes its own copy of a piece and checks that; the parent
 * rewrites a piece of its own (breaking the sharing) and checks it, then both are compared again. */
static void cow_round(const struct region *anon)
{
    size_t len;
    unsigned char *p = piece(anon, &len);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlives the child (nor keeps the cgroup busy) */
        if (getppid() != parent)
            _exit(0);
        check(anon, anon->base, anon->len, "pressure-cow");
        fill(p, len, anon->seed);
        check(anon, p, len, "pressure-cow");
        _exit(0);
    }
    fill(p, len, anon->seed);
    check(anon, p, len, "pressure-cow");
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
}

static void step(const struct region *anon, const struct region *file)
{
    size_t len;
    unsigned char *p;
    enum step s = (enum step)sw_rng_below(&rng, S_COUNT);
    switch (s) {
    case S_PAGEOUT:
    case S_COLD:
        p = piece(anon, &len);
        madvise(p, len, s == S_PAGEOUT ? MADV_PAGEOUT : MADV_COLD);   /* EINVAL on old kernels: fine */
        check(anon, p, len, "pressure-anon");
        break;
    case S_COLLAPSE:
    case S_SPLIT:
        if (!(p = huge_piece(anon)))
            return;
        if (s == S_COLLAPSE) {
            madvise(p, HUGE, MADV_COLLAPSE);
        } else {   /* a one-page protection change splits a huge page's mapping */
            unsigned char *q = p + PAGE * sw_rng_below(&rng, HUGE / PAGE);
            mprotect(q, PAGE, PROT_READ);
            mprotect(q, PAGE, PROT_READ | PROT_WRITE);
        }
        check(anon, p, HUGE, "pressure-thp");
        break;
    case S_COW:
        cow_round(anon);
        break;
    case S_FILE_PAGEOUT:
        if (!file->base)
            return;
        p = piece(file, &len);
        madvise(p, len, MADV_PAGEOUT);   /* dirty file pages: written back, dropped, read again */
        check(file, p, len, "pressure-file");
        break;
    default:
        p = piece(anon, &len);
        madvise(p, len, MADV_DONTNEED);   /* fresh zero pages, refilled */
        fill(p, len, anon->seed);
        check(anon, p, len, "pressure-anon");
        break;
    }
    atomic_fetch_add(&plan->slot->steps, 1);
}

/* Fills r a chunk at a time, checking the chunk before as it goes: near the cgroup's limit every
 * new chunk makes the kernel reclaim and compact (migrating the pages just written), and progress
 * shows while the pages are pushed around rather than only after the whole region is in. */
static void fill_checking(const struct region *r)
{
    const size_t chunk = 4u << 20;
    for (size_t off = 0; off < r->len; off += chunk) {
        size_t len = r->len - off < chunk ? r->len - off : chunk;
        fill(r->base + off, len, r->seed);
        if (off)
            check(r, r->base + off - chunk, chunk, r->what);
    }
    size_t last = (r->len - 1) / chunk * chunk;
    check(r, r->base + last, r->len - last, r->what);
}

static void map_file(struct region *file)
{
    if (!plan->file_dir || plan->file_bytes < PAGE)
        return;
    int fd = open(plan->file_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);   /* no name: nothing to remove */
    if (fd < 0)
        return;
    size_t len = (size_t)plan->file_bytes & ~(size_t)(PAGE - 1);
    if (ftruncate(fd, (off_t)len) == 0) {
        void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED) {
            file->base = m;
            file->len = len;
        }
    }
    close(fd);
}

void sw_pressure_child(const struct sw_pressure_plan *p)
{
    plan = p;
    sw_spawn_reset_signals();
    if (p->cg && sw_memcg_enter(p->cg) != 0)
        _exit(SW_PRESSURE_CODE_NOCG);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);   /* the first to go, anywhere */
    if (fd >= 0) {
        if (write(fd, "1000", 4) != 4)
            (void)0;
        close(fd);
    }
    sw_rng_seed(&rng, p->seed);
    struct region anon = {.seed = p->seed, .what = "pressure-anon"}, file = {.seed = ~p->seed, .what = "pressure-file"};
    anon.len = ((size_t)p->anon_bytes + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (anon.len < 16 * PAGE)
        anon.len = 16 * PAGE;
    void *m = mmap(NULL, anon.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        _exit(SW_PRESSURE_CODE_NOMEM);
    anon.base = m;
    madvise(anon.base, anon.len / 2, MADV_HUGEPAGE);
    fill_checking(&anon);
    if (p->inject) {   /* one bit of one word, behind the checker's back; checked at once */
        volatile uint64_t *w = (volatile uint64_t *)(void *)(anon.base + anon.len / 2 + 8 * 7);
        *w ^= 1ull << 17;
        atomic_store(&p->slot->injected, 1);
        check(&anon, anon.base, anon.len, "pressure-anon");
        _exit(0);
    }
    map_file(&file);
    if (file.base) {
        fill(file.base, file.len, file.seed);
        msync(file.base, file.len, MS_SYNC);   /* clean: reclaim drops and re-reads instead of thrashing write-back */
        check(&file, file.base, file.len, "pressure-file");
    }
    uint64_t end = sw_now_mono_ns() + (uint64_t)p->life_ms * 1000000u;
    for (unsigned n = 1; sw_now_mono_ns() < end; n++) {
        step(&anon, &file);
        if (n % FULL_CHECK_EVERY == 0) {
            check(&anon, anon.base, anon.len, "pressure-anon");
            if (file.base)
                check(&file, file.base, file.len, "pressure-file");
        }
    }
    _exit(0);
}
