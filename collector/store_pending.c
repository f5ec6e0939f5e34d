/*
 * The server actions that committed messages are still owed (after =
 * seen or move), one imap_pending row per UID.  Rows are added inside
 * the batch's transaction; everything else here is a small transaction
 * of its own, run between batches.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_impl.h"

static enum rc
prepare(struct store *s, const char *q, sqlite3_stmt **st, struct err *e)
{
	if ((*st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	return RC_OK;
}

static void
bind_folder(sqlite3_stmt *st, const char *source, const char *folder)
{
	bind_text(st, 1, source);
	bind_text(st, 2, folder);
}

/* Step st once; no row is expected. */
static enum rc
run(struct store *s, sqlite3_stmt *st, const char *what, struct err *e)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return store_fail(s, e, what);
	return RC_OK;
}

/* Step st once in a transaction of its own and finalize it; *n (when
 * not NULL) gets the number of rows changed. */
static enum rc
run_alone(struct store *s, sqlite3_stmt *st, long *n, const char *what,
    struct err *e)
{
	enum rc rc;

	if ((rc = store_begin(s, e)) == RC_OK) {
		if ((rc = run(s, st, what, e)) == RC_OK && n != NULL)
			*n = sqlite3_changes(store_handle(s));
		if (rc == RC_OK)
			rc = store_commit(s, e);
		if (rc != RC_OK)
			store_rollback(s);
	}
	sqlite3_finalize(st);
	return rc;
}

/* q (with ?1 source, ?2 folder, ?3 uidvalidity, ?4 uid) for each UID. */
static enum rc
each_uid(struct store *s, const char *q, const char *source,
    const char *folder, uint32_t uidvalidity, const uint32_t *uids,
    size_t n, const char *what, struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;
	size_t i;

	if ((rc = prepare(s, q, &st, e)) != RC_OK)
		return rc;
	bind_folder(st, source, folder);
	sqlite3_bind_int64(st, 3, uidvalidity);
	for (i = 0; i < n && rc == RC_OK; i++) {
		sqlite3_bind_int64(st, 4, uids[i]);
		rc = run(s, st, what, e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* q for the whole folder, in a transaction of its own; *n (when not
 * NULL) gets the number of rows changed. */
static enum rc
folder_write(struct store *s, const char *q, const char *source,
    const char *folder, const char *text, long *n, const char *what,
    struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;

	if ((rc = prepare(s, q, &st, e)) != RC_OK)
		return rc;
	bind_folder(st, source, folder);
	if (sqlite3_bind_parameter_count(st) >= 3)
		bind_text(st, 3, text);
	return run_alone(s, st, n, what, e);
}

enum rc
store_pending_add(struct store *s, const char *source, const char *folder,
    uint32_t uidvalidity, const char *action, const char *target,
    const uint32_t *uids, size_t n, struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;
	size_t i;

	if ((rc = prepare(s, "INSERT INTO imap_pending (source, folder,"
	    " uidvalidity, uid, action, target, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
	    &st, e)) != RC_OK)
		return rc;
	bind_folder(st, source, folder);
	sqlite3_bind_int64(st, 3, uidvalidity);
	bind_text(st, 5, action);
	bind_text(st, 6, target);
	sqlite3_bind_int64(st, 7, time(NULL));
	for (i = 0; i < n && rc == RC_OK; i++) {
		sqlite3_bind_int64(st, 4, uids[i]);
		rc = run(s, st, "record the after action", e);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Rows of uids, changed by q, in a transaction of their own. */
static enum rc
uids_write(struct store *s, const char *q, const char *source,
    const char *folder, uint32_t uidvalidity, const uint32_t *uids,
    size_t n, const char *what, struct err *e)
{
	enum rc rc;

	if (n == 0)
		return RC_OK;
	if ((rc = store_begin(s, e)) != RC_OK)
		return rc;
	if ((rc = each_uid(s, q, source, folder, uidvalidity, uids, n, what,
	    e)) == RC_OK)
		rc = store_commit(s, e);
	if (rc != RC_OK)
		store_rollback(s);
	return rc;
}

enum rc
store_pending_copied(struct store *s, const char *source, const char *folder,
    uint32_t uidvalidity, const uint32_t *uids, size_t n, int copied,
    struct err *e)
{
	static const char *const q[] = {
		[PENDING_NOT_COPIED] = "UPDATE imap_pending SET copied = 0"
		    " WHERE source = ?1 AND folder = ?2 AND uidvalidity = ?3"
		    " AND uid = ?4",
		[PENDING_COPIED] = "UPDATE imap_pending SET copied = 1"
		    " WHERE source = ?1 AND folder = ?2 AND uidvalidity = ?3"
		    " AND uid = ?4",
		[PENDING_COPY_SENT] = "UPDATE imap_pending SET copied = 2"
		    " WHERE source = ?1 AND folder = ?2 AND uidvalidity = ?3"
		    " AND uid = ?4",
	};

	if (copied < PENDING_NOT_COPIED || copied > PENDING_COPY_SENT)
		return err_set(e, RC_FATAL, "store %s: no copy state %d",
		    store_path(s), copied);
	return uids_write(s, q[copied], source, folder, uidvalidity, uids, n,
	    "record how far the copy went", e);
}

enum rc
store_pending_done(struct store *s, const char *source, const char *folder,
    uint32_t uidvalidity, const uint32_t *uids, size_t n, struct err *e)
{
	return uids_write(s, "DELETE FROM imap_pending"
	    " WHERE source = ?1 AND folder = ?2 AND uidvalidity = ?3"
	    " AND uid = ?4", source, folder, uidvalidity, uids, n,
	    "forget the done after action", e);
}

enum rc
store_pending_next(struct store *s, const char *source, const char *folder,
    uint32_t uidvalidity, uint32_t after_uid, size_t max, uint32_t *uids,
    int *copied, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;
	int r;

	*n = 0;
	if ((rc = prepare(s, "SELECT uid, copied FROM imap_pending"
	    " WHERE source = ?1 AND folder = ?2 AND uidvalidity = ?3"
	    " AND uid > ?4 ORDER BY uid LIMIT ?5", &st, e)) != RC_OK)
		return rc;
	bind_folder(st, source, folder);
	sqlite3_bind_int64(st, 3, uidvalidity);
	sqlite3_bind_int64(st, 4, after_uid);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		uids[*n] = (uint32_t)sqlite3_column_int64(st, 0);
		copied[*n] = sqlite3_column_int(st, 1);
		(*n)++;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = store_fail(s, e, "read the pending after actions");
	sqlite3_finalize(st);
	return rc;
}

enum rc
store_pending_count(struct store *s, const char *source, const char *folder,
    long *n, struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;
	int r;

	*n = 0;
	if ((rc = prepare(s, "SELECT count(*) FROM imap_pending"
	    " WHERE source = ?1 AND folder = ?2", &st, e)) != RC_OK)
		return rc;
	bind_folder(st, source, folder);
	if ((r = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = store_fail(s, e, "count the pending after actions");
	sqlite3_finalize(st);
	return rc;
}

enum rc
store_pending_drop_stale(struct store *s, const char *source,
    const char *folder, uint32_t uidvalidity, uint32_t *old, long *n,
    struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;
	int r;

	*old = 0;
	*n = 0;
	if ((rc = prepare(s, "SELECT max(uidvalidity), count(*)"
	    " FROM imap_pending WHERE source = ?1 AND folder = ?2"
	    " AND uidvalidity <> ?3", &st, e)) != RC_OK)
		return rc;
	bind_folder(st, source, folder);
	sqlite3_bind_int64(st, 3, uidvalidity);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*old = (uint32_t)sqlite3_column_int64(st, 0);
		*n = sqlite3_column_int64(st, 1);
	} else {
		rc = store_fail(s, e, "read the pending after actions");
	}
	sqlite3_finalize(st);
	if (rc != RC_OK || *n == 0)
		return rc;
	if ((rc = prepare(s, "DELETE FROM imap_pending WHERE source = ?1"
	    " AND folder = ?2 AND uidvalidity <> ?3", &st, e)) != RC_OK)
		return rc;
	bind_folder(st, source, folder);
	sqlite3_bind_int64(st, 3, uidvalidity);
	return run_alone(s, st, NULL, "drop the pending after actions", e);
}

enum rc
store_pending_drop(struct store *s, const char *source, const char *folder,
    long *n, struct err *e)
{
	*n = 0;
	return folder_write(s, "DELETE FROM imap_pending WHERE source = ?1"
	    " AND folder = ?2", source, folder, NULL, n,
	    "drop the pending after actions", e);
}

enum rc
store_pending_refused(struct store *s, const char *source,
    const char *folder, const char *error, struct err *e)
{
	return folder_write(s, "UPDATE imap_pending SET"
	    " refusals = refusals + 1, last_error = ?3"
	    " WHERE source = ?1 AND folder = ?2", source, folder, error, NULL,
	    "record the refusal", e);
}
