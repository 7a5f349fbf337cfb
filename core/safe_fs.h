/* Files the tool reads or removes in places another user might have written to (the state dir, --out
 * directories, run directories found by recovery): every step is relative to an open directory,
 * never follows a symlink, and only accepts what belongs to the user running the tool. */
#ifndef SW_SAFE_FS_H
#define SW_SAFE_FS_H

#include <stddef.h>
#include <sys/types.h>

/* Deepest directory tree sw_remove_tree_at descends into (one open directory per level). */
#define SW_REMOVE_MAX_DEPTH 64

/* Opens name under dirfd (AT_FDCWD allowed) as a directory that is not a symlink, is owned by the
 * effective user and is not writable by other users (unless sticky). Returns the fd (O_RDONLY,
 * O_DIRECTORY, close-on-exec) or -ELOOP symlink, -EPERM another owner, -EACCES writable by others,
 * -ENOTDIR, or another -errno. */
int sw_owned_dir_open(int dirfd, const char *name);
/* The same for an absolute path, opened one component at a time with no symlink and no "." or ".."
 * anywhere (the paths the tool records are realpath()s, so a symlink appearing later is refused). */
int sw_owned_dir_open_path(const char *abs_path);
/* Opens the regular file name under dirfd with flags (O_RDONLY or O_RDWR; O_NOFOLLOW and O_NONBLOCK
 * are added, so a FIFO cannot block), and checks it is a regular file with one link owned by the
 * effective user. Returns the fd or -ELOOP, -EPERM, -EINVAL (not a regular file), -EMLINK, -errno. */
int sw_owned_file_open(int dirfd, const char *name, int flags);
/* A phrase for the errors above ("is a symbolic link", "belongs to another user", ...). */
const char *sw_safe_fs_why(int err);
/* rm -rf of name under dirfd: never follows a symlink, never leaves the filesystem dirfd is on, only
 * descends into directories owned by the effective user (making them writable first: a workload may
 * leave a directory without permissions), at most SW_REMOVE_MAX_DEPTH levels. 0 if name is gone or
 * never existed, else the first -errno. */
int sw_remove_tree_at(int dirfd, const char *name);
/* Replaces name under dirfd with len bytes of data (core/atomic_write: temp file, fsync, rename)
 * and the directory synced). 0 or -errno. */
int sw_write_file_at(int dirfd, const char *name, const char *data, size_t len);

#endif
