#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <gnutls/gnutls.h>

#include "bounds.h"
#include "email.h"
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

static struct curl_slist *
add(struct curl_slist *l, const char *s)
{
	struct curl_slist *n = curl_slist_append(l, s);

	if (n == NULL)
		abort();
	return n;
}

/* The domain of an address, for the Message-ID. */
static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "localhost";
}

static void
perform(const struct email_conf *m, const char *to, const char *subject,
    const struct mem *text, const struct mem *html, const struct mem *csv,
    const char *day, time_t now, struct outcome *o)
{
	char errbuf[CURL_ERROR_SIZE] = "", date[64], *h, fname[64];
	struct curl_slist *hdr = NULL, *rcpt = NULL;
	curl_mime *mime = NULL, *alt = NULL;
	curl_mimepart *part;
	struct tm tm;
	long code = 0;
	char *encoded = email_encode_header(subject);
	CURL *c;
	CURLcode cc;

	if ((c = curl_easy_init()) == NULL)
		abort();
	/* RFC 5322 date in the C locale (the program never sets one). */
	if (localtime_r(&now, &tm) == NULL || strftime(date, sizeof(date),
	    "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		snprintf(date, sizeof(date), "Thu, 01 Jan 1970 00:00:00 +0000");
	h = xasprintf("Date: %s", date);
	hdr = add(hdr, h);
	free(h);
	h = xasprintf("From: %s", m->from);
	hdr = add(hdr, h);
	free(h);
	h = xasprintf("To: %s", to);
	hdr = add(hdr, h);
	free(h);
	h = xasprintf("Subject: %s", encoded);
	hdr = add(hdr, h);
	free(h);
	h = xasprintf("Message-ID: <summary-%s.%08x%08x@%s>", day,
	    arc4random(), arc4random(), domain_of(m->from));
	hdr = add(hdr, h);
	free(h);
	hdr = add(hdr, "Auto-Submitted: auto-generated");
	h = xasprintf("<%s>", to);
	rcpt = add(rcpt, h);
	free(h);

	alt = curl_mime_init(c);
	part = curl_mime_addpart(alt);
	curl_mime_data(part, text->data, text->len);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(alt);
	curl_mime_data(part, html->data, html->len);
	curl_mime_type(part, "text/html; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	mime = curl_mime_init(c);
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	curl_mime_type(part, "multipart/alternative");
	part = curl_mime_addpart(mime);
	curl_mime_data(part, csv->data, csv->len);
	curl_mime_type(part, "text/csv; charset=utf-8");
	curl_mime_encoder(part, "base64");
	snprintf(fname, sizeof(fname), "summary-%s.csv", day);
	curl_mime_filename(part, fname);

	curl_easy_setopt(c, CURLOPT_URL, m->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS on smtp://, and nothing sent before TLS is up. */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (m->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, m->ca_file);
	if (m->user != NULL) {
		curl_easy_setopt(c, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, m->password);
	}
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)m->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)m->timeout);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, m->from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK) {
		o->kind = OUT_DELIVERED;
	} else {
		/* A permanent SMTP reply (5xx: no such mailbox, relaying
		 * denied, authentication refused) will not change by
		 * itself; anything else (no connection, TLS, timeout, a 4xx
		 * reply) may. */
		const char *why = errbuf[0] ? errbuf : curl_easy_strerror(cc);

		o->kind = code >= 500 && code < 600 ? OUT_DEAD : OUT_RETRY;
		if (code > 0)
			snprintf(o->error, sizeof(o->error), "%s (last SMTP "
			    "reply %ld)", why, code);
		else
			snprintf(o->error, sizeof(o->error), "%s", why);
	}
	curl_easy_cleanup(c);
	curl_mime_free(mime);
	curl_slist_free_all(hdr);
	curl_slist_free_all(rcpt);
	free(encoded);
}

void
email_send(const struct config *c, struct store *s, const char *day,
    const char *to, time_t now, struct outcome *o)
{
	struct mem text, html, csv;
	struct day_totals t;
	struct err e;
	char *subject = NULL;
	enum rc rc;

	memset(o, 0, sizeof(*o));
	o->retry_after = -1;
	mem_open(&text);
	mem_open(&html);
	mem_open(&csv);
	if ((rc = text_summary(text.f, s, c, day, &e)) == RC_OK &&
	    (rc = html_summary(html.f, s, c, day, now, &e)) == RC_OK &&
	    (rc = csv_summary(csv.f, s, day, &e)) == RC_OK)
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
	subject = email_subject(c->email.subject, day, t.confirmed);
	perform(&c->email, to, subject, &text, &html, &csv, day, now, o);
	if (o->kind == OUT_DELIVERED)
		log_info("summary of %s sent to %s", day, to);
out:
	free(subject);
	free(text.data);
	free(html.data);
	free(csv.data);
}
