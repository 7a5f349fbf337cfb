#include "core/recover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/event_json.h"
#include "core/journal.h"
#include "core/rundir.h"

struct scanned {
    struct sw_journal_hdr hdr;
    struct sw_jrec *recs;      /* valid records, sorted by jseq */
    size_t n;
    unsigned torn;
};

static int cmp_jseq(const void *a, const void *b)
{
    const struct sw_jrec *x = a, *y = b;
    return (x->b.jseq > y->b.jseq) - (x->b.jseq < y->b.jseq);
}

static int scan_file(int fd, struct scanned *s)
{
    memset(s, 0, sizeof *s);
    int rc = sw_journal_read_hdr(fd, &s->hdr);
    if (rc < 0)
        return rc;
    s->recs = calloc(s->hdr.f.capacity, sizeof *s->recs);
    if (!s->recs)
        return -ENOMEM;
    for (uint32_t i = 0; i < s->hdr.f.capacity; i++) {
        rc = sw_journal_read_rec(fd, &s->hdr, i, &s->recs[s->n]);
        if (rc == 1)
            s->n++;
        else if (rc == -EBADMSG)
            s->torn++;
        else if (rc < 0 && rc != -EBADMSG)
            break;
    }
    qsort(s->recs, s->n, sizeof *s->recs, cmp_jseq);
    return 0;
}

static void names_from_hdr(const struct sw_journal_hdr *h, struct sw_ev_names *n)
{
    memset(n, 0, sizeof *n);
    n->nphases = (int)h->f.nphases;
    for (int i = 0; i < n->nphases; i++)
        n->phase[i] = h->f.phase_names[i];
    for (uint32_t i = 0; i < h->f.nwl; i++)
        sw_ev_names_add_wl(n, h->f.wl[i].id, h->f.wl[i].name);
    n->is_vm = strstr(h->f.env, "vm=yes") != NULL;
}

static json_t *split_names(const char *text)
{
    json_t *a = json_array();
    char buf[SW_EV_TEXT + 1];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (*t)
            json_array_append_new(a, json_string(t));
    return a;
}

static json_t *describe(const struct scanned *s, const char *path, const char *boot_now)
{
    char tb[40];
    struct sw_ev_names names;
    names_from_hdr(&s->hdr, &names);
    const struct sw_journal_hdr_fields *h = &s->hdr.f;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(h->run_id));
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    json_object_set_new(o, "run_dir", json_string(dir));
    json_object_set_new(o, "journal", json_string(path));
    json_object_set_new(o, "profile", json_string(h->profile));
    json_object_set_new(o, "started", json_string(sw_time_iso8601(h->start_real_ns, tb, sizeof tb)));
    uint64_t last_ns = h->start_real_ns;
    int phase = -1;
    const char *running = NULL;
    unsigned heartbeats = 0, errors = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct sw_jrec *r = &s->recs[i];
        if (r->b.ev.t_ns > last_ns)
            last_ns = r->b.ev.t_ns;
        if (r->b.kind == SW_JREC_HEARTBEAT) {
            heartbeats++;
            phase = r->b.ev.phase;
            running = r->b.ev.text;
        } else if (r->b.kind == SW_JREC_EVENT) {
            if (r->b.ev.type == SW_EV_PHASE) {
                phase = r->b.ev.phase;
                running = NULL;
            }
            if (r->b.ev.sev >= SW_SEV_ERROR)
                errors++;
        }
    }
    json_object_set_new(o, "last_record", json_string(sw_time_iso8601(last_ns, tb, sizeof tb)));
    json_object_set_new(o, "last_record_ns", json_integer((json_int_t)last_ns));
    json_object_set_new(o, "phase", phase >= 0 && phase < names.nphases ? json_string(names.phase[phase]) : json_null());
    json_t *wls;
    if (running) {
        wls = split_names(running);
    } else {
        wls = json_array();
        /* no heartbeat yet in that phase: the phase's workloads from the plan header */
        for (uint32_t i = 0; i < h->nwl; i++)
            json_array_append_new(wls, json_string(h->wl[i].name));
    }
    json_object_set_new(o, "workloads", wls);
    bool rebooted = boot_now && *boot_now && h->boot_id[0] && strcmp(boot_now, h->boot_id) != 0;
    json_object_set_new(o, "rebooted", json_boolean(rebooted));
    json_object_set_new(o, "cause", json_string(rebooted ? SW_RECOVER_CAUSE_REBOOT : SW_RECOVER_CAUSE_KILLED));
    json_object_set_new(o, "boot_id", json_string(h->boot_id));
    json_object_set_new(o, "heartbeats", json_integer(heartbeats));
    json_object_set_new(o, "error_events", json_integer(errors));
    json_object_set_new(o, "torn_records", json_integer(s->torn));
    json_t *last = json_array();
    size_t want = SW_RECOVER_LAST_EVENTS, have = 0;
    size_t start = s->n;
    while (start > 0 && have < want) {
        start--;
        if (s->recs[start].b.kind == SW_JREC_EVENT)
            have++;
    }
    for (size_t i = start; i < s->n; i++)
        if (s->recs[i].b.kind == SW_JREC_EVENT)
            json_array_append_new(last, sw_event_to_json(&s->recs[i].b.ev, &names));
    json_object_set_new(o, "last_events", last);
    json_object_set_new(o, "host_evidence", json_array());
    return o;
}

/* The abrupt run's own report.json, so history and compare see it too. */
static void write_abrupt_report(const struct scanned *s, const json_t *prev, const char *run_dir)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/report.json", run_dir);
    if (access(path, F_OK) == 0)
        return;
    struct sw_ev_names names;
    names_from_hdr(&s->hdr, &names);
    char tb[40];
    json_t *r = json_object();
    json_object_set_new(r, "schema_version", json_integer(1));
    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string("stresswsl"));
    json_object_set_new(tool, "version", json_string(s->hdr.f.tool_version));
    json_object_set_new(r, "tool", tool);
    json_t *run = json_object();
    json_object_set_new(run, "id", json_string(s->hdr.f.run_id));
    json_object_set_new(run, "profile", json_string(s->hdr.f.profile));
    json_object_set_new(run, "start", json_string(sw_time_iso8601_s(s->hdr.f.start_real_ns, tb, sizeof tb)));
    json_object_set_new(run, "end", json_incref(json_object_get(prev, "last_record")));
    uint64_t last = (uint64_t)json_integer_value(json_object_get(prev, "last_record_ns"));
    json_object_set_new(run, "duration_s", json_real(last > s->hdr.f.start_real_ns
                                                         ? (double)(last - s->hdr.f.start_real_ns) / 1e9 : 0.0));
    json_object_set_new(run, "status", json_string("abrupt"));
    unsigned errors = (unsigned)json_integer_value(json_object_get(prev, "error_events"));
    json_object_set_new(run, "exit_code", json_null());
    json_object_set_new(run, "boot_id", json_string(s->hdr.f.boot_id));
    json_object_set_new(run, "run_dir", json_string(run_dir));
    json_object_set_new(run, "cause", json_incref(json_object_get(prev, "cause")));
    json_object_set_new(r, "run", run);
    json_t *plan = json_object();
    json_object_set_new(plan, "summary", json_string(s->hdr.f.plan));
    json_object_set_new(r, "plan", plan);
    json_object_set_new(r, "workloads", json_array());
    json_t *evs = json_array();
    for (size_t i = 0; i < s->n; i++)
        if (s->recs[i].b.kind == SW_JREC_EVENT)
            json_array_append_new(evs, sw_event_to_json(&s->recs[i].b.ev, &names));
    json_object_set_new(r, "events", evs);
    json_object_set_new(r, "events_dropped", json_integer(0));
    json_t *facts = json_object();
    json_object_set_new(facts, "before", json_null());
    json_object_set_new(facts, "after", json_null());
    json_object_set_new(r, "facts", facts);
    json_object_set_new(r, "previous_run", json_null());
    json_object_set_new(r, "findings", json_array());
    json_t *verdict = json_object();
    json_object_set_new(verdict, "status", json_string(errors ? "unstable" : "inconclusive"));
    json_object_set_new(verdict, "summary",
                        json_string(errors ? "the run recorded errors before it ended abruptly"
                                           : "the run ended abruptly before it completed"));
    json_object_set_new(r, "verdict", verdict);
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (json_dump_file(r, tmp, JSON_INDENT(2)) == 0)
        rename(tmp, path);
    else
        unlink(tmp);
    json_decref(r);
}

int sw_recover_journal(const char *journal_path, const char *boot_id_now, json_t **out, struct sw_diag *d)
{
    *out = NULL;
    int fd = open(journal_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sw_fail(d, -errno, "cannot open the journal %s: %s", journal_path, strerror(errno));
    if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        return e == EWOULDBLOCK ? -EWOULDBLOCK : sw_fail(d, -e, "cannot lock %s: %s", journal_path, strerror(e));
    }
    struct scanned s;
    int rc = scan_file(fd, &s);
    close(fd);
    if (rc < 0) {
        free(s.recs);
        return sw_fail(d, rc, "%s is not a stresswsl journal (or its header is damaged)", journal_path);
    }
    if (!s.hdr.f.clean_end)
        *out = describe(&s, journal_path, boot_id_now);
    free(s.recs);
    return 0;
}

struct candidate {
    char path[1100];
    uint64_t start_ns;
};

/* Only a path that has the shape stresswsl gives temp roots is removed: <run_dir>/tmp or
 * .../stresswsl-<id>; a damaged header must not name something else to delete. */
static bool owned_tmp(const char *tmp, const char *journal_path)
{
    if (!tmp[0] || tmp[0] != '/' || strstr(tmp, "/.."))
        return false;
    const char *base = strrchr(tmp, '/') + 1;
    if (!strncmp(base, "stresswsl-", 10) && base[10])
        return true;
    size_t dl = strlen(journal_path) - strlen("journal");
    return !strncmp(tmp, journal_path, dl) && !strcmp(tmp + dl, "tmp");
}

/* Opens a journal for marking; returns 1 if it is abrupt and unreported (and marks it). */
static int check_and_mark(const char *path, const char *boot_now, json_t **desc, bool describe_it)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {   /* its run is still going */
        close(fd);
        return 0;
    }
    struct sw_journal_hdr h;
    if (sw_journal_read_hdr(fd, &h) < 0 || h.f.clean_end || h.f.reported) {
        close(fd);
        return 0;
    }
    if (describe_it) {
        struct scanned s;
        if (scan_file(fd, &s) == 0) {
            *desc = describe(&s, path, boot_now);
            char dir[1100];
            snprintf(dir, sizeof dir, "%s", path);
            char *slash = strrchr(dir, '/');
            if (slash) {
                *slash = '\0';
                write_abrupt_report(&s, *desc, dir);
            }
        }
        free(s.recs);
    }
    /* Leftover temp files of a run killed hard (SIGKILL skips every cleanup). */
    if (owned_tmp(h.f.tmp_root, path))
        sw_rundir_remove_tree(h.f.tmp_root);
    h.f.reported = 1;
    sw_journal_write_hdr(fd, &h);
    close(fd);
    return 1;
}

static int header_start(const char *path, uint64_t *start, bool *pending)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct sw_journal_hdr h;
    int rc = sw_journal_read_hdr(fd, &h);
    bool locked = flock(fd, LOCK_SH | LOCK_NB) != 0;
    close(fd);
    if (rc < 0)
        return rc;
    *start = h.f.start_real_ns;
    *pending = !h.f.clean_end && !h.f.reported && !locked;
    return 0;
}

static void consider(const char *dir, struct candidate **list, size_t *n, size_t *cap)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/journal", dir);
    uint64_t start = 0;
    bool pending = false;
    if (header_start(path, &start, &pending) < 0 || !pending)
        return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*list)[i].path, path))
            return;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        struct candidate *nl = realloc(*list, nc * sizeof *nl);
        if (!nl)
            return;
        *list = nl;
        *cap = nc;
    }
    snprintf((*list)[*n].path, sizeof (*list)[*n].path, "%s", path);
    (*list)[*n].start_ns = start;
    (*n)++;
}

int sw_recover_scan(const char *state_dir, const char *boot_id_now, json_t **out, struct sw_diag *d)
{
    (void)d;
    *out = NULL;
    struct candidate *list = NULL;
    size_t n = 0, cap = 0;
    char runs[1024];
    snprintf(runs, sizeof runs, "%s/runs", state_dir);
    DIR *dir = opendir(runs);
    if (dir) {
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            char sub[1400];
            snprintf(sub, sizeof sub, "%s/%s", runs, e->d_name);
            consider(sub, &list, &n, &cap);
        }
        closedir(dir);
    }
    char ext[1100];
    snprintf(ext, sizeof ext, "%s/external-runs", state_dir);
    FILE *f = fopen(ext, "re");
    if (f) {
        char line[1100];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0] == '/')
                consider(line, &list, &n, &cap);
        }
        fclose(f);
    }
    size_t newest = 0;
    for (size_t i = 1; i < n; i++)
        if (list[i].start_ns > list[newest].start_ns)
            newest = i;
    for (size_t i = 0; i < n; i++) {
        json_t *desc = NULL;
        check_and_mark(list[i].path, boot_id_now, &desc, i == newest);
        if (desc && !*out)
            *out = desc;
        else if (desc)
            json_decref(desc);
    }
    free(list);
    return 0;
}

int sw_recover_remember(const char *state_dir, const char *run_dir)
{
    char ext[1100];
    snprintf(ext, sizeof ext, "%s/external-runs", state_dir);
    FILE *f = fopen(ext, "re");
    if (f) {
        char line[1100];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (!strcmp(line, run_dir)) {
                fclose(f);
                return 0;
            }
        }
        fclose(f);
    }
    f = fopen(ext, "ae");
    if (!f)
        return -errno;
    fprintf(f, "%s\n", run_dir);
    return fclose(f) == 0 ? 0 : -errno;
}
