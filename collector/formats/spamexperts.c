/*
 * SpamExperts / N-able Mail Assure outgoing-filter notifications: an ARF
 * report the filter mails to the domain's administrator contact each time
 * it blocks a message from one of the provider's users (an internal
 * signal).  Private-label builds carry another brand in their header
 * names (X-<Brand>-Outgoing-Class) and User-Agent (<Brand>/build), and
 * older ones say Spampanel, so the brand is never required: the shape
 * (a feedback part, an attached message with a branded outgoing class
 * and the filter's own X-Filter-ID / X-Recommended-Action headers) is.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

#define SE_SENTENCE	"which is from one of your users"

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
se_match(const struct msg *m, struct cues *c)
{
	const struct part *fb = feedback_part(m->root), *t, *att;
	const char *rcv = root_hdr(m, "Received");
	int score = 0;

	if (fb == NULL)
		return 0;
	if (rcv != NULL && strstr(rcv, "local-spamexperts-generated"))
		score += 60;
	if (fb->body != NULL &&
	    (memcasemem(fb->body, fb->body_len, "User-Agent: SpamExperts") ||
	    memcasemem(fb->body, fb->body_len, "User-Agent: Spampanel")))
		score += 60;
	if ((t = first_text(m->root)) != NULL &&
	    memcasemem(t->body, t->body_len, SE_SENTENCE))
		score += 40;
	if ((att = attached(m)) != NULL) {
		if (branded_header(&att->hdrs, "Outgoing-Class", NULL, 0))
			score += 40;
		/* The filter's own marks on every message it handles. */
		if (hdr_get(&att->hdrs, "X-Filter-ID") != NULL ||
		    hdr_get(&att->hdrs, "X-Recommended-Action") != NULL ||
		    hdr_get(&att->hdrs, "X-Report-Abuse-To") != NULL)
			score += 20;
	}
	return score > 100 ? 100 : score;
}

/* The filter's outgoing class as a category: a blocked "unsure" message
 * was blocked on its spam score.  NULL for a class that says nothing. */
static const char *
category_from_class(const char *cls)
{
	if (cls == NULL)
		return NULL;
	if (ascii_casecmp(cls, "spam") == 0 ||
	    ascii_casecmp(cls, "unsure") == 0)
		return "spam";
	if (ascii_ncasecmp(cls, "phish", 5) == 0)
		return "phishing";
	if (ascii_casecmp(cls, "virus") == 0)
		return "virus";
	return NULL;
}

/* The filter's outgoing user, X-<Brand>-Username (an address, a login,
 * an IP or a CIDR) qualified by X-<Brand>-Domain when it has no '@'. */
static void
branded_user(const struct part *off, char **out)
{
	const char *u = branded_header(&off->hdrs, "Username", NULL, 0);
	const char *d = branded_header(&off->hdrs, "Domain", NULL, 0);

	if (u == NULL || *u == '\0')
		return;
	if (strchr(u, '@') != NULL || d == NULL || *d == '\0')
		report_setz(out, u);
	else
		report_take(out, xasprintf("%s@%s", u, d));
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
	/* "smtp.auth=@example.com": a user the filter did not know. */
	if (e > p && *p != '@')
		report_set(out, p, (size_t)(e - p));
}

/* "SpamExperts/88068" -> "SpamExperts". */
static void
product(const char *ua, char **out)
{
	if (ua != NULL)
		report_set(out, ua, strcspn(ua, "/ "));
}

/* "arrived at <date> and looks like" in the human part. */
static void
text_facts(const struct part *t, struct report *r)
{
	const char *a, *b;

	if (t == NULL)
		return;
	if (r->occurred_at == 0 &&
	    (a = memcasemem(t->body, t->body_len, " arrived at ")) != NULL) {
		a += strlen(" arrived at ");
		b = memcasemem(a, t->body_len - (size_t)(a - t->body),
		    " and ");
		if (b != NULL)
			set_date_n(&r->occurred_at, a, (size_t)(b - a));
	}
	if (r->category == NULL &&
	    (a = memcasemem(t->body, t->body_len, "looks like ")) != NULL) {
		size_t n = t->body_len - (size_t)(a - t->body);

		b = memchr(a, '\n', n);
		report_setz(&r->category, category_for_words(a,
		    b ? (size_t)(b - a) : n));
	}
}

/* The IP in the user part of smtp.auth=, for IP-authenticated users. */
static void
ip_from_user(struct report *r)
{
	const char *at;
	char *u;

	if (r->source_ip != NULL || r->smtp_auth == NULL ||
	    (at = strrchr(r->smtp_auth, '@')) == NULL)
		return;
	u = xstrndup(r->smtp_auth, (size_t)(at - r->smtp_auth));
	set_ip(&r->source_ip, u);
	free(u);
}

static enum rc
se_parse(struct msg *m, struct report *r, struct err *e)
{
	const struct part *fb = feedback_part(m->root);
	const struct part *off, *t = first_text(m->root);
	char brand[64];
	struct hdrs f;

	feedback_fields(m, fb, &f);
	if (f.n == 0)
		return err_set(e, RC_REJECT, "feedback part has no fields");
	arf_fill(&f, r);
	r->role = ROLE_INTERNAL;
	product(hdr_get(&f, "User-Agent"), &r->reporter);
	smtp_auth(hdr_get(&f, "Authentication-Results"), &r->smtp_auth);
	off = r->offending = find_offending(m, m->root);
	if (off != NULL) {
		report_setz(&r->outgoing_class, branded_header(&off->hdrs,
		    "Outgoing-Class", brand, sizeof(brand)));
		if (r->reporter == NULL && r->outgoing_class != NULL)
			report_setz(&r->reporter, brand);
		if (r->smtp_auth == NULL)
			smtp_auth(hdr_get(&off->hdrs,
			    "Authentication-Results"), &r->smtp_auth);
		if (r->smtp_auth == NULL)
			branded_user(off, &r->smtp_auth);
	}
	report_setz(&r->category, category_from_class(r->outgoing_class));
	text_facts(t, r);
	if (r->category == NULL)
		report_setz(&r->category,
		    category_for_feedback(r->feedback_type));
	source_ip_fallback(r, off);
	ip_from_user(r);
	/* The notification's subject is the blocked message's subject. */
	if (off == NULL)
		set_decoded(&r->subject, root_hdr(m, "Subject"));
	return RC_OK;
}

const struct format format_spamexperts = {
	.name = "spamexperts",
	.is_report = 1,
	.match = se_match,
	.most = 100,
	.parse = se_parse,
};
