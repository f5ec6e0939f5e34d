#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inflight.h"

/*
 * Layout: one byte at offset 0, one more than the slot a crashing thread
 * had (0, as in a file just truncated: none noted), then NSLOTS records of SLOT_SIZE bytes: phase (one byte,
 * 0: empty), then source, position and folder, each NUL-terminated (the
 * folder last: a path too long for the slot is what gets cut).
 */
#define SLOT_SIZE	8192
#define NO_CULPRIT	0

struct inflight {
	int	fd;
};

/* For the crash handler, which can reach nothing else. */
static int crash_fd = -1;
static __thread int my_slot = -1;

const char *
phase_name(int phase)
{
	switch (phase) {
	case PHASE_READING: return "reading";
	case PHASE_ADDING: return "taking in";
	case PHASE_PARSING: return "parsing";
	case PHASE_STORING: return "storing";
	default: return "handling";
	}
}

/* Async-signal-safe: one pwrite, then back to the default action, which
 * the re-raised or re-executed fault takes. */
static void
on_crash(int sig)
{
	unsigned char b;

	(void)sig;
	if (crash_fd >= 0 && my_slot >= 0) {
		b = (unsigned char)(my_slot + 1);
		(void)pwrite(crash_fd, &b, 1, 0);
	}
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED	1
#endif

static void
catch_crashes(int fd)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	crash_fd = fd;
#ifdef SANITIZED
	/* The sanitizer's own handlers report crashes; every message named
	 * is blamed then. */
	return;
#endif
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
}

enum rc
inflight_open(struct inflight **ip, const char *store_path, struct err *e)
{
	char *path = xasprintf("%s.inflight", store_path);
	struct inflight *in;
	int fd;

	*ip = NULL;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(e, RC_TEMP, "cannot open %s: %s", path,
		    strerror(errno));
		free(path);
		return e->rc;
	}
	free(path);
	/* Created 0600 whatever the umask; an older file is narrowed. */
	(void)fchmod(fd, 0600);
	in = xcalloc(1, sizeof(*in));
	in->fd = fd;
	catch_crashes(fd);
	*ip = in;
	return RC_OK;
}

void
inflight_close(struct inflight *in)
{
	if (in == NULL)
		return;
	if (crash_fd == in->fd)
		crash_fd = -1;
	/* A clean end leaves nothing to blame. */
	(void)ftruncate(in->fd, 0);
	close(in->fd);
	free(in);
}

/* The i-th NUL-terminated string of rec (n bytes), or NULL. */
static const char *
field(const char *rec, size_t n, int i)
{
	const char *p = rec, *end = rec + n, *z;

	for (;;) {
		if ((z = memchr(p, '\0', (size_t)(end - p))) == NULL)
			return NULL;
		if (i-- == 0)
			return p;
		p = z + 1;
	}
}

void
inflight_take(struct inflight *in, void (*cb)(void *, int, const char *,
    const char *, const char *), void *arg)
{
	static unsigned char buf[1 + NSLOTS * SLOT_SIZE];
	ssize_t n;
	int s, culprit;

	/* A slot not written to its end reads as NULs. */
	memset(buf, 0, sizeof(buf));
	n = pread(in->fd, buf, sizeof(buf), 0);

	/* Only a crash noted by the thread that had it blames a message.
	 * A process killed from outside (kill -9, a service manager's
	 * timeout, the OOM killer, a machine that stopped) tells nothing
	 * about the message it was working on: kills that come early in
	 * run after run would otherwise land on the first message of the
	 * folder each time and set an innocent message aside.  The memory
	 * budget per message keeps a message from making the OOM killer
	 * act. */
	culprit = n > 0 && buf[0] > 0 && buf[0] <= NSLOTS ? buf[0] - 1 : -1;
	if (culprit >= 0) {
		for (s = 0; s < NSLOTS; s++) {
			const char *rec = (const char *)buf + 1 + s * SLOT_SIZE;
			size_t len = SLOT_SIZE - 1;
			const char *src, *fol, *pos;

			if ((ssize_t)(1 + s * SLOT_SIZE) >= n ||
			    rec[0] == 0 || culprit != s)
				continue;
			src = field(rec + 1, len, 0);
			pos = field(rec + 1, len, 1);
			fol = field(rec + 1, len, 2);
			if (src != NULL && fol != NULL && pos != NULL)
				cb(arg, rec[0], src, fol, pos);
		}
	}
	(void)ftruncate(in->fd, 0);
	buf[0] = NO_CULPRIT;
	(void)pwrite(in->fd, buf, 1, 0);
}

void
inflight_thread(enum slot slot)
{
	my_slot = (int)slot;
}

/* Append s, cut to fit, with its NUL; returns the new offset. */
static size_t
put(char *rec, size_t off, const char *s)
{
	size_t n = strlen(s), room = SLOT_SIZE - off - 1;

	if (n > room)
		n = room;
	memcpy(rec + off, s, n);
	rec[off + n] = '\0';
	return off + n + 1;
}

void
inflight_set(struct inflight *in, enum slot slot, int phase,
    const char *source, const char *folder, const char *position)
{
	char rec[SLOT_SIZE];
	size_t n = 1;
	off_t at = 1 + (off_t)slot * SLOT_SIZE;

	if (in == NULL)
		return;
	if (source == NULL) {
		rec[0] = 0;
		(void)pwrite(in->fd, rec, 1, at);
		return;
	}
	rec[0] = (char)phase;
	n = put(rec, n, source);
	n = n < SLOT_SIZE ? put(rec, n, position) : n;
	n = n < SLOT_SIZE ? put(rec, n, folder ? folder : "") : n;
	(void)pwrite(in->fd, rec, n, at);
}
