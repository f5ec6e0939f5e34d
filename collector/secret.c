#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
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
	char data[MAX_SECRET_LEN + 3], what[300];
	size_t n = 0;
	ssize_t r;
	int fd;
	enum rc rc;

	*out = NULL;
	snprintf(what, sizeof(what), "password_file %s", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return err_set(e, RC_TEMP, "%s: %s", what, strerror(errno));
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

/* In the child: become the command.  Never returns. */
static void
exec_command(const char *command, int out)
{
	int null;

	(void)setpgid(0, 0);
	if ((null = open("/dev/null", O_RDONLY)) < 0 ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	/* The IMAP connection and the store stay with the collector. */
	closefrom(STDERR_FILENO + 1);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

/*
 * Wait for the command to end, until deadline; kill its process group
 * after that.  Returns its wait status, or -1 when it was killed.
 */
static int
reap(pid_t pid, long long deadline)
{
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline)
			break;
		usleep(5000);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return -1;
}

enum rc
secret_from_command(const char *command, long timeout, char **out,
    struct err *e)
{
	char data[MAX_TOKEN_LEN + 3];
	size_t n = 0, start, end, i;
	long long deadline = now_ms() + timeout * 1000;
	int fds[2], st, killed = 0, too_long = 0;
	struct pollfd pfd;
	pid_t pid;
	ssize_t r;
	enum rc rc = RC_OK;

	*out = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(e, RC_TEMP, "token_command: pipe: %s",
		    strerror(errno));
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_set(e, RC_TEMP, "token_command: fork: %s",
		    strerror(errno));
	}
	if (pid == 0)
		exec_command(command, fds[1]);
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		long long left = deadline - now_ms();

		if (left <= 0) {
			killed = 1;
			break;
		}
		r = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (r < 0 && errno != EINTR) {
			killed = 1;
			break;
		}
		if (r <= 0)
			continue;
		r = read(fds[0], data + n, sizeof(data) - n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof(data)) {
			too_long = 1;
			break;
		}
	}
	close(fds[0]);
	if (killed || too_long)
		deadline = now_ms();	/* do not wait for it */
	st = reap(pid, deadline);
	if (too_long) {
		rc = err_set(e, RC_TEMP, "token_command printed more than %d "
		    "bytes", MAX_TOKEN_LEN);
		goto out;
	}
	if (killed || st == -1) {
		rc = err_set(e, RC_TEMP, "token_command did not finish within "
		    "%ld s and was killed", timeout);
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
	explicit_bzero(data, sizeof(data));
	return rc;
}
