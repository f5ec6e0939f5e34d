/*
 * Complaints written by people: free text, and the offending message
 * attached (message/rfc822, or an .eml file as octet-stream), its headers
 * pasted into the text (often quoted with "> "), or a mail client's
 * forward ("---------- Forwarded message ---------", "-----Original
 * Message-----", "Begin forwarded message:").  The category comes from
 * the words used; every complaint is marked for review, because what a
 * person writes cannot be read with certainty.  A mail with none of this
 * (no abuse words, nothing attached or pasted) is not taken for one.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static const char *const abuse_words[] = { "spam", "abuse", "phish",
	"scam", "fraud", "malware", "virus", "unsolicited", "spoof",
	"complaint", "hacked", "junk" };

static const char *const forward_marks[] = {
	"---------- Forwarded message",
	"-----Original Message-----",
	"Begin forwarded message:",
	"-------- Forwarded Message",
	"-------- Original Message",
};

static int
has_word(const char *p, size_t n)
{
	size_t i;

	if (p == NULL)
		return 0;
	for (i = 0; i < sizeof(abuse_words) / sizeof(abuse_words[0]); i++)
		if (memcasemem(p, n, abuse_words[i]) != NULL)
			return 1;
	return 0;
}

/* The first text part of the complaint itself (plain, else HTML). */
static const struct part *
own_text(const struct msg *m)
{
	const struct part *t = own_part(m->root, "text/plain");

	return t ? t : own_part(m->root, "text/html");
}

static size_t
scan_len(const struct part *t)
{
	return t->body_len < COMPLAINT_SCAN ? t->body_len : COMPLAINT_SCAN;
}

static int
eml_leaf(const struct part *p)
{
	size_t fl = p->filename ? strlen(p->filename) : 0;

	return p->child == NULL && p->body != NULL && fl > 4 &&
	    ascii_casecmp(p->filename + fl - 4, ".eml") == 0;
}

static const struct part *
eml_attachment(const struct msg *m)
{
	struct part *p = NULL;

	while ((p = part_walk(m->root, p)) != NULL)
		if (eml_leaf(p))
			return p;
	return NULL;
}

/* A header block pasted into the text: a line starting with Received: or
 * Return-Path:, possibly quoted. */
static const char *
pasted(const char *p, size_t n)
{
	static const char *const starts[] = { "Received: from", "> Received: from",
	    "Return-Path:", "> Return-Path:" };
	const char *s, *best = NULL;
	size_t i;

	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if ((s = line_starting(p, n, starts[i])) != NULL &&
		    (best == NULL || s < best))
			best = s;
	return best;
}

static const char *
forward_mark(const char *p, size_t n)
{
	const char *s, *best = NULL;
	size_t i;

	for (i = 0; i < sizeof(forward_marks) / sizeof(forward_marks[0]); i++)
		if ((s = memcasemem(p, n, forward_marks[i])) != NULL &&
		    (best == NULL || s < best))
			best = s;
	return best;
}

static int
cp_match(const struct msg *m, struct cues *c)
{
	const struct part *t = own_text(m);
	const char *subj = root_hdr(m, "Subject");
	int word = subj != NULL && has_word(subj, strlen(subj));

	if (c->auto_submitted)
		return 0;
	if (part_find(m->root, "message/rfc822") != NULL ||
	    part_find(m->root, "message/global") != NULL ||
	    eml_attachment(m) != NULL)
		return 30;
	if (t == NULL)
		return word ? 20 : 0;
	if (pasted(t->body, scan_len(t)) != NULL)
		return 25;
	if (forward_mark(t->body, scan_len(t)) != NULL)
		return word || has_word(t->body, scan_len(t)) ? 25 : 15;
	if (word)
		return 20;
	return has_word(t->body, scan_len(t)) ? 15 : 0;
}

/*
 * Parse (p, n) out of t as an embedded message.  Quoted text ("> ") is
 * unquoted into a copy first; the copy lives in m's arena, as the
 * embedded message needs.
 */
static const struct part *
embed(struct msg *m, const struct part *t, const char *p, size_t n)
{
	char *copy;
	size_t i = 0, j = 0;

	if (n >= 2 && p[0] == '>') {
		copy = msg_strndup(m, p, n);
		while (i < n) {
			if ((i == 0 || copy[i - 1] == '\n') && copy[i] == '>') {
				i++;
				if (i < n && copy[i] == ' ')
					i++;
				continue;
			}
			copy[j++] = copy[i++];
		}
		p = copy;
		n = j;
	}
	return mime_parse_embedded(m, (struct part *)(uintptr_t)t, p, n);
}

/* After a forward marker: the forwarded header lines (From:, Date: or
 * Sent:, Subject:, To:) as a header block. */
static const struct part *
forwarded(struct msg *m, const struct part *t, const char *mark)
{
	const char *end = t->body + t->body_len, *p = mark;

	while (p < end && *p != '\n')
		p++;
	while (p < end && (*p == '\n' || *p == '\r' || *p == ' '))
		p++;
	if (p >= end)
		return NULL;
	return embed(m, t, p, (size_t)(end - p));
}

/* The offending message, and in *where how the complaint carries it. */
static const struct part *
find_evidence(struct msg *m, const struct part *t, const char **where)
{
	const struct part *e;
	const char *s;

	*where = "attached";
	if ((e = find_offending(m, m->root)) != NULL)
		return e;
	if ((e = eml_attachment(m)) != NULL)
		return mime_parse_embedded(m, (struct part *)(uintptr_t)e,
		    e->body, e->body_len);
	if (t == NULL || strcmp(t->type, "text/plain") != 0)
		return NULL;
	*where = "pasted";
	if ((s = pasted(t->body, t->body_len)) != NULL)
		return embed(m, t, s, t->body_len - (size_t)(s - t->body));
	*where = "forwarded";
	if ((s = forward_mark(t->body, t->body_len)) != NULL)
		return forwarded(m, t, s);
	return NULL;
}

/* "Fwd: Fw: AW: ..." prefixes off a subject. */
static const char *
strip_forward(const char *s)
{
	static const char *const pre[] = { "fwd:", "fw:", "wg:", "tr:",
	    "aw:", "re:" };
	size_t i;
	int again = 1;

	while (again) {
		again = 0;
		while (*s == ' ')
			s++;
		for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
			if (has_prefix_ci(s, strlen(s), pre[i])) {
				s += strlen(pre[i]);
				again = 1;
			}
	}
	return s;
}

static enum rc
cp_parse(struct msg *m, struct report *r, struct err *e)
{
	const struct part *t = own_text(m), *off;
	const char *subj = root_hdr(m, "Subject"), *c = NULL, *where;
	char ip[IP_STRLEN];
	char *ds = NULL;

	r->role = ROLE_EXTERNAL;
	r->review = 1;
	report_take(&r->reporter, reporter_label(root_hdr(m, "From"), 0));
	/* It counts only when the offending message names the customer;
	 * the complainant's own address serves to tell a customer's
	 * reply about their own account (evidence.c). */
	r->needs_evidence = 1;
	(void)set_addr(&r->sender, root_hdr(m, "Return-Path"));
	off = r->offending = find_evidence(m, t, &where);
	if (off != NULL) {
		r->evidence_found = where;
		(void)set_addr(&r->offending_from, hdr_get(&off->hdrs,
		    "From"));
	}
	if (subj != NULL)
		ds = decode_header(subj, strlen(subj), MAX_FIELD_LEN);
	if (ds != NULL)
		c = category_for_words(ds, strlen(ds));
	if (c == NULL && t != NULL)
		c = category_for_words(t->body, scan_len(t));
	report_setz(&r->category, c ? c : "spam");
	source_ip_fallback(r, off);
	/* An address in the subject is a hint, taken when nothing better. */
	if (r->source_ip == NULL && ds != NULL && ip_find(ds, strlen(ds), ip)) {
		report_setz(&r->source_ip, ip);
		r->source_hint = 1;
	}
	if (off != NULL && hdr_get(&off->hdrs, "Date") == NULL)
		set_date(&r->occurred_at, hdr_get(&off->hdrs, "Sent"));
	if (off == NULL && ds != NULL)
		report_setz(&r->subject, strip_forward(ds));
	free(ds);
	return RC_OK;
}

const struct format format_complaint = {
	.name = "complaint",
	.is_report = 1,
	.match = cp_match,
	.most = 30,
	.parse = cp_parse,
};
