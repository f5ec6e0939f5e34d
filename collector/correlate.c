#include "autoconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "log.h"
#include "outbox.h"
#include "store.h"

struct touched {
	char	*customer;
	char	 day[11];
};

struct correlator {
	const struct config	*c;
	struct store		*s;
	struct touched		*t;
	size_t			 n, alloc;
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
correlator_touch(struct correlator *k, const char *customer, const char *day)
{
	size_t i;

	/* A batch touches few cases; most reports repeat the last one. */
	for (i = k->n; i-- > 0;)
		if (strcmp(k->t[i].day, day) == 0 &&
		    strcmp(k->t[i].customer, customer) == 0)
			return;
	if (k->n == k->alloc) {
		k->alloc = k->alloc ? k->alloc * 2 : 16;
		k->t = xrealloc(k->t, k->alloc * sizeof(*k->t));
	}
	k->t[k->n].customer = xstrdup(customer);
	snprintf(k->t[k->n].day, sizeof(k->t[k->n].day), "%s", day);
	k->n++;
}

/*
 * The score, documented in the README: confirmation counts most, then
 * how many independent outside parties complained, then volume (on a
 * log scale, so a flood does not drown the other signals).
 */
static double
score(const struct case_row *c)
{
	double s = 0;
	long reporters = c->distinct_reporters < 5 ? c->distinct_reporters : 5;

	if (c->internal_reports > 0 && c->external_reports > 0)
		s += 50;
	s += 8 * (double)reporters;
	s += 5 * log2(1.0 + (double)(c->internal_reports +
	    c->external_reports));
	return round(s * 100) / 100;
}

static enum rc
event(struct correlator *k, const char *kind, const struct case_row *c,
    struct err *e)
{
	int created;
	enum rc rc;

	rc = store_event_add(k->s, kind, c->customer, c->day, time(NULL),
	    &created, e);
	if (rc == RC_OK && created) {
		log_info("%s: %s on %s", kind, c->customer, c->day);
		/* Webhooks: queued in this same transaction. */
		rc = outbox_event(k->c, k->s, kind, c, time(NULL), e);
	}
	return rc;
}

static enum rc
refresh(struct correlator *k, const struct touched *t, struct err *e)
{
	struct case_row old, now;
	int found;
	enum rc rc;

	if ((rc = store_case_get(k->s, t->customer, t->day, &old, &found,
	    e)) != RC_OK ||
	    (rc = store_case_stats(k->s, t->customer, t->day, &now, e)) !=
	    RC_OK)
		return rc;
	if (now.internal_reports + now.external_reports == 0)
		return RC_OK;
	snprintf(now.confidence, sizeof(now.confidence), "%s",
	    now.internal_reports && now.external_reports ? "confirmed" :
	    now.internal_reports ? "internal" : "external");
	now.score = score(&now);
	now.escalated_at = found ? old.escalated_at : 0;
	if ((rc = store_case_put(k->s, &now, e)) != RC_OK)
		return rc;
	if (!found && (rc = event(k, "case.opened", &now, e)) != RC_OK)
		return rc;
	if (strcmp(now.confidence, "confirmed") == 0 &&
	    (!found || strcmp(old.confidence, "confirmed") != 0))
		rc = event(k, "case.confirmed", &now, e);
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
