/*
 * Strikes against messages that a run died on (store.h).  Rare: a
 * statement is prepared per call.
 */
#include "autoconf.h"

#include <stdio.h>

#include "store.h"
#include "store_impl.h"

static enum rc
run(struct store *s, const char *sql, const char *const *text, int ntext,
    time_t now, const char *what, struct err *e)
{
	sqlite3_stmt *st;
	int i, r;

	if (sqlite3_prepare_v2(store_handle(s), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, e, what);
	for (i = 0; i < ntext; i++)
		bind_text(st, i + 1, text[i]);
	if (now != 0)
		sqlite3_bind_int64(st, ntext + 1, now);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? RC_OK : store_fail(s, e, what);
}

enum rc
store_strike_add(struct store *s, const char *source, const char *folder,
    const char *position, const char *phase, time_t now, struct err *e)
{
	const char *v[4] = { source, folder, position, phase };

	return run(s, "INSERT INTO message_strikes (source, folder, position,"
	    " strikes, phase, last_at) VALUES (?1, ?2, ?3, 1, ?4, ?5)"
	    " ON CONFLICT (source, folder, position) DO UPDATE SET"
	    " strikes = strikes + 1, phase = excluded.phase,"
	    " last_at = excluded.last_at", v, 4, now, "record strike", e);
}

enum rc
store_strike_clear(struct store *s, const char *source, const char *folder,
    const char *position, struct err *e)
{
	const char *v[3] = { source, folder, position };

	return run(s, "DELETE FROM message_strikes WHERE source = ?1"
	    " AND folder = ?2 AND position = ?3", v, 3, 0, "clear strike", e);
}

enum rc
store_strike_list(struct store *s, row_fn cb, void *arg, struct err *e)
{
	static const char *const names[] = { "source", "folder", "position",
	    "strikes", "phase", "last_at" };
	const char *vals[6];
	sqlite3_stmt *st;
	int i, r;

	if (sqlite3_prepare_v2(store_handle(s), "SELECT source, folder,"
	    " position, strikes, phase, last_at FROM message_strikes"
	    " ORDER BY source, folder, position", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "read strikes");
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 6; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (cb(arg, 6, names, vals) != 0)
			break;
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK :
	    store_fail(s, e, "read strikes");
}
