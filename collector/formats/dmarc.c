/*
 * DMARC failure ("ruf", forensic) reports.  The standard form is ARF with
 * Feedback-Type auth-failure (RFC 6591, RFC 7489 adds Auth-Failure: dmarc)
 * and usually text/rfc822-headers as third part; all of them are named
 * format "dmarc", category auth-failure, whatever failed (SPF, DKIM or
 * DMARC), because in practice they are DMARC reports and they mean the
 * same to an abuse desk: someone sent mail in a domain's name.
 *
 * Degraded forms: Exim's "DMARC Forensic Report", a multipart/report
 * without report-type and without feedback part, whose facts are prose
 * ("Sender IP Address: ...") followed by the pasted headers; and reports
 * re-wrapped by Exchange into multipart/mixed with a base64 feedback part
 * (read like any ARF).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static int
auth_failure(const struct msg *m)
{
	const struct part *fb = feedback_part(m->root);
	const char *ft;

	if (fb == NULL || fb->body == NULL)
		return 0;
	if ((ft = memcasemem(fb->body, fb->body_len, "Feedback-Type:")) ==
	    NULL)
		return 0;
	ft += strlen("Feedback-Type:");
	while (ft < fb->body + fb->body_len && (*ft == ' ' || *ft == '\t'))
		ft++;
	return has_prefix_ci(ft, (size_t)(fb->body + fb->body_len - ft),
	    "auth-failure") || has_prefix_ci(ft, (size_t)(fb->body +
	    fb->body_len - ft), "dmarc");
}

/* Subject or text naming a DMARC failure/forensic report. */
static int
says_dmarc(const struct msg *m)
{
	const char *s = root_hdr(m, "Subject");
	size_t n = s ? strlen(s) : 0;

	return s != NULL && memcasemem(s, n, "DMARC") != NULL &&
	    (memcasemem(s, n, "Forensic") != NULL ||
	    memcasemem(s, n, "Failure") != NULL);
}

static int
dmarc_match(const struct msg *m, struct cues *c)
{
	const struct part *root = m->root;

	if (auth_failure(m))
		return 70;
	if (feedback_part(m->root) != NULL)
		return 0;
	/* multipart/report whose report-type was lost or never written. */
	if (strcmp(root->type, "multipart/report") == 0 &&
	    (root->report_type == NULL ||
	    (strcmp(root->report_type, "delivery-status") != 0 &&
	    strcmp(root->report_type, "disposition-notification") != 0)) &&
	    says_dmarc(m))
		return 65;
	return says_dmarc(m) ? 60 : 0;
}

/* The headers an Exim report pastes after its prose. */
static const struct part *
pasted_headers(struct msg *m, const struct part *t)
{
	const char *p;
	size_t n;

	if (t == NULL)
		return NULL;
	p = line_starting(t->body, t->body_len, "Received:");
	if (p == NULL)
		p = line_starting(t->body, t->body_len, "Return-Path:");
	if (p == NULL)
		return NULL;
	n = t->body_len - (size_t)(p - t->body);
	return mime_parse_embedded(m, (struct part *)(uintptr_t)t, p, n);
}

static enum rc
degraded(struct msg *m, struct report *r, struct err *e)
{
	const struct part *t = first_text(m->root);
	const char *subj = root_hdr(m, "Subject");
	char ip[IP_STRLEN];
	char *dom;

	if (t == NULL)
		return err_set(e, RC_REJECT, "DMARC report without a text "
		    "part");
	if (text_ip_after(t->body, t->body_len, "Sender IP Address:", ip) ||
	    text_ip_after(t->body, t->body_len, "Source IP:", ip) ||
	    (subj != NULL && text_ip_after(subj, strlen(subj), " from IP ",
	    ip)))
		report_setz(&r->source_ip, ip);
	if (!text_date_after(t->body, t->body_len, "Received date:",
	    &r->occurred_at))
		text_date_after(t->body, t->body_len, "Arrival date:",
		    &r->occurred_at);
	if ((dom = from_domain(m->root)) != NULL)
		report_take(&r->reporter, dom);
	r->offending = pasted_headers(m, t);
	return RC_OK;
}

static enum rc
dmarc_parse(struct msg *m, struct report *r, struct err *e)
{
	enum rc rc;

	r->role = ROLE_EXTERNAL;
	if (feedback_part(m->root) != NULL)
		rc = arf_read(m, r, e);
	else
		rc = degraded(m, r, e);
	if (rc != RC_OK)
		return rc;
	report_setz(&r->category, "auth-failure");
	source_ip_fallback(r, r->offending);
	return RC_OK;
}

const struct format format_dmarc = {
	.name = "dmarc",
	.is_report = 1,
	.match = dmarc_match,
	.most = 70,
	.parse = dmarc_parse,
};
