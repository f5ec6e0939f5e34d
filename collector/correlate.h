/*
 * Correlation: one case per customer and day, counting internal and
 * external reports, with a confidence (internal, external, confirmed), a
 * score and escalation.  Cases are recomputed from the stored reports at
 * the end of each batch, inside the batch's transaction, and the events
 * an enforcement system acts on (case.opened, case.confirmed,
 * case.escalated) are recorded once each in the same transaction.
 */
#ifndef AC_CORRELATE_H
#define AC_CORRELATE_H

#include <time.h>

#include "config.h"
#include "util.h"

struct correlator;
struct store;

struct correlator *correlator_new(const struct config *c, struct store *s);
void correlator_free(struct correlator *k);

/* Note that (customer, day) got a report in the open batch. */
void correlator_touch(struct correlator *k, const char *customer,
    const char *day);
/* Recompute every touched case and record its events. */
enum rc correlator_flush(struct correlator *k, struct err *e);

/*
 * The day a time falls on in the cases time zone, as YYYY-MM-DD.  The
 * zone is the process's (main sets TZ from [cases] timezone).
 */
void day_of(time_t t, char out[11]);

#endif
