/* --events: JSON Lines with run id and host, in order; a reader that does not read never blocks the
 * runner (flush returns at once and keeps the rest); a full queue counts what it lost and says so. */
#include <fcntl.h>
#include <unistd.h>

#include "core/events_out.h"
#include "tests/harness/check.h"

static void ev(struct sw_event *e, uint64_t seq, enum sw_sev sev)
{
    memset(e, 0, sizeof *e);
    e->seq = seq;
    e->type = SW_EV_VERIFY_ERROR;
    e->sev = (uint8_t)sev;
    e->worker = 1;
    e->cpu = 3;
    e->node = -1;
    e->workload = -1;
    snprintf(e->what, sizeof e->what, "digest");
    snprintf(e->text, sizeof e->text, "result \"%llu\" differs\n", (unsigned long long)seq);
}

/* Reads what is in the pipe now; returns the lines parsed into out (appended). */
static void read_lines(int fd, json_t *out, char *acc, size_t *alen, size_t cap)
{
    ssize_t n;
    while ((n = read(fd, acc + *alen, cap - *alen)) > 0) {
        *alen += (size_t)n;
        char *nl;
        while ((nl = memchr(acc, '\n', *alen))) {
            json_t *j = json_loadb(acc, (size_t)(nl - acc), 0, NULL);
            CHECK_MSG(j != NULL, "not a JSON line: %.*s", (int)(nl - acc), acc);
            if (j)
                json_array_append_new(out, j);
            size_t used = (size_t)(nl - acc) + 1;
            memmove(acc, nl + 1, *alen - used);
            *alen -= used;
        }
    }
}

static void test_slow_reader(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    struct sw_events_out eo;
    struct sw_diag d;
    CHECK_INT(sw_events_out_open_fd(&eo, p[1], "before-bios-1.H0", &d), 0);
    const int N = 3000;   /* ~1 MB of lines: far more than the 64 KiB a pipe holds */
    /* Nobody reads during this loop: a writer that waited for the reader would hang here forever;
     * the alarm turns that into a failure (SIGALRM kills the test). */
    alarm(60);
    for (int i = 1; i <= N; i++) {
        struct sw_event e;
        ev(&e, (uint64_t)i, SW_SEV_ERROR);
        sw_events_out_push(&eo, &e);
        if (i % 100 == 0)
            sw_events_out_flush(&eo, "20261203-101010-abcd", NULL);
    }
    alarm(0);
    CHECK(eo.qlen > 0 || eo.blen > 0);   /* the rest waits, nothing dropped yet */
    CHECK_INT(eo.lost, 0);
    /* The reader catches up while the runner keeps flushing. */
    json_t *lines = json_array();
    static char acc[1 << 16];
    size_t alen = 0;
    for (int round = 0; round < 2000 && (eo.qlen || eo.blen); round++) {
        read_lines(p[0], lines, acc, &alen, sizeof acc);
        sw_events_out_flush(&eo, NULL, NULL);
    }
    json_t *rep = json_pack("{s:{s:s,s:i},s:{s:s}}", "run", "status", "completed", "exit_code", 1, "verdict",
                            "status", "unstable");
    sw_events_out_close(&eo, rep, 1000);
    json_decref(rep);
    read_lines(p[0], lines, acc, &alen, sizeof acc);
    CHECK_INT(json_array_size(lines), N + 1);
    for (int i = 0; i < N && i < (int)json_array_size(lines); i++) {
        const json_t *l = json_array_get(lines, (size_t)i);
        CHECK_MSG(json_integer_value(json_object_get(l, "seq")) == i + 1, "line %d out of order", i);
        if (i == 0) {
            CHECK_STR(json_string_value(json_object_get(l, "run_id")), "20261203-101010-abcd");
            CHECK_STR(json_string_value(json_object_get(l, "label")), "before-bios-1.H0");
            CHECK_STR(json_string_value(json_object_get(l, "record")), "event");
            CHECK_STR(json_string_value(json_object_get(l, "severity")), "error");
            CHECK(json_string_value(json_object_get(l, "host")) != NULL);
            CHECK_STR(json_string_value(json_object_get(l, "text")), "result \"1\" differs\n");
        }
    }
    const json_t *end = json_array_get(lines, (size_t)N);
    CHECK_STR(json_string_value(json_object_get(end, "record")), "run_end");
    CHECK_INT(json_integer_value(json_object_get(end, "events_written")), N);
    CHECK_INT(json_integer_value(json_object_get(end, "events_lost")), 0);
    CHECK_STR(json_string_value(json_object_get(json_object_get(end, "verdict"), "status")), "unstable");
    json_decref(lines);
    close(p[0]);
    close(p[1]);
}

static void test_overflow(void)
{
    char path[] = "/tmp/sw-events-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    struct sw_events_out eo;
    struct sw_diag d;
    CHECK_INT(sw_events_out_open(&eo, path, NULL, &d), 0);
    /* More events between two flushes than the queue holds: the excess is counted, not blocked on. */
    for (int i = 1; i <= 5000; i++) {
        struct sw_event e;
        ev(&e, (uint64_t)i, SW_SEV_WARN);
        sw_events_out_push(&eo, &e);
    }
    CHECK_INT(eo.lost, 5000 - (int)eo.qcap);
    sw_events_out_flush(&eo, "r", NULL);
    sw_events_out_close(&eo, NULL, 0);
    FILE *f = fopen(path, "r");
    char line[4096];
    int events = 0, lost = -1;
    while (f && fgets(line, sizeof line, f)) {
        json_t *j = json_loads(line, 0, NULL);
        CHECK(j != NULL);
        const char *rec = json_string_value(json_object_get(j, "record"));
        if (rec && !strcmp(rec, "event"))
            events++;
        if (rec && !strcmp(rec, "lost"))
            lost = (int)json_integer_value(json_object_get(j, "count"));
        json_decref(j);
    }
    if (f)
        fclose(f);
    CHECK_INT(events, (int)4096);
    CHECK_INT(lost, 5000 - 4096);
    /* A symlink is refused. */
    char link[64];
    snprintf(link, sizeof link, "%s.link", path);
    CHECK(symlink(path, link) == 0);
    CHECK(sw_events_out_open(&eo, link, NULL, &d) < 0);
    CHECK(strstr(d.msg, "symbolic link") != NULL);
    unlink(link);
    unlink(path);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"slow_reader", test_slow_reader},
        {"overflow", test_overflow},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
