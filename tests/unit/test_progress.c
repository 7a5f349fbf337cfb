/* The status line's text, rate formatting, and that quiet and plain modes print what they should. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/progress.h"
#include "tests/harness/check.h"

static void format_line(void)
{
    struct sw_progress_wl wl[2] = {{"compute", "kernels", 7234.0}, {"execve", "execs", 12.5}};
    char buf[256];
    sw_progress_format(buf, sizeof buf, 12000, 60000, "build", wl, 2, 3);
    CHECK_STR(buf, "0:12 / 1:00, 0:48 left | build | compute 7.23k kernels/s | execve 12.5 execs/s | 3 errors");
    sw_progress_format(buf, sizeof buf, 3723000, 7200000, "soak", wl, 1, 1);
    CHECK_STR(buf, "1:02:03 / 2:00:00, 57:57 left | soak | compute 7.23k kernels/s | 1 error");
    /* a small buffer truncates, never overflows */
    char small[16];
    CHECK(sw_progress_format(small, sizeof small, 0, 1000, "x", wl, 2, 0) < sizeof small);
}

static void rates(void)
{
    char b[16];
    CHECK_STR(sw_progress_rate(0, b, sizeof b), "0.0");
    CHECK_STR(sw_progress_rate(999, b, sizeof b), "999");
    CHECK_STR(sw_progress_rate(1234567, b, sizeof b), "1.23M");
    CHECK_STR(sw_progress_rate(45600, b, sizeof b), "45.6k");
}

static size_t run_mode(enum sw_progress_mode mode, char *out, size_t cap)
{
    char path[512];
    int fd = sw_test_tmpfile(path, sizeof path, "sw-progress");
    unlink(path);
    struct sw_progress p;
    sw_progress_init(&p, mode, fd);
    struct sw_progress_wl wl = {"compute", "kernels", 10};
    for (int i = 0; i < 12; i++)   /* 12 one-second updates */
        sw_progress_update(&p, 1000000000ull * (uint64_t)(i + 1), (uint64_t)i * 1000, 20000, "p", &wl, 1, 0);
    sw_progress_message(&p, "note", "a note");
    sw_progress_message(&p, "error", "an error");
    sw_progress_done(&p);
    ssize_t n = pread(fd, out, cap - 1, 0);
    close(fd);
    out[n > 0 ? n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void modes(void)
{
    char out[8192];
    run_mode(SW_PROGRESS_QUIET, out, sizeof out);
    CHECK_STR(out, "stresswsl: error: an error\n");   /* nothing but errors */
    run_mode(SW_PROGRESS_PLAIN, out, sizeof out);
    CHECK_INT(count(out, "\n"), 3 + 2);               /* t=1, 6, 11 s, then the two messages */
    CHECK_INT(count(out, "\033"), 0);                 /* not a terminal: no escapes */
    CHECK(strstr(out, "stresswsl: note: a note\n") != NULL);
    /* AUTO on a file (not a tty) is PLAIN */
    struct sw_progress p;
    sw_progress_init(&p, SW_PROGRESS_AUTO, open("/dev/null", O_WRONLY));
    CHECK_INT(p.mode, SW_PROGRESS_PLAIN);
    CHECK(!p.color);
    close(p.fd);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"format_line", format_line}, {"rates", rates}, {"modes", modes}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
