/* Runs inside a fatal signal: only async-signal-safe calls, no allocation (poisoned below). */
#include "core/crashsig.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#pragma GCC poison malloc calloc realloc free printf fprintf snprintf sprintf

/* The handler has no other way to find the slot: one per worker process, set once after fork. */
static struct sw_slot *crash_slot;

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};

static uint64_t context_ip(const void *ucv)
{
    const ucontext_t *uc = ucv;
    if (!uc)
        return 0;
#if defined(__x86_64__)
    return (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
    return (uint64_t)uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
    return (uint64_t)uc->uc_mcontext.pc;
#else
    return 0;
#endif
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
    int saved = errno;
    struct sw_slot *s = crash_slot;
    if (s) {
        unsigned cpu = 0;
        int c = syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 ? (int)cpu : -1;
        atomic_store(&s->fault_signo, sig);
        atomic_store(&s->fault_code, si ? si->si_code : 0);
        /* si_addr is only meaningful for a real fault; for kill() the union holds the sender. */
        bool sent = !si || si->si_code <= 0;
        atomic_store(&s->fault_addr, sent ? 0 : (uint64_t)(uintptr_t)si->si_addr);
        atomic_store(&s->fault_sender, sent && si ? (int)si->si_pid : 0);
        atomic_store(&s->fault_ip, context_ip(uc));
        atomic_store(&s->fault_cpu, c);
        atomic_fetch_add(&s->fault_count, 1);
    }
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    /* A signal sent by kill()/raise() (si_code <= 0) does not re-execute: send it again so it
     * still ends the process as intended. */
    if (!si || si->si_code <= 0)
        raise(sig);
    errno = saved;
}

int sw_crashsig_install(struct sw_slot *slot)
{
    crash_slot = slot;
    size_t sz = 64 * 1024;
    void *stk = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stk == MAP_FAILED)
        return -errno;
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = stk;
    ss.ss_size = sz;
    if (sigaltstack(&ss, NULL) != 0)
        return -errno;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
        if (sigaction(fatal_signals[i], &sa, NULL) != 0)
            return -errno;
    return 0;
}
