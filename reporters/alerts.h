/*
 * Alerts: when a source needs a person.  After each source's collection
 * its health is judged:
 *
 *   source.failing    [alerts] source_failures collections in a row
 *                     failed (once, until it goes through again)
 *   source.silent     its newest message arrived silence or longer ago
 *                     (once, until mail flows again)
 *   source.recovered  an open alert's cause is gone: a collection went
 *                     through, or a message newer than silence came
 *
 * Whether an alert is open lives in source_health (alerted_failing_at,
 * alerted_silent_at), set and cleared in the transaction that records
 * the alert and queues it, so a rerun never raises it twice.  Each
 * alert goes to the webhooks that list it in events and, as a short
 * plain-text mail, to each [email] recipient, through the outbox.
 */
#ifndef AC_ALERTS_H
#define AC_ALERTS_H

#include <time.h>

#include "config.h"
#include "store.h"
#include "util.h"

/* What alerts_judge finds due. */
#define A_FAILING	0x1	/* raise source.failing */
#define A_SILENT	0x2	/* raise source.silent */
#define A_FAILING_OVER	0x4	/* source.recovered from source.failing */
#define A_SILENT_OVER	0x8	/* source.recovered from source.silent */

/* The alerts due for a source in state w at now, given its failures
 * limit and silence in seconds (each 0: not watched). */
unsigned alerts_judge(const struct source_watch *w, long long failures,
    long long silence, time_t now);

/*
 * Judge source src at now and, in one transaction, record and queue
 * what is due.  *raised (when not NULL) gets the number of alerts
 * raised.
 */
enum rc alerts_check(const struct config *cfg, struct store *s,
    const struct source_conf *src, time_t now, long *raised,
    struct err *e);

/* The detail line of an alert, as its mail and the summary show it.
 * Returns a new string. */
char *alerts_detail(unsigned which, const char *source,
    const struct source_watch *w, long long silence, time_t now);

#endif
