#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "bounds.h"
#include "correlate.h"
#include "days.h"
#include "email.h"
#include "json.h"
#include "log.h"
#include "notice.h"
#include "outbox.h"
#include "store.h"
#include "ticket.h"
#include "webhook.h"

/* Delivered rows are kept this long for status and the summary; their
 * events stay recorded, so pruning never queues one again. */

/* The first 32 hex digits of the SHA-256 of parts [0, n), NULL as
 * empty.  A NUL ends each part, which none of them can contain, so that
 * ("a b", "c") and ("a", "b c") never meet. */
static void
key_of(const char *const *part, size_t n, char out[33])
{
	char hex[65];
	struct buf b;
	size_t i;

	buf_init(&b, 4 * 1024);
	for (i = 0; i < n; i++) {
		if (part[i] != NULL)
			buf_addstr(&b, part[i]);
		buf_add(&b, "", 1);
	}
	sha256_hex(b.data, b.len, hex);
	buf_release(&b);
	memcpy(out, hex, 32);
	out[32] = '\0';
}

void
outbox_key(const char *kind, const char *target, const char *customer,
    const char *day, char out[33])
{
	const char *part[4] = { kind, target, customer, day };

	key_of(part, 4, out);
}

long long
outbox_backoff(long long base, long long max, long attempts, double jitter)
{
	long long d = base;
	long i;

	for (i = 1; i < attempts && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	if (jitter < 0 || jitter >= 1)
		jitter = 0;
	d = d / 2 + (long long)(jitter * (double)(d - d / 2));
	return d < 1 ? 1 : d;
}

/* JSON built by json.c; a NULL back means our own call was wrong. */
static void
jset(char **doc, char *next)
{
	if (next == NULL)
		abort();
	free(*doc);
	*doc = next;
}

static void
jstr(char **doc, const char *k, const char *v)
{
	jset(doc, json_set_str(*doc, k, v));
}

static void
jnum(char **doc, const char *k, double v)
{
	jset(doc, json_set_num(*doc, k, v));
}

static void
jraw(char **doc, const char *k, const char *json)
{
	jset(doc, json_set_json(*doc, k, json));
}

static void
jtime(char **doc, const char *k, time_t t)
{
	char iso[21];

	if (t == 0) {
		jstr(doc, k, NULL);
		return;
	}
	iso8601_utc(t, iso);
	jstr(doc, k, iso);
}

/* The envelope every event shares. */
static char *
envelope(const char *kind, const char *key, time_t now)
{
	char *doc = NULL;

	jstr(&doc, "event", kind);
	jstr(&doc, "id", key);
	jtime(&doc, "created_at", now);
	return doc;
}

static char *
case_payload(const char *kind, const char *key, const struct case_row *c,
    const char *users, time_t now)
{
	char *doc = envelope(kind, key, now), *cs = NULL;

	jstr(&cs, "customer", c->customer);
	jstr(&cs, "day", c->day);
	jstr(&cs, "confidence", c->confidence);
	jnum(&cs, "score", c->score);
	jnum(&cs, "internal_reports", (double)c->internal_reports);
	jnum(&cs, "external_reports", (double)c->external_reports);
	jnum(&cs, "distinct_source_ips", (double)c->distinct_source_ips);
	jnum(&cs, "distinct_reporters", (double)c->distinct_reporters);
	jtime(&cs, "first_seen", c->first_seen);
	jtime(&cs, "last_seen", c->last_seen);
	jraw(&cs, "escalated", c->escalated_at ? "true" : "false");
	jtime(&cs, "escalated_at", c->escalated_at);
	jraw(&cs, "auth_users", users);
	jraw(&doc, "case", cs);
	free(cs);
	return doc;
}

/*
 * The next case-event target that takes flag, webhooks first, then
 * ticket targets, then actions: its outbox name ("webhook:NAME",
 * "ticket:NAME", "action:NAME") in target.  *i counts through them
 * from 0; 0 once there is none left.
 */
static int
case_target(const struct config *cfg, unsigned flag, size_t *i,
    char target[OUTBOX_TARGET_MAX + 1])
{
	while (*i < cfg->nwebhooks + cfg->ntickets + cfg->nactions) {
		size_t k = (*i)++;

		if (k < cfg->nwebhooks) {
			const struct webhook_conf *w = &cfg->webhooks[k];

			if (w->events & flag) {
				snprintf(target, OUTBOX_TARGET_MAX + 1,
				    "webhook:%s", w->name);
				return 1;
			}
		} else if (k < cfg->nwebhooks + cfg->ntickets) {
			const struct ticket_conf *t =
			    &cfg->tickets[k - cfg->nwebhooks];

			if (t->events & flag) {
				snprintf(target, OUTBOX_TARGET_MAX + 1,
				    "ticket:%s", t->name);
				return 1;
			}
		} else {
			const struct action_conf *a = &cfg->actions[k -
			    cfg->nwebhooks - cfg->ntickets];

			if (a->events & flag) {
				snprintf(target, OUTBOX_TARGET_MAX + 1,
				    "action:%s", a->name);
				return 1;
			}
		}
	}
	return 0;
}

/* The case's SMTP AUTH users as a JSON array: of the reports that count,
 * or for case.unconfirmed of all its reports, so that whatever acted on
 * a confirmation (a lock) hears of every user it acted on. */
static enum rc
case_users(struct store *s, const char *kind, const struct case_row *c,
    char **users, struct err *e)
{
	return store_case_users(s, c->customer, c->day,
	    strcmp(kind, EVENT_CASE_UNCONFIRMED) != 0, users, e);
}

enum rc
outbox_event(const struct config *cfg, struct store *s, const char *kind,
    const struct case_row *c, time_t now, struct err *e)
{
	unsigned flag = event_flag(kind);
	char target[OUTBOX_TARGET_MAX + 1], key[33], *payload, *users = NULL;
	size_t i;
	int created;
	enum rc rc = RC_OK;

	if (flag == 0 || strcmp(c->customer, "(unresolved)") == 0)
		return RC_OK;
	i = 0;
	while (rc == RC_OK && case_target(cfg, flag, &i, target)) {
		if (users == NULL && (rc = case_users(s, kind, c, &users,
		    e)) != RC_OK)
			break;
		outbox_key(kind, target, c->customer, c->day, key);
		payload = case_payload(kind, key, c, users, now);
		rc = store_outbox_add(s, kind, target, key, payload,
		    c->customer, c->day, now, &created, e);
		free(payload);
	}
	free(users);
	if (rc == RC_OK)
		rc = notice_queue(cfg, s, kind, c, now, e);
	return rc;
}

void
outbox_flip_key(const char *kind, const char *target, const char *customer,
    const char *day, int64_t seq, char out[33])
{
	char n[32];
	const char *part[5] = { kind, target, customer, day, n };

	/* Five parts where outbox_key has four, so the two never meet;
	 * the flip's number makes each flip of a case a key of its own. */
	snprintf(n, sizeof(n), "flip %lld", (long long)seq);
	key_of(part, 5, out);
}

enum rc
outbox_flip(const struct config *cfg, struct store *s, const char *kind,
    int64_t seq, const struct case_row *c, const struct case_cause *why,
    time_t now, struct err *e)
{
	unsigned flag = event_flag(kind);
	char target[OUTBOX_TARGET_MAX + 1], key[33], *payload, *cause = NULL;
	char *users = NULL;
	size_t i;
	int created;
	enum rc rc = RC_OK;

	if (flag == 0 || strcmp(c->customer, "(unresolved)") == 0)
		return RC_OK;
	if (why != NULL) {
		jstr(&cause, "action", why->action);
		jstr(&cause, "by", why->who);
		jtime(&cause, "at", why->at);
		jstr(&cause, "reason", why->reason);
	}
	i = 0;
	while (rc == RC_OK && case_target(cfg, flag, &i, target)) {
		if (users == NULL && (rc = case_users(s, kind, c, &users,
		    e)) != RC_OK)
			break;
		outbox_flip_key(kind, target, c->customer, c->day, seq, key);
		payload = case_payload(kind, key, c, users, now);
		if (cause != NULL)
			jraw(&payload, "correction", cause);
		rc = store_outbox_add(s, kind, target, key, payload,
		    c->customer, c->day, now, &created, e);
		free(payload);
	}
	free(users);
	free(cause);
	if (rc == RC_OK)
		rc = notice_queue(cfg, s, kind, c, now, e);
	return rc;
}

enum rc
outbox_flip_hook(void *arg, struct store *s, const char *kind, int64_t seq,
    const struct case_row *c, const struct case_cause *why, struct err *e)
{
	return outbox_flip(arg, s, kind, seq, c, why, time(NULL), e);
}

enum rc
outbox_hook(void *arg, struct store *s, int64_t event_id, const char *kind,
    const struct case_row *c, struct err *e)
{
	(void)event_id;
	return outbox_event(arg, s, kind, c, time(NULL), e);
}

static int
take_json(void *arg, int n, const char *const *names,
    const char *const *v)
{
	char **out = arg;

	if (n >= 1 && v[0] != NULL && *out == NULL)
		*out = xstrdup(v[0]);
	return 1;
}

/* The day at a glance and its customers (DUMP_DAY_EVENT) into doc. */
static enum rc
day_parts(struct store *s, const char *day, char **body, char **doc,
    struct err *e)
{
	static const char *const parts[] = { "totals", "customers",
	    "customers_total" };
	char path[32], *v;
	size_t k;
	enum rc rc;

	if (*body == NULL && (rc = store_dump(s, DUMP_DAY_EVENT, DUMP_JSON,
	    day, NULL, take_json, body, e)) != RC_OK)
		return rc;
	if (*body == NULL)
		return err_set(e, RC_FATAL, "no summary of %s", day);
	for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		snprintf(path, sizeof(path), "$.%s", parts[k]);
		v = json_get(*body, path);
		jraw(doc, parts[k], v ? v : "null");
		free(v);
	}
	return RC_OK;
}

enum rc
outbox_daily(const struct config *cfg, struct store *s, const char *day,
    time_t now, struct err *e)
{
	char target[OUTBOX_TARGET_MAX + 1], key[33], *body = NULL, *doc;
	size_t i;
	int created;
	enum rc rc = RC_OK;

	for (i = 0; i < cfg->nwebhooks && rc == RC_OK; i++) {
		const struct webhook_conf *w = &cfg->webhooks[i];

		if (!(w->events & EV_SUMMARY_DAILY))
			continue;
		snprintf(target, sizeof(target), "webhook:%s", w->name);
		outbox_key("summary.daily", target, NULL, day, key);
		doc = envelope("summary.daily", key, now);
		jstr(&doc, "day", day);
		if ((rc = day_parts(s, day, &body, &doc, e)) == RC_OK)
			rc = store_outbox_add(s, "summary.daily", target, key,
			    doc, NULL, NULL, now, &created, e);
		free(doc);
	}
	free(body);
	return rc;
}

/* The key of update n of day's summary to target: five parts, like a
 * flip's, with a label of its own, so it meets no other key. */
static void
update_key(const char *kind, const char *target, const char *day, long n,
    char out[33])
{
	char num[32];
	const char *part[5] = { kind, target, NULL, day, num };

	snprintf(num, sizeof(num), "update %ld", n);
	key_of(part, 5, out);
}

enum rc
outbox_update(const struct config *cfg, struct store *s, const char *day,
    long n, const struct day_diff *d, time_t now, struct err *e)
{
	char target[OUTBOX_TARGET_MAX + 1], key[33], *body = NULL, *doc;
	char *changes = NULL, *list, *text;
	size_t i, k;
	int created, c;
	enum rc rc = RC_OK;

	for (c = 0; c < NCHANGES; c++) {
		list = xstrdup("[]");
		for (k = 0; k < d->n[c]; k++)
			jset(&list, json_append_str(list, d->who[c][k]));
		jraw(&changes, day_change_name(c), list);
		free(list);
	}
	for (i = 0; i < cfg->nwebhooks && rc == RC_OK; i++) {
		const struct webhook_conf *w = &cfg->webhooks[i];

		if (!(w->events & EV_SUMMARY_UPDATED))
			continue;
		snprintf(target, sizeof(target), "webhook:%s", w->name);
		update_key("summary.updated", target, day, n, key);
		doc = envelope("summary.updated", key, now);
		jstr(&doc, "day", day);
		jnum(&doc, "update", (double)n);
		jraw(&doc, "changes", changes);
		if ((rc = day_parts(s, day, &body, &doc, e)) == RC_OK)
			rc = store_outbox_add(s, "summary.updated", target, key,
			    doc, NULL, NULL, now, &created, e);
		free(doc);
	}
	text = day_diff_text(d);
	for (i = 0; cfg->email.line != 0 && i < cfg->email.nto &&
	    rc == RC_OK; i++) {
		snprintf(target, sizeof(target), "email:%s",
		    cfg->email.to[i]);
		update_key(KIND_EMAIL_UPDATE, target, day, n, key);
		doc = NULL;
		jstr(&doc, "day", day);
		jstr(&doc, "to", cfg->email.to[i]);
		jnum(&doc, "update", (double)n);
		jstr(&doc, "changes", text);
		rc = store_outbox_add(s, KIND_EMAIL_UPDATE, target, key, doc,
		    NULL, NULL, now, &created, e);
		free(doc);
	}
	free(text);
	free(changes);
	free(body);
	return rc;
}

/* The key of alert number id to target: five parts with a label of
 * its own, like a flip's, so it meets no other key. */
static void
alert_key(const char *kind, const char *target, const char *source,
    int64_t id, char out[33])
{
	char num[32];
	const char *part[5] = { kind, target, source, NULL, num };

	snprintf(num, sizeof(num), "alert %lld", (long long)id);
	key_of(part, 5, out);
}

enum rc
outbox_alert(const struct config *cfg, struct store *s,
    const struct outbox_alert *a, time_t now, struct err *e)
{
	const struct source_watch *w = a->watch;
	unsigned flag = event_flag(a->kind);
	char target[OUTBOX_TARGET_MAX + 1], key[33], *doc;
	size_t i;
	int created;
	enum rc rc = RC_OK;

	for (i = 0; i < cfg->nwebhooks && rc == RC_OK; i++) {
		const struct webhook_conf *wh = &cfg->webhooks[i];

		if (!(wh->events & flag))
			continue;
		snprintf(target, sizeof(target), "webhook:%s", wh->name);
		alert_key(a->kind, target, a->source, a->id, key);
		doc = envelope(a->kind, key, now);
		jstr(&doc, "source", a->source);
		jstr(&doc, "detail", a->detail);
		jstr(&doc, "recovered_from", a->recovered_from);
		jnum(&doc, "failures", (double)w->failures);
		jtime(&doc, "failing_since", w->failing_since);
		jstr(&doc, "last_error", w->last_error);
		jtime(&doc, "newest_message_at", w->newest);
		rc = store_outbox_add(s, a->kind, target, key, doc, NULL,
		    NULL, now, &created, e);
		free(doc);
	}
	for (i = 0; cfg->email.line != 0 && i < cfg->email.nto &&
	    rc == RC_OK; i++) {
		snprintf(target, sizeof(target), "email:%s",
		    cfg->email.to[i]);
		alert_key(KIND_EMAIL_ALERT, target, a->source, a->id, key);
		doc = NULL;
		jstr(&doc, "to", cfg->email.to[i]);
		jstr(&doc, "alert", a->kind);
		jstr(&doc, "source", a->source);
		jstr(&doc, "detail", a->detail);
		jtime(&doc, "at", now);
		rc = store_outbox_add(s, KIND_EMAIL_ALERT, target, key, doc,
		    NULL, NULL, now, &created, e);
		free(doc);
	}
	return rc;
}

enum rc
outbox_email(const struct config *cfg, struct store *s, const char *day,
    enum email_mode mode, time_t now, long *queued, struct err *e)
{
	char target[OUTBOX_TARGET_MAX + 1], key[33], *doc;
	size_t i;
	int created, found;
	enum rc rc = RC_OK;

	if (queued != NULL)
		*queued = 0;
	for (i = 0; i < cfg->email.nto && rc == RC_OK; i++) {
		snprintf(target, sizeof(target), "email:%s",
		    cfg->email.to[i]);
		outbox_key(KIND_EMAIL, target, NULL, day, key);
		doc = NULL;
		jstr(&doc, "day", day);
		jstr(&doc, "to", cfg->email.to[i]);
		rc = store_outbox_add(s, KIND_EMAIL, target, key, doc, NULL,
		    NULL, now, &created, e);
		free(doc);
		found = created;
		if (rc == RC_OK && !created && mode != EMAIL_ONCE)
			rc = store_outbox_requeue(s, key, now,
			    mode == EMAIL_AGAIN, &found, e);
		if (found && queued != NULL)
			(*queued)++;
	}
	return rc;
}

/*
 * Delivery.  A target whose delivery failed for a reason that may pass
 * (down, slow, busy) gets nothing more in this pass: an endpoint that is
 * down is not sent the whole queue, one timeout after another, on every
 * run.  Its other rows wait for the next pass.  The group of an e-mail
 * row is the SMTP server, which all recipients share.  Rows are not
 * kept in order across retries: receivers order events by the case.
 * Actions are the exception: a customer's rows of an action run in
 * order, each waiting while an earlier one is to be retried
 * (store_outbox_held), and one customer's failure holds back no other
 * customer, so they belong to no group (NULL).
 */
struct failed {
	char	*v[2 * MAX_WEBHOOKS + MAX_EMAIL_RCPT + 1];
	size_t	 n;
};

static const char *
group_of(const char *target)
{
	if (strncmp(target, "action:", 7) == 0)
		return NULL;
	return strncmp(target, "email:", 6) == 0 ||
	    strncmp(target, NOTICE_TARGET, strlen(NOTICE_TARGET)) == 0 ?
	    "email" : target;
}

static int
failed_has(const struct failed *f, const char *g)
{
	size_t i;

	for (i = 0; g != NULL && i < f->n; i++)
		if (strcmp(f->v[i], g) == 0)
			return 1;
	return 0;
}

static void
failed_add(struct failed *f, const char *g)
{
	if (g != NULL && !failed_has(f, g) &&
	    f->n < sizeof(f->v) / sizeof(f->v[0]))
		f->v[f->n++] = xstrdup(g);
}

/* In a dry run, the requests a ticket row would make, or what an action
 * would run, on stdout. */
static void
dry_print(const struct config *cfg, struct store *s,
    const struct outbox_row *r)
{
	const struct ticket_conf *t;
	const struct action_conf *a;
	struct outcome o;

	if (strncmp(r->target, NOTICE_TARGET, strlen(NOTICE_TARGET)) == 0) {
		notice_send(cfg, s, r, time(NULL), &o, stdout);
		return;
	}
	if (strncmp(r->target, "action:", 7) == 0 &&
	    (a = config_action(cfg, r->target + 7)) != NULL) {
		action_dry(a, r, stdout);
		fflush(stdout);
		return;
	}
	if (strncmp(r->target, "ticket:", 7) != 0 ||
	    (t = config_ticket(cfg, r->target + 7)) == NULL)
		return;
	ticket_send(NULL, s, t, r, &o, stdout);
	fflush(stdout);
}

/* Send one row and say what became of it. */
static void
attempt(const struct config *cfg, struct store *s, struct http_client *hc,
    const struct outbox_row *r, time_t now, struct outcome *o,
    long long *base, long long *max, long long *max_attempts)
{
	const struct webhook_conf *w;
	const struct ticket_conf *t;
	const struct action_conf *a;
	char *day = NULL;

	memset(o, 0, sizeof(*o));
	o->retry_after = -1;
	if (strncmp(r->target, "webhook:", 8) == 0) {
		if ((w = config_webhook(cfg, r->target + 8)) == NULL) {
			o->kind = OUT_DEAD;
			snprintf(o->error, sizeof(o->error), "webhook '%s' is "
			    "not configured any more", r->target + 8);
			return;
		}
		*base = w->retry_base;
		*max = w->retry_max;
		*max_attempts = w->max_attempts;
		webhook_send(hc, w, r, o);
		return;
	}
	if (strncmp(r->target, "ticket:", 7) == 0) {
		if ((t = config_ticket(cfg, r->target + 7)) == NULL) {
			o->kind = OUT_DEAD;
			snprintf(o->error, sizeof(o->error), "ticket target "
			    "'%s' is not configured any more", r->target + 7);
			return;
		}
		*base = t->retry_base;
		*max = t->retry_max;
		*max_attempts = t->max_attempts;
		ticket_send(hc, s, t, r, o, NULL);
		return;
	}
	if (strncmp(r->target, NOTICE_TARGET, strlen(NOTICE_TARGET)) == 0) {
		*base = cfg->email.retry_base;
		*max = cfg->email.retry_max;
		*max_attempts = cfg->email.max_attempts;
		notice_send(cfg, s, r, now, o, NULL);
		return;
	}
	if (strncmp(r->target, "action:", 7) == 0) {
		if ((a = config_action(cfg, r->target + 7)) == NULL) {
			o->kind = OUT_DEAD;
			snprintf(o->error, sizeof(o->error), "action '%s' is "
			    "not configured any more", r->target + 7);
			return;
		}
		*base = a->retry_base;
		*max = a->retry_max;
		*max_attempts = a->max_attempts;
		action_send(a, r, o);
		return;
	}
	if (strncmp(r->target, "email:", 6) == 0 && cfg->email.line != 0 &&
	    strcmp(r->kind, KIND_EMAIL_ALERT) == 0) {
		*base = cfg->email.retry_base;
		*max = cfg->email.retry_max;
		*max_attempts = cfg->email.max_attempts;
		email_alert_send(cfg, r->payload, r->target + 6, now, o);
		return;
	}
	if (strncmp(r->target, "email:", 6) == 0 && cfg->email.line != 0 &&
	    (day = json_get(r->payload, "$.day")) != NULL) {
		struct email_update u = { 0, NULL };
		char *n = json_get(r->payload, "$.update");
		long long v;

		*base = cfg->email.retry_base;
		*max = cfg->email.retry_max;
		*max_attempts = cfg->email.max_attempts;
		if (n != NULL && parse_ll(n, 1, 1LL << 30, &v) == 0) {
			u.n = (long)v;
			u.changes = json_get(r->payload, "$.changes");
		}
		email_send(cfg, s, day, r->target + 6, u.n ? &u : NULL, now,
		    o);
		free(u.changes);
		free(n);
		free(day);
		return;
	}
	o->kind = OUT_DEAD;
	snprintf(o->error, sizeof(o->error), "%.200s: %s", r->target,
	    cfg->email.line == 0 ? "no [email] section any more" :
	    "unreadable row");
}

static enum rc
settle(struct store *s, const struct outbox_row *r, const struct outcome *o,
    long long base, long long max, long long max_attempts,
    struct deliver_stats *st, struct failed *failed, struct err *first,
    struct err *e)
{
	char when[21];
	long long wait;
	time_t now = time(NULL);
	enum rc rc;

	if (o->kind == OUT_DELIVERED) {
		/* Its own small transaction, right after the 2xx, so the
		 * window in which a crash repeats a delivery is short. */
		if ((rc = store_outbox_delivered(s, r->id, now, e)) != RC_OK)
			return rc;
		st->delivered++;
		log_info("%s: %s %s delivered", r->target, r->kind, r->key);
		return RC_OK;
	}
	if (o->kind == OUT_RETRY && r->attempts + 1 < max_attempts) {
		wait = outbox_backoff(base, max, r->attempts + 1,
		    (double)arc4random_uniform(1u << 30) / (double)(1u << 30));
		if (o->retry_after > wait)
			wait = o->retry_after < max ? o->retry_after : max;
		iso8601_utc(now + (time_t)wait, when);
		if ((rc = store_outbox_retry(s, r->id, now + (time_t)wait,
		    o->error, e)) != RC_OK)
			return rc;
		st->retried++;
		failed_add(failed, group_of(r->target));
		log_warn("%s: %s %s: %s; attempt %ld of %lld, next at %s",
		    r->target, r->kind, r->key, o->error, r->attempts + 1,
		    max_attempts, when);
		if (first->rc == RC_OK)
			err_set(first, RC_TEMP, "%s: %s", r->target, o->error);
		return RC_OK;
	}
	if ((rc = store_outbox_dead(s, r->id, o->error, e)) != RC_OK)
		return rc;
	st->dead++;
	if (o->kind == OUT_RETRY)
		failed_add(failed, group_of(r->target));
	log_error("%s: %s %s: %s; kept as a dead letter after %ld attempt%s",
	    r->target, r->kind, r->key, o->error, r->attempts + 1,
	    r->attempts + 1 == 1 ? "" : "s");
	if (first->rc == RC_OK)
		err_set(first, RC_TEMP, "%s: dead letter: %s", r->target,
		    o->error);
	return RC_OK;
}

enum rc
outbox_deliver(const struct config *cfg, struct store *s,
    const struct deliver_opts *opt, struct deliver_stats *st, struct err *e)
{
	int64_t *ids = xcalloc(MAX_DELIVER_PER_PASS, sizeof(*ids));
	struct http_client *hc = NULL;
	struct failed failed = { { NULL }, 0 };
	struct outbox_row r;
	struct outcome o;
	struct err first;
	long long base = 60, max = 3600, max_attempts = 1;
	size_t n = 0, i;
	long pruned;
	int found, held;
	enum rc rc;

	memset(st, 0, sizeof(*st));
	err_clear(&first);
	if (!opt->dry_run && (rc = store_outbox_prune(s, time(NULL) -
	    OUTBOX_KEEP_DELIVERED, &pruned, e)) != RC_OK)
		goto out;
	if ((rc = store_outbox_due(s, time(NULL), opt->kind, ids,
	    MAX_DELIVER_PER_PASS, &n, e)) != RC_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((rc = store_outbox_get(s, ids[i], &r, &found, e)) !=
		    RC_OK)
			goto out;
		if (!found)
			continue;
		/* A customer's actions run in order: one waits while an
		 * earlier one of the same action is to be tried again. */
		held = 0;
		if (strncmp(r.target, "action:", 7) == 0 && (rc =
		    store_outbox_held(s, r.id, r.target, &held, e)) != RC_OK) {
			free(r.payload);
			goto out;
		}
		if (held || failed_has(&failed, group_of(r.target))) {
			st->deferred++;
		} else if (opt->dry_run) {
			log_info("%s: %s %s is due (dry run: not sent)",
			    r.target, r.kind, r.key);
			dry_print(cfg, s, &r);
		} else if ((rc = store_outbox_attempt(s, r.id, time(NULL),
		    e)) == RC_OK) {
			if (hc == NULL)
				hc = http_client_new();
			attempt(cfg, s, hc, &r, time(NULL), &o, &base, &max,
			    &max_attempts);
			rc = settle(s, &r, &o, base, max, max_attempts, st,
			    &failed, &first, e);
		}
		free(r.payload);
		if (rc != RC_OK)
			goto out;
	}
	if (first.rc != RC_OK) {
		*e = first;
		rc = first.rc;
	}
out:
	for (i = 0; i < failed.n; i++)
		free(failed.v[i]);
	http_client_free(hc);
	free(ids);
	return rc;
}
