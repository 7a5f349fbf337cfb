/* The event store: events are numbered in the order recorded, errors counted, the first cap kept and
 * the rest counted as dropped, each one handed to the observer and appended to the journal; draining
 * takes every ring of the arena slot by slot. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/event_store.h"
#include "core/fmt.h"
#include "core/rundir.h"
#include "tests/harness/check.h"

static struct sw_event make(enum sw_sev sev, const char *text)
{
    struct sw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SW_EV_NOTE;
    ev.sev = (uint8_t)sev;
    ev.worker = -1;
    ev.crc = 0xdeadbeef;
    sw_strlcpy(ev.text, text, sizeof ev.text);
    return ev;
}

struct seen {
    int n;
    uint64_t last_seq;
};

static void observe(void *arg, const struct sw_event *ev)
{
    struct seen *s = arg;
    s->n++;
    s->last_seq = ev->seq;
}

static void numbering_cap_and_observer(void)
{
    struct sw_event_store st;
    memset(&st, 0, sizeof st);
    CHECK_INT(sw_event_store_init(&st, 3), 0);
    struct seen seen = {0, 0};
    st.on_event = observe;
    st.on_event_arg = &seen;
    const enum sw_sev sev[] = {SW_SEV_INFO, SW_SEV_ERROR, SW_SEV_WARN, SW_SEV_FATAL, SW_SEV_ERROR};
    for (int i = 0; i < 5; i++) {
        char t[16];
        snprintf(t, sizeof t, "event %d", i);
        struct sw_event ev = make(sev[i], t);
        sw_event_store_record(&st, &ev, true);
        CHECK(ev.seq == (uint64_t)i + 1);   /* the caller's copy carries its number */
        CHECK(ev.crc == 0);
    }
    CHECK(st.n == 3);
    CHECK(st.dropped == 2);
    CHECK_INT(st.error_events, 3);   /* counted even when dropped from the list */
    CHECK_STR(st.ev[2].text, "event 2");
    CHECK(st.ev[0].seq == 1 && st.ev[2].seq == 3);
    CHECK_INT(seen.n, 5);
    CHECK(seen.last_seq == 5);
    sw_event_store_free(&st);
    CHECK(st.ev == NULL);
}

static void journal_gets_every_event(void)
{
    char dir[256], path[300];
    sw_test_tmpdir(dir, sizeof dir, "sw-evstore");
    snprintf(path, sizeof path, "%s/journal", dir);
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, 64);
    sw_strlcpy(h.f.run_id, "unit", sizeof h.f.run_id);
    struct sw_journal j;
    struct sw_diag d = {0};
    CHECK_MSG(sw_journal_create(&j, path, NULL, &h, &d) == 0, "%s", d.msg);
    struct sw_event_store st;
    memset(&st, 0, sizeof st);
    CHECK_INT(sw_event_store_init(&st, 1), 0);
    struct sw_event ev = make(SW_SEV_INFO, "before the journal");
    sw_event_store_record(&st, &ev, false);   /* no journal yet: kept in memory only */
    st.journal = &j;
    for (int i = 0; i < 3; i++) {
        ev = make(i == 1 ? SW_SEV_ERROR : SW_SEV_INFO, i == 1 ? "an error" : "a note");
        sw_event_store_record(&st, &ev, true);
    }
    sw_journal_close(&j);
    int fd = open(path, O_RDONLY);
    struct sw_journal_scan sc;
    CHECK_INT(sw_journal_scan(fd, &sc), 0);
    CHECK_INT((int)sc.n, 3);   /* all past the list's cap of 1, none from before the journal */
    if (sc.n == 3) {
        CHECK(sc.recs[0].b.ev.seq == 2 && sc.recs[2].b.ev.seq == 4);
        CHECK_STR(sc.recs[1].b.ev.text, "an error");
        CHECK_INT((int)sc.recs[1].b.kind, SW_JREC_EVENT);
    }
    sw_journal_scan_free(&sc);
    close(fd);
    sw_event_store_free(&st);
    CHECK_INT(sw_rundir_remove_tree(dir), 0);
}

static void drain_every_ring(void)
{
    struct sw_arena a;
    CHECK_INT(sw_arena_create(&a, 3, 4), 0);
    struct sw_event_store st;
    memset(&st, 0, sizeof st);
    CHECK_INT(sw_event_store_init(&st, 100), 0);
    /* slot 2 first, more than one drain pass's worth is not needed: order is slot by slot */
    for (int i = 0; i < 3; i++) {
        struct sw_event ev = make(SW_SEV_INFO, "from slot 2");
        CHECK(sw_ring_push(sw_arena_ring(&a, 2), &a.slots[2], &ev));
    }
    struct sw_event e0 = make(SW_SEV_ERROR, "from slot 0");
    CHECK(sw_ring_push(sw_arena_ring(&a, 0), &a.slots[0], &e0));
    CHECK(sw_event_store_drain(&st, &a, 3) == 4);
    CHECK(st.n == 4);
    CHECK_STR(st.ev[0].text, "from slot 0");
    CHECK_STR(st.ev[3].text, "from slot 2");
    CHECK(st.ev[3].seq == 4);
    CHECK_INT(st.error_events, 1);
    CHECK(sw_event_store_drain(&st, &a, 3) == 0);   /* nothing left */
    /* a slot past nslots is not touched */
    struct sw_event e2 = make(SW_SEV_INFO, "later");
    CHECK(sw_ring_push(sw_arena_ring(&a, 2), &a.slots[2], &e2));
    CHECK(sw_event_store_drain(&st, &a, 2) == 0);
    CHECK(sw_event_store_drain(&st, &a, 3) == 1);
    sw_event_store_free(&st);
    sw_arena_destroy(&a);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {{"numbering_cap_and_observer", numbering_cap_and_observer},
                                                {"journal_gets_every_event", journal_gets_every_event},
                                                {"drain_every_ring", drain_every_ring},
                                                {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
