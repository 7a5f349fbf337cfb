#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomic_write.h"
#include "core/fmt.h"
#include "tests/harness/check.h"

static char dir[512];

static void put_file(const char *name, const char *text)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static const char *read_file(const char *name)
{
    static char buf[256];
    char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    buf[0] = '\0';
    FILE *f = fopen(p, "r");
    if (!f)
        return "(missing)";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Everything in dir but "." and ".."; a temp file left behind shows up here. */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static int fill_text(FILE *f, const void *arg, struct sw_diag *d)
{
    (void)d;
    return fputs(arg, f) < 0 ? -EIO : 0;
}

static int fill_fails(FILE *f, const void *arg, struct sw_diag *d)
{
    fputs(arg, f);   /* half the contents, then a failure */
    return sw_fail(d, -EPROTO, "the writer gave up");
}

static void path_of(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
}

static void replaces_contents(void)
{
    char p[700];
    path_of(p, sizeof p, "a.txt");
    put_file("a.txt", "old\n");
    struct sw_diag d;
    CHECK_INT(sw_atomic_write(p, fill_text, "new contents\n", &d), 0);
    CHECK_STR(read_file("a.txt"), "new contents\n");
    CHECK_INT(entries(), 1);
    /* A file that did not exist yet. */
    path_of(p, sizeof p, "b.txt");
    CHECK_INT(sw_atomic_write(p, fill_text, "b\n", &d), 0);
    CHECK_STR(read_file("b.txt"), "b\n");
    CHECK_INT(entries(), 2);
    unlink(p);
    path_of(p, sizeof p, "a.txt");
    unlink(p);
}

static void failed_fill_keeps_old_and_removes_tmp(void)
{
    char p[700];
    path_of(p, sizeof p, "keep.txt");
    put_file("keep.txt", "precious\n");
    struct sw_diag d = {0};
    CHECK_INT(sw_atomic_write(p, fill_fails, "partial", &d), -EPROTO);
    CHECK_STR(d.msg, "the writer gave up");
    CHECK_STR(read_file("keep.txt"), "precious\n");
    CHECK_INT(entries(), 1);
    unlink(p);
}

static void missing_directory_is_one_clear_error(void)
{
    char p[700];
    path_of(p, sizeof p, "no-such-dir/x.txt");
    struct sw_diag d = {0};
    CHECK_INT(sw_atomic_write(p, fill_text, "x", &d), -ENOENT);
    CHECK_MSG(strstr(d.msg, p) != NULL, "%s", d.msg);
    CHECK_INT(entries(), 0);
}

/* The target is a directory: the rename fails after the temp file was written; it must not stay. */
static void failed_rename_removes_tmp(void)
{
    char p[700];
    path_of(p, sizeof p, "adir");
    CHECK_INT(mkdir(p, 0755), 0);
    char inside[760];
    snprintf(inside, sizeof inside, "%s/child", p);
    CHECK_INT(mkdir(inside, 0755), 0);   /* non-empty: rename(file, dir) fails with EISDIR */
    struct sw_diag d = {0};
    CHECK(sw_atomic_write(p, fill_text, "x", &d) < 0);
    CHECK_MSG(strstr(d.msg, "adir") != NULL, "%s", d.msg);
    CHECK_INT(entries(), 1);
    rmdir(inside);
    rmdir(p);
}

/* A symlink planted at our temp name is removed, never written through. */
static void planted_tmp_symlink_not_followed(void)
{
    char victim[700], lnk[760], p[700];
    path_of(victim, sizeof victim, "victim");
    put_file("victim", "original\n");
    path_of(p, sizeof p, "out.json");
    snprintf(lnk, sizeof lnk, "%s.tmp-%ld", p, (long)getpid());
    CHECK_INT(symlink(victim, lnk), 0);
    json_t *j = json_pack("{s:i}", "answer", 42);
    struct sw_diag d;
    CHECK_INT(sw_atomic_write_json(p, j, JSON_COMPACT, &d), 0);
    json_decref(j);
    CHECK_STR(read_file("victim"), "original\n");
    CHECK_STR(read_file("out.json"), "{\"answer\":42}\n");
    CHECK_INT(entries(), 2);
    unlink(p);
    unlink(victim);
}

static void write_at_and_bad_names(void)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    struct sw_diag d = {0};
    CHECK_INT(sw_atomic_write_at(dfd, "c.txt", "abc", 3, &d), 0);
    CHECK_STR(read_file("c.txt"), "abc");
    CHECK_INT(sw_atomic_write_at(dfd, "../escape", "x", 1, &d), -EINVAL);
    CHECK_INT(sw_atomic_write_at(dfd, "", "x", 1, &d), -EINVAL);
    CHECK_INT(entries(), 1);
    /* Abandoning leaves nothing and keeps the old contents. */
    struct sw_atomic_file a;
    CHECK_INT(sw_atomic_begin_at(&a, dfd, "c.txt", &d), 0);
    CHECK_INT(sw_atomic_put(&a, "zzz", 3, &d), 0);
    sw_atomic_abandon(&a);
    CHECK_STR(read_file("c.txt"), "abc");
    CHECK_INT(entries(), 1);
    unlinkat(dfd, "c.txt", 0);
    close(dfd);
}

/* A FIFO or device named as such, or a link to a descriptor we hold (/dev/fd/N, /dev/stdout), is
 * written into, never renamed over: a rename would replace the node (as root, `bundle --out
 * /dev/stdout` made /dev/stdout a regular file). */
static void device_or_fifo_written_in_place(void)
{
    char fifo[700], link_path[700];
    path_of(fifo, sizeof fifo, "fifo");
    CHECK_INT(mkfifo(fifo, 0600), 0);
    int rd = open(fifo, O_RDONLY | O_NONBLOCK);   /* a reader, so the writer's open does not wait */
    CHECK(rd >= 0);
    struct sw_diag d = {0};
    CHECK_INT(sw_atomic_write(fifo, fill_text, "through the fifo\n", &d), 0);
    char got[64] = "";
    ssize_t n = rd >= 0 ? read(rd, got, sizeof got - 1) : -1;
    got[n > 0 ? n : 0] = '\0';
    CHECK_STR(got, "through the fifo\n");
    struct stat st;
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK_INT(entries(), 1);   /* no temp file beside it */
    if (rd >= 0)
        close(rd);
    unlink(fifo);

    /* A symlink to a FIFO (or a device) is replaced, never written through: it may point anywhere. */
    CHECK_INT(mkfifo(fifo, 0600), 0);
    path_of(link_path, sizeof link_path, "fifo-link");
    CHECK_INT(symlink(fifo, link_path), 0);
    json_t *j = json_pack("{s:i}", "answer", 42);
    CHECK_INT(sw_atomic_write_json(link_path, j, JSON_COMPACT, &d), 0);   /* no reader: it would block */
    json_decref(j);
    CHECK(lstat(link_path, &st) == 0 && S_ISREG(st.st_mode));
    CHECK_STR(read_file("fifo-link"), "{\"answer\":42}\n");
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK_INT(entries(), 2);
    unlink(link_path);
    unlink(fifo);

    /* /dev/fd/N (as /dev/stdout is): the file behind the descriptor gets the contents. */
    char file[700], fdpath[64];
    path_of(file, sizeof file, "behind-fd");
    int fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", fd);
    CHECK_INT(sw_atomic_write(fdpath, fill_text, "via the descriptor\n", &d), 0);
    CHECK_STR(read_file("behind-fd"), "via the descriptor\n");
    CHECK_INT(entries(), 1);
    if (fd >= 0)
        close(fd);
    unlink(file);
}

/* SIGTERM in the middle of writes (two at once, one in a directory of its own, one finished): the
 * handler's sw_atomic_remove_pending leaves no temp file, and the final names stay as they were. */
static void term_handler(int sig)
{
    sw_atomic_remove_pending();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void signal_removes_pending_temps(void)
{
    int before = entries();
    put_file("kept", "old");
    pid_t p = fork();
    if (p == 0) {
        struct sw_diag d;
        struct sw_atomic_file a, b, c;
        char path[700];
        signal(SIGTERM, term_handler);
        snprintf(path, sizeof path, "%s/kept", dir);
        if (sw_atomic_begin(&a, path, &d) || sw_atomic_put(&a, "new", 3, &d))
            _exit(10);
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (sw_atomic_begin_at(&b, dfd, "fresh", &d) || sw_atomic_put(&b, "x", 1, &d))
            _exit(11);
        snprintf(path, sizeof path, "%s/done", dir);
        if (sw_atomic_begin(&c, path, &d) || sw_atomic_commit(&c, &d))
            _exit(12);
        raise(SIGTERM);
        _exit(13);
    }
    int st = 0;
    waitpid(p, &st, 0);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %d", st);
    CHECK_INT(entries(), before + 2);   /* "kept" (old contents) and "done": no temp, no "fresh" */
    char p2[700];
    snprintf(p2, sizeof p2, "%s/fresh", dir);
    CHECK(access(p2, F_OK) != 0);
    snprintf(p2, sizeof p2, "%s/kept", dir);
    FILE *f = fopen(p2, "r");
    char buf[8] = "";
    if (f) {
        CHECK(fgets(buf, sizeof buf, f) != NULL);
        fclose(f);
    }
    CHECK_STR(buf, "old");
    unlink(p2);
    snprintf(p2, sizeof p2, "%s/done", dir);
    unlink(p2);
}

int main(int argc, char **argv)
{
    sw_test_tmpdir(dir, sizeof dir, "sw-atomic");
    static const struct sw_test_case cases[] = {
        {"replaces_contents", replaces_contents},
        {"failed_fill_keeps_old_and_removes_tmp", failed_fill_keeps_old_and_removes_tmp},
        {"missing_directory_is_one_clear_error", missing_directory_is_one_clear_error},
        {"failed_rename_removes_tmp", failed_rename_removes_tmp},
        {"planted_tmp_symlink_not_followed", planted_tmp_symlink_not_followed},
        {"write_at_and_bad_names", write_at_and_bad_names},
        {"device_or_fifo_written_in_place", device_or_fifo_written_in_place},
        {"signal_removes_pending_temps", signal_removes_pending_temps},
        {NULL, NULL}};
    int rc = sw_test_main(argc, argv, cases);
    rmdir(dir);
    return rc;
}
