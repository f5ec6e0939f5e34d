/*
 * Files the program writes.  Whoever may write a directory the program
 * writes into must not be able to make it write somewhere else: a file is
 * never opened through a symbolic link, a temporary file always has a
 * fresh name of its own (never a predictable one that a link could be
 * planted at), and every file gets its mode and group from the
 * configuration, never from the umask.
 */
#ifndef AC_FILES_H
#define AC_FILES_H

#include <stdio.h>
#include <sys/types.h>

#include "util.h"

/* No group to set: the file keeps the one it was created with. */
#define NO_GROUP	((gid_t)-1)

/*
 * A file written whole or not at all.  atomic_file_open creates a new
 * file with a unique name (mkstemp) in path's directory, with mode (and
 * group gid unless NO_GROUP), and opens f on it.  atomic_file_commit
 * flushes and syncs it and renames it over path; atomic_file_abort
 * removes it.  Either of them releases af, also on failure; errors name
 * the file.  RC_TEMP when the disk is full (the error says where to free
 * space), RC_FATAL on any other failure (a disk or directory problem).
 */
struct atomic_file {
	FILE	*f;
	char	*path;		/* where it goes */
	char	*tmp;		/* where it is written */
};

enum rc atomic_file_open(struct atomic_file *af, const char *path,
    mode_t mode, gid_t gid, struct err *e);
enum rc atomic_file_commit(struct atomic_file *af, struct err *e);
void atomic_file_abort(struct atomic_file *af);

/*
 * Give the file at path exactly mode and (unless NO_GROUP) group gid.
 * A file that is absent is created empty with them when create is set,
 * and left absent otherwise.  A symbolic link or anything but a regular
 * file is refused; a file owned by another user is left as it is.  *old
 * is set to the mode the file had when it was changed, to -1 otherwise.
 * RC_FATAL with the path on failure.
 */
enum rc file_secure(const char *path, mode_t mode, gid_t gid, int create,
    int *old, struct err *e);

/*
 * The same for a file that another part of this process may hold open
 * with POSIX locks (SQLite's store, -wal and -shm once it has opened
 * them): it is changed through its name and never opened, because
 * closing any descriptor of a file drops all of the process's locks on
 * it.  Nothing is created.
 */
enum rc file_secure_held(const char *path, mode_t mode, gid_t gid, int *old,
    struct err *e);

/*
 * A file holding a secret (a password, a token, a signing key) must not
 * be readable by others.  0 when mode keeps it private; -1 otherwise,
 * with "'PATH' is readable by others (mode 0644): chmod o-r it" in msg.
 */
int secret_file_private(const char *path, mode_t mode, char *msg, size_t n);

/*
 * A full disk is a temporary failure: nothing is lost, and the run after
 * someone freed space goes on where this one stopped.  errno_full() is 1
 * for the errno of a write that found no room (ENOSPC, EDQUOT).
 * fs_full_advice() says in out where to free it: "free space on the file
 * system mounted on /var (12 KiB of 20 GiB free) and run again", for the
 * file system that holds path (a file, or a directory).
 */
int errno_full(int err);
void fs_full_advice(const char *path, char *out, size_t outsz);

#endif
