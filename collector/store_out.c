/*
 * The store's side of the outputs: the outbox and the failures of runs.
 * These statements run a few times per delivery, so they are prepared
 * per call rather than cached.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "store_impl.h"

enum rc
store_run_error(struct store *s, int64_t run, const char *source,
    const char *error, struct err *e)
{
	sqlite3_stmt *st;

	if (run == 0)
		return RC_OK;
	if ((st = store_prepare(s, "INSERT INTO run_errors (run, source, at,"
	    " error) VALUES (?1, ?2, ?3, ?4)", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, source);
	sqlite3_bind_int64(st, 3, time(NULL));
	bind_text(st, 4, error);
	return store_finish(s, st, "record run error", NULL, e);
}

enum rc
store_source_result(struct store *s, const char *source, const char *error,
    time_t now, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, error == NULL ?
	    "INSERT INTO source_health (source, last_ok_at) VALUES (?1, ?2)"
	    " ON CONFLICT (source) DO UPDATE SET last_ok_at = ?2,"
	    " failing_since = NULL, failures = 0" :
	    "INSERT INTO source_health (source, last_error_at, last_error,"
	    " failing_since, failures) VALUES (?1, ?2, ?3, ?2, 1)"
	    " ON CONFLICT (source) DO UPDATE SET last_error_at = ?2,"
	    " last_error = ?3, failing_since = coalesce(failing_since, ?2),"
	    " failures = failures + 1", e)) == NULL)
		return e->rc;
	bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, now);
	if (error != NULL)
		sqlite3_bind_text(st, 3, error, (int)strnlen(error,
		    SOURCE_ERROR_MAX), SQLITE_STATIC);
	return store_finish(s, st, "record the source's outcome", NULL, e);
}

enum rc
store_source_watch(struct store *s, const char *source,
    struct source_watch *w, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	memset(w, 0, sizeof(*w));
	if ((st = store_prepare(s, "SELECT h.failures,"
	    " coalesce(h.failing_since, 0), h.last_error,"
	    " coalesce(h.alerted_failing_at, 0),"
	    " coalesce(h.alerted_silent_at, 0),"
	    " (SELECT coalesce(max(arrived_last), 0) FROM source_seen"
	    "  WHERE source = ?1)"
	    " FROM (SELECT ?1 AS source) k"
	    " LEFT JOIN source_health h ON h.source = k.source", e)) == NULL)
		return e->rc;
	bind_text(st, 1, source);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		w->failures = (long)sqlite3_column_int64(st, 0);
		w->failing_since = (time_t)sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			w->last_error = xstrdup((const char *)
			    sqlite3_column_text(st, 2));
		w->alerted_failing = (time_t)sqlite3_column_int64(st, 3);
		w->alerted_silent = (time_t)sqlite3_column_int64(st, 4);
		w->newest = (time_t)sqlite3_column_int64(st, 5);
	} else {
		store_fail(s, e, "read the source's health");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}

enum rc
store_alert_add(struct store *s, const char *source, const char *kind,
    enum alert_which which, int raise, time_t now, const char *detail,
    int64_t *id, struct err *e)
{
	static const char *const mark[2][2] = {
		{ "UPDATE source_health SET alerted_failing_at = NULL"
		    " WHERE source = ?1",
		  "UPDATE source_health SET alerted_failing_at = ?2"
		    " WHERE source = ?1" },
		{ "UPDATE source_health SET alerted_silent_at = NULL"
		    " WHERE source = ?1",
		  "UPDATE source_health SET alerted_silent_at = ?2"
		    " WHERE source = ?1" },
	};
	sqlite3_stmt *st;
	enum rc rc;

	if ((st = store_prepare(s, "INSERT INTO alerts (source, kind, at,"
	    " detail) VALUES (?1, ?2, ?3, ?4)", e)) == NULL)
		return e->rc;
	bind_text(st, 1, source);
	bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, now);
	bind_text(st, 4, detail);
	if ((rc = store_finish(s, st, "record the alert", NULL, e)) != RC_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(store_handle(s));
	if ((st = store_prepare(s, mark[which == ALERT_SILENT][raise != 0],
	    e)) == NULL)
		return e->rc;
	bind_text(st, 1, source);
	if (raise)
		sqlite3_bind_int64(st, 2, now);
	return store_finish(s, st, "note the alert", NULL, e);
}

enum rc
store_outbox_add(struct store *s, const char *kind, const char *target,
    const char *key, const char *payload, const char *customer,
    const char *day, time_t now, int *created, struct err *e)
{
	sqlite3_stmt *st;
	long n = 0;
	enum rc rc;

	*created = 0;
	if ((st = store_prepare(s, "INSERT INTO outbox (event, kind, target,"
	    " idempotency_key, payload, created_at, next_attempt) VALUES"
	    " ((SELECT id FROM events WHERE kind = ?1 AND customer = ?6"
	    " AND day = ?7), ?1, ?2, ?3, ?4, ?5, ?5)"
	    " ON CONFLICT (idempotency_key) DO NOTHING", e)) == NULL)
		return e->rc;
	bind_text(st, 1, kind);
	bind_text(st, 2, target);
	bind_text(st, 3, key);
	bind_text(st, 4, payload);
	sqlite3_bind_int64(st, 5, now);
	bind_text(st, 6, customer);
	bind_text(st, 7, day);
	if ((rc = store_finish(s, st, "queue event", &n, e)) == RC_OK)
		*created = n > 0;
	return rc;
}

enum rc
store_outbox_due(struct store *s, time_t now, const char *kind,
    int64_t *ids, size_t max, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	*n = 0;
	if ((st = store_prepare(s, "SELECT id FROM outbox"
	    " WHERE delivered_at IS NULL AND dead = 0 AND next_attempt <= ?1"
	    " AND (?2 IS NULL OR kind = ?2) ORDER BY id LIMIT ?3", e)) ==
	    NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, now);
	bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(s, e, "read outbox");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}

enum rc
store_outbox_get(struct store *s, int64_t id, struct outbox_row *row,
    int *found, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	memset(row, 0, sizeof(*row));
	*found = 0;
	if ((st = store_prepare(s, "SELECT kind, target, idempotency_key,"
	    " payload, attempts, created_at FROM outbox WHERE id = ?1"
	    " AND delivered_at IS NULL AND dead = 0", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*found = 1;
		row->id = id;
		store_col(st, 0, row->kind, sizeof(row->kind));
		store_col(st, 1, row->target, sizeof(row->target));
		store_col(st, 2, row->key, sizeof(row->key));
		row->payload = xstrdup(sqlite3_column_text(st, 3) ?
		    (const char *)sqlite3_column_text(st, 3) : "");
		row->attempts = (long)sqlite3_column_int64(st, 4);
		row->created_at = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, e, "read outbox row");
	return RC_OK;
}

/* One UPDATE of one row: ?1 the id, ?2 a time, ?3 a text (SQLite
 * accepts bindings to numbers a statement skips). */
static enum rc
update(struct store *s, const char *q, int64_t id, long long t,
    const char *text, const char *what, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, t);
	if (sqlite3_bind_parameter_count(st) >= 3)
		bind_text(st, 3, text);
	return store_finish(s, st, what, NULL, e);
}

enum rc
store_outbox_attempt(struct store *s, int64_t id, time_t now, struct err *e)
{
	return update(s, "UPDATE outbox SET attempts = attempts + 1,"
	    " last_attempt_at = ?2 WHERE id = ?1", id, now, NULL,
	    "count attempt", e);
}

enum rc
store_outbox_delivered(struct store *s, int64_t id, time_t now,
    struct err *e)
{
	return update(s, "UPDATE outbox SET delivered_at = ?2,"
	    " last_error = NULL WHERE id = ?1", id, now, NULL,
	    "mark delivered", e);
}

enum rc
store_outbox_retry(struct store *s, int64_t id, time_t next,
    const char *error, struct err *e)
{
	return update(s, "UPDATE outbox SET next_attempt = ?2,"
	    " last_error = ?3 WHERE id = ?1", id, next, error,
	    "schedule retry", e);
}

enum rc
store_outbox_dead(struct store *s, int64_t id, const char *error,
    struct err *e)
{
	return update(s, "UPDATE outbox SET dead = 1, last_error = ?3"
	    " WHERE id = ?1", id, 0, error, "keep dead letter", e);
}

enum rc
store_outbox_requeue_dead(struct store *s, time_t now, long *n,
    struct err *e)
{
	sqlite3_stmt *st;

	*n = 0;
	if ((st = store_prepare(s, "UPDATE outbox SET dead = 0, attempts = 0,"
	    " next_attempt = ?1 WHERE dead = 1", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, now);
	return store_finish(s, st, "requeue dead letters", n, e);
}

enum rc
store_outbox_requeue(struct store *s, const char *key, time_t now,
    int delivered, int *found, struct err *e)
{
	sqlite3_stmt *st;
	long n = 0;
	enum rc rc;

	*found = 0;
	if ((st = store_prepare(s, "UPDATE outbox SET dead = 0, attempts = 0,"
	    " delivered_at = NULL, next_attempt = ?2"
	    " WHERE idempotency_key = ?1 AND (?3 OR delivered_at IS NULL)",
	    e)) == NULL)
		return e->rc;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, delivered != 0);
	if ((rc = store_finish(s, st, "requeue", &n, e)) == RC_OK)
		*found = n > 0;
	return rc;
}
