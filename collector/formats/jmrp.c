/*
 * Microsoft JMRP (Junk Mail Reporting Program, Hotmail / Outlook.com).
 * The legacy form is not ARF: From staff@hotmail.com, Subject "complaint
 * about message from <ip>", a multipart/mixed holding only the reported
 * message, whose header block Microsoft prefixes with
 * X-HmXmrOriginalRecipient (the complainant), X-Reporter-IP, X-SID-PRA.
 * The newer form is ARF-shaped, but its feedback part holds only
 * Feedback-Type, User-Agent: JMRP/1.0 and Version: everything else comes
 * from the attached message.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "formats.h"

#define JMRP_SUBJECT	"complaint about message from"

static int
jmrp_ua(const struct msg *m)
{
	const struct part *fb = feedback_part(m->root);

	return fb != NULL && fb->body != NULL &&
	    memcasemem(fb->body, fb->body_len, "User-Agent: JMRP") != NULL;
}

static int
jmrp_match(const struct msg *m, struct cues *c)
{
	const char *subj = root_hdr(m, "Subject"), *dom;

	if (jmrp_ua(m))
		return 80;
	/* Both the subject and the sender, or the subject and the shape
	 * (an attached message): the sender is read last, when it decides. */
	if (subj == NULL || memcasemem(subj, strlen(subj), JMRP_SUBJECT) ==
	    NULL)
		return 0;
	if (part_find(m->root, "message/rfc822") != NULL)
		return 80;
	return (dom = cues_from_domain(c, m)) != NULL &&
	    (strcmp(dom, "hotmail.com") == 0 ||
	    strcmp(dom, "outlook.com") == 0) ? 80 : 0;
}

static enum rc
jmrp_parse(struct msg *m, struct report *r, struct err *e)
{
	const char *subj = root_hdr(m, "Subject"), *s;
	const struct part *off;
	char ip[IP_STRLEN];
	char *dom;

	if (feedback_part(m->root) != NULL) {
		if (arf_read(m, r, e) != RC_OK)
			return e->rc;
	} else {
		r->role = ROLE_EXTERNAL;
		r->offending = find_offending(m, m->root);
		if ((dom = from_domain(m->root)) != NULL)
			report_take(&r->reporter, dom);
	}
	if (r->feedback_type == NULL)
		report_setz(&r->feedback_type, "abuse");
	report_setz(&r->category, category_for_feedback(r->feedback_type));
	if (r->source_ip == NULL && subj != NULL &&
	    (s = memcasemem(subj, strlen(subj), JMRP_SUBJECT)) != NULL &&
	    ip_find(s, strlen(s), ip))
		report_setz(&r->source_ip, ip);
	/* Without the reported message, the subject's address is all. */
	if ((off = r->offending) == NULL)
		return RC_OK;
	source_ip_fallback(r, off);
	if (r->nrcpt == 0 && (s = hdr_get(&off->hdrs,
	    "X-HmXmrOriginalRecipient")) != NULL)
		report_add_rcpt(r, s, strlen(s));
	/* The hop into Microsoft is the arrival time. */
	if (r->occurred_at == 0)
		first_hop_date(off, &r->occurred_at);
	return RC_OK;
}

const struct format format_jmrp = {
	.name = "jmrp",
	.is_report = 1,
	.match = jmrp_match,
	.most = 80,
	.parse = jmrp_parse,
};
