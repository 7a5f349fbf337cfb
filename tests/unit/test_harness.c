/* The test harness cannot hide a failure: a skipped case skips only itself (the cases after it still
 * run, the failures before it still count), the binary exits 1 on any failure, 77 only when every
 * case was skipped, and a missing fixture fails its case in a build that requires fixtures. Each
 * scenario runs in a child so its counters and exit code are its own. */
#include <sys/wait.h>
#include <unistd.h>

#include "tests/harness/check.h"

static int ran_after_skip;

static void passes(void)
{
    CHECK(1 + 1 == 2);
}

static void fails(void)
{
    int two = 2;
    if (two != 3)   /* a failed check, without a constant the compiler would fold */
        sw_test_failed_checks++;
}

static void skips(void)
{
    SW_SKIP("not here");
}

static void after_skip(void)
{
    ran_after_skip = 1;
}

static void needs_missing_fixture(void)
{
    sw_test_fixture("no/such/fixture.log");
    CHECK(!"reached after a missing fixture");
}

/* Exit code of sw_test_main over cases, in a child; *after gets whether after_skip ran. */
static int run_child(const struct sw_test_case *cases, int *after)
{
    int pfd[2];
    if (pipe(pfd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        sw_test_failed_checks = 0;
        char *argv[] = {(char *)"t", (char *)"/", NULL};   /* an existing fixtures directory */
        int rc = sw_test_main(2, argv, cases);
        char c = (char)ran_after_skip;
        if (write(pfd[1], &c, 1) != 1)
            _exit(99);
        fflush(stdout);
        _exit(rc);
    }
    close(pfd[1]);
    char c = 0;
    if (read(pfd[0], &c, 1) != 1)
        c = -1;
    close(pfd[0]);
    int st;
    waitpid(pid, &st, 0);
    *after = c;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void skip_is_per_case(void)
{
    static const struct sw_test_case c[] = {{"fails", fails}, {"skips", skips}, {"after", after_skip}, {NULL, NULL}};
    int after;
    CHECK_INT(run_child(c, &after), 1);   /* the failure before the skip is not thrown away */
    CHECK_INT(after, 1);                  /* the case after the skip ran */
}

static void exit_codes(void)
{
    static const struct sw_test_case ok[] = {{"passes", passes}, {"skips", skips}, {NULL, NULL}};
    static const struct sw_test_case all_skipped[] = {{"skips", skips}, {"skips again", skips}, {NULL, NULL}};
    static const struct sw_test_case failing[] = {{"passes", passes}, {"fails", fails}, {NULL, NULL}};
    int after;
    CHECK_INT(run_child(ok, &after), 0);
    CHECK_INT(run_child(all_skipped, &after), 77);
    CHECK_INT(run_child(failing, &after), 1);
}

static void missing_fixture(void)
{
    static const struct sw_test_case c[] = {
        {"passes", passes}, {"needs", needs_missing_fixture}, {"after", after_skip}, {NULL, NULL}};
    int after;
    int rc = run_child(c, &after);
    CHECK_INT(after, 1);
    if (sw_test_fixtures_required())
        CHECK_INT(rc, 1);   /* CI: never a pass by skipping */
    else
        CHECK_INT(rc, 0);   /* a developer's tree without fixtures: that case is skipped */
    printf("  fixtures %s: a missing fixture gives exit %d\n", sw_test_fixtures_required() ? "required" : "optional",
           rc);
}

static void tmpdir_follows_tmpdir(void)
{
    char parent[512], dir[512];
    sw_test_tmpdir(parent, sizeof parent, "sw-harness");
    const char *old = getenv("TMPDIR");
    char saved[512];
    snprintf(saved, sizeof saved, "%s", old ? old : "");
    setenv("TMPDIR", parent, 1);
    CHECK_STR(sw_test_tmproot(), parent);
    sw_test_tmpdir(dir, sizeof dir, "sw-inner");
    CHECK(strncmp(dir, parent, strlen(parent)) == 0 && strstr(dir, "/sw-inner-") != NULL);
    CHECK_INT(rmdir(dir), 0);
    if (old)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    CHECK_INT(rmdir(parent), 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"skip_is_per_case", skip_is_per_case}, {"exit_codes", exit_codes}, {"missing_fixture", missing_fixture},
        {"tmpdir_follows_tmpdir", tmpdir_follows_tmpdir}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
