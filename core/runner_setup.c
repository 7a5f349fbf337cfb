/* The run's process setup and its journal: signals read from a signalfd (blocked, never handled
 * asynchronously), SIGPIPE ignored, the child subreaper, and the journal's header. */
#include "core/runner_state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/fmt.h"
#include "core/rundir.h"

int runner_setup_signals(struct runner *r)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    /* Under nohup SIGHUP is ignored on purpose: keep it that way. */
    struct sigaction cur;
    if (sigaction(SIGHUP, NULL, &cur) == 0 && cur.sa_handler != SIG_IGN)
        sigaddset(&set, SIGHUP);
    /* A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded even
     * while blocked: `stresswsl ... &` then `kill -INT` must still stop the run. The default action
     * never fires here because the signals stay blocked and are read from the signalfd. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGTERM, &dfl, NULL);
    if (sigprocmask(SIG_BLOCK, &set, &r->priv->oldmask) != 0)
        return -errno;
    r->priv->mask_set = true;
    r->priv->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (r->priv->sigfd < 0)
        return -errno;
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &r->priv->old_pipe);
    /* Orphaned grandchildren (compile trees) come to us, not to init, so we can reap them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return 0;
}

int runner_open_journal(struct runner *r)
{
    struct sw_journal_hdr h;
    sw_journal_hdr_init(&h, SW_JOURNAL_DEFAULT_CAP);
    sw_strlcpy(h.f.run_id, r->res->run_id, sizeof h.f.run_id);
    sw_strlcpy(h.f.tool_version, SW_VERSION, sizeof h.f.tool_version);
    sw_strlcpy(h.f.boot_id, r->boot_id, sizeof h.f.boot_id);
    h.f.start_real_ns = r->start_real;
    h.f.runner_pid = (int32_t)getpid();
    sw_strlcpy(h.f.profile, r->job->profile, sizeof h.f.profile);
    sw_strlcpy(h.f.tmp_root, r->tmp_root, sizeof h.f.tmp_root);
    struct utsname u;
    uname(&u);
    snprintf(h.f.env, sizeof h.f.env, "kernel=%s machine=%s cpus=%d vm=%s", u.release, u.machine,
             r->plan.budget.in.online_cpus, r->plan.is_vm ? "yes" : "no");
    sw_run_plan_summary(&r->plan, h.f.plan, sizeof h.f.plan);
    h.f.nphases = (uint32_t)r->job->nphases;
    for (int p = 0; p < r->job->nphases && p < SW_JOURNAL_MAX_PHASES; p++)
        sw_strlcpy(h.f.phase_names[p], r->job->phases[p].name, sizeof h.f.phase_names[p]);
    for (int i = 0; i < r->plan.names.nwl && i < SW_JOURNAL_MAX_WL; i++) {
        h.f.wl[i].id = r->plan.names.wl[i].id;
        sw_strlcpy(h.f.wl[i].name, r->plan.names.wl[i].name, sizeof h.f.wl[i].name);
        h.f.nwl++;
    }
    snprintf(r->journal_path, sizeof r->journal_path, "%s/journal", r->res->run_dir);
    char mirror[700];
    const char *mp = NULL;
    if (r->o->mirror_dir) {
        snprintf(mirror, sizeof mirror, "%s/%s", r->o->mirror_dir, r->res->run_id);
        int rc = sw_mkdir_p(mirror, 0755);
        if (rc < 0)
            return sw_fail(r->d, rc, "cannot create the mirror directory %s: %s: check --mirror", mirror,
                           strerror(-rc));
        snprintf(mirror + strlen(mirror), sizeof mirror - strlen(mirror), "/journal");
        mp = mirror;
    }
    int rc = sw_journal_create(&r->priv->journal, r->journal_path, mp, &h, r->d);
    if (rc < 0)
        return rc;
    r->priv->journal_open = true;
    r->events.journal = &r->priv->journal;
    return 0;
}

void runner_restore_signals(struct sw_runner_priv *pv)
{
    if (pv->sigfd >= 0) {
        /* Swallow what arrived while the reports were written, so unblocking does not kill us. */
        struct signalfd_siginfo si;
        while (read(pv->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
            ;
        close(pv->sigfd);
        pv->sigfd = -1;
    }
    if (pv->mask_set) {
        sigprocmask(SIG_SETMASK, &pv->oldmask, NULL);
        sigaction(SIGPIPE, &pv->old_pipe, NULL);
        pv->mask_set = false;
    }
}
