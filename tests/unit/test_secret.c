/* secret.c: passwords from text, files and the environment; tokens from
 * commands, bounded in time and size. */
#include "autoconf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "secret.h"
#include "tap.h"
#include "util.h"

static void
take(void)
{
	static const struct {
		const char	*in;
		size_t		 len;	/* 0: strlen */
		const char	*want;	/* NULL: must be rejected */
	} t[] = {
		{ "hunter2", 0, "hunter2" },
		{ "hunter2\n", 0, "hunter2" },
		{ "hunter2\r\n", 0, "hunter2" },
		{ "  spaced out  \n", 0, "  spaced out  " },
		{ "a\n\n", 0, NULL },
		{ "two\nlines\n", 0, NULL },
		{ "cr\rinside", 0, NULL },
		{ "nul\0inside", 10, NULL },
		{ "", 0, NULL },
		{ "\n", 0, NULL },
		{ "\r\n", 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct err e = { RC_OK, "" };
		char *out = NULL;
		size_t n = t[i].len ? t[i].len : strlen(t[i].in);
		enum rc rc = secret_take("test", t[i].in, n, &out, &e);

		if (t[i].want == NULL)
			ok(rc == RC_TEMP && out == NULL && e.msg[0] != '\0',
			    "password %zu is refused (%s)", i, e.msg);
		else
			is(out, t[i].want, "password %zu is taken", i);
		ok(strstr(e.msg, "hunter") == NULL && strstr(e.msg, "lines") ==
		    NULL, "message %zu does not quote the password", i);
		secret_free(out);
	}
}

static void
long_password(void)
{
	char *big = xmalloc(MAX_SECRET_LEN + 2), *out = NULL;
	struct err e = { RC_OK, "" };

	memset(big, 'p', MAX_SECRET_LEN + 1);
	big[MAX_SECRET_LEN + 1] = '\0';
	ok(secret_take("t", big, MAX_SECRET_LEN, &out, &e) == RC_OK &&
	    strlen(out) == MAX_SECRET_LEN, "a password of the maximum length");
	secret_free(out);
	out = NULL;
	ok(secret_take("t", big, MAX_SECRET_LEN + 1, &out, &e) == RC_TEMP &&
	    out == NULL, "one byte more is refused");
	free(big);
}

static void
from_file_and_env(void)
{
	char path[] = "/tmp/ac-secret-XXXXXX";
	struct err e = { RC_OK, "" };
	char *out = NULL;
	int fd = mkstemp(path);

	ok(fd >= 0 && write(fd, "s3cr3t\n", 7) == 7, "a password file");
	close(fd);
	ok(secret_from_file(path, &out, &e) == RC_OK, "is read");
	is(out, "s3cr3t", "without its line end");
	secret_free(out);
	out = NULL;
	chmod(path, 0644);
	ok(secret_from_file(path, &out, &e) == RC_TEMP && out == NULL &&
	    strstr(e.msg, path) != NULL && strstr(e.msg, "is readable by "
	    "others (mode 0644): chmod o-r it") != NULL, "one others can read "
	    "is refused, naming the file and its mode: %s", e.msg);
	chmod(path, 0640);
	ok(secret_from_file(path, &out, &e) == RC_OK, "one the group can "
	    "read is taken");
	secret_free(out);
	unlink(path);
	ok(secret_from_file(path, &out, &e) == RC_TEMP &&
	    strstr(e.msg, path) != NULL, "a missing file names the file: %s",
	    e.msg);
	setenv("AC_UNIT_PW", "from env", 1);
	ok(secret_from_env("AC_UNIT_PW", &out, &e) == RC_OK, "the environment");
	is(out, "from env", "gives the value");
	secret_free(out);
	unsetenv("AC_UNIT_PW");
	ok(secret_from_env("AC_UNIT_PW", &out, &e) == RC_TEMP &&
	    strstr(e.msg, "AC_UNIT_PW") != NULL, "an unset variable is named");
}

/* 1 when process pid has ended (gone, or a zombie nobody reaps), within
 * 5 s: a killed process may take a moment to go. */
static int
ended(pid_t pid)
{
	char path[64], stat[256];
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	for (i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		char *p;

		if (f == NULL)
			return 1;
		p = fgets(stat, sizeof(stat), f);
		fclose(f);
		if (p != NULL && (p = strrchr(stat, ')')) != NULL &&
		    (p[2] == 'Z' || p[2] == 'X'))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* The pid a command wrote to path, or 0. */
static pid_t
pid_in(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");
	long long n;

	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return parse_ll(buf, 2, 1LL << 30, &n) == 0 ? (pid_t)n : 0;
}

/*
 * A command that leaves a child in the background holding its output:
 * its own exit ends the reading and gives the result.  One that runs
 * past the timeout is killed with everything it started.
 */
static void
background(void)
{
	char dir[] = "/tmp/ac-secret-XXXXXX", pidf[64], cmd[256];
	struct err e = { RC_OK, "" };
	char *out = NULL;
	struct timespec t0, t1;
	pid_t bg;
	enum rc rc;

	if (mkdtemp(dir) == NULL) {
		ok(0, "a temporary directory");
		return;
	}
	snprintf(pidf, sizeof(pidf), "%s/bg.pid", dir);

	snprintf(cmd, sizeof(cmd), "sleep 60 & echo $! >%s; echo tok-bg",
	    pidf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = secret_from_command(cmd, 20, &out, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok(rc == RC_OK, "a child in the background holding the output: the "
	    "command's exit ends the reading (%s)", e.msg);
	is(out, "tok-bg", "and the token it printed is taken");
	ok(t1.tv_sec - t0.tv_sec < 15, "without waiting for the timeout "
	    "(%lld s)", (long long)(t1.tv_sec - t0.tv_sec));
	secret_free(out);
	out = NULL;
	if ((bg = pid_in(pidf)) > 0)
		kill(bg, SIGKILL);
	unlink(pidf);

	snprintf(cmd, sizeof(cmd), "sleep 60 & echo $! >%s; echo tok; exit 3",
	    pidf);
	rc = secret_from_command(cmd, 20, &out, &e);
	ok(rc == RC_TEMP && out == NULL &&
	    strstr(e.msg, "exited with status 3") != NULL, "its exit status "
	    "is what is reported: %s", e.msg);
	if ((bg = pid_in(pidf)) > 0)
		kill(bg, SIGKILL);
	unlink(pidf);

	snprintf(cmd, sizeof(cmd), "sleep 60 & echo $! >%s; wait", pidf);
	rc = secret_from_command(cmd, 2, &out, &e);
	ok(rc == RC_TEMP && out == NULL &&
	    strstr(e.msg, "timed out after 2 s and was killed") != NULL,
	    "a command past its timeout: %s", e.msg);
	bg = pid_in(pidf);
	ok(bg > 0, "its child wrote its pid");
	ok(bg > 0 && ended(bg), "the child is killed with it (pid %ld)",
	    (long)bg);
	if (bg > 0)
		kill(bg, SIGKILL);
	unlink(pidf);
	rmdir(dir);
}

/* The command gets PATH, HOME and the locale, and no other variable of
 * the collector's environment. */
static void
environment(void)
{
	struct err e = { RC_OK, "" };
	char *out = NULL;
	const char *path = getenv("PATH");

	setenv("AC_UNIT_SMTP_PASSWORD", "hunter2", 1);
	setenv("HOME", "/nonexistent/home", 1);
	ok(secret_from_command("test -z \"${AC_UNIT_SMTP_PASSWORD+x}\" && "
	    "echo clean", 5, &out, &e) == RC_OK, "a password variable is not "
	    "passed on (%s)", e.msg);
	is(out, "clean", "the command does not see it");
	secret_free(out);
	out = NULL;
	ok(secret_from_command("env | cut -d= -f1 | grep -vxE "
	    "'PATH|HOME|USER|LOGNAME|LANG|LC_ALL|LC_CTYPE|TMPDIR|PWD|SHLVL|_' "
	    "| wc -l | tr -d ' '", 5, &out, &e) == RC_OK, "env runs (%s)",
	    e.msg);
	is(out, "0", "no variable but PATH, HOME, USER, LOGNAME, the locale "
	    "and TMPDIR (and those sh sets)");
	secret_free(out);
	out = NULL;
	ok(secret_from_command("echo \"$HOME\"", 5, &out, &e) == RC_OK,
	    "HOME is passed on (%s)", e.msg);
	is(out, "/nonexistent/home", "as it is");
	secret_free(out);
	out = NULL;
	if (path != NULL) {
		ok(secret_from_command("echo \"$PATH\"", 5, &out, &e) == RC_OK,
		    "PATH is passed on (%s)", e.msg);
		is(out, path, "as it is");
		secret_free(out);
		out = NULL;
	}
	unsetenv("AC_UNIT_SMTP_PASSWORD");
}

static void
commands(void)
{
	static const struct {
		const char	*cmd;
		long		 timeout;
		const char	*want;		/* NULL: refused */
		const char	*msg;		/* part of the message */
	} t[] = {
		{ "printf 'ya29.a0-Token_x~y+z/=\\n'", 5, "ya29.a0-Token_x~y+z/=",
		    NULL },
		{ "printf '  \\n\\ttok\\r\\n\\n'", 5, "tok", NULL },
		{ "echo tok; exit 0", 5, "tok", NULL },
		{ "echo tok; exit 2", 5, NULL, "exited with status 2" },
		{ "exit 0", 5, NULL, "printed no token" },
		{ "echo two words", 5, NULL, "more than one word" },
		{ "printf 'bad\\001byte'", 5, NULL, "printable ASCII" },
		{ "kill -9 $$", 5, NULL, "killed by signal 9" },
		{ "/nonexistent/token-tool", 5, NULL, "status 127" },
		{ "sleep 10", 1, NULL, "timed out after 1 s and was killed" },
		/* Closes its output but does not end. */
		{ "echo tok; exec >&-; sleep 10", 1, NULL,
		    "timed out after 1 s" },
		{ "yes", 5, NULL, "printed more than" },
		{ "head -c 16385 /dev/zero | tr '\\0' a", 5, NULL,
		    "printed more than" },
		{ "cat", 5, NULL, "printed no token" },	/* stdin is empty */
		/* No descriptor but the three standard ones is passed on. */
		{ "ls /proc/self/fd | wc -l | tr -d ' '", 5, "4", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct err e = { RC_OK, "" };
		char *out = NULL;
		enum rc rc = secret_from_command(t[i].cmd, t[i].timeout, &out,
		    &e);

		if (t[i].want != NULL) {
			ok(rc == RC_OK, "command %zu runs (%s)", i, e.msg);
			is(out, t[i].want, "command %zu gives the token", i);
		} else {
			ok(rc == RC_TEMP && out == NULL &&
			    strstr(e.msg, t[i].msg) != NULL,
			    "command %zu is refused: %s", i, e.msg);
		}
		secret_free(out);
	}
}

int
main(void)
{
	take();
	long_password();
	from_file_and_env();
	commands();
	background();
	environment();
	return tap_done();
}
