/* The `supported` hooks of the workloads that run the program again (compile, execve): each cause
 * of "cannot run here" is named in one line, and `list`/selftest/the runner get it from the hook. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stress/registry.h"
#include "stress/self_exec.h"
#include "tests/harness/check.h"

static void exec_path_checks(void)
{
    char why[256] = "", dir[512], file[700], longp[400];
    CHECK(sw_can_exec_path("/bin/sh", why, sizeof why));
    CHECK(!sw_can_exec_path("/nonexistent/stresswsl", why, sizeof why));
    CHECK_MSG(strstr(why, "/nonexistent/stresswsl") && strstr(why, "No such file"), "%s", why);
    sw_test_tmpdir(dir, sizeof dir, "sw-selfexec");
    CHECK(!sw_can_exec_path(dir, why, sizeof why));
    CHECK_MSG(strstr(why, "not a regular file") != NULL, "%s", why);
    snprintf(file, sizeof file, "%s/prog", dir);
    FILE *f = fopen(file, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    chmod(file, 0644);
    /* No x bit at all: refused for root too (access(X_OK) asks for at least one), so CI, as root,
     * checks this as well. */
    CHECK(!sw_can_exec_path(file, why, sizeof why));
    CHECK_MSG(strstr(why, "cannot execute") != NULL, "%s", why);
    chmod(file, 0755);
    CHECK(sw_can_exec_path(file, why, sizeof why));
    memset(longp, 'a', sizeof longp - 1);
    longp[0] = '/';
    longp[sizeof longp - 1] = '\0';
    CHECK(!sw_can_exec_path(longp, why, sizeof why));
    CHECK_MSG(strstr(why, "longer than 255 characters") != NULL, "%s", why);
    unlink(file);
    rmdir(dir);
}

/* Here (a test binary that can run itself) every workload with a hook says yes, or says why. */
static void hooks_answer(void)
{
    char why[256];
    CHECK(sw_can_exec_self(why, sizeof why));
    for (int i = 0; i < sw_workload_count; i++) {
        const struct sw_workload *w = sw_workloads[i];
        why[0] = '\0';
        if (w->supported && !w->supported(why, sizeof why))
            CHECK_MSG(why[0] != '\0', "%s is unsupported without a reason", w->name);
    }
    const struct sw_workload *compile = sw_workload_find("compile", NULL);
    const struct sw_workload *execve = sw_workload_find("execve", NULL);
    CHECK(compile && compile->supported == sw_can_exec_self);
    CHECK(execve && execve->supported == sw_can_exec_self);
}

/* The children's report pipe: the write end crosses exec, the read end does not and never blocks. */
static void report_pipe_flags(void)
{
    int rfd = -1, wfd = -1;
    CHECK_INT(sw_child_report_pipe(&rfd, &wfd), 0);
    CHECK(rfd >= 0 && wfd >= 0);
    CHECK((fcntl(rfd, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK((fcntl(wfd, F_GETFD) & FD_CLOEXEC) == 0);
    CHECK((fcntl(rfd, F_GETFL) & O_NONBLOCK) != 0);
    char b;
    CHECK(read(rfd, &b, 1) < 0);   /* empty: EAGAIN, not a hang */
    CHECK(write(wfd, "x", 1) == 1 && read(rfd, &b, 1) == 1 && b == 'x');
    close(rfd);
    close(wfd);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"exec_path_checks", exec_path_checks},
        {"hooks_answer", hooks_answer},
        {"report_pipe_flags", report_pipe_flags},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
