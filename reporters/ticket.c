#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "json.h"
#include "log.h"
#include "ticket.h"
#include "ticket_tpl.h"

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

/* The ticket id at path of JSON body into *id; -1 with why (missing,
 * or notnum when it is no positive number) when there is none. */
static int
id_at(const char *body, const char *path, long long *id,
    const char *missing, const char *notnum, char *why, size_t whysz)
{
	char *v, *end;

	if ((v = json_get(body, path)) == NULL) {
		snprintf(why, whysz, "%s", missing);
		return -1;
	}
	*id = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || *id <= 0) {
		snprintf(why, whysz, "%s", notnum);
		*id = 0;
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

int
rt_parse_created(const char *body, long long *id, char *why, size_t whysz)
{
	*id = 0;
	if (body == NULL || !json_valid_text(body)) {
		snprintf(why, whysz, "the answer is not JSON");
		return -1;
	}
	return id_at(body, "$.id", id, "the answer has no ticket id",
	    "the ticket id is not a number", why, whysz);
}

int
rt_parse_search(const char *body, long long *id, char *why, size_t whysz)
{
	char *type;

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
	return id_at(body, "$.items[0].id", id, "a ticket found has no id",
	    "the ticket id found is not a number", why, whysz);
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
	long				 status;	/* of the last answer;
						 * 0: none came */
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
 * One request to url; path names it in errors.  0 with resp filled
 * (status 2xx); -1 when it failed, j->o saying how.  In a dry run the
 * request is printed and -1 is returned with the outcome untouched.
 */
static int
request(struct job *j, const char *method, const char *url,
    const char *path, const char *ctype, const char *body,
    struct http_response *resp)
{
	const char *headers[4];
	char ct[64], why[256];
	struct http_request q;
	struct err e;
	size_t nh = 0;
	enum rc rc;

	memset(resp, 0, sizeof(*resp));
	if (j->dry != NULL) {
		fprintf(j->dry, "%s %s\nAuthorization: (hidden)\n", method,
		    url);
		if (body != NULL)
			fprintf(j->dry, "Content-Type: %s\n\n%s\n", ctype,
			    body);
		fputc('\n', j->dry);
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
	j->status = 0;
	rc = http_do(j->hc, &q, resp, &e);
	if (rc == RC_OK)
		j->status = resp->status;
	if (rc != RC_OK) {
		fail(j, rc == RC_TEMP ? OUT_RETRY : OUT_DEAD, "%s", e.msg);
		http_response_release(resp);
		return -1;
	}
	if (resp->status >= 200 && resp->status < 300)
		return 0;
	excerpt(why, sizeof(why), resp->body);
	/* 409: Jira and GitLab say so of a change that met another. */
	if (resp->status == 429 || resp->status >= 500 ||
	    (resp->status == 409 && j->t->type == TICKET_HTTP)) {
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

/* One request to REST2 (path under /REST/2.0/), as request(). */
static int
call(struct job *j, const char *method, const char *path, const char *ctype,
    const char *body, struct http_response *resp)
{
	char *url;
	int rv;

	url = xasprintf("%s/REST/2.0/%s", j->t->url, path);
	rv = request(j, method, url, path, ctype, body, resp);
	free(url);
	return rv;
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
/* Remember RT ticket id as the case's, with its link; -1 when the store
 * fails (a retry). */
static int
record(struct job *j, const char *customer, const char *day,
    const char *key, long long id)
{
	struct err e;
	char *link = xasprintf("%s/Ticket/Display.html?id=%lld", j->t->url,
	    id);
	enum rc rc;

	rc = store_ticket_put(j->s, j->r->target, customer, day, key, id,
	    link, time(NULL), &e);
	free(link);
	if (rc != RC_OK) {
		fail(j, OUT_RETRY, "%s", e.msg);
		return -1;
	}
	return 0;
}

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

/* A create that failed: one the server refused (4xx) made no ticket,
 * and is no longer in doubt; after no answer or a 5xx it stays so. */
static void
not_created(struct job *j, const char *customer, const char *day)
{
	struct err e;

	if (j->status >= 400 && j->status < 500 &&
	    store_ticket_unsent(j->s, j->r->target, customer, day, &e) !=
	    RC_OK)
		log_warn("%s: %s", j->r->target, e.msg);
}

/* A request of a type = http target: the templates filled in with vals
 * (the body NULL for a GET); as request(). */
static int
http_call(struct job *j, const char *method, const char *url_tpl,
    const char *body_tpl, const char *const vals[TV_COUNT],
    struct http_response *resp)
{
	char *url, *body = NULL, *path;
	int rv = -1;

	url = ticket_tpl_expand(url_tpl, vals, TPL_URL);
	/* Errors name the URL without its query (it may hold a search). */
	path = xstrndup(url, strcspn(url, "?"));
	if (body_tpl != NULL) {
		body = ticket_tpl_expand(body_tpl, vals, TPL_JSON);
		if (!json_valid_text(body)) {
			memset(resp, 0, sizeof(*resp));
			fail(j, OUT_DEAD, "%s %s: the body template is not JSON "
			    "once filled in", method, path);
			if (j->dry != NULL)
				fprintf(j->dry, "# %s %s: the body template "
				    "is not JSON once filled in\n", method,
				    path);
			goto out;
		}
	}
	rv = request(j, method, url, path, body ? "application/json" : NULL,
	    body, resp);
out:
	free(url);
	free(path);
	free(body);
	return rv;
}

/* The ticket id at ptr of an answer: a string or an integer of 1 to 64
 * printable ASCII characters; -1 when there is none. */
static int
answer_id(const char *body, const char *ptr, char *id, size_t idsz)
{
	const unsigned char *u;
	char *v;
	int rv = -1;

	id[0] = '\0';
	if ((v = ticket_pointer_get(body, ptr)) == NULL)
		return -1;
	if (*v == '\0' || strlen(v) > 64 || strlen(v) >= idsz)
		goto out;
	for (u = (const unsigned char *)v; *u; u++)
		if (*u <= 0x20 || *u >= 0x7f)
			goto out;
	snprintf(id, idsz, "%s", v);
	rv = 0;
out:
	free(v);
	return rv;
}

/* Record the case's ticket id (and its link) in the store. */
static int
http_record(struct job *j, const char *customer, const char *day,
    const char *key, const char *const vals[TV_COUNT])
{
	char *link = NULL;
	struct err e;
	int rv = 0;

	if (j->t->http.link != NULL)
		link = ticket_tpl_expand(j->t->http.link, vals, TPL_URL);
	if (store_ticket_put_str(j->s, j->r->target, customer, day, key,
	    vals[TV_TICKET_ID], link, time(NULL), &e) != RC_OK) {
		fail(j, OUT_RETRY, "%s", e.msg);
		rv = -1;
	}
	free(link);
	return rv;
}

/* A case event to a type = http target: the case's ticket is the
 * store's, else the search's; none is created, one is updated. */
static void
http_send(struct job *j, const char *customer, const char *day,
    const char *key, int unconfirmed)
{
	const struct ticket_http *h = &j->t->http;
	const char *vals[TV_COUNT];
	struct http_response resp;
	struct err e;
	char id[72], *conf, *text;
	int resolved, rv;

	conf = json_get(j->r->payload, "$.case.confidence");
	text = case_text(j, customer, day, key);
	memset(vals, 0, sizeof(vals));
	vals[TV_CUSTOMER] = customer;
	vals[TV_DAY] = day;
	vals[TV_CONFIDENCE] = conf;
	vals[TV_CASE_KEY] = key;
	vals[TV_EVENT] = j->r->kind;
	vals[TV_EVIDENCE] = text;
	if (store_ticket_find_str(j->s, j->r->target, key, customer, day, id,
	    sizeof(id), &resolved, &e) != RC_OK) {
		fail(j, OUT_RETRY, "%s", e.msg);
		goto out;
	}
	if (id[0] == '\0' && j->dry != NULL)
		fprintf(j->dry, "# %s %s %s: the ticket of %s is %s, and "
		    "created when there is none:\n", j->r->target, j->r->kind,
		    j->r->key, key, h->search_url ? "searched for" :
		    "not known");
	if (id[0] == '\0' && h->search_url != NULL) {
		rv = http_call(j, "GET", h->search_url, NULL, vals, &resp);
		if (rv < 0 && j->dry == NULL)
			goto out;
		if (rv == 0) {
			if (!json_valid_text(resp.body)) {
				fail(j, OUT_RETRY, "ticket search: the answer "
				    "is not JSON");
				http_response_release(&resp);
				goto out;
			}
			/* Nothing at the pointer: no ticket found. */
			if (answer_id(resp.body, h->search_pointer, id,
			    sizeof(id)) == 0)
				log_info("%s: found ticket %s of case key %s",
				    j->r->target, id, key);
			http_response_release(&resp);
		}
	}
	if (id[0] == '\0') {
		if (unconfirmed) {
			/* No ticket was made for the case: nothing to
			 * take back. */
			if (j->dry == NULL) {
				log_info("%s: %s %s: case %s has no ticket",
				    j->r->target, j->r->kind, j->r->key, key);
				j->o->kind = OUT_DELIVERED;
			}
			goto out;
		}
		/* Only a search can tell a create in doubt from none. */
		if (j->dry == NULL && h->search_url != NULL &&
		    in_doubt(j, customer, day, key))
			goto out;
		rv = http_call(j, h->create_method ? h->create_method : "POST",
		    h->create_url, h->create_body, vals, &resp);
		if (rv < 0) {
			if (j->dry == NULL && h->search_url != NULL)
				not_created(j, customer, day);
			goto out;
		}
		if (answer_id(resp.body, h->id_pointer, id, sizeof(id)) < 0) {
			fail(j, OUT_DEAD, "the create answer has no ticket id "
			    "at %s (status %ld)", h->id_pointer, resp.status);
			http_response_release(&resp);
			goto out;
		}
		http_response_release(&resp);
		vals[TV_TICKET_ID] = id;
		/* Recorded at once: a failure from here on retries with
		 * the ticket known. */
		if (http_record(j, customer, day, key, vals) < 0)
			goto out;
		log_info("%s: %s %s: created ticket %s", j->r->target,
		    j->r->kind, j->r->key, id);
		j->o->kind = OUT_DELIVERED;
		goto out;
	}
	vals[TV_TICKET_ID] = id;
	if (j->dry != NULL)
		fprintf(j->dry, "# %s %s %s: ticket %s is updated:\n",
		    j->r->target, j->r->kind, j->r->key, id);
	else if (http_record(j, customer, day, key, vals) < 0)
		goto out;
	if (http_call(j, h->update_method ? h->update_method : "POST",
	    h->update_url, h->update_body, vals, &resp) < 0)
		goto out;
	http_response_release(&resp);
	log_info("%s: %s %s: updated ticket %s", j->r->target, j->r->kind,
	    j->r->key, id);
	j->o->kind = OUT_DELIVERED;
out:
	free(conf);
	free(text);
}

void
ticket_send(struct http_client *hc, struct store *s,
    const struct ticket_conf *t, const struct outbox_row *r,
    struct outcome *o, FILE *out)
{
	struct job j;
	struct err e;
	char key[36], *customer, *day, *text = NULL, status[64];
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
	if (t->token != NULL && t->type == TICKET_HTTP)
		snprintf(j.auth, sizeof(j.auth), "Authorization: %s %s",
		    t->http.auth_scheme ? t->http.auth_scheme : "Bearer",
		    t->token);
	else if (t->token != NULL)
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
	if (t->type == TICKET_HTTP) {
		http_send(&j, customer, day, key, unconfirmed);
		goto out;
	}
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
		if ((id = create(&j, customer, day, key)) == 0) {
			not_created(&j, customer, day);
			goto out;
		}
		/* Recorded at once: a failure from here on retries with
		 * the ticket known. */
		if (record(&j, customer, day, key, id) < 0)
			goto out;
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
	} else if (record(&j, customer, day, key, id) < 0) {
		goto out;
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
