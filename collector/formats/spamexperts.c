/*
 * SpamExperts / N-able Mail Assure outgoing-filter notifications: an ARF
 * report the filter mails to the domain's administrator contact each time
 * it blocks a message from one of the provider's users.  Private-label
 * builds carry another brand in their header names (X-<Brand>-Outgoing-
 * Class) and User-Agent, so the brand is never matched literally except
 * as one signal among several.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../text.h"
#include "formats.h"

static const struct part *
attached(const struct msg *m)
{
	struct part *p = NULL;

	while ((p = part_walk(m->root, p)) != NULL)
		if (p != m->root && p->is_message)
			return p;
	return NULL;
}

static int
se_match(const struct msg *m)
{
	const struct part *fb = feedback_part(m->root), *t, *att;
	const char *rcv = hdr_get(&m->root->hdrs, "Received");
	int score = 0;

	if (fb == NULL)
		return 0;
	if (rcv != NULL && strstr(rcv, "local-spamexperts-generated"))
		score += 60;
	if (fb->body != NULL &&
	    (memcasemem(fb->body, fb->body_len, "User-Agent: SpamExperts") ||
	    memcasemem(fb->body, fb->body_len, "User-Agent: Spampanel")))
		score += 60;
	if ((t = first_text(m->root)) != NULL && t->body != NULL &&
	    memcasemem(t->body, t->body_len, "which is from one of your users"))
		score += 40;
	if ((att = attached(m)) != NULL &&
	    branded_header(&att->hdrs, "Outgoing-Class") != NULL)
		score += 40;
	return score > 100 ? 100 : score;
}

/* "looks like spam, unsolicited bulk e-mail" and the like. */
static const char *
category_from_class(const char *cls)
{
	if (cls == NULL)
		return NULL;
	if (ascii_casecmp(cls, "spam") == 0)
		return "spam";
	if (ascii_ncasecmp(cls, "phish", 5) == 0)
		return "phishing";
	if (ascii_casecmp(cls, "virus") == 0)
		return "virus";
	return "other";
}

/* smtp.auth=USER in an Authentication-Results value. */
static void
smtp_auth(const char *v, char **out)
{
	const char *p, *e;

	if (v == NULL || (p = strstr(v, "smtp.auth=")) == NULL)
		return;
	p += strlen("smtp.auth=");
	for (e = p; *e && !isspace((unsigned char)*e) && *e != ';'; e++)
		;
	report_set(out, p, (size_t)(e - p));
}

static void
product(const char *ua, char **out)
{
	size_t n;

	if (ua == NULL)
		return;
	n = strcspn(ua, "/ ");
	report_set(out, ua, n);
}

/* "arrived at <date> and looks like" in the human part. */
static void
text_date(const struct part *t, time_t *when)
{
	const char *a, *b;
	char *s;

	if (t == NULL || t->body == NULL ||
	    (a = memcasemem(t->body, t->body_len, " arrived at ")) == NULL)
		return;
	a += strlen(" arrived at ");
	b = memcasemem(a, t->body_len - (size_t)(a - t->body), " and ");
	if (b == NULL)
		return;
	s = xstrndup(a, (size_t)(b - a));
	set_date(when, s);
	free(s);
}

static enum rc
se_parse(struct msg *m, struct report *r, struct err *e)
{
	const struct part *fb = feedback_part(m->root);
	const struct part *off, *t = first_text(m->root);
	const char *cls, *v;
	struct hdrs f;

	feedback_fields(m, fb, &f);
	if (f.n == 0)
		return err_set(e, RC_REJECT, "feedback part has no fields");
	arf_fill(&f, r);
	r->role = ROLE_INTERNAL;
	product(hdr_get(&f, "User-Agent"), &r->reporter);
	smtp_auth(hdr_get(&f, "Authentication-Results"), &r->smtp_auth);
	if (r->occurred_at == 0)
		text_date(t, &r->occurred_at);
	if (r->occurred_at == 0)
		set_date(&r->occurred_at, hdr_get(&m->root->hdrs, "Date"));
	off = r->offending = find_offending(m, m->root);
	if (off != NULL) {
		cls = branded_header(&off->hdrs, "Outgoing-Class");
		report_setz(&r->outgoing_class, cls);
		if (r->source_ip == NULL)
			set_ip(&r->source_ip, hdr_get(&off->hdrs,
			    "X-Originating-IP"));
		if (r->smtp_auth == NULL)
			smtp_auth(hdr_get(&off->hdrs,
			    "Authentication-Results"), &r->smtp_auth);
	}
	v = category_from_class(r->outgoing_class);
	if (v == NULL && t != NULL && t->body != NULL &&
	    memcasemem(t->body, t->body_len, "looks like spam"))
		v = "spam";
	report_setz(&r->category, v ? v :
	    category_for_feedback(r->feedback_type));
	if (r->subject == NULL && off == NULL)
		set_decoded(&r->subject, hdr_get(&m->root->hdrs, "Subject"));
	return RC_OK;
}

const struct format format_spamexperts = {
	.name = "spamexperts",
	.is_report = 1,
	.match = se_match,
	.parse = se_parse,
};
