/*
 * The store's side of ticket targets: which ticket each case became,
 * and the evidence a new ticket shows.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

enum rc
store_ticket_find_str(struct store *s, const char *target,
    const char *case_key, const char *customer, const char *day, char *id,
    size_t idsz, int *resolved, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	id[0] = '\0';
	*resolved = 0;
	/* An open ticket of the key first; the case's own row says
	 * whether the collector resolved the case's ticket. */
	if ((st = store_prepare(s, "SELECT ticket_id, 0 FROM case_tickets"
	    " WHERE target = ?1 AND case_key = ?2 AND resolved = 0"
	    " AND ticket_id <> 0"
	    " UNION ALL SELECT ticket_id, 1 FROM case_tickets"
	    " WHERE target = ?1 AND customer = ?3 AND day = ?4"
	    " AND resolved = 1 AND ticket_id <> 0", e)) == NULL)
		return e->rc;
	bind_text(st, 1, target);
	bind_text(st, 2, case_key);
	bind_text(st, 3, customer);
	bind_text(st, 4, day);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(id, idsz, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		*resolved = sqlite3_column_int(st, 1);
		if (*resolved == 0)
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(s, e, "read case ticket");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}

enum rc
store_ticket_find(struct store *s, const char *target, const char *case_key,
    const char *customer, const char *day, long long *id, int *resolved,
    struct err *e)
{
	char buf[64];

	*id = 0;
	if (store_ticket_find_str(s, target, case_key, customer, day, buf,
	    sizeof(buf), resolved, e) != RC_OK)
		return e->rc;
	*id = strtoll(buf, NULL, 10);
	return RC_OK;
}

/* A ticket id of digits is stored as the integer it is (the column's
 * affinity), any other as text. */
enum rc
store_ticket_put_str(struct store *s, const char *target,
    const char *customer, const char *day, const char *case_key,
    const char *id, const char *link, time_t now, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "INSERT INTO case_tickets (target,"
	    " customer, day, case_key, ticket_id, link, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (target, customer, day) DO UPDATE SET"
	    " case_key = ?4, ticket_id = ?5, link = ?6, resolved = 0", e)) ==
	    NULL)
		return e->rc;
	bind_text(st, 1, target);
	bind_text(st, 2, customer);
	bind_text(st, 3, day);
	bind_text(st, 4, case_key);
	bind_text(st, 5, id);
	bind_text(st, 6, link);
	sqlite3_bind_int64(st, 7, now);
	return store_finish(s, st, "record case ticket", NULL, e);
}

enum rc
store_ticket_sent(struct store *s, const char *target, const char *customer,
    const char *day, const char *case_key, time_t now, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "INSERT INTO case_tickets (target,"
	    " customer, day, case_key, ticket_id, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, 0, ?5)"
	    " ON CONFLICT (target, customer, day) DO UPDATE SET"
	    " case_key = ?4, created_at = ?5 WHERE ticket_id = 0", e)) == NULL)
		return e->rc;
	bind_text(st, 1, target);
	bind_text(st, 2, customer);
	bind_text(st, 3, day);
	bind_text(st, 4, case_key);
	sqlite3_bind_int64(st, 5, now);
	return store_finish(s, st, "record the ticket's create", NULL, e);
}

enum rc
store_ticket_unsent(struct store *s, const char *target, const char *customer,
    const char *day, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "DELETE FROM case_tickets WHERE target = ?1"
	    " AND customer = ?2 AND day = ?3 AND ticket_id = 0", e)) == NULL)
		return e->rc;
	bind_text(st, 1, target);
	bind_text(st, 2, customer);
	bind_text(st, 3, day);
	return store_finish(s, st, "forget the ticket's create", NULL, e);
}

enum rc
store_ticket_sent_at(struct store *s, const char *target,
    const char *case_key, time_t *at, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	*at = 0;
	if ((st = store_prepare(s, "SELECT max(created_at) FROM case_tickets"
	    " WHERE target = ?1 AND case_key = ?2 AND ticket_id = 0", e)) ==
	    NULL)
		return e->rc;
	bind_text(st, 1, target);
	bind_text(st, 2, case_key);
	if ((r = sqlite3_step(st)) == SQLITE_ROW)
		*at = (time_t)sqlite3_column_int64(st, 0);
	if (r != SQLITE_ROW) {
		store_fail(s, e, "read the ticket's create");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}

enum rc
store_ticket_put(struct store *s, const char *target, const char *customer,
    const char *day, const char *case_key, long long id, const char *link,
    time_t now, struct err *e)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", id);
	return store_ticket_put_str(s, target, customer, day, case_key, buf,
	    link, now, e);
}

enum rc
store_ticket_resolved(struct store *s, const char *target, long long id,
    int resolved, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "UPDATE case_tickets SET resolved = ?3"
	    " WHERE target = ?1 AND ticket_id = ?2", e)) == NULL)
		return e->rc;
	bind_text(st, 1, target);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, resolved != 0);
	return store_finish(s, st, "record ticket resolved", NULL, e);
}

enum rc
store_case_evidence(struct store *s, const char *customer, const char *day,
    long max, struct buf *out, long *more, struct err *e)
{
	sqlite3_stmt *st;
	char when[21];
	long n = 0;
	int r;

	*more = 0;
	if ((st = store_prepare(s, "SELECT occurred_at, role,"
	    " coalesce(reporter, '-'), coalesce(source_ip, '-'),"
	    " coalesce(subject, '') FROM reports WHERE customer = ?1"
	    " AND day = ?2 AND state = 'counted' ORDER BY occurred_at, id",
	    e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ >= max) {
			(*more)++;
			continue;
		}
		iso8601_utc((time_t)sqlite3_column_int64(st, 0), when);
		buf_addf(out, "  %s  %-8s  %s  from %s  \"%.200s\"\n", when,
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4));
	}
	if (r != SQLITE_DONE) {
		store_fail(s, e, "read the case's reports");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}
