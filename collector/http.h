/*
 * The one place that knows libcurl: HTTP and HTTPS requests (the
 * resolver's lookup API, webhooks) and SMTP submission (the summary
 * e-mail).  An HTTP client keeps one connection cache across requests
 * (the resolver asks the same API many times in a run; webhooks post to
 * the same hosts).
 *
 * Security by default: TLS peers are verified (chain and host name)
 * against ca_file or the system store, only http and https are spoken,
 * redirects are not followed, every response body is capped, and the
 * URL's query string and any user:password never appear in an error.
 */
#ifndef AC_HTTP_H
#define AC_HTTP_H

#include <stddef.h>

#include "util.h"

struct http_client;

struct http_request {
	const char	*method;	/* "GET" (default when NULL), "POST", ... */
	const char	*url;		/* http:// or https:// */
	/* Extra header lines "Name: value", NULL-terminated; may be NULL.
	 * A line with CR or LF is refused (RC_REJECT). */
	const char *const *headers;
	const char	*body;		/* request body, or NULL */
	size_t		 body_len;
	long		 timeout_ms;	/* the whole request; 0: 30 s */
	long		 connect_timeout_ms;	/* 0: the whole timeout */
	const char	*ca_file;	/* trust anchors; NULL: system store */
	/* HTTP basic authentication; NULL: none.  Never in an error. */
	const char	*user;
	const char	*password;
	size_t		 max_response;	/* body cap; 0: 1 MiB */
	/* A longer answer is cut at max_response (r->truncated) instead of
	 * being refused; for callers that want only the status. */
	int		 cut_long_answer;
	/* A connection of its own, closed after: a request that must be
	 * sent once per attempt (libcurl silently sends a request again
	 * when a kept-alive connection turns out dead). */
	int		 fresh_connection;
};

struct http_response {
	long		 status;	/* HTTP status code */
	char		*body;		/* NUL-terminated; caller releases */
	size_t		 body_len;
	char		 content_type[128];	/* "" when absent */
	long		 retry_after;	/* Retry-After in seconds, or -1 */
	int		 truncated;	/* cut at max_response */
};

/* A client; NULL never (allocation failure aborts). */
struct http_client *http_client_new(void);
void http_client_free(struct http_client *c);

/*
 * Perform q and fill r (released by the caller with
 * http_response_release, also on error).  Any completed exchange is
 * RC_OK, whatever its status: the caller judges r->status.
 *   RC_TEMP    the server could not be reached or did not answer in time,
 *              or TLS failed (certificate not trusted, wrong host name);
 *   RC_REJECT  the request is malformed (a header with CR/LF, a URL that
 *              is not http(s)), or the answer is larger than the cap.
 * e->msg then names method, scheme, host and path, and the reason.
 */
enum rc http_do(struct http_client *c, const struct http_request *q,
    struct http_response *r, struct err *e);
void http_response_release(struct http_response *r);

/* Percent-encode (p, n) for a query string; caller frees. */
char *http_escape(const char *p, size_t n);

/*
 * SMTP submission.  The message is built here (libcurl's MIME API does
 * the encoding): the header lines given, then multipart/mixed holding a
 * multipart/alternative of the alternatives and the attachments.
 * TLS is always required: smtps://, or smtp:// with STARTTLS (a server
 * that does not offer it gets nothing), verified against ca_file or the
 * system store.
 */
struct smtp_part {
	const char	*type;		/* "text/plain; charset=utf-8" */
	const char	*encoder;	/* "quoted-printable", "base64" */
	const char	*filename;	/* attachments: the file name */
	const char	*data;
	size_t		 len;
};

struct smtp_message {
	const char	*url;		/* smtps://host:465 or smtp://host:587 */
	const char	*user;		/* NULL: no AUTH */
	const char	*password;
	const char	*ca_file;	/* NULL: system store */
	long		 timeout_s;
	const char	*from;		/* envelope sender */
	const char	*rcpt;		/* one envelope recipient */
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const struct smtp_part *alternatives;
	size_t		 nalternatives;
	const struct smtp_part *attachments;
	size_t		 nattachments;
};

/*
 * Send m.  RC_OK when the server took it; RC_REJECT when it refused for
 * good (a 5xx reply); RC_TEMP for anything that may pass later (no
 * connection, TLS, timeout, a 4xx reply).  *reply gets the last SMTP
 * reply code (0 when none); e->msg the reason.  The password never
 * appears in e.
 */
enum rc smtp_send(const struct smtp_message *m, long *reply, struct err *e);

#endif
