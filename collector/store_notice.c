/*
 * The notices table and the evidence of a customer notice.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"
#include "store_notice.h"

enum rc
store_notice_queue(struct store *s, const char *key, const char *customer,
    const char *day, const char *event, const char *rcpt, time_t now,
    long long min_interval, enum notice_state *state, char by[33],
    struct err *e)
{
	sqlite3_stmt *st;
	int r;

	by[0] = '\0';
	if ((st = store_prepare(s, "SELECT 1 FROM notices WHERE key = ?1",
	    e)) == NULL)
		return e->rc;
	bind_text(st, 1, key);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_ROW) {
		*state = NOTICE_KNOWN;
		return RC_OK;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, e, "read the notices");
	/* The newest notice queued to the customer within the interval:
	 * min_interval = 0 finds none. */
	if ((st = store_prepare(s, "SELECT key FROM notices"
	    " WHERE customer = ?1 AND suppressed_by IS NULL"
	    " AND rcpt IS NOT NULL AND queued_at > ?2"
	    " ORDER BY queued_at DESC LIMIT 1", e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now - min_interval);
	if ((r = sqlite3_step(st)) == SQLITE_ROW && min_interval > 0 &&
	    rcpt != NULL)
		store_col(st, 0, by, 33);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, e, "read the notices");
	if ((st = store_prepare(s, "INSERT INTO notices (key, customer, day,"
	    " event, queued_at, rcpt, suppressed_by)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", e)) == NULL)
		return e->rc;
	bind_text(st, 1, key);
	bind_text(st, 2, customer);
	bind_text(st, 3, day);
	bind_text(st, 4, event);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
	bind_text(st, 6, rcpt);
	bind_text(st, 7, by[0] != '\0' ? by : NULL);
	*state = rcpt == NULL ? NOTICE_NO_CONTACT : by[0] != '\0' ?
	    NOTICE_SUPPRESSED : NOTICE_QUEUED;
	return store_finish(s, st, "record a notice", NULL, e);
}

enum rc
store_notice_sent(struct store *s, const char *key, time_t now,
    struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "UPDATE notices SET sent_at = ?2"
	    " WHERE key = ?1 AND sent_at IS NULL", e)) == NULL)
		return e->rc;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	return store_finish(s, st, "record a notice as sent", NULL, e);
}

/* The distinct values of query q (?1 customer, ?2 day) into v[], at
 * most NOTICE_LIST_MAX, *more counting the rest. */
static enum rc
list(struct store *s, const char *q, const char *customer, const char *day,
    char **v, size_t *n, long *more, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	*n = 0;
	*more = 0;
	if ((st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		if (*n >= NOTICE_LIST_MAX) {
			(*more)++;
			continue;
		}
		v[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return store_fail(s, e, "read a case's reports");
	return RC_OK;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL && *t != '\0' ? xstrdup((const char *)t) : NULL;
}

enum rc
store_notice_facts(struct store *s, const char *customer, const char *day,
    struct notice_facts *f, struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;
	int r;

	memset(f, 0, sizeof(*f));
	if ((rc = list(s, "SELECT DISTINCT lower(mail_from) FROM reports"
	    " WHERE customer = ?1 AND day = ?2 AND state = 'counted'"
	    " AND mail_from <> '' ORDER BY 1", customer, day, f->senders,
	    &f->nsenders, &f->senders_more, e)) != RC_OK)
		return rc;
	if ((rc = list(s, "SELECT DISTINCT coalesce(auth_user, smtp_auth)"
	    " FROM reports WHERE customer = ?1 AND day = ?2"
	    " AND state = 'counted' AND coalesce(auth_user, smtp_auth) <> ''"
	    " ORDER BY 1", customer, day, f->users, &f->nusers,
	    &f->users_more, e)) != RC_OK)
		return rc;
	/* The reporter's domain only: never the address itself. */
	if ((rc = list(s, "SELECT DISTINCT lower(substr(reporter,"
	    " instr(reporter, '@') + 1)) FROM reports"
	    " WHERE customer = ?1 AND day = ?2 AND state = 'counted'"
	    " AND role = 'external' AND reporter <> '' ORDER BY 1", customer,
	    day, f->reporters, &f->nreporters, &f->reporters_more, e)) !=
	    RC_OK)
		return rc;
	if ((st = store_prepare(s, "SELECT occurred_at, subject, message_id"
	    " FROM reports WHERE customer = ?1 AND day = ?2"
	    " AND state = 'counted' ORDER BY occurred_at, id", e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct notice_sample *x;

		if (f->nsamples >= NOTICE_SAMPLES) {
			f->samples_more++;
			continue;
		}
		x = &f->samples[f->nsamples++];
		x->at = (time_t)sqlite3_column_int64(st, 0);
		x->subject = col_dup(st, 1);
		x->message_id = col_dup(st, 2);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return store_fail(s, e, "read a case's reports");
	return RC_OK;
}

void
notice_facts_release(struct notice_facts *f)
{
	size_t i;

	for (i = 0; i < f->nsenders; i++)
		free(f->senders[i]);
	for (i = 0; i < f->nusers; i++)
		free(f->users[i]);
	for (i = 0; i < f->nreporters; i++)
		free(f->reporters[i]);
	for (i = 0; i < f->nsamples; i++) {
		free(f->samples[i].subject);
		free(f->samples[i].message_id);
	}
	memset(f, 0, sizeof(*f));
}
