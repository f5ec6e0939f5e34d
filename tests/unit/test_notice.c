/* Customer notices: the template engine, [notify] and its contacts and
 * templates, the rendered notice, its encoded subject. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "email.h"
#include "notice.h"
#include "notice_tpl.h"
#include "tap.h"

static char dir[] = "/tmp/ac-notice.XXXXXX";

/* A literal where the structs hold char * (they are only read). */
#define W(s)	((char *)(uintptr_t)(s))

static void
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
	free(path);
}

/* Load text as the configuration: NULL when it loads (c kept), else
 * what it said on stderr. */
static char *
load(const char *text, struct config *c)
{
	char *path = xasprintf("%s/ac.ini", dir), *errs;
	char *errpath = xasprintf("%s/stderr", dir);
	struct err e;
	enum rc rc;
	size_t n;
	int saved = dup(2);
	FILE *f;

	write_file("ac.ini", text);
	fflush(stderr);
	if ((f = freopen(errpath, "w", stderr)) == NULL)
		abort();
	rc = config_load(c, path, &e);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (read_file(errpath, 1 << 20, &errs, &n, &e) != RC_OK)
		abort();
	free(path);
	free(errpath);
	if (rc == RC_OK) {
		free(errs);
		return NULL;
	}
	return errs;
}

static void
engine(void)
{
	static const struct {
		const char	*text;
		int		 line;	/* of the unknown placeholder, 0: none */
		const char	*name;
	} chk[] = {
		{ "Hello {name}, {customer} on {day}", 0, "" },
		{ "{senders}{auth_users}{reporters}{samples}{desk}", 0, "" },
		{ "{internal_reports} {external_reports} {first_seen} "
		    "{last_seen} {event}", 0, "" },
		{ "braces { and } and {} and {Name} stay text", 0, "" },
		{ "one\ntwo {nmae}\n", 2, "{nmae}" },
		{ "a\nb\nc {recipients}", 3, "{recipients}" },
	};
	const char *vals[NV_COUNT] = { NULL };
	char name[64], *s, *subject, *body;
	const char *why;
	size_t i;
	int line;

	for (i = 0; i < sizeof(chk) / sizeof(chk[0]); i++) {
		name[0] = '\0';
		line = notice_tpl_check(chk[i].text, 1, name, sizeof(name));
		ok(line == chk[i].line && strcmp(name, chk[i].name) == 0,
		    "check %zu: line %d %s", i, line, name);
	}
	vals[NV_CUSTOMER] = "cust-1";
	vals[NV_DAY] = "2026-11-29";
	s = notice_tpl_expand("{customer} {day} {name}{x} {", vals);
	is(s, "cust-1 2026-11-29 {x} {", "expand: known names, the rest "
	    "as text, NULL as empty");
	free(s);
	why = notice_tpl_split("Subject: Hi {customer}\n\nBody\n", &subject,
	    &body, &line);
	ok(why == NULL && strcmp(subject, "Hi {customer}") == 0 &&
	    strcmp(body, "Body\n") == 0, "split: subject and body");
	free(subject);
	free(body);
	why = notice_tpl_split("Subject: Hi\nBody\n", &subject, &body, &line);
	ok(why != NULL && line == 2, "split: no empty line after the "
	    "subject is refused at line 2");
	why = notice_tpl_split("Hi\n\nBody\n", &subject, &body, &line);
	ok(why != NULL && line == 1, "split: no Subject: line is refused");
}

#define EMAIL	"[email]\nurl = smtp://127.0.0.1:2525\nfrom = ac@example.net\n" \
	"to = desk@example.net\n"

static void
configs(void)
{
	static const struct {
		const char	*contacts;
		const char	*ini;	/* after [email] */
		const char	*want;	/* NULL: loads */
	} t[] = {
		{ "customer,email\nc1,a@c1.example\n",
		    "[notify]\ncontacts_file = contacts.csv\n"
		    "from = abuse@example.net\n", NULL },
		{ "customer,email,name,language\nc1,a@c1.example,Ann,de\n"
		    "c2,b@c2.example,,\n",
		    "[notify]\ncontacts_file = contacts.csv  ; the table\n"
		    "events = case.escalated ; only those\n"
		    "from = abuse@example.net\nmin_interval = 12h\n", NULL },
		{ "customer,email\nc1,not-an-address\n",
		    "[notify]\ncontacts_file = contacts.csv\n"
		    "from = abuse@example.net\n", "contacts.csv:2: email: not "
		    "a mail address" },
		{ "customer,email,name,language\nc1,a@c1.example,A,German\n",
		    "[notify]\ncontacts_file = contacts.csv\n"
		    "from = abuse@example.net\n", "contacts.csv:2: language" },
		{ "customer,email\nc1,a@c1.example\nc1,b@c1.example\n",
		    "[notify]\ncontacts_file = contacts.csv\n"
		    "from = abuse@example.net\n", "customer 'c1' has two "
		    "contacts" },
		{ "customer,email\n",
		    "[notify]\ncontacts_file = contacts.csv\n"
		    "from = abuse@example.net\nevents = case.opened\n",
		    ":8: [notify] events: 'case.opened' is no event" },
		{ "customer,email\n",
		    "[notify]\ncontacts_file = contacts.csv\n", ":5: [notify] "
		    "from: missing" },
		{ "customer,email\n",
		    "[notify]\ncontacts_file = contacts.csv\n"
		    "from = abuse@example.net\nmin_interval = 100d\n",
		    ":8: [notify] min_interval: must be a duration" },
		{ "customer,email\n",
		    "[store]\nkeep = 30d\n[notify]\n"
		    "contacts_file = contacts.csv\n"
		    "from = abuse@example.net\nmin_interval = 31d\n",
		    "[notify] min_interval: longer than [store] keep" },
		{ "customer,email\n",
		    "[store]\nkeep = 30d\n[notify]\n"
		    "contacts_file = contacts.csv\n"
		    "from = abuse@example.net\nmin_interval = 30d\n", NULL },
	};
	struct config c;
	char *errs, *ini;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		write_file("contacts.csv", t[i].contacts);
		ini = xasprintf(EMAIL "%s", t[i].ini);
		errs = load(ini, &c);
		if (t[i].want == NULL)
			ok(errs == NULL, "config %zu loads", i);
		else
			ok(errs != NULL && strstr(errs, t[i].want) != NULL,
			    "config %zu: %s", i, t[i].want);
		if (errs == NULL)
			config_release(&c);
		free(errs);
		free(ini);
	}
	/* Without [email] there is no transport. */
	write_file("contacts.csv", "customer,email\n");
	errs = load("[notify]\ncontacts_file = contacts.csv\n"
	    "from = abuse@example.net\n", &c);
	ok(errs != NULL && strstr(errs, "[email] section") != NULL,
	    "[notify] without [email] is refused");
	free(errs);
}

/* A template directory with a bad placeholder is refused with its
 * file:line; a good one is taken and picked by language. */
static void
templates(void)
{
	static const struct notice_facts empty;
	struct notify_contact de = { W("c1"), W("a@c1.example"), W("Ann"),
	    W("de") };
	struct notify_contact fr = { W("c1"), W("a@c1.example"), W(""),
	    W("fr") };
	struct case_row cr;
	struct config c;
	char *errs, *tdir, *subject, *body;

	tdir = xasprintf("%s/tpl", dir);
	mkdir(tdir, 0700);
	write_file("contacts.csv", "customer,email\n");
	write_file("tpl/case.confirmed.de.txt", "Subject: Missbrauch "
	    "{day}\n\nHallo {name},\n\n{senders}\nBis {lats_seen}\n");
	errs = load(EMAIL "[notify]\ncontacts_file = contacts.csv\n"
	    "from = abuse@example.net\ntemplate_dir = tpl\n", &c);
	ok(errs != NULL && strstr(errs, "tpl/case.confirmed.de.txt:6: "
	    "[notify] template_dir: unknown placeholder {lats_seen}") != NULL,
	    "an unknown placeholder is named with its file:line");
	free(errs);
	write_file("tpl/case.confirmed.de.txt", "Subject: Missbrauch "
	    "über {customer} am {day}\n\nHallo {name},\n\n{senders}\n");
	write_file("tpl/case.confirmed.en.txt", "Subject: Abuse on "
	    "{day}\n\nDear {name}: {internal_reports}/{external_reports}\n");
	write_file("tpl/case.opened.en.txt", "Subject: x\n\ny\n");
	errs = load(EMAIL "[notify]\ncontacts_file = contacts.csv\n"
	    "from = abuse@example.net\ntemplate_dir = tpl\n", &c);
	ok(errs != NULL && strstr(errs, "case.opened.en.txt: [notify] "
	    "template_dir: case.opened.en.txt: not named EVENT.LANG.txt") !=
	    NULL, "a template of an event without notices is refused");
	free(errs);
	body = xasprintf("%s/tpl/case.opened.en.txt", dir);
	unlink(body);
	free(body);
	errs = load(EMAIL "[notify]\ncontacts_file = contacts.csv\n"
	    "from = abuse@example.net\ntemplate_dir = tpl\n", &c);
	ok(errs == NULL, "good templates load");
	free(errs);
	if (errs != NULL)
		goto out;
	memset(&cr, 0, sizeof(cr));
	snprintf(cr.customer, sizeof(cr.customer), "c1");
	snprintf(cr.day, sizeof(cr.day), "2026-11-29");
	cr.internal_reports = 3;
	cr.external_reports = 2;
	notice_render(&c.notify, &de, "case.confirmed", &cr, &empty,
	    &subject, &body);
	is(subject, "[abuse-collector c1 2026-11-29] Missbrauch über c1 am "
	    "2026-11-29", "the German template for a German contact");
	ok(strncmp(body, "Hallo Ann,\n\n  (none)\n", 21) == 0,
	    "its body");
	free(subject);
	free(body);
	notice_render(&c.notify, &fr, "case.confirmed", &cr, &empty,
	    &subject, &body);
	is(subject, "[abuse-collector c1 2026-11-29] Abuse on 2026-11-29",
	    "English for a French contact");
	is(body, "Dear c1: 3/2\n", "the customer id stands for no name");
	free(subject);
	free(body);
	notice_render(&c.notify, &fr, "case.escalated", &cr, &empty,
	    &subject, &body);
	is(subject, "[abuse-collector c1 2026-11-29] Abuse reports about "
	    "mail from your account on 2026-11-29", "the built-in template "
	    "for an event without one");
	free(subject);
	free(body);
	config_release(&c);
out:
	free(tdir);
}

/* The built-in notice: the evidence, and no address but the
 * customer's own senders and the Message-IDs. */
static void
render(void)
{
	struct notify_conf n;
	struct notify_contact ct = { W("cust-7"), W("noc@cust7.example"),
	    W(""), W("") };
	struct notice_facts f;
	struct case_row cr;
	char *subject, *body, *enc;
	size_t i;

	memset(&n, 0, sizeof(n));
	n.from = W("abuse@example.net");
	memset(&f, 0, sizeof(f));
	f.senders[f.nsenders++] = W("billing@cust7.example");
	f.senders[f.nsenders++] = W("news@cust7.example");
	f.users[f.nusers++] = W("sasl-user-7");
	f.reporters[f.nreporters++] = W("receiver.example");
	f.samples[0].at = 1795000000;
	f.samples[0].subject = W("Invoice for victim@elsewhere.example, "
	    "from billing@cust7.example");
	f.samples[0].message_id = W("<off-1@cust7.example>");
	f.samples[1].at = 1795000060;
	f.samples[1].subject = NULL;
	f.samples[1].message_id = NULL;
	f.nsamples = 2;
	f.samples_more = 5;
	memset(&cr, 0, sizeof(cr));
	snprintf(cr.customer, sizeof(cr.customer), "cust-7");
	snprintf(cr.day, sizeof(cr.day), "2026-11-29");
	cr.internal_reports = 12;
	cr.external_reports = 1;
	cr.first_seen = 1795000000;
	cr.last_seen = 1795003600;
	notice_render(&n, &ct, "case.confirmed", &cr, &f, &subject, &body);
	ok(strstr(body, "  - billing@cust7.example\n  - news@cust7.example\n")
	    != NULL, "the sending addresses");
	ok(strstr(body, "  - sasl-user-7\n") != NULL, "the users");
	ok(strstr(body, "Reported by (domains):                "
	    "receiver.example\n") != NULL, "the reporters by domain");
	ok(strstr(body, "outgoing filter: 12\n") != NULL &&
	    strstr(body, "other providers:         1\n") != NULL, "the counts");
	ok(strstr(body, "First report:                         2026-11-18T")
	    != NULL, "the first time");
	ok(strstr(body, "Invoice for [address], from billing@cust7.example")
	    != NULL, "a recipient named in a subject is left out");
	ok(strstr(body, "victim@") == NULL, "nowhere");
	ok(strstr(body, "Message-ID: <off-1@cust7.example>\n") != NULL &&
	    strstr(body, "(no subject)\n      Message-ID: (none)\n") != NULL,
	    "the sample Message-IDs");
	ok(strstr(body, "  ... and 5 more\n") != NULL, "samples left out");
	ok(strstr(body, "Your abuse desk, abuse@example.net\n") != NULL,
	    "the desk");
	free(subject);
	free(body);
	/* An encoded subject: UTF-8 B-words of at most 75 characters. */
	snprintf(cr.customer, sizeof(cr.customer), "kunde-ä");
	notice_render(&n, &ct, "case.confirmed", &cr, &f, &subject, &body);
	enc = email_encode_header(subject);
	ok(strncmp(enc, "=?UTF-8?B?", 10) == 0, "a UTF-8 subject is "
	    "encoded");
	for (i = 0; enc[i] != '\0';) {
		size_t w = strcspn(enc + i, "\r");

		ok(w <= 75, "word of %zu characters", w);
		i += w;
		while (enc[i] == '\r' || enc[i] == '\n' || enc[i] == ' ')
			i++;
	}
	free(enc);
	free(subject);
	free(body);
	/* A list in a subject stays on one line, and a long one is cut. */
	n.templates = xcalloc(1, sizeof(*n.templates));
	n.templates[0].event = W("case.confirmed");
	n.templates[0].lang = W("en");
	n.templates[0].subject = W("{senders} \xc3\xa4\xc3\xa4\xc3\xa4"
	    "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	    "{senders}{senders}{senders}{senders}{senders}");
	n.templates[0].body = W("x");
	n.ntemplates = 1;
	snprintf(cr.customer, sizeof(cr.customer), "cust-7");
	notice_render(&n, &ct, "case.confirmed", &cr, &f, &subject, &body);
	ok(strchr(subject, '\n') == NULL && strchr(subject, '\r') == NULL,
	    "no line end in a subject");
	i = strlen("[abuse-collector cust-7 2026-11-29] ");
	ok(strlen(subject) - i <= 200 && strlen(subject) - i >= 198,
	    "cut to 200 bytes: %zu", strlen(subject) - i);
	ok(strncmp(subject + i, "  - billing@cust7.example   - news@", 35)
	    == 0, "the list as one line");
	free(subject);
	free(body);
	free(n.templates);
	enc = notice_message_id("0123456789abcdef0123456789abcdef",
	    "2026-11-29", "ac@example.net");
	is(enc, "<notice-2026-11-29.0123456789abcdef@example.net>",
	    "the Message-ID");
	free(enc);
}

int
main(void)
{
	char *path;

	if (mkdtemp(dir) == NULL)
		abort();
	engine();
	configs();
	templates();
	render();
	path = xasprintf("rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(path);
	return tap_done();
}
