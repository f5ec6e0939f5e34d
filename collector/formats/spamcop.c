/*
 * SpamCop.  The classic report is one text body: a header line
 * ("[ SpamCop V4.8.3 ]", formerly "- SpamCop V1.3.3 -"), "Email from <ip>
 * / <date>", a link, then the spam itself inline after "[ Offending
 * message ]" (formerly "Offending message:"), sometimes between BEGIN /
 * END FORWARDED MESSAGE markers.  ISPs may ask for ARF instead: then it
 * is a feedback report whose Source-IP may be empty, with the classic
 * text as human part.  Either way the source IP is also in the subject,
 * "[SpamCop (<ip>) id:<n>]<spam subject>", and in X-SpamCop-sourceip.
 *
 * SpamCop's summary and alert mails list many addresses and report no
 * single incident: they are recognised and ignored.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

/*
 * Whether a From value can name a SpamCop domain at all: "spamcop" in
 * it, in any case, with white space allowed between the letters (the
 * addr-spec parser drops blanks).  Most mail has no such From, and is
 * spared parsing it.
 */
static int
may_be_spamcop(const char *v)
{
	static const char w[] = "spamcop";
	const char *p;
	size_t k;

	for (; *v != '\0'; v++) {
		for (p = v, k = 0; *p != '\0' && w[k] != '\0'; p++) {
			if ((*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p) ==
			    w[k])
				k++;
			else if (k == 0 || (*p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '\n'))
				break;
		}
		if (w[k] == '\0')
			return 1;
	}
	return 0;
}

static int
from_spamcop(const struct msg *m, struct cues *c)
{
	const char *v = root_hdr(m, "From"), *dom;

	if (v == NULL || !may_be_spamcop(v))
		return 0;
	dom = cues_from_domain(c, m);
	return dom != NULL && (strcmp(dom, "reports.spamcop.net") == 0 ||
	    strcmp(dom, "admin.spamcop.net") == 0);
}

static int
sc_match(const struct msg *m, struct cues *c)
{
	const char *subj = root_hdr(m, "Subject");

	if ((subj != NULL && has_prefix_ci(subj, strlen(subj), "[SpamCop")) ||
	    from_spamcop(m, c))
		return 90;
	return 0;
}

/* "[SpamCop (192.0.2.1) id:123]...": the address in the parentheses. */
static void
subject_ip(const char *subj, struct report *r)
{
	const char *lp, *rp;
	char ip[IP_STRLEN];

	if (r->source_ip != NULL || subj == NULL ||
	    (lp = strchr(subj, '(')) == NULL ||
	    (rp = strchr(lp, ')')) == NULL)
		return;
	if (ip_normalise(lp + 1, (size_t)(rp - lp) - 1, ip))
		report_setz(&r->source_ip, ip);
}

/* "Email from 192.0.2.1 / Thu, 19 Jun 2003 17:34:13 -0400". */
static void
email_from(const struct part *t, struct report *r)
{
	char *line = text_line_after(t->body, t->body_len, "Email from ");
	char *slash;
	char ip[IP_STRLEN];

	if (line == NULL)
		return;
	if ((slash = strchr(line, '/')) != NULL) {
		if (r->occurred_at == 0)
			set_date(&r->occurred_at, slash + 1);
		if (r->source_ip == NULL &&
		    ip_normalise(line, (size_t)(slash - line), ip))
			report_setz(&r->source_ip, ip);
	}
	free(line);
}

/*
 * A spamvertised-site report concerns the web site the spam advertised,
 * hosted at the address of "<url> is <ip>; <date>", not the spam's
 * source.
 */
static void
spamvertised(const struct part *t, struct report *r)
{
	const char *s = memcasemem(t->body, t->body_len,
	    "Spamvertised web site:"), *is, *end = t->body + t->body_len;
	char ip[IP_STRLEN];

	if (s == NULL)
		return;
	while ((is = memcasemem(s, (size_t)(end - s), " is ")) != NULL) {
		const char *nl = memchr(is, '\n', (size_t)(end - is));
		size_t n = nl ? (size_t)(nl - is) : (size_t)(end - is);

		if (ip_find(is, n, ip)) {
			report_setz(&r->source_ip, ip);
			return;
		}
		s = is + 4;
	}
}

/* The spam inline after the offending-message marker. */
static const struct part *
inline_spam(struct msg *m, const struct part *t)
{
	static const char *const marks[] = { "[ Offending message ]",
	    "Offending message:" };
	const char *p = NULL, *end = t->body + t->body_len, *q;
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]) && p == NULL; i++)
		p = line_starting(t->body, t->body_len, marks[i]);
	if (p == NULL)
		return NULL;
	/* Past the marker line and any blank lines. */
	while (p < end && *p != '\n')
		p++;
	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	if ((q = line_starting(p, (size_t)(end - p), "=====")) == p &&
	    memcasemem(p, (size_t)(end - p), "FORWARDED MESSAGE") != NULL) {
		while (p < end && *p++ != '\n')
			;
		if ((q = line_starting(p, (size_t)(end - p), "=====")) !=
		    NULL)
			end = q;
	}
	if (p >= end)
		return NULL;
	return mime_parse_embedded(m, (struct part *)(uintptr_t)t, p,
	    (size_t)(end - p));
}

static enum rc
sc_parse(struct msg *m, struct report *r, struct err *e)
{
	const char *subj = root_hdr(m, "Subject");
	const struct part *t;

	if ((subj != NULL && memcasemem(subj, strlen(subj),
	    "summary report") != NULL) || (subj != NULL &&
	    memcasemem(subj, strlen(subj), "[SpamCop] Alert") != NULL)) {
		r->status = MSG_IGNORED;
		r->kind = "summary";
		report_setz(&r->reason, "SpamCop summary, not a report of "
		    "one incident");
		return RC_OK;
	}
	if (feedback_part(m->root) != NULL) {
		if (arf_read(m, r, e) != RC_OK)
			return e->rc;
	} else {
		r->role = ROLE_EXTERNAL;
	}
	report_setz(&r->reporter, "spamcop.net");
	report_setz(&r->category, "spam");
	if ((t = first_text(m->root)) != NULL && r->source_ip == NULL)
		spamvertised(t, r);
	/* An empty X-SpamCop-sourceip is common; set_ip ignores it. */
	if (r->source_ip == NULL)
		set_ip(&r->source_ip, root_hdr(m, "X-SpamCop-sourceip"));
	subject_ip(subj, r);
	if (t != NULL) {
		email_from(t, r);
		if (r->offending == NULL)
			r->offending = inline_spam(m, t);
	}
	if (r->offending == NULL && t == NULL && feedback_part(m->root) ==
	    NULL)
		return err_set(e, RC_REJECT, "SpamCop report without text");
	if (r->offending == NULL && subj != NULL && strchr(subj, ']'))
		set_decoded(&r->subject, strchr(subj, ']') + 1);
	source_ip_fallback(r, r->offending);
	return RC_OK;
}

const struct format format_spamcop = {
	.name = "spamcop",
	.is_report = 1,
	.match = sc_match,
	.most = 90,
	.parse = sc_parse,
};
