/*
 * The store's side of customer notices ([notify]): the notices table
 * (migration 15) and the evidence a notice shows.  Functions as in
 * store.h: RC_OK, or e set.
 */
#ifndef AC_STORE_NOTICE_H
#define AC_STORE_NOTICE_H

#include <stdint.h>
#include <time.h>

#include "bounds.h"
#include "store.h"

/* What queuing a notice came to. */
enum notice_state { NOTICE_KNOWN, NOTICE_QUEUED, NOTICE_SUPPRESSED,
	NOTICE_NO_CONTACT };

/*
 * Record the notice key of (customer, day, event) for rcpt, inside the
 * caller's transaction.  A key recorded before stays as it was
 * (NOTICE_KNOWN).  rcpt NULL: the customer has no contact, recorded as
 * such for the summary (NOTICE_NO_CONTACT).  Else, when a notice to customer was queued (not
 * suppressed) less than min_interval seconds before now, this one is
 * recorded as suppressed by it (NOTICE_SUPPRESSED, its key in by[33]);
 * otherwise as queued (NOTICE_QUEUED), for the caller to add its
 * outbox row in the same transaction.
 */
enum rc store_notice_queue(struct store *s, const char *key,
    const char *customer, const char *day, const char *event,
    const char *rcpt, time_t now, long long min_interval,
    enum notice_state *state, char by[33], struct err *e);
/* The notice key was taken by the SMTP server at now (the first time
 * counts). */
enum rc store_notice_sent(struct store *s, const char *key, time_t now,
    struct err *e);

/*
 * The evidence of a case a notice may show: never a recipient's or a
 * complainant's address.  Lists hold distinct values, at most
 * NOTICE_LIST_MAX each (*_more: how many more); reporters are the
 * domains of the external reports' reporters.
 */
struct notice_sample {
	time_t		 at;
	char		*subject;	/* may be NULL */
	char		*message_id;	/* may be NULL */
};
struct notice_facts {
	char		*senders[NOTICE_LIST_MAX];
	size_t		 nsenders;
	long		 senders_more;
	char		*users[NOTICE_LIST_MAX];
	size_t		 nusers;
	long		 users_more;
	char		*reporters[NOTICE_LIST_MAX];
	size_t		 nreporters;
	long		 reporters_more;
	struct notice_sample samples[NOTICE_SAMPLES];
	size_t		 nsamples;
	long		 samples_more;
};
enum rc store_notice_facts(struct store *s, const char *customer,
    const char *day, struct notice_facts *f, struct err *e);
void notice_facts_release(struct notice_facts *f);

#endif
