#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "email.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "notice.h"
#include "notice_tpl.h"

static const char builtin_subject[] =
    "Abuse reports about mail from your account on {day}";

/* What both built-in notices say after their first paragraph. */
#define BUILTIN_EVIDENCE \
    "  Reports from our own outgoing filter: {internal_reports}\n" \
    "  Reports from other providers:         {external_reports}\n" \
    "  First report:                         {first_seen}\n" \
    "  Last report:                          {last_seen}\n" \
    "  Reported by (domains):                {reporters}\n" \
    "\n" \
    "Sending addresses seen:\n" \
    "{senders}" \
    "\n" \
    "Authenticated users seen:\n" \
    "{auth_users}" \
    "\n" \
    "Some of the messages (time, subject, Message-ID):\n" \
    "{samples}" \
    "\n" \
    "What to do:\n" \
    "  1. Change the passwords of the accounts and users above.\n" \
    "  2. Check the machines and websites that send mail through us for\n" \
    "     malware, and update them.\n" \
    "  3. Reply to this message (keep the subject) to tell us what you\n" \
    "     found, or if you think this is a mistake.\n" \
    "\n" \
    "Your abuse desk, {desk}\n"

static const char builtin_confirmed[] =
    "Hello {name},\n"
    "\n"
    "mail sent from your account with us ({customer}) on {day} was\n"
    "reported as spam or abuse, by our own outgoing filter and by other\n"
    "providers.  This usually means that a password was stolen or that a\n"
    "machine or website sending through us is infected.\n"
    "\n"
    BUILTIN_EVIDENCE;

static const char builtin_escalated[] =
    "Hello {name},\n"
    "\n"
    "mail sent from your account with us ({customer}) on {day} drew many\n"
    "reports of spam or abuse.  Please act at once: sending from the\n"
    "account may be limited until it stops.\n"
    "\n"
    BUILTIN_EVIDENCE;

/* Member k of JSON object *doc set to v (json.c; NULL back means our
 * own call was wrong). */
static void
jstr(char **doc, const char *k, const char *v)
{
	char *next = json_set_str(*doc, k, v);

	if (next == NULL)
		abort();
	free(*doc);
	*doc = next;
}

enum rc
notice_queue(const struct config *cfg, struct store *s, const char *kind,
    const struct case_row *c, time_t now, struct err *e)
{
	const struct notify_conf *n = &cfg->notify;
	const struct notify_contact *ct;
	char target[OUTBOX_TARGET_MAX + 1], key[33], by[33], *doc = NULL;
	enum notice_state state;
	int created;
	enum rc rc;

	if (n->line == 0 || !(n->events & event_flag(kind)) ||
	    strcmp(c->customer, "(unresolved)") == 0)
		return RC_OK;
	ct = config_contact(cfg, c->customer);
	outbox_key(kind, "notice", c->customer, c->day, key);
	if ((rc = store_notice_queue(s, key, c->customer, c->day, kind,
	    ct ? ct->email : NULL, now, n->min_interval, &state, by, e)) !=
	    RC_OK)
		return rc;
	if (state == NOTICE_SUPPRESSED)
		log_info("notice of %s for %s on %s suppressed: one was queued "
		    "less than min_interval before (%s)", kind, c->customer,
		    c->day, by);
	if (state != NOTICE_QUEUED)
		return RC_OK;
	snprintf(target, sizeof(target), NOTICE_TARGET "%s", ct->email);
	jstr(&doc, "event", kind);
	jstr(&doc, "customer", c->customer);
	jstr(&doc, "day", c->day);
	jstr(&doc, "to", ct->email);
	rc = store_outbox_add(s, kind, target, key, doc, c->customer, c->day,
	    now, &created, e);
	free(doc);
	return rc;
}

static const struct notify_template *
template_of(const struct notify_conf *n, const char *event, const char *lang)
{
	size_t i;

	for (i = 0; lang != NULL && i < n->ntemplates; i++)
		if (strcmp(n->templates[i].event, event) == 0 &&
		    strcmp(n->templates[i].lang, lang) == 0)
			return &n->templates[i];
	return NULL;
}

/* Lines "  - v" of list v, or "  (none)". */
static char *
lines(char *const *v, size_t nv, long more)
{
	struct buf b;
	size_t i;
	char *s;

	buf_init(&b, 64 * 1024);
	for (i = 0; i < nv; i++)
		buf_addf(&b, "  - %s\n", v[i]);
	if (nv == 0)
		buf_addstr(&b, "  (none)\n");
	if (more > 0)
		buf_addf(&b, "  ... and %ld more\n", more);
	s = buf_detach(&b, NULL);
	buf_release(&b);
	return s;
}

/* Whether address a (length n) is one of the customer's senders. */
static int
is_sender(const struct notice_facts *f, const char *a, size_t n)
{
	size_t i;

	for (i = 0; i < f->nsenders; i++)
		if (strlen(f->senders[i]) == n &&
		    ascii_ncasecmp(f->senders[i], a, n) == 0)
			return 1;
	return 0;
}

static int
addr_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
	    ch == '+' || ch == '%' || ch == '=' || ch == '\'' ||
	    (unsigned char)ch >= 0x80;
}

/* A sample's subject into b, each address in it but the customer's own
 * senders replaced by "[address]" (a subject may name its recipient). */
static void
add_subject(struct buf *b, const struct notice_facts *f, const char *s)
{
	const char *at, *l, *r;

	while ((at = strchr(s, '@')) != NULL) {
		for (l = at; l > s && addr_char(l[-1]); l--)
			;
		for (r = at + 1; addr_char(*r); r++)
			;
		while (r > at + 1 && r[-1] == '.')
			r--;
		buf_add(b, s, (size_t)(l - s));
		if (l < at && r > at + 1 && !is_sender(f, l, (size_t)(r - l)))
			buf_addstr(b, "[address]");
		else
			buf_add(b, l, (size_t)(r - l));
		s = r;
	}
	buf_addstr(b, s);
}

static char *
samples(const struct notice_facts *f)
{
	struct buf b;
	char when[21], *s;
	size_t i;

	buf_init(&b, 256 * 1024);
	for (i = 0; i < f->nsamples; i++) {
		iso8601_utc(f->samples[i].at, when);
		buf_addf(&b, "  %s  ", when);
		add_subject(&b, f, f->samples[i].subject ?
		    f->samples[i].subject : "(no subject)");
		if (f->samples[i].message_id == NULL)
			buf_addstr(&b, "\n      Message-ID: (none)\n");
		else
			buf_addf(&b, "\n      Message-ID: %s%s%s\n",
			    f->samples[i].message_id[0] == '<' ? "" : "<",
			    f->samples[i].message_id,
			    f->samples[i].message_id[0] == '<' ? "" : ">");
	}
	if (f->nsamples == 0)
		buf_addstr(&b, "  (none)\n");
	if (f->samples_more > 0)
		buf_addf(&b, "  ... and %ld more\n", f->samples_more);
	s = buf_detach(&b, NULL);
	buf_release(&b);
	return s;
}

static char *
joined(char *const *v, size_t nv, long more)
{
	struct buf b;
	size_t i;
	char *s;

	buf_init(&b, 64 * 1024);
	for (i = 0; i < nv; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", v[i]);
	if (nv == 0)
		buf_addstr(&b, "(none)");
	if (more > 0)
		buf_addf(&b, " and %ld more", more);
	s = buf_detach(&b, NULL);
	buf_release(&b);
	return s;
}

/* A subject on one line: control characters (the line ends of a list
 * placeholder) as spaces, cut to at most max bytes at a character
 * boundary, so that the header stays one short line however the
 * template reads. */
static void
one_line(char *s, size_t max)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = ' ';
	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

void
notice_render(const struct notify_conf *n, const struct notify_contact *ct,
    const char *event, const struct case_row *c, const struct notice_facts *f,
    char **subject, char **body)
{
	const struct notify_template *t;
	const char *vals[NV_COUNT], *stpl, *btpl;
	char internal[24], external[24], first[21], last[21], *sub;
	char *senders, *users, *reporters, *smp;

	if ((t = template_of(n, event, ct->lang[0] ? ct->lang : NULL)) ==
	    NULL)
		t = template_of(n, event, "en");
	stpl = t ? t->subject : builtin_subject;
	btpl = t ? t->body : strcmp(event, "case.escalated") == 0 ?
	    builtin_escalated : builtin_confirmed;
	snprintf(internal, sizeof(internal), "%ld", c->internal_reports);
	snprintf(external, sizeof(external), "%ld", c->external_reports);
	iso8601_utc(c->first_seen, first);
	iso8601_utc(c->last_seen, last);
	senders = lines(f->senders, f->nsenders, f->senders_more);
	users = lines(f->users, f->nusers, f->users_more);
	reporters = joined(f->reporters, f->nreporters, f->reporters_more);
	smp = samples(f);
	vals[NV_CUSTOMER] = c->customer;
	vals[NV_NAME] = ct->name[0] ? ct->name : c->customer;
	vals[NV_DAY] = c->day;
	vals[NV_EVENT] = event;
	vals[NV_INTERNAL] = internal;
	vals[NV_EXTERNAL] = external;
	vals[NV_FIRST_SEEN] = first;
	vals[NV_LAST_SEEN] = last;
	vals[NV_SENDERS] = senders;
	vals[NV_AUTH_USERS] = users;
	vals[NV_REPORTERS] = reporters;
	vals[NV_SAMPLES] = smp;
	vals[NV_DESK] = n->reply_to ? n->reply_to : n->from;
	sub = notice_tpl_expand(stpl, vals);
	one_line(sub, MAX_NOTICE_SUBJECT);
	*subject = xasprintf("[abuse-collector %s %s] %s", c->customer,
	    c->day, sub);
	*body = notice_tpl_expand(btpl, vals);
	free(sub);
	free(senders);
	free(users);
	free(reporters);
	free(smp);
}

char *
notice_message_id(const char *key, const char *day, const char *from)
{
	const char *at = from ? strrchr(from, '@') : NULL;

	return xasprintf("<notice-%s.%.16s@%s>", day, key,
	    at ? at + 1 : "localhost");
}

/* Text with LF line ends as mail text with CRLF (libcurl's
 * quoted-printable encoder keeps lines only at CRLF). */
static char *
crlf(const char *s)
{
	struct buf b;
	char *out;
	size_t i;


	buf_init(&b, 2 * strlen(s) + 1);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			buf_addch(&b, '\r');
		buf_addch(&b, s[i]);
	}
	out = buf_detach(&b, NULL);
	buf_release(&b);
	return out;
}

/* One SMTP transaction of the notice to rcpt. */
static enum rc
smtp_one(const struct config *cfg, const char *rcpt, char **h,
    const char *text, struct err *e)
{
	const struct email_conf *m = &cfg->email;
	struct smtp_part part[1];
	struct smtp_message sm;
	long reply;

	part[0] = (struct smtp_part){ "text/plain; charset=utf-8",
	    "quoted-printable", NULL, text, strlen(text) };
	memset(&sm, 0, sizeof(sm));
	sm.url = m->url;
	sm.user = m->user;
	sm.password = m->password;
	sm.ca_file = m->ca_file;
	sm.timeout_s = (long)m->timeout;
	sm.from = cfg->notify.from;
	sm.rcpt = rcpt;
	sm.headers = (const char *const *)h;
	sm.alternatives = part;
	sm.nalternatives = 1;
	return smtp_send(&sm, &reply, e);
}

void
notice_send(const struct config *cfg, struct store *s,
    const struct outbox_row *r, time_t now, struct outcome *o, FILE *dry)
{
	const struct notify_contact *ct;
	struct notice_facts f;
	struct case_row c;
	struct err e;
	char *customer, *day, *to, *subject = NULL, *body = NULL;
	char *text = NULL, *encoded = NULL, *mid = NULL, *h[9] = { NULL };
	size_t nh = 0, i;
	int found;
	enum rc rc;

	memset(o, 0, sizeof(*o));
	memset(&f, 0, sizeof(f));
	o->retry_after = -1;
	customer = json_get(r->payload, "$.customer");
	day = json_get(r->payload, "$.day");
	to = json_get(r->payload, "$.to");
	o->kind = OUT_DEAD;
	if (customer == NULL || day == NULL || to == NULL) {
		snprintf(o->error, sizeof(o->error), "unreadable notice row");
		goto out;
	}
	if (cfg->notify.line == 0 || cfg->email.line == 0) {
		snprintf(o->error, sizeof(o->error), "no [%s] section any "
		    "more", cfg->notify.line == 0 ? "notify" : "email");
		goto out;
	}
	if ((ct = config_contact(cfg, customer)) == NULL) {
		snprintf(o->error, sizeof(o->error), "customer '%.100s' has "
		    "no contact any more", customer);
		goto out;
	}
	o->kind = OUT_RETRY;
	if ((rc = store_case_get(s, customer, day, &c, &found, &e)) !=
	    RC_OK || (found && (rc = store_notice_facts(s, customer, day, &f,
	    &e)) != RC_OK)) {
		snprintf(o->error, sizeof(o->error), "%s", e.msg);
		goto out;
	}
	if (!found) {
		o->kind = OUT_DEAD;
		snprintf(o->error, sizeof(o->error), "the case of %.100s on "
		    "%s is not in the store", customer, day);
		goto out;
	}
	notice_render(&cfg->notify, ct, r->kind, &c, &f, &subject, &body);
	encoded = email_encode_header(subject);
	mid = notice_message_id(r->key, day, cfg->email.from);
	h[nh++] = email_date_header(now);
	h[nh++] = xasprintf("From: %s", cfg->notify.from);
	h[nh++] = xasprintf("To: %s", ct->email);
	if (cfg->notify.reply_to != NULL)
		h[nh++] = xasprintf("Reply-To: %s", cfg->notify.reply_to);
	h[nh++] = xasprintf("Subject: %s", encoded);
	h[nh++] = xasprintf("Message-ID: %s", mid);
	h[nh++] = xstrdup("Auto-Submitted: auto-generated");
	if (dry != NULL) {
		fprintf(dry, "--- notice %s (%s) ---\n", r->key, r->kind);
		for (i = 0; i < nh; i++)
			fprintf(dry, "%s\n", h[i]);
		fprintf(dry, "\n%s\n", body);
		fflush(dry);
		o->kind = OUT_DELIVERED;
		goto out;
	}
	text = crlf(body);
	if ((rc = smtp_one(cfg, ct->email, h, text, &e)) != RC_OK) {
		o->kind = rc == RC_REJECT ? OUT_DEAD : OUT_RETRY;
		snprintf(o->error, sizeof(o->error), "%s", e.msg);
		goto out;
	}
	o->kind = OUT_DELIVERED;
	log_info("notice of %s for %s on %s sent to %s", r->kind, customer,
	    day, ct->email);
	if (store_notice_sent(s, r->key, time(NULL), &e) != RC_OK)
		log_warn("notice %s: %s", r->key, e.msg);
	/* The desk's copy, once the customer's is sent: a copy that
	 * fails is said, not retried (the customer would get it again). */
	if (cfg->notify.bcc != NULL && smtp_one(cfg, cfg->notify.bcc, h, text,
	    &e) != RC_OK)
		log_warn("notice %s: the copy to %s was not sent: %s", r->key,
		    cfg->notify.bcc, e.msg);
out:
	for (i = 0; i < nh; i++)
		free(h[i]);
	notice_facts_release(&f);
	free(text);
	free(mid);
	free(encoded);
	free(subject);
	free(body);
	free(customer);
	free(day);
	free(to);
}
