/*
 * A copy of the store taken while runs go on: SQLite's online backup,
 * from one snapshot, then checked.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "files.h"
#include "store_impl.h"

/* The copy's own error, naming it; a full disk is temporary. */
static enum rc
dest_fail(sqlite3 *d, const char *dest, const char *what, int code,
    struct err *e)
{
	char advice[256];

	if (code == SQLITE_FULL || (code == SQLITE_IOERR && d != NULL &&
	    errno_full(sqlite3_system_errno(d)))) {
		fs_full_advice(dest, advice, sizeof(advice));
		return err_set(e, RC_TEMP, "backup %s: %s: %s; %s", dest, what,
		    sqlite3_errstr(code), advice);
	}
	return err_set(e, code == SQLITE_BUSY || code == SQLITE_LOCKED ?
	    RC_TEMP : RC_FATAL, "backup %s: %s: %s", dest, what,
	    d != NULL && sqlite3_errcode(d) == code ? sqlite3_errmsg(d) :
	    sqlite3_errstr(code));
}

/* PRAGMA integrity_check on the copy: RC_OK when it answers "ok". */
static enum rc
check_copy(sqlite3 *d, const char *dest, struct err *e)
{
	sqlite3_stmt *st;
	const char *v;
	int r;
	enum rc rc;

	if ((r = sqlite3_prepare_v2(d, "PRAGMA integrity_check(1)", -1, &st,
	    NULL)) != SQLITE_OK)
		return dest_fail(d, dest, "check", r, e);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		rc = dest_fail(d, dest, "check", r, e);
	} else {
		v = (const char *)sqlite3_column_text(st, 0);
		if (v != NULL && strcmp(v, "ok") == 0)
			rc = RC_OK;
		else
			rc = err_set(e, RC_REJECT, "backup %s: the copy fails "
			    "its integrity check: %s", dest, v ? v : "?");
	}
	sqlite3_finalize(st);
	return rc;
}

enum rc
store_backup(struct store *s, const char *path, const char *dest,
    long *pages, struct err *e)
{
	sqlite3 *src = store_handle(s), *d = NULL;
	sqlite3_backup *b = NULL;
	int r, last, busy_ms = 0, snapshot = 0;
	enum rc rc;

	*pages = 0;
	if ((r = sqlite3_open_v2(path, &d, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL)) != SQLITE_OK) {
		rc = dest_fail(d, dest, "open", r, e);
		goto out;
	}
	/*
	 * One read transaction on the store for the whole copy: the steps
	 * all read its snapshot, so commits of a run going on meanwhile
	 * (WAL: they are not blocked) never make the copy start over, and
	 * the copy is the store as it was at one commit.
	 */
	if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(src, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
	    NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "begin the backup");
		goto out;
	}
	snapshot = 1;
	if ((b = sqlite3_backup_init(d, "main", src, "main")) == NULL) {
		rc = dest_fail(d, dest, "start", sqlite3_errcode(d), e);
		goto out;
	}
	for (;;) {
		last = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		if (last == SQLITE_DONE)
			break;
		if (last == SQLITE_BUSY || last == SQLITE_LOCKED) {
			if ((busy_ms += 50) > BACKUP_BUSY_MS)
				break;
			sqlite3_sleep(50);
			continue;
		}
		if (last != SQLITE_OK)
			break;
		busy_ms = 0;
		sqlite3_sleep(BACKUP_PAUSE_MS);
	}
	*pages = sqlite3_backup_pagecount(b);
	/* finish reports an I/O or memory error of a step, not a busy
	 * store: a copy left unfinished is a failure either way. */
	r = sqlite3_backup_finish(b);
	b = NULL;
	if (r != SQLITE_OK || last != SQLITE_DONE) {
		rc = dest_fail(d, dest, "copy", r != SQLITE_OK ? r : last, e);
		goto out;
	}
	rc = check_copy(d, dest, e);
out:
	if (b != NULL)
		(void)sqlite3_backup_finish(b);
	if (snapshot)
		(void)sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	if (d != NULL && sqlite3_close(d) != SQLITE_OK && rc == RC_OK)
		rc = dest_fail(NULL, dest, "close", SQLITE_IOERR, e);
	return rc;
}
