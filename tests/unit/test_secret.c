/* secret.c: passwords from text, files and the environment; tokens from
 * commands, bounded in time and size. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		{ "sleep 10", 1, NULL, "did not finish within 1 s" },
		/* Closes its output but does not end. */
		{ "echo tok; exec >&-; sleep 10", 1, NULL, "did not finish" },
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
	return tap_done();
}
