/* The bounded, streaming reader of `stresswsl analyze` (issue 9 "analyze: bounded on any input"). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/analyze.h"

#define SW_AR_BUF (1024 * 1024)     /* one buffer per file, reused: memory stays flat */
#define SW_AR_SNIFF (64 * 1024)     /* the binary check looks at this much            */
#define SW_AR_PAD 64                /* zeroed bytes after the buffer: loads may pass its end */

#ifdef __SSE2__
#include <emmintrin.h>

/* The first newline in s[0, n). Lines are short (~70 bytes), where a 16-byte loop inline beats a call
 * to memchr; a load may read up to 15 bytes past n, inside the buffer's padding. */
static char *find_newline(char *s, size_t n)
{
    const __m128i nl = _mm_set1_epi8('\n');
    for (size_t i = 0; i < n; i += 16) {
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), nl));
        if (mask) {
            size_t k = i + (size_t)__builtin_ctz(mask);
            return k < n ? s + k : NULL;
        }
    }
    return NULL;
}
#else
static char *find_newline(char *s, size_t n)
{
    return n ? memchr(s, '\n', n) : NULL;
}
#endif

static void fill(struct sw_line_reader *r)
{
    if (r->eof)
        return;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    while (r->end < SW_AR_BUF) {
        ssize_t n = r->use_pread ? pread(r->fd, r->buf + r->end, SW_AR_BUF - r->end, (off_t)r->bytes)
                                 : read(r->fd, r->buf + r->end, SW_AR_BUF - r->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r->err = errno;
            r->eof = true;
            return;
        }
        if (n == 0) {
            r->eof = true;
            return;
        }
        r->end += (size_t)n;
        r->bytes += (uint64_t)n;
        if (r->end - r->start >= SW_AR_SNIFF)
            return;   /* enough to work on; the next fill tops it up */
    }
}

/* Text logs hold no NUL and few control bytes (TAB, CR, ESC of colored output and FF are fine). */
static bool looks_binary(const unsigned char *p, size_t n)
{
    size_t ctrl = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0)
            return true;
        if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != 0x1b && p[i] != '\f')
            ctrl++;
    }
    return ctrl * 100 > n;   /* more than 1% */
}

int sw_ar_open(struct sw_line_reader *r, const char *path, char *why, size_t why_cap)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(why, why_cap, "cannot read '%s': %s (give a saved dmesg/journalctl -k/kern.log file)", path,
                 strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, why_cap, "cannot read '%s': %s", path, strerror(errno));
        if (!is_stdin)
            close(fd);
        return -1;
    }
    if (!is_stdin) {
        const char *what = S_ISDIR(st.st_mode)                        ? "is a directory"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "is a device"
                           : S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ? "is a pipe or socket"
                           : !S_ISREG(st.st_mode)                     ? "is not a regular file"
                                                                       : NULL;
        if (what) {
            snprintf(why, why_cap, "'%s' %s, not a saved kernel log (give a file: dmesg > k.txt; or '-' for stdin)",
                     path, what);
            close(fd);
            return -1;
        }
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);   /* a regular file: plain blocking reads */
    }
    r->fd = fd;
    r->own_fd = !is_stdin;
    r->buf = calloc(1, SW_AR_BUF + SW_AR_PAD);   /* + the NUL after a last line without a newline */
    if (!r->buf) {
        snprintf(why, why_cap, "out of memory reading '%s'", path);
        sw_ar_close(r);
        return -1;
    }
    fill(r);
    if (r->err) {
        snprintf(why, why_cap, "cannot read '%s': %s", path, strerror(r->err));
        sw_ar_close(r);
        return -1;
    }
    if (r->end == 0) {
        snprintf(why, why_cap, "'%s' is empty: not a kernel log (save one with: sudo dmesg > k.txt)", path);
        sw_ar_close(r);
        return -1;
    }
    size_t sniff = r->end < SW_AR_SNIFF ? r->end : SW_AR_SNIFF;
    if (looks_binary((const unsigned char *)r->buf, sniff)) {
        snprintf(why, why_cap, "'%s' holds binary data: not a kernel log (give the text of dmesg or journalctl -k)",
                 path);
        sw_ar_close(r);
        return -1;
    }
    return 0;
}

/* Drops the rest of a cut line, up to and including its newline. */
static void skip_rest(struct sw_line_reader *r)
{
    while (r->skip_rest) {
        char *t = r->buf + r->start;
        size_t n = r->end - r->start;
        char *e = n ? memchr(t, '\n', n) : NULL;
        if (e) {
            r->start += (size_t)(e - t) + 1;
            r->skip_rest = false;
        } else {
            r->start = r->end;
            if (r->eof)
                r->skip_rest = false;
            else
                fill(r);
        }
    }
}

int sw_ar_open_at(struct sw_line_reader *r, int fd, uint64_t offset)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->use_pread = true;
    r->bytes = offset;   /* pread from here; the file offset the other reader uses is left alone */
    r->buf = calloc(1, SW_AR_BUF + SW_AR_PAD);
    if (!r->buf)
        return -1;
    fill(r);
    return r->err ? -1 : 0;
}

bool sw_ar_next(struct sw_line_reader *r, const char **line, size_t *len)
{
    skip_rest(r);
    for (;;) {
        char *s = r->buf + r->start;
        size_t avail = r->end - r->start;
        r->line_off = r->bytes - avail;   /* where the line handed out below starts in the file */
        char *nl = find_newline(s, avail);
        if (nl) {
            *line = s;
            *len = (size_t)(nl - s);
            r->start += *len + 1;
            if (*len > SW_AR_LINE_MAX) {
                *len = SW_AR_LINE_MAX;
                r->cut_lines++;
            }
            s[*len] = '\0';   /* the newline, or a byte of the cut-off rest */
            return true;
        }
        if (r->eof) {
            if (!avail)
                return false;
            *line = s;   /* the last line has no newline */
            *len = avail > SW_AR_LINE_MAX ? SW_AR_LINE_MAX : avail;
            r->start = r->end;
            s[*len] = '\0';   /* buf has a byte to spare after SW_AR_BUF */
            return true;
        }
        if (avail >= SW_AR_LINE_MAX) {
            /* an over-long line: hand out its first part; the next call skips the rest (which has no
             * newline in what is read so far, so the NUL below cannot hide one) */
            *line = s;
            *len = SW_AR_LINE_MAX;
            r->cut_lines++;
            r->start += SW_AR_LINE_MAX;
            r->skip_rest = true;
            s[*len] = '\0';
            return true;
        }
        fill(r);
    }
}

void sw_ar_close(struct sw_line_reader *r)
{
    if (r->own_fd && r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    free(r->buf);
    r->buf = NULL;
}
