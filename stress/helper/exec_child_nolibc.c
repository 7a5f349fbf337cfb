/* stresswsl-exec-child, no-libc flavour (x86-64 Linux): the execve storm's child with nothing but
 * the check. A static glibc program spends ~4x the kernel's own exec cost in start-up (TLS, IRELATIVE
 * relocs, tunables, stdio); this one is _start -> sw_xgen_check -> write -> exit_group, a few KiB,
 * no relocations, so each exec is the kernel's work plus the comparison the workload is about.
 * Same protocol as the glibc helper (stress/execve_child.c): one record to the pipe, then the exit
 * code. Built with -ffreestanding -nostdlib -static; CMake falls back to exec_child_main.c where
 * this cannot be built. */
#include "stress/execve_gen.h"
#include "stress/exit_check.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "exec_child_nolibc.c is for x86-64 Linux; CMake builds helper/exec_child_main.c elsewhere"
#endif

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_getpid 39
#define SYS_exit_group 231
#define O_RDONLY_CLOEXEC 02000000

void sw_xchild_main(long *sp) __attribute__((noreturn, used));

/* The kernel starts us with rsp -> argc, argv[], NULL, envp[], NULL, auxv; rsp is 16-byte aligned. */
__asm__(".text\n"
        ".global _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call sw_xchild_main\n"
        "  hlt\n");

static inline long sys1(long n, long a)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
    return r;
}

static inline long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

/* `exit PID CODE`: the exit workload's exec-from-thread check (stress/exit_check.h). */
static long read_fd(long fd, char *buf, long n)
{
    return sys3(SYS_read, fd, (long)buf, n);
}

static int exit_check(char **argv)
{
    char threads[64];
    int got = -1;
    long fd = sys3(SYS_open, (long)"/proc/self/status", O_RDONLY_CLOEXEC, 0);
    if (fd >= 0) {
        got = sw_exit_threads_line(fd, read_fd, threads, sizeof threads);
        sys1(SYS_close, fd);
    }
    return sw_exit_check(argv[2], argv[3], sys1(SYS_getpid, 0), got == 0 ? threads : 0);
}

void sw_xchild_main(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    if (sw_exit_check_mode(argc, argv))
        for (;;)
            sys1(SYS_exit_group, exit_check(argv));
    int fd;
    struct sw_xgen_record rec;
    int code = sw_xgen_check(argc, argv, envp, &fd, &rec);
    if (code != SW_XGEN_EXIT_USAGE) {
        rec.pid = (int32_t)sys1(SYS_getpid, 0);
        if (sys3(SYS_write, fd, (long)&rec, (long)sizeof rec) != (long)sizeof rec)
            code = SW_XGEN_EXIT_USAGE;
    }
    for (;;)
        sys1(SYS_exit_group, code);
}
