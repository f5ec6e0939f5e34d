/*
 * The quarantine: messages stored with status 'quarantined', most with
 * their raw bytes, listed, handed out and taken back into the normal
 * flow once they parse (cmd_quarantine.c, pipeline_replay).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"

enum rc
store_quarantine_list(struct store *s, row_fn cb, void *arg, struct err *e)
{
	static const char q[] = "SELECT id, " ISO("received_at")
	    " AS received_at, source, folder,"
	    " CASE WHEN uid IS NULL THEN NULL"
	    "  ELSE uidvalidity || '/' || uid END AS uid,"
	    " size, CASE WHEN raw IS NULL THEN 'no' ELSE 'yes' END AS kept,"
	    " reason FROM messages WHERE status = 'quarantined'"
	    " ORDER BY id";
	const char *names[8], *vals[8];
	sqlite3_stmt *st;
	int r, i;

	if ((st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	for (i = 0; i < 8; i++)
		names[i] = sqlite3_column_name(st, i);
	/* The header first, for a table or CSV with no rows. */
	cb(arg, 8, names, names);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 8; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (cb(arg, 8, names, vals) != 0)
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(s, e, "list the quarantine");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}

enum rc
store_quarantine_ids(struct store *s, int all, int64_t **ids, size_t *n,
    struct err *e)
{
	static const char q[] = "SELECT id FROM messages"
	    " WHERE status = 'quarantined' AND raw IS NOT NULL"
	    " AND (?1 OR coalesce(reason, '') NOT LIKE ?2 || '%')"
	    " ORDER BY id";
	sqlite3_stmt *st;
	int r;

	*ids = NULL;
	*n = 0;
	if ((st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	sqlite3_bind_int(st, 1, all);
	bind_text(st, 2, QUARANTINE_STRUCK);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (r != SQLITE_DONE) {
		store_fail(s, e, "list the quarantine");
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? RC_OK : e->rc;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? xstrdup((const char *)v) : NULL;
}

enum rc
store_quarantine_get(struct store *s, int64_t id, struct quarantined *q,
    int *found, struct err *e)
{
	static const char sql[] = "SELECT source, folder,"
	    " coalesce(uidvalidity, 0), coalesce(uid, 0), received_at,"
	    " coalesce(arrived_at, received_at), size, reason, raw"
	    " FROM messages WHERE id = ?1 AND status = 'quarantined'";
	sqlite3_stmt *st;
	const void *raw;
	int r;

	memset(q, 0, sizeof(*q));
	*found = 0;
	if ((st = store_prepare(s, sql, e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		q->id = id;
		q->source = col_dup(st, 0);
		q->folder = col_dup(st, 1);
		q->uidvalidity = (uint32_t)sqlite3_column_int64(st, 2);
		q->uid = (uint32_t)sqlite3_column_int64(st, 3);
		q->received_at = sqlite3_column_int64(st, 4);
		q->arrived_at = sqlite3_column_int64(st, 5);
		q->size = (size_t)sqlite3_column_int64(st, 6);
		q->reason = col_dup(st, 7);
		if ((raw = sqlite3_column_blob(st, 8)) != NULL) {
			q->raw_len = (size_t)sqlite3_column_bytes(st, 8);
			q->raw = xmalloc(q->raw_len ? q->raw_len : 1);
			memcpy(q->raw, raw, q->raw_len);
		}
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(s, e, "read a quarantined message");
		sqlite3_finalize(st);
		quarantined_release(q);
		return e->rc;
	}
	sqlite3_finalize(st);
	if (q->source == NULL)
		q->source = xstrdup("");
	return RC_OK;
}

void
quarantined_release(struct quarantined *q)
{
	free(q->source);
	free(q->folder);
	free(q->reason);
	free(q->raw);
	memset(q, 0, sizeof(*q));
}

enum rc
store_quarantine_by_hash(struct store *s, const char *sha256, int64_t *id,
    time_t *arrived, struct err *e)
{
	static const char q[] = "SELECT id, coalesce(arrived_at, received_at)"
	    " FROM messages WHERE sha256 = ?1 AND status = 'quarantined'"
	    " AND raw IS NOT NULL";
	sqlite3_stmt *st;
	int r;

	*id = 0;
	*arrived = 0;
	if ((st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	bind_text(st, 1, sha256);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*arrived = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, e, "look up the quarantine");
	return RC_OK;
}

enum rc
store_message_requeue(struct store *s, int64_t id, const struct stored_msg *m,
    struct err *e)
{
	static const char q[] = "UPDATE messages SET status = ?2, format = ?3,"
	    " reason = ?4, kind = ?5, report_msgid = ?6,"
	    " raw = CASE WHEN ?2 = 'quarantined' THEN raw END"
	    " WHERE id = ?1 AND status = 'quarantined'";
	sqlite3_stmt *st;
	long changes = 0;
	enum rc rc;

	if ((st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, status_name(m->status));
	bind_text(st, 3, m->format);
	bind_text(st, 4, m->reason);
	bind_text(st, 5, m->kind);
	bind_text(st, 6, m->report_msgid);
	if ((rc = store_finish(s, st, "requeue a quarantined message",
	    &changes, e)) != RC_OK)
		return rc;
	if (changes != 1)
		return err_set(e, RC_FATAL, "store %s: message %lld is not "
		    "quarantined any more", store_path(s), (long long)id);
	return RC_OK;
}
