/* The live /dev/kmsg monitor, forked as the runner forks it: a benign WARNING line written to
 * /dev/kmsg must come back as one warning event; nothing from before run start may come back; the
 * child must stop promptly when the stop word is set. SKIPs where /dev/kmsg is not writable. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "probes/kmsg_monitor.h"
#include "tests/harness/check.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void warning_round_trip(void)
{
    if (access("/dev/kmsg", W_OK) != 0)
        SW_SKIP("/dev/kmsg is not writable here (needs root)");
    struct sw_diag d = {0};
    CHECK_MSG(sw_kmsg_monitor_check(NULL, &d) == 0, "start_check: %s", d.msg);
    CHECK_STR(sw_kmsg_monitor.name, "kmsg");

    struct sw_arena a;
    CHECK(sw_arena_create(&a, 1, 64) == 0);
    struct sw_monitor_io io = {
        .ring = sw_arena_ring(&a, 0),
        .slot = &a.slots[0],
        .stop = &a.hdr->stop,
        .run_start_real_ns = sw_now_real_ns(),
    };
    pid_t pid = fork();
    if (pid == 0)
        _exit(sw_kmsg_monitor.run(&io, sw_kmsg_monitor.arg) == 0 ? 0 : 3);
    CHECK(pid > 0);
    if (pid <= 0) {
        sw_arena_destroy(&a);
        return;
    }

    /* A unique nonce so another test writing the same line at the same time cannot confuse us. */
    char msg[200], nonce[32];
    snprintf(nonce, sizeof nonce, "nonce=%d", (int)getpid());
    int n = snprintf(msg, sizeof msg,
                     "<4>stresswsl-test: WARNING: CPU: 0 PID: 1 at test/kmsg.c:1 stresswsl_selftest %s\n", nonce);
    int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, msg, (size_t)n) == n);
        close(fd);
    }

    /* Bounded wait for the event (the monitor completes a report after 1 s of quiet). */
    struct sw_event evs[64];
    int found = 0, stale = 0;
    for (int waited = 0; waited < 10000 && !found; waited += 50) {
        size_t got = sw_ring_drain(io.ring, evs, 64);
        for (size_t i = 0; i < got; i++) {
            if (evs[i].type == SW_EV_KERNEL && evs[i].t_ns && evs[i].t_ns + 2000000000ull < io.run_start_real_ns)
                stale++;
            if (evs[i].type == SW_EV_KERNEL && strstr(evs[i].text, nonce)) {
                found++;
                CHECK_INT(evs[i].klog_kind, SW_KLOG_WARNING);
                CHECK_INT(evs[i].sev, SW_SEV_WARN);
                CHECK_STR(evs[i].u.klog.where, "test/kmsg.c:1");
                CHECK_INT(evs[i].cpu, 0);
                CHECK_INT(evs[i].worker, -1);
                CHECK(evs[i].t_ns >= io.run_start_real_ns - 2000000000ull);
            }
        }
        if (!found)
            sleep_ms(50);
    }
    CHECK_MSG(found == 1, "the WARNING written to /dev/kmsg came back %d times", found);
    CHECK_MSG(stale == 0, "%d events from before run start were reported", stale);

    /* Stop: the child polls with a 100 ms timeout, so it must be gone well within a few seconds
     * (a generous bound, not a speed assertion). */
    atomic_store(&a.hdr->stop, 1);
    int status = 0, waited_ms = 0;
    pid_t w = 0;
    while ((w = waitpid(pid, &status, WNOHANG)) == 0 && waited_ms < 3000) {
        sleep_ms(10);
        waited_ms += 10;
    }
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    CHECK_MSG(w == pid, "the monitor did not exit within 3 s of stop");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("monitor exited %d ms after stop\n", waited_ms);
    struct sw_slot_snapshot snap;
    sw_slot_read(&a.slots[0], &snap);
    CHECK_INT(snap.state, SW_SLOT_DONE);
    CHECK(snap.ops >= 1);   /* records read since run start */
    sw_arena_destroy(&a);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"warning_round_trip", warning_round_trip},
        {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
