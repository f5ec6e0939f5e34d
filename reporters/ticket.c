#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "json.h"
#include "log.h"
#include "ticket.h"

/* Reports listed in a ticket's text; the rest are counted. */
#define EVIDENCE_LINES	50

void
ticket_case_key(const struct ticket_conf *t, const char *customer,
    const char *day, char out[36])
{
	char hex[65];
	struct buf b;

	buf_init(&b, 1024);
	buf_addstr(&b, t->per == PER_CUSTOMER ? "customer" : "case");
	buf_add(&b, "", 1);
	buf_addstr(&b, customer);
	buf_add(&b, "", 1);
	if (t->per == PER_CASE)
		buf_addstr(&b, day);
	sha256_hex(b.data, b.len, hex);
	buf_release(&b);
	snprintf(out, 36, "ac-%.32s", hex);
}

/* Printable ASCII of what RT said, for errors and logs. */
static void
excerpt(char *out, size_t outsz, const char *p)
{
	size_t i, n = 0;

	for (i = 0; p != NULL && p[i] != '\0' && n + 1 < outsz && n < 200;
	    i++)
		out[n++] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : ' ';
	out[n] = '\0';
}

int
rt_parse_created(const char *body, long long *id, char *why, size_t whysz)
{
	char *v, *end;

	*id = 0;
	if (body == NULL || !json_valid_text(body)) {
		snprintf(why, whysz, "the answer is not JSON");
		return -1;
	}
	if ((v = json_get(body, "$.id")) == NULL) {
		snprintf(why, whysz, "the answer has no ticket id");
		return -1;
	}
	*id = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || *id <= 0) {
		snprintf(why, whysz, "the ticket id is not a number");
		*id = 0;
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

int
rt_parse_search(const char *body, long long *id, char *why, size_t whysz)
{
	char *type, *v, *end;

	*id = 0;
	type = body != NULL ? json_type_at(body, "$.items") : NULL;
	if (type == NULL || strcmp(type, "array") != 0) {
		free(type);
		snprintf(why, whysz, "the answer is not a search result");
		return -1;
	}
	free(type);
	if ((type = json_type_at(body, "$.items[0]")) == NULL)
		return 0;
	free(type);
	if ((v = json_get(body, "$.items[0].id")) == NULL) {
		snprintf(why, whysz, "a ticket found has no id");
		return -1;
	}
	*id = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || *id <= 0) {
		snprintf(why, whysz, "the ticket id found is not a number");
		*id = 0;
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

int
rt_parse_messages(const char *body, char *msgs, size_t msgsz)
{
	char path[32], *type, *v;
	size_t n = 0;
	int i, rv = 0;

	msgs[0] = '\0';
	if (body == NULL || (type = json_type_at(body, "$")) == NULL)
		return -1;
	if (strcmp(type, "array") != 0) {
		free(type);
		return -1;
	}
	free(type);
	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "$[%d]", i);
		if ((type = json_type_at(body, path)) == NULL)
			break;
		if (strcmp(type, "text") != 0)
			rv = -1;
		free(type);
		if ((v = json_get(body, path)) == NULL)
			continue;
		if (n + 3 < msgsz) {
			snprintf(msgs + n, msgsz - n, "%s", n ? "; " : "");
			n = strlen(msgs);
			excerpt(msgs + n, msgsz - n, v);
			n = strlen(msgs);
		}
		free(v);
	}
	return rv;
}

int
rt_parse_ticket(const char *body, const char *field, const char *value,
    char *status, size_t statussz)
{
	char path[64], *v, *type;
	int i, k, has = 0;

	status[0] = '\0';
	if (body == NULL || !json_valid_text(body) ||
	    (v = json_get(body, "$.id")) == NULL)
		return -1;
	free(v);
	if ((v = json_get(body, "$.Status")) != NULL) {
		excerpt(status, statussz, v);
		free(v);
	}
	for (i = 0; i < 256 && !has; i++) {
		snprintf(path, sizeof(path), "$.CustomFields[%d].name", i);
		if ((v = json_get(body, path)) == NULL)
			break;
		k = strcmp(v, field) == 0;
		free(v);
		if (!k)
			continue;
		for (k = 0; k < 64 && !has; k++) {
			snprintf(path, sizeof(path),
			    "$.CustomFields[%d].values[%d]", i, k);
			if ((type = json_type_at(body, path)) == NULL)
				break;
			free(type);
			if ((v = json_get(body, path)) == NULL)
				continue;
			has = strcmp(v, value) == 0;
			free(v);
		}
	}
	return has;
}

/* One delivery's state. */
struct job {
	struct http_client		*hc;
	struct store			*s;
	const struct ticket_conf	*t;
	const struct outbox_row		*r;
	struct outcome			*o;
	FILE				*dry;	/* dry run: print here */
	char				 auth[MAX_TOKEN_LEN + 32];
};

/* Fail the delivery: retry when it may pass, else a dead letter. */
static void
fail(struct job *j, enum outcome_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct job *j, enum outcome_kind kind, const char *fmt, ...)
{
	va_list ap;

	j->o->kind = kind;
	va_start(ap, fmt);
	vsnprintf(j->o->error, sizeof(j->o->error), fmt, ap);
	va_end(ap);
}

/*
 * One request to REST2 (path under /REST/2.0/).  0 with resp filled
 * (status 2xx); -1 when it failed, j->o saying how.  In a dry run the
 * request is printed and -1 is returned with the outcome untouched.
 */
static int
call(struct job *j, const char *method, const char *path, const char *ctype,
    const char *body, struct http_response *resp)
{
	const char *headers[4];
	char ct[64], why[256];
	struct http_request q;
	struct err e;
	char *url;
	size_t nh = 0;
	enum rc rc;

	memset(resp, 0, sizeof(*resp));
	url = xasprintf("%s/REST/2.0/%s", j->t->url, path);
	if (j->dry != NULL) {
		fprintf(j->dry, "%s %s\nAuthorization: (hidden)\n", method,
		    url);
		if (body != NULL)
			fprintf(j->dry, "Content-Type: %s\n\n%s\n", ctype,
			    body);
		fputc('\n', j->dry);
		free(url);
		return -1;
	}
	if (j->t->token != NULL)
		headers[nh++] = j->auth;
	headers[nh++] = "Accept: application/json";
	if (body != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		headers[nh++] = ct;
	}
	headers[nh] = NULL;
	memset(&q, 0, sizeof(q));
	q.method = method;
	q.url = url;
	q.headers = headers;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.timeout_ms = (long)j->t->timeout * 1000;
	q.ca_file = j->t->ca_file;
	q.user = j->t->token == NULL ? j->t->user : NULL;
	q.password = j->t->token == NULL ? j->t->password : NULL;
	q.max_response = MAX_HTTP_RESPONSE;
	/* A request is sent once per call: libcurl would send it again on
	 * a kept-alive connection found dead. */
	q.fresh_connection = strcmp(method, "GET") != 0;
	rc = http_do(j->hc, &q, resp, &e);
	free(url);
	if (rc != RC_OK) {
		fail(j, rc == RC_TEMP ? OUT_RETRY : OUT_DEAD, "%s", e.msg);
		http_response_release(resp);
		return -1;
	}
	if (resp->status >= 200 && resp->status < 300)
		return 0;
	excerpt(why, sizeof(why), resp->body);
	if (resp->status == 429 || resp->status >= 500) {
		j->o->retry_after = resp->retry_after;
		fail(j, OUT_RETRY, "%s %s: HTTP %ld%s%s", method, path,
		    resp->status, why[0] ? ": " : "", why);
	} else {
		/* 401, 403, 404, 400: the set-up or the request is
		 * wrong; sending it again would not change RT's mind. */
		fail(j, OUT_DEAD, "%s %s: HTTP %ld%s%s", method, path,
		    resp->status, why[0] ? ": " : "", why);
	}
	http_response_release(resp);
	return -1;
}

/* The ticket of key in the queue, found by RT's search: *id = 0 when
 * none.  -1 when the search failed. */
static int
search(struct job *j, const char *key, long long *id)
{
	struct http_response resp;
	char *sql, *q, *path, why[200];
	int rv;

	sql = xasprintf("Queue = '%s' AND 'CF.{%s}' = '%s'%s", j->t->queue,
	    j->t->case_field, key, j->t->per == PER_CUSTOMER ?
	    " AND Status = '__Active__'" : "");
	q = http_escape(sql, strlen(sql));
	path = xasprintf("tickets?query=%s&orderby=id&order=ASC&fields=id",
	    q);
	free(sql);
	free(q);
	rv = call(j, "GET", path, NULL, NULL, &resp);
	free(path);
	if (rv < 0)
		return -1;
	if (rt_parse_search(resp.body, id, why, sizeof(why)) < 0) {
		fail(j, OUT_RETRY, "ticket search: %s", why);
		rv = -1;
	}
	http_response_release(&resp);
	return rv;
}

/* GET the ticket: 1 when its case field holds key, 0 when not, -1 when
 * the request failed. */
static int
read_back(struct job *j, long long id, const char *key, char *status,
    size_t statussz)
{
	struct http_response resp;
	char path[64];
	int has;

	snprintf(path, sizeof(path), "ticket/%lld", id);
	if (call(j, "GET", path, NULL, NULL, &resp) < 0)
		return -1;
	has = rt_parse_ticket(resp.body, j->t->case_field, key, status,
	    statussz);
	http_response_release(&resp);
	if (has < 0) {
		fail(j, OUT_RETRY, "GET ticket/%lld: the answer is not a "
		    "ticket", id);
		return -1;
	}
	return has;
}

/* The case as its event's body has it, and the evidence the store has. */
static char *
case_text(struct job *j, const char *customer, const char *day,
    const char *key)
{
	static const struct { const char *label, *path; } f[] = {
		{ "Confidence", "$.case.confidence" },
		{ "Score", "$.case.score" },
		{ "Internal reports", "$.case.internal_reports" },
		{ "External reports", "$.case.external_reports" },
		{ "Source addresses", "$.case.distinct_source_ips" },
		{ "Reporters", "$.case.distinct_reporters" },
		{ "First seen", "$.case.first_seen" },
		{ "Last seen", "$.case.last_seen" },
		{ "Escalated at", "$.case.escalated_at" },
		{ "Corrected by", "$.correction.by" },
		{ "Correction", "$.correction.action" },
		{ "Reason", "$.correction.reason" },
	};
	struct buf b;
	struct err e;
	size_t i;
	long more;
	char *v, *text;

	buf_init(&b, 256 * 1024);
	buf_addf(&b, "Event: %s\nCustomer: %s\nDay: %s\n", j->r->kind,
	    customer, day);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if ((v = json_get(j->r->payload, f[i].path)) != NULL) {
			buf_addf(&b, "%s: %s\n", f[i].label, v);
			free(v);
		}
	buf_addf(&b, "Case key: %s\n", key);
	if (strcmp(j->r->kind, "case.unconfirmed") == 0)
		buf_addstr(&b, "\nThe case is no longer confirmed: a report "
		    "it counted was taken back.\n");
	buf_addstr(&b, "\nReports counted:\n");
	if (store_case_evidence(j->s, customer, day, EVIDENCE_LINES, &b,
	    &more, &e) != RC_OK)
		buf_addf(&b, "  (the store could not list them: %s)\n", e.msg);
	else if (more > 0)
		buf_addf(&b, "  ... and %ld more\n", more);
	text = buf_detach(&b, NULL);
	buf_release(&b);
	return text;
}

/* A new ticket: its id, or 0 after failing. */
static long long
create(struct job *j, const char *customer, const char *day,
    const char *key)
{
	struct http_response resp;
	char subject[MAX_CUSTOMER_LEN + 128], why[200], *doc = NULL, *cf = NULL,
	    *text, *conf;
	long long id = 0;

	conf = json_get(j->r->payload, "$.case.confidence");
	snprintf(subject, sizeof(subject), "Abuse: %s on %s (%s)", customer,
	    day, conf ? conf : "case");
	free(conf);
	text = case_text(j, customer, day, key);
	doc = json_set_str(NULL, "Queue", j->t->queue);
	doc = json_set_str(cf = doc, "Subject", subject);
	free(cf);
	doc = json_set_str(cf = doc, "Content", text);
	free(cf);
	doc = json_set_str(cf = doc, "ContentType", "text/plain");
	free(cf);
	cf = json_set_str(NULL, j->t->case_field, key);
	text = (free(text), json_set_json(doc, "CustomFields", cf));
	free(cf);
	free(doc);
	doc = text;
	if (call(j, "POST", "ticket", "application/json", doc, &resp) == 0) {
		if (rt_parse_created(resp.body, &id, why, sizeof(why)) < 0) {
			fail(j, OUT_DEAD, "POST ticket: %s", why);
			id = 0;
		}
		http_response_release(&resp);
	}
	free(doc);
	return id;
}

/* A comment on ticket id; -1 when it failed. */
static int
comment(struct job *j, long long id, const char *text)
{
	struct http_response resp;
	char path[64], msgs[256];
	int rv = 0;

	snprintf(path, sizeof(path), "ticket/%lld/comment", id);
	if (call(j, "POST", path, "text/plain", text, &resp) < 0)
		return -1;
	if (rt_parse_messages(resp.body, msgs, sizeof(msgs)) < 0 ||
	    msgs[0] == '\0') {
		fail(j, OUT_RETRY, "POST %s: RT did not say it added the "
		    "comment%s%s", path, msgs[0] ? ": " : "", msgs);
		rv = -1;
	}
	http_response_release(&resp);
	return rv;
}

/* Set the ticket's status, then read it back: RT says 200 with a
 * message when it refused. */
static int
set_status(struct job *j, long long id, const char *status,
    const char *key)
{
	struct http_response resp;
	char path[64], msgs[256], now[64], *doc;
	int rv;

	snprintf(path, sizeof(path), "ticket/%lld", id);
	doc = json_set_str(NULL, "Status", status);
	rv = call(j, "PUT", path, "application/json", doc, &resp);
	free(doc);
	if (rv < 0)
		return -1;
	rt_parse_messages(resp.body, msgs, sizeof(msgs));
	http_response_release(&resp);
	if (read_back(j, id, key, now, sizeof(now)) < 0)
		return -1;
	if (strcmp(now, status) != 0) {
		fail(j, OUT_DEAD, "PUT %s: the status is '%s', not '%s'%s%s",
		    path, now, status, msgs[0] ? "; RT said: " : "", msgs);
		return -1;
	}
	return 0;
}

/*
 * Whether a create of key's ticket may still be under way: one was sent
 * (by a run that was killed, or that gave up waiting for the answer) and
 * no ticket id followed, less than twice the target's timeout ago.  RT
 * goes on with a request whose client is gone, and a search does not
 * see a ticket until its create is done, so another create now could
 * make a second ticket: the event waits, and the search is made again.
 * Else the create about to be sent is recorded.  1 when it must not be
 * sent, j's outcome saying why.
 */
static int
in_doubt(struct job *j, const char *customer, const char *day,
    const char *key)
{
	time_t now = time(NULL), sent;
	long long wait = 2 * (long long)j->t->timeout;
	struct err e;

	if (store_ticket_sent_at(j->s, j->r->target, key, &sent, &e) !=
	    RC_OK) {
		fail(j, OUT_RETRY, "%s", e.msg);
		return 1;
	}
	if (sent != 0 && now >= sent && now - sent < wait) {
		fail(j, OUT_RETRY, "a create of the ticket of %s was sent %llds "
		    "ago and its answer never seen: it may still be under way, "
		    "so the search is made again before another is sent", key,
		    (long long)(now - sent));
		j->o->retry_after = wait - (now - sent);
		return 1;
	}
	if (store_ticket_sent(j->s, j->r->target, customer, day, key, now,
	    &e) != RC_OK) {
		fail(j, OUT_RETRY, "%s", e.msg);
		return 1;
	}
	return 0;
}

void
ticket_send(struct http_client *hc, struct store *s,
    const struct ticket_conf *t, const struct outbox_row *r,
    struct outcome *o, FILE *out)
{
	struct job j;
	struct err e;
	char key[36], *customer, *day, *text = NULL, *link, status[64];
	long long id = 0;
	int resolved = 0, unconfirmed, has;

	memset(o, 0, sizeof(*o));
	o->retry_after = -1;
	memset(&j, 0, sizeof(j));
	j.hc = hc;
	j.s = s;
	j.t = t;
	j.r = r;
	j.o = o;
	j.dry = out;
	if (t->token != NULL)
		snprintf(j.auth, sizeof(j.auth), "Authorization: token %s",
		    t->token);
	customer = json_get(r->payload, "$.case.customer");
	day = json_get(r->payload, "$.case.day");
	if (customer == NULL || day == NULL) {
		fail(&j, OUT_DEAD, "the event names no case");
		goto out;
	}
	unconfirmed = strcmp(r->kind, "case.unconfirmed") == 0;
	ticket_case_key(t, customer, day, key);
	if (store_ticket_find(s, r->target, key, customer, day, &id,
	    &resolved, &e) != RC_OK) {
		fail(&j, OUT_RETRY, "%s", e.msg);
		goto out;
	}
	if (id == 0 && out == NULL) {
		if (search(&j, key, &id) < 0)
			goto out;
		if (id != 0)
			log_info("%s: found ticket %lld of case key %s",
			    r->target, id, key);
	}
	text = case_text(&j, customer, day, key);
	if (id == 0 && out != NULL) {
		fprintf(out, "# %s %s %s: the ticket of %s is searched for, "
		    "and created when there is none:\n", r->target, r->kind,
		    r->key, key);
		search(&j, key, &id);
		create(&j, customer, day, key);
		goto out;
	}
	if (id == 0) {
		if (unconfirmed) {
			/* No ticket was made for the case: nothing to
			 * take back. */
			log_info("%s: %s %s: case %s has no ticket", r->target,
			    r->kind, r->key, key);
			o->kind = OUT_DELIVERED;
			goto out;
		}
		if (in_doubt(&j, customer, day, key))
			goto out;
		if ((id = create(&j, customer, day, key)) == 0)
			goto out;
		link = xasprintf("%s/Ticket/Display.html?id=%lld", t->url, id);
		/* Recorded at once: a failure from here on retries with
		 * the ticket known. */
		if (store_ticket_put(s, r->target, customer, day, key, id,
		    link, time(NULL), &e) != RC_OK) {
			free(link);
			fail(&j, OUT_RETRY, "%s", e.msg);
			goto out;
		}
		free(link);
		log_info("%s: %s %s: created ticket %lld", r->target, r->kind,
		    r->key, id);
		if ((has = read_back(&j, id, key, status, sizeof(status))) < 0)
			goto out;
		if (has == 0) {
			fail(&j, OUT_DEAD, "ticket %lld was created, but RT "
			    "did not set its custom field '%s' (is the field "
			    "applied to queue '%s', and may the user set "
			    "it?)", id, t->case_field, t->queue);
			goto out;
		}
		o->kind = OUT_DELIVERED;
		goto out;
	}
	if (out != NULL) {
		fprintf(out, "# %s %s %s: ticket %lld gets a comment:\n",
		    r->target, r->kind, r->key, id);
	} else {
		link = xasprintf("%s/Ticket/Display.html?id=%lld", t->url, id);
		if (store_ticket_put(s, r->target, customer, day, key, id,
		    link, time(NULL), &e) != RC_OK) {
			free(link);
			fail(&j, OUT_RETRY, "%s", e.msg);
			goto out;
		}
		free(link);
	}
	/* A dry run prints every request (each call fails at once). */
	if (comment(&j, id, text) < 0 && out == NULL)
		goto out;
	if (unconfirmed && t->resolve_on_unconfirmed) {
		if (set_status(&j, id, "resolved", key) < 0)
			goto out;
		if (store_ticket_resolved(s, r->target, id, 1, &e) != RC_OK) {
			fail(&j, OUT_RETRY, "%s", e.msg);
			goto out;
		}
	} else if (!unconfirmed && resolved) {
		/* Confirmed again after the collector resolved it. */
		if (set_status(&j, id, "open", key) < 0)
			goto out;
		if (store_ticket_resolved(s, r->target, id, 0, &e) != RC_OK) {
			fail(&j, OUT_RETRY, "%s", e.msg);
			goto out;
		}
	}
	if (out == NULL) {
		log_info("%s: %s %s: comment on ticket %lld", r->target,
		    r->kind, r->key, id);
		o->kind = OUT_DELIVERED;
	}
out:
	explicit_bzero(j.auth, sizeof(j.auth));
	free(text);
	free(customer);
	free(day);
}
