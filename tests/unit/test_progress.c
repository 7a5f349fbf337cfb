/* The progress text (plain line, live view, per-CPU error table), rate formatting, and what each mode
 * writes: quiet only errors, plain one line per 5 s without escapes, the live view redrawn in place;
 * a terminal gets the live view unless TERM=dumb, and colour unless NO_COLOR or TERM=dumb. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/progress.h"
#include "tests/harness/check.h"

static const struct sw_progress_wl two_wl[2] = {{"compute", "kernels", 7234.0}, {"execve", "execs", 12.5}};

static struct sw_progress_status status(void)
{
    return (struct sw_progress_status){.elapsed_ms = 12000, .total_ms = 60000, .phase_elapsed_ms = 2000,
                                       .phase_ms = 5000, .trial = 2, .trials = 3, .phase = 3, .phases = 4,
                                       .phase_name = "build", .wl = two_wl, .nwl = 2, .errors = 3, .cycle_cpu = 5};
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void format_line(void)
{
    struct sw_progress_status st = status();
    struct sw_progress_cpu_err ce[2] = {{2, 2}, {7, 1}};
    st.cpu_err = ce;
    st.ncpu_err = 2;
    char buf[512];
    sw_progress_format(buf, sizeof buf, &st);
    CHECK_STR(buf, "trial 2/3 | phase 3/4 build 20% | 0:12 / 1:00, 0:48 left | compute 7.23k kernels/s | "
                   "execve 12.5 execs/s | cycling worker on CPU 5 | 3 errors (CPU 2: 2, CPU 7: 1)");
    st = (struct sw_progress_status){.elapsed_ms = 3723000, .total_ms = 7200000, .trials = 1, .trial = 1,
                                     .phase = 1, .phases = 1, .phase_name = "soak", .idle = true, .wl = two_wl,
                                     .nwl = 1, .errors = 1, .cycle_cpu = -1};
    sw_progress_format(buf, sizeof buf, &st);
    CHECK_STR(buf, "phase 1/1 soak (idle) 51% | 1:02:03 / 2:00:00, 57:57 left | compute 7.23k kernels/s | 1 error");
    char small[16];   /* a small buffer truncates, never overflows */
    CHECK(sw_progress_format(small, sizeof small, &st) < sizeof small);
}

static void view(void)
{
    struct sw_progress_status st = status();
    char buf[4096];
    int lines = sw_progress_view(buf, sizeof buf, &st, 120, false);
    CHECK_INT(lines, 5);   /* header, phase clock, 2 workloads, errors */
    CHECK_INT(count(buf, "\n"), lines - 1);
    CHECK(strstr(buf, "trial 2/3  phase 3/4 build  [####--------------------]  20%  0:12 / 1:00  0:48 left") != NULL);
    CHECK(strstr(buf, "phase 0:02 / 0:05, 0:03 left   cycling worker on CPU 5") != NULL);
    CHECK(strstr(buf, "  compute       7.23k kernels/s") != NULL);
    CHECK(strstr(buf, "  errors            3") != NULL);
    CHECK(strstr(buf, "CPU") && !strstr(buf, "CPU   errors"));   /* no table without per-CPU errors */
    CHECK_INT(count(buf, "\033"), 0);
    /* with errors on CPUs: the table, most first, and how many CPUs were left out */
    struct sw_progress_cpu_err ce[2] = {{4, 9}, {1, 2}};
    st.cpu_err = ce;
    st.ncpu_err = 2;
    st.more_cpus = 3;
    lines = sw_progress_view(buf, sizeof buf, &st, 120, true);
    CHECK_INT(lines, 9);
    CHECK(strstr(buf, "     CPU   errors\n       4        9\n       1        2\n  and 3 more CPUs with errors") != NULL);
    CHECK(strstr(buf, "\033[1;31m       3\033[0m") != NULL);   /* the error count in red */
    /* narrow terminal: no line reaches the last column, whatever the escapes */
    lines = sw_progress_view(buf, sizeof buf, &st, 40, false);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        CHECK(strlen(line) <= 39);
    CHECK_INT(lines, 9);
}

static void cpu_errors(void)
{
    struct sw_event ev[12];
    memset(ev, 0, sizeof ev);
    int cpus[12] = {3, 3, 9, -1, 3, 9, 1, 2, 9, 9, 700, 0};
    for (int i = 0; i < 12; i++) {
        ev[i].cpu = (int16_t)cpus[i];
        ev[i].sev = SW_SEV_ERROR;
    }
    ev[11].sev = SW_SEV_WARN;   /* not an error: not counted */
    struct sw_progress_cpu_err out[3];
    int more = -1;
    int n = sw_progress_cpu_errors(ev, 12, out, 3, &more);
    CHECK_INT(n, 3);
    CHECK_INT(out[0].cpu, 9);
    CHECK_INT((int)out[0].errors, 4);
    CHECK_INT(out[1].cpu, 3);
    CHECK_INT((int)out[1].errors, 3);
    CHECK_INT(out[2].cpu, 1);   /* ties: the lower CPU first */
    CHECK_INT(more, 2);         /* CPUs 2 and 700 */
    CHECK_INT(sw_progress_cpu_errors(ev, 0, out, 3, &more), 0);
    CHECK_INT(more, 0);
}

static void rates(void)
{
    char b[16];
    CHECK_STR(sw_progress_rate(0, b, sizeof b), "0.0");
    CHECK_STR(sw_progress_rate(999, b, sizeof b), "999");
    CHECK_STR(sw_progress_rate(1234567, b, sizeof b), "1.23M");
    CHECK_STR(sw_progress_rate(45600, b, sizeof b), "45.6k");
}

static size_t run_mode(struct sw_progress *p, char *out, size_t cap)
{
    struct sw_progress_status st = status();
    for (int i = 0; i < 12; i++) {   /* 12 one-second updates */
        st.elapsed_ms = (uint64_t)i * 1000;
        sw_progress_update(p, 1000000000ull * (uint64_t)(i + 1), &st);
    }
    sw_progress_message(p, "note", "a note");
    sw_progress_message(p, "error", "an error");
    sw_progress_done(p);
    ssize_t n = pread(p->fd, out, cap - 1, 0);
    close(p->fd);
    out[n > 0 ? n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

static int temp_fd(void)
{
    char path[512];
    int fd = sw_test_tmpfile(path, sizeof path, "sw-progress");
    unlink(path);
    return fd;
}

static void modes(void)
{
    static char out[65536];
    struct sw_progress p;
    sw_progress_init(&p, SW_PROGRESS_QUIET, temp_fd());
    run_mode(&p, out, sizeof out);
    CHECK_STR(out, "stresswsl: error: an error\n");   /* nothing but errors */
    sw_progress_init(&p, SW_PROGRESS_PLAIN, temp_fd());
    run_mode(&p, out, sizeof out);
    CHECK_INT(count(out, "\n"), 3 + 2);               /* t=1, 6, 11 s, then the two messages */
    CHECK_INT(count(out, "\033"), 0);                 /* not a terminal: no escapes */
    CHECK(strstr(out, "stresswsl: trial 2/3 | phase 3/4 build 8% | 0:05 / 1:00") != NULL);
    CHECK(strstr(out, "stresswsl: note: a note\n") != NULL);
    /* the live view: drawn once, then each redraw goes back up its 4 extra lines and clears */
    sw_progress_init(&p, SW_PROGRESS_TTY, temp_fd());
    run_mode(&p, out, sizeof out);
    CHECK_INT(count(out, "\r\033[4A\033[J"), 11 + 1);   /* 11 redraws, then the note clears it */
    CHECK_INT(count(out, "phase 3/4 build"), 12);
    /* AUTO on a file (not a tty) is PLAIN */
    sw_progress_init(&p, SW_PROGRESS_AUTO, open("/dev/null", O_WRONLY));
    CHECK_INT(p.mode, SW_PROGRESS_PLAIN);
    CHECK(!p.color);
    close(p.fd);
}

/* On a real terminal (a pty): live view and colour; NO_COLOR drops the colour; TERM=dumb drops both. */
static void terminal(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    if (m < 0)
        return;
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    struct sw_progress p;
    setenv("TERM", "xterm", 1);
    unsetenv("NO_COLOR");
    sw_progress_init(&p, SW_PROGRESS_AUTO, s);
    CHECK_INT(p.mode, SW_PROGRESS_TTY);
    CHECK(p.color);
    setenv("NO_COLOR", "1", 1);
    sw_progress_init(&p, SW_PROGRESS_AUTO, s);
    CHECK_INT(p.mode, SW_PROGRESS_TTY);
    CHECK(!p.color);
    unsetenv("NO_COLOR");
    setenv("TERM", "dumb", 1);
    sw_progress_init(&p, SW_PROGRESS_AUTO, s);
    CHECK_INT(p.mode, SW_PROGRESS_PLAIN);
    CHECK(!p.color);
    close(s);
    close(m);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"format_line", format_line}, {"view", view},
                                                {"cpu_errors", cpu_errors}, {"rates", rates},
                                                {"modes", modes}, {"terminal", terminal},
                                                {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
