/* inflight.c: what a process that died was working on, and which of its
 * threads died. */
#include "autoconf.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inflight.h"
#include "tap.h"
#include "util.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED	1
#endif

static char store[256];
static char seen[8][256];
static int nseen;

static void
collect(void *arg, int phase, const char *source, const char *folder,
    const char *position)
{
	(void)arg;
	if (nseen < 8)
		snprintf(seen[nseen++], sizeof(seen[0]), "%s|%s|%.40s|%s",
		    phase_name(phase), source, folder, position);
}

/* What the next process finds. */
static void
take(void)
{
	struct inflight *in;
	struct err e;

	nseen = 0;
	if (inflight_open(&in, store, &e) != RC_OK) {
		printf("# %s\n", e.msg);
		return;
	}
	inflight_take(in, collect, NULL);
	inflight_close(in);
}

static struct inflight *child_in;

static void *
worker(void *arg)
{
	inflight_thread(SLOT_WORKER);
	inflight_set(child_in, SLOT_WORKER, PHASE_PARSING, "box", "/m",
	    "b.eml");
	if (arg != NULL)
		abort();
	return NULL;
}

/* A child that names a message per slot, then dies as how says. */
static int
child(const char *how)
{
	struct err e;
	pthread_t t;
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (inflight_open(&child_in, store, &e) != RC_OK)
			_exit(3);
		inflight_thread(SLOT_MAIN);
		inflight_set(child_in, SLOT_MAIN, PHASE_READING, "box", "/m",
		    "a.eml");
		if (strcmp(how, "worker aborts") == 0) {
			pthread_create(&t, NULL, worker, (void *)1);
			pthread_join(t, NULL);
		}
		pthread_create(&t, NULL, worker, NULL);
		pthread_join(t, NULL);
		if (strcmp(how, "main segfaults") == 0) {
			/* A fault comes again once its handler returns. */
			raise(SIGSEGV);
			raise(SIGSEGV);
		}
		if (strcmp(how, "killed") == 0)
			raise(SIGKILL);
		if (strcmp(how, "clears and exits") == 0) {
			inflight_set(child_in, SLOT_MAIN, 0, NULL, NULL, NULL);
			inflight_set(child_in, SLOT_WORKER, 0, NULL, NULL, NULL);
			_exit(0);
		}
		inflight_close(child_in);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

int
main(void)
{
	char *dir = xstrdup("/tmp/ac-inflight.XXXXXX");
	int st;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(store, sizeof(store), "%s/abuse.db", dir);

	take();
	ok(nseen == 0, "a new file names nothing");

	st = child("worker aborts");
	/* A sanitizer reports the crash and exits instead. */
	ok(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0),
	    "the child aborted");
	take();
#ifdef SANITIZED
	ok(nseen == 0, "without crash notes no message is blamed (%d)",
	    nseen);
#else
	ok(nseen == 1, "only the thread that aborted is blamed (%d)", nseen);
	is(nseen > 0 ? seen[0] : NULL, "parsing|box|/m|b.eml",
	    "its message, folder and what it did");
#endif

	st = child("main segfaults");
	ok(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0),
	    "the child crashed");
	take();
#ifdef SANITIZED
	ok(nseen == 0, "none blamed without a crash note (%d)", nseen);
#else
	ok(nseen == 1, "only the main thread is blamed (%d)", nseen);
	is(nseen > 0 ? seen[0] : NULL, "reading|box|/m|a.eml",
	    "the message it was reading");
#endif
	take();
	ok(nseen == 0, "what is taken is gone");

	st = child("killed");
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the child was killed");
	take();
	ok(nseen == 0, "killed from outside: no message is blamed (%d)",
	    nseen);

	st = child("clears and exits");
	take();
	ok(nseen == 0, "cleared slots name nothing");
	st = child("closes");
	take();
	ok(nseen == 0, "a clean close names nothing");

	{
		struct inflight *in;
		struct err e;
		char *folder = xmalloc(9000);

		memset(folder, 'f', 8999);
		folder[8999] = '\0';
		(void)inflight_open(&in, store, &e);
		inflight_take(in, collect, NULL);
		inflight_set(in, SLOT_MAIN, PHASE_STORING, "box", folder,
		    "1/42");
		/* As if the main thread crashed here (the handler writes one
		 * more than its slot at the start of the file): read through
		 * another handle. */
		nseen = 0;
		{
			struct inflight *in2;
			char path[300];
			unsigned char b = SLOT_MAIN + 1;
			int fd;

			snprintf(path, sizeof(path), "%s.inflight", store);
			if ((fd = open(path, O_WRONLY)) >= 0) {
				(void)pwrite(fd, &b, 1, 0);
				close(fd);
			}

			(void)inflight_open(&in2, store, &e);
			inflight_take(in2, collect, NULL);
			inflight_close(in2);
		}
		ok(nseen == 1 && strstr(seen[0], "|1/42") != NULL &&
		    strncmp(seen[0], "storing|box|ffff", 16) == 0,
		    "a folder too long for the slot is cut, the place kept "
		    "(%s)", nseen ? seen[0] : "");
		inflight_close(in);
		free(folder);
	}
	{
		char path[300];

		snprintf(path, sizeof(path), "%s.inflight", store);
		unlink(path);
		rmdir(dir);
	}
	free(dir);
	return tap_done();
}
