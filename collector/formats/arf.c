/*
 * ARF, RFC 5965 (with RFC 6650 and 6591): multipart/report with a
 * message/feedback-report part, usually followed by the offending message.
 * Tolerates what feedback loops send in practice: Version 0.1,
 * Received-Date for Arrival-Date, field names in any case, a feedback part
 * in base64 or inside multipart/mixed, text/rfc822-headers instead of the
 * whole message.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "../text.h"
#include "formats.h"

const struct part *
feedback_part(struct part *root)
{
	return part_find(root, "message/feedback-report");
}

void
feedback_fields(struct msg *m, const struct part *fb, struct hdrs *out)
{
	memset(out, 0, sizeof(*out));
	if (fb != NULL && fb->body != NULL)
		(void)mime_split_headers(m, fb->body, fb->body_len, out);
}

void
arf_fill(const struct hdrs *fb, struct report *r)
{
	const char *v;
	size_t i;

	if ((v = hdr_get(fb, "Feedback-Type")) != NULL) {
		char *ft = NULL, *p;

		report_setz(&ft, v);
		for (p = ft; p && *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		report_take(&r->feedback_type, ft);
	}
	if (!set_date(&r->occurred_at, hdr_get(fb, "Arrival-Date")))
		set_date(&r->occurred_at, hdr_get(fb, "Received-Date"));
	set_ip(&r->source_ip, hdr_get(fb, "Source-IP"));
	if ((v = hdr_get(fb, "Original-Mail-From")) != NULL)
		report_take(&r->mail_from, addr_spec(v, strlen(v)));
	for (i = 0; (v = hdr_get_nth(fb, "Original-Rcpt-To", i)) != NULL;
	    i++) {
		char *a = addr_spec(v, strlen(v));

		if (a != NULL)
			report_add_rcpt(r, a, strlen(a));
		free(a);
	}
	report_setz(&r->envelope_id, hdr_get(fb, "Original-Envelope-Id"));
}

static int
arf_match(const struct msg *m)
{
	return feedback_part(m->root) != NULL ? 50 : 0;
}

static enum rc
arf_parse(struct msg *m, struct report *r, struct err *e)
{
	const struct part *fb = feedback_part(m->root);
	struct hdrs f;
	char *dom;

	feedback_fields(m, fb, &f);
	if (f.n == 0)
		return err_set(e, RC_REJECT, "feedback part has no fields");
	arf_fill(&f, r);
	r->role = ROLE_EXTERNAL;
	report_setz(&r->category, category_for_feedback(r->feedback_type));
	if ((dom = from_domain(m->root)) != NULL)
		report_take(&r->reporter, dom);
	r->offending = find_offending(m, m->root);
	if (r->occurred_at == 0)
		set_date(&r->occurred_at, hdr_get(&m->root->hdrs, "Date"));
	return RC_OK;
}

const struct format format_arf = {
	.name = "arf",
	.is_report = 1,
	.match = arf_match,
	.parse = arf_parse,
};
