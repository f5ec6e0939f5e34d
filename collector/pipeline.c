#include "autoconf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrival.h"
#include "bounds.h"
#include "correlate.h"
#include "evidence.h"
#include "formats/formats.h"
#include "inflight.h"
#include "json.h"
#include "log.h"
#include "mime.h"
#include "pipeline.h"
#include "rawz.h"
#include "text.h"
#include "resolve.h"
#include "store.h"

/*
 * Parsing runs in a thread of its own, so that it overlaps with reading
 * the next message (from the network, or the disk) and with storing the
 * last one: on a mailbox of notifications the two take about as long.
 * The worker only hashes and parses; everything that touches the store
 * (the known check, the resolver, inserts, cases) stays in the calling
 * thread and happens in the order the messages came, so checkpoints and
 * transactions mean what they meant.  At most PIPELINE_JOBS messages and
 * PIPELINE_BYTES of them are in flight, so memory stays bounded.
 *
 * The two threads hand work over in runs, not message by message: a
 * wake-up costs about as much as parsing a small message.  The worker
 * takes up to HAND_RUN jobs at a time and publishes them parsed
 * together; an idle worker is woken once HAND_RUN jobs wait, or when the
 * caller needs them all; a caller that has to wait for parsed jobs waits
 * for a run of them.
 */
#define HAND_RUN	8

/*
 * One message must never stop a mailbox: what each thread works on is
 * kept in the inflight file (inflight.h), a run that finds that a dead
 * run left a message named there counts a strike against the message's
 * place in its source, and a message with STRIKES_MAX strikes is stored
 * as quarantined with its raw bytes, never parsed again.  A strike is
 * cleared when its message is stored.
 */
#define STRIKES_MAX	2

struct strike {
	char	*source, *folder, *position, *phase;
	long	 n;
};

struct job {
	struct origin	 o;		/* its strings point into strs */
	char		*strs;
	char		*pos;		/* its place (position_of) */
	int		 struck;	/* has a strike to clear */
	char		*raw;		/* a copy: the source's buffer goes */
	size_t		 len;
	/* What the worker found. */
	char		 sha[65];
	char		*msgid;		/* the report's own Message-ID */
	char		*kept;		/* the raw bytes packed, as evidence */
	size_t		 kept_len;
	const char	*kept_codec;
	struct report	 r;
	/* A quarantined message parsed again: its row (pipeline_replay). */
	int64_t		 replay;
};

struct pipeline {
	const struct config	*c;
	struct store		*s;
	struct resolver		*r;
	struct correlator	*k;
	struct parse_opts	 opts;
	int			 dry_run;
	int			 open;		/* a transaction is open */
	struct pipeline_stats	 stats;
	long			 batch_from;	/* stats.messages when the
						 * open batch began */
	struct inflight		*in;		/* NULL: not kept (dry run) */
	struct strike		*strikes;	/* as the store had them */
	size_t			 nstrikes;

	/* The worker and its queue: jobs [head, tail) are in flight, those
	 * before next are parsed.  Guarded by mu, except that the worker
	 * reads the jobs [next, tail) and the caller those [head, next)
	 * without it: neither touches the other's. */
	pthread_t		 worker;
	int			 started;	/* the worker runs */
	int			 sync;		/* no worker: parse here */
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* jobs to parse, or stop */
	pthread_cond_t		 ready;		/* next reached want */
	struct job		*ring[PIPELINE_JOBS];
	size_t			 head, next, tail;
	size_t			 bytes;		/* raw bytes in flight */
	int			 idle;		/* the worker waits for work */
	size_t			 want;		/* the caller waits for next to
						 * reach this; 0: it does not */
	int			 stop;
	/* A store failure stops the batch; later jobs are dropped until
	 * the caller aborts it. */
	int			 failed;
	struct err		 failure;
};

struct pipeline *
pipeline_new(const struct config *c, struct store *s, struct resolver *r,
    int dry_run)
{
	struct pipeline *p = xcalloc(1, sizeof(*p));

	p->c = c;
	p->s = s;
	p->r = r;
	p->k = correlator_new(c, s);
	p->dry_run = dry_run;
	config_parse_opts(c, &p->opts);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->ready, NULL);
	return p;
}

enum drain { DRAIN_DROP, DRAIN_ALL, DRAIN_READY };

static void drain(struct pipeline *p, enum drain how, struct err *e);

#define POSITION_MAX	1024
static void position_of(const struct origin *, char *, size_t);
static const struct strike *strike_find(const struct pipeline *,
    const struct origin *, const char *);
static enum rc add_struck(struct pipeline *, const struct origin *,
    const char *, const struct strike *, const char *, size_t,
    struct err *);
static void strikes_free(struct strike *, size_t);

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	pipeline_abort(p);
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->worker, NULL);
	}
	pthread_cond_destroy(&p->ready);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	inflight_close(p->in);
	strikes_free(p->strikes, p->nstrikes);
	correlator_free(p->k);
	free(p);
}

struct dead {
	struct strike	*v;
	size_t		 n;
};

static void
strike_push(struct dead *d, const char *source, const char *folder,
    const char *position, const char *phase, long n)
{
	struct strike *k;

	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	k = &d->v[d->n++];
	k->source = xstrdup(source);
	k->folder = xstrdup(folder);
	k->position = xstrdup(position);
	k->phase = xstrdup(phase);
	k->n = n;
}

static void
on_dead(void *arg, int phase, const char *source, const char *folder,
    const char *position)
{
	strike_push(arg, source, folder, position, phase_name(phase), 1);
}

static void
strikes_free(struct strike *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].source);
		free(v[i].folder);
		free(v[i].position);
		free(v[i].phase);
	}
	free(v);
}

static int
add_strike(void *arg, int n, const char *const *names,
    const char *const *vals)
{
	struct dead *d = arg;
	long long k;

	(void)names;
	if (n < 5 || vals[0] == NULL || vals[1] == NULL || vals[2] == NULL ||
	    vals[4] == NULL || vals[3] == NULL ||
	    parse_ll(vals[3], 1, 1000000, &k) < 0)
		return 0;
	strike_push(d, vals[0], vals[1], vals[2], vals[4], (long)k);
	return 0;
}

enum rc
pipeline_recover(struct pipeline *p, struct err *e)
{
	struct dead d = { NULL, 0 };
	size_t i;
	enum rc rc = RC_OK;

	if (!p->dry_run) {
		if ((rc = inflight_open(&p->in, store_path(p->s), e)) != RC_OK)
			return rc;
		inflight_thread(SLOT_MAIN);
		inflight_take(p->in, on_dead, &d);
	}
	if (d.n > 0) {
		if ((rc = store_begin(p->s, e)) != RC_OK)
			goto out;
		for (i = 0; i < d.n && rc == RC_OK; i++)
			rc = store_strike_add(p->s, d.v[i].source,
			    d.v[i].folder, d.v[i].position, d.v[i].phase,
			    time(NULL), e);
		if (rc == RC_OK)
			rc = store_commit(p->s, e);
		if (rc != RC_OK) {
			store_rollback(p->s);
			goto out;
		}
		for (i = 0; i < d.n; i++)
			log_warn("%s: folder %s: message %s: the last run "
			    "died while %s it; after %d such deaths it is "
			    "stored without being parsed", d.v[i].source,
			    d.v[i].folder, d.v[i].position, d.v[i].phase,
			    STRIKES_MAX);
	}
	strikes_free(d.v, d.n);
	memset(&d, 0, sizeof(d));
	rc = store_strike_list(p->s, add_strike, &d, e);
	p->strikes = d.v;
	p->nstrikes = d.n;
	return rc;
out:
	strikes_free(d.v, d.n);
	return rc;
}

enum rc
pipeline_reading(struct pipeline *p, const struct origin *o, int *skip,
    struct err *e)
{
	const struct strike *st;
	char pos[POSITION_MAX];

	*skip = 0;
	position_of(o, pos, sizeof(pos));
	st = strike_find(p, o, pos);
	if (st != NULL && st->n >= STRIKES_MAX &&
	    strcmp(st->phase, phase_name(PHASE_READING)) == 0) {
		*skip = 1;
		p->stats.read++;
		return add_struck(p, o, pos, st, NULL, 0, e);
	}
	inflight_set(p->in, SLOT_MAIN, PHASE_READING, o->source, o->folder,
	    pos);
	return RC_OK;
}

enum rc
pipeline_begin(struct pipeline *p, struct err *e)
{
	enum rc rc;

	if (p->open)
		return RC_OK;	/* a dry run keeps its one transaction */
	if ((rc = store_begin(p->s, e)) == RC_OK) {
		p->open = 1;
		p->batch_from = p->stats.messages;
	}
	return rc;
}

/* The report's own Message-ID, for the messages table. */
static char *
own_msgid(const char *raw, size_t len)
{
	const char *end = raw + len, *p = raw;

	/* Only the header block: stop at the first empty line. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		/* CRLF, and CR CR LF as some servers serve it (mime.c). */
		while (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (has_prefix_ci(p, n, "Message-ID:")) {
			const char *v = p + 11;
			size_t vn = n - 11;
			char *id = NULL;

			trim(&v, &vn);
			if (vn > 0 && vn < 1000)
				id = xstrndup(v, vn);
			return id;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

void
origin_where(const struct origin *o, char *out, size_t outsz)
{
	if (o->uid != 0)
		snprintf(out, outsz, "%s: folder %s: uid %u", o->source,
		    o->folder ? o->folder : "-", o->uid);
	else
		snprintf(out, outsz, "%s: %s", o->source,
		    o->file ? o->file : o->folder ? o->folder : "-");
}

static void
count_status(struct pipeline *p, enum msg_status st)
{
	if (st == MSG_QUARANTINED)
		p->stats.quarantined++;
	else if (st == MSG_IGNORED)
		p->stats.ignored++;
}

/* Copy what the job needs of the origin: the source's strings go. */
static struct job *
job_new(const struct origin *o, const char *raw, size_t len)
{
	const char *src[4] = { o->source, o->folder, o->name, o->file };
	const char **dst[4];
	struct job *j = xcalloc(1, sizeof(*j));
	size_t n = 0, k, l;
	char *q;

	j->o = *o;
	dst[0] = &j->o.source;
	dst[1] = &j->o.folder;
	dst[2] = &j->o.name;
	dst[3] = &j->o.file;
	for (k = 0; k < 4; k++)
		n += src[k] ? strlen(src[k]) + 1 : 0;
	q = j->strs = xmalloc(n ? n : 1);
	for (k = 0; k < 4; k++) {
		if (src[k] == NULL)
			continue;
		l = strlen(src[k]) + 1;
		memcpy(q, src[k], l);
		*dst[k] = q;
		q += l;
	}
	j->raw = xmalloc(len ? len : 1);
	memcpy(j->raw, raw, len);
	j->len = len;
	report_init(&j->r);
	return j;
}

static void
job_free(struct job *j)
{
	free(j->pos);
	free(j->strs);
	free(j->raw);
	free(j->msgid);
	free(j->kept);
	report_release(&j->r);
	free(j);
}

/* The worker's share (slot is the thread's): nothing here touches the
 * store. */
static void
parse_job(const struct pipeline *p, struct job *j, enum slot slot)
{
	inflight_set(p->in, slot, PHASE_PARSING, j->o.source, j->o.folder,
	    j->pos);
	sha256_hex(j->raw, j->len, j->sha);
	message_parse(j->raw, j->len, &p->opts, &j->r);
	if (j->r.status == MSG_PARSED && j->o.role != ROLE_AUTO)
		j->r.role = j->o.role;
	j->msgid = own_msgid(j->raw, j->len);
	if (j->o.arrived == 0)
		j->o.arrived = arrival_received(j->raw, j->len);
	/* A quarantined message keeps its bytes in the message itself. */
	if (p->c->keep_raw > 0 && j->r.status != MSG_QUARANTINED)
		raw_pack(j->raw, j->len, &j->kept, &j->kept_len,
		    &j->kept_codec);
	inflight_set(p->in, slot, 0, NULL, NULL, NULL);
}

static void *
worker(void *arg)
{
	struct pipeline *p = arg;
	size_t i, end;

	inflight_thread(SLOT_WORKER);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->next == p->tail) {
			p->idle = 1;
			pthread_cond_wait(&p->work, &p->mu);
		}
		p->idle = 0;
		if (p->next == p->tail)
			break;
		i = p->next;
		end = p->tail - i > HAND_RUN ? i + HAND_RUN : p->tail;
		pthread_mutex_unlock(&p->mu);
		for (; i < end; i++)
			parse_job(p, p->ring[i % PIPELINE_JOBS], SLOT_WORKER);
		pthread_mutex_lock(&p->mu);
		p->next = end;
		if (p->want != 0 && p->next >= p->want)
			pthread_cond_signal(&p->ready);
	}
	pthread_mutex_unlock(&p->mu);
	json_release();
	text_thread_release();
	raw_release();
	return NULL;
}

/* With mu held and no parsed job to store: wait for a run of them. */
static void
await_parsed(struct pipeline *p)
{
	p->want = p->tail - p->next > HAND_RUN ? p->next + HAND_RUN : p->tail;
	if (p->idle)
		pthread_cond_signal(&p->work);
	while (p->next < p->want)
		pthread_cond_wait(&p->ready, &p->mu);
	p->want = 0;
}

static enum rc store_parsed(struct pipeline *, struct job *, struct err *);

/*
 * -vv: what became of a message, by its place: the format, and for a
 * report whether it was new, the customer and why (resolve_note).
 */
static void
say_message(const struct job *j, const char *what)
{
	const struct report *r = &j->r;
	char where[512];

	if (log_verbosity() < 2)
		return;
	origin_where(&j->o, where, sizeof(where));
	if (r->status != MSG_PARSED)
		log_debug("%s: %s, format %s, %s%s%s", where, what,
		    r->format ? r->format : "unknown", status_name(r->status),
		    r->reason ? ": " : "", r->reason ? r->reason : "");
	else
		log_debug("%s: %s, format %s, %s, customer %s%s%s%s%s%s",
		    where, what, r->format ? r->format : "unknown",
		    role_name(r->role), r->customer ? r->customer :
		    "(unresolved)", r->resolved_by ? " by " : "",
		    r->resolved_by ? r->resolved_by : "",
		    r->resolve_note ? " (" : "",
		    r->resolve_note ? r->resolve_note : "",
		    r->resolve_note ? ")" : "");
}

/* The calling thread's share, in order: dedup, store, resolve, count. */
static enum rc
store_job(struct pipeline *p, struct job *j, struct err *e)
{
	const struct origin *o = &j->o;
	enum rc rc;

	inflight_set(p->in, SLOT_MAIN, PHASE_STORING, o->source, o->folder,
	    j->pos);
	rc = store_parsed(p, j, e);
	inflight_set(p->in, SLOT_MAIN, 0, NULL, NULL, NULL);
	return rc;
}

/* Where a report goes in time (arrival.h): its own time or, with
 * occurred_at cleared (occurred_known = no) and occurred_note saying
 * why, its message's arrival. */
static time_t
place(const struct pipeline *p, struct report *r, time_t arrival)
{
	char note[160];
	time_t when;

	when = arrival_place(r->occurred_at, arrival,
	    p->c->cases.max_clock_skew, p->c->cases.max_report_age, note,
	    sizeof(note));
	if (note[0] != '\0') {
		report_setz(&r->occurred_note, note);
		r->occurred_at = 0;
	}
	return when;
}

/*
 * Store the message's row: new, or (a replay, or the bytes of a
 * quarantined message handed in again) the quarantined row updated.
 * *dup = 1 when it was stored before and is not quarantined, or is and
 * still fails when handed in again (its reason is the new one then).
 */
static enum rc
store_row(struct pipeline *p, struct job *j, const struct stored_msg *sm,
    int64_t *row, int *dup, struct err *e)
{
	time_t arrived;
	enum rc rc;

	*dup = 0;
	if (j->replay == 0) {
		if ((rc = store_message_add(p->s, sm, row, dup, e)) != RC_OK ||
		    !*dup)
			return rc;
		if ((rc = store_quarantine_by_hash(p->s, j->sha, row, &arrived,
		    e)) != RC_OK || *row == 0)
			return rc;
		if (sm->status == MSG_QUARANTINED)
			return store_message_requeue(p->s, *row, sm, e);
		*dup = 0;
		j->replay = *row;
		j->o.arrived = arrived;
	}
	*row = j->replay;
	return store_message_requeue(p->s, *row, sm, e);
}

static enum rc
store_parsed(struct pipeline *p, struct job *j, struct err *e)
{
	const struct origin *o = &j->o;
	struct report *r = &j->r;
	struct stored_msg sm;
	char key[65], day[11], where[512];
	int64_t row;
	int dup;
	time_t now = time(NULL), when, own, placed;
	enum verdict verdict;
	enum rc rc;

	if (j->struck && (rc = store_strike_clear(p->s, o->source,
	    o->folder ? o->folder : "", j->pos, e)) != RC_OK)
		return rc;
	/* A message stored before (by its hash) is not inserted again. */
	p->stats.messages++;
	memset(&sm, 0, sizeof(sm));
	sm.source = o->source;
	sm.folder = o->folder;
	sm.uidvalidity = o->uidvalidity;
	sm.uid = o->uid;
	sm.sha256 = j->sha;
	sm.report_msgid = j->msgid;
	sm.size = j->len;
	sm.received_at = now;
	sm.format = r->format;
	sm.status = r->status;
	sm.reason = r->reason;
	sm.kind = r->status == MSG_IGNORED ? r->kind : NULL;
	sm.file = o->file;
	sm.kept = j->kept;
	sm.kept_len = j->kept_len;
	sm.kept_codec = j->kept_codec;
	if (r->status == MSG_QUARANTINED) {
		/* Kept whole, so it can be replayed after a parser fix. */
		sm.raw = j->raw;
		sm.raw_len = j->len;
	}
	sm.arrived_at = o->arrived;
	if ((rc = store_row(p, j, &sm, &row, &dup, e)) != RC_OK)
		return rc;
	if (dup) {
		p->stats.duplicates++;
		if (log_verbosity() >= 2) {
			origin_where(o, where, sizeof(where));
			log_debug("%s: duplicate: a message with the same bytes "
			    "is stored already", where);
		}
		goto remember;
	}
	origin_where(o, where, sizeof(where));
	if (j->replay != 0) {
		if (r->status != MSG_QUARANTINED)
			p->stats.replayed++;
		log_info("%s: quarantined message %lld %s: %s", where,
		    (long long)j->replay, r->status == MSG_QUARANTINED ?
		    "still fails" : "parsed again", r->status == MSG_PARSED ?
		    r->format : r->reason ? r->reason : "unreadable");
	} else {
		p->stats.stored++;
	}
	count_status(p, r->status);
	if (r->status == MSG_QUARANTINED && j->replay == 0)
		log_info("%s: quarantined: %s", where,
		    r->reason ? r->reason : "unreadable");
	if (r->status == MSG_IGNORED)
		say_message(j, "stored");
	if (r->status != MSG_PARSED)
		goto remember;
	own = r->occurred_at;
	when = place(p, r, o->arrived ? o->arrived : now);
	verdict = evidence_resolve(p->r, r, when);
	if (verdict == VERDICT_REPLY) {
		/* Known to be no report only now, with the customer. */
		p->stats.ignored++;
		origin_where(o, where, sizeof(where));
		log_info("%s: ignored: %s", where, r->reason);
		if ((rc = store_message_classify(p->s, row, MSG_IGNORED,
		    KIND_REPLY, r->reason, e)) != RC_OK)
			return rc;
		goto remember;
	}
	day_of(when, day);
	/* The key has the report's own time, trusted or not: the same
	 * report delivered twice is one. */
	placed = r->occurred_at;
	r->occurred_at = own;
	report_key(r, j->sha, key);
	r->occurred_at = placed;
	if ((rc = store_report_add_as(p->s, row, r, key, day, when,
	    verdict == VERDICT_UNVERIFIED ? "unverified" : "counted",
	    r->evidence, &dup, e)) != RC_OK)
		return rc;
	say_message(j, dup ? "duplicate: the incident is stored already" :
	    verdict == VERDICT_UNVERIFIED ? "new report, waits for review" :
	    "new report");
	if (dup) {
		p->stats.duplicates++;
	} else {
		p->stats.reports++;
		if (verdict == VERDICT_COUNTED)
			correlator_touch(p->k, r->customer, day, when);
	}
remember:
	if (o->name != NULL)
		return store_local_mark(p->s, o->source, o->name, e);
	return RC_OK;
}

/*
 * Settle the jobs at the head of the queue, in order.  how: DRAIN_ALL
 * stores every job (waiting for the worker), DRAIN_READY only those
 * parsed already, DRAIN_DROP frees them unstored.  Once a store failed,
 * the rest are dropped too (the caller rolls the batch back).
 */
static void
drain(struct pipeline *p, enum drain how, struct err *e)
{
	struct job *j;
	size_t len;
	enum rc rc;

	pthread_mutex_lock(&p->mu);
	while (p->head != p->tail) {
		if (p->head == p->next) {
			if (how == DRAIN_READY)
				break;
			await_parsed(p);
			continue;
		}
		j = p->ring[p->head % PIPELINE_JOBS];
		pthread_mutex_unlock(&p->mu);
		if (how != DRAIN_DROP && !p->failed &&
		    (rc = store_job(p, j, &p->failure)) != RC_OK) {
			p->failed = 1;
			p->failure.rc = rc;
		}
		len = j->len;
		job_free(j);
		pthread_mutex_lock(&p->mu);
		p->ring[p->head % PIPELINE_JOBS] = NULL;
		p->head++;
		p->bytes -= len;
	}
	pthread_mutex_unlock(&p->mu);
	if (p->failed && e != NULL)
		*e = p->failure;
}

/* A message's place in its source, as strikes are kept: a Maildir file
 * name or mbox key, else the IMAP UIDVALIDITY and UID, else the file. */
static void
position_of(const struct origin *o, char *out, size_t outsz)
{
	if (o->name != NULL)
		snprintf(out, outsz, "%s", o->name);
	else if (o->uid != 0)
		snprintf(out, outsz, "%u/%u", o->uidvalidity, o->uid);
	else
		snprintf(out, outsz, "%s", o->file ? o->file : "");
}

static const struct strike *
strike_find(const struct pipeline *p, const struct origin *o,
    const char *pos)
{
	const char *folder = o->folder ? o->folder : "";
	size_t i;

	for (i = 0; i < p->nstrikes; i++)
		if (strcmp(p->strikes[i].position, pos) == 0 &&
		    strcmp(p->strikes[i].source, o->source) == 0 &&
		    strcmp(p->strikes[i].folder, folder) == 0)
			return &p->strikes[i];
	return NULL;
}

/* Store o as quarantined, unparsed, under sha (raw may be NULL), count
 * it, and say so at level unless it was stored before. */
static enum rc
add_quarantined(struct pipeline *p, const struct origin *o, const char *sha,
    size_t size, const char *raw, size_t raw_len, const char *reason,
    enum log_level level, struct err *e)
{
	struct stored_msg sm;
	char where[512];
	int64_t row;
	int dup;
	enum rc rc;

	memset(&sm, 0, sizeof(sm));
	sm.source = o->source;
	sm.folder = o->folder;
	sm.uidvalidity = o->uidvalidity;
	sm.uid = o->uid;
	sm.sha256 = sha;
	sm.size = size;
	sm.received_at = time(NULL);
	sm.format = "unknown";
	sm.status = MSG_QUARANTINED;
	sm.reason = reason;
	sm.raw = raw;
	sm.raw_len = raw_len;
	sm.file = o->file;
	if ((rc = store_message_add(p->s, &sm, &row, &dup, e)) != RC_OK)
		return rc;
	if (dup) {
		p->stats.duplicates++;
	} else {
		p->stats.stored++;
		p->stats.quarantined++;
		origin_where(o, where, sizeof(where));
		log_msg(level, "%s: quarantined: %s", where, reason);
	}
	if (o->name != NULL)
		rc = store_local_mark(p->s, o->source, o->name, e);
	return rc;
}

/* A message runs died on STRIKES_MAX times: stored as quarantined with
 * its bytes (raw NULL: without, when reading it is what killed), unparsed,
 * in order with the messages before it. */
static enum rc
add_struck(struct pipeline *p, const struct origin *o, const char *pos,
    const struct strike *st, const char *raw, size_t len, struct err *e)
{
	char sha[65], reason[256], where[512];
	enum rc rc;

	drain(p, DRAIN_ALL, NULL);
	if (p->failed) {
		*e = p->failure;
		return p->failure.rc;
	}
	p->stats.messages++;
	snprintf(reason, sizeof(reason), QUARANTINE_STRUCK " %ld times while "
	    "working on this message (last while %s it); %s", st->n,
	    st->phase, raw ? "stored without parsing" : "not read again");
	if (raw != NULL) {
		sha256_hex(raw, len, sha);
	} else {
		/* Known by its place only, as add_unread() does. */
		snprintf(where, sizeof(where), "struck\n%s\n%s\n%s", o->source,
		    o->folder ? o->folder : "", pos);
		sha256_hex(where, strlen(where), sha);
	}
	if ((rc = store_strike_clear(p->s, o->source, o->folder ? o->folder :
	    "", pos, e)) != RC_OK)
		return rc;
	return add_quarantined(p, o, sha, len, raw, len, reason, LOG_LVL_WARN,
	    e);
}

/* Parse and store job j in this thread, and free it; a failure stops
 * the pipeline. */
static enum rc
run_here(struct pipeline *p, struct job *j, struct err *e)
{
	enum rc rc;

	parse_job(p, j, SLOT_MAIN);
	rc = store_job(p, j, e);
	job_free(j);
	if (rc != RC_OK) {
		p->failed = 1;
		p->failure = *e;
	}
	return rc;
}

enum rc
pipeline_add(struct pipeline *p, const struct origin *o, const char *raw,
    size_t len, struct err *e)
{
	const struct strike *st;
	struct job *j;
	char pos[POSITION_MAX];
	enum rc rc = RC_OK;

	if (p->failed) {
		*e = p->failure;
		return p->failure.rc;
	}
	p->stats.read++;
	position_of(o, pos, sizeof(pos));
	st = strike_find(p, o, pos);
	if (st != NULL && st->n >= STRIKES_MAX)
		return add_struck(p, o, pos, st, raw, len, e);
	inflight_set(p->in, SLOT_MAIN, PHASE_ADDING, o->source, o->folder,
	    pos);
	j = job_new(o, raw, len);
	j->pos = xstrdup(pos);
	j->struck = st != NULL;
	if (!p->started && !p->sync) {
		if (pthread_create(&p->worker, NULL, worker, p) == 0)
			p->started = 1;
		else
			p->sync = 1;	/* parse in this thread instead */
	}
	if (p->sync) {
		inflight_set(p->in, SLOT_MAIN, 0, NULL, NULL, NULL);
		return run_here(p, j, e);
	}
	/* Room first: store what is parsed until the job fits. */
	pthread_mutex_lock(&p->mu);
	while (p->tail - p->head == PIPELINE_JOBS ||
	    (p->head != p->tail && p->bytes + len > PIPELINE_BYTES)) {
		if (p->head == p->next) {
			await_parsed(p);
			continue;
		}
		pthread_mutex_unlock(&p->mu);
		drain(p, DRAIN_READY, NULL);
		pthread_mutex_lock(&p->mu);
	}
	p->ring[p->tail % PIPELINE_JOBS] = j;
	p->tail++;
	p->bytes += len;
	if (p->idle && p->tail - p->next >= HAND_RUN)
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	inflight_set(p->in, SLOT_MAIN, 0, NULL, NULL, NULL);
	/* Whatever is parsed already is stored now. */
	drain(p, DRAIN_READY, NULL);
	if (p->failed) {
		*e = p->failure;
		rc = p->failure.rc;
	}
	return rc;
}

enum rc
pipeline_replay(struct pipeline *p, const struct origin *o, int64_t row,
    const char *raw, size_t len, struct err *e)
{
	struct job *j;
	char pos[POSITION_MAX];

	/* In order with what was handed in before it. */
	drain(p, DRAIN_ALL, NULL);
	if (p->failed) {
		*e = p->failure;
		return p->failure.rc;
	}
	position_of(o, pos, sizeof(pos));
	j = job_new(o, raw, len);
	j->pos = xstrdup(pos);
	j->replay = row;
	return run_here(p, j, e);
}

/* A message known only by its place: stored as quarantined without its
 * bytes, its place (what, source, folder, UIDs, size, and the file name
 * or mbox offset of a local one) hashed in their stead so that a rerun
 * recognises it. */
static enum rc
add_unread(struct pipeline *p, const struct origin *o, size_t size,
    const char *what, const char *reason, struct err *e)
{
	char sha[65], *key;

	p->stats.read++;
	drain(p, DRAIN_ALL, NULL);
	if (p->failed) {
		*e = p->failure;
		return p->failure.rc;
	}
	p->stats.messages++;
	/* A local message's place includes its name: the Maildir file's
	 * unique name (or the file read) and the mbox message's offset;
	 * without it, messages of equal size in one folder would be one. */
	key = xasprintf("%s\n%s\n%s\n%u\n%u\n%zu%s%s", what, o->source,
	    o->folder ? o->folder : "", o->uidvalidity, o->uid, size,
	    o->name != NULL || o->file != NULL ? "\n" : "",
	    o->name != NULL ? o->name : o->file != NULL ? o->file : "");
	sha256_hex(key, strlen(key), sha);
	free(key);
	return add_quarantined(p, o, sha, size, NULL, 0, reason, LOG_LVL_INFO,
	    e);
}

enum rc
pipeline_add_oversize(struct pipeline *p, const struct origin *o,
    size_t size, struct err *e)
{
	char reason[128];

	snprintf(reason, sizeof(reason), "message of %zu bytes is over the "
	    "limit of %zu; not downloaded", size, p->c->limits.message_size);
	return add_unread(p, o, size, "oversize", reason, e);
}

enum rc
pipeline_add_unreadable(struct pipeline *p, const struct origin *o,
    const char *reason, struct err *e)
{
	return add_unread(p, o, 0, "unreadable", reason, e);
}

enum rc
pipeline_checkpoint(struct pipeline *p, const char *source,
    const char *folder, uint32_t uidvalidity, uint32_t last_uid,
    struct err *e)
{
	/* The checkpoint covers every message handed in before it. */
	drain(p, DRAIN_ALL, NULL);
	if (p->failed) {
		*e = p->failure;
		return p->failure.rc;
	}
	return store_checkpoint_set(p->s, source, folder, uidvalidity,
	    last_uid, e);
}

int
pipeline_seen(struct pipeline *p, const char *source, const char *name,
    struct err *e)
{
	return store_local_seen(p->s, source, name, e);
}

enum rc
pipeline_commit(struct pipeline *p, struct err *e)
{
	enum rc rc;

	drain(p, DRAIN_ALL, NULL);
	if (p->failed) {
		*e = p->failure;
		pipeline_abort(p);
		return e->rc;
	}
	if (!p->open)
		return RC_OK;
	if ((rc = correlator_flush(p->k, e)) != RC_OK) {
		pipeline_abort(p);
		return rc;
	}
	if (p->dry_run)
		return RC_OK;
	inflight_set(p->in, SLOT_MAIN, 0, NULL, NULL, NULL);
	rc = store_commit(p->s, e);
	if (rc != RC_OK)
		store_rollback(p->s);
	else
		p->stats.committed += p->stats.messages - p->batch_from;
	p->open = 0;
	return rc;
}

void
pipeline_abort(struct pipeline *p)
{
	drain(p, DRAIN_DROP, NULL);
	if (p->open)
		store_rollback(p->s);
	p->open = 0;
	p->failed = 0;
	err_clear(&p->failure);
}

int
pipeline_dry_run(const struct pipeline *p)
{
	return p->dry_run;
}

size_t
pipeline_limit(const struct pipeline *p)
{
	return p->c->limits.message_size;
}

const struct pipeline_stats *
pipeline_stats(const struct pipeline *p)
{
	return &p->stats;
}

struct store *
pipeline_store(const struct pipeline *p)
{
	return p->s;
}

void
pipeline_on_event(struct pipeline *p, event_hook fn, void *arg)
{
	correlator_on_event(p->k, fn, arg);
}

void
pipeline_on_flip(struct pipeline *p, flip_hook fn, void *arg)
{
	correlator_on_flip(p->k, fn, arg);
}
