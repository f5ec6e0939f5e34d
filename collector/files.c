#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "files.h"

/* Mode and group on an open descriptor: the group first, since changing
 * it may clear mode bits. */
static int
set_perm(int fd, mode_t mode, gid_t gid)
{
	if (gid != NO_GROUP && fchown(fd, (uid_t)-1, gid) != 0)
		return -1;
	return fchmod(fd, mode);
}

/* "what 'path': strerror", from errno: RC_TEMP with where to free
 * space when the disk is full, else RC_FATAL. */
static enum rc
write_failed(struct err *e, const char *what, const char *path)
{
	int err = errno;
	char advice[256];

	if (!errno_full(err))
		return err_set(e, RC_FATAL, "%s '%s': %s", what, path,
		    strerror(err));
	fs_full_advice(path, advice, sizeof(advice));
	return err_set(e, RC_TEMP, "%s '%s': %s; %s", what, path,
	    strerror(err), advice);
}

enum rc
atomic_file_open(struct atomic_file *af, const char *path, mode_t mode,
    gid_t gid, struct err *e)
{
	const char *slash = strrchr(path, '/');
	int fd;

	memset(af, 0, sizeof(*af));
	/* A dot file in the same directory, so that the rename stays on
	 * one file system and a directory listing passes it over. */
	if (slash == NULL)
		af->tmp = xasprintf(".%s.XXXXXX", path);
	else
		af->tmp = xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path),
		    path, slash + 1);
	/* mkstemp opens with O_CREAT | O_EXCL and mode 0600: a name that
	 * exists, a symbolic link included, is never opened. */
	if ((fd = mkostemp(af->tmp, O_CLOEXEC)) < 0) {
		write_failed(e, "cannot create a temporary file for", path);
		free(af->tmp);
		af->tmp = NULL;
		return e->rc;
	}
	if (set_perm(fd, mode, gid) != 0) {
		err_set(e, RC_FATAL, "cannot set the mode%s of '%s': %s",
		    gid != NO_GROUP ? " and group" : "", af->tmp,
		    strerror(errno));
		close(fd);
		goto fail;
	}
	if ((af->f = fdopen(fd, "w")) == NULL) {
		err_set(e, RC_FATAL, "cannot write '%s': %s", af->tmp,
		    strerror(errno));
		close(fd);
		goto fail;
	}
	af->path = xstrdup(path);
	return RC_OK;
fail:
	unlink(af->tmp);
	free(af->tmp);
	af->tmp = NULL;
	return RC_FATAL;
}

enum rc
atomic_file_commit(struct atomic_file *af, struct err *e)
{
	enum rc rc = RC_OK;

	if (fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0)
		rc = write_failed(e, "cannot write", af->tmp);
	if (fclose(af->f) != 0 && rc == RC_OK)
		rc = write_failed(e, "cannot write", af->tmp);
	af->f = NULL;
	if (rc == RC_OK && rename(af->tmp, af->path) != 0)
		rc = err_set(e, RC_FATAL, "cannot rename '%s' to '%s': %s",
		    af->tmp, af->path, strerror(errno));
	if (rc != RC_OK)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
	return rc;
}

void
atomic_file_abort(struct atomic_file *af)
{
	if (af->f != NULL)
		fclose(af->f);
	if (af->tmp != NULL)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
}

enum rc
file_secure_held(const char *path, mode_t mode, gid_t gid, int *old,
    struct err *e)
{
	struct stat st;

	*old = -1;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? RC_OK : err_set(e, RC_FATAL,
		    "cannot read the mode of '%s': %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return err_set(e, RC_FATAL, "cannot open '%s': it is a "
		    "symbolic link", path);
	if (!S_ISREG(st.st_mode))
		return err_set(e, RC_FATAL, "'%s' is not a regular file", path);
	if (st.st_uid != geteuid() || ((st.st_mode & 07777) == mode &&
	    (gid == NO_GROUP || st.st_gid == gid)))
		return RC_OK;
	if (gid != NO_GROUP && st.st_gid != gid &&
	    lchown(path, (uid_t)-1, gid) != 0)
		return err_set(e, RC_FATAL, "cannot set the group of '%s': %s",
		    path, strerror(errno));
	/* Never through a link put there since the lstat; without /proc
	 * (which the C library needs for that), by name. */
	if (fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW) != 0 &&
	    ((errno != EOPNOTSUPP && errno != ENOTSUP) ||
	    chmod(path, mode) != 0))
		return err_set(e, RC_FATAL, "cannot set the mode of '%s': %s",
		    path, strerror(errno));
	*old = (int)(st.st_mode & 07777);
	return RC_OK;
}

int
secret_file_private(const char *path, mode_t mode, char *msg, size_t n)
{
	if (!(mode & S_IROTH))
		return 0;
	snprintf(msg, n, "'%s' is readable by others (mode %04o): chmod o-r "
	    "it", path, (unsigned)(mode & 07777));
	return -1;
}

enum rc
file_secure(const char *path, mode_t mode, gid_t gid, int create, int *old,
    struct err *e)
{
	struct stat st;
	int fd = -1, flags, created = 0;
	enum rc rc = RC_OK;

	*old = -1;
	/* O_NOFOLLOW: a link planted at the name is refused, not followed
	 * (and not created through).  A new file starts with no more than
	 * mode allows; the exact mode is set below. */
	flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	if (create) {
		fd = open(path, flags | O_CREAT | O_EXCL, mode & 0600);
		created = fd >= 0;
	}
	if (fd < 0 && (!create || errno == EEXIST))
		fd = open(path, flags);
	if (fd < 0 && errno == ENOENT && !create)
		return RC_OK;
	if (fd < 0)
		return err_set(e, RC_FATAL, "cannot open '%s': %s", path,
		    errno == ELOOP || errno == EEXIST ?
		    "it is a symbolic link" : strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = err_set(e, RC_FATAL, "cannot read the mode of '%s': %s",
		    path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(e, RC_FATAL, "'%s' is not a regular file", path);
		goto out;
	}
	if (st.st_uid != geteuid())
		goto out;
	if ((st.st_mode & 07777) == mode &&
	    (gid == NO_GROUP || st.st_gid == gid))
		goto out;
	if (set_perm(fd, mode, gid) != 0) {
		rc = err_set(e, RC_FATAL, "cannot set the mode%s of '%s': %s",
		    gid != NO_GROUP ? " and group" : "", path,
		    strerror(errno));
		goto out;
	}
	if (!created)
		*old = (int)(st.st_mode & 07777);
out:
	close(fd);
	return rc;
}

int
errno_full(int err)
{
	return err == ENOSPC || err == EDQUOT;
}

/* n bytes as "12 KiB", "3.1 MiB". */
static void
size_human(unsigned long long n, char *out, size_t outsz)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n / 1024;
	size_t u = 0;

	if (n < 1024) {
		snprintf(out, outsz, "%llu bytes", n);
		return;
	}
	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	snprintf(out, outsz, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

void
fs_full_advice(const char *path, char *out, size_t outsz)
{
	char *dir, *real, *parent, *slash, avail[32], total[32];
	struct statvfs vfs;
	struct stat st, up;

	/* The directory holding path, absolute; then up while the parent
	 * is on the same device: the mount point. */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		dir = xstrdup(path);
	} else if ((slash = strrchr(path, '/')) == NULL) {
		dir = xstrdup(".");
	} else {
		dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	}
	/* A directory not made yet: the nearest one above that is. */
	while ((real = realpath(dir, NULL)) == NULL &&
	    (slash = strrchr(dir, '/')) != NULL && slash != dir)
		*slash = '\0';
	if (real == NULL || stat(real, &st) != 0) {
		snprintf(out, outsz, "free space where '%s' is and run again",
		    dir);
		free(real);
		free(dir);
		return;
	}
	free(dir);
	while (strcmp(real, "/") != 0) {
		slash = strrchr(real, '/');
		parent = slash == real ? xstrdup("/") :
		    xstrndup(real, (size_t)(slash - real));
		if (stat(parent, &up) != 0 || up.st_dev != st.st_dev) {
			free(parent);
			break;
		}
		free(real);
		real = parent;
	}
	if (statvfs(real, &vfs) == 0) {
		size_human((unsigned long long)vfs.f_bavail * vfs.f_frsize,
		    avail, sizeof(avail));
		size_human((unsigned long long)vfs.f_blocks * vfs.f_frsize,
		    total, sizeof(total));
		snprintf(out, outsz, "free space on the file system mounted "
		    "on %s (%s of %s free) and run again", real, avail, total);
	} else {
		snprintf(out, outsz, "free space on the file system mounted "
		    "on %s and run again", real);
	}
	free(real);
}
