#include "stress/task_probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fmt.h"

#define STACK_FRAMES 4

/* Reads a small /proc file into buf (NUL-terminated); returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

/* The state letter from a stat file: the field after the last ')' (comm may hold anything). */
static char stat_state(const char *path)
{
    char buf[512];
    if (read_small(path, buf, sizeof buf) <= 0)
        return 0;
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] ? p[2] : 0;
}

static int rank(char s)
{
    return s == 'D' ? 4 : s == 'R' ? 3 : s == 'T' || s == 't' ? 2 : s ? 1 : 0;
}

/* The worst thread state of pid; *tid gets that thread. */
static char worst_thread(pid_t pid, pid_t *tid)
{
    char path[64];
    struct sw_fmt f;
    sw_fmt_init(&f, path, sizeof path);
    sw_fmt_str(&f, "/proc/");
    sw_fmt_i64(&f, pid);
    sw_fmt_str(&f, "/stat");
    char best = stat_state(path);
    *tid = pid;
    sw_fmt_init(&f, path, sizeof path);
    sw_fmt_str(&f, "/proc/");
    sw_fmt_i64(&f, pid);
    sw_fmt_str(&f, "/task");
    DIR *d = opendir(path);
    if (!d)
        return best;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char tp[96];
        sw_fmt_init(&f, tp, sizeof tp);
        sw_fmt_str(&f, path);
        sw_fmt_str(&f, "/");
        sw_fmt_str(&f, e->d_name);
        sw_fmt_str(&f, "/stat");
        char s = stat_state(tp);
        if (rank(s) > rank(best)) {
            best = s;
            *tid = (pid_t)atoi(e->d_name);
        }
    }
    closedir(d);
    return best;
}

char sw_task_state(pid_t pid)
{
    pid_t tid;
    return worst_thread(pid, &tid);
}

/* "/proc/PID/task/TID/<name>" */
static void task_file(char *path, size_t cap, pid_t pid, pid_t tid, const char *name)
{
    struct sw_fmt f;
    sw_fmt_init(&f, path, cap);
    sw_fmt_str(&f, "/proc/");
    sw_fmt_i64(&f, pid);
    sw_fmt_str(&f, "/task/");
    sw_fmt_i64(&f, tid);
    sw_fmt_str(&f, "/");
    sw_fmt_str(&f, name);
}

/* Appends the function names of the first frames of a kernel stack ("[<0>] name+0x1/0x2"). */
static void add_stack(struct sw_fmt *f, const char *stack)
{
    int frames = 0;
    for (const char *line = stack; *line && frames < STACK_FRAMES;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *name = memchr(line, ']', len);
        if (name && (size_t)(name - line) + 2 < len) {
            name += 2;
            size_t nl = strcspn(name, "+ \n");
            char fn[64];
            if (nl >= sizeof fn)
                nl = sizeof fn - 1;
            memcpy(fn, name, nl);
            fn[nl] = '\0';
            sw_fmt_str(f, frames ? " < " : ", stack: ");
            sw_fmt_str(f, fn);
            frames++;
        }
        line += len + (end ? 1 : 0);
    }
}

void sw_task_describe(pid_t pid, char *out, size_t len)
{
    struct sw_fmt f;
    sw_fmt_init(&f, out, len);
    pid_t tid;
    char s = worst_thread(pid, &tid);
    if (!s) {
        sw_fmt_str(&f, "gone");
        return;
    }
    char st[2] = {s, '\0'};
    sw_fmt_str(&f, "state ");
    sw_fmt_str(&f, st);
    if (tid != pid) {
        sw_fmt_str(&f, ", thread ");
        sw_fmt_i64(&f, tid);
    }
    char path[96], buf[1024];
    task_file(path, sizeof path, pid, tid, "wchan");
    if (read_small(path, buf, 128) > 0 && strcmp(buf, "0") != 0) {
        sw_fmt_str(&f, " wchan ");
        sw_fmt_str(&f, buf);
    }
    task_file(path, sizeof path, pid, tid, "stack");
    if (read_small(path, buf, sizeof buf) > 0)
        add_stack(&f, buf);
}

void sw_report_stuck_child(struct sw_ctx *c, const char *what, pid_t pid, uint64_t waited_ms)
{
    char desc[112], text[SW_EV_TEXT];
    sw_task_describe(pid, desc, sizeof desc);
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, what);
    sw_fmt_str(&f, " pid ");
    sw_fmt_i64(&f, pid);
    sw_fmt_str(&f, " not reaped after ");
    sw_fmt_u64(&f, waited_ms);
    sw_fmt_str(&f, " ms: ");
    sw_fmt_str(&f, desc);
    sw_report_task_stuck(c, what, pid, text);
}

void sw_note_left_behind(struct sw_ctx *c, const char *what, unsigned n, pid_t first, uint64_t waited_ms)
{
    char desc[96], text[SW_EV_TEXT];
    sw_task_describe(first, desc, sizeof desc);
    struct sw_fmt f;
    sw_fmt_init(&f, text, sizeof text);
    sw_fmt_str(&f, what);
    sw_fmt_str(&f, ": ");
    sw_fmt_u64(&f, n);
    sw_fmt_str(&f, " killed children not gone after ");
    sw_fmt_u64(&f, waited_ms);
    sw_fmt_str(&f, " ms, left to the runner; pid ");
    sw_fmt_i64(&f, first);
    sw_fmt_str(&f, ": ");
    sw_fmt_str(&f, desc);
    sw_report_note(c, SW_EV_STALL, SW_SEV_WARN, text);
}

uint64_t sw_paused_ns(uint64_t *last_ns)
{
    uint64_t now = sw_now_mono_ns(), gap = *last_ns && now > *last_ns ? now - *last_ns : 0;
    *last_ns = now;
    return gap > 100000000ull ? gap : 0;
}
