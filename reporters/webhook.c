#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "http.h"
#include "webhook.h"

/* A little of what a refusing receiver said, for the dead letter: it
 * goes to logs and the summary, so printable ASCII only. */
static void
excerpt(char *out, size_t outsz, const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; p != NULL && i < len && n + 1 < outsz && n < 120; i++)
		out[n++] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : ' ';
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

void
webhook_send(struct http_client *hc, const struct webhook_conf *w,
    const struct outbox_row *r, struct outcome *o)
{
	char sig[65], h_event[128], h_delivery[128], h_sig[128], body[128];
	const char *headers[5];
	struct http_request req;
	struct http_response resp;
	struct err e;
	size_t len = strlen(r->payload);
	enum rc rc;

	memset(o, 0, sizeof(*o));
	o->retry_after = -1;
	/* The signature is made at send time with the current secret, so
	 * rotating a secret applies to what is still waiting. */
	hmac_sha256_hex(w->secret, w->secret_len, r->payload, len, sig);
	snprintf(h_event, sizeof(h_event), "X-Abuse-Collector-Event: %s",
	    r->kind);
	snprintf(h_delivery, sizeof(h_delivery),
	    "X-Abuse-Collector-Delivery: %s", r->key);
	snprintf(h_sig, sizeof(h_sig),
	    "X-Abuse-Collector-Signature: sha256=%s", sig);
	headers[0] = "Content-Type: application/json";
	headers[1] = h_event;
	headers[2] = h_delivery;
	headers[3] = h_sig;
	headers[4] = NULL;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = w->url;
	req.headers = headers;
	req.body = r->payload;
	req.body_len = len;
	req.timeout_ms = (long)w->timeout * 1000;
	req.ca_file = w->ca_file;
	req.max_response = MAX_HTTP_RESPONSE;
	req.cut_long_answer = 1;
	/* One attempt is one request: the receiver's view of attempts and
	 * backoff stays what the outbox recorded. */
	req.fresh_connection = 1;
	rc = http_do(hc, &req, &resp, &e);
	if (rc != RC_OK) {
		o->kind = rc == RC_TEMP ? OUT_RETRY : OUT_DEAD;
		snprintf(o->error, sizeof(o->error), "%s", e.msg);
	} else if (resp.status >= 200 && resp.status < 300) {
		o->kind = OUT_DELIVERED;
	} else if (resp.status == 429 || resp.status >= 500) {
		o->kind = OUT_RETRY;
		o->retry_after = resp.retry_after;
		snprintf(o->error, sizeof(o->error), "HTTP %ld", resp.status);
	} else {
		/* The receiver refuses this event as it is: sending it
		 * again would not change its mind. */
		o->kind = OUT_DEAD;
		excerpt(body, sizeof(body), resp.body, resp.body_len);
		snprintf(o->error, sizeof(o->error), "HTTP %ld%s%s",
		    resp.status, body[0] ? ": " : "", body);
	}
	http_response_release(&resp);
}
