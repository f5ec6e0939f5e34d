/*
 * The SQLite store.  store.c is the only file that knows SQLite's storage
 * API; every statement is prepared with bound parameters.  The schema is
 * migrated forward through PRAGMA user_version when the store is opened.
 *
 * Writes happen inside store_begin/store_commit: a batch of messages, its
 * reports, case updates, events and the source's checkpoint commit
 * together or not at all.
 */
#ifndef AC_STORE_H
#define AC_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "report.h"
#include "util.h"

struct store;

#define STORE_READONLY	0x1	/* never write; fail if missing */
#define STORE_SCRATCH	0x2	/* in memory (a dry run without a store) */

/* RC_FATAL when the file cannot be opened or has a newer schema;
 * RC_TEMP when another process holds it too long. */
enum rc store_open(struct store **sp, const char *path, int flags,
    struct err *e);
void store_close(struct store *s);
const char *store_path(const struct store *s);
/* 1 once a write found no room on the store's file system: the error
 * (RC_TEMP) says where to free space; writing on is pointless. */
int store_full(const struct store *s);

enum rc store_begin(struct store *s, struct err *e);
enum rc store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/* A message as fetched, before or after parsing. */
struct stored_msg {
	const char	*source;
	const char	*folder;
	uint32_t	 uidvalidity;	/* IMAP only, else 0 */
	uint32_t	 uid;
	const char	*sha256;	/* hex of the raw bytes */
	const char	*report_msgid;	/* the report's own Message-ID */
	size_t		 size;
	time_t		 received_at;
	const char	*format;
	enum msg_status	 status;
	const char	*reason;
	const char	*kind;		/* ignored: what it is (report.h) */
	const char	*raw;		/* kept only when quarantined */
	size_t		 raw_len;
	time_t		 arrived_at;	/* 0: unknown (as received_at) */
	const char	*file;		/* the file it was read from, or NULL */
	/* Evidence: the raw bytes packed (rawz.h) in codec, kept apart
	 * for [store] keep_raw; NULL: not kept. */
	const char	*kept;
	size_t		 kept_len;
	const char	*kept_codec;
};

/* Insert; *id gets the row id, and the kept bytes are stored with it.
 * A known hash is RC_OK with *dup = 1.
 * Either way the source and folder are noted as having had a message
 * committed at received_at (and one more duplicate), for status. */
enum rc store_message_add(struct store *s, const struct stored_msg *m,
    int64_t *id, int *dup, struct err *e);

/* Insert a report; a known report key is RC_OK with *dup = 1.  A new
 * report is counted into its case (customer, day) at once: the counts,
 * distinct addresses and reporters, first and last seen. */
enum rc store_report_add(struct store *s, int64_t message_row,
    const struct report *r, const char *key, const char *day,
    time_t when, int *dup, struct err *e);

/* The same, in a state: "counted" (as store_report_add), "unverified"
 * (waits for review) or "dismissed"; only a counted report goes into
 * its case.  evidence (may be NULL) says why it counts or not. */
enum rc store_report_add_as(struct store *s, int64_t message_row,
    const struct report *r, const char *key, const char *day,
    time_t when, const char *state, const char *evidence, int *dup,
    struct err *e);

/* Settle a stored message as status with its kind and reason, once it is
 * known to be what the parser could not tell alone (a customer's reply). */
enum rc store_message_classify(struct store *s, int64_t id,
    enum msg_status status, const char *kind, const char *reason,
    struct err *e);

/* What a Maildir source has processed, by unique file name. */
int store_local_seen(struct store *s, const char *source, const char *name,
    struct err *e);
enum rc store_local_mark(struct store *s, const char *source,
    const char *name, struct err *e);

/* Checkpoint of a source folder; both 0 when there is none. */
enum rc store_checkpoint_get(struct store *s, const char *source,
    const char *folder, uint32_t *uidvalidity, uint32_t *last_uid,
    struct err *e);
enum rc store_checkpoint_set(struct store *s, const char *source,
    const char *folder, uint32_t uidvalidity, uint32_t last_uid,
    struct err *e);

/*
 * What the server still owes committed messages of an imap source
 * (after = seen or move: the action, and the target folder of a move),
 * one row per UID (store_pending.c).  store_pending_add belongs in the
 * batch's own transaction; the others run in transactions of their own,
 * so no other may be open.
 */
enum rc store_pending_add(struct store *s, const char *source,
    const char *folder, uint32_t uidvalidity, const char *action,
    const char *target, const uint32_t *uids, size_t n, struct err *e);
/* How far the COPY of a move without MOVE went. */
#define PENDING_NOT_COPIED	0
#define PENDING_COPIED		1	/* done: \Deleted, EXPUNGE left */
#define PENDING_COPY_SENT	2	/* sent, its answer not seen */
enum rc store_pending_copied(struct store *s, const char *source,
    const char *folder, uint32_t uidvalidity, const uint32_t *uids,
    size_t n, int copied, struct err *e);
/* The server has done it: forget uids. */
enum rc store_pending_done(struct store *s, const char *source,
    const char *folder, uint32_t uidvalidity, const uint32_t *uids,
    size_t n, struct err *e);
/* Up to max pending UIDs above after_uid, in order, with how far the
 * COPY of each went (PENDING_*). */
enum rc store_pending_next(struct store *s, const char *source,
    const char *folder, uint32_t uidvalidity, uint32_t after_uid,
    size_t max, uint32_t *uids, int *copied, size_t *n, struct err *e);
/* How many UIDs of the folder wait, whatever their UIDVALIDITY. */
enum rc store_pending_count(struct store *s, const char *source,
    const char *folder, long *n, struct err *e);
/* Forget the rows of any other UIDVALIDITY than uidvalidity: *n of
 * them, *old the highest such UIDVALIDITY. */
enum rc store_pending_drop_stale(struct store *s, const char *source,
    const char *folder, uint32_t uidvalidity, uint32_t *old, long *n,
    struct err *e);
/* Forget every row of the folder (*n of them). */
enum rc store_pending_drop(struct store *s, const char *source,
    const char *folder, long *n, struct err *e);
/* The server refused the action: count it and keep its answer, for
 * status. */
enum rc store_pending_refused(struct store *s, const char *source,
    const char *folder, const char *error, struct err *e);

/* One customer on one day. */
struct case_row {
	char		customer[MAX_CUSTOMER_LEN + 1];
	char		day[11];
	long		internal_reports;
	long		external_reports;
	long		distinct_source_ips;
	long		distinct_reporters;
	time_t		first_seen;
	time_t		last_seen;
	char		confidence[16];
	double		score;
	time_t		escalated_at;	/* 0: not escalated */
	char		escalated_role[16];	/* "internal", "external" or "" */
};

/* The stored case; RC_OK with *found = 0 when none. */
enum rc store_case_get(struct store *s, const char *customer,
    const char *day, struct case_row *c, int *found, struct err *e);
enum rc store_case_put(struct store *s, const struct case_row *c,
    struct err *e);

/* Record an event once: *created = 0 when (kind, customer, day) exists. */
enum rc store_event_add(struct store *s, const char *kind,
    const char *customer, const char *day, time_t when, int *created,
    struct err *e);

/* Resolver and correlation (the resolver block). */

/*
 * The first moment count reports of role in (customer, day) fall within
 * window seconds (occurred_at of the count-th of them), considering only
 * reports that occurred from `after` to `before`; *at = 0 when none.
 */
enum rc store_case_burst(struct store *s, const char *customer,
    const char *day, const char *role, long count, long long window,
    time_t after, time_t before, time_t *at, struct err *e);

/* The id of the event (kind, customer, day); 0 when there is none. */
enum rc store_event_id(struct store *s, const char *kind,
    const char *customer, const char *day, int64_t *id, struct err *e);

/*
 * The resolver's lookup cache.  store_cache_get: *found = 1 when key has
 * an entry that has not expired at now; *customer (caller frees) is then
 * its customer, NULL for "the lookup knew none".
 */
enum rc store_cache_get(struct store *s, const char *key, time_t now,
    int *found, char **customer, struct err *e);
enum rc store_cache_put(struct store *s, const char *key,
    const char *customer, time_t expires_at, struct err *e);
/* Forget entries expired at now. */
enum rc store_cache_purge(struct store *s, time_t now, struct err *e);

/* Runs, for status and run health.  store_run_start is called under
 * the lock: the runs before it that never recorded their end were
 * interrupted, and are marked so (their error says it). */
enum rc store_run_start(struct store *s, const char *command, int64_t *id,
    struct err *e);
struct run_counts {
	long	messages, reports, duplicates, quarantined, ignored, errors;
};
enum rc store_run_finish(struct store *s, int64_t id, int status,
    const struct run_counts *c, const char *error, struct err *e);
/* The counters of run id so far, for the summaries it writes itself;
 * the run stays unfinished. */
enum rc store_run_progress(struct store *s, int64_t id,
    const struct run_counts *c, struct err *e);

/* A source that failed in run id (0: no run recorded; ignored). */
enum rc store_run_error(struct store *s, int64_t run, const char *source,
    const char *error, struct err *e);
/* How collecting source went at now: error NULL when it went through
 * (its failures in a row end), else the error as logged (at most
 * SOURCE_ERROR_MAX bytes of it are kept). */
enum rc store_source_result(struct store *s, const char *source,
    const char *error, time_t now, struct err *e);

/* What the alerts of a source are judged on (alerts.h). */
struct source_watch {
	long	 failures;	/* collections in a row that failed */
	time_t	 failing_since;	/* 0: it went through last */
	char	*last_error;	/* NULL: none */
	time_t	 alerted_failing;	/* source.failing open since; 0: none */
	time_t	 alerted_silent;	/* source.silent open since; 0: none */
	time_t	 newest;	/* newest arrival of its messages; 0: none */
};

/* Read source's watch (zeros when it was never collected); release
 * last_error with free(). */
enum rc store_source_watch(struct store *s, const char *source,
    struct source_watch *w, struct err *e);
/*
 * Record alert kind (source.failing, source.silent, source.recovered)
 * of source at now with its detail; *id gets its number.  which names
 * the alert it opens (raise 1: now open since now) or closes (raise 0).
 */
enum alert_which { ALERT_FAILING, ALERT_SILENT };

enum rc store_alert_add(struct store *s, const char *source,
    const char *kind, enum alert_which which, int raise, time_t now,
    const char *detail, int64_t *id, struct err *e);

/*
 * The outbox: webhooks and emails waiting to go out (store_out.c).  Rows
 * are added inside the transaction that creates their event.  Each step
 * of a delivery is its own small transaction, so a crash between sending
 * and marking costs one more delivery under the same key, never a lost
 * event.
 */
#define OUTBOX_TARGET_MAX	300

struct outbox_row {
	int64_t	 id;
	char	 kind[32];	/* case.opened, ..., summary.daily,
				 * summary.email */
	char	 target[OUTBOX_TARGET_MAX + 1];	/* "webhook:NAME",
				 * "email:ADDRESS" */
	char	 key[65];	/* the idempotency key */
	char	*payload;	/* JSON; the caller frees it */
	long	 attempts;	/* counted so far, this one included once
				 * store_outbox_attempt ran */
	time_t	 created_at;
};

/*
 * Tickets (reporters/ticket.c).  store_ticket_find: the ticket of
 * case_key in target that the collector has not resolved (*id = 0: none)
 * and *resolved for the case (customer, day) itself.  store_ticket_put
 * records that (customer, day) is ticket id; store_ticket_resolved
 * marks every case of ticket id in target resolved or open again.
 * The _str forms take the id as text (a key such as ABUSE-7; "": none).
 */
enum rc store_ticket_find_str(struct store *s, const char *target,
    const char *case_key, const char *customer, const char *day, char *id,
    size_t idsz, int *resolved, struct err *e);
enum rc store_ticket_put_str(struct store *s, const char *target,
    const char *customer, const char *day, const char *case_key,
    const char *id, const char *link, time_t now, struct err *e);
enum rc store_ticket_find(struct store *s, const char *target,
    const char *case_key, const char *customer, const char *day,
    long long *id, int *resolved, struct err *e);
enum rc store_ticket_put(struct store *s, const char *target,
    const char *customer, const char *day, const char *case_key,
    long long id, const char *link, time_t now, struct err *e);
/* A create of case_key's ticket is about to be sent (ticket id 0 until
 * it is known); store_ticket_unsent: it was refused, no ticket was made;
 * store_ticket_sent_at: when the last create was sent that neither a
 * ticket id nor a refusal followed (*at = 0: none). */
enum rc store_ticket_sent(struct store *s, const char *target,
    const char *customer, const char *day, const char *case_key, time_t now,
    struct err *e);
enum rc store_ticket_unsent(struct store *s, const char *target,
    const char *customer, const char *day, struct err *e);
enum rc store_ticket_sent_at(struct store *s, const char *target,
    const char *case_key, time_t *at, struct err *e);
enum rc store_ticket_resolved(struct store *s, const char *target,
    long long id, int resolved, struct err *e);
/* Up to max lines of the counted reports of (customer, day), oldest
 * first: time, role, reporter, source address, subject; *more gets
 * how many were left out. */
enum rc store_case_evidence(struct store *s, const char *customer,
    const char *day, long max, struct buf *out, long *more, struct err *e);

/* Add a row unless its key is known (then *created = 0).  customer and
 * day, when given, link it to its event. */
enum rc store_outbox_add(struct store *s, const char *kind,
    const char *target, const char *key, const char *payload,
    const char *customer, const char *day, time_t now, int *created,
    struct err *e);
/* Ids of up to max rows due at now (neither delivered nor dead,
 * next_attempt reached), oldest first; kind NULL means any kind. */
enum rc store_outbox_due(struct store *s, time_t now, const char *kind,
    int64_t *ids, size_t max, size_t *n, struct err *e);
/* One waiting row; *found = 0 when it is delivered, dead or gone. */
enum rc store_outbox_get(struct store *s, int64_t id, struct outbox_row *r,
    int *found, struct err *e);
/* Count an attempt before it is made, so that a row whose delivery
 * kills the process still reaches max_attempts. */
enum rc store_outbox_attempt(struct store *s, int64_t id, time_t now,
    struct err *e);
enum rc store_outbox_delivered(struct store *s, int64_t id, time_t now,
    struct err *e);
/* Failed: try again at next. */
enum rc store_outbox_retry(struct store *s, int64_t id, time_t next,
    const char *error, struct err *e);
/* Failed for good: keep it as a dead letter. */
enum rc store_outbox_dead(struct store *s, int64_t id, const char *error,
    struct err *e);
/* Every dead letter back in the queue, due at now, attempts reset. */
enum rc store_outbox_requeue_dead(struct store *s, time_t now, long *n,
    struct err *e);
/* The row with key back in the queue, due at now, attempts reset; a
 * delivered row too when delivered is set.  *found = 0 when no row was
 * queued. */
enum rc store_outbox_requeue(struct store *s, const char *key, time_t now,
    int delivered, int *found, struct err *e);
/*
 * Local actions (store_action.c).  store_case_users: the distinct SMTP
 * AUTH users of the reports of (customer, day), at most MAX_CASE_USERS,
 * as a JSON array of strings (the caller frees it); counted_only: of
 * the reports that count, else of all (a dismissed one too).
 * store_outbox_held: *held = 1 when row id of target waits behind an
 * earlier row of the same target and customer that is neither
 * delivered nor dead.
 */
enum rc store_case_users(struct store *s, const char *customer,
    const char *day, int counted_only, char **json, struct err *e);
enum rc store_outbox_held(struct store *s, int64_t id, const char *target,
    int *held, struct err *e);

/* Forget rows delivered before `before`, in batches (store_prune.c);
 * their events stay recorded, so they are never queued again. */
enum rc store_outbox_prune(struct store *s, time_t before, long *n,
    struct err *e);

/*
 * Corrections by the abuse desk (store_fix.c): a report's state and
 * customer change, each change is kept with who, when and why, and the
 * report's case is counted again from its reports.
 */
#define REPORT_STATE_MAX	16
#define CORRECTION_WHO_MAX	64
#define CORRECTION_REASON_MAX	500

struct report_state {
	int64_t	 id;
	char	 state[REPORT_STATE_MAX];	/* counted, unverified,
						 * dismissed */
	char	 customer[MAX_CUSTOMER_LEN + 1];
	char	 day[11];
	char	 format[32];
	/* The last correction of the report; action "" when none. */
	char	 action[16];
	char	 state_before[REPORT_STATE_MAX];
	char	 customer_before[MAX_CUSTOMER_LEN + 1];
	char	 who[CORRECTION_WHO_MAX + 1];
	time_t	 at;
	char	 reason[CORRECTION_REASON_MAX + 1];
};

/* Report id as it stands; RC_OK with *found = 0 when there is none. */
enum rc store_report_state(struct store *s, int64_t id,
    struct report_state *r, int *found, struct err *e);
/* Record a correction of report id (action accept, dismiss or restore)
 * and set its state and customer; *correction gets the record's id. */
enum rc store_correct(struct store *s, int64_t id, const char *action,
    const char *state, const char *customer, const char *who, time_t at,
    const char *reason, int64_t *correction, struct err *e);
/*
 * Count the case (customer, day) again from its counted reports: its
 * addresses and reporters, counts, first and last seen.  Confidence,
 * score and escalation are left to the caller (escalation is cleared).
 * When no report counts any more, the case is removed and *found = 0.
 */
enum rc store_case_recount(struct store *s, const char *customer,
    const char *day, struct case_row *c, int *found, struct err *e);
/* How many of the case's counted reports of each side have their own
 * time (occurred_known). */
enum rc store_case_dated(struct store *s, const char *customer,
    const char *day, long *internal, long *external, struct err *e);
/* The last flip of a case's confirmation (seq 0, kind "" when none) and
 * a new one (case_flips in store.c). */
enum rc store_flip_last(struct store *s, const char *customer,
    const char *day, int64_t *seq, char kind[32], struct err *e);
enum rc store_flip_add(struct store *s, const char *customer,
    const char *day, int64_t seq, const char *kind, int64_t correction,
    time_t now, struct err *e);

/*
 * The days `run` keeps summaries of (store_days.c).  A row per day
 * before `before` that has cases, reports or a summary written, and
 * `also` (when not NULL) even without them; oldest first.
 */
struct day_row {
	char	 day[11];
	char	*fp;		/* what the day's summary is made from now */
	int	 known;		/* a summary was written */
	char	*digest;	/* fp when it was written; NULL: not recorded */
	time_t	 written_at;
	time_t	 sent_at;	/* its e-mail and summary.daily; 0: not yet */
	time_t	 updated_at;	/* the last update; 0: none */
	long	 updates;
	/* The confirmed and escalated customers: "confirmed" or
	 * "escalated", a tab and the customer, one a line, sorted; now
	 * and in the last mail about the day. */
	char	*set;
	char	*sent_set;
};

enum rc store_days_list(struct store *s, const char *before,
    const char *also, struct day_row **rows, size_t *n, struct err *e);
void store_days_free(struct day_row *rows, size_t n);
/* The day's summary was written from digest (written_at 0: written
 * before, only the digest is recorded). */
enum rc store_day_written(struct store *s, const char *day,
    const char *digest, time_t written_at, struct err *e);
/* Its e-mail and summary.daily (update 0), or update n, were queued
 * with the customers of set. */
enum rc store_day_sent(struct store *s, const char *day, const char *set,
    long update, time_t now, struct err *e);

/*
 * Row dumps for the reports, cases and summary commands.  Each row comes
 * to cb as text columns (NULL for SQL NULL); cb returns non-zero to stop.
 */
enum dump { DUMP_REPORTS, DUMP_CASES, DUMP_SUMMARY, DUMP_STATUS_SOURCES,
	DUMP_STATUS_TOTALS,
	/* For the reporters; a = day unless said otherwise. */
	DUMP_DAY_TOTALS,	/* confirmed, internal-only, external-only
				 * customers, unresolved reports, quarantined
				 * messages, internal and external reports,
				 * escalated customers, reports of any state */
	DUMP_TREND,		/* a..b: day, confirmed, internal-only,
				 * external-only, internal reports, external
				 * reports; one row per day, empty days too */
	DUMP_DAY_TOP,		/* top 10: customer, internal, external,
				 * confidence */
	DUMP_DAY_CASES,		/* b = confidence: customer, score, internal,
				 * external, source IPs, reporters, first and
				 * last seen, top subjects (JSON [[s, n]...]),
				 * resolved_by, escalated_at (0: no), the
				 * ticket link (NULL: none) */
	DUMP_DAY_UNRESOLVED,	/* occurred_at, format, role, reporter,
				 * source_ip, origin_ip, auth_user, mail_from,
				 * subject, resolve_note */
	DUMP_DAY_QUARANTINE,	/* received_at, source, folder, uid, size,
				 * format, reason */
	DUMP_DEAD_LETTERS,	/* created_at, target, kind, key, attempts,
				 * last_attempt_at, last_error (any day) */
	/* The day's runs: those started on the day and those that
	 * stored its reports. */
	DUMP_DAY_RUNS,		/* runs, failed, interrupted, messages,
				 * reports, duplicates, quarantined, errors,
				 * first and last start, still running */
	DUMP_DAY_RUN_ERRORS,	/* started_at, command, status, error */
	DUMP_DAY_SOURCES,	/* source, messages, quarantined (stored by
				 * the day's runs) */
	DUMP_DAY_IGNORED,	/* kind, messages stored as ignored that day */
	DUMP_STATUS_IGNORED,	/* kind, messages ignored (all time) */
	DUMP_DAY_SOURCE_ERRORS,	/* source, failures, last at, last error (in
				 * the day's runs) */
	DUMP_DAY_OUTBOX,	/* target, delivered that day, waiting, dead,
				 * oldest waiting created_at */
	DUMP_DAY_EVENT,		/* DUMP_JSON only: the summary.daily body */
	DUMP_REVIEW,		/* a, b = first and last day: the complaints
				 * waiting for review */
	DUMP_DAY_REVIEW,	/* occurred_at, id, reporter, subject,
				 * suggested customer, evidence */
	DUMP_DAY_CORRECTIONS,	/* corrections of the day's reports: at, id,
				 * action, who, state change, customer (or
				 * its change), reason */
	DUMP_STATUS_PENDING,	/* source, folder, action, target, UIDs,
				 * oldest, refusals, last answer */
	DUMP_STATUS_HEALTH,	/* source, last error at, last error,
				 * failing since (NULL: went through since),
				 * failures in a row, last went through at */
	DUMP_STATUS_ALERTS,	/* source, source.failing raised at,
				 * source.silent raised at (NULL: not
				 * open); sources with an open alert */
	DUMP_STATUS_DEAD,	/* the dead letters, the newest first:
				 * target, event, queued at, attempts,
				 * customer and day (NULL when not a
				 * case's), last error */
	DUMP_DAY_ALERTS		/* the alerts raised that day: at, source,
				 * event, detail */
};
enum dump_format { DUMP_TEXT, DUMP_JSON };

typedef int (*row_fn)(void *arg, int ncol, const char *const *names,
    const char *const *values);

/* DUMP_REPORTS: a, b = first and last day (inclusive; NULL open).
 * DUMP_CASES, DUMP_SUMMARY: a = day (NULL: every day).
 * With DUMP_JSON each row has one column, a JSON object. */
/* The column names of a text dump, given to cb once as a row (for a CSV
 * header even when there are no rows). */
enum rc store_dump_header(struct store *s, enum dump which, row_fn cb,
    void *arg, struct err *e);
enum rc store_dump(struct store *s, enum dump which, enum dump_format fmt,
    const char *a, const char *b, row_fn cb, void *arg, struct err *e);
/* The same with nargs parameters; those a dump has beyond them are NULL.
 * DUMP_REPORTS: first and last day, customer, an address or prefix
 * (ADDR[/LEN]) the source or origin address is in, the authenticated
 * user (ASCII case ignored), a Message-ID without <> (the offending
 * message's or the report's own).  DUMP_CASES: day, customer, first
 * and last day.  NULL matches any. */
enum rc store_dump_args(struct store *s, enum dump which,
    enum dump_format fmt, const char *const *args, int nargs, row_fn cb,
    void *arg, struct err *e);

/*
 * Evidence (store_evidence.c): the raw bytes of messages, kept for
 * [store] keep_raw, and the reports as `show` and the searches see them.
 */
enum rc store_raw_put(struct store *s, int64_t message, const char *codec,
    const char *data, size_t len, struct err *e);
/* Forget the kept bytes of messages stored before `before` ([store]
 * keep_raw) and those of quarantined messages stored before
 * `quarantine_before` ([store] keep_quarantine; 0: keep them), in
 * batches (store_prune.c); *n of them in all. */
enum rc store_raw_prune(struct store *s, time_t before,
    time_t quarantine_before, long *n, struct err *e);
/*
 * The message behind report id: *found = 0 when there is no such
 * report; else *raw (the caller frees it; NULL when its bytes are no
 * longer kept, or were never read) and *len, exactly as they were read.
 * RC_REJECT when the kept bytes do not unpack to the recorded size.
 */
enum rc store_report_raw(struct store *s, int64_t id, char **raw,
    size_t *len, int *found, struct err *e);
/*
 * Report id for `show`, one row of text columns to cb (as store_dump):
 * the report, its state and last correction, its message (source,
 * folder, UID, file, SHA-256, size, received, whether its bytes are
 * kept) and its case.  *found = 0 when there is none.
 */
enum rc store_report_show(struct store *s, int64_t id, row_fn cb,
    void *arg, int *found, struct err *e);

/*
 * A customer's history for their page (reporters/html_customer.c),
 * days from..to, newest first; rows as store_dump gives them, times in
 * seconds since the epoch.
 */
enum customer_dump {
	CUSTOMER_CASES,		/* day, confidence, score, internal, external,
				 * source IPs, reporters, first and last seen,
				 * resolved_by, escalated_at (0: no) */
	CUSTOMER_DAYS,		/* day, internal, external reports,
				 * confidence ('' none); oldest first, every
				 * day from..to */
	CUSTOMER_REPORTS,	/* id, occurred_at, format, role, reporter,
				 * source_ip, origin_ip, auth_user, subject,
				 * state, source, folder, uid, file, sha256,
				 * kept (1: show has its message) */
	CUSTOMERS_OF_DAY	/* from = the day: the customers (not
				 * "(unresolved)") with a case on it */
};
enum rc store_customer_dump(struct store *s, enum customer_dump which,
    const char *customer, const char *from, const char *to, row_fn cb,
    void *arg, struct err *e);

/*
 * The quarantine (store_quar.c).  A message set aside because it killed
 * the collector has a reason that starts with QUARANTINE_STRUCK.
 */
#define QUARANTINE_STRUCK	"the collector died"

struct quarantined {
	int64_t		 id;
	char		*source, *folder;	/* folder may be NULL */
	uint32_t	 uidvalidity, uid;
	time_t		 received_at;
	time_t		 arrived_at;	/* received_at when unknown */
	size_t		 size;
	char		*reason;
	char		*raw;		/* NULL: not kept */
	size_t		 raw_len;
};

/* Every quarantined message as text columns, the header row first: id,
 * received_at, source, folder, uid (uidvalidity/uid), size, kept (yes
 * when its bytes are stored), reason. */
enum rc store_quarantine_list(struct store *s, row_fn cb, void *arg,
    struct err *e);
/* The ids of quarantined messages with bytes, in order; those set aside
 * for killing the collector only when all is set.  Caller frees *ids. */
enum rc store_quarantine_ids(struct store *s, int all, int64_t **ids,
    size_t *n, struct err *e);
/* Message id when it is quarantined (*found = 0 when not); release q. */
enum rc store_quarantine_get(struct store *s, int64_t id,
    struct quarantined *q, int *found, struct err *e);
void quarantined_release(struct quarantined *q);
/* The quarantined message with these bytes (kept), or *id = 0. */
enum rc store_quarantine_by_hash(struct store *s, const char *sha256,
    int64_t *id, time_t *arrived, struct err *e);
/* A quarantined message parsed again: its new status, format, reason,
 * kind and Message-ID from m; its bytes stay only while quarantined.
 * RC_FATAL when it is not quarantined (any more). */
enum rc store_message_requeue(struct store *s, int64_t id,
    const struct stored_msg *m, struct err *e);

/*
 * Strikes (store_strike.c): runs that died while working on a message,
 * counted by the message's place in its source (position: an IMAP
 * "uidvalidity/uid", a Maildir file name, an mbox key).  Each is its own
 * statement; the caller holds the transaction.
 */
enum rc store_strike_add(struct store *s, const char *source,
    const char *folder, const char *position, const char *phase, time_t now,
    struct err *e);
/* Every strike row: source, folder, position, strikes, phase, last_at. */
enum rc store_strike_list(struct store *s, row_fn cb, void *arg,
    struct err *e);
enum rc store_strike_clear(struct store *s, const char *source,
    const char *folder, const char *position, struct err *e);

/*
 * What monitoring asks on every run (store_facts.c).  Each group is one
 * query; its rows come to cb (arg is the group, see fact_fn) as text,
 * NULL for SQL NULL.  All groups are read in one read transaction, so
 * they agree with each other even while a run writes.
 */
enum fact {
	FACT_RUN,	/* the last finished run: command, started_at,
			 * duration (s), exit status, and how many runs
			 * a later one found interrupted; no row before
			 * one */
	FACT_MESSAGES,	/* per source: parsed, quarantined, ignored */
	FACT_REPORTS,	/* per format: internal, external */
	FACT_CASES,	/* day a (customers known): confirmed, internal,
			 * external */
	FACT_OUTBOX,	/* per target: waiting, dead */
	FACT_QUARANTINE,	/* messages, bytes */
	FACT_SOURCES,	/* per source that has collected: consecutive
			 * failures, newest message (received_at, or NULL),
			 * when source.failing and source.silent were raised
			 * (NULL: not open) */
	FACT_COUNT
};
typedef int (*fact_fn)(void *arg, enum fact which, int ncol,
    const char *const *values);
enum rc store_facts(struct store *s, const char *day, fact_fn cb, void *arg,
    struct err *e);

/*
 * Copy the store to the SQLite file at path (empty or absent; errors
 * name it dest, where the caller puts it) with SQLite's online backup,
 * from one snapshot, in steps of BACKUP_STEP_PAGES pages with a pause
 * between them, and check the copy (PRAGMA integrity_check).  Runs go on
 * meanwhile: the store is in WAL mode, so the snapshot held blocks no
 * writer.  *pages gets the copy's size in pages.  RC_TEMP when the store
 * stays busy or the disk is full; RC_REJECT when the copy fails its
 * check (the message has the first problem); RC_FATAL otherwise.
 */
enum rc store_backup(struct store *s, const char *path, const char *dest,
    long *pages, struct err *e);

/*
 * Retention (store_prune.c).  Rows older than the horizon go in
 * transactions of at most PRUNE_BATCH rows of a table (with what hangs
 * on each: a report's corrections, a case's addresses, reporters,
 * flips and tickets, a run's errors, a message's kept bytes), each
 * chosen by a read outside the write lock, so that a collect beside it
 * never waits for more than one such transaction.  A message pruned
 * leaves its hash in message_gone: the same bytes are a duplicate for
 * ever.  Then the freed pages go back to the file system, PRUNE_VACUUM_
 * PAGES at a time.
 */
struct prune_plan {
	time_t	 now;
	time_t	 before;	/* [store] keep: rows timed before this go;
				 * 0: none by age */
	char	 day[11];	/* and the days before this one */
	time_t	 quarantine_before;	/* [store] keep_quarantine; 0: none */
	time_t	 raw_before;	/* [store] keep_raw */
	size_t	 batch;		/* rows per transaction, <= PRUNE_BATCH */
	int	 dry_run;	/* count, change nothing */
};

#define PRUNE_TABLES	16

struct prune_result {
	struct {
		const char	*table;
		long		 rows;
		long		 batches;
		long		 largest;	/* rows of its largest batch */
	} t[PRUNE_TABLES];
	size_t	 n;
	long	 pages;		/* pages given back to the file system */
};

enum rc store_prune(struct store *s, const struct prune_plan *p,
    struct prune_result *r, struct err *e);
/* The last prune: when (0: never), its horizon day and what it removed
 * (text, caller frees; NULL when never). */
enum rc store_prune_last(struct store *s, time_t *at, char horizon[11],
    char **removed, struct err *e);

#endif
