/*
 * Correlation: one case per customer and day (in the cases time zone),
 * counting internal and external reports, with a confidence, a score and
 * escalation.  Cases are recomputed from the stored reports at the end of
 * each batch, inside the batch's transaction, and the events an
 * enforcement system acts on are recorded there too, once each:
 *
 *   case.opened     the first report of a case
 *   case.confirmed  the case has internal and external reports
 *   case.escalated  escalate_internal or escalate_external was met: N
 *                   reports of that role within M (a sliding window over
 *                   the reports' times)
 *
 * "Once" is kept by the store (one event per kind, customer and day), so
 * it holds across runs, re-imports and replays.  Reports whose customer
 * is unresolved get a case (the summary lists them) but never an event
 * or an escalation: there is nobody to act on.
 *
 * score = 50 when confirmed
 *       + 10 per distinct external reporter, at most 5 of them
 *       + 10 * log10(1 + internal + external reports)
 * rounded to two decimals (0 to 100 for any volume under 10^5 reports).
 */
#ifndef AC_CORRELATE_H
#define AC_CORRELATE_H

#include <stdint.h>
#include <time.h>

#include "config.h"
#include "util.h"

struct correlator;
struct store;
struct case_row;

#define EVENT_CASE_OPENED	"case.opened"
#define EVENT_CASE_CONFIRMED	"case.confirmed"
#define EVENT_CASE_ESCALATED	"case.escalated"
#define EVENT_CASE_UNCONFIRMED	"case.unconfirmed"

/*
 * The seam for delivery (webhooks, email): called once for each event
 * as it is recorded, inside the batch's transaction, with the event's
 * row id and the case as it stands.  Whatever fn writes to the store
 * commits with the batch; an error (not RC_OK) rolls the batch back.
 */
typedef enum rc (*event_hook)(void *arg, struct store *s, int64_t event_id,
    const char *kind, const struct case_row *c, struct err *e);

struct correlator *correlator_new(const struct config *c, struct store *s);
void correlator_free(struct correlator *k);
/* Set the hook (NULL: none). */
void correlator_on_event(struct correlator *k, event_hook fn, void *arg);

/* Note that (customer, day) got a report that happened at when (0: none,
 * only look at the case again) in the open batch. */
void correlator_touch(struct correlator *k, const char *customer,
    const char *day, time_t when);
/* Recompute every touched case and record its events. */
enum rc correlator_flush(struct correlator *k, struct err *e);

/*
 * Corrections.  After the first case.confirmed of a case, its
 * confirmation can be taken back (a dismissed report: case.unconfirmed)
 * and given again (an accepted complaint, or new reports:
 * case.confirmed).  Each such flip is numbered per case (1, 2, ...) and
 * recorded with the correction that caused it, so it is announced once
 * under a key of its own, whatever is re-run.  A flip's hook hears of
 * it inside the transaction, as the event hook does; c is the case as
 * it stands (all counts 0 and confidence "none" when no report of it
 * counts any more).
 */
struct case_cause {
	int64_t		 correction;	/* the first correction behind it */
	const char	*action;	/* accept, dismiss, restore */
	const char	*who;
	const char	*reason;	/* may be NULL */
	time_t		 at;
};

typedef enum rc (*flip_hook)(void *arg, struct store *s, const char *kind,
    int64_t seq, const struct case_row *c, const struct case_cause *why,
    struct err *e);

void correlator_on_flip(struct correlator *k, flip_hook fn, void *arg);

/*
 * Count the case (customer, day) again from its counted reports (after
 * a correction changed them) and settle what follows: confidence, score,
 * escalation from scratch, and the events and flips; why (may be NULL)
 * goes with the flips.  *confirmed says whether the case is confirmed
 * now.
 */
enum rc correlator_recount(struct correlator *k, const char *customer,
    const char *day, const struct case_cause *why, int *confirmed,
    struct err *e);

/* The score of a case (the formula above). */
double case_score(const struct case_row *c);

/*
 * The day a time falls on in the cases time zone, as YYYY-MM-DD.  The
 * zone is the process's (main sets TZ from [cases] timezone).
 */
void day_of(time_t t, char out[11]);

#endif
