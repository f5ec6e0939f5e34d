#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "files.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "store_impl.h"

/*
 * Schema migrations, applied in order; PRAGMA user_version counts how
 * many have run.  A migration is never edited once released: a change is
 * a new entry.
 */
static const char *const migrations[] = {
	/* 1: the data model of the design. */
	"CREATE TABLE mailbox_state ("
	"  source TEXT NOT NULL, folder TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL, last_uid INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (source, folder)) WITHOUT ROWID;"
	"CREATE TABLE local_seen ("
	"  source TEXT NOT NULL, name TEXT NOT NULL,"
	"  PRIMARY KEY (source, name)) WITHOUT ROWID;"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL, folder TEXT,"
	"  uidvalidity INTEGER, uid INTEGER,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  report_msgid TEXT,"
	"  size INTEGER NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  format TEXT NOT NULL,"
	"  status TEXT NOT NULL"
	"    CHECK (status IN ('parsed', 'quarantined', 'ignored')),"
	"  reason TEXT,"
	"  raw BLOB);"
	"CREATE INDEX messages_status ON messages (status, received_at);"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
	"  message INTEGER NOT NULL REFERENCES messages (id),"
	"  report_key TEXT NOT NULL UNIQUE,"
	"  format TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('internal', 'external')),"
	"  feedback_type TEXT, category TEXT, reporter TEXT,"
	"  occurred_at INTEGER NOT NULL,"
	"  occurred_known INTEGER NOT NULL,"
	"  day TEXT NOT NULL,"
	"  source_ip TEXT, origin_ip TEXT,"
	"  auth_user TEXT, identity_header TEXT, smtp_auth TEXT,"
	"  mail_from TEXT, rcpt_to TEXT,"
	"  subject TEXT, message_id TEXT, envelope_id TEXT,"
	"  outgoing_class TEXT,"
	"  review INTEGER NOT NULL DEFAULT 0,"
	"  customer TEXT NOT NULL, resolved_by TEXT, resolve_note TEXT);"
	"CREATE INDEX reports_case ON reports (customer, day, occurred_at);"
	"CREATE INDEX reports_day ON reports (day);"
	"CREATE TABLE cases ("
	"  customer TEXT NOT NULL, day TEXT NOT NULL,"
	"  internal_reports INTEGER NOT NULL,"
	"  external_reports INTEGER NOT NULL,"
	"  distinct_source_ips INTEGER NOT NULL,"
	"  distinct_reporters INTEGER NOT NULL,"
	"  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	"  confidence TEXT NOT NULL"
	"    CHECK (confidence IN ('internal', 'external', 'confirmed')),"
	"  score REAL NOT NULL,"
	"  escalated_at INTEGER,"
	"  escalated_role TEXT"
	"    CHECK (escalated_role IN ('internal', 'external')),"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (customer, day));"
	"CREATE INDEX cases_day ON cases (day);"
	"CREATE TABLE case_ips ("
	"  customer TEXT NOT NULL, day TEXT NOT NULL, ip TEXT NOT NULL,"
	"  PRIMARY KEY (customer, day, ip)) WITHOUT ROWID;"
	"CREATE TABLE case_reporters ("
	"  customer TEXT NOT NULL, day TEXT NOT NULL, reporter TEXT NOT NULL,"
	"  PRIMARY KEY (customer, day, reporter)) WITHOUT ROWID;"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL, customer TEXT, day TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (kind, customer, day));"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  event INTEGER REFERENCES events (id),"
	"  target TEXT NOT NULL,"
	"  idempotency_key TEXT NOT NULL UNIQUE,"
	"  payload TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt INTEGER NOT NULL,"
	"  last_error TEXT,"
	"  delivered_at INTEGER,"
	"  dead INTEGER NOT NULL DEFAULT 0,"
	/* The event name (case.opened, ..., summary.daily, summary.email)
	 * and when the last attempt started. */
	"  kind TEXT NOT NULL DEFAULT '',"
	"  last_attempt_at INTEGER);"
	"CREATE INDEX outbox_due ON outbox (delivered_at, dead, next_attempt);"
	"CREATE TABLE resolver_cache ("
	"  key TEXT PRIMARY KEY, customer TEXT,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX resolver_cache_expiry ON resolver_cache (expires_at);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  command TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL, finished_at INTEGER,"
	"  status INTEGER,"
	"  messages INTEGER NOT NULL DEFAULT 0,"
	"  reports INTEGER NOT NULL DEFAULT 0,"
	"  duplicates INTEGER NOT NULL DEFAULT 0,"
	"  quarantined INTEGER NOT NULL DEFAULT 0,"
	"  ignored INTEGER NOT NULL DEFAULT 0,"
	"  errors INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT);"
	"CREATE TABLE report_days ("
	"  day TEXT PRIMARY KEY, written_at INTEGER NOT NULL) WITHOUT ROWID;"
	/* Which source failed in which run, for the run health of the
	 * summary ("sources not reached"). */
	"CREATE TABLE run_errors ("
	"  run INTEGER NOT NULL REFERENCES runs (id),"
	"  source TEXT, at INTEGER NOT NULL, error TEXT NOT NULL);"
	"CREATE INDEX run_errors_at ON run_errors (at);",
	/* 2: messages a run died on, by their place in the source
	 * (store_strike.c). */
	"CREATE TABLE message_strikes ("
	"  source TEXT NOT NULL, folder TEXT NOT NULL, position TEXT NOT NULL,"
	"  strikes INTEGER NOT NULL, phase TEXT NOT NULL,"
	"  last_at INTEGER NOT NULL,"
	"  PRIMARY KEY (source, folder, position)) WITHOUT ROWID;",
	/*
	 * 3: what counts.  A report's state: counted, unverified (a
	 * complaint without evidence that points at a customer: waits for
	 * review) or dismissed; evidence says why.  Mail recognised as not
	 * a report keeps its kind (reply: a customer writing about their
	 * own account).  corrections: the abuse desk's accept, dismiss and
	 * restore, with who, when and why.  case_flips: a confirmation
	 * taken back (case.unconfirmed) or given again (case.confirmed)
	 * after the first case.confirmed, numbered per case, so that each
	 * has its own event key.
	 */
	"ALTER TABLE reports ADD COLUMN state TEXT NOT NULL DEFAULT 'counted'"
	"  CHECK (state IN ('counted', 'unverified', 'dismissed'));"
	"ALTER TABLE reports ADD COLUMN evidence TEXT;"
	"CREATE INDEX reports_state ON reports (state, day);"
	"ALTER TABLE messages ADD COLUMN kind TEXT;"
	"CREATE TABLE corrections ("
	"  id INTEGER PRIMARY KEY,"
	"  report INTEGER NOT NULL REFERENCES reports (id),"
	"  action TEXT NOT NULL"
	"    CHECK (action IN ('accept', 'dismiss', 'restore')),"
	"  state_before TEXT NOT NULL, state_after TEXT NOT NULL,"
	"  customer_before TEXT NOT NULL, customer_after TEXT NOT NULL,"
	"  who TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT);"
	"CREATE INDEX corrections_report ON corrections (report, id);"
	"CREATE TABLE case_flips ("
	"  customer TEXT NOT NULL, day TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL"
	"    CHECK (kind IN ('case.unconfirmed', 'case.confirmed')),"
	"  correction INTEGER REFERENCES corrections (id),"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (customer, day, seq)) WITHOUT ROWID;",
	/* 4: when each source and folder last had a message committed, new
	 * or a duplicate of one already stored, and how many were
	 * duplicates: status tells a source whose messages all came in
	 * through another first from one that read nothing ('' is the
	 * folder of a local source). */
	"CREATE TABLE source_seen ("
	"  source TEXT NOT NULL, folder TEXT NOT NULL,"
	"  last_at INTEGER NOT NULL, duplicates INTEGER NOT NULL,"
	"  PRIMARY KEY (source, folder)) WITHOUT ROWID;"
	"INSERT INTO source_seen SELECT source, coalesce(folder, ''),"
	"  max(received_at), 0 FROM messages GROUP BY 1, 2;",
	/* 5: what the server still has to do with messages whose batch is
	 * committed (after = seen or move), one row per UID, added in the
	 * batch's transaction and removed once the server has done it;
	 * copied (a move without MOVE): 1 when COPY is done and flagging
	 * \Deleted and expunging remain, 2 when COPY was sent and its
	 * answer not seen. */
	"CREATE TABLE imap_pending ("
	"  source TEXT NOT NULL, folder TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,"
	"  action TEXT NOT NULL CHECK (action IN ('seen', 'move')),"
	"  target TEXT,"
	"  copied INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  refusals INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  PRIMARY KEY (source, folder, uidvalidity, uid)) WITHOUT ROWID;",
	/* 6: the kind of an ignored message (dsn, auto-reply, ticket, ...;
	 * the column came with 3); older rows of the formats that are not
	 * reports get their name. */
	"UPDATE messages SET kind = format WHERE status = 'ignored'"
	"  AND kind IS NULL AND format IN ('dsn', 'auto-reply', 'newsletter');"
	"UPDATE messages SET kind = 'other' WHERE status = 'ignored'"
	"  AND kind IS NULL;",
	/* 7: how each source's last collection went, for status: when it
	 * last went through, its last error and when, and since when (and
	 * how many collections in a row) it fails; failing_since is NULL
	 * once it went through again. */
	"CREATE TABLE source_health ("
	"  source TEXT PRIMARY KEY,"
	"  last_ok_at INTEGER,"
	"  last_error_at INTEGER, last_error TEXT,"
	"  failing_since INTEGER,"
	"  failures INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
	/* 8: when a message arrived (IMAP INTERNALDATE, the top Received:
	 * date, the file's time; NULL: as collected), against which a
	 * report's own time is judged; and why a report is placed at its
	 * message's arrival instead (occurred_known = 0).  Older undated
	 * reports were placed when they were collected. */
	"ALTER TABLE messages ADD COLUMN arrived_at INTEGER;"
	"ALTER TABLE reports ADD COLUMN occurred_note TEXT;"
	"UPDATE reports SET occurred_note = 'undated: placed when its message"
	"  was collected' WHERE occurred_known = 0;",
	/* 9: evidence.  file: the file a message was read from (a Maildir
	 * message, an imported file).  message_raw: the raw bytes of a
	 * message that is not quarantined (a quarantined one keeps them in
	 * messages.raw), for [store] keep_raw after it was stored; codec
	 * 'zlib' (compress2) or 'none'; messages.size is their size. */
	"ALTER TABLE messages ADD COLUMN file TEXT;"
	"CREATE TABLE message_raw ("
	"  message INTEGER PRIMARY KEY REFERENCES messages (id),"
	"  codec TEXT NOT NULL CHECK (codec IN ('none', 'zlib')),"
	"  data BLOB NOT NULL);",
	/* 10: the ticket each case became in a ticket target ("ticket:NAME"):
	 * case_key is what the ticketing system holds in its case field
	 * (one key per case, or per customer); resolved is 1 once the
	 * collector resolved the ticket. */
	"CREATE TABLE case_tickets ("
	"  target TEXT NOT NULL, customer TEXT NOT NULL, day TEXT NOT NULL,"
	"  case_key TEXT NOT NULL, ticket_id INTEGER NOT NULL,"
	"  link TEXT, created_at INTEGER NOT NULL,"
	"  resolved INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (target, customer, day)) WITHOUT ROWID;"
	"CREATE INDEX case_tickets_key ON case_tickets (target, case_key);",
	/* 11: the run that stored a message (the last one started before
	 * it was received), for the run health of the day of its reports. */
	"CREATE INDEX runs_started ON runs (started_at);",
	/* 12: the counts the metrics file and status --json give on every
	 * run, messages by source and status and reports by format and
	 * role, from an index rather than a scan of the tables. */
	"CREATE INDEX messages_source ON messages (source, status);"
	"CREATE INDEX reports_format ON reports (format, role);",
	/*
	 * 13: what each day's summary was written from (digest: NULL for a
	 * day written before, taken as current at the next run), when its
	 * e-mail and summary.daily were queued (sent_at) with the day's
	 * confirmed and escalated customers then (sent_set: "confirmed" or
	 * "escalated", a tab and the customer, one a line), and the updates
	 * since.  A day written before and recent then had its e-mail.
	 */
	"ALTER TABLE report_days ADD COLUMN digest TEXT;"
	"ALTER TABLE report_days ADD COLUMN sent_at INTEGER;"
	"ALTER TABLE report_days ADD COLUMN sent_set TEXT;"
	"ALTER TABLE report_days ADD COLUMN updates INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE report_days ADD COLUMN updated_at INTEGER;"
	"UPDATE report_days SET sent_at = written_at, sent_set = (SELECT"
	"  group_concat(k || char(9) || customer, char(10)) FROM"
	"  (SELECT 'confirmed' AS k, customer FROM cases c"
	"  WHERE c.day = report_days.day AND c.confidence = 'confirmed'"
	"  AND c.customer <> '(unresolved)' UNION ALL"
	"  SELECT 'escalated', customer FROM cases c"
	"  WHERE c.day = report_days.day AND c.escalated_at IS NOT NULL"
	"  AND c.customer <> '(unresolved)'))"
	"  WHERE day >= date(written_at, 'unixepoch', '-8 days');",
	/*
	 * 14: alerts.  source_seen.arrived_last: the newest arrival of a
	 * message committed from the source and folder (its arrival time,
	 * never later than when it was collected), against which
	 * [alerts] silence is judged.  source_health.alerted_failing_at
	 * and alerted_silent_at: when source.failing and source.silent
	 * were raised and not yet followed by source.recovered (NULL: no
	 * alert open); they make each alert, and each recovery, come
	 * once.  alerts: every alert raised, for the summary.
	 */
	"ALTER TABLE source_seen ADD COLUMN arrived_last INTEGER;"
	"INSERT INTO source_seen (source, folder, last_at, duplicates,"
	"  arrived_last) SELECT source, coalesce(folder, ''),"
	"  max(received_at), 0,"
	"  max(min(coalesce(arrived_at, received_at), received_at))"
	"  FROM messages WHERE true GROUP BY 1, 2"
	"  ON CONFLICT (source, folder) DO UPDATE SET"
	"  arrived_last = excluded.arrived_last;"
	"ALTER TABLE source_health ADD COLUMN alerted_failing_at INTEGER;"
	"ALTER TABLE source_health ADD COLUMN alerted_silent_at INTEGER;"
	"CREATE TABLE alerts ("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('source.failing',"
	"    'source.silent', 'source.recovered')),"
	"  at INTEGER NOT NULL,"
	"  detail TEXT NOT NULL);"
	"CREATE INDEX alerts_at ON alerts (at);",
	/*
	 * 15: customer notices ([notify]): one row per case and event that
	 * notifies, keyed like its outbox row.  suppressed_by: the key of
	 * the notice to the same customer queued within min_interval
	 * before (this one was then not queued); NULL: queued, rcpt its
	 * recipient, sent_at when the SMTP server took it.
	 */
	"CREATE TABLE notices ("
	"  key TEXT PRIMARY KEY,"
	"  customer TEXT NOT NULL, day TEXT NOT NULL, event TEXT NOT NULL,"
	"  queued_at INTEGER NOT NULL,"
	"  rcpt TEXT,"
	"  suppressed_by TEXT,"
	"  sent_at INTEGER) WITHOUT ROWID;"
	"CREATE INDEX notices_customer ON notices (customer, queued_at);"
	"CREATE INDEX notices_case ON notices (customer, day);",
	/*
	 * 16: retention ([store] keep, store_prune.c).  message_gone: the
	 * first 128 bits (hex) of the SHA-256 of each message pruned, so
	 * that the same bytes coming back (a Maildir imported again, a
	 * server that reset UIDVALIDITY) are a duplicate, not counted
	 * again.  retention: the last prune (when, the horizon, what it
	 * removed per table) and whether the store still has to be
	 * switched to incremental vacuum, which takes a VACUUM outside any
	 * transaction (store_open does it once).  The indexes let a prune
	 * find what references a row it deletes without a scan.
	 */
	"CREATE TABLE message_gone ("
	"  hash TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE retention ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  pruned_at INTEGER, horizon TEXT, removed TEXT,"
	"  vacuum_switch INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO retention (id, vacuum_switch)"
	"  SELECT 1, auto_vacuum <> 2 FROM pragma_auto_vacuum;"
	"CREATE INDEX reports_message ON reports (message);"
	"CREATE INDEX outbox_event ON outbox (event);"
	"CREATE INDEX events_day ON events (day);"
	"CREATE INDEX run_errors_run ON run_errors (run);"
	"CREATE INDEX case_flips_correction ON case_flips (correction);"
	"CREATE INDEX messages_arrival ON messages"
	"  (coalesce(arrived_at, received_at));",
	/*
	 * 17: the order of a customer's actions (store_outbox_held): the
	 * waiting rows of each action by customer, so that finding an
	 * earlier one is a lookup, not a scan of every waiting row (10,000
	 * waiting rows of as many customers took 31 s per pass).  Only
	 * action rows, whose bodies are always JSON, are in it.
	 */
	"CREATE INDEX outbox_action_order ON outbox"
	"  (target, json_extract(payload, '$.case.customer'), id)"
	"  WHERE substr(target, 1, 7) = 'action:'"
	"  AND delivered_at IS NULL AND dead = 0;",
};

#define NMIGRATIONS	(int)(sizeof(migrations) / sizeof(migrations[0]))

/* Statements prepared once and reused. */
enum stmt {
	Q_MSG_ADD, Q_REPORT_ADD, Q_LOCAL_SEEN, Q_LOCAL_MARK,
	Q_CP_GET, Q_CP_SET, Q_CASE_IP, Q_CASE_REPORTER, Q_CASE_COUNT, Q_CASE_GET, Q_CASE_PUT,
	Q_EVENT_ADD, Q_RUN_START, Q_RUN_FINISH,
	/* resolver block */
	Q_CASE_BURST, Q_EVENT_ID, Q_CACHE_GET, Q_CACHE_PUT, Q_CACHE_PURGE,
	/* what counts */
	Q_REPORT_STATE, Q_MSG_KIND,
	Q_SEEN, Q_GONE,
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_MSG_ADD] = "INSERT INTO messages (source, folder, uidvalidity, uid,"
	    " sha256, report_msgid, size, received_at, format, status, reason,"
	    " raw, kind, arrived_at, file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10, ?11, ?12, ?13, nullif(?14, 0), ?15)"
	    " ON CONFLICT (sha256) DO NOTHING",
	[Q_REPORT_ADD] = "INSERT INTO reports (message, report_key, format,"
	    " role, feedback_type, category, reporter, occurred_at,"
	    " occurred_known, day, source_ip, origin_ip, auth_user,"
	    " identity_header, smtp_auth, mail_from, rcpt_to, subject,"
	    " message_id, envelope_id, outgoing_class, review, customer,"
	    " resolved_by, resolve_note, occurred_note) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	    " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"
	    " ON CONFLICT (report_key) DO NOTHING",
	[Q_LOCAL_SEEN] = "SELECT 1 FROM local_seen WHERE source = ?1"
	    " AND name = ?2",
	[Q_LOCAL_MARK] = "INSERT OR IGNORE INTO local_seen (source, name)"
	    " VALUES (?1, ?2)",
	[Q_CP_GET] = "SELECT uidvalidity, last_uid FROM mailbox_state"
	    " WHERE source = ?1 AND folder = ?2",
	[Q_CP_SET] = "INSERT INTO mailbox_state (source, folder, uidvalidity,"
	    " last_uid, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (source, folder) DO UPDATE SET"
	    " uidvalidity = excluded.uidvalidity,"
	    " last_uid = excluded.last_uid, updated_at = excluded.updated_at",
	[Q_CASE_IP] = "INSERT OR IGNORE INTO case_ips (customer, day, ip)"
	    " VALUES (?1, ?2, ?3)",
	[Q_CASE_REPORTER] = "INSERT OR IGNORE INTO case_reporters (customer,"
	    " day, reporter) VALUES (?1, ?2, ?3)",
	[Q_CASE_COUNT] = "INSERT INTO cases (customer, day, internal_reports,"
	    " external_reports, distinct_source_ips, distinct_reporters,"
	    " first_seen, last_seen, confidence, score, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, 0, ?9)"
	    " ON CONFLICT (customer, day) DO UPDATE SET"
	    " internal_reports = internal_reports + excluded.internal_reports,"
	    " external_reports = external_reports + excluded.external_reports,"
	    " distinct_source_ips = distinct_source_ips +"
	    " excluded.distinct_source_ips,"
	    " distinct_reporters = distinct_reporters +"
	    " excluded.distinct_reporters,"
	    " first_seen = min(first_seen, excluded.first_seen),"
	    " last_seen = max(last_seen, excluded.last_seen),"
	    " updated_at = excluded.updated_at",
	[Q_CASE_GET] = "SELECT internal_reports, external_reports,"
	    " distinct_source_ips, distinct_reporters, first_seen, last_seen,"
	    " confidence, score, coalesce(escalated_at, 0), escalated_role"
	    " FROM cases WHERE customer = ?1 AND day = ?2",
	[Q_CASE_PUT] = "INSERT INTO cases (customer, day, internal_reports,"
	    " external_reports, distinct_source_ips, distinct_reporters,"
	    " first_seen, last_seen, confidence, score, escalated_at,"
	    " updated_at, escalated_role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10, nullif(?11, 0), ?12, nullif(?13, ''))"
	    " ON CONFLICT (customer, day) DO UPDATE SET"
	    " internal_reports = excluded.internal_reports,"
	    " external_reports = excluded.external_reports,"
	    " distinct_source_ips = excluded.distinct_source_ips,"
	    " distinct_reporters = excluded.distinct_reporters,"
	    " first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
	    " confidence = excluded.confidence, score = excluded.score,"
	    " escalated_at = excluded.escalated_at,"
	    " escalated_role = excluded.escalated_role,"
	    " updated_at = excluded.updated_at",
	[Q_EVENT_ADD] = "INSERT INTO events (kind, customer, day, created_at)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[Q_RUN_START] = "INSERT INTO runs (command, started_at) VALUES (?1, ?2)",
	[Q_RUN_FINISH] = "UPDATE runs SET finished_at = ?2, status = ?3,"
	    " messages = ?4, reports = ?5, duplicates = ?6, quarantined = ?7,"
	    " ignored = ?8, errors = ?9, error = ?10 WHERE id = ?1",
	/* A sliding window: the report count-1 places earlier in time
	 * order (lag) is within the window of this one. */
	[Q_CASE_BURST] = "SELECT t FROM (SELECT occurred_at AS t,"
	    " lag(occurred_at, ?4) OVER (ORDER BY occurred_at, id) AS s"
	    " FROM reports WHERE customer = ?1 AND day = ?2 AND role = ?3"
	    " AND state = 'counted'"
	    " AND occurred_at >= ?7 AND occurred_at <= ?6)"
	    " WHERE s IS NOT NULL AND t - s < ?5 ORDER BY t LIMIT 1",
	[Q_EVENT_ID] = "SELECT id FROM events WHERE kind = ?1"
	    " AND customer = ?2 AND day = ?3",
	[Q_CACHE_GET] = "SELECT customer FROM resolver_cache WHERE key = ?1"
	    " AND expires_at > ?2",
	[Q_CACHE_PUT] = "INSERT INTO resolver_cache (key, customer, expires_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET"
	    " customer = excluded.customer, expires_at = excluded.expires_at",
	[Q_CACHE_PURGE] = "DELETE FROM resolver_cache WHERE expires_at <= ?1",
	[Q_REPORT_STATE] = "UPDATE reports SET state = ?2, evidence = ?3"
	    " WHERE id = ?1",
	[Q_MSG_KIND] = "UPDATE messages SET status = ?2, kind = ?3,"
	    " reason = ?4 WHERE id = ?1",
	[Q_GONE] = "SELECT 1 FROM message_gone WHERE hash = substr(?1, 1, 32)",
	[Q_SEEN] = "INSERT INTO source_seen (source, folder, last_at,"
	    " duplicates, arrived_last) VALUES (?1, coalesce(?2, ''), ?3, ?4,"
	    " min(coalesce(nullif(?5, 0), ?3), ?3))"
	    " ON CONFLICT (source, folder) DO UPDATE SET"
	    " last_at = max(last_at, excluded.last_at),"
	    " duplicates = duplicates + excluded.duplicates,"
	    " arrived_last = max(coalesce(arrived_last, 0),"
	    " excluded.arrived_last)",
};

struct store {
	sqlite3		*db;
	char		*path;
	int		 flags;
	int		 full;		/* a write found the disk full */
	sqlite3_stmt	*st[Q_COUNT];
};

/*
 * An error of the connection, naming what failed (what may be NULL).
 * A write that found no room (SQLITE_FULL; an I/O error whose errno says
 * the same) is a temporary failure like a busy store: its transaction is
 * rolled back whole, so the run after someone freed space stores what
 * this one could not, once.  The error says where to free it.
 */
static enum rc
fail_text(struct store *s, struct err *e, const char *what, const char *msg)
{
	int code = sqlite3_errcode(s->db);
	char advice[256];

	if (code == SQLITE_FULL || (code == SQLITE_IOERR &&
	    errno_full(sqlite3_system_errno(s->db)))) {
		s->full = 1;
		fs_full_advice(s->path, advice, sizeof(advice));
		return err_set(e, RC_TEMP, "store %s: %s%s%s; %s", s->path,
		    what ? what : "", what ? ": " : "", msg, advice);
	}
	return err_set(e, code == SQLITE_BUSY || code == SQLITE_LOCKED ?
	    RC_TEMP : RC_FATAL, "store %s: %s%s%s", s->path, what ? what : "",
	    what ? ": " : "", msg);
}

static enum rc
db_err(struct store *s, struct err *e, const char *what)
{
	return fail_text(s, e, what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *
prep(struct store *s, enum stmt q, struct err *e)
{
	if (s->st[q] == NULL &&
	    sqlite3_prepare_v3(s->db, sql[q], -1, SQLITE_PREPARE_PERSISTENT,
	    &s->st[q], NULL) != SQLITE_OK) {
		db_err(s, e, "prepare");
		return NULL;
	}
	sqlite3_reset(s->st[q]);
	sqlite3_clear_bindings(s->st[q]);
	return s->st[q];
}


static enum rc
exec(struct store *s, const char *q, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, q, NULL, NULL, &msg) != SQLITE_OK) {
		if (e != NULL)
			(void)fail_text(s, e, NULL, msg ? msg :
			    sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return e != NULL ? e->rc : RC_FATAL;
	}
	return RC_OK;
}

/* Run one statement to completion; a row is not expected. */
static enum rc
step_done(struct store *s, sqlite3_stmt *st, struct err *e, const char *what)
{
	int r = sqlite3_step(st);

	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_err(s, e, what);
	}
	sqlite3_reset(st);
	return RC_OK;
}

static enum rc
migrate(struct store *s, struct err *e)
{
	sqlite3_stmt *st;
	int version = 0, i;
	enum rc rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_err(s, e, "read schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > NMIGRATIONS)
		return err_set(e, RC_FATAL, "store %s has schema version %d, "
		    "newer than this program's %d", s->path, version,
		    NMIGRATIONS);
	if (version == NMIGRATIONS)
		return RC_OK;
	if (s->flags & STORE_READONLY)
		return err_set(e, RC_FATAL, "store %s has schema version %d; "
		    "run 'abuse-collector collect' once to upgrade it",
		    s->path, version);
	/* A new store reclaims the space of what prune deletes from the
	 * start; the setting takes effect only before the first table. */
	if (version == 0 && (rc = exec(s, "PRAGMA auto_vacuum = INCREMENTAL",
	    e)) != RC_OK)
		return rc;
	if ((rc = exec(s, "BEGIN IMMEDIATE", e)) != RC_OK)
		return rc;
	for (i = version; i < NMIGRATIONS; i++) {
		char pragma[64];

		if ((rc = exec(s, migrations[i], e)) != RC_OK)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    i + 1);
		if ((rc = exec(s, pragma, e)) != RC_OK)
			goto fail;
	}
	return exec(s, "COMMIT", e);
fail:
	(void)exec(s, "ROLLBACK", NULL);
	return rc;
}

/*
 * A store made before retention does not give the space of deleted rows
 * back: auto_vacuum changes only with a VACUUM, which cannot run inside
 * a transaction, so it is done here once, after the migration that asks
 * for it committed.  A VACUUM that cannot run now (another connection
 * busy, no room for the copy) is tried again at the next open.
 */
static void
vacuum_switch(struct store *s)
{
	sqlite3_stmt *st;
	int pending = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT vacuum_switch FROM retention",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		pending = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!pending)
		return;
	log_info("store %s: switching to incremental vacuum (a VACUUM, "
	    "once)", s->path);
	if (sqlite3_exec(s->db, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM",
	    NULL, NULL, NULL) != SQLITE_OK) {
		log_warn("store %s: VACUUM: %s; tried again next time",
		    s->path, sqlite3_errmsg(s->db));
		return;
	}
	(void)sqlite3_exec(s->db, "UPDATE retention SET vacuum_switch = 0",
	    NULL, NULL, NULL);
}

enum rc
store_open(struct store **sp, const char *path, int flags, struct err *e)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int oflags;
	enum rc rc;

	*sp = NULL;
	s->flags = flags;
	s->path = xstrdup(flags & STORE_SCRATCH ? ":memory:" : path);
	oflags = flags & STORE_READONLY ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(s->path, &s->db, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		rc = err_set(e, RC_FATAL, "cannot open store %s: %s", path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	store_functions(s->db);
	sqlite3_extended_result_codes(s->db, 0);
	if (!(flags & (STORE_READONLY | STORE_SCRATCH)) &&
	    (rc = exec(s, "PRAGMA journal_mode = WAL", e)) != RC_OK)
		goto fail;
	/* FULL: a commit is on disk before COMMIT returns.  What follows a
	 * commit (moving messages on the server, marking a webhook
	 * delivered) must not be undone by a power failure that NORMAL
	 * would let take back the last transactions. */
	if ((rc = exec(s, "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = FULL", e)) != RC_OK)
		goto fail;
	if ((rc = migrate(s, e)) != RC_OK)
		goto fail;
	if (!(flags & (STORE_READONLY | STORE_SCRATCH)))
		vacuum_switch(s);
	*sp = s;
	return RC_OK;
fail:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

int
store_full(const struct store *s)
{
	return s->full;
}

enum rc
store_begin(struct store *s, struct err *e)
{
	return exec(s, "BEGIN IMMEDIATE", e) == RC_OK ? RC_OK :
	    db_err(s, e, "begin");
}

enum rc
store_commit(struct store *s, struct err *e)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_err(s, e, "commit");
	return RC_OK;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* 1 when the statement yields a row, 0 when not, -1 on error. */
static int
exists(struct store *s, sqlite3_stmt *st, struct err *e)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	if (r == SQLITE_ROW)
		return 1;
	if (r == SQLITE_DONE)
		return 0;
	db_err(s, e, "query");
	return -1;
}

enum rc
store_message_add(struct store *s, const struct stored_msg *m, int64_t *id,
    int *dup, struct err *e)
{
	sqlite3_stmt *st, *gst;
	enum rc rc;
	int gone;

	/* A message pruned once stays a duplicate (message_gone). */
	if ((gst = prep(s, Q_GONE, e)) == NULL)
		return e->rc;
	bind_text(gst, 1, m->sha256);
	if ((gone = exists(s, gst, e)) < 0)
		return e->rc;
	if (gone) {
		*dup = 1;
		*id = 0;
		goto seen;
	}
	if ((st = prep(s, Q_MSG_ADD, e)) == NULL)
		return e->rc;
	bind_text(st, 1, m->source);
	bind_text(st, 2, m->folder);
	if (m->uid != 0) {
		sqlite3_bind_int64(st, 3, m->uidvalidity);
		sqlite3_bind_int64(st, 4, m->uid);
	}
	bind_text(st, 5, m->sha256);
	bind_text(st, 6, m->report_msgid);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)m->size);
	sqlite3_bind_int64(st, 8, m->received_at);
	bind_text(st, 9, m->format);
	bind_text(st, 10, status_name(m->status));
	bind_text(st, 11, m->reason);
	if (m->raw != NULL)
		sqlite3_bind_blob64(st, 12, m->raw, m->raw_len, SQLITE_STATIC);
	bind_text(st, 13, m->kind);
	sqlite3_bind_int64(st, 14, m->arrived_at);
	bind_text(st, 15, m->file);
	if ((rc = step_done(s, st, e, "store message")) != RC_OK)
		return rc;
	*dup = sqlite3_changes(s->db) == 0;
	*id = *dup ? 0 : sqlite3_last_insert_rowid(s->db);
	if (!*dup && m->kept != NULL &&
	    (rc = store_raw_put(s, *id, m->kept_codec, m->kept, m->kept_len,
	    e)) != RC_OK)
		return rc;
seen:
	if ((st = prep(s, Q_SEEN, e)) == NULL)
		return e->rc;
	bind_text(st, 1, m->source);
	bind_text(st, 2, m->folder);
	sqlite3_bind_int64(st, 3, m->received_at);
	sqlite3_bind_int(st, 4, *dup);
	sqlite3_bind_int64(st, 5, m->arrived_at);
	return step_done(s, st, e, "note the source's message");
}

/* 1 when the statement changed a row, 0 when not, -1 on error. */
static int
changed(struct store *s, sqlite3_stmt *st, struct err *e, const char *what)
{
	if (step_done(s, st, e, what) != RC_OK)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static enum rc
report_state_set(struct store *s, int64_t id, const char *state,
    const char *evidence, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_REPORT_STATE, e);

	if (st == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, state);
	bind_text(st, 3, evidence);
	return step_done(s, st, e, "store report state");
}

/*
 * A new report counts into its case at once, so a case never has to be
 * counted again from all its reports: the distinct addresses and
 * reporters are remembered per case, and only a first one adds to the
 * count.
 */
static enum rc
case_count(struct store *s, const struct report *r, const char *day,
    time_t when, struct err *e)
{
	const char *customer = r->customer ? r->customer : "(unresolved)";
	const char *ip = r->origin_ip ? r->origin_ip : r->source_ip;
	int external = r->role == ROLE_EXTERNAL, new_ip = 0, new_rep = 0;
	sqlite3_stmt *st;

	if (ip != NULL) {
		if ((st = prep(s, Q_CASE_IP, e)) == NULL)
			return e->rc;
		bind_text(st, 1, customer);
		bind_text(st, 2, day);
		bind_text(st, 3, ip);
		if ((new_ip = changed(s, st, e, "count case address")) < 0)
			return e->rc;
	}
	if (external && r->reporter != NULL) {
		if ((st = prep(s, Q_CASE_REPORTER, e)) == NULL)
			return e->rc;
		bind_text(st, 1, customer);
		bind_text(st, 2, day);
		bind_text(st, 3, r->reporter);
		if ((new_rep = changed(s, st, e, "count case reporter")) < 0)
			return e->rc;
	}
	if ((st = prep(s, Q_CASE_COUNT, e)) == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	sqlite3_bind_int(st, 3, !external);
	sqlite3_bind_int(st, 4, external);
	sqlite3_bind_int(st, 5, new_ip);
	sqlite3_bind_int(st, 6, new_rep);
	sqlite3_bind_int64(st, 7, when);
	bind_text(st, 8, external ? "external" : "internal");
	sqlite3_bind_int64(st, 9, time(NULL));
	return step_done(s, st, e, "count case");
}

enum rc
store_report_add(struct store *s, int64_t message_row,
    const struct report *r, const char *key, const char *day, time_t when,
    int *dup, struct err *e)
{
	return store_report_add_as(s, message_row, r, key, day, when,
	    "counted", NULL, dup, e);
}

enum rc
store_report_add_as(struct store *s, int64_t message_row,
    const struct report *r, const char *key, const char *day, time_t when,
    const char *state, const char *evidence, int *dup, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_REPORT_ADD, e);
	char *rcpt = NULL, *next;
	size_t i;
	enum rc rc;

	if (st == NULL)
		return e->rc;
	/* Recipients are kept as a JSON array. */
	for (i = 0; i < r->nrcpt; i++) {
		next = json_append_str(rcpt, r->rcpt_to[i]);
		free(rcpt);
		rcpt = next;
	}
	sqlite3_bind_int64(st, 1, message_row);
	bind_text(st, 2, key);
	bind_text(st, 3, r->format);
	bind_text(st, 4, role_name(r->role));
	bind_text(st, 5, r->feedback_type);
	bind_text(st, 6, r->category);
	bind_text(st, 7, r->reporter);
	sqlite3_bind_int64(st, 8, when);
	sqlite3_bind_int(st, 9, r->occurred_at != 0);
	bind_text(st, 10, day);
	bind_text(st, 11, r->source_ip);
	bind_text(st, 12, r->origin_ip);
	bind_text(st, 13, r->auth_user);
	bind_text(st, 14, r->identity_header);
	bind_text(st, 15, r->smtp_auth);
	bind_text(st, 16, r->mail_from);
	bind_text(st, 17, rcpt);
	bind_text(st, 18, r->subject);
	bind_text(st, 19, r->message_id);
	bind_text(st, 20, r->envelope_id);
	bind_text(st, 21, r->outgoing_class);
	sqlite3_bind_int(st, 22, r->review);
	bind_text(st, 23, r->customer ? r->customer : "(unresolved)");
	bind_text(st, 24, r->resolved_by);
	bind_text(st, 25, r->resolve_note);
	bind_text(st, 26, r->occurred_note);
	rc = step_done(s, st, e, "store report");
	if (rc == RC_OK)
		*dup = sqlite3_changes(s->db) == 0;
	if (rc == RC_OK && !*dup && (strcmp(state, "counted") != 0 ||
	    evidence != NULL))
		rc = report_state_set(s, sqlite3_last_insert_rowid(s->db),
		    state, evidence, e);
	/* Only what counts goes into its case. */
	if (rc == RC_OK && !*dup && strcmp(state, "counted") == 0)
		rc = case_count(s, r, day, when, e);
	free(rcpt);
	return rc;
}

enum rc
store_message_classify(struct store *s, int64_t id, enum msg_status status,
    const char *kind, const char *reason, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_MSG_KIND, e);

	if (st == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, status_name(status));
	bind_text(st, 3, kind);
	bind_text(st, 4, reason);
	return step_done(s, st, e, "classify message");
}

int
store_local_seen(struct store *s, const char *source, const char *name,
    struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_LOCAL_SEEN, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, source);
	bind_text(st, 2, name);
	return exists(s, st, e);
}

enum rc
store_local_mark(struct store *s, const char *source, const char *name,
    struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_LOCAL_MARK, e);

	if (st == NULL)
		return e->rc;
	bind_text(st, 1, source);
	bind_text(st, 2, name);
	return step_done(s, st, e, "remember message");
}

enum rc
store_checkpoint_get(struct store *s, const char *source, const char *folder,
    uint32_t *uidvalidity, uint32_t *last_uid, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CP_GET, e);
	int r;

	*uidvalidity = *last_uid = 0;
	if (st == NULL)
		return e->rc;
	bind_text(st, 1, source);
	bind_text(st, 2, folder);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*uidvalidity = (uint32_t)sqlite3_column_int64(st, 0);
		*last_uid = (uint32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK :
	    db_err(s, e, "read checkpoint");
}

enum rc
store_checkpoint_set(struct store *s, const char *source, const char *folder,
    uint32_t uidvalidity, uint32_t last_uid, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CP_SET, e);

	if (st == NULL)
		return e->rc;
	bind_text(st, 1, source);
	bind_text(st, 2, folder);
	sqlite3_bind_int64(st, 3, uidvalidity);
	sqlite3_bind_int64(st, 4, last_uid);
	sqlite3_bind_int64(st, 5, time(NULL));
	return step_done(s, st, e, "save checkpoint");
}

enum rc
store_case_get(struct store *s, const char *customer, const char *day,
    struct case_row *c, int *found, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CASE_GET, e);
	int r;

	memset(c, 0, sizeof(*c));
	*found = 0;
	if (st == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*found = 1;
		snprintf(c->customer, sizeof(c->customer), "%s", customer);
		snprintf(c->day, sizeof(c->day), "%s", day);
		c->internal_reports = sqlite3_column_int64(st, 0);
		c->external_reports = sqlite3_column_int64(st, 1);
		c->distinct_source_ips = sqlite3_column_int64(st, 2);
		c->distinct_reporters = sqlite3_column_int64(st, 3);
		c->first_seen = sqlite3_column_int64(st, 4);
		c->last_seen = sqlite3_column_int64(st, 5);
		store_col(st, 6, c->confidence, sizeof(c->confidence));
		c->score = sqlite3_column_double(st, 7);
		c->escalated_at = sqlite3_column_int64(st, 8);
		store_col(st, 9, c->escalated_role, sizeof(c->escalated_role));
	}
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK :
	    db_err(s, e, "read case");
}

enum rc
store_case_put(struct store *s, const struct case_row *c, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CASE_PUT, e);

	if (st == NULL)
		return e->rc;
	bind_text(st, 1, c->customer);
	bind_text(st, 2, c->day);
	sqlite3_bind_int64(st, 3, c->internal_reports);
	sqlite3_bind_int64(st, 4, c->external_reports);
	sqlite3_bind_int64(st, 5, c->distinct_source_ips);
	sqlite3_bind_int64(st, 6, c->distinct_reporters);
	sqlite3_bind_int64(st, 7, c->first_seen);
	sqlite3_bind_int64(st, 8, c->last_seen);
	bind_text(st, 9, c->confidence);
	sqlite3_bind_double(st, 10, c->score);
	sqlite3_bind_int64(st, 11, c->escalated_at);
	sqlite3_bind_int64(st, 12, time(NULL));
	bind_text(st, 13, c->escalated_role);
	return step_done(s, st, e, "save case");
}

enum rc
store_event_add(struct store *s, const char *kind, const char *customer,
    const char *day, time_t when, int *created, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_EVENT_ADD, e);
	enum rc rc;

	if (st == NULL)
		return e->rc;
	bind_text(st, 1, kind);
	bind_text(st, 2, customer);
	bind_text(st, 3, day);
	sqlite3_bind_int64(st, 4, when);
	if ((rc = step_done(s, st, e, "record event")) == RC_OK)
		*created = sqlite3_changes(s->db) > 0;
	return rc;
}

enum rc
store_run_start(struct store *s, const char *command, int64_t *id,
    struct err *e)
{
	sqlite3_stmt *st;
	enum rc rc;

	/* The caller holds the lock: a run without an end is not running
	 * any more. */
	if ((rc = exec(s, "UPDATE runs SET error = 'interrupted: the run "
	    "ended without recording its end (killed, or the machine "
	    "stopped)' WHERE finished_at IS NULL AND error IS NULL", e)) !=
	    RC_OK)
		return rc;
	if ((st = prep(s, Q_RUN_START, e)) == NULL)
		return e->rc;
	bind_text(st, 1, command);
	sqlite3_bind_int64(st, 2, time(NULL));
	if ((rc = step_done(s, st, e, "record run")) == RC_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* Q_RUN_FINISH's ?4 to ?9: the run's counts. */
static void
bind_counts(sqlite3_stmt *st, const struct run_counts *c)
{
	sqlite3_bind_int64(st, 4, c->messages);
	sqlite3_bind_int64(st, 5, c->reports);
	sqlite3_bind_int64(st, 6, c->duplicates);
	sqlite3_bind_int64(st, 7, c->quarantined);
	sqlite3_bind_int64(st, 8, c->ignored);
	sqlite3_bind_int64(st, 9, c->errors);
}

enum rc
store_run_finish(struct store *s, int64_t id, int status,
    const struct run_counts *c, const char *error, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_RUN_FINISH, e);

	if (st == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, time(NULL));
	sqlite3_bind_int(st, 3, status);
	bind_counts(st, c);
	bind_text(st, 10, error);
	return step_done(s, st, e, "record run");
}

enum rc
store_run_progress(struct store *s, int64_t id, const struct run_counts *c,
    struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_RUN_FINISH, e);

	if (st == NULL)
		return e->rc;
	/* The same statement, with no end, status or error yet. */
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_null(st, 2);
	sqlite3_bind_null(st, 3);
	bind_counts(st, c);
	sqlite3_bind_null(st, 10);
	return step_done(s, st, e, "record run");
}

/* Resolver and correlation. */

enum rc
store_case_burst(struct store *s, const char *customer, const char *day,
    const char *role, long count, long long window, time_t after,
    time_t before, time_t *at, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CASE_BURST, e);
	int r;

	*at = 0;
	if (st == NULL)
		return e->rc;
	bind_text(st, 1, customer);
	bind_text(st, 2, day);
	bind_text(st, 3, role);
	sqlite3_bind_int64(st, 4, count - 1);
	sqlite3_bind_int64(st, 5, window);
	sqlite3_bind_int64(st, 6, before);
	sqlite3_bind_int64(st, 7, after);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK :
	    db_err(s, e, "find escalation");
}

enum rc
store_event_id(struct store *s, const char *kind, const char *customer,
    const char *day, int64_t *id, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_EVENT_ID, e);
	int r;

	*id = 0;
	if (st == NULL)
		return e->rc;
	bind_text(st, 1, kind);
	bind_text(st, 2, customer);
	bind_text(st, 3, day);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK :
	    db_err(s, e, "read event");
}

enum rc
store_cache_get(struct store *s, const char *key, time_t now, int *found,
    char **customer, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CACHE_GET, e);
	const unsigned char *v;
	int r;

	*found = 0;
	*customer = NULL;
	if (st == NULL)
		return e->rc;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*found = 1;
		if ((v = sqlite3_column_text(st, 0)) != NULL)
			*customer = xstrdup((const char *)v);
	}
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? RC_OK :
	    db_err(s, e, "read resolver cache");
}

enum rc
store_cache_put(struct store *s, const char *key, const char *customer,
    time_t expires_at, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CACHE_PUT, e);

	if (st == NULL)
		return e->rc;
	bind_text(st, 1, key);
	bind_text(st, 2, customer);
	sqlite3_bind_int64(st, 3, expires_at);
	return step_done(s, st, e, "write resolver cache");
}

enum rc
store_cache_purge(struct store *s, time_t now, struct err *e)
{
	sqlite3_stmt *st = prep(s, Q_CACHE_PURGE, e);

	if (st == NULL)
		return e->rc;
	sqlite3_bind_int64(st, 1, now);
	return step_done(s, st, e, "purge resolver cache");
}

/* For the other store files (store_impl.h). */
sqlite3 *
store_handle(struct store *s)
{
	return s->db;
}

enum rc
store_fail(struct store *s, struct err *e, const char *what)
{
	return db_err(s, e, what);
}

sqlite3_stmt *
store_prepare(struct store *s, const char *q, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK) {
		store_fail(s, e, "prepare");
		return NULL;
	}
	return st;
}

enum rc
store_finish(struct store *s, sqlite3_stmt *st, const char *what,
    long *changes, struct err *e)
{
	int r = sqlite3_step(st);
	enum rc rc = RC_OK;

	if (r != SQLITE_DONE && r != SQLITE_ROW)
		rc = store_fail(s, e, what);
	else if (changes != NULL)
		*changes = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return rc;
}

void
store_col(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(out, outsz, "%s", v ? (const char *)v : "");
}
