#include "autoconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "log.h"
#include "resolve.h"
#include "store.h"

/* A case that got reports in this batch, and when they happened. */
struct touched {
	char	*customer;
	char	 day[11];
	time_t	 first, last;	/* 0: no new report */
};

struct correlator {
	const struct config	*c;
	struct store		*s;
	struct touched		*t;
	size_t			 n, alloc;
	event_hook		 hook;
	void			*hook_arg;
	flip_hook		 flip;
	void			*flip_arg;
};

struct correlator *
correlator_new(const struct config *c, struct store *s)
{
	struct correlator *k = xcalloc(1, sizeof(*k));

	k->c = c;
	k->s = s;
	return k;
}

static void
clear(struct correlator *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->t[i].customer);
	k->n = 0;
}

void
correlator_free(struct correlator *k)
{
	if (k == NULL)
		return;
	clear(k);
	free(k->t);
	free(k);
}

void
correlator_on_event(struct correlator *k, event_hook fn, void *arg)
{
	k->hook = fn;
	k->hook_arg = arg;
}

void
correlator_on_flip(struct correlator *k, flip_hook fn, void *arg)
{
	k->flip = fn;
	k->flip_arg = arg;
}

void
correlator_touch(struct correlator *k, const char *customer, const char *day,
    time_t when)
{
	struct touched *t = NULL;
	size_t i;

	/* A batch touches few cases; most reports repeat the last one. */
	for (i = k->n; i-- > 0;)
		if (strcmp(k->t[i].day, day) == 0 &&
		    strcmp(k->t[i].customer, customer) == 0) {
			t = &k->t[i];
			break;
		}
	if (t == NULL) {
		if (k->n == k->alloc) {
			k->alloc = k->alloc ? k->alloc * 2 : 16;
			k->t = xrealloc(k->t, k->alloc * sizeof(*k->t));
		}
		t = &k->t[k->n++];
		t->customer = xstrdup(customer);
		snprintf(t->day, sizeof(t->day), "%s", day);
		t->first = t->last = 0;
	}
	if (when != 0 && (t->first == 0 || when < t->first))
		t->first = when;
	if (when > t->last)
		t->last = when;
}

/*
 * The score (correlate.h, README): confirmation by the two independent
 * sides counts most; then how many outside parties complained, capped so
 * that a list of trap networks cannot outweigh confirmation; then volume
 * on a log scale, so a flood adds steadily but never drowns the others.
 */
double
case_score(const struct case_row *c)
{
	double s = 0;
	long reporters = c->distinct_reporters < 5 ? c->distinct_reporters : 5;
	int both = c->internal_reports > 0 && c->external_reports > 0;

	/* Confidence, once judged (judge()), says whether both sides
	 * count as having seen the customer that day. */
	if (c->confidence[0] != '\0')
		both = strcmp(c->confidence, "confirmed") == 0;
	if (both)
		s += 50;
	s += 10 * (double)reporters;
	s += 10 * log10(1.0 + (double)(c->internal_reports +
	    c->external_reports));
	return round(s * 100) / 100;
}

/*
 * Confidence and score.  Confirmation takes a report of each side whose
 * time is its own: a report placed at its message's arrival (undated,
 * or dated when it cannot be true) does not say which day it was about,
 * so it counts in the case but cannot confirm it.  Without such a pair
 * the case is of the side that has dated reports, else of the side with
 * more reports.
 */
static enum rc
judge(struct correlator *k, struct case_row *c, struct err *e)
{
	long di = 0, dx = 0;
	const char *conf;
	enum rc rc;

	if (c->internal_reports && c->external_reports) {
		if ((rc = store_case_dated(k->s, c->customer, c->day, &di,
		    &dx, e)) != RC_OK)
			return rc;
		conf = di && dx ? "confirmed" : di ? "internal" : dx ?
		    "external" : c->internal_reports >= c->external_reports ?
		    "internal" : "external";
	} else {
		conf = c->internal_reports ? "internal" : "external";
	}
	snprintf(c->confidence, sizeof(c->confidence), "%s", conf);
	c->score = case_score(c);
	return RC_OK;
}

/* Record kind for the case; the hook hears of it when it is new. */
static enum rc
event(struct correlator *k, const char *kind, const struct case_row *c,
    struct err *e)
{
	int64_t id;
	int created;
	enum rc rc;

	rc = store_event_add(k->s, kind, c->customer, c->day, time(NULL),
	    &created, e);
	if (rc != RC_OK || !created)
		return rc;
	log_info("%s: %s on %s", kind, c->customer, c->day);
	if (k->hook == NULL)
		return RC_OK;
	if ((rc = store_event_id(k->s, kind, c->customer, c->day, &id, e)) !=
	    RC_OK)
		return rc;
	return k->hook(k->hook_arg, k->s, id, kind, c, e);
}

/*
 * Escalation: the first moment a rule was met.  Only a window holding
 * one of the batch's new reports can be new, and such a window lies
 * within one window's length of them, so only that stretch is searched.
 * Once escalated, only reports up to that moment count: a report
 * arriving late can only move the moment earlier.
 */
static enum rc
escalation(struct correlator *k, const struct touched *t,
    struct case_row *now, struct err *e)
{
	static const struct { enum role role; const char *name; } roles[] = {
		{ ROLE_INTERNAL, "internal" }, { ROLE_EXTERNAL, "external" },
	};
	const struct cases_conf *cc = &k->c->cases;
	size_t i;
	time_t at, until;
	enum rc rc;

	for (i = 0; i < 2; i++) {
		const struct escalation *x = roles[i].role == ROLE_INTERNAL ?
		    &cc->escalate_internal : &cc->escalate_external;
		long have = roles[i].role == ROLE_INTERNAL ?
		    now->internal_reports : now->external_reports;

		if (x->count == 0 || have < x->count || t->first == 0)
			continue;
		until = t->last + (time_t)x->window;
		if (now->escalated_at != 0 && now->escalated_at < until)
			until = now->escalated_at;
		rc = store_case_burst(k->s, now->customer, now->day,
		    roles[i].name, x->count, x->window,
		    t->first - (time_t)x->window, until, &at, e);
		if (rc != RC_OK)
			return rc;
		if (at != 0 && (now->escalated_at == 0 ||
		    at < now->escalated_at)) {
			now->escalated_at = at;
			snprintf(now->escalated_role,
			    sizeof(now->escalated_role), "%s", roles[i].name);
		}
	}
	return RC_OK;
}

/*
 * What the receivers were told last about the case's confirmation, and
 * what it is now: the first confirmation is the case.confirmed event;
 * after it each change is a flip of its own.
 */
static enum rc
announce(struct correlator *k, const struct case_row *now, int confirmed,
    const struct case_cause *why, struct err *e)
{
	const char *kind;
	char last[32];
	int64_t ev, seq;
	int said;
	enum rc rc;

	if ((rc = store_event_id(k->s, EVENT_CASE_CONFIRMED, now->customer,
	    now->day, &ev, e)) != RC_OK)
		return rc;
	if (confirmed && ev == 0)
		return event(k, EVENT_CASE_CONFIRMED, now, e);
	if ((rc = store_flip_last(k->s, now->customer, now->day, &seq, last,
	    e)) != RC_OK)
		return rc;
	said = ev != 0 && (seq == 0 ||
	    strcmp(last, EVENT_CASE_CONFIRMED) == 0);
	if (confirmed == said)
		return RC_OK;
	kind = confirmed ? EVENT_CASE_CONFIRMED : EVENT_CASE_UNCONFIRMED;
	if ((rc = store_flip_add(k->s, now->customer, now->day, seq + 1,
	    kind, why ? why->correction : 0, time(NULL), e)) != RC_OK)
		return rc;
	log_info("%s: %s on %s (change %lld of its confirmation)", kind,
	    now->customer, now->day, (long long)(seq + 1));
	if (k->flip == NULL)
		return RC_OK;
	return k->flip(k->flip_arg, k->s, kind, seq + 1, now, why, e);
}

/*
 * The store has counted the batch's reports into the case already
 * (store_report_add); what is left is what follows from the counts:
 * confidence, score, escalation, and the events.
 */
static enum rc
refresh(struct correlator *k, const struct touched *t, struct err *e)
{
	struct case_row now;
	int found, resolved = strcmp(t->customer, CUSTOMER_UNRESOLVED) != 0;
	enum rc rc;

	if ((rc = store_case_get(k->s, t->customer, t->day, &now, &found,
	    e)) != RC_OK)
		return rc;
	if (!found || now.internal_reports + now.external_reports == 0)
		return RC_OK;
	if ((rc = judge(k, &now, e)) != RC_OK)
		return rc;
	if (resolved && (rc = escalation(k, t, &now, e)) != RC_OK)
		return rc;
	if ((rc = store_case_put(k->s, &now, e)) != RC_OK || !resolved)
		return rc;
	/* Each is recorded once however often the case is refreshed. */
	if ((rc = event(k, EVENT_CASE_OPENED, &now, e)) != RC_OK)
		return rc;
	if (strcmp(now.confidence, "confirmed") == 0 &&
	    (rc = announce(k, &now, 1, NULL, e)) != RC_OK)
		return rc;
	if (now.escalated_at != 0)
		rc = event(k, EVENT_CASE_ESCALATED, &now, e);
	return rc;
}

enum rc
correlator_recount(struct correlator *k, const char *customer,
    const char *day, const struct case_cause *why, int *confirmed,
    struct err *e)
{
	struct touched whole;
	struct case_row now;
	int found, resolved = strcmp(customer, CUSTOMER_UNRESOLVED) != 0;
	enum rc rc;

	*confirmed = 0;
	if ((rc = store_case_recount(k->s, customer, day, &now, &found, e)) !=
	    RC_OK)
		return rc;
	if (!found) {
		/* Nothing of the case counts any more. */
		snprintf(now.confidence, sizeof(now.confidence), "none");
		return resolved ? announce(k, &now, 0, why, e) : RC_OK;
	}
	if ((rc = judge(k, &now, e)) != RC_OK)
		return rc;
	*confirmed = strcmp(now.confidence, "confirmed") == 0;
	/* Escalation from scratch: the whole day is searched. */
	memset(&whole, 0, sizeof(whole));
	whole.first = now.first_seen;
	whole.last = now.last_seen;
	if (resolved && (rc = escalation(k, &whole, &now, e)) != RC_OK)
		return rc;
	if ((rc = store_case_put(k->s, &now, e)) != RC_OK || !resolved)
		return rc;
	if ((rc = event(k, EVENT_CASE_OPENED, &now, e)) != RC_OK ||
	    (rc = announce(k, &now, *confirmed, why, e)) != RC_OK)
		return rc;
	if (now.escalated_at != 0)
		rc = event(k, EVENT_CASE_ESCALATED, &now, e);
	return rc;
}

enum rc
correlator_flush(struct correlator *k, struct err *e)
{
	size_t i;
	enum rc rc = RC_OK;

	for (i = 0; i < k->n && rc == RC_OK; i++)
		rc = refresh(k, &k->t[i], e);
	clear(k);
	return rc;
}

void
day_of(time_t t, char out[11])
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "1970-01-01", 11);
}
