/*
 * ARF, RFC 5965 (with RFC 6650, 6430 and 6692): multipart/report with a
 * message/feedback-report part, usually followed by the offending message.
 * Tolerates what feedback loops send in practice: Version 0.1 and 1.0,
 * Received-Date for Arrival-Date, field names in any case, trailing
 * spaces, continuation lines without indentation, a feedback part in
 * base64 or inside multipart/mixed, text/rfc822-headers (or the
 * "-header" typo) instead of the whole message, a third part reduced to
 * "REDACTED", the Message-ID only in the human part.
 *
 * Authentication-failure reports (RFC 6591: Feedback-Type auth-failure)
 * are DMARC failure reports in practice and belong to dmarc.c; the ARF
 * parser still reads them when given one directly.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "formats.h"

const struct part *
feedback_part(struct part *root)
{
	const struct part *p = own_part(root, "message/feedback-report");

	/* A forwarded report: the feedback part inside the attachment. */
	return p ? p : part_find(root, "message/feedback-report");
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

	set_lower(&r->feedback_type, hdr_get(fb, "Feedback-Type"));
	if (!set_date(&r->occurred_at, hdr_get(fb, "Arrival-Date")))
		set_date(&r->occurred_at, hdr_get(fb, "Received-Date"));
	set_ip(&r->source_ip, hdr_get(fb, "Source-IP"));
	set_addr(&r->mail_from, hdr_get(fb, "Original-Mail-From"));
	for (i = 0; (v = hdr_get_nth(fb, "Original-Rcpt-To", i)) != NULL;
	    i++) {
		char *a = addr_spec(v, strlen(v));

		/* "redacted", "<Undisclosed Recipients>": no address. */
		if (a != NULL && strchr(a, '@') != NULL)
			report_add_rcpt(r, a, strlen(a));
		free(a);
	}
	report_setz(&r->envelope_id, hdr_get(fb, "Original-Envelope-Id"));
}

/*
 * "... received from IP 192.0.2.1 on <date>." in the human part.  The
 * sentence may be wrapped (or cut by quoted-printable soft breaks), so
 * it is read as one line up to the end of its paragraph.
 */
static void
prose(const struct part *t, struct report *r, int want_id)
{
	const char *s, *e, *on;
	char ip[IP_STRLEN];
	char *text, *para;
	size_t n, len, i;

	if (t == NULL || (text = part_text(t, &n)) == NULL)
		return;
	if ((s = memcasemem(text, n, "received from")) != NULL) {
		len = n - (size_t)(s - text);
		if ((e = memmem(s, len, "\n\n", 2)) != NULL ||
		    (e = memmem(s, len, "\r\n\r\n", 4)) != NULL)
			len = (size_t)(e - s);
		if (len > 400)
			len = 400;
		para = xstrndup(s, len);
		for (i = 0; i < len; i++)
			if (para[i] == '\r' || para[i] == '\n')
				para[i] = ' ';
		if (r->source_ip == NULL && ip_find(para, len, ip))
			report_setz(&r->source_ip, ip);
		if (r->occurred_at == 0 &&
		    (on = memcasemem(para, len, " on ")) != NULL)
			set_date_n(&r->occurred_at, on + 4,
			    len - (size_t)(on + 4 - para));
		free(para);
	}
	if (want_id && r->message_id == NULL) {
		char *id = text_line_after(text, n, "message-id of ");

		if (id == NULL)
			id = text_line_after(text, n, "message id ");
		if (id != NULL) {
			len = strcspn(id, " \t");
			report_take(&r->message_id, msgid_strip(id, len));
			free(id);
		}
	}
	free(text);
}

enum rc
arf_read(struct msg *m, struct report *r, struct err *e)
{
	const struct part *fb = feedback_part(m->root), *off;
	const char *v;
	struct hdrs f;
	char *dom;
	int want_id;

	feedback_fields(m, fb, &f);
	if (f.n == 0)
		return err_set(e, RC_REJECT, "feedback part has no fields");
	arf_fill(&f, r);
	r->role = ROLE_EXTERNAL;
	if ((dom = from_domain(m->root)) != NULL)
		report_take(&r->reporter, dom);
	off = r->offending = find_offending(m, m->root);
	want_id = off == NULL || hdr_get(&off->hdrs, "Message-ID") == NULL;
	if (want_id) {
		/* Early Comcast wrote Original-Message-ID, LinkedIn a
		 * Message-ID field, into the feedback part. */
		if ((v = hdr_get(&f, "Original-Message-ID")) == NULL)
			v = hdr_get(&f, "Message-ID");
		if (v != NULL)
			report_take(&r->message_id, msgid_strip(v,
			    strlen(v)));
	}
	prose(first_text(m->root), r, want_id);
	source_ip_fallback(r, off);
	return RC_OK;
}

static int
arf_match(const struct msg *m, struct cues *c)
{
	return feedback_part(m->root) != NULL ? 50 : 0;
}

static enum rc
arf_parse(struct msg *m, struct report *r, struct err *e)
{
	if (arf_read(m, r, e) != RC_OK)
		return e->rc;
	report_setz(&r->category, category_for_feedback(r->feedback_type));
	if (r->feedback_type != NULL &&
	    strcmp(r->feedback_type, "not-spam") == 0) {
		/* RFC 6430: a recipient said the message was wanted. */
		r->status = MSG_IGNORED;
		r->kind = "not-spam";
		report_setz(&r->reason, "ARF not-spam report: the recipient "
		    "marked the message as wanted");
	}
	return RC_OK;
}

const struct format format_arf = {
	.name = "arf",
	.is_report = 1,
	.match = arf_match,
	.most = 50,
	.parse = arf_parse,
};
