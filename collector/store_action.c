/*
 * The store's side of local actions: the SMTP AUTH users of a case, for
 * the event's body, and the order of a customer's actions.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "store_impl.h"

enum rc
store_case_users(struct store *s, const char *customer, const char *day,
    int counted_only, char **json, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	*json = NULL;
	if ((st = store_prepare(s, "SELECT json_group_array(u) FROM"
	    " (SELECT DISTINCT auth_user AS u FROM reports"
	    "  WHERE customer = ?1 AND day = ?2 AND auth_user IS NOT NULL"
	    "  AND auth_user <> '' AND (NOT ?3 OR state = 'counted')"
	    "  ORDER BY u LIMIT ?4)", e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	sqlite3_bind_int(st, 3, counted_only != 0);
	sqlite3_bind_int(st, 4, MAX_CASE_USERS);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		store_fail(s, e, "read the case's users");
		sqlite3_finalize(st);
		return e->rc;
	}
	if (sqlite3_column_text(st, 0) != NULL)
		*json = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (*json == NULL)
		*json = xstrdup("[]");
	return RC_OK;
}

enum rc
store_outbox_held(struct store *s, int64_t id, const char *target,
    int *held, struct err *e)
{
	sqlite3_stmt *st;
	int r;

	*held = 0;
	/* The terms of the index outbox_action_order's WHERE, as it has
	 * them, let SQLite use it. */
	if ((st = store_prepare(s, "SELECT 1 FROM outbox o, outbox me"
	    " WHERE me.id = ?1 AND o.target = ?2"
	    " AND substr(o.target, 1, 7) = 'action:'"
	    " AND o.delivered_at IS NULL AND o.dead = 0"
	    " AND json_extract(o.payload, '$.case.customer') ="
	    "  json_extract(me.payload, '$.case.customer')"
	    " AND o.id < me.id LIMIT 1", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, target);
	if ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(s, e, "look for earlier rows");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	*held = r == SQLITE_ROW;
	return RC_OK;
}
