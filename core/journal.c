/* The journal writer and reader. The append path (sw_journal_append and what it calls) runs while the
 * machine may be failing: no allocation, no locks, no stdio — the poison pragma below makes a stray
 * call a compile error in this whole file. */
#include "core/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "core/fmt.h"

#pragma GCC poison malloc calloc realloc free printf fprintf snprintf sprintf

/* Half-byte table for the reflected IEEE polynomial 0xEDB88320: small, constant, fast enough for
 * 512-byte records. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
    0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu, 0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t sw_crc32(uint32_t crc, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
    }
    return ~crc;
}

void sw_journal_hdr_init(struct sw_journal_hdr *h, uint32_t capacity)
{
    memset(h, 0, sizeof *h);
    memcpy(h->f.magic, SW_JOURNAL_MAGIC, 8);
    h->f.version = SW_JOURNAL_VERSION;
    h->f.hdr_size = SW_JOURNAL_HDR_SIZE;
    h->f.rec_size = SW_JOURNAL_REC_SIZE;
    h->f.capacity = capacity ? capacity : SW_JOURNAL_DEFAULT_CAP;
}

uint32_t sw_journal_hdr_crc(const struct sw_journal_hdr *h)
{
    return sw_crc32(0, h->raw, offsetof(struct sw_journal_hdr_fields, crc));
}

/* write(2) all of buf at off; lseek + write rather than pwrite: both are on the async-signal-safe
 * list, and this keeps one code path for the crash handler and the normal one. */
static int write_at(int fd, off_t off, const void *buf, size_t len)
{
    if (lseek(fd, off, SEEK_SET) != off)
        return -errno;
    const unsigned char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int sw_journal_write_hdr(int fd, struct sw_journal_hdr *h)
{
    h->f.crc = sw_journal_hdr_crc(h);
    int rc = write_at(fd, 0, h->raw, sizeof h->raw);
    if (rc == 0 && fdatasync(fd) != 0)
        rc = -errno;
    return rc;
}

static int refuse_ramfs(int fd, const char *path, struct sw_diag *d)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) != 0)
        return 0;   /* cannot tell: go on */
    if (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC)
        return sw_fail_input(d, -EXDEV,
                       "the journal %s is on tmpfs, which does not survive the crash it records: "
                       "use --out DIR (or XDG_STATE_HOME) on a disk filesystem",
                       path);
    return 0;
}

/* Pre-zero the whole file: posix_fallocate leaves unwritten extents on ext4, and the first write into
 * each would need a metadata commit; overwriting written zeros keeps fdatasync to data only. */
static int prezero(int fd, const struct sw_journal_hdr *h)
{
    static const unsigned char zeros[65536];
    uint64_t total = (uint64_t)SW_JOURNAL_HDR_SIZE + (uint64_t)h->f.capacity * SW_JOURNAL_REC_SIZE;
    uint64_t off = 0;
    while (off < total) {
        size_t n = total - off < sizeof zeros ? (size_t)(total - off) : sizeof zeros;
        int rc = write_at(fd, (off_t)off, zeros, n);
        if (rc < 0)
            return rc;
        off += n;
    }
    return 0;
}

static int open_one(const char *path, const struct sw_journal_hdr *h, struct sw_diag *d, int *out)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return sw_fail(d, -errno, "cannot create the journal %s: %s: check the directory's permissions "
                                  "or choose another with --out", path, strerror(errno));
    int rc = refuse_ramfs(fd, path, d);
    /* The lock says "this run is alive" to a concurrent recovery; the kernel drops it on death. */
    if (rc == 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)
        rc = sw_fail(d, -errno, "the journal %s is in use by another stresswsl: use another --out", path);
    if (rc == 0 && ftruncate(fd, 0) != 0)
        rc = sw_fail(d, -errno, "cannot truncate the journal %s: %s", path, strerror(errno));
    if (rc == 0) {
        rc = prezero(fd, h);
        if (rc < 0)
            sw_fail(d, rc, "cannot preallocate the journal %s: %s: free some disk space or use --out",
                    path, strerror(-rc));
    }
    if (rc == 0) {
        struct sw_journal_hdr copy = *h;
        rc = sw_journal_write_hdr(fd, &copy);
        if (rc == 0 && fsync(fd) != 0)
            rc = -errno;
        if (rc < 0)
            sw_fail(d, rc, "cannot write the journal %s: %s", path, strerror(-rc));
    }
    if (rc < 0) {
        if (rc != -EWOULDBLOCK)
            unlink(path);
        close(fd);
        return rc;
    }
    *out = fd;
    return 0;
}

int sw_journal_create(struct sw_journal *j, const char *path, const char *mirror_path,
                      const struct sw_journal_hdr *hdr, struct sw_diag *d)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    j->mirror_fd = -1;
    j->hdr = *hdr;
    j->capacity = hdr->f.capacity;
    j->next_seq = 1;
    int rc = open_one(path, &j->hdr, d, &j->fd);
    if (rc < 0)
        return rc;
    if (mirror_path) {
        rc = open_one(mirror_path, &j->hdr, d, &j->mirror_fd);
        if (rc < 0) {
            /* The run will not start: its journal, never ended, would read as a crash next time. */
            unlink(path);
            close(j->fd);
            j->fd = -1;
            return rc;
        }
    }
    j->hdr.f.crc = sw_journal_hdr_crc(&j->hdr);
    return 0;
}

int sw_journal_append(struct sw_journal *j, enum sw_jrec_kind kind, const struct sw_event *ev,
                      uint64_t mono_ns, bool sync)
{
    if (j->fd < 0)
        return -EBADF;
    struct sw_jrec *r = &j->stage;
    memset(r, 0, sizeof *r);
    r->b.magic = SW_JOURNAL_REC_MAGIC;
    r->b.kind = (uint32_t)kind;
    r->b.jseq = j->next_seq++;
    r->b.mono_ns = mono_ns;
    if (ev)
        r->b.ev = *ev;
    r->b.ev.crc = 0;
    r->b.ev.crc = sw_crc32(0, r, sizeof *r);
    off_t off = (off_t)SW_JOURNAL_HDR_SIZE + (off_t)((r->b.jseq - 1) % j->capacity) * SW_JOURNAL_REC_SIZE;
    int rc = write_at(j->fd, off, r, sizeof *r);
    if (rc == 0 && sync && fdatasync(j->fd) != 0)
        rc = -errno;
    if (rc < 0)
        j->write_errors++;
    if (j->mirror_fd >= 0) {
        int mrc = write_at(j->mirror_fd, off, r, sizeof *r);
        if (mrc == 0 && sync && fdatasync(j->mirror_fd) != 0)
            mrc = -errno;
        if (mrc < 0)
            j->mirror_errors++;
    }
    return rc;
}

int sw_journal_end(struct sw_journal *j, uint64_t end_real_ns)
{
    if (j->fd < 0)
        return -EBADF;
    struct sw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = end_real_ns;
    ev.worker = -1;
    ev.cpu = -1;
    ev.node = -1;
    ev.workload = -1;
    sw_strlcpy(ev.what, "end", sizeof ev.what);
    int rc = sw_journal_append(j, SW_JREC_END, &ev, 0, false);
    j->hdr.f.clean_end = 1;
    j->hdr.f.end_real_ns = end_real_ns;
    int hrc = sw_journal_write_hdr(j->fd, &j->hdr);
    if (j->mirror_fd >= 0)
        sw_journal_write_hdr(j->mirror_fd, &j->hdr);
    sw_journal_close(j);
    return rc < 0 ? rc : hrc;
}

void sw_journal_close(struct sw_journal *j)
{
    if (j->fd >= 0)
        close(j->fd);
    if (j->mirror_fd >= 0)
        close(j->mirror_fd);
    j->fd = -1;
    j->mirror_fd = -1;
}

void sw_boot_id(char *out, size_t cap)
{
    if (!cap)
        return;
    out[0] = '\0';
    int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    sw_strlcpy(out, buf, cap);
}
