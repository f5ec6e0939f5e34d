/*
 * Evidence: the raw bytes of every stored message, kept for [store]
 * keep_raw in message_raw (packed by rawz.c), and a report as `show`
 * prints it, with its message and its case.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "rawz.h"
#include "store_impl.h"

enum rc
store_raw_put(struct store *s, int64_t message, const char *codec,
    const char *data, size_t len, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "INSERT OR REPLACE INTO message_raw"
	    " (message, codec, data) VALUES (?1, ?2, ?3)", e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, message);
	bind_text(st, 2, codec);
	sqlite3_bind_blob64(st, 3, data, len, SQLITE_STATIC);
	return store_finish(s, st, "keep message", NULL, e);
}

enum rc
store_report_raw(struct store *s, int64_t id, char **raw, size_t *len,
    int *found, struct err *e)
{
	sqlite3_stmt *st;
	const char *codec;
	size_t size, n;
	enum rc rc = RC_OK;
	int r;

	*raw = NULL;
	*len = 0;
	*found = 0;
	if ((st = store_prepare(s, "SELECT m.size, m.raw, k.codec, k.data"
	    " FROM reports r JOIN messages m ON m.id = r.message"
	    " LEFT JOIN message_raw k ON k.message = m.id WHERE r.id = ?1",
	    e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		size = (size_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) == SQLITE_BLOB) {
			/* Quarantined once, its bytes as they were. */
			n = (size_t)sqlite3_column_bytes(st, 1);
			*raw = xmalloc(n ? n : 1);
			memcpy(*raw, sqlite3_column_blob(st, 1), n);
			*len = n;
		} else if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			codec = (const char *)sqlite3_column_text(st, 2);
			n = (size_t)sqlite3_column_bytes(st, 3);
			struct err ue;

			if ((rc = raw_unpack(codec, sqlite3_column_blob(st, 3),
			    n, size, raw, &ue)) == RC_OK)
				*len = size;
			else
				err_set(e, rc, "report %lld: %s", (long long)id,
				    ue.msg);
		}
	} else if (r != SQLITE_DONE) {
		rc = store_fail(s, e, "read kept message");
	}
	sqlite3_finalize(st);
	return rc;
}

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"

static const char show_sql[] =
    "SELECT r.id, r.day, " ISO("r.occurred_at") " AS occurred_at,"
    " r.format, r.role, r.feedback_type, r.category, r.reporter,"
    " r.source_ip, r.origin_ip, r.auth_user, r.identity_header,"
    " r.smtp_auth, r.mail_from,"
    " (SELECT group_concat(value, ' ') FROM json_each(r.rcpt_to))"
    " AS rcpt_to, r.subject, r.message_id, r.envelope_id,"
    " r.outgoing_class, r.customer, r.resolved_by, r.resolve_note,"
    " CASE r.review WHEN 0 THEN 'no' ELSE 'yes' END AS review,"
    " r.state, r.evidence,"
    " x.action AS corrected, x.who AS corrected_by,"
    " " ISO("x.at") " AS corrected_at, x.reason AS correction_reason,"
    " m.id AS message, m.source, m.folder, m.uidvalidity, m.uid, m.file,"
    " m.sha256, m.size, " ISO("m.received_at") " AS received_at,"
    " m.received_at AS received_epoch, m.report_msgid AS report_message_id,"
    " CASE WHEN m.raw IS NOT NULL THEN 'quarantine'"
    "  ELSE k.codec END AS kept,"
    " c.confidence, round(c.score, 2) AS score,"
    " c.internal_reports, c.external_reports, c.distinct_source_ips,"
    " c.distinct_reporters, " ISO("c.first_seen") " AS first_seen,"
    " " ISO("c.last_seen") " AS last_seen,"
    " " ISO("c.escalated_at") " AS escalated_at, c.escalated_role"
    " FROM reports r JOIN messages m ON m.id = r.message"
    " LEFT JOIN message_raw k ON k.message = m.id"
    " LEFT JOIN corrections x ON x.id ="
    "  (SELECT max(id) FROM corrections WHERE report = r.id)"
    " LEFT JOIN cases c ON c.customer = r.customer AND c.day = r.day"
    " WHERE r.id = ?1";

#define SHOW_COLS_MAX	64

enum rc
store_report_show(struct store *s, int64_t id, row_fn cb, void *arg,
    int *found, struct err *e)
{
	const char *names[SHOW_COLS_MAX], *vals[SHOW_COLS_MAX];
	sqlite3_stmt *st;
	int i, n, r;

	*found = 0;
	if ((st = store_prepare(s, show_sql, e)) == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	n = sqlite3_column_count(st);
	if (n > SHOW_COLS_MAX)
		n = SHOW_COLS_MAX;
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		for (i = 0; i < n; i++) {
			names[i] = sqlite3_column_name(st, i);
			vals[i] = (const char *)sqlite3_column_text(st, i);
		}
		cb(arg, n, names, vals);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, e, "read report");
	return RC_OK;
}

/* The customer page's queries: ?1 customer, ?2 and ?3 first and last
 * day (CUSTOMERS_OF_DAY: ?2 the day).  Times as seconds since the
 * epoch, as the HTML pages format them. */
static const char *const customer_sql[] = {
	[CUSTOMER_CASES] =
	    "SELECT c.day, c.confidence, round(c.score, 1), c.internal_reports,"
	    " c.external_reports, c.distinct_source_ips, c.distinct_reporters,"
	    " c.first_seen, c.last_seen,"
	    " (SELECT group_concat(b, ' ') FROM (SELECT DISTINCT"
	    "  coalesce(r.resolved_by, 'none') AS b FROM reports r"
	    "  WHERE r.customer = c.customer AND r.day = c.day"
	    "  AND r.state = 'counted' ORDER BY b)),"
	    " coalesce(c.escalated_at, 0)"
	    " FROM cases c WHERE c.customer = ?1 AND c.day >= ?2"
	    " AND c.day <= ?3 ORDER BY c.day DESC",
	[CUSTOMER_DAYS] =
	    "WITH RECURSIVE d(day) AS (SELECT ?2 UNION ALL"
	    "  SELECT date(day, '+1 day') FROM d WHERE day < ?3 LIMIT 366)"
	    " SELECT d.day, coalesce(c.internal_reports, 0),"
	    " coalesce(c.external_reports, 0), coalesce(c.confidence, '')"
	    " FROM d LEFT JOIN cases c ON c.day = d.day AND c.customer = ?1"
	    " ORDER BY d.day",
	[CUSTOMER_REPORTS] =
	    "SELECT r.id, r.occurred_at, r.format, r.role, r.reporter,"
	    " r.source_ip, r.origin_ip, r.auth_user, r.subject, r.state,"
	    " m.source, m.folder, m.uid, m.file, m.sha256,"
	    " CASE WHEN m.raw IS NOT NULL OR k.message IS NOT NULL THEN 1"
	    "  ELSE 0 END"
	    " FROM reports r JOIN messages m ON m.id = r.message"
	    " LEFT JOIN message_raw k ON k.message = m.id"
	    " WHERE r.customer = ?1 AND r.day >= ?2 AND r.day <= ?3"
	    " ORDER BY r.occurred_at DESC, r.id DESC",
	[CUSTOMERS_OF_DAY] =
	    "SELECT customer FROM cases WHERE day = ?2"
	    " AND customer <> '(unresolved)' ORDER BY customer",
};

enum rc
store_customer_dump(struct store *s, enum customer_dump which,
    const char *customer, const char *from, const char *to, row_fn cb,
    void *arg, struct err *e)
{
	const char *names[SHOW_COLS_MAX], *vals[SHOW_COLS_MAX];
	sqlite3_stmt *st;
	int i, n, r;

	if ((st = store_prepare(s, customer_sql[which], e)) == NULL)
		return e->rc;
	if (which != CUSTOMERS_OF_DAY)
		bind_text(st, 1, customer);
	bind_text(st, 2, from);
	if (which != CUSTOMERS_OF_DAY)
		bind_text(st, 3, to);
	n = sqlite3_column_count(st);
	if (n > SHOW_COLS_MAX)
		n = SHOW_COLS_MAX;
	for (i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (cb(arg, n, names, vals) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, e, "read the customer's history");
	return RC_OK;
}
