#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "files.h"
#include "secret.h"

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

enum rc
secret_take(const char *what, const char *p, size_t n, char **out,
    struct err *e)
{
	*out = NULL;
	if (n > 0 && p[n - 1] == '\n') {
		n--;
		if (n > 0 && p[n - 1] == '\r')
			n--;
	}
	if (n == 0)
		return err_set(e, RC_TEMP, "%s: the password is empty", what);
	if (n > MAX_SECRET_LEN)
		return err_set(e, RC_TEMP, "%s: the password is longer than "
		    "%d bytes", what, MAX_SECRET_LEN);
	if (memchr(p, '\0', n) != NULL || memchr(p, '\n', n) != NULL ||
	    memchr(p, '\r', n) != NULL)
		return err_set(e, RC_TEMP, "%s: the password must be one "
		    "line of text", what);
	*out = xstrndup(p, n);
	return RC_OK;
}

enum rc
secret_from_file(const char *path, char **out, struct err *e)
{
	/* A fixed buffer, wiped after use: no copy is left in freed heap. */
	char data[MAX_SECRET_LEN + 3], what[300], why[300];
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd;
	enum rc rc;

	*out = NULL;
	snprintf(what, sizeof(what), "password_file %s", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return err_set(e, RC_TEMP, "%s: %s", what, strerror(errno));
	/* Checked on what was opened, so that the file read is the one
	 * checked. */
	if (fstat(fd, &st) != 0) {
		rc = err_set(e, RC_TEMP, "%s: %s", what, strerror(errno));
		goto out;
	}
	if (secret_file_private(path, st.st_mode, why, sizeof(why)) != 0) {
		rc = err_set(e, RC_TEMP, "password_file %s", why);
		goto out;
	}
	while (n < sizeof(data)) {
		r = read(fd, data + n, sizeof(data) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = err_set(e, RC_TEMP, "%s: %s", what,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	rc = secret_take(what, data, n, out, e);
out:
	close(fd);
	explicit_bzero(data, sizeof(data));
	return rc;
}

enum rc
secret_from_env(const char *name, char **out, struct err *e)
{
	const char *v = getenv(name);
	char what[300];

	*out = NULL;
	snprintf(what, sizeof(what), "password_env %s", name);
	if (v == NULL)
		return err_set(e, RC_TEMP, "%s: not set in the environment",
		    what);
	return secret_take(what, v, strlen(v), out, e);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The command's environment: what a program needs to find its files
 * and speak the user's language, nothing else.  Whatever else the
 * collector was given (a password_env variable of [email] or an IMAP
 * source, other credentials) stays out of it.
 */
static const char *const env_kept[] = { "PATH", "HOME", "USER", "LOGNAME",
	"LANG", "LC_ALL", "LC_CTYPE", "TMPDIR" };
#define NENV_KEPT	(sizeof(env_kept) / sizeof(env_kept[0]))

/* Into env (NENV_KEPT + 1 entries): "NAME=value" strings of the kept
 * variables that are set, a default PATH when it is not, then NULL. */
static void
command_env(char **env)
{
	const char *v;
	size_t i, n = 0;

	for (i = 0; i < NENV_KEPT; i++) {
		if ((v = getenv(env_kept[i])) != NULL)
			env[n++] = xasprintf("%s=%s", env_kept[i], v);
		else if (i == 0)
			env[n++] = xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	}
	env[n] = NULL;
}

/* In the child: become the command.  Never returns. */
static void
exec_command(const char *command, int out, char *const *env)
{
	int null;

	(void)setpgid(0, 0);
	if ((null = open("/dev/null", O_RDONLY)) < 0 ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	/* The IMAP connection and the store stay with the collector. */
	closefrom(STDERR_FILENO + 1);
	signal(SIGPIPE, SIG_DFL);
	execle("/bin/sh", "sh", "-c", command, (char *)NULL, env);
	_exit(127);
}

/*
 * Read what the command prints until it exits or the deadline passes.
 * Its exit is what ends the reading, not the end of its output: a child
 * it left in the background may hold the output open for good.  Returns
 * 1 when the command has exited (*status is its wait status), 0 at the
 * deadline or when it printed max bytes (more than a token may be), -1
 * on a system error (errno).
 */
static int
read_until_exit(pid_t pid, int fd, long long deadline, char *data,
    size_t max, size_t *n, int *status)
{
	struct pollfd pfd[2];
	int pidfd, r, ret = -1;
	ssize_t got;

	/* With a pidfd, poll wakes at the exit; without one (an older
	 * kernel), it is looked for every 50 ms. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = pidfd;
	pfd[1].events = POLLIN;
	for (;;) {
		long long left;

		r = (int)waitpid(pid, status, WNOHANG);
		if (r < 0 && errno != EINTR)
			goto out;
		if (r == pid) {
			/* What it wrote before it ended is in the pipe. */
			while (*n < max && (got = read(fd, data + *n,
			    max - *n)) > 0)
				*n += (size_t)got;
			ret = *n < max;
			goto out;
		}
		if ((left = deadline - now_ms()) <= 0) {
			ret = 0;
			goto out;
		}
		if (pidfd < 0 && left > 50)
			left = 50;
		r = poll(pfd, 2, (int)left);
		if (r < 0 && errno != EINTR)
			goto out;
		if (r <= 0 || !(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = read(fd, data + *n, max - *n);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0)
			goto out;
		if (got == 0)	/* closed: wait for the exit alone */
			pfd[0].fd = -1;
		*n += (size_t)got;
		if (*n == max) {
			ret = 0;
			goto out;
		}
	}
out:
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

enum rc
secret_from_command(const char *command, long timeout, char **out,
    struct err *e)
{
	char data[MAX_TOKEN_LEN + 3], *env[NENV_KEPT + 1];
	size_t n = 0, start, end, i;
	long long deadline = now_ms() + timeout * 1000;
	int fds[2], st = 0, done;
	pid_t pid;
	enum rc rc = RC_OK;

	*out = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(e, RC_TEMP, "token_command: pipe: %s",
		    strerror(errno));
	command_env(env);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		rc = err_set(e, RC_TEMP, "token_command: fork: %s",
		    strerror(errno));
		goto out;
	}
	if (pid == 0)
		exec_command(command, fds[1], env);
	/* Also here, so that the group exists before it may be killed. */
	(void)setpgid(pid, pid);
	close(fds[1]);
	(void)fcntl(fds[0], F_SETFL, O_NONBLOCK);
	done = read_until_exit(pid, fds[0], deadline, data, sizeof(data), &n,
	    &st);
	close(fds[0]);
	if (done != 1) {
		int saved = errno;

		/* The command and whatever it started in its group. */
		(void)kill(-pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (n == sizeof(data))
			rc = err_set(e, RC_TEMP, "token_command printed more "
			    "than %d bytes and was killed", MAX_TOKEN_LEN);
		else if (done == 0)
			rc = err_set(e, RC_TEMP, "token_command timed out "
			    "after %ld s and was killed with its process "
			    "group", timeout);
		else
			rc = err_set(e, RC_TEMP, "token_command: waiting for "
			    "it failed (%s); it was killed", strerror(saved));
		goto out;
	}
	if (WIFSIGNALED(st)) {
		rc = err_set(e, RC_TEMP, "token_command was killed by signal "
		    "%d", WTERMSIG(st));
		goto out;
	}
	if (WEXITSTATUS(st) != 0) {
		rc = err_set(e, RC_TEMP, "token_command exited with status %d%s",
		    WEXITSTATUS(st), WEXITSTATUS(st) == 127 ?
		    " (command not found?)" : "");
		goto out;
	}
	for (start = 0; start < n && (data[start] == ' ' ||
	    (data[start] >= '\t' && data[start] <= '\r')); start++)
		;
	for (end = n; end > start && (data[end - 1] == ' ' ||
	    (data[end - 1] >= '\t' && data[end - 1] <= '\r')); end--)
		;
	if (end == start) {
		rc = err_set(e, RC_TEMP, "token_command printed no token");
		goto out;
	}
	if (end - start > MAX_TOKEN_LEN) {
		rc = err_set(e, RC_TEMP, "token_command printed more than %d "
		    "bytes", MAX_TOKEN_LEN);
		goto out;
	}
	for (i = start; i < end; i++)
		if ((unsigned char)data[i] <= ' ' ||
		    (unsigned char)data[i] >= 0x7f) {
			rc = err_set(e, RC_TEMP, "token_command printed more "
			    "than one word, or bytes that are not printable "
			    "ASCII; it must print the access token alone");
			goto out;
		}
	*out = xstrndup(data + start, end - start);
out:
	for (i = 0; i < NENV_KEPT + 1 && env[i] != NULL; i++)
		free(env[i]);
	explicit_bzero(data, sizeof(data));
	return rc;
}
