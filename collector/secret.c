#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "child.h"
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

enum rc
secret_from_command(const char *command, long timeout, char **out,
    struct err *e)
{
	char sh[] = "sh", dash_c[] = "-c", *cmd = xstrdup(command);
	char *env[NENV_KEPT + 1], *argv[] = { sh, dash_c, cmd, NULL };
	struct child_spec sp;
	struct child_result r;
	size_t n, start, end, i;
	const char *data;
	enum rc rc = RC_OK;

	*out = NULL;
	command_env(env);
	memset(&sp, 0, sizeof(sp));
	sp.path = "/bin/sh";
	sp.argv = argv;
	sp.envp = env;
	sp.err_inherit = 1;
	sp.timeout = timeout;
	sp.out_max = MAX_TOKEN_LEN + 2;
	sp.out_stop = 1;
	child_run(&sp, &r);
	data = r.out;
	n = r.outlen;
	switch (r.end) {
	case CHILD_TOO_MUCH:
		rc = err_set(e, RC_TEMP, "token_command printed more than %d "
		    "bytes and was killed", MAX_TOKEN_LEN);
		goto out;
	case CHILD_TIMEOUT:
		rc = err_set(e, RC_TEMP, "token_command timed out after %ld s "
		    "and was killed with its process group", timeout);
		goto out;
	case CHILD_FAILED:
		rc = err_set(e, RC_TEMP, "token_command: running it failed "
		    "(%s)", strerror(r.code));
		goto out;
	case CHILD_SIGNALED:
		rc = err_set(e, RC_TEMP, "token_command was killed by signal "
		    "%d", r.code);
		goto out;
	case CHILD_EXITED:
		break;
	}
	if (r.code != 0) {
		rc = err_set(e, RC_TEMP, "token_command exited with status %d%s",
		    r.code, r.code == 127 ? " (command not found?)" : "");
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
	child_result_release(&r);
	free(cmd);
	return rc;
}
