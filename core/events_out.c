#include "core/events_out.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fmt.h"

#define QUEUE_EVENTS 4096           /* 2 MiB: a burst of every worker's ring drained at once */
#define BUF_BYTES (512u * 1024u)    /* formatted lines a slow reader has not taken yet        */

static int setup(struct sw_events_out *eo, const char *label, struct sw_diag *d)
{
    struct stat st;
    eo->regular = fstat(eo->fd, &st) == 0 && S_ISREG(st.st_mode);
    eo->q = calloc(QUEUE_EVENTS, sizeof *eo->q);
    eo->buf = malloc(BUF_BYTES);
    if (!eo->q || !eo->buf) {
        sw_events_out_close(eo, NULL, 0);
        return sw_fail(d, -ENOMEM, "--events: out of memory");
    }
    eo->qcap = QUEUE_EVENTS;
    eo->bcap = BUF_BYTES;
    if (gethostname(eo->host, sizeof eo->host - 1) != 0)
        sw_strlcpy(eo->host, "unknown", sizeof eo->host);
    if (label)
        sw_strlcpy(eo->label, label, sizeof eo->label);
    return 0;
}

int sw_events_out_open_fd(struct sw_events_out *eo, int fd, const char *label, struct sw_diag *d)
{
    memset(eo, 0, sizeof *eo);
    eo->fd = fd;
    return setup(eo, label, d);
}

int sw_events_out_open(struct sw_events_out *eo, const char *path, const char *label, struct sw_diag *d)
{
    if (!strcmp(path, "-"))
        return sw_events_out_open_fd(eo, STDOUT_FILENO, label, d);
    memset(eo, 0, sizeof *eo);
    eo->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
    if (eo->fd < 0)
        return sw_fail(d, -errno, "--events %s: %s%s", path, strerror(errno),
                       errno == ELOOP ? " (a symbolic link: give the real path)" : "");
    eo->own_fd = true;
    return setup(eo, label, d);
}

void sw_events_out_push(struct sw_events_out *eo, const struct sw_event *ev)
{
    if (!eo->q)
        return;
    if (eo->qlen == eo->qcap) {
        eo->lost++;
        return;
    }
    eo->q[(eo->qhead + eo->qlen) % eo->qcap] = *ev;
    eo->qlen++;
}

/* Writes buffered bytes the fd takes now; waits at most wait_ms (0: not at all) for a reader. */
static void drain_buf(struct sw_events_out *eo, int wait_ms)
{
    size_t off = 0;
    while (off < eo->blen) {
        if (!eo->regular) {
            /* POLLOUT on a pipe means room for PIPE_BUF bytes: a write of at most that cannot block. */
            struct pollfd p = {.fd = eo->fd, .events = POLLOUT};
            if (poll(&p, 1, wait_ms) != 1 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
                break;
        }
        size_t n = eo->blen - off;
        if (!eo->regular && n > PIPE_BUF)
            n = PIPE_BUF;
        ssize_t w = write(eo->fd, eo->buf + off, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    memmove(eo->buf, eo->buf + off, eo->blen - off);
    eo->blen -= off;
}

/* Appends one line (obj, with run_id, host and label added) to the buffer; false when it is full. */
static bool put_line(struct sw_events_out *eo, json_t *obj)
{
    json_object_set_new(obj, "run_id", json_string(eo->run_id));
    json_object_set_new(obj, "host", json_string(eo->host));
    if (eo->label[0])
        json_object_set_new(obj, "label", json_string(eo->label));
    size_t room = eo->bcap - eo->blen;
    size_t n = json_dumpb(obj, eo->buf + eo->blen, room, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (n == 0 || n + 1 > room)
        return false;
    eo->buf[eo->blen + n] = '\n';
    eo->blen += n + 1;
    return true;
}

void sw_events_out_flush(struct sw_events_out *eo, const char *run_id, const struct sw_ev_names *names)
{
    if (eo->fd < 0)
        return;
    if (run_id && run_id[0])
        sw_strlcpy(eo->run_id, run_id, sizeof eo->run_id);
    drain_buf(eo, 0);
    if (eo->lost > eo->lost_reported) {
        json_t *o = json_pack("{s:s,s:I}", "record", "lost", "count", (json_int_t)(eo->lost - eo->lost_reported));
        if (o && put_line(eo, o))
            eo->lost_reported = eo->lost;
        json_decref(o);
    }
    while (eo->qlen) {
        json_t *o = sw_event_to_json(&eo->q[eo->qhead], names);
        if (!o)
            break;
        json_object_set_new(o, "record", json_string("event"));
        bool ok = put_line(eo, o);
        json_decref(o);
        if (!ok)
            break;   /* the reader is slow: the event stays queued until there is room */
        eo->qhead = (eo->qhead + 1) % eo->qcap;
        eo->qlen--;
        eo->written++;
        if (eo->blen > eo->bcap / 2)
            drain_buf(eo, 0);
    }
    drain_buf(eo, 0);
}

void sw_events_out_close(struct sw_events_out *eo, const json_t *report, int wait_ms)
{
    if (eo->fd >= 0 && eo->q) {
        /* Whatever is still queued goes out first, then the run's outcome. */
        for (int i = 0; i < 64 && (eo->qlen || eo->blen); i++) {
            sw_events_out_flush(eo, NULL, NULL);
            drain_buf(eo, wait_ms / 64 + 1);
        }
        if (eo->qlen)
            eo->lost += eo->qlen;
        eo->qlen = 0;
        const json_t *run = json_object_get(report, "run");
        const json_t *v = json_object_get(report, "verdict");
        json_t *o = json_pack("{s:s,s:O?,s:O?,s:O?,s:I,s:I}", "record", "run_end", "status",
                              json_object_get(run, "status"), "exit_code", json_object_get(run, "exit_code"),
                              "verdict", v, "events_written", (json_int_t)eo->written, "events_lost",
                              (json_int_t)eo->lost);
        if (o && put_line(eo, o))
            drain_buf(eo, wait_ms);
        json_decref(o);
    }
    if (eo->own_fd && eo->fd >= 0)
        close(eo->fd);
    eo->fd = -1;
    free(eo->q);
    free(eo->buf);
    eo->q = NULL;
    eo->buf = NULL;
}
