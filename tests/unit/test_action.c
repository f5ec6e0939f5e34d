/* reporters/action.c and collector/child.c: a local action run for an
 * outbox row, with programs that succeed, fail, ask for a retry, time
 * out, are killed, print a lot or do not read their input. */
#include "autoconf.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "bounds.h"
#include "tap.h"
#include "util.h"

static char dir[] = "/tmp/ac-action-XXXXXX";

static const char payload[] = "{\"event\":\"case.escalated\",\"id\":"
    "\"0123456789abcdef0123456789abcdef\",\"case\":{\"customer\":"
    "\"cust-alpha\",\"day\":\"2026-03-02\",\"auth_users\":[\"alice@a.example\","
    "\"bad user\",\"-opt\",\"bob\",\"semi;colon\"]}}";

/* A program in dir called name with the body text after a #! line. */
static char *
script(const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (f == NULL)
		abort();
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
	return path;
}

static char *
slurp(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *data;
	FILE *f = fopen(path, "r");
	size_t n;

	free(path);
	if (f == NULL)
		return NULL;
	data = xmalloc(1 << 16);
	n = fread(data, 1, (1 << 16) - 1, f);
	data[n] = '\0';
	fclose(f);
	return data;
}

static void
run(const char *cmd, long timeout, const char *body, struct outcome *o)
{
	struct action_conf a;
	struct outbox_row r;
	char name[] = "lock-user";

	memset(&a, 0, sizeof(a));
	a.name = name;
	a.command = xstrdup(cmd);
	a.timeout = timeout;
	a.max_attempts = 8;
	memset(&r, 0, sizeof(r));
	r.id = 1;
	snprintf(r.kind, sizeof(r.kind), "case.escalated");
	snprintf(r.target, sizeof(r.target), "action:lock-user");
	snprintf(r.key, sizeof(r.key), "0123456789abcdef0123456789abcdef");
	r.payload = xstrdup(body);
	action_send(&a, &r, o);
	free(r.payload);
	free(a.command);
}

/* 1 when process pid is gone (or a zombie: not ours to reap). */
static int
ended(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
		if ((f = fopen(path, "r")) == NULL)
			return 1;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p != NULL && (p = strrchr(buf, ')')) != NULL &&
		    p[1] == ' ' && p[2] == 'Z')
			return 1;
		usleep(50000);
	}
	return 0;
}

static void
environment_and_input(void)
{
	struct outcome o;
	char *cmd, *env, *in, *want;

	setenv("AC_UNIT_ACTION_SECRET", "hunter2", 1);
	cmd = xasprintf("%s/env.out", dir);
	free(cmd);
	cmd = script("record",
	    "/usr/bin/env >\"${0%/*}/env.out\"\ncat >\"${0%/*}/stdin.out\"\n"
	    "printf '%s' \"$ABUSE_USERS\" >\"${0%/*}/users.out\"");
	run(cmd, 10, payload, &o);
	ok(o.kind == OUT_DELIVERED, "exit 0: delivered (%s)", o.error);
	in = slurp("stdin.out");
	want = xasprintf("%s\n", payload);
	is(in, want, "standard input is the event's JSON");
	free(in);
	free(want);
	env = slurp("env.out");
	ok(env != NULL && strstr(env, "ABUSE_EVENT=case.escalated\n") != NULL,
	    "ABUSE_EVENT");
	ok(env != NULL && strstr(env, "ABUSE_CUSTOMER=cust-alpha\n") != NULL,
	    "ABUSE_CUSTOMER");
	ok(env != NULL && strstr(env, "ABUSE_DAY=2026-03-02\n") != NULL,
	    "ABUSE_DAY");
	ok(env != NULL && strstr(env, "ABUSE_DELIVERY="
	    "0123456789abcdef0123456789abcdef\n") != NULL, "ABUSE_DELIVERY is "
	    "the idempotency key");
	ok(env != NULL && strstr(env, "ABUSE_ACTION=lock-user\n") != NULL,
	    "ABUSE_ACTION");
	ok(env != NULL && strstr(env, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n")
	    != NULL, "a fixed PATH");
	ok(env != NULL && strstr(env, "ABUSE_USERS_SKIPPED=3\n") != NULL,
	    "users with other characters are counted as skipped");
	ok(env != NULL && strstr(env, "hunter2") == NULL &&
	    strstr(env, "HOME=") == NULL, "nothing of the collector's "
	    "environment is passed on");
	{
		/* Every line is one of ours, or PWD, which sh sets. */
		static const char *const known[] = { "PATH=", "LANG=",
		    "ABUSE_ACTION=", "ABUSE_EVENT=", "ABUSE_CUSTOMER=",
		    "ABUSE_DAY=", "ABUSE_DELIVERY=", "ABUSE_USERS=",
		    "ABUSE_USERS_SKIPPED=", "PWD=", "bob" };
		char *line, *save = NULL, *copy = xstrdup(env ? env : "");
		int other = 0, n = 0;
		size_t k;

		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save), n++) {
			for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
				if (strncmp(line, known[k],
				    strlen(known[k])) == 0)
					break;
			if (k == sizeof(known) / sizeof(known[0])) {
				printf("# unexpected: %s\n", line);
				other++;
			}
		}
		ok(other == 0 && n >= 10, "the environment is ours alone "
		    "(%d lines)", n);
		free(copy);
	}
	free(env);
	in = slurp("users.out");
	is(in, "alice@a.example\nbob", "ABUSE_USERS: the safe users, one a "
	    "line");
	free(in);
	free(cmd);
	unsetenv("AC_UNIT_ACTION_SECRET");
}

static void
exits(void)
{
	struct outcome o;
	char *cmd;

	cmd = script("retry", "cat >/dev/null; echo 'map is locked' >&2; "
	    "exit 75");
	run(cmd, 10, payload, &o);
	ok(o.kind == OUT_RETRY, "exit 75: retried");
	ok(strstr(o.error, "exited with status 75") != NULL &&
	    strstr(o.error, "map is locked") != NULL, "with what it said: %s",
	    o.error);
	free(cmd);

	cmd = script("fail", "printf 'no such user\\001\\033[31m\\nsecond "
	    "line\\n' >&2; exit 1");
	run(cmd, 10, payload, &o);
	ok(o.kind == OUT_DEAD, "exit 1: a dead letter");
	ok(strstr(o.error, "exited with status 1; stderr: no such user") !=
	    NULL, "its status and standard error: %s", o.error);
	ok(strchr(o.error, '\n') == NULL && strchr(o.error, '\033') == NULL &&
	    strchr(o.error, '\001') == NULL, "control characters blanked");
	ok(strstr(o.error, "second line") != NULL, "all of a short stderr");
	free(cmd);

	cmd = script("signal", "kill -TERM $$; sleep 5");
	run(cmd, 10, payload, &o);
	ok(o.kind == OUT_DEAD && strstr(o.error, "killed by signal 15") !=
	    NULL, "a signal: a dead letter naming it: %s", o.error);
	free(cmd);

	cmd = xasprintf("%s/gone", dir);
	run(cmd, 10, payload, &o);
	ok(o.kind == OUT_DEAD && strstr(o.error, "status 127") != NULL,
	    "a program that is not there any more: %s", o.error);
	free(cmd);
}

static void
timeout(void)
{
	struct timespec t0, t1;
	struct outcome o;
	char *cmd, *pid;
	long bg;

	cmd = script("slow", "sleep 60 & echo $! >\"${0%/*}/bg.pid\"; "
	    "echo started >&2; wait");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(cmd, 1, payload, &o);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok(o.kind == OUT_DEAD && strstr(o.error, "timed out after 1 s") !=
	    NULL, "past its timeout: a dead letter: %s", o.error);
	ok(strstr(o.error, "stderr: started") != NULL, "with what it said "
	    "before");
	ok(t1.tv_sec - t0.tv_sec < 10, "killed at the timeout (%lld s)",
	    (long long)(t1.tv_sec - t0.tv_sec));
	pid = slurp("bg.pid");
	bg = pid ? strtol(pid, NULL, 10) : 0;
	ok(bg > 0 && ended((pid_t)bg), "what it started in the background "
	    "is killed with it (pid %ld)", bg);
	if (bg > 0)
		kill((pid_t)bg, SIGKILL);
	free(pid);
	free(cmd);
}

static void
chatty(void)
{
	struct timespec t0, t1;
	struct outcome o;
	char *cmd, *big, *p;
	size_t n = 1024 * 1024, len;

	cmd = script("chatty", "head -c 8000000 /dev/zero | tr '\\0' o; "
	    "head -c 8000000 /dev/zero | tr '\\0' e >&2; exit 0");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(cmd, 60, payload, &o);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok(o.kind == OUT_DELIVERED, "8 MB on each of stdout and stderr: "
	    "read and thrown away, delivered (%s, %lld s)", o.error,
	    (long long)(t1.tv_sec - t0.tv_sec));
	free(cmd);

	cmd = script("chatty-fail", "head -c 3000000 /dev/zero | tr '\\0' e "
	    ">&2; exit 2");
	run(cmd, 60, payload, &o);
	p = strstr(o.error, "stderr: ");
	len = p ? strlen(p + 8) : 0;
	ok(o.kind == OUT_DEAD && p != NULL, "a chatty failure: a dead letter");
	ok(len >= MAX_ACTION_STDERR && len <= MAX_ACTION_STDERR + 6 &&
	    strstr(o.error, "[...]") != NULL, "with the first %d bytes of "
	    "its stderr, marked as cut (%zu)", MAX_ACTION_STDERR, len);
	free(cmd);

	/* An input larger than a pipe holds, to a program that reads
	 * none of it: not an error, and not a SIGPIPE here. */
	big = xmalloc(n + 64);
	snprintf(big, n + 64, "{\"case\":{\"customer\":\"c\",\"x\":\"");
	len = strlen(big);
	memset(big + len, 'a', n);
	snprintf(big + len + n, 64, "\"}}");
	cmd = script("deaf", "exit 0");
	run(cmd, 10, big, &o);
	ok(o.kind == OUT_DELIVERED, "a program that does not read its input "
	    "(%s)", o.error);
	free(cmd);
	cmd = script("closes", "exec 0<&-; sleep 0.2; exit 0");
	run(cmd, 10, big, &o);
	ok(o.kind == OUT_DELIVERED, "or closes it (%s)", o.error);
	free(cmd);
	free(big);
}

static void
users(void)
{
	static const struct {
		const char	*user;
		int		 safe;
	} t[] = {
		{ "alice", 1 }, { "alice@example.net", 1 },
		{ "a.b_c+d=e~f!g%h-i", 1 }, { "-rf", 0 }, { "", 0 },
		{ "two words", 0 }, { "tab\tuser", 0 }, { "new\nline", 0 },
		{ "semi;colon", 0 }, { "quote'", 0 }, { "slash/", 0 },
		{ "dollar$x", 0 }, { "j\xc3\xbcrgen", 0 },
	};
	char longu[MAX_CASE_USER_LEN + 2];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(action_user_safe(t[i].user) == t[i].safe, "user %zu %s", i,
		    t[i].safe ? "safe" : "left out");
	memset(longu, 'a', sizeof(longu) - 1);
	longu[sizeof(longu) - 1] = '\0';
	ok(!action_user_safe(longu), "a user longer than %d bytes is left "
	    "out", MAX_CASE_USER_LEN);
}

int
main(void)
{
	char cmd[128];

	if (mkdtemp(dir) == NULL)
		return 1;
	environment_and_input();
	exits();
	timeout();
	chatty();
	users();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
