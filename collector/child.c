#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

/* What is read from a pipe once the program has exited: a child left in
 * the background may go on writing, and is not waited for. */
#define DRAIN_AFTER_EXIT	(1024 * 1024)

/* In the child: become the program.  Never returns.  Only calls that
 * are safe after fork in a process with threads. */
static void
become(const struct child_spec *sp, pid_t parent, int in, int out, int err)
{
	sigset_t none;
	int null = -1;

	(void)setpgid(0, 0);
#ifdef __linux__
	/* A collector killed (kill -9) does not leave it running: the
	 * next run, which may start it again, never meets it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	if (in < 0 && (null = open("/dev/null", O_RDONLY)) < 0)
		_exit(127);
	if (dup2(in >= 0 ? in : null, STDIN_FILENO) < 0 ||
	    dup2(out, STDOUT_FILENO) < 0 ||
	    (err >= 0 && dup2(err, STDERR_FILENO) < 0))
		_exit(127);
	/* The store, the connections and the lock stay with the
	 * collector. */
	closefrom(STDERR_FILENO + 1);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(sp->path, sp->argv, sp->envp);
	_exit(127);
}

/* A captured stream: what is kept of it, and its descriptor (-1 once it
 * is closed). */
struct stream {
	int	 fd;
	char	*buf;
	size_t	 len, max;
	int	 more;		/* more was read than max */
};

/* Read what fd has now into s, keeping what fits.  The bytes read; 0
 * at the end (then fd is closed); -1 when nothing is there now (EAGAIN)
 * or on an error. */
static ssize_t
take(struct stream *s)
{
	char scratch[16384];
	ssize_t got;
	size_t keep;

	got = read(s->fd, scratch, sizeof(scratch));
	if (got < 0)
		return -1;
	if (got == 0) {
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	keep = s->max - s->len;
	if (keep > (size_t)got)
		keep = (size_t)got;
	memcpy(s->buf + s->len, scratch, keep);
	s->len += keep;
	if (keep < (size_t)got)
		s->more = 1;
	explicit_bzero(scratch, (size_t)got);
	return got;
}

/* What it wrote before it ended is in the pipe: take it, bounded. */
static void
drain(struct stream *s)
{
	size_t budget = DRAIN_AFTER_EXIT;
	ssize_t got;

	while (s->fd >= 0 && budget > 0 && (got = take(s)) > 0)
		budget = budget > (size_t)got ? budget - (size_t)got : 0;
}

/* Write what is left of the input; a program that closed its end, or
 * a write that fails, ends the input.  SIGPIPE is held back and taken,
 * so that a program that does not read does not end the collector. */
static void
feed(int *fd, const char *in, size_t inlen, size_t *off)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe, old, pending;
	int was_pending;
	ssize_t n;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe, &old);
	n = write(*fd, in + *off, inlen - *off);
	if (!was_pending && sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE))
		(void)sigtimedwait(&pipe, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (n > 0)
		*off += (size_t)n;
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || *off == inlen) {
		close(*fd);
		*fd = -1;
	}
}

/*
 * Wait for pid while feeding its input and reading its output.  1 when
 * it exited (*status is its wait status), 0 at the deadline, 2 when
 * out_stop and its output filled out_max, -1 on a system error (errno).
 */
static int
watch(const struct child_spec *sp, pid_t pid, int *in, struct stream *out,
    struct stream *err, long long deadline, int *status)
{
	struct pollfd pfd[4];
	size_t off = 0;
	int pidfd, r, ret = -1;

	/* With a pidfd, poll wakes at the exit; without one (an older
	 * kernel), it is looked for every 50 ms. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		long long left;

		r = (int)waitpid(pid, status, WNOHANG);
		if (r < 0 && errno != EINTR)
			goto out;
		if (r == pid) {
			drain(out);
			drain(err);
			ret = sp->out_stop && out->more ? 2 : 1;
			goto out;
		}
		if ((left = deadline - mono_ms()) <= 0) {
			ret = 0;
			goto out;
		}
		if (pidfd < 0 && left > 50)
			left = 50;
		pfd[0].fd = *in;
		pfd[0].events = POLLOUT;
		pfd[1].fd = out->fd;
		pfd[1].events = POLLIN;
		pfd[2].fd = err->fd;
		pfd[2].events = POLLIN;
		pfd[3].fd = pidfd;
		pfd[3].events = POLLIN;
		r = poll(pfd, 4, (int)left);
		if (r < 0 && errno != EINTR)
			goto out;
		if (r <= 0)
			continue;
		if (*in >= 0 && (pfd[0].revents & (POLLOUT | POLLERR |
		    POLLHUP)))
			feed(in, sp->in, sp->inlen, &off);
		if (out->fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP |
		    POLLERR)) && take(out) > 0 && sp->out_stop &&
		    out->more) {
			ret = 2;
			goto out;
		}
		if (err->fd >= 0 && (pfd[2].revents & (POLLIN | POLLHUP |
		    POLLERR)))
			(void)take(err);
	}
out:
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

static void
close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

void
child_run(const struct child_spec *sp, struct child_result *r)
{
	struct stream out = { -1, NULL, 0, 0, 0 }, err = { -1, NULL, 0, 0, 0 };
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	long long start = mono_ms();
	int st = 0, done;
	pid_t pid, self = getpid();

	memset(r, 0, sizeof(*r));
	out.max = sp->out_max;
	out.buf = xmalloc(out.max + 1);
	err.max = sp->err_inherit ? 0 : sp->err_max;
	err.buf = xmalloc(err.max + 1);
	if ((sp->in != NULL && pipe2(pin, O_CLOEXEC) < 0) ||
	    pipe2(pout, O_CLOEXEC) < 0 ||
	    (!sp->err_inherit && pipe2(perr, O_CLOEXEC) < 0)) {
		r->end = CHILD_FAILED;
		r->code = errno;
		goto out;
	}
	if ((pid = fork()) < 0) {
		r->end = CHILD_FAILED;
		r->code = errno;
		goto out;
	}
	if (pid == 0)
		become(sp, self, pin[0], pout[1], perr[1]);
	/* Also here, so that the group exists before it may be killed. */
	(void)setpgid(pid, pid);
	close(pin[0]);
	close(pout[1]);
	if (perr[1] >= 0)
		close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	if (pin[1] >= 0)
		(void)fcntl(pin[1], F_SETFL, O_NONBLOCK);
	out.fd = pout[0];
	err.fd = perr[0];
	pout[0] = perr[0] = -1;
	(void)fcntl(out.fd, F_SETFL, O_NONBLOCK);
	if (err.fd >= 0)
		(void)fcntl(err.fd, F_SETFL, O_NONBLOCK);
	done = watch(sp, pid, &pin[1], &out, &err,
	    start + (long long)sp->timeout * 1000, &st);
	if (done != 1) {
		int saved = errno;

		/* The program and whatever it started in its group. */
		(void)kill(-pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		r->end = done == 0 ? CHILD_TIMEOUT : done == 2 ?
		    CHILD_TOO_MUCH : CHILD_FAILED;
		r->code = done == -1 ? saved : 0;
	} else if (WIFSIGNALED(st)) {
		r->end = CHILD_SIGNALED;
		r->code = WTERMSIG(st);
	} else {
		r->end = CHILD_EXITED;
		r->code = WEXITSTATUS(st);
	}
out:
	close_pair(pin);
	close_pair(pout);
	close_pair(perr);
	if (out.fd >= 0)
		close(out.fd);
	if (err.fd >= 0)
		close(err.fd);
	out.buf[out.len] = '\0';
	err.buf[err.len] = '\0';
	r->out = out.buf;
	r->outlen = out.len;
	r->err = err.buf;
	r->errlen = err.len;
	r->err_more = err.more;
	r->ms = (long)(mono_ms() - start);
}

void
child_result_release(struct child_result *r)
{
	if (r->out != NULL) {
		explicit_bzero(r->out, r->outlen);
		free(r->out);
	}
	if (r->err != NULL) {
		explicit_bzero(r->err, r->errlen);
		free(r->err);
	}
	r->out = r->err = NULL;
}
