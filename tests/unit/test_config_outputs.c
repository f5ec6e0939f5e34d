/* config.c: the [email], [webhook NAME] and [ticket NAME] sections. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

static char dir[] = "/tmp/ac-cfgout.XXXXXX";

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	free(path);
}

/*
 * Load text as a configuration: NULL when it loads, else what it said
 * on stderr (caller frees).
 */
static char *
load(const char *text, struct config *c, int keep)
{
	char *path = xasprintf("%s/ac.ini", dir), *errs;
	char *errpath = xasprintf("%s/stderr", dir);
	struct err e;
	enum rc rc;
	size_t n;
	int saved = dup(2);
	FILE *f;

	write_file("ac.ini", text, 0600);
	fflush(stderr);
	if ((f = freopen(errpath, "w", stderr)) == NULL)
		abort();
	rc = config_load(c, path, &e);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (read_file(errpath, 1 << 20, &errs, &n, &e) != RC_OK)
		abort();
	if (rc == RC_OK && !keep)
		config_release(c);
	free(path);
	free(errpath);
	if (rc == RC_OK) {
		free(errs);
		return NULL;
	}
	return errs;
}

#define RT	"[ticket rt]\ntype = rt\nurl = https://rt.example/\n"

static void
errors(void)
{
	static const struct {
		const char	*ini;
		const char	*want;	/* NULL: loads; else part of the error */
	} t[] = {
		{ "[email]\nurl = smtps://mail.example:465\nfrom = a@example.net\n"
		    "to = b@example.net, c@example.net\n", NULL },
		{ "[email]\nurl = smtp://mail.example:587\nfrom = a@example.net\n"
		    "to = b@example.net\nuser = u\npassword_file = pw\n", NULL },
		{ "[email]\nurl = http://mail.example\nfrom = a@example.net\n"
		    "to = b@example.net\n", ":2: [email] url: must be smtps://" },
		{ "[email]\nurl = smtps://u:p@mail.example\nfrom = a@example.net\n"
		    "to = b@example.net\n", ":2: [email] url: needs a host name, "
		    "and no user" },
		{ "[email]\nurl = smtps://m.example\nfrom = Name <a@example.net>\n"
		    "to = b@example.net\n", ":3: [email] from: not a mail address" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net,,c@example.net\n",
		    ":4: [email] to: empty item in list" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net, not-an-address\n",
		    ":4: [email] to: 'not-an-address' is not a mail address" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n",
		    ":1: [email] to: missing" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net\nuser = u\n",
		    ":1: [email] user: needs password_file or password_env" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net\nuser = u\npassword_file = pw\n"
		    "password_env = HOME\n", "give one of password_file and "
		    "password_env" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net\nuser = u\npassword_file = pw-public\n",
		    "pw-public' is readable by others (mode 0644): "
		    "chmod o-r it" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net\nuser = u\npassword_env = AC_NO_SUCH_VAR\n",
		    "[email] password_env: that environment variable is not set" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net\npassword = inline\n",
		    "[email] password: not taken here: put the password in a file "
		    "others cannot read and give password_file, or give "
		    "password_env" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net\ntimeout = 0s\n",
		    "[email] timeout: must be a duration from 1s to 10m" },
		{ "[email]\nurl = smtps://m.example\nfrom = a@example.net\n"
		    "to = b@example.net\nretry_base = 1h\nretry_max = 1m\n",
		    "[email] retry_max: is shorter than retry_base" },
		{ "[email]\nurl = smtps://a.example\nfrom = a@example.net\n"
		    "to = b@example.net\n[email]\n",
		    ":5: [email]: already given at line 1" },

		{ "[report]\nsend_after = 0\nupdate_interval = 0\n", NULL },
		{ "[report]\nsend_after = 7d\nupdate_interval = 30m\n", NULL },
		{ "[report]\nsend_after = 8d\n", "[report] send_after: must be "
		    "a duration from 0 to 7d" },
		{ "[report]\nupdate_interval = -1h\n", "[report] "
		    "update_interval: must be a duration from 0 to 7d" },
		{ "[report]\nsend_after = soon\n", "[report] send_after: must "
		    "be a duration" },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = key\n"
		    "events = summary.updated\n", NULL },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = key\n",
		    NULL },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = key\n"
		    "events = case.confirmed, summary.daily\nmax_attempts = 3\n"
		    "timeout = 5s\nretry_base = 10s\nretry_max = 1h\n", NULL },
		{ "[webhook]\nurl = https://h.example/x\n",
		    ":1: [webhook]: this section needs a name: [webhook NAME]" },
		{ "[webhook a/b]\n", "a webhook name is up to 64 letters" },
		{ "[webhook t]\nurl = https://h.example/\nsecret_file = key\n"
		    "[webhook t]\n", ":4: [webhook t]: webhook 't' is already "
		    "defined at line 1" },
		{ "[webhook t]\nurl = http://h.example/x\nsecret_file = key\n",
		    ":1: [webhook t] url: http:// sends events unencrypted" },
		{ "[webhook t]\nurl = http://h.example/x\nsecret_file = key\n"
		    "allow_plaintext = yes\n", NULL },
		{ "[webhook t]\nurl = ftp://h.example/x\nsecret_file = key\n",
		    ":2: [webhook t] url: must be an https:// URL" },
		{ "[webhook t]\nurl = https://h.example/x\n",
		    ":1: [webhook t] secret_file: missing" },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = empty\n",
		    "empty' is empty" },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = key\n"
		    "secret = abc\n", ":4: [webhook t] secret: give one of secret "
		    "and secret_file" },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = key\n"
		    "events = case.opened, case.closed\n",
		    ":4: [webhook t] events: unknown event 'case.closed'" },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = key\n"
		    "max_attempts = 0\n", "[webhook t] max_attempts: must be a "
		    "whole number from 1 to 100" },
		{ "[webhook t]\nurl = https://h.example/x\nsecret_file = key\n"
		    "nonsense = 1\n", ":4: [webhook t] nonsense: unknown key" },
		/* [ticket NAME] */
		{ RT "token_file = tok\nqueue = Abuse\ncase_field = Case\n",
		    NULL },
		{ RT "user = ac\npassword_file = pw\nqueue = Abuse\n"
		    "case_field = Case\nper = customer\n"
		    "resolve_on_unconfirmed = yes\n", NULL },
		{ "[ticket rt]\nurl = https://rt.example\ntoken_file = tok\n"
		    "queue = Abuse\ncase_field = Case\n",
		    ":1: [ticket rt] type: missing" },
		{ "[ticket rt]\ntype = jira\n", ":2: [ticket rt] type: unknown "
		    "type" },
		{ RT "queue = Abuse\ncase_field = Case\n",
		    ":1: [ticket rt] token_file: missing" },
		{ RT "token_file = pw\nqueue = Abuse\ncase_field = Case\n",
		    ":4: [ticket rt] token_file: the token holds a space" },
		{ RT "token_file = pw-public\nqueue = Abuse\ncase_field = C\n",
		    ":4: [ticket rt] token_file:" },
		{ RT "password_file = pw\nqueue = Abuse\ncase_field = Case\n",
		    ":1: [ticket rt] user: missing (a password_file is given)" },
		{ RT "token_file = tok\npassword_file = pw\nqueue = Abuse\n"
		    "case_field = Case\n", ":5: [ticket rt] password_file: give "
		    "one of token_file and user with password_file" },
		{ RT "token_file = tok\nqueue = Ab'use\ncase_field = Case\n",
		    ":5: [ticket rt] queue: quotes, backslashes, braces" },
		{ RT "token_file = tok\nqueue = Abuse\ncase_field = C}\n",
		    ":6: [ticket rt] case_field: quotes, backslashes, braces" },
		{ RT "token_file = tok\nqueue = Abuse\n",
		    ":1: [ticket rt] case_field: missing" },
		{ RT "token_file = tok\ncase_field = Case\n",
		    ":1: [ticket rt] queue: missing" },
		{ RT "token_file = tok\nqueue = Abuse\ncase_field = Case\n"
		    "per = day\n", ":7: [ticket rt] per: must be case or "
		    "customer" },
		{ RT "token_file = tok\nqueue = Abuse\ncase_field = Case\n"
		    "events = summary.daily\n", ":7: [ticket rt] events: case "
		    "events only" },
		{ "[ticket rt]\ntype = rt\nurl = http://rt.example\n"
		    "token_file = tok\nqueue = Abuse\ncase_field = Case\n",
		    ":1: [ticket rt] url: http:// sends the token" },
		{ "[ticket rt]\ntype = rt\nurl = https://rt.example/?x=1\n",
		    ":3: [ticket rt] url: the base URL takes no query" },
		{ "[ticket rt]\n[ticket rt]\n", ":2: [ticket rt]: ticket target "
		    "'rt' is already defined at line 1" },
		{ "[ticket]\n", ":1: [ticket]: this section needs a name" },
	};
	struct config c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = load(t[i].ini, &c, 0);

		if (t[i].want == NULL)
			ok(got == NULL, "loads: %.60s%s%s", t[i].ini,
			    got ? " -- " : "", got ? got : "");
		else
			ok(got != NULL && strstr(got, t[i].want) != NULL,
			    "refused with '%s'%s%s", t[i].want,
			    got ? "; said: " : "", got ? got : "");
		free(got);
	}
}

static void
values(void)
{
	struct config c;
	const struct webhook_conf *w;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	ok(load("[email]\nurl = smtp://m.example:587\nfrom = a@example.net\n"
	    "to = b@example.net, c@example.net\nuser = desk\n"
	    "password_file = pw\nsubject = S {day}\n"
	    "[webhook one]\nurl = https://h.example/x\nsecret_file = key\n"
	    "events = case.confirmed\n"
	    "[webhook daily]\nurl = https://h.example/z\nsecret_file = key\n"
	    "events = summary.daily\n"
	    "[webhook two]\nurl = https://h.example/y\nsecret = in line\n",
	    &c, 1) == NULL, "a full configuration loads");
	is(c.email.password, "p4ss word", "the password file, without its "
	    "line end");
	ok(c.email.nto == 2 && strcmp(c.email.to[1], "c@example.net") == 0,
	    "two recipients");
	ok(c.email.timeout == 60 && c.email.max_attempts == 8 &&
	    c.email.retry_base == 300, "e-mail defaults");
	ok((w = config_webhook(&c, "one")) != NULL &&
	    w->events == (EV_CASE_CONFIRMED | EV_CASE_UNCONFIRMED) &&
	    w->secret_len == 7 &&
	    memcmp(w->secret, "k3y\0k3y", 7) == 0,
	    "events and a key file (a NUL in it kept)");
	ok(c.report.send_after == 6 * 3600 &&
	    c.report.update_interval == 12 * 3600,
	    "[report] defaults: settled after 6h, updates 12h apart");
	ok((w = config_webhook(&c, "two")) != NULL && w->events == EV_ALL &&
	    strcmp(w->secret, "in line") == 0 && w->timeout == 10 &&
	    w->max_attempts == 12, "webhook defaults: every event");
	ok((w = config_webhook(&c, "daily")) != NULL &&
	    w->events == (EV_SUMMARY_DAILY | EV_SUMMARY_UPDATED),
	    "summary.daily brings summary.updated along");
	ok(config_webhook(&c, "three") == NULL, "no such webhook");
	f = open_memstream(&out, &len);
	config_print(&c, f);
	fclose(f);
	ok(strstr(out, "p4ss") == NULL && strstr(out, "in line") == NULL &&
	    strstr(out, "k3y") == NULL, "config_print shows no secret");
	ok(strstr(out, "# password: (hidden, from file ") != NULL &&
	    strstr(out, "[webhook two]\nurl = https://h.example/y\n"
	    "secret = (hidden)\nevents = case.opened, case.confirmed, "
	    "case.escalated, summary.daily, case.unconfirmed, "
	    "summary.updated\n") != NULL,
	    "but says where they are");
	free(out);
	config_release(&c);
	ok(load(RT "token_file = tok\nqueue = Abuse\ncase_field = Case\n",
	    &c, 1) == NULL, "a ticket target loads");
	{
		const struct ticket_conf *t = config_ticket(&c, "rt");

		ok(t != NULL && strcmp(t->url, "https://rt.example") == 0 &&
		    strcmp(t->token, "1-14-0123456789abcdef") == 0 &&
		    t->per == PER_CASE && t->events == (EV_CASE_CONFIRMED |
		    EV_CASE_ESCALATED | EV_CASE_UNCONFIRMED) &&
		    !t->resolve_on_unconfirmed && t->timeout == 30,
		    "its URL without the '/', the token, the defaults");
	}
	out = NULL;
	f = open_memstream(&out, &len);
	config_print(&c, f);
	fclose(f);
	ok(strstr(out, "0123456789") == NULL && strstr(out, "\n[ticket rt]\n"
	    "type = rt\nurl = https://rt.example\ntoken_file = ") != NULL,
	    "config_print shows where the token is, not the token");
	free(out);
	config_release(&c);
}

int
main(void)
{
	char *path;

	if (mkdtemp(dir) == NULL)
		abort();
	write_file("pw", "p4ss word\n", 0600);
	write_file("pw-public", "p4ss\n", 0644);
	write_file("empty", "\n", 0600);
	write_file("tok", "1-14-0123456789abcdef\n", 0600);
	path = xasprintf("%s/key", dir);
	{
		FILE *f = fopen(path, "w");

		fwrite("k3y\0k3y\n", 1, 8, f);
		fclose(f);
		chmod(path, 0600);
	}
	free(path);
	errors();
	values();
	path = xasprintf("rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(path);
	return tap_done();
}
