/*
 * The store's side of monitoring: the counts the metrics file and
 * status --json give, read from one snapshot.
 */
#include "autoconf.h"

#include <string.h>

#include "store_impl.h"

/* Columns of the widest group below. */
#define FACT_COLS	5

static const char *const fact_sql[FACT_COUNT] = {
	[FACT_RUN] =
	    "SELECT command, started_at, finished_at - started_at, status,"
	    " (SELECT count(*) FROM runs WHERE finished_at IS NULL"
	    "  AND error IS NOT NULL)"
	    " FROM runs WHERE finished_at IS NOT NULL"
	    " ORDER BY id DESC LIMIT 1",
	/* The index messages_source serves both. */
	[FACT_MESSAGES] =
	    "SELECT source, count(*) FILTER (WHERE status = 'parsed'),"
	    " count(*) FILTER (WHERE status = 'quarantined'),"
	    " count(*) FILTER (WHERE status = 'ignored')"
	    " FROM messages GROUP BY source ORDER BY source",
	[FACT_REPORTS] =
	    "SELECT format, count(*) FILTER (WHERE role = 'internal'),"
	    " count(*) FILTER (WHERE role = 'external')"
	    " FROM reports GROUP BY format ORDER BY format",
	/* As the summary counts them: customers the resolver found. */
	[FACT_CASES] =
	    "SELECT count(*) FILTER (WHERE confidence = 'confirmed'),"
	    " count(*) FILTER (WHERE confidence = 'internal'),"
	    " count(*) FILTER (WHERE confidence = 'external')"
	    " FROM cases WHERE day = ?1 AND customer <> '(unresolved)'",
	[FACT_OUTBOX] =
	    "SELECT target,"
	    " count(*) FILTER (WHERE delivered_at IS NULL AND dead = 0),"
	    " count(*) FILTER (WHERE dead = 1)"
	    " FROM outbox GROUP BY target ORDER BY target",
	[FACT_QUARANTINE] =
	    "SELECT count(*), coalesce(sum(size), 0) FROM messages"
	    " WHERE status = 'quarantined'",
	/* A message committed again as a duplicate still shows that the
	 * source delivers: source_seen has both. */
	[FACT_SOURCES] =
	    "SELECT k.source, coalesce(h.failures, 0),"
	    " (SELECT max(last_at) FROM source_seen s"
	    "  WHERE s.source = k.source),"
	    " h.alerted_failing_at, h.alerted_silent_at"
	    " FROM (SELECT source FROM source_health"
	    "  UNION SELECT source FROM source_seen) k"
	    " LEFT JOIN source_health h ON h.source = k.source"
	    " ORDER BY k.source",
};

static enum rc
one_fact(struct store *s, enum fact which, const char *day, fact_fn cb,
    void *arg, struct err *e)
{
	const char *vals[FACT_COLS];
	sqlite3_stmt *st;
	int r, n, i;

	if ((st = store_prepare(s, fact_sql[which], e)) == NULL)
		return e->rc;
	if (sqlite3_bind_parameter_count(st) >= 1)
		bind_text(st, 1, day);
	n = sqlite3_column_count(st);
	if (n > FACT_COLS)
		n = FACT_COLS;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (cb(arg, which, n, vals) != 0)
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(s, e, "read the counts for monitoring");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}

enum rc
store_facts(struct store *s, const char *day, fact_fn cb, void *arg,
    struct err *e)
{
	sqlite3 *db = store_handle(s);
	int i;
	enum rc rc = RC_OK;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "begin reading the counts");
	for (i = 0; i < FACT_COUNT && rc == RC_OK; i++)
		rc = one_fact(s, (enum fact)i, day, cb, arg, e);
	(void)sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
