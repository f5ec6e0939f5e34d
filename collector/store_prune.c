/*
 * Retention: what is older than [store] keep leaves the store in small
 * transactions, and the space it held goes back to the file system.
 *
 * Each step names a table, how to pick the next batch of its old rows
 * (a read, into temp.prune_batch, outside the write lock: a WAL reader
 * holds up no writer) and the statements that delete that batch, its
 * dependants first, in one BEGIN IMMEDIATE transaction.  The write lock
 * is thus held only for deletes by key, PRUNE_BATCH rows at a time, and
 * a collect that wants it waits (its busy timeout) for one of them.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "log.h"
#include "store_impl.h"

/* What a step needs to be set to run. */
enum horizon { H_KEEP, H_DELIVERED, H_RAW, H_QUARANTINE };

/*
 * The parameters every statement may use: ?1 before (time), ?2 the
 * first day kept, ?3 the batch size, ?4 quarantine_before, ?5 delivered
 * rows' horizon, ?6 raw_before.
 */
struct horizons {
	time_t	 before;
	char	 day[11];
	long	 batch;
	time_t	 quarantine;
	time_t	 delivered;
	time_t	 raw;
};

#define MAX_STEP_SQL	6

struct step {
	const char	*table;		/* as prune reports it */
	enum horizon	 need;
	const char	*cols;		/* of temp.prune_batch */
	const char	*sel;		/* their values */
	const char	*from;		/* FROM ... WHERE: the old rows */
	/* In the write transaction; the last one deletes the batch's own
	 * rows, and its changes are what the step counts. */
	const char	*del[MAX_STEP_SQL];
	/* The old rows for a dry run, when the steps before it would
	 * change what `from` finds; NULL: from. */
	const char	*dry;
};

#define BATCH_IDS	"(SELECT id FROM temp.prune_batch)"
#define BATCH_AB	"(SELECT a, b FROM temp.prune_batch)"

enum { S_REPORTS, S_CASES, S_OUTBOX, S_EVENTS, S_RUNS, S_MESSAGES,
	S_STRIKES, S_ALERTS, S_DAYS, S_NOTICES, S_RAW, S_QUARANTINE,
	S_COUNT };

static const struct step steps[S_COUNT] = {
	[S_REPORTS] = { "reports", H_KEEP, "id", "id",
	    "FROM reports WHERE day < ?2", {
	    "UPDATE case_flips SET correction = NULL WHERE correction IN"
	    " (SELECT id FROM corrections WHERE report IN " BATCH_IDS ")",
	    "DELETE FROM corrections WHERE report IN " BATCH_IDS,
	    "DELETE FROM reports WHERE id IN " BATCH_IDS } },
	[S_CASES] = { "cases", H_KEEP, "a, b", "customer, day",
	    "FROM cases WHERE day < ?2", {
	    "DELETE FROM case_ips WHERE (customer, day) IN " BATCH_AB,
	    "DELETE FROM case_reporters WHERE (customer, day) IN " BATCH_AB,
	    "DELETE FROM case_flips WHERE (customer, day) IN " BATCH_AB,
	    "DELETE FROM case_tickets WHERE (customer, day) IN " BATCH_AB,
	    "DELETE FROM cases WHERE (customer, day) IN " BATCH_AB } },
	/* Delivered rows after OUTBOX_KEEP_DELIVERED; dead letters once
	 * older than keep (?1 is 0 when everything is kept). */
	[S_OUTBOX] = { "outbox", H_DELIVERED, "id", "id",
	    "FROM outbox WHERE (delivered_at IS NOT NULL"
	    " AND delivered_at < ?5) OR (dead AND created_at < ?1)", {
	    "DELETE FROM outbox WHERE id IN " BATCH_IDS } },
	/* An event's rows still waiting stay, unlinked. */
	[S_EVENTS] = { "events", H_KEEP, "id", "id",
	    "FROM events WHERE day < ?2", {
	    "DELETE FROM outbox WHERE event IN " BATCH_IDS
	    " AND (delivered_at IS NOT NULL OR dead)",
	    "UPDATE outbox SET event = NULL WHERE event IN " BATCH_IDS,
	    "DELETE FROM events WHERE id IN " BATCH_IDS } },
	/* The last run stays, for status. */
	[S_RUNS] = { "runs", H_KEEP, "id", "id",
	    "FROM runs WHERE started_at < ?1 AND finished_at IS NOT NULL"
	    " AND id < (SELECT max(id) FROM runs)", {
	    "DELETE FROM run_errors WHERE run IN " BATCH_IDS,
	    "DELETE FROM runs WHERE id IN " BATCH_IDS } },
	/* A message goes once it arrived before the horizon and no report
	 * is left on it; a report added since the batch was picked (a
	 * quarantined message parsed again) keeps it.  Its hash stays, and
	 * its Maildir file is forgotten (local_seen): read again, it is
	 * found known by the hash. */
	[S_MESSAGES] = { "messages", H_KEEP, "id", "m.id",
	    "FROM messages m WHERE coalesce(m.arrived_at, m.received_at) < ?1"
	    " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.message = m.id)",
	    {
	    "DELETE FROM temp.prune_batch WHERE EXISTS (SELECT 1 FROM"
	    " reports r WHERE r.message = temp.prune_batch.id)",
	    "INSERT OR IGNORE INTO message_gone (hash) SELECT"
	    " substr(sha256, 1, 32) FROM messages WHERE id IN " BATCH_IDS,
	    "DELETE FROM message_raw WHERE message IN " BATCH_IDS,
	    "DELETE FROM local_seen WHERE (source, name) IN (SELECT source,"
	    " ac_maildir_uid(file) FROM messages WHERE id IN " BATCH_IDS
	    " AND file IS NOT NULL)",
	    "DELETE FROM messages WHERE id IN " BATCH_IDS },
	    "FROM messages m WHERE coalesce(m.arrived_at, m.received_at) < ?1"
	    " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.message = m.id"
	    " AND r.day >= ?2)" },
	[S_STRIKES] = { "message_strikes", H_KEEP, "a, b, c",
	    "source, folder, position",
	    "FROM message_strikes WHERE last_at < ?1", {
	    "DELETE FROM message_strikes WHERE (source, folder, position) IN"
	    " (SELECT a, b, c FROM temp.prune_batch)" } },
	[S_ALERTS] = { "alerts", H_KEEP, "id", "id",
	    "FROM alerts WHERE at < ?1", {
	    "DELETE FROM alerts WHERE id IN " BATCH_IDS } },
	[S_DAYS] = { "report_days", H_KEEP, "a", "day",
	    "FROM report_days WHERE day < ?2", {
	    "DELETE FROM report_days WHERE day IN"
	    " (SELECT a FROM temp.prune_batch)" } },
	/* A notice goes with its day, once it was also queued before the
	 * horizon: until then it still holds back the customer's next one
	 * ([notify] min_interval, never longer than keep). */
	[S_NOTICES] = { "notices", H_KEEP, "a", "key",
	    "FROM notices WHERE day < ?2 AND queued_at < ?1", {
	    "DELETE FROM notices WHERE key IN"
	    " (SELECT a FROM temp.prune_batch)" } },
	/* [store] keep_raw: the status list lets the messages_status
	 * index serve the time range. */
	[S_RAW] = { "raw bytes", H_RAW, "id", "k.message",
	    "FROM messages m JOIN message_raw k ON k.message = m.id"
	    " WHERE m.status IN ('parsed', 'quarantined', 'ignored')"
	    " AND m.received_at < ?6", {
	    "DELETE FROM message_raw WHERE message IN " BATCH_IDS } },
	[S_QUARANTINE] = { "quarantined bytes", H_QUARANTINE, "id", "id",
	    "FROM messages WHERE status = 'quarantined'"
	    " AND received_at < ?4 AND raw IS NOT NULL", {
	    "UPDATE messages SET raw = NULL WHERE id IN " BATCH_IDS } },
};

/* Leave the write lock to whoever waits for it. */
static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void
bind_horizons(sqlite3_stmt *st, const struct horizons *h)
{
	int i, n = sqlite3_bind_parameter_count(st);

	for (i = 1; i <= n; i++)
		switch (i) {
		case 1: sqlite3_bind_int64(st, i, h->before); break;
		case 2: sqlite3_bind_text(st, i, h->day, -1, SQLITE_STATIC);
			break;
		case 3: sqlite3_bind_int64(st, i, h->batch); break;
		case 4: sqlite3_bind_int64(st, i, h->quarantine); break;
		case 5: sqlite3_bind_int64(st, i, h->delivered); break;
		case 6: sqlite3_bind_int64(st, i, h->raw); break;
		}
}

/* Run q with the horizons bound; *changes gets the rows it changed or,
 * for a query, the first column of its row. */
static enum rc
run_sql(struct store *s, const char *q, const struct horizons *h,
    long *changes, struct err *e)
{
	sqlite3 *db = store_handle(s);
	sqlite3_stmt *st;
	enum rc rc = RC_OK;
	int r;

	if ((st = store_prepare(s, q, e)) == NULL)
		return e->rc;
	bind_horizons(st, h);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW && changes != NULL)
		*changes = (long)sqlite3_column_int64(st, 0);
	else if (r == SQLITE_DONE && changes != NULL)
		*changes = (long)sqlite3_changes(db);
	else if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = store_fail(s, e, "prune");
	sqlite3_finalize(st);
	return rc;
}

static enum rc
exec_plain(struct store *s, const char *q, struct err *e)
{
	if (sqlite3_exec(store_handle(s), q, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "prune");
	return RC_OK;
}

/*
 * One step to its end: *rows deleted in *batches transactions, the
 * largest of *largest rows.  A dry run counts what would go.
 */
static enum rc
run_step(struct store *s, const struct step *t, const struct horizons *hz,
    int dry_run, long *rows, long *batches, long *largest, struct err *e)
{
	struct horizons hh = *hz, *h = &hh;
	char *fill = NULL, *q = NULL;
	long picked, n;
	long long ms;
	enum rc rc = RC_OK;
	size_t i;

	*rows = *batches = *largest = 0;
	if (h->batch > PRUNE_FIRST_BATCH)
		h->batch = PRUNE_FIRST_BATCH;
	if (dry_run) {
		q = xasprintf("SELECT count(*) %s", t->dry ? t->dry : t->from);
		rc = run_sql(s, q, h, rows, e);
		goto out;
	}
	fill = xasprintf("INSERT INTO temp.prune_batch (%s) SELECT %s %s"
	    " LIMIT ?3", t->cols, t->sel, t->from);
	for (;;) {
		if ((rc = exec_plain(s, "DELETE FROM temp.prune_batch", e)) !=
		    RC_OK || (rc = run_sql(s, fill, h, &picked, e)) != RC_OK)
			goto out;
		if (picked == 0)
			break;
		ms = mono_ms();
		if ((rc = store_begin(s, e)) != RC_OK)
			goto out;
		n = 0;
		for (i = 0; i < MAX_STEP_SQL && t->del[i] != NULL; i++)
			if ((rc = run_sql(s, t->del[i], h, &n, e)) != RC_OK) {
				store_rollback(s);
				goto out;
			}
		if ((rc = store_commit(s, e)) != RC_OK) {
			store_rollback(s);
			goto out;
		}
		ms = mono_ms() - ms;
		log_debug("prune: %s: %ld rows in one transaction (%lld ms)",
		    t->table, n, ms);
		*rows += n;
		(*batches)++;
		if (n > *largest)
			*largest = n;
		/* Fewer than asked for: that was the last of them.  None
		 * deleted of those picked: they are not old any more. */
		if (picked < h->batch || n == 0)
			break;
		if (ms > PRUNE_TXN_MS && h->batch / 2 >= PRUNE_MIN_BATCH)
			h->batch /= 2;
		else if (ms < PRUNE_TXN_MS / 4 && h->batch * 2 <= hz->batch)
			h->batch *= 2;
		pause_ms(PRUNE_PAUSE_MS);
	}
out:
	free(fill);
	free(q);
	return rc;
}

/* ac_maildir_uid(path): a Maildir file's unique name, as local_seen
 * keeps it (libetpan's: the name up to the ':' of its flags). */
static void
maildir_uid(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *p = (const char *)sqlite3_value_text(argv[0]), *b, *c;

	(void)argc;
	if (p == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	b = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
	c = strchr(b, ':');
	sqlite3_result_text(cx, b, c ? (int)(c - b) : -1, SQLITE_TRANSIENT);
}

static enum rc
batch_table(struct store *s, struct err *e)
{
	if (sqlite3_create_function(store_handle(s), "ac_maildir_uid", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, maildir_uid, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, e, "prune");
	return exec_plain(s, "CREATE TEMP TABLE IF NOT EXISTS prune_batch"
	    " (id INTEGER, a TEXT, b TEXT, c TEXT)", e);
}

static long
pragma_long(struct store *s, const char *q)
{
	sqlite3_stmt *st;
	long v = -1;

	if (sqlite3_prepare_v2(store_handle(s), q, -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Give the free pages back, PRUNE_VACUUM_PAGES per transaction, and
 * checkpoint, so that the file itself shrinks.  A store still without
 * incremental vacuum (its switch failed at open) keeps its free pages
 * for new rows.
 */
static enum rc
vacuum(struct store *s, long *pages, struct err *e)
{
	char q[64];
	long before, left, last;
	long long ms;
	enum rc rc;

	*pages = 0;
	if (pragma_long(s, "PRAGMA auto_vacuum") != 2)
		return RC_OK;
	before = left = pragma_long(s, "PRAGMA freelist_count");
	snprintf(q, sizeof(q), "PRAGMA incremental_vacuum(%d)",
	    PRUNE_VACUUM_PAGES);
	while (left > 0) {
		last = left;
		ms = mono_ms();
		if ((rc = exec_plain(s, q, e)) != RC_OK)
			return rc;
		log_debug("prune: vacuum: %d pages in one transaction (%lld ms)",
		    PRUNE_VACUUM_PAGES, mono_ms() - ms);
		if ((left = pragma_long(s, "PRAGMA freelist_count")) >= last)
			break;
		pause_ms(PRUNE_PAUSE_MS);
	}
	*pages = before - (left > 0 ? left : 0);
	/* A reader still on an older snapshot only delays the shrinking
	 * to a later checkpoint. */
	ms = mono_ms();
	(void)sqlite3_exec(store_handle(s), "PRAGMA wal_checkpoint(TRUNCATE)",
	    NULL, NULL, NULL);
	log_debug("prune: checkpoint (%lld ms)", mono_ms() - ms);
	return RC_OK;
}

static enum rc
record(struct store *s, const struct prune_plan *p,
    const struct prune_result *r, struct err *e)
{
	struct buf b;
	sqlite3_stmt *st;
	size_t i;
	enum rc rc;

	buf_init(&b, 4096);
	for (i = 0; i < r->n; i++)
		if (r->t[i].rows > 0)
			buf_addf(&b, "%s%s %ld", b.len ? ", " : "",
			    r->t[i].table, r->t[i].rows);
	if (b.len == 0)
		buf_addf(&b, "nothing");
	if ((st = store_prepare(s, "UPDATE retention SET pruned_at = ?1,"
	    " horizon = nullif(?2, ''), removed = ?3", e)) == NULL) {
		buf_release(&b);
		return e->rc;
	}
	sqlite3_bind_int64(st, 1, p->now);
	bind_text(st, 2, p->day);
	bind_text(st, 3, b.data);
	rc = store_finish(s, st, "record prune", NULL, e);
	buf_release(&b);
	return rc;
}

static enum rc
run_steps(struct store *s, const int *which, size_t nwhich,
    const struct horizons *h, int dry_run, struct prune_result *r,
    struct err *e)
{
	const struct step *t;
	long rows, batches, largest;
	size_t i;
	enum rc rc;

	if (!dry_run && (rc = batch_table(s, e)) != RC_OK)
		return rc;
	for (i = 0; i < nwhich && r->n < PRUNE_TABLES; i++) {
		t = &steps[which[i]];
		if ((rc = run_step(s, t, h, dry_run, &rows, &batches,
		    &largest, e)) != RC_OK)
			return rc;
		r->t[r->n].table = t->table;
		r->t[r->n].rows = rows;
		r->t[r->n].batches = batches;
		r->t[r->n].largest = largest;
		r->n++;
	}
	return RC_OK;
}

enum rc
store_prune(struct store *s, const struct prune_plan *p,
    struct prune_result *r, struct err *e)
{
	static const int order[] = { S_REPORTS, S_CASES, S_OUTBOX, S_EVENTS,
	    S_RUNS, S_MESSAGES, S_STRIKES, S_ALERTS, S_DAYS, S_NOTICES,
	    S_RAW, S_QUARANTINE };
	int which[S_COUNT];
	struct horizons h;
	size_t i, n = 0;
	enum rc rc;

	memset(r, 0, sizeof(*r));
	memset(&h, 0, sizeof(h));
	h.before = p->before;
	snprintf(h.day, sizeof(h.day), "%s", p->before > 0 ? p->day : "");
	h.batch = p->batch > 0 && p->batch <= PRUNE_BATCH ? (long)p->batch :
	    PRUNE_BATCH;
	h.quarantine = p->quarantine_before;
	h.delivered = p->now - OUTBOX_KEEP_DELIVERED;
	h.raw = p->raw_before;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		switch (steps[order[i]].need) {
		case H_KEEP:
			if (h.before <= 0)
				continue;
			break;
		case H_QUARANTINE:
			if (h.quarantine <= 0)
				continue;
			break;
		case H_RAW:
		case H_DELIVERED:
			break;
		}
		which[n++] = order[i];
	}
	if ((rc = run_steps(s, which, n, &h, p->dry_run, r, e)) != RC_OK)
		return rc;
	if (p->dry_run)
		return RC_OK;
	if ((rc = vacuum(s, &r->pages, e)) != RC_OK)
		return rc;
	return record(s, p, r, e);
}

enum rc
store_raw_prune(struct store *s, time_t before, time_t quarantine_before,
    long *n, struct err *e)
{
	static const int raw[] = { S_RAW, S_QUARANTINE };
	struct prune_result r;
	struct horizons h;
	size_t i;
	enum rc rc;

	*n = 0;
	memset(&r, 0, sizeof(r));
	memset(&h, 0, sizeof(h));
	h.batch = PRUNE_BATCH;
	h.raw = before;
	h.quarantine = quarantine_before;
	if ((rc = run_steps(s, raw, quarantine_before > 0 ? 2 : 1, &h, 0, &r,
	    e)) != RC_OK)
		return rc;
	for (i = 0; i < r.n; i++)
		*n += r.t[i].rows;
	return RC_OK;
}

enum rc
store_outbox_prune(struct store *s, time_t before, long *n, struct err *e)
{
	static const int outbox[] = { S_OUTBOX };
	struct prune_result r;
	struct horizons h;
	enum rc rc;

	*n = 0;
	memset(&r, 0, sizeof(r));
	memset(&h, 0, sizeof(h));
	h.batch = PRUNE_BATCH;
	h.delivered = before;
	if ((rc = run_steps(s, outbox, 1, &h, 0, &r, e)) == RC_OK)
		*n = r.t[0].rows;
	return rc;
}

enum rc
store_prune_last(struct store *s, time_t *at, char horizon[11],
    char **removed, struct err *e)
{
	sqlite3_stmt *st;
	const unsigned char *v;
	int r;

	*at = 0;
	horizon[0] = '\0';
	*removed = NULL;
	if ((st = store_prepare(s, "SELECT pruned_at, horizon, removed"
	    " FROM retention WHERE pruned_at IS NOT NULL", e)) == NULL)
		return e->rc;
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*at = (time_t)sqlite3_column_int64(st, 0);
		store_col(st, 1, horizon, 11);
		if ((v = sqlite3_column_text(st, 2)) != NULL)
			*removed = xstrdup((const char *)v);
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK :
	    store_fail(s, e, "read the last prune");
}
