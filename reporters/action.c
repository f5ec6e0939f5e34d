#include "autoconf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "bounds.h"
#include "child.h"
#include "json.h"
#include "text.h"

/* PATH, LANG, seven ABUSE_* and the NULL. */
#define NENV	10

int
action_user_safe(const char *user)
{
	const char *p;

	if (*user == '\0' || *user == '-' || strlen(user) > MAX_CASE_USER_LEN)
		return 0;
	for (p = user; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._@+=~!%-", *p)))
			return 0;
	return 1;
}

/* A string field of the row's case, "" when absent. */
static char *
case_field(const struct outbox_row *r, const char *path)
{
	char *v = json_get(r->payload, path);

	return v != NULL ? v : xstrdup("");
}

/* The program's environment for row r (NENV entries, NULL at the end). */
static void
make_env(const struct action_conf *a, const struct outbox_row *r,
    char **env)
{
	struct buf users;
	char path[64], *u, *customer, *day;
	long skipped = 0;
	size_t i, n = 0;

	buf_init(&users, (MAX_CASE_USER_LEN + 1) * MAX_CASE_USERS + 1);
	for (i = 0; i < MAX_CASE_USERS; i++) {
		snprintf(path, sizeof(path), "$.case.auth_users[%zu]", i);
		if ((u = json_get(r->payload, path)) == NULL)
			break;
		if (action_user_safe(u)) {
			if (users.len > 0)
				buf_add(&users, "\n", 1);
			buf_addstr(&users, u);
		} else {
			skipped++;
		}
		free(u);
	}
	customer = case_field(r, "$.case.customer");
	day = case_field(r, "$.case.day");
	env[n++] = xstrdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	env[n++] = xstrdup("LANG=C.UTF-8");
	env[n++] = xasprintf("ABUSE_ACTION=%s", a->name);
	env[n++] = xasprintf("ABUSE_EVENT=%s", r->kind);
	env[n++] = xasprintf("ABUSE_CUSTOMER=%s", customer);
	env[n++] = xasprintf("ABUSE_DAY=%s", day);
	env[n++] = xasprintf("ABUSE_DELIVERY=%s", r->key);
	env[n++] = xasprintf("ABUSE_USERS=%.*s", (int)users.len,
	    users.data ? users.data : "");
	env[n++] = xasprintf("ABUSE_USERS_SKIPPED=%ld", skipped);
	env[n] = NULL;
	free(customer);
	free(day);
	buf_release(&users);
}

static void
free_env(char **env)
{
	size_t i;

	for (i = 0; i < NENV && env[i] != NULL; i++)
		free(env[i]);
}

/*
 * What the program said on standard error, fit for a log line, the
 * store and the summary: controls blanked, a character cut at the end
 * dropped, bytes that are not UTF-8 shown as '?', white space trimmed.
 */
static void
clean_stderr(char *s, size_t n)
{
	size_t i, k;

	for (k = 0; k < 3 && n > 0 && !utf8_valid(s, n) &&
	    ((unsigned char)s[n - 1] & 0x80); k++)
		s[--n] = '\0';
	if (!utf8_valid(s, n))
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] & 0x80)
				s[i] = '?';
	n = ctl_blank(s, n);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

void
action_send(const struct action_conf *a, const struct outbox_row *r,
    struct outcome *o)
{
	char *env[NENV], *argv[2], what[160], *in;
	struct child_spec sp;
	struct child_result cr;
	const char *sig;

	memset(o, 0, sizeof(*o));
	o->retry_after = -1;
	make_env(a, r, env);
	argv[0] = a->command;
	argv[1] = NULL;
	in = xasprintf("%s\n", r->payload);
	memset(&sp, 0, sizeof(sp));
	sp.path = a->command;
	sp.argv = argv;
	sp.envp = env;
	sp.in = in;
	sp.inlen = strlen(in);
	sp.timeout = (long)a->timeout;
	sp.out_max = MAX_ACTION_STDOUT;
	sp.err_max = MAX_ACTION_STDERR;
	child_run(&sp, &cr);
	clean_stderr(cr.err, cr.errlen);
	switch (cr.end) {
	case CHILD_EXITED:
		if (cr.code == 0) {
			o->kind = OUT_DELIVERED;
			goto out;
		}
		o->kind = cr.code == ACTION_RETRY ? OUT_RETRY : OUT_DEAD;
		snprintf(what, sizeof(what), "exited with status %d%s",
		    cr.code, cr.code == ACTION_RETRY ? " (try again later)" :
		    cr.code == 127 ? " (could it be executed?)" : "");
		break;
	case CHILD_SIGNALED:
		o->kind = OUT_DEAD;
		sig = strsignal(cr.code);
		snprintf(what, sizeof(what), "was killed by signal %d%s%s%s",
		    cr.code, sig ? " (" : "", sig ? sig : "", sig ? ")" : "");
		break;
	case CHILD_TIMEOUT:
		o->kind = OUT_DEAD;
		snprintf(what, sizeof(what), "timed out after %lld s and was "
		    "killed with its process group", a->timeout);
		break;
	case CHILD_FAILED:
	case CHILD_TOO_MUCH:
		/* Trouble here (no process, no pipe) that may pass. */
		o->kind = OUT_RETRY;
		snprintf(what, sizeof(what), "could not be run: %s",
		    strerror(cr.code));
		break;
	}
	snprintf(o->error, sizeof(o->error), "%s%s%s%s", what,
	    cr.err[0] ? "; stderr: " : "", cr.err, cr.err_more ? " [...]" : "");
out:
	child_result_release(&cr);
	free_env(env);
	free(in);
}

void
action_dry(const struct action_conf *a, const struct outbox_row *r, FILE *f)
{
	char *env[NENV];
	const char *p;
	size_t i;

	make_env(a, r, env);
	fprintf(f, "action %s: would run %s (timeout %lld s) with\n", a->name,
	    a->command, a->timeout);
	for (i = 0; env[i] != NULL; i++) {
		fputs("  ", f);
		for (p = env[i]; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", (unsigned char)*p);
			else
				fputc(*p, f);
		fputc('\n', f);
	}
	fprintf(f, "  and on standard input: %s\n", r->payload);
	free_env(env);
}
