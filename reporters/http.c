#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"

struct sink {
	struct http_resp	*resp;
	size_t			 max;
};

static size_t
write_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, room = s->max - s->resp->body.len;

	/* Keep what fits and stop the transfer there: a peer cannot make
	 * us read (or wait for) more than we asked for. */
	if (len > room) {
		if (room > 0)
			buf_add(&s->resp->body, p, room);
		s->resp->truncated = 1;
		return 0;
	}
	buf_add(&s->resp->body, p, len);
	return len;
}

static int
bad_header(const char *h)
{
	return strpbrk(h, "\r\n") != NULL || strchr(h, ':') == NULL;
}

enum rc
http_request(const struct http_req *req, struct http_resp *resp,
    struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL, *next;
	struct sink sink = { resp, req->max_response };
	curl_off_t retry = -1;
	CURL *c = NULL;
	CURLcode cc;
	size_t i;
	enum rc rc = RC_OK;

	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, req->max_response + 1);
	resp->retry_after = -1;
	if (strncmp(req->url, "https://", 8) != 0 &&
	    strncmp(req->url, "http://", 7) != 0)
		return err_set(e, RC_FATAL, "not an http(s) URL");
	if (req->timeout_ms <= 0 || req->method == NULL ||
	    strpbrk(req->method, " \r\n") != NULL)
		return err_set(e, RC_FATAL, "bad request");
	for (i = 0; i < req->nheaders; i++) {
		if (bad_header(req->headers[i])) {
			rc = err_set(e, RC_FATAL, "bad request header");
			goto out;
		}
		if ((next = curl_slist_append(hdr, req->headers[i])) == NULL)
			abort();
		hdr = next;
	}
	/* No "Expect: 100-continue" round trip for larger bodies. */
	if ((next = curl_slist_append(hdr, "Expect:")) == NULL)
		abort();
	hdr = next;
	if ((c = curl_easy_init()) == NULL)
		abort();
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/"
	    PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
			    req->method);
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		    req->body ? req->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(req->body ? req->body_len : 0));
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK &&
	    retry > 0)
		resp->retry_after = retry > 86400 * 7 ? 86400 * 7 : (long)retry;
	if (cc == CURLE_WRITE_ERROR && resp->truncated && resp->status > 0) {
		/* Our own stop at max_response: the status is in. */
	} else if (cc != CURLE_OK) {
		resp->status = 0;
		rc = err_set(e, cc == CURLE_URL_MALFORMAT ||
		    cc == CURLE_UNSUPPORTED_PROTOCOL ? RC_FATAL : RC_TEMP,
		    "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
	}
out:
	if (c != NULL)
		curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	return rc;
}

void
http_resp_release(struct http_resp *resp)
{
	buf_release(&resp->body);
}
