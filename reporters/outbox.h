/*
 * The outbox: every webhook event and summary e-mail is first a row in
 * the store, written in the same transaction as what caused it, and is
 * then delivered by `deliver` (and `run`) until it succeeds or becomes a
 * dead letter.  Delivery is at least once; each row keeps its
 * idempotency key on every attempt, so a receiver that remembers keys
 * acts once.
 *
 *   2xx (or the SMTP server taking the mail)   delivered
 *   timeout, connection or TLS failure, 429, 5xx   retried later, with
 *       exponential backoff and jitter (and Retry-After when longer)
 *   other 4xx, 3xx, a permanent SMTP reply, or max_attempts reached
 *       dead letter, shown by status and the summary; deliver
 *       --retry-dead queues them again
 */
#ifndef AC_OUTBOX_H
#define AC_OUTBOX_H

#include <stdint.h>
#include <time.h>

#include "bounds.h"
#include "config.h"
#include "util.h"

struct store;
struct case_row;
struct outbox_row;

/* The row kinds of the summary e-mail and its updates; webhooks use
 * the event names. */
#define KIND_EMAIL		"summary.email"
#define KIND_EMAIL_UPDATE	"summary.email.update"
/* The row kind of an alert's mail (alerts.h). */
#define KIND_EMAIL_ALERT	"alert.email"

/*
 * Queue event kind (case.opened, case.confirmed, case.escalated) of
 * case c for every webhook subscribed to it, inside the caller's open
 * transaction.  Customer "(unresolved)" is no one to act on: nothing is
 * queued for it.
 */
enum rc outbox_event(const struct config *cfg, struct store *s,
    const char *kind, const struct case_row *c, time_t now, struct err *e);
/* outbox_event as the correlator's event hook (correlate.h); arg is
 * the configuration. */
enum rc outbox_hook(void *arg, struct store *s, int64_t event_id,
    const char *kind, const struct case_row *c, struct err *e);
/*
 * Queue a flip of case c's confirmation (case.unconfirmed, or
 * case.confirmed given again; correlate.h) for every webhook subscribed
 * to it.  Its key comes from the flip's number seq, so each flip has
 * its own and a rerun of the same flip finds it queued.  why, when not
 * NULL, goes into the body as "correction".
 */
struct case_cause;
enum rc outbox_flip(const struct config *cfg, struct store *s,
    const char *kind, int64_t seq, const struct case_row *c,
    const struct case_cause *why, time_t now, struct err *e);
/* outbox_flip as the correlator's flip hook; arg is the configuration. */
enum rc outbox_flip_hook(void *arg, struct store *s, const char *kind,
    int64_t seq, const struct case_row *c, const struct case_cause *why,
    struct err *e);
/* The key of a flip (outbox_key's, with the flip's number). */
void outbox_flip_key(const char *kind, const char *target,
    const char *customer, const char *day, int64_t seq, char out[33]);

/* Queue summary.daily of day for every subscribed webhook (once per day
 * and webhook, however often it is called). */
enum rc outbox_daily(const struct config *cfg, struct store *s,
    const char *day, time_t now, struct err *e);
/*
 * Queue update n of day's summary, with what changed (days.h): the
 * summary.updated event for every subscribed webhook and the update
 * e-mail for each recipient, each under a key of its own (n in it).
 */
struct day_diff;
enum rc outbox_update(const struct config *cfg, struct store *s,
    const char *day, long n, const struct day_diff *d, time_t now,
    struct err *e);
/*
 * Queue the summary e-mail of day for each recipient.  EMAIL_ONCE (the
 * daily step): once per day and recipient, a row already there is left
 * as it is.  EMAIL_NOW (report --email): what was not sent yet is due
 * now, retries and dead letters too.  EMAIL_AGAIN (--force): sent or
 * not, due now.  *queued (when not NULL) gets the rows now due.
 */
enum email_mode { EMAIL_ONCE, EMAIL_NOW, EMAIL_AGAIN };

enum rc outbox_email(const struct config *cfg, struct store *s,
    const char *day, enum email_mode mode, time_t now, long *queued,
    struct err *e);

/* An alert recorded as number id (alerts.h), to be queued. */
struct source_watch;
struct outbox_alert {
	int64_t			 id;
	const char		*kind;	/* source.failing, ... */
	const char		*source;
	const char		*detail;	/* one line for people */
	const char		*recovered_from;	/* source.recovered: what */
	const struct source_watch *watch;	/* the source's state */
};

/*
 * Queue alert a for every webhook that lists its kind in events and,
 * as a mail, for each [email] recipient; each under a key of its own
 * (the alert's number in it), so queueing it again adds nothing.
 */
enum rc outbox_alert(const struct config *cfg, struct store *s,
    const struct outbox_alert *a, time_t now, struct err *e);

struct deliver_opts {
	int		 dry_run;	/* say what is due, send nothing */
	const char	*kind;		/* only rows of this kind; NULL: all */
};

struct deliver_stats {
	long	delivered;
	long	retried;	/* failed, to be tried again */
	long	dead;		/* failed for good */
	long	deferred;	/* not tried: their target failed already */
};

/*
 * Send what is due now.  RC_OK when nothing failed; RC_TEMP when a
 * delivery failed (retried or dead letter; e has the first failure);
 * the store's error when it failed, which stops the pass.
 */
enum rc outbox_deliver(const struct config *cfg, struct store *s,
    const struct deliver_opts *o, struct deliver_stats *st, struct err *e);

/* What became of one attempt (webhook.c, email.c). */
enum outcome_kind { OUT_DELIVERED, OUT_RETRY, OUT_DEAD };

struct outcome {
	enum outcome_kind	 kind;
	long			 retry_after;	/* seconds; -1: none given */
	/* without secrets; an action's ends with its standard error */
	char			 error[256 + MAX_ACTION_STDERR];
};

/*
 * The wait before the next attempt after `attempts` failed ones: base
 * doubled per attempt, capped at max, of which the upper half is
 * random (jitter, in [0, 1)) so that many waiting rows do not return
 * at the same second.
 */
long long outbox_backoff(long long base, long long max, long attempts,
    double jitter);
/* The idempotency key of (kind, target, customer, day): 32 hex digits,
 * the same for the same event and target whenever it is computed. */
void outbox_key(const char *kind, const char *target, const char *customer,
    const char *day, char out[33]);

#endif
