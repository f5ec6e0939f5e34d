#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "bounds.h"
#include "email.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "summary.h"

#define DEFAULT_SUBJECT	"Abuse summary {day}: {confirmed} confirmed"

/* Bytes of UTF-8 per encoded word: 42 bytes are 56 base64 characters,
 * "=?UTF-8?B?" + 56 + "?=" is 68, within RFC 2047's 75, and the first
 * line, "Subject: " and a word, stays within 78. */
#define WORD_BYTES	42

/* The buffer's text, for the caller to free. */
static char *
take(struct buf *b)
{
	char *s = buf_detach(b, NULL);

	buf_release(b);	/* buf_detach left a fresh, empty buffer */
	return s;
}

static int
plain_ascii(const char *s)
{
	const unsigned char *u;

	if (strstr(s, "=?") != NULL)
		return 0;
	for (u = (const unsigned char *)s; *u; u++)
		if (*u < 0x20 || *u > 0x7e)
			return 0;
	return 1;
}

char *
email_encode_header(const char *s)
{
	struct buf b;
	gnutls_datum_t in, out;
	size_t len = strlen(s), i = 0, n;

	if (plain_ascii(s))
		return xstrdup(s);
	buf_init(&b, 16 * len + 64);
	while (i < len) {
		/* Up to WORD_BYTES, backed off to a character start. */
		n = len - i < WORD_BYTES ? len - i : WORD_BYTES;
		while (i + n < len && n > 1 &&
		    ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--;
		in.data = (unsigned char *)(uintptr_t)(s + i);
		in.size = (unsigned)n;
		if (gnutls_base64_encode2(&in, &out) != 0)
			abort();
		if (i > 0)
			buf_addstr(&b, "\r\n ");	/* folding */
		buf_addstr(&b, "=?UTF-8?B?");
		buf_add(&b, out.data, out.size);
		buf_addstr(&b, "?=");
		gnutls_free(out.data);
		i += n;
	}
	return take(&b);
}

char *
email_subject(const char *tmpl, const char *day, long confirmed)
{
	struct buf b;
	const char *p;

	buf_init(&b, 4096);
	for (p = tmpl ? tmpl : DEFAULT_SUBJECT; *p; p++) {
		if (strncmp(p, "{day}", 5) == 0) {
			buf_addstr(&b, day);
			p += 4;
		} else if (strncmp(p, "{confirmed}", 11) == 0) {
			buf_addf(&b, "%ld", confirmed);
			p += 10;
		} else {
			buf_addch(&b, *p);
		}
	}
	return take(&b);
}

/* A renderer's output in memory. */
struct mem {
	char	*data;
	size_t	 len;
	FILE	*f;
};

static void
mem_open(struct mem *m)
{
	m->data = NULL;
	m->len = 0;
	if ((m->f = open_memstream(&m->data, &m->len)) == NULL)
		abort();
}

/* Close; 0 when all was written. */
static int
mem_close(struct mem *m)
{
	int bad = ferror(m->f);

	return fclose(m->f) != 0 || bad ? -1 : 0;
}

/*
 * Mail text has CRLF line ends, and libcurl's quoted-printable encoder
 * keeps lines only at CRLF (a bare LF it encodes as =0A): the renderers'
 * LFs become CRLF here.
 */
static void
mem_crlf(struct mem *m)
{
	struct buf b;
	size_t i;

	buf_init(&b, 2 * m->len + 1);
	for (i = 0; i < m->len; i++) {
		if (m->data[i] == '\n' && (i == 0 || m->data[i - 1] != '\r'))
			buf_addch(&b, '\r');
		buf_addch(&b, m->data[i]);
	}
	free(m->data);
	m->data = buf_detach(&b, &m->len);
	buf_release(&b);
}

/* The domain of an address, for the Message-ID. */
static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "localhost";
}

/* A message from the [email] settings m to to, with headers h. */
static void
smtp_of(struct smtp_message *sm, const struct email_conf *m, const char *to,
    char **h)
{
	memset(sm, 0, sizeof(*sm));
	sm->url = m->url;
	sm->user = m->user;
	sm->password = m->password;
	sm->ca_file = m->ca_file;
	sm->timeout_s = (long)m->timeout;
	sm->from = m->from;
	sm->rcpt = to;
	sm->headers = (const char *const *)h;
}

char *
email_date_header(time_t now)
{
	char date[64];
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL || strftime(date, sizeof(date),
	    "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		snprintf(date, sizeof(date), "Thu, 01 Jan 1970 00:00:00 +0000");
	return xasprintf("Date: %s", date);
}

static void
perform(const struct email_conf *m, const char *to, const char *subject,
    const struct mem *text, const struct mem *html, const struct mem *csv,
    const char *day, time_t now, struct outcome *o)
{
	char fname[64], *h[7];
	char *encoded = email_encode_header(subject);
	struct smtp_part alt[2], att[1];
	struct smtp_message sm;
	struct err e;
	long reply;
	size_t i;
	enum rc rc;

	h[0] = email_date_header(now);
	h[1] = xasprintf("From: %s", m->from);
	h[2] = xasprintf("To: %s", to);
	h[3] = xasprintf("Subject: %s", encoded);
	h[4] = xasprintf("Message-ID: <summary-%s.%08x%08x@%s>", day,
	    arc4random(), arc4random(), domain_of(m->from));
	h[5] = xstrdup("Auto-Submitted: auto-generated");
	h[6] = NULL;
	alt[0] = (struct smtp_part){ "text/plain; charset=utf-8",
	    "quoted-printable", NULL, text->data, text->len };
	alt[1] = (struct smtp_part){ "text/html; charset=utf-8",
	    "quoted-printable", NULL, html->data, html->len };
	snprintf(fname, sizeof(fname), "summary-%s.csv", day);
	att[0] = (struct smtp_part){ "text/csv; charset=utf-8", "base64",
	    fname, csv->data, csv->len };
	smtp_of(&sm, m, to, h);
	sm.alternatives = alt;
	sm.nalternatives = 2;
	sm.attachments = att;
	sm.nattachments = 1;
	rc = smtp_send(&sm, &reply, &e);
	if (rc == RC_OK) {
		o->kind = OUT_DELIVERED;
	} else {
		o->kind = rc == RC_REJECT ? OUT_DEAD : OUT_RETRY;
		snprintf(o->error, sizeof(o->error), "%s", e.msg);
	}
	for (i = 0; i < 6; i++)
		free(h[i]);
	free(encoded);
}

void
email_send(const struct config *c, struct store *s, const char *day,
    const char *to, const struct email_update *u, time_t now,
    struct outcome *o)
{
	struct mem text, html, csv;
	struct day_totals t;
	struct err e;
	char *subject = NULL, *plain;
	const char *changes = u && u->changes ? u->changes : "";
	enum rc rc;

	memset(o, 0, sizeof(*o));
	o->retry_after = -1;
	mem_open(&text);
	mem_open(&html);
	mem_open(&csv);
	if (u != NULL)
		fprintf(text.f, "Update %ld of the summary for %s: its "
		    "confirmed or escalated customers changed since the last "
		    "mail about this day.\n\nWhat changed:\n\n%s\nThe "
		    "summary as it stands now:\n\n", u->n, day, changes);
	if ((rc = text_summary(text.f, s, c, day, &e)) == RC_OK &&
	    (rc = html_mail(html.f, s, c, day, now, u ? changes : NULL,
	    &e)) == RC_OK &&
	    (rc = csv_summary(csv.f, s, c, day, now, &e)) == RC_OK)
		rc = summary_totals(s, day, &t, &e);
	if ((mem_close(&text) | mem_close(&html) | mem_close(&csv)) != 0 &&
	    rc == RC_OK)
		rc = err_set(&e, RC_TEMP, "cannot render the summary in "
		    "memory");
	if (rc != RC_OK) {
		o->kind = OUT_RETRY;
		snprintf(o->error, sizeof(o->error), "%s", e.msg);
		goto out;
	}
	if (text.len + html.len + csv.len > MAX_EMAIL_SIZE) {
		o->kind = OUT_DEAD;
		snprintf(o->error, sizeof(o->error), "the summary of %s is "
		    "%zu bytes, over the limit of %u", day,
		    text.len + html.len + csv.len, MAX_EMAIL_SIZE);
		goto out;
	}
	mem_crlf(&text);
	mem_crlf(&html);
	plain = email_subject(c->email.subject, day, t.confirmed);
	subject = u ? xasprintf("[update] %s", plain) : plain;
	if (u != NULL)
		free(plain);
	perform(&c->email, to, subject, &text, &html, &csv, day, now, o);
	if (o->kind == OUT_DELIVERED && u != NULL)
		log_info("update %ld of the summary of %s sent to %s", u->n,
		    day, to);
	else if (o->kind == OUT_DELIVERED)
		log_info("summary of %s sent to %s", day, to);
out:
	free(subject);
	free(text.data);
	free(html.data);
	free(csv.data);
}

void
email_alert_send(const struct config *c, const char *payload,
    const char *to, time_t now, struct outcome *o)
{
	const struct email_conf *m = &c->email;
	char *kind = json_get(payload, "$.alert");
	char *source = json_get(payload, "$.source");
	char *detail = json_get(payload, "$.detail");
	char *at = json_get(payload, "$.at");
	char *h[7] = { NULL }, *subject = NULL, *body = NULL;
	struct smtp_part part[1];
	struct smtp_message sm;
	struct err e;
	long reply;
	size_t i;
	enum rc rc;

	memset(o, 0, sizeof(*o));
	o->retry_after = -1;
	if (kind == NULL || source == NULL || detail == NULL || at == NULL) {
		o->kind = OUT_DEAD;
		snprintf(o->error, sizeof(o->error), "unreadable alert row");
		goto out;
	}
	subject = xasprintf("[abuse-collector] %s: %s", kind, source);
	body = xasprintf("%s\r\n\r\n%s at %s.\r\n\r\n`abuse-collector status` "
	    "shows the health of every source.\r\n", detail, kind, at);
	h[0] = email_date_header(now);
	h[1] = xasprintf("From: %s", m->from);
	h[2] = xasprintf("To: %s", to);
	h[3] = email_encode_header(subject);
	free(subject);
	subject = h[3];
	h[3] = xasprintf("Subject: %s", subject);
	h[4] = xasprintf("Message-ID: <alert.%08x%08x@%s>", arc4random(),
	    arc4random(), domain_of(m->from));
	h[5] = xstrdup("Auto-Submitted: auto-generated");
	part[0] = (struct smtp_part){ "text/plain; charset=utf-8",
	    "quoted-printable", NULL, body, strlen(body) };
	smtp_of(&sm, m, to, h);
	sm.alternatives = part;
	sm.nalternatives = 1;
	if ((rc = smtp_send(&sm, &reply, &e)) == RC_OK) {
		o->kind = OUT_DELIVERED;
		log_info("%s of %s mailed to %s", kind, source, to);
	} else {
		o->kind = rc == RC_REJECT ? OUT_DEAD : OUT_RETRY;
		snprintf(o->error, sizeof(o->error), "%s", e.msg);
	}
out:
	for (i = 0; i < 6; i++)
		free(h[i]);
	free(subject);
	free(body);
	free(kind);
	free(source);
	free(detail);
	free(at);
}
