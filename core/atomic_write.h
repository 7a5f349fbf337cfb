/* Replacing a file so that a reader (or a crash) sees either the old contents or the new, never a
 * half-written file: the new contents go to a temp file beside it ("NAME.tmp-PID", created with
 * O_EXCL|O_NOFOLLOW), which is fsync'd, renamed over NAME, and then the directory is fsync'd so the
 * rename itself survives a crash. On every failure the temp file is removed and NAME is untouched.
 * A device or FIFO named directly (/dev/null), or a link to a descriptor this process holds
 * (/dev/stdout, /dev/fd/N), is written into instead: a rename would replace the device node or the
 * link with a regular file. Any other symlink is replaced, never written through. */
#ifndef SW_ATOMIC_WRITE_H
#define SW_ATOMIC_WRITE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/diag.h"

struct sw_atomic_file {
    int fd;              /* the temp file, open for writing; -1 once closed */
    int dirfd;           /* the directory both names live in                */
    int own_dirfd;       /* dirfd was opened here (closed when done)        */
    int direct;          /* fd is the target itself (a device or FIFO): no temp, no rename */
    char name[256];      /* the final name inside dirfd                     */
    char tmp[288];       /* the temp name inside dirfd                      */
    char shown[1024];    /* the path as given, for messages                 */
    int slot;            /* its entry for sw_atomic_remove_pending, -1 none  */
};

/* Starts replacing path (its directory must exist). 0, or -errno with d naming the path. */
int sw_atomic_begin(struct sw_atomic_file *a, const char *path, struct sw_diag *d);
/* The same for name (one path component) under an open directory (AT_FDCWD allowed). */
int sw_atomic_begin_at(struct sw_atomic_file *a, int dirfd, const char *name, struct sw_diag *d);
/* Writes all of data to the temp file (EINTR and short writes retried). 0 or -errno. */
int sw_atomic_put(struct sw_atomic_file *a, const void *data, size_t len, struct sw_diag *d);
/* fsync, close, rename over the final name, fsync the directory. 0, or -errno with the temp file
 * removed. Ends a (either way). */
int sw_atomic_commit(struct sw_atomic_file *a, struct sw_diag *d);
/* Gives up: closes and removes the temp file; the final name is untouched. Ends a. */
void sw_atomic_abandon(struct sw_atomic_file *a);

/* Removes the temp files of every write still under way: for a SIGINT/SIGTERM handler (only
 * async-signal-safe calls), so Ctrl-C leaves nothing behind. */
void sw_atomic_remove_pending(void);

/* The usual case: fill writes the whole contents through a stdio stream (its own errors go to d and
 * a negative return); the rest is as above. */
typedef int (*sw_atomic_fill_fn)(FILE *f, const void *arg, struct sw_diag *d);
int sw_atomic_write(const char *path, sw_atomic_fill_fn fill, const void *arg, struct sw_diag *d);
/* len bytes of data (sw_atomic_begin_at, put, commit). 0 or -errno. */
int sw_atomic_write_at(int dirfd, const char *name, const void *data, size_t len, struct sw_diag *d);

/* A document rendered by fn (a report or fleet writer: Markdown, HTML, CSV ...). */
typedef int (*sw_doc_writer_fn)(const json_t *doc, FILE *f, struct sw_diag *d);
int sw_atomic_write_doc(const char *path, const json_t *doc, sw_doc_writer_fn fn, struct sw_diag *d);
/* A JSON document (json_dumpf flags), followed by a newline. */
int sw_atomic_write_json(const char *path, const json_t *j, size_t flags, struct sw_diag *d);

#endif
