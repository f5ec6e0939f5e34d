#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"

#define DEFAULT_TIMEOUT_MS	30000L
#define DEFAULT_MAX_RESPONSE	(1024u * 1024)

struct http_client {
	CURL	*curl;
};

static void
global_init(void)
{
	static int done;

	/* Once, before any handle; the program has no threads. */
	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			abort();
		done = 1;
	}
}

struct http_client *
http_client_new(void)
{
	struct http_client *c = xcalloc(1, sizeof(*c));

	global_init();
	if ((c->curl = curl_easy_init()) == NULL)
		abort();
	return c;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

void
http_response_release(struct http_response *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

char *
http_escape(const char *p, size_t n)
{
	char *s, *out;

	global_init();
	/* The handle is not used by libcurl 7.82 and later. */
	if ((s = curl_easy_escape(NULL, p, (int)n)) == NULL)
		abort();
	out = xstrdup(s);
	curl_free(s);
	return out;
}

/*
 * "GET https://host:port/path" for errors: the query string may carry
 * what the request is about and the user part may carry a password, so
 * neither is shown.  Returns -1 when url is not http or https.
 */
static int
describe(const char *method, const char *url, char *out, size_t outsz)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	int r = -1;

	if (u == NULL)
		abort();
	snprintf(out, outsz, "%s (malformed URL)", method);
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	(void)curl_url_get(u, CURLUPART_PORT, &port, 0);
	(void)curl_url_get(u, CURLUPART_PATH, &path, 0);
	snprintf(out, outsz, "%s %s://%s%s%s%s", method, scheme, host,
	    port ? ":" : "", port ? port : "", path ? path : "/");
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)
		r = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return r;
}

struct sink {
	struct buf	b;
	int		over;
	int		cut;	/* keep the first part of a long answer */
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, room = s->b.max - s->b.len;

	if (buf_add(&s->b, p, len) < 0) {
		if (s->cut)
			(void)buf_add(&s->b, p, room);
		s->over = 1;
		return 0;	/* stops the transfer: no more is read */
	}
	return len;
}

#define SET(opt, val)	if (curl_easy_setopt(h, opt, val) != CURLE_OK) { \
	rc = err_set(e, RC_FATAL, "%s: cannot set " #opt, what); goto out; }

enum rc
http_do(struct http_client *c, const struct http_request *q,
    struct http_response *r, struct err *e)
{
	CURL *h = c->curl;
	struct curl_slist *hdrs = NULL, *t;
	const char *method = q->method ? q->method : "GET";
	char what[600], errbuf[CURL_ERROR_SIZE] = "";
	struct sink sink;
	long timeout = q->timeout_ms > 0 ? q->timeout_ms : DEFAULT_TIMEOUT_MS;
	size_t cap = q->max_response ? q->max_response : DEFAULT_MAX_RESPONSE;
	const char *ct = NULL;
	CURLcode cc;
	size_t i;
	enum rc rc = RC_OK;

	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	buf_init(&sink.b, cap);
	sink.over = 0;
	sink.cut = q->cut_long_answer;
	if (describe(method, q->url, what, sizeof(what)) < 0) {
		rc = err_set(e, RC_REJECT, "%s: not an http or https URL",
		    what);
		goto out;
	}
	for (i = 0; q->headers != NULL && q->headers[i] != NULL; i++) {
		if (strpbrk(q->headers[i], "\r\n") != NULL) {
			rc = err_set(e, RC_REJECT, "%s: a request header has a "
			    "line break", what);
			goto out;
		}
		if ((t = curl_slist_append(hdrs, q->headers[i])) == NULL)
			abort();
		hdrs = t;
	}
	/* No "Expect: 100-continue" round trip before a body. */
	if ((t = curl_slist_append(hdrs, "Expect:")) == NULL)
		abort();
	hdrs = t;

	/* Reset keeps the connection cache, so a keep-alive is reused. */
	curl_easy_reset(h);
	SET(CURLOPT_URL, q->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (q->ca_file != NULL)
		SET(CURLOPT_CAINFO, q->ca_file);
	if (q->user != NULL) {
		SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_USERNAME, q->user);
		SET(CURLOPT_PASSWORD, q->password ? q->password : "");
	}
	if (q->fresh_connection) {
		SET(CURLOPT_FRESH_CONNECT, 1L);
		SET(CURLOPT_FORBID_REUSE, 1L);
	}
	SET(CURLOPT_TIMEOUT_MS, timeout);
	SET(CURLOPT_CONNECTTIMEOUT_MS, q->connect_timeout_ms > 0 ?
	    q->connect_timeout_ms : timeout);
	SET(CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_WRITEFUNCTION, on_data);
	SET(CURLOPT_WRITEDATA, &sink);
	if (!q->cut_long_answer)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	if (strcmp(method, "GET") == 0) {
		SET(CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "POST") == 0) {
		SET(CURLOPT_POST, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		SET(CURLOPT_NOBODY, 1L);
	} else {
		SET(CURLOPT_CUSTOMREQUEST, method);
	}
	if (q->body != NULL && strcmp(method, "GET") != 0 &&
	    strcmp(method, "HEAD") != 0) {
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
		SET(CURLOPT_POSTFIELDS, q->body);
	}

	cc = curl_easy_perform(h);
	if (sink.over && sink.cut && cc == CURLE_WRITE_ERROR) {
		/* Our own stop at the cap: the status is in. */
		r->truncated = 1;
		cc = CURLE_OK;
	} else if (sink.over || cc == CURLE_FILESIZE_EXCEEDED) {
		rc = err_set(e, RC_REJECT, "%s: the answer is larger than %zu "
		    "bytes", what, cap);
		goto out;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		rc = err_set(e, RC_TEMP, "%s: no answer within %ld ms", what,
		    timeout);
		goto out;
	}
	if (cc != CURLE_OK) {
		rc = err_set(e, RC_TEMP, "%s: %s", what, errbuf[0] ? errbuf :
		    curl_easy_strerror(cc));
		goto out;
	}
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	{
		curl_off_t ra = -1;

		if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) ==
		    CURLE_OK && ra > 0)
			r->retry_after = ra > 7 * 86400 ? 7 * 86400 : (long)ra;
	}
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		snprintf(r->content_type, sizeof(r->content_type), "%s", ct);
	r->body = buf_detach(&sink.b, &r->body_len);
out:
	/* The options point at this call's headers and buffers. */
	curl_easy_reset(h);
	curl_slist_free_all(hdrs);
	buf_release(&sink.b);
	return rc;
}

static void
mime_part(curl_mime *mime, const struct smtp_part *p)
{
	curl_mimepart *part = curl_mime_addpart(mime);

	if (part == NULL || curl_mime_data(part, p->data, p->len) != CURLE_OK ||
	    curl_mime_type(part, p->type) != CURLE_OK ||
	    (p->encoder != NULL &&
	    curl_mime_encoder(part, p->encoder) != CURLE_OK) ||
	    (p->filename != NULL &&
	    curl_mime_filename(part, p->filename) != CURLE_OK))
		abort();	/* allocation failure, or a programming error */
}

/* Line breaks in a header only as folding: CRLF then a space or tab. */
static int
folded_ok(const char *h)
{
	const char *p;

	for (p = h; *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))
			p++;
		else if (*p == '\r' || *p == '\n')
			return 0;
	}
	return 1;
}

static struct curl_slist *
slist_add(struct curl_slist *l, const char *s)
{
	struct curl_slist *n = curl_slist_append(l, s);

	if (n == NULL)
		abort();
	return n;
}

#undef SET
#define SET(opt, val)	if (curl_easy_setopt(h, opt, val) != CURLE_OK) { \
	rc = err_set(e, RC_REJECT, "cannot set " #opt); goto out; }

enum rc
smtp_send(const struct smtp_message *m, long *reply, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "", *rcpt;
	struct curl_slist *hdrs = NULL, *to = NULL;
	curl_mime *mime = NULL, *alt = NULL;
	curl_mimepart *part;
	CURL *h;
	CURLcode cc;
	size_t i;
	enum rc rc = RC_OK;

	*reply = 0;
	global_init();
	if ((h = curl_easy_init()) == NULL)
		abort();
	for (i = 0; m->headers != NULL && m->headers[i] != NULL; i++) {
		if (!folded_ok(m->headers[i])) {
			rc = err_set(e, RC_REJECT, "a header line has a line "
			    "break that is not folding");
			goto out;
		}
		hdrs = slist_add(hdrs, m->headers[i]);
	}
	rcpt = xasprintf("<%s>", m->rcpt);
	to = slist_add(to, rcpt);
	free(rcpt);
	if ((alt = curl_mime_init(h)) == NULL ||
	    (mime = curl_mime_init(h)) == NULL)
		abort();
	/* One text and nothing attached: that text alone. */
	if (m->nalternatives == 1 && m->nattachments == 0) {
		mime_part(mime, &m->alternatives[0]);
	} else {
		for (i = 0; i < m->nalternatives; i++)
			mime_part(alt, &m->alternatives[i]);
		if ((part = curl_mime_addpart(mime)) == NULL ||
		    curl_mime_subparts(part, alt) != CURLE_OK ||
		    curl_mime_type(part, "multipart/alternative") !=
		    CURLE_OK)
			abort();
		alt = NULL;	/* owned by mime now */
	}
	for (i = 0; i < m->nattachments; i++)
		mime_part(mime, &m->attachments[i]);

	SET(CURLOPT_URL, m->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	/* STARTTLS on smtp://, and nothing sent before TLS is up. */
	SET(CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (m->ca_file != NULL)
		SET(CURLOPT_CAINFO, m->ca_file);
	if (m->user != NULL) {
		SET(CURLOPT_USERNAME, m->user);
		SET(CURLOPT_PASSWORD, m->password ? m->password : "");
	}
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT, m->timeout_s > 0 ? m->timeout_s : 60L);
	SET(CURLOPT_CONNECTTIMEOUT, m->timeout_s > 0 ? m->timeout_s : 60L);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_MAIL_FROM, m->from);
	SET(CURLOPT_MAIL_RCPT, to);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_MIMEPOST, mime);
	cc = curl_easy_perform(h);
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, reply);
	if (cc != CURLE_OK) {
		/* A permanent reply (5xx: no such mailbox, relaying denied,
		 * authentication refused) will not change by itself;
		 * anything else (no connection, TLS, timeout, 4xx) may. */
		const char *why = errbuf[0] ? errbuf : curl_easy_strerror(cc);

		rc = *reply >= 500 && *reply < 600 ? RC_REJECT : RC_TEMP;
		if (*reply > 0)
			err_set(e, rc, "%s (last SMTP reply %ld)", why, *reply);
		else
			err_set(e, rc, "%s", why);
	}
out:
	curl_easy_cleanup(h);
	curl_mime_free(mime);
	curl_mime_free(alt);
	curl_slist_free_all(hdrs);
	curl_slist_free_all(to);
	return rc;
}
