/*
 * One HTTP(S) request through libcurl, with the project's defaults: TLS
 * verified (peer and host name) against ca_file or the system store,
 * only http and https, no redirects followed, the whole exchange bounded
 * by a timeout, and the response body bounded in size.
 *
 * This is the reporters' libcurl wrapper (webhooks); email.c uses
 * libcurl for SMTP with the same TLS rules.  The API is deliberately
 * small so that it can serve the resolver's HTTP lookup too.
 */
#ifndef AC_HTTP_H
#define AC_HTTP_H

#include <stddef.h>
#include <time.h>

#include "util.h"

struct http_req {
	const char	*method;	/* "GET", "POST", ... */
	const char	*url;		/* http:// or https:// */
	const char *const *headers;	/* "Name: value", no CR or LF */
	size_t		 nheaders;
	const char	*body;		/* NULL: none */
	size_t		 body_len;
	long		 timeout_ms;	/* connect + send + receive, > 0 */
	const char	*ca_file;	/* NULL: the system's CA store */
	size_t		 max_response;	/* body bytes kept (0: none) */
};

struct http_resp {
	long		 status;	/* HTTP status; 0 when none came */
	long		 retry_after;	/* Retry-After in seconds, or -1 */
	struct buf	 body;		/* at most max_response bytes */
	int		 truncated;	/* the body was longer; the rest was
					 * not read */
};

/*
 * Make the request.  RC_OK when a response arrived, whatever its status
 * (see resp->status); RC_TEMP when none did (name resolution,
 * connection, TLS handshake or certificate, timeout), with the reason in
 * e; RC_FATAL for a request that can never work (a bad URL or method).
 * resp is initialised here; release it with http_resp_release.
 */
enum rc http_request(const struct http_req *req, struct http_resp *resp,
    struct err *e);
void http_resp_release(struct http_resp *resp);

#endif
