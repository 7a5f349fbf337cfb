/* The `pressure` workload and its memory cgroup. Where this process may create a child memory
 * cgroup (root on cgroup v1, or a delegated v2 subtree): the cgroup gets the limit, takes a process
 * in, and is removed afterwards, a stale one of a dead process is swept; overcommitted children are
 * OOM-killed inside it and counted, never errors; one bit flipped behind the checker's back is a
 * mem_error with its address. Elsewhere the workload runs within its budget and says why. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress/memcg.h"
#include "tests/harness/check.h"
#include "tests/harness/wl_harness.h"

#define MIB (1ull << 20)

static struct sw_wlh_result res;

/* Can this process make a memory cgroup? (Created and removed at once.) */
static bool have_memcg(void)
{
    struct sw_memcg m;
    char why[200];
    if (sw_memcg_create(&m, "probe", 64 * MIB, why, sizeof why) != 0) {
        printf("  no memory cgroup here (%s): the cgroup parts are not exercised\n", why);
        return false;
    }
    return sw_memcg_remove(&m, 100) == 0;
}

/* How many entries of the parent cgroup start with "stresswsl-<getpid()>-". */
static int ours_left(const struct sw_memcg *m)
{
    char parent[400], prefix[48];
    snprintf(parent, sizeof parent, "%s", m->path);
    char *slash = strrchr(parent, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    snprintf(prefix, sizeof prefix, "stresswsl-%d-", (int)getpid());
    DIR *d = opendir(parent);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

static void memcg_lifecycle(void)
{
    if (!have_memcg())
        return;
    struct sw_memcg m;
    char why[200], path[460], line[512];
    CHECK(sw_memcg_create(&m, "t", 48 * MIB, why, sizeof why) == 0);
    CHECK(sw_memcg_limit(&m) == 48 * MIB);
    CHECK_INT(ours_left(&m), 1);
    int go[2];
    CHECK(pipe(go) == 0);
    pid_t p = fork();
    if (p == 0) {
        char b;
        _exit(sw_memcg_enter(&m) == 0 && read(go[0], &b, 1) >= 0 ? 0 : 1);
    }
    /* the child shows up in the cgroup, and kill_all ends it */
    const char *name = strrchr(m.path, '/') + 1;
    bool inside = false;
    for (int i = 0; i < 200 && !inside; i++) {
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int)p);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f))
            inside |= strstr(line, name) != NULL;
        if (f)
            fclose(f);
        usleep(5000);
    }
    CHECK(inside);
    CHECK(sw_memcg_kill_all(&m) == 1);
    int st;
    CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    char dir[400];
    snprintf(dir, sizeof dir, "%s", m.path);
    CHECK_INT(sw_memcg_remove(&m, 200), 0);
    CHECK_MSG(access(dir, F_OK) != 0, "%s is still there", dir);
    close(go[0]);
    close(go[1]);
    /* a cgroup left by a process that is gone is swept by the next create */
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char stale[460];
    CHECK(sw_memcg_create(&m, "t", 48 * MIB, why, sizeof why) == 0);
    snprintf(stale, sizeof stale, "%.*s/stresswsl-%d-w9", (int)(strrchr(m.path, '/') - m.path), m.path, (int)dead);
    CHECK(mkdir(stale, 0755) == 0);
    CHECK_INT(sw_memcg_remove(&m, 200), 0);
    CHECK(sw_memcg_create(&m, "t", 48 * MIB, why, sizeof why) == 0);
    CHECK_MSG(access(stale, F_OK) != 0, "%s was not swept", stale);
    snprintf(dir, sizeof dir, "%s", m.path);
    CHECK_INT(sw_memcg_remove(&m, 200), 0);
    CHECK(access(dir, F_OK) != 0);
}

static void clean(void)
{
    bool cg = have_memcg();
    const char *params[] = {"max=48M", "life_ms=100", "overcommit=90", NULL};
    CHECK(sw_wlh_run("pressure", params, 1500, 64 * MIB, 0, &res) == 0);
    CHECK_MSG(res.rc == SW_WL_OK, "rc %d (%s)", res.rc, res.diag);
    CHECK_INT(res.errors, 0);
    sw_wlh_print_errors(&res);
    CHECK(res.ops > 0);   /* no rate asserted: the machine may be busy */
    CHECK(sw_wlh_no_children());
    const struct sw_event *s = sw_wlh_find_text(&res, "pressure: ");
    CHECK(s != NULL);
    if (s)
        printf("  %s\n", s->text);
    if (cg && s)
        CHECK(strstr(s->text, "in its cgroup (limit 48 MiB") != NULL);
}

/* Overcommitted: the OOM killer acts inside the cgroup; each kill is counted, none is an error,
 * and the cgroup is gone afterwards. */
static void oom_kills_counted(void)
{
    if (!have_memcg())
        return;
    unsigned long long kids = 0, ooms = 0;
    for (int run = 0; run < 3 && !ooms; run++) {   /* a loaded machine may need more than one try */
        const char *params[] = {"max=32M", "life_ms=200", "overcommit=250", "children=3", NULL};
        CHECK(sw_wlh_run("pressure", params, 2000, 64 * MIB, 0, &res) == 0);
        CHECK_INT(res.rc, SW_WL_OK);
        CHECK_INT(res.errors, 0);
        sw_wlh_print_errors(&res);
        CHECK(sw_wlh_no_children());
        const struct sw_event *s = sw_wlh_find_text(&res, "pressure: ");
        CHECK(s && sscanf(s->text, "pressure: %llu children, %llu OOM kills in its cgroup", &kids, &ooms) == 2);
        if (s)
            printf("  %s\n", s->text);
        CHECK(s && s->sev == SW_SEV_INFO);   /* removed: a failed removal would make it a warning */
    }
    CHECK(ooms > 0 && kids > ooms);
    struct sw_memcg m;
    char why[200];
    CHECK(sw_memcg_create(&m, "check", 16 * MIB, why, sizeof why) == 0);
    CHECK_INT(ours_left(&m), 1);   /* only this one: the workload's own is gone */
    sw_memcg_remove(&m, 100);
}

static void bitflip(void)
{
    const char *params[] = {"max=32M", "life_ms=100", NULL};
    CHECK(sw_wlh_run("pressure", params, 1000, 64 * MIB, SW_INJ_BITFLIP, &res) == 0);
    const struct sw_event *e = sw_wlh_the_injected(&res, SW_EV_MEM_ERROR);
    if (!e)
        return;
    CHECK_STR(e->what, "pressure-anon");
    CHECK((e->u.mem.expected ^ e->u.mem.actual) == 1ull << 17);
    CHECK(e->u.mem.vaddr != 0 && (e->u.mem.vaddr & 7) == 0);
    CHECK(e->u.mem.flags & SW_MEM_PERSISTENT);
    CHECK(sw_wlh_no_children());
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"memory cgroup: limit, enter, kill all, remove, stale sweep", memcg_lifecycle},
        {"clean: pages checked after page-out, THP, COW", clean},
        {"OOM kills inside the cgroup are counted, not errors", oom_kills_counted},
        {"a flipped bit is a mem_error with its address", bitflip},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
