/*
 * The store's side of the abuse desk's corrections: a report's state,
 * the record of each correction, a case counted again from its reports,
 * and the flips of a case's confirmation.  They run inside the
 * correction's transaction, so a report, its case and the events the
 * change causes commit together or not at all.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

enum rc
store_report_state(struct store *s, int64_t id, struct report_state *r,
    int *found, struct err *e)
{
	sqlite3_stmt *st;
	int k;

	memset(r, 0, sizeof(*r));
	*found = 0;
	if ((st = store_prepare(s, "SELECT r.state, r.customer, r.day,"
	    " r.format, c.action, c.state_before, c.customer_before, c.who,"
	    " c.at, c.reason FROM reports r LEFT JOIN corrections c ON c.id ="
	    " (SELECT max(id) FROM corrections WHERE report = r.id)"
	    " WHERE r.id = ?1", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	k = sqlite3_step(st);
	if (k == SQLITE_ROW) {
		*found = 1;
		r->id = id;
		store_col(st, 0, r->state, sizeof(r->state));
		store_col(st, 1, r->customer, sizeof(r->customer));
		store_col(st, 2, r->day, sizeof(r->day));
		store_col(st, 3, r->format, sizeof(r->format));
		store_col(st, 4, r->action, sizeof(r->action));
		store_col(st, 5, r->state_before, sizeof(r->state_before));
		store_col(st, 6, r->customer_before,
		    sizeof(r->customer_before));
		store_col(st, 7, r->who, sizeof(r->who));
		r->at = sqlite3_column_int64(st, 8);
		store_col(st, 9, r->reason, sizeof(r->reason));
	}
	sqlite3_finalize(st);
	return k == SQLITE_ROW || k == SQLITE_DONE ? RC_OK :
	    store_fail(s, e, "read report");
}

enum rc
store_correct(struct store *s, int64_t id, const char *action,
    const char *state, const char *customer, const char *who, time_t at,
    const char *reason, int64_t *correction, struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;

	*correction = 0;
	if ((st = store_prepare(s, "INSERT INTO corrections (report, action,"
	    " state_before, state_after, customer_before, customer_after,"
	    " who, at, reason) SELECT id, ?2, state, ?3, customer, ?4, ?5,"
	    " ?6, ?7 FROM reports WHERE id = ?1", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, action);
	bind_text(st, 3, state);
	bind_text(st, 4, customer);
	bind_text(st, 5, who);
	sqlite3_bind_int64(st, 6, at);
	bind_text(st, 7, reason);
	if ((rc = store_finish(s, st, "record correction", NULL, e)) != RC_OK)
		return rc;
	*correction = sqlite3_last_insert_rowid(store_handle(s));
	if ((st = store_prepare(s, "UPDATE reports SET state = ?2,"
	    " customer = ?3 WHERE id = ?1", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, state);
	bind_text(st, 3, customer);
	return store_finish(s, st, "correct report", NULL, e);
}

enum rc
store_case_recount(struct store *s, const char *customer, const char *day,
    struct case_row *c, int *found, struct err *e)
{
	/* The lists of distinct addresses and reporters, as store.c's
	 * case_count keeps them, then the counts. */
	static const char *const rebuild[] = {
	    "DELETE FROM case_ips WHERE customer = ?1 AND day = ?2",
	    "INSERT OR IGNORE INTO case_ips (customer, day, ip)"
	    " SELECT ?1, ?2, coalesce(origin_ip, source_ip) FROM reports"
	    " WHERE customer = ?1 AND day = ?2 AND state = 'counted'"
	    " AND coalesce(origin_ip, source_ip) IS NOT NULL",
	    "DELETE FROM case_reporters WHERE customer = ?1 AND day = ?2",
	    "INSERT OR IGNORE INTO case_reporters (customer, day, reporter)"
	    " SELECT ?1, ?2, reporter FROM reports WHERE customer = ?1"
	    " AND day = ?2 AND state = 'counted' AND role = 'external'"
	    " AND reporter IS NOT NULL",
	};
	sqlite3_stmt *st;
	size_t i;
	int k;
	enum rc rc;

	memset(c, 0, sizeof(*c));
	*found = 0;
	snprintf(c->customer, sizeof(c->customer), "%s", customer);
	snprintf(c->day, sizeof(c->day), "%s", day);
	for (i = 0; i < sizeof(rebuild) / sizeof(rebuild[0]); i++) {
		if ((st = store_prepare(s, rebuild[i], e)) == NULL)
			return e->rc;
		bind_text(st, 1, customer);
		bind_text(st, 2, day);
		if ((rc = store_finish(s, st, "count case again", NULL,
		    e)) != RC_OK)
			return rc;
	}
	if ((st = store_prepare(s, "SELECT count(*) FILTER (WHERE role ="
	    " 'internal'), count(*) FILTER (WHERE role = 'external'),"
	    " coalesce(min(occurred_at), 0), coalesce(max(occurred_at), 0),"
	    " (SELECT count(*) FROM case_ips WHERE customer = ?1"
	    "  AND day = ?2),"
	    " (SELECT count(*) FROM case_reporters WHERE customer = ?1"
	    "  AND day = ?2)"
	    " FROM reports WHERE customer = ?1 AND day = ?2"
	    " AND state = 'counted'", e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	if ((k = sqlite3_step(st)) == SQLITE_ROW) {
		c->internal_reports = sqlite3_column_int64(st, 0);
		c->external_reports = sqlite3_column_int64(st, 1);
		c->first_seen = sqlite3_column_int64(st, 2);
		c->last_seen = sqlite3_column_int64(st, 3);
		c->distinct_source_ips = sqlite3_column_int64(st, 4);
		c->distinct_reporters = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	if (k != SQLITE_ROW)
		return store_fail(s, e, "count case again");
	*found = c->internal_reports + c->external_reports > 0;
	if (*found)
		return RC_OK;
	if ((st = store_prepare(s, "DELETE FROM cases WHERE customer = ?1"
	    " AND day = ?2", e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	return store_finish(s, st, "remove case", NULL, e);
}

enum rc
store_flip_last(struct store *s, const char *customer, const char *day,
    int64_t *seq, char kind[32], struct err *e)
{
	sqlite3_stmt *st;
	int k;

	*seq = 0;
	kind[0] = '\0';
	if ((st = store_prepare(s, "SELECT seq, kind FROM case_flips"
	    " WHERE customer = ?1 AND day = ?2 ORDER BY seq DESC LIMIT 1",
	    e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	if ((k = sqlite3_step(st)) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		store_col(st, 1, kind, 32);
	}
	sqlite3_finalize(st);
	return k == SQLITE_ROW || k == SQLITE_DONE ? RC_OK :
	    store_fail(s, e, "read confirmation flips");
}

enum rc
store_flip_add(struct store *s, const char *customer, const char *day,
    int64_t seq, const char *kind, int64_t correction, time_t now,
    struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "INSERT INTO case_flips (customer, day, seq,"
	    " kind, correction, created_at) VALUES (?1, ?2, ?3, ?4,"
	    " nullif(?5, 0), ?6)", e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	sqlite3_bind_int64(st, 3, seq);
	bind_text(st, 4, kind);
	sqlite3_bind_int64(st, 5, correction);
	sqlite3_bind_int64(st, 6, now);
	return store_finish(s, st, "record confirmation flip", NULL, e);
}

enum rc
store_case_dated(struct store *s, const char *customer, const char *day,
    long *internal, long *external, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	*internal = *external = 0;
	if ((st = store_prepare(s, "SELECT count(*) FILTER (WHERE role ="
	    " 'internal'), count(*) FILTER (WHERE role = 'external')"
	    " FROM reports WHERE customer = ?1 AND day = ?2"
	    " AND state = 'counted' AND occurred_known = 1", e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*internal = sqlite3_column_int64(st, 0);
		*external = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, e, "count the case's dated reports");
	return RC_OK;
}
