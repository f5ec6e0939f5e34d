/*
 * The store's dumps: the rows behind the reports, cases and status
 * commands, the summaries and the HTML page, as text columns or as JSON
 * built by SQLite's json_object().
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "store_impl.h"


/*
 * Dumps.  The text form and the JSON form select the same columns; JSON
 * objects are built by SQLite's json_object(), so escaping is SQLite's.
 */
/* Columns a dump may have. */
#define DUMP_COLS_MAX	48

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"

/* A time column within day ?1 of the report time zone (the process's
 * TZ, which SQLite's 'utc' modifier follows); a range, so indexes on
 * the column serve it. */
#define IN_DAY(col) "(" col " >= CAST(strftime('%s', ?1, 'utc') AS INTEGER)" \
	" AND " col " < CAST(strftime('%s', ?1, '+1 day', 'utc') AS INTEGER))"
#define CUSTOMER_KNOWN(t) t ".customer <> '(unresolved)'"
/* The customer notices of case c ([notify]), one "EVENT: what became
 * of it" each, and when the first was sent. */
#define NOTICE(c) "(SELECT group_concat(x, '; ') FROM (SELECT" \
	" substr(n.event, 6) || ': ' || CASE" \
	" WHEN n.rcpt IS NULL THEN 'no contact'" \
	" WHEN n.suppressed_by IS NOT NULL THEN 'suppressed (one was sent" \
	" within min_interval)'" \
	" WHEN n.sent_at IS NOT NULL THEN 'sent ' || " ISO("n.sent_at") \
	" ELSE 'queued' END AS x FROM notices n WHERE n.customer = " c \
	".customer AND n.day = " c ".day ORDER BY n.queued_at, n.event))"
#define NOTIFIED_AT(c) "(SELECT " ISO("min(n.sent_at)") " FROM notices n" \
	" WHERE n.customer = " c ".customer AND n.day = " c ".day)"
/* The day at a glance, as columns and as JSON members. */
#define T_CASES(conf) "(SELECT count(*) FROM cases c WHERE c.day = ?1" \
	" AND c.confidence = '" conf "' AND " CUSTOMER_KNOWN("c") ")"
#define T_UNRESOLVED "(SELECT count(*) FROM reports r WHERE r.day = ?1" \
	" AND r.customer = '(unresolved)' AND r.state = 'counted')"
#define T_QUARANTINED "(SELECT count(*) FROM messages" \
	" WHERE status = 'quarantined' AND " IN_DAY("received_at") ")"
#define T_ROLE(role) "(SELECT count(*) FROM reports r WHERE r.day = ?1" \
	" AND r.role = '" role "' AND r.state = 'counted')"
#define T_ESCALATED "(SELECT count(*) FROM cases c WHERE c.day = ?1" \
	" AND c.escalated_at IS NOT NULL AND " CUSTOMER_KNOWN("c") ")"
#define DAY_TOTALS_COLS T_CASES("confirmed") ", " T_CASES("internal") ", " \
	T_CASES("external") ", " T_UNRESOLVED ", " T_QUARANTINED ", " \
	T_ROLE("internal") ", " T_ROLE("external") ", " T_ESCALATED
#define DAY_TOTALS_JSON "'confirmed', " T_CASES("confirmed") "," \
	" 'internal_only', " T_CASES("internal") "," \
	" 'external_only', " T_CASES("external") "," \
	" 'unresolved_reports', " T_UNRESOLVED "," \
	" 'quarantined', " T_QUARANTINED "," \
	" 'internal_reports', " T_ROLE("internal") "," \
	" 'external_reports', " T_ROLE("external") "," \
	" 'escalated', " T_ESCALATED

/* Whether a report's time is its own, and why not (an undated report, or
 * one dated where that cannot be true, is placed at its message's
 * arrival). */
#define OCCURRED_COLS "CASE r.occurred_known WHEN 0 THEN 'no' ELSE 'yes' END" \
	" AS occurred_known, r.occurred_note"
#define OCCURRED_JSON "'occurred_known', json(CASE r.occurred_known" \
	" WHEN 0 THEN 'false' ELSE 'true' END), 'occurred_note', r.occurred_note"
/* A case's counted reports placed at their message's arrival. */
#define PLACED(c) "(SELECT count(*) FROM reports r WHERE r.customer = " c \
	".customer AND r.day = " c ".day AND r.state = 'counted'" \
	" AND r.occurred_known = 0)"
/*
 * The runs of day ?1, for its run health: those started on the day and
 * those that stored a message with one of the day's reports (a report
 * can arrive days later, or be imported long after).  A message belongs
 * to the last run started at or before it was received (runs do not
 * overlap: the lock).
 */
#define RUN_OF(t) "(SELECT id FROM runs WHERE started_at <= " t \
	" ORDER BY started_at DESC, id DESC LIMIT 1)"
#define DAY_RUN_IDS "SELECT id FROM runs WHERE " IN_DAY("started_at") \
	" UNION SELECT " RUN_OF("t") " FROM (SELECT DISTINCT m.received_at" \
	" AS t FROM reports x JOIN messages m ON m.id = x.message" \
	" WHERE x.day = ?1)"

/* The last correction of report r (as x), for the dumps of reports. */
#define LAST_FIX "(SELECT max(id) FROM corrections WHERE report = r.id)"
#define LAST_FIX_COLS "x.action AS corrected, x.who AS corrected_by," \
	" " ISO("x.at") " AS corrected_at, x.reason AS correction_reason"
#define LAST_FIX_JSON "'corrected', x.action, 'corrected_by', x.who," \
	" 'corrected_at', " ISO("x.at") ", 'correction_reason', x.reason"
/* The complaints waiting for review (?1, ?2: first and last day). */
#define REVIEW_COLS "r.id, r.day, " ISO("r.occurred_at") " AS occurred_at," \
	" r.reporter, r.subject, r.source_ip, r.mail_from," \
	" r.customer AS suggested_customer, r.resolved_by, r.evidence," \
	" r.resolve_note, m.source, m.folder, m.uid"
#define REVIEW_WHERE " FROM reports r JOIN messages m ON m.id = r.message" \
	" WHERE r.state = 'unverified' AND (?1 IS NULL OR r.day >= ?1)" \
	" AND (?2 IS NULL OR r.day <= ?2) ORDER BY r.occurred_at, r.id"

/*
 * The searches of reports (?3 customer, ?4 an address or prefix that
 * the source or origin address is in, ?5 the authenticated user, ?6
 * the offending or the report's own Message-ID, without <>) and of
 * cases (?2 customer, ?3 and ?4 first and last day); NULL: any.
 */
#define REPORTS_SEARCH " AND (?3 IS NULL OR r.customer = ?3)" \
	" AND (?4 IS NULL OR ac_in_prefix(?4, r.source_ip, r.origin_ip))" \
	" AND (?5 IS NULL OR r.auth_user = ?5 COLLATE NOCASE" \
	" OR r.smtp_auth = ?5 COLLATE NOCASE)" \
	" AND (?6 IS NULL OR trim(r.message_id, '<>') = ?6" \
	" OR trim(m.report_msgid, '<>') = ?6)"
#define CASES_SEARCH " AND (?2 IS NULL OR customer = ?2)" \
	" AND (?3 IS NULL OR day >= ?3) AND (?4 IS NULL OR day <= ?4)"

static const char *const dump_sql[][2] = {
	[DUMP_REPORTS] = {
	    "SELECT r.id, r.day, " ISO("r.occurred_at") " AS occurred_at,"
	    " " OCCURRED_COLS ", r.format, r.role,"
	    " r.feedback_type, r.category, r.reporter, r.source_ip,"
	    " r.origin_ip, r.auth_user, r.identity_header, r.smtp_auth,"
	    " r.mail_from,"
	    " (SELECT group_concat(value, ' ') FROM json_each(r.rcpt_to))"
	    " AS rcpt_to,"
	    " r.subject, r.message_id,"
	    " r.envelope_id, r.outgoing_class, r.customer, r.resolved_by,"
	    " r.resolve_note, CASE r.review WHEN 0 THEN 'no' ELSE 'yes' END"
	    " AS review, m.source, m.folder, m.uid,"
	    " m.file, m.sha256,"
	    " r.state, r.evidence, " LAST_FIX_COLS
	    " FROM reports r JOIN messages m ON m.id = r.message"
	    " LEFT JOIN corrections x ON x.id = " LAST_FIX
	    " WHERE (?1 IS NULL OR r.day >= ?1) AND (?2 IS NULL OR r.day <= ?2)"
	    REPORTS_SEARCH
	    " ORDER BY r.occurred_at, r.id",
	    "SELECT json_object('id', r.id, 'day', r.day,"
	    " 'occurred_at', " ISO("r.occurred_at") ", " OCCURRED_JSON ","
	    " 'format', r.format, 'role', r.role, 'feedback_type', r.feedback_type,"
	    " 'category', r.category, 'reporter', r.reporter,"
	    " 'source_ip', r.source_ip, 'origin_ip', r.origin_ip,"
	    " 'auth_user', r.auth_user, 'identity_header', r.identity_header,"
	    " 'smtp_auth', r.smtp_auth, 'mail_from', r.mail_from,"
	    " 'rcpt_to', json(coalesce(r.rcpt_to, '[]')),"
	    " 'subject', r.subject, 'message_id', r.message_id,"
	    " 'envelope_id', r.envelope_id, 'outgoing_class', r.outgoing_class,"
	    " 'customer', r.customer, 'resolved_by', r.resolved_by,"
	    " 'resolve_note', r.resolve_note, 'review', json(CASE r.review"
	    " WHEN 0 THEN 'false' ELSE 'true' END), 'source', m.source,"
	    " 'folder', m.folder, 'uid', m.uid,"
	    " 'file', m.file, 'sha256', m.sha256, 'state', r.state,"
	    " 'evidence', r.evidence, " LAST_FIX_JSON ")"
	    " FROM reports r JOIN messages m ON m.id = r.message"
	    " LEFT JOIN corrections x ON x.id = " LAST_FIX
	    " WHERE (?1 IS NULL OR r.day >= ?1) AND (?2 IS NULL OR r.day <= ?2)"
	    REPORTS_SEARCH
	    " ORDER BY r.occurred_at, r.id" },
	[DUMP_CASES] = {
	    "SELECT day, customer, confidence, round(score, 2) AS score,"
	    " internal_reports, external_reports, distinct_source_ips,"
	    " distinct_reporters, " ISO("first_seen") " AS first_seen,"
	    " " ISO("last_seen") " AS last_seen,"
	    " CASE WHEN escalated_at IS NULL THEN 'no' ELSE 'yes' END"
	    " AS escalated, " ISO("escalated_at") " AS escalated_at,"
	    " escalated_role, " PLACED("cases") " AS placed_at_arrival,"
	    " (SELECT group_concat(t.ticket_id, ' ')"
	    "  FROM case_tickets t WHERE t.customer = cases.customer"
	    "  AND t.day = cases.day AND t.ticket_id <> 0) AS ticket,"
	    " " NOTIFIED_AT("cases") " AS notified_at,"
	    " " NOTICE("cases") " AS notice"
	    " FROM cases WHERE (?1 IS NULL OR day = ?1)" CASES_SEARCH
	    " ORDER BY day, confidence = 'confirmed' DESC, score DESC, customer",
	    "SELECT json_object('day', day, 'customer', customer,"
	    " 'confidence', confidence, 'score', round(score, 2),"
	    " 'internal_reports', internal_reports,"
	    " 'external_reports', external_reports,"
	    " 'distinct_source_ips', distinct_source_ips,"
	    " 'distinct_reporters', distinct_reporters,"
	    " 'first_seen', " ISO("first_seen") ","
	    " 'last_seen', " ISO("last_seen") ","
	    " 'escalated', json(CASE WHEN escalated_at IS NULL THEN 'false'"
	    " ELSE 'true' END), 'escalated_at', " ISO("escalated_at") ","
	    " 'escalated_role', escalated_role,"
	    " 'placed_at_arrival', " PLACED("cases") ","
	    " 'ticket', (SELECT group_concat(t.ticket_id, ' ')"
	    "  FROM case_tickets t WHERE t.customer = cases.customer"
	    "  AND t.day = cases.day AND t.ticket_id <> 0),"
	    " 'notified_at', " NOTIFIED_AT("cases") ","
	    " 'notice', " NOTICE("cases") ")"
	    " FROM cases WHERE (?1 IS NULL OR day = ?1)" CASES_SEARCH
	    " ORDER BY day, confidence = 'confirmed' DESC, score DESC, customer" },
	[DUMP_SUMMARY] = {
	    "SELECT c.day AS date, c.customer AS customer,"
	    " c.confidence AS confidence, round(c.score, 2) AS score,"
	    " c.internal_reports AS internal_reports,"
	    " c.external_reports AS external_reports,"
	    " c.distinct_source_ips AS distinct_source_ips,"
	    " " ISO("c.first_seen") " AS first_seen,"
	    " " ISO("c.last_seen") " AS last_seen,"
	    " (SELECT r.subject FROM reports r WHERE r.customer = c.customer"
	    "  AND r.day = c.day AND r.state = 'counted'"
	    "  AND r.subject IS NOT NULL GROUP BY r.subject"
	    "  ORDER BY count(*) DESC, r.subject LIMIT 1) AS top_subject,"
	    " (SELECT group_concat(b, ' ') FROM (SELECT DISTINCT"
	    "  coalesce(r.resolved_by, 'none') AS b FROM reports r"
	    "  WHERE r.customer = c.customer AND r.day = c.day"
	    "  AND r.state = 'counted' ORDER BY b))"
	    " AS resolved_by,"
	    " CASE WHEN c.escalated_at IS NULL THEN 'no' ELSE 'yes' END"
	    " AS escalated, " PLACED("c") " AS placed_at_arrival,"
	    " (SELECT group_concat(t.ticket_id, ' ') FROM case_tickets t"
	    "  WHERE t.customer = c.customer AND t.day = c.day"
	    "  AND t.ticket_id <> 0) AS ticket,"
	    " (SELECT group_concat(t.link, ' ') FROM case_tickets t"
	    "  WHERE t.customer = c.customer AND t.day = c.day"
	    "  AND t.ticket_id <> 0) AS ticket_url,"
	    " " NOTIFIED_AT("c") " AS notified_at, " NOTICE("c") " AS notice"
	    " FROM cases c WHERE c.day = ?1"
	    " ORDER BY c.customer = '(unresolved)',"
	    " c.confidence = 'confirmed' DESC, c.score DESC, c.customer",
	    NULL },
	[DUMP_STATUS_SOURCES] = {
	    "SELECT k.source, k.folder, st.uidvalidity, st.last_uid,"
	    " " ISO("max(m.received_at)") ", count(m.id),"
	    " count(m.id) FILTER (WHERE m.status = 'parsed'),"
	    " count(m.id) FILTER (WHERE m.status = 'quarantined'),"
	    " count(m.id) FILTER (WHERE m.status = 'ignored'),"
	    " " ISO("max(ss.last_at)") ", coalesce(max(ss.duplicates), 0)"
	    /* A folder with a checkpoint and no message yet shows too, and
	     * one whose messages were all stored before through another. */
	    " FROM (SELECT source, folder FROM messages"
	    "  UNION SELECT source, folder FROM mailbox_state"
	    "  UNION SELECT source, nullif(folder, '') FROM source_seen) k"
	    " LEFT JOIN messages m ON m.source = k.source"
	    "  AND m.folder IS k.folder"
	    " LEFT JOIN mailbox_state st"
	    "  ON st.source = k.source AND st.folder = k.folder"
	    " LEFT JOIN source_seen ss"
	    "  ON ss.source = k.source AND ss.folder = coalesce(k.folder, '')"
	    " GROUP BY k.source, k.folder ORDER BY k.source, k.folder",
	    NULL },
	[DUMP_STATUS_TOTALS] = {
	    "SELECT (SELECT count(*) FROM messages),"
	    " (SELECT count(*) FROM reports),"
	    " (SELECT count(*) FROM messages WHERE status = 'quarantined'),"
	    " (SELECT coalesce(sum(size), 0) FROM messages"
	    "  WHERE status = 'quarantined'),"
	    " (SELECT count(*) FROM outbox WHERE delivered_at IS NULL"
	    "  AND dead = 0),"
	    " (SELECT count(*) FROM outbox WHERE dead = 1),"
	    " (SELECT " ISO("max(started_at)") " FROM runs),"
	    " (SELECT CASE WHEN finished_at IS NOT NULL"
	    "  THEN 'exit status ' || status"
	    "  WHEN error LIKE 'interrupted%' THEN 'interrupted'"
	    "  ELSE 'not finished: running now, or interrupted' END"
	    "  FROM runs ORDER BY id DESC LIMIT 1),"
	    " (SELECT count(*) FROM reports WHERE state = 'unverified'),"
	    " (SELECT count(*) FROM reports WHERE state = 'dismissed'),"
	    " (SELECT count(*) FROM runs WHERE finished_at IS NULL"
	    "  AND error LIKE 'interrupted%')",
	    NULL },
	[DUMP_STATUS_PENDING] = {
	    "SELECT source, folder, action, target, count(*),"
	    " " ISO("min(created_at)") ", max(refusals), max(last_error)"
	    " FROM imap_pending GROUP BY source, folder, action, target"
	    " ORDER BY source, folder, action, target",
	    NULL },
	[DUMP_STATUS_HEALTH] = {
	    "SELECT source, " ISO("last_error_at") ", last_error,"
	    " " ISO("failing_since") ", failures, " ISO("last_ok_at")
	    " FROM source_health WHERE last_error IS NOT NULL ORDER BY source",
	    NULL },
	[DUMP_STATUS_DEAD] = {
	    "SELECT target, kind, " ISO("created_at") ", attempts,"
	    " CASE WHEN json_valid(payload)"
	    "  THEN json_extract(payload, '$.case.customer') END,"
	    " CASE WHEN json_valid(payload)"
	    "  THEN json_extract(payload, '$.case.day') END,"
	    " last_error FROM outbox WHERE dead = 1 ORDER BY id DESC", NULL },
	[DUMP_STATUS_ALERTS] = {
	    "SELECT source, " ISO("alerted_failing_at") ","
	    " " ISO("alerted_silent_at") " FROM source_health"
	    " WHERE alerted_failing_at IS NOT NULL"
	    " OR alerted_silent_at IS NOT NULL ORDER BY source", NULL },
	[DUMP_DAY_ALERTS] = {
	    "SELECT at, source, kind, detail FROM alerts WHERE " IN_DAY("at")
	    " ORDER BY at, id", NULL },

	/* The reporters' queries (summary-D.html, reports-D.csv, the
	 * summary.daily event).  Times come as seconds since the epoch;
	 * the reporters format them in the report time zone. */
	[DUMP_DAY_TOTALS] = {
	    "SELECT " DAY_TOTALS_COLS ","
	    " (SELECT count(*) FROM reports r WHERE r.day = ?1)", NULL },
	[DUMP_TREND] = {
	    "WITH RECURSIVE d(day) AS (SELECT ?1 UNION ALL"
	    "  SELECT date(day, '+1 day') FROM d WHERE day < ?2 LIMIT 366)"
	    " SELECT d.day,"
	    " count(c.customer) FILTER (WHERE c.confidence = 'confirmed'"
	    "  AND " CUSTOMER_KNOWN("c") "),"
	    " count(c.customer) FILTER (WHERE c.confidence = 'internal'"
	    "  AND " CUSTOMER_KNOWN("c") "),"
	    " count(c.customer) FILTER (WHERE c.confidence = 'external'"
	    "  AND " CUSTOMER_KNOWN("c") "),"
	    " coalesce(sum(c.internal_reports), 0),"
	    " coalesce(sum(c.external_reports), 0)"
	    " FROM d LEFT JOIN cases c ON c.day = d.day"
	    " GROUP BY d.day ORDER BY d.day",
	    NULL },
	[DUMP_DAY_TOP] = {
	    "SELECT customer, internal_reports, external_reports, confidence"
	    " FROM cases c WHERE day = ?1 AND " CUSTOMER_KNOWN("c")
	    " ORDER BY confidence = 'confirmed' DESC, score DESC,"
	    " internal_reports + external_reports DESC, customer LIMIT 10",
	    NULL },
	[DUMP_DAY_CASES] = {
	    "SELECT c.customer, round(c.score, 1), c.internal_reports,"
	    " c.external_reports, c.distinct_source_ips, c.distinct_reporters,"
	    " c.first_seen, c.last_seen,"
	    " (SELECT json_group_array(json_array(s, n)) FROM"
	    "  (SELECT r.subject AS s, count(*) AS n FROM reports r"
	    "  WHERE r.customer = c.customer AND r.day = c.day"
	    "  AND r.state = 'counted'"
	    "  AND r.subject IS NOT NULL GROUP BY r.subject"
	    "  ORDER BY n DESC, s LIMIT 3)),"
	    " (SELECT group_concat(b, ' ') FROM (SELECT DISTINCT"
	    "  coalesce(r.resolved_by, 'none') AS b FROM reports r"
	    "  WHERE r.customer = c.customer AND r.day = c.day"
	    "  AND r.state = 'counted' ORDER BY b)),"
	    " coalesce(c.escalated_at, 0), " PLACED("c") ","
	    " (SELECT t.link FROM case_tickets t WHERE t.customer = c.customer"
	    "  AND t.day = c.day AND t.ticket_id <> 0 ORDER BY t.target"
	    "  LIMIT 1), " NOTICE("c")
	    " FROM cases c WHERE c.day = ?1 AND c.confidence = ?2"
	    " AND " CUSTOMER_KNOWN("c")
	    " ORDER BY c.score DESC, c.customer",
	    NULL },
	[DUMP_DAY_UNRESOLVED] = {
	    "SELECT occurred_at, format, role, reporter, source_ip, origin_ip,"
	    " auth_user, mail_from, subject, resolve_note,"
	    " CASE occurred_known WHEN 0 THEN occurred_note END FROM reports"
	    " WHERE day = ?1 AND customer = '(unresolved)' AND state = 'counted'"
	    " ORDER BY occurred_at, id",
	    NULL },
	[DUMP_DAY_QUARANTINE] = {
	    "SELECT received_at, source, folder, uid, size, format, reason"
	    " FROM messages WHERE status = 'quarantined' AND " IN_DAY("received_at")
	    " ORDER BY received_at, id",
	    NULL },
	[DUMP_DEAD_LETTERS] = {
	    "SELECT created_at, target, kind, idempotency_key, attempts,"
	    " last_attempt_at, last_error FROM outbox WHERE dead = 1"
	    " ORDER BY id",
	    NULL },
	[DUMP_DAY_RUNS] = {
	    /* A run without an end was interrupted once the next run
	     * has said so in its error; until then it is still running
	     * (the one writing this summary, or one beside report). */
	    "SELECT count(*), count(*) FILTER (WHERE status <> 0),"
	    " count(*) FILTER (WHERE finished_at IS NULL"
	    "  AND error IS NOT NULL),"
	    " coalesce(sum(messages), 0), coalesce(sum(reports), 0),"
	    " coalesce(sum(duplicates), 0), coalesce(sum(quarantined), 0),"
	    " coalesce(sum(errors), 0), min(started_at), max(started_at),"
	    " count(*) FILTER (WHERE finished_at IS NULL AND error IS NULL)"
	    " FROM runs WHERE id IN (" DAY_RUN_IDS ")",
	    NULL },
	[DUMP_DAY_RUN_ERRORS] = {
	    "SELECT started_at, command, status, error FROM runs"
	    " WHERE id IN (" DAY_RUN_IDS ") AND (status <> 0"
	    " OR error IS NOT NULL)"
	    " ORDER BY started_at DESC, id DESC",
	    NULL },
	[DUMP_DAY_SOURCES] = {
	    /* Messages stored per source by the day's runs: each run's
	     * window lasts until the next run starts (the status list lets
	     * the messages_status index serve the time ranges). */
	    "WITH w(a, b) AS (SELECT r.started_at, coalesce((SELECT"
	    "  n.started_at FROM runs n WHERE n.id > r.id ORDER BY n.id"
	    "  LIMIT 1), 1 << 62) FROM runs r WHERE r.id IN (" DAY_RUN_IDS "))"
	    " SELECT m.source, count(*),"
	    " count(*) FILTER (WHERE m.status = 'quarantined')"
	    " FROM w JOIN messages m"
	    " ON m.status IN ('parsed', 'quarantined', 'ignored')"
	    " AND m.received_at >= w.a AND m.received_at < w.b"
	    " GROUP BY m.source ORDER BY m.source",
	    NULL },
	[DUMP_DAY_IGNORED] = {
	    "SELECT coalesce(kind, 'other'), count(*) FROM messages"
	    " WHERE status = 'ignored' AND " IN_DAY("received_at")
	    " GROUP BY 1 ORDER BY 2 DESC, 1",
	    NULL },
	[DUMP_STATUS_IGNORED] = {
	    "SELECT coalesce(kind, 'other'), count(*) FROM messages"
	    " WHERE status = 'ignored' GROUP BY 1 ORDER BY 2 DESC, 1",
	    NULL },
	[DUMP_DAY_SOURCE_ERRORS] = {
	    /* SQLite takes the bare column error from the row of max(at). */
	    "SELECT coalesce(source, ''), count(*), max(at), error"
	    " FROM run_errors WHERE run IN (" DAY_RUN_IDS ")"
	    " GROUP BY source ORDER BY source",
	    NULL },
	[DUMP_DAY_OUTBOX] = {
	    "SELECT target,"
	    " count(*) FILTER (WHERE delivered_at IS NOT NULL AND "
	    IN_DAY("delivered_at") "),"
	    " count(*) FILTER (WHERE delivered_at IS NULL AND dead = 0),"
	    " count(*) FILTER (WHERE dead = 1),"
	    " min(created_at) FILTER (WHERE delivered_at IS NULL AND dead = 0)"
	    " FROM outbox GROUP BY target ORDER BY target",
	    NULL },
	[DUMP_REVIEW] = {
	    "SELECT " REVIEW_COLS REVIEW_WHERE,
	    "SELECT json_object('id', r.id, 'day', r.day, 'occurred_at', "
	    ISO("r.occurred_at") ", 'reporter', r.reporter,"
	    " 'subject', r.subject, 'source_ip', r.source_ip,"
	    " 'mail_from', r.mail_from, 'suggested_customer', r.customer,"
	    " 'resolved_by', r.resolved_by, 'evidence', r.evidence,"
	    " 'resolve_note', r.resolve_note, 'source', m.source,"
	    " 'folder', m.folder, 'uid', m.uid)" REVIEW_WHERE },
	[DUMP_DAY_REVIEW] = {
	    "SELECT r.occurred_at, r.id, r.reporter, r.subject,"
	    " r.customer, r.evidence,"
	    " CASE r.occurred_known WHEN 0 THEN r.occurred_note END"
	    " FROM reports r WHERE r.day = ?1 AND r.state = 'unverified'"
	    " ORDER BY r.occurred_at, r.id",
	    NULL },
	[DUMP_DAY_CORRECTIONS] = {
	    "SELECT x.at, x.report, x.action, x.who, x.state_before || ' → '"
	    " || x.state_after, CASE WHEN x.customer_before = x.customer_after"
	    " THEN x.customer_after ELSE x.customer_before || ' → ' ||"
	    " x.customer_after END, x.reason"
	    " FROM corrections x JOIN reports r ON r.id = x.report"
	    " WHERE r.day = ?1 ORDER BY x.at, x.id",
	    NULL },
	[DUMP_DAY_EVENT] = {
	    NULL,
	    "SELECT json_object('day', ?1,"
	    " 'totals', json_object(" DAY_TOTALS_JSON "),"
	    " 'customers', (SELECT json_group_array(json_object("
	    "  'customer', customer, 'confidence', confidence,"
	    "  'score', round(score, 2),"
	    "  'internal_reports', internal_reports,"
	    "  'external_reports', external_reports,"
	    "  'distinct_source_ips', distinct_source_ips,"
	    "  'distinct_reporters', distinct_reporters,"
	    "  'escalated', json(CASE WHEN escalated_at IS NULL THEN 'false'"
	    "  ELSE 'true' END))) FROM (SELECT * FROM cases c WHERE day = ?1"
	    "  AND " CUSTOMER_KNOWN("c") " ORDER BY confidence = 'confirmed' DESC,"
	    "  score DESC, customer LIMIT 100)),"
	    " 'customers_total', (SELECT count(*) FROM cases c WHERE day = ?1"
	    "  AND " CUSTOMER_KNOWN("c") "))" },
};

enum rc
store_dump_header(struct store *s, enum dump which, row_fn cb, void *arg,
    struct err *e)
{
	const char *q = dump_sql[which][DUMP_TEXT], *names[DUMP_COLS_MAX];
	sqlite3_stmt *st;
	int n, i;

	if (q == NULL)
		return err_set(e, RC_FATAL, "no such dump");
	if (sqlite3_prepare_v2(store_handle(s), q, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "prepare dump");
	n = sqlite3_column_count(st);
	if (n > DUMP_COLS_MAX)
		n = DUMP_COLS_MAX;
	for (i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	cb(arg, n, names, names);
	sqlite3_finalize(st);
	return RC_OK;
}

enum rc
store_dump(struct store *s, enum dump which, enum dump_format fmt,
    const char *a, const char *b, row_fn cb, void *arg, struct err *e)
{
	const char *args[2] = { a, b };

	return store_dump_args(s, which, fmt, args, 2, cb, arg, e);
}

enum rc
store_dump_args(struct store *s, enum dump which, enum dump_format fmt,
    const char *const *args, int nargs, row_fn cb, void *arg,
    struct err *e)
{
	const char *q = dump_sql[which][fmt == DUMP_JSON];
	const char *names[DUMP_COLS_MAX], *vals[DUMP_COLS_MAX];
	sqlite3_stmt *st;
	int r, n, i;

	if (q == NULL)
		return err_set(e, RC_FATAL, "no such dump");
	if (sqlite3_prepare_v2(store_handle(s), q, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "prepare dump");
	n = sqlite3_bind_parameter_count(st);
	for (i = 0; i < n && i < nargs; i++)
		bind_text(st, i + 1, args[i]);
	n = sqlite3_column_count(st);
	if (n > DUMP_COLS_MAX)
		n = DUMP_COLS_MAX;
	for (i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (cb(arg, n, names, vals) != 0)
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		store_fail(s, e, "dump");
		sqlite3_finalize(st);
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}


/*
 * ac_in_prefix(PREFIX, IP...): 1 when one of the addresses is in the
 * prefix (an address or ADDR/LEN, IPv4 or IPv6), else 0; a prefix that
 * does not parse matches nothing.  The parsed prefix is kept with the
 * statement, so a search parses it once.
 */
static void
in_prefix(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct prefix *p = sqlite3_get_auxdata(ctx, 0);
	const char *v;
	uint8_t addr[16];
	int i;

	if (p == NULL) {
		if ((v = (const char *)sqlite3_value_text(argv[0])) == NULL) {
			sqlite3_result_int(ctx, 0);
			return;
		}
		p = xmalloc(sizeof(*p));
		if (prefix_parse(v, strlen(v), p) < 0)
			p->len = 255;	/* matches nothing */
		sqlite3_set_auxdata(ctx, 0, p, free);
		if ((p = sqlite3_get_auxdata(ctx, 0)) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	for (i = 1; i < argc && p->len <= 128; i++) {
		if ((v = (const char *)sqlite3_value_text(argv[i])) == NULL)
			continue;
		if (addr_parse(v, strlen(v), addr) == 0 &&
		    prefix_contains(p, addr)) {
			sqlite3_result_int(ctx, 1);
			return;
		}
	}
	sqlite3_result_int(ctx, 0);
}

void
store_functions(sqlite3 *db)
{
	(void)sqlite3_create_function(db, "ac_in_prefix", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, in_prefix, NULL,
	    NULL);
}
