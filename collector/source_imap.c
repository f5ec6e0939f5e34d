/*
 * The imap source: the messages of one folder that the checkpoint has not
 * reached, by UID, in batches that commit together with the checkpoint.
 *
 * The folder is read in UID ranges.  For each range the server is asked
 * for sizes first (UID, RFC822.SIZE, INTERNALDATE), so that a message
 * over the size limit is recorded without its body; then the bodies of
 * the others are fetched in batches of batch_size, each handed to the
 * pipeline as it arrives off the wire, so memory does not grow with the
 * folder.  A batch's messages, the advanced checkpoint and what the
 * server is to do with the messages (after = seen or move) commit in one
 * transaction, and only then are the messages flagged or moved
 * (imap_after.h).
 *
 * The upper end of every range is a number, never "*": "UID FETCH n:*"
 * answers with the last message even when its UID is below n.
 *
 * A server may fail to send a message it cannot read itself (Dovecot
 * closes the connection).  Such a failure is not let block the folder:
 * the collector reconnects and reads the failed range again in parts a
 * sixteenth as wide, down to single UIDs; a UID that fails alone on two
 * connections is stored as quarantined, without bytes, with the reason,
 * and the checkpoint moves past it.  A timeout is not such a failure: a
 * server that stops answering ends the run for the source.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "imap.h"
#include "imap_after.h"
#include "log.h"
#include "source.h"
#include "store.h"

/* What the sizes pass learns of one message. */
struct entry {
	uint32_t	uid;
	uint32_t	size;
	time_t		arrived;
	int		done;		/* handed to the pipeline */
};

enum pass { PASS_SIZES, PASS_BODIES };

struct folder_run {
	struct imap_session	 is;
	struct imap_limits	 lim;
	const struct source_conf *s;
	struct pipeline		*p;
	uint32_t		 uidvalidity;
	uint32_t		 last;		/* the committed checkpoint */
	int			 cp_stored;	/* the store has (uidvalidity,
						 * last) already */
	/* The sizes of one range, sorted by UID. */
	struct entry		*list;
	size_t			 n, cap;
	uint32_t		 lo, hi;	/* the range asked for */
	/* The batch whose bodies are being fetched. */
	enum pass		 pass;
	struct entry		*batch;
	size_t			 nbatch;
	enum rc			 hrc;		/* first failure in the handler */
	struct err		*he;
	/* Getting past what the server fails to send: UIDs up to
	 * careful_to are asked for in ranges of at most careful_w UIDs;
	 * suspect is a UID that failed alone once. */
	uint32_t		 careful_to, suspect;
	uint64_t		 careful_w;
	/* The UIDs of the fetch the server failed (not by a timeout),
	 * and what failed. */
	int			 fetch_failed;
	uint32_t		 fail_lo, fail_hi;
	char			 fail_why[320];
	/* Counts for the log: of the batch being read, and of the batches
	 * committed. */
	long			 b_fetched, b_oversize, b_vanished;
	long			 fetched, oversize, vanished, unreadable;
	/* The UIDVALIDITY whose change was told in this run. */
	uint32_t		 uv_told;
	struct after_run	 ar;
};

/* INTERNALDATE as seconds since the epoch; 0 when it makes no sense. */
static time_t
internal_date(const struct mailimap_date_time *d)
{
	struct tm tm;
	time_t t;
	int off;

	if (d == NULL || d->dt_year < 1970 || d->dt_month < 1 ||
	    d->dt_month > 12 || d->dt_day < 1 || d->dt_day > 31)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d->dt_year - 1900;
	tm.tm_mon = d->dt_month - 1;
	tm.tm_mday = d->dt_day;
	tm.tm_hour = d->dt_hour;
	tm.tm_min = d->dt_min;
	tm.tm_sec = d->dt_sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	/* The zone is +HHMM as a number. */
	off = (d->dt_zone / 100) * 3600 + (d->dt_zone % 100) * 60;
	return t - off;
}

static void
origin_of(const struct folder_run *fr, const struct entry *en,
    struct origin *o)
{
	memset(o, 0, sizeof(*o));
	o->source = fr->s->name;
	o->folder = fr->s->folder;
	o->uidvalidity = fr->uidvalidity;
	o->uid = en->uid;
	o->role = fr->s->role;
	o->arrived = en->arrived;
}

static int
by_uid(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static struct entry *
find_in_batch(struct folder_run *fr, uint32_t uid)
{
	struct entry key;

	key.uid = uid;
	return bsearch(&key, fr->batch, fr->nbatch, sizeof(key), by_uid);
}

/* A message of the sizes pass. */
static void
take_size(struct folder_run *fr, uint32_t uid, int has_size, uint32_t size,
    time_t arrived)
{
	struct entry *en;

	/* Unsolicited FETCH responses (flag changes by other clients) and
	 * anything outside the range are not ours. */
	if (!has_size || uid < fr->lo || uid > fr->hi)
		return;
	if (fr->n == fr->cap) {
		/* A range of k UIDs holds at most k messages. */
		if (fr->hrc == RC_OK)
			fr->hrc = err_set(fr->he, RC_TEMP, "%s: folder %s: "
			    "the server listed more messages than UIDs "
			    "%u:%u can hold", fr->is.where, fr->s->folder,
			    fr->lo, fr->hi);
		return;
	}
	en = &fr->list[fr->n++];
	en->uid = uid;
	en->size = size;
	en->arrived = arrived;
	en->done = 0;
}

/* A message of the bodies pass: into the pipeline at once. */
static void
take_body(struct folder_run *fr, uint32_t uid, const char *body, size_t len)
{
	struct origin o;
	struct entry *en;
	enum rc rc;

	if (fr->hrc != RC_OK || (en = find_in_batch(fr, uid)) == NULL ||
	    en->done)
		return;
	origin_of(fr, en, &o);
	/* Asked for at most limit + 1 bytes: a server that sends more than
	 * it announced still cannot get past the limit. */
	if (len > pipeline_limit(fr->p))
		rc = pipeline_add_oversize(fr->p, &o, len > en->size ? len :
		    en->size, fr->he);
	else
		rc = pipeline_add(fr->p, &o, body ? body : "", len, fr->he);
	en->done = 1;
	fr->b_fetched++;
	if (rc != RC_OK)
		fr->hrc = rc;
}

/* libetpan calls this for each FETCH response as it is read. */
static void
on_fetch(struct mailimap_msg_att *att, void *ctx)
{
	struct folder_run *fr = ctx;
	clistiter *it;
	uint32_t uid = 0, size = 0;
	time_t arrived = 0;
	const char *body = NULL;
	size_t len = 0;
	int has_size = 0, has_body = 0;

	for (it = clist_begin(att->att_list); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			size = st->att_data.att_rfc822_size;
			has_size = 1;
			break;
		case MAILIMAP_MSG_ATT_INTERNALDATE:
			arrived = internal_date(st->att_data.att_internal_date);
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			body = st->att_data.att_body_section->sec_body_part;
			len = st->att_data.att_body_section->sec_length;
			has_body = 1;
			break;
		default:
			break;
		}
	}
	imap_mark(&fr->is);	/* the server is still talking */
	if (uid == 0)
		return;
	if (fr->pass == PASS_SIZES)
		take_size(fr, uid, has_size, size, arrived);
	else if (has_body)
		take_body(fr, uid, body, len);
}

/* libetpan uses the handler only when a progress function is set; it
 * is called as a large message comes in. */
static void
on_progress(size_t current, size_t maximum, void *ctx)
{
	struct folder_run *fr = ctx;

	(void)current;
	(void)maximum;
	imap_mark(&fr->is);
}

/* A UID set of entries [0, n), consecutive UIDs as ranges. */
static struct mailimap_set *
uid_set(const struct entry *en, size_t n, int only_small, size_t limit)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	if (set == NULL)
		abort();
	while (i < n) {
		if (only_small && en[i].size > limit) {
			i++;
			continue;
		}
		for (j = i; j + 1 < n && en[j + 1].uid == en[j].uid + 1 &&
		    !(only_small && en[j + 1].size > limit); j++)
			;
		if (mailimap_set_add_interval(set, en[i].uid, en[j].uid) !=
		    MAILIMAP_NO_ERROR)
			abort();
		i = j + 1;
	}
	return set;
}

static int
set_empty(const struct mailimap_set *set)
{
	return clist_isempty(set->set_list);
}

/* UID FETCH set (UIDs lo..hi) of the items ft ("sizes" or "messages",
 * as errors name them) with the handler on; the results arrive in
 * on_fetch. */
static enum rc
fetch(struct folder_run *fr, struct mailimap_set *set, uint32_t lo,
    uint32_t hi, struct mailimap_fetch_type *ft, const char *items,
    struct err *e)
{
	clist *res = NULL;
	char what[80], msg[200];
	int r;

	fr->hrc = RC_OK;
	fr->he = e;
	mailimap_set_msg_att_handler(fr->is.imap, on_fetch, fr);
	mailimap_set_progress_callback(fr->is.imap, on_progress, NULL, fr);
	imap_mark(&fr->is);
	r = mailimap_uid_fetch(fr->is.imap, set, ft, &res);
	mailimap_set_msg_att_handler(fr->is.imap, NULL, NULL);
	mailimap_set_progress_callback(fr->is.imap, NULL, NULL, NULL);
	if (res != NULL)
		mailimap_fetch_list_free(res);
	if (r != MAILIMAP_NO_ERROR) {
		snprintf(what, sizeof(what), "fetch %s of uid %u:%u", items,
		    lo, hi);
		snprintf(msg, sizeof(msg), "folder %s: %s", fr->s->folder,
		    what);
		imap_fail(&fr->is, r, e, msg);
		fr->fetch_failed = !fr->is.timed_out;
		fr->fail_lo = lo;
		fr->fail_hi = hi;
		snprintf(fr->fail_why, sizeof(fr->fail_why), "%s: %s", what,
		    fr->is.why);
		return RC_TEMP;
	}
	return fr->hrc;
}

/* Sizes and dates of the messages with UIDs lo..hi, into fr->list. */
static enum rc
fetch_sizes(struct folder_run *fr, uint32_t lo, uint32_t hi, struct err *e)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	enum rc rc;

	fr->n = 0;
	fr->lo = lo;
	fr->hi = hi;
	fr->pass = PASS_SIZES;
	if ((set = mailimap_set_new_interval(lo, hi)) == NULL ||
	    (ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_internaldate()) != MAILIMAP_NO_ERROR)
		abort();
	rc = fetch(fr, set, lo, hi, ft, "sizes", e);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (rc == RC_OK)
		qsort(fr->list, fr->n, sizeof(*fr->list), by_uid);
	return rc;
}

/* The bodies of the batch's messages under the size limit. */
static enum rc
fetch_bodies(struct folder_run *fr, struct err *e)
{
	size_t limit = pipeline_limit(fr->p);
	struct mailimap_fetch_type *ft;
	struct mailimap_fetch_att *body;
	struct mailimap_set *set;
	enum rc rc = RC_OK;

	set = uid_set(fr->batch, fr->nbatch, 1, limit);
	if (set_empty(set))
		goto out;
	/* At most limit + 1 bytes, so that a body larger than announced
	 * is caught without holding more than that. */
	body = limit < UINT32_MAX ?
	    mailimap_fetch_att_new_body_peek_section_partial(
	    mailimap_section_new(NULL), 0, (uint32_t)limit + 1) :
	    mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL));
	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    body == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft, body) !=
	    MAILIMAP_NO_ERROR)
		abort();
	fr->pass = PASS_BODIES;
	rc = fetch(fr, set, fr->batch[0].uid, fr->batch[fr->nbatch - 1].uid,
	    ft, "messages", e);
	mailimap_fetch_type_free(ft);
out:
	mailimap_set_free(set);
	return rc;
}

/* The UIDs of the batch, ascending; the caller frees them. */
static uint32_t *
batch_uids(const struct folder_run *fr)
{
	uint32_t *uids = xcalloc(fr->nbatch, sizeof(*uids));
	size_t i;

	for (i = 0; i < fr->nbatch; i++)
		uids[i] = fr->batch[i].uid;
	return uids;
}

/* Store and commit the batch with the checkpoint cp, then act on it. */
static enum rc
do_batch(struct folder_run *fr, uint32_t cp, struct err *e)
{
	size_t i, limit = pipeline_limit(fr->p);
	uint32_t *uids = NULL;
	struct origin o;
	enum rc rc;

	if ((rc = pipeline_begin(fr->p, e)) != RC_OK)
		return rc;
	fr->b_fetched = fr->b_oversize = fr->b_vanished = 0;
	for (i = 0; i < fr->nbatch; i++) {
		struct entry *en = &fr->batch[i];

		if (en->size <= limit)
			continue;
		origin_of(fr, en, &o);
		if ((rc = pipeline_add_oversize(fr->p, &o, en->size, e)) !=
		    RC_OK)
			goto fail;
		en->done = 1;
		fr->b_oversize++;
	}
	if ((rc = fetch_bodies(fr, e)) != RC_OK)
		goto fail;
	for (i = 0; i < fr->nbatch; i++)
		if (!fr->batch[i].done) {
			/* Expunged by another client since the sizes were
			 * asked for: there is nothing left to read. */
			log_info("%s: folder %s: uid %u was removed before it "
			    "could be read", fr->is.where, fr->s->folder,
			    fr->batch[i].uid);
			fr->b_vanished++;
		}
	if ((rc = pipeline_checkpoint(fr->p, fr->s->name, fr->s->folder,
	    fr->uidvalidity, cp, e)) != RC_OK)
		goto fail;
	/* What the server is to do with the batch commits with it. */
	uids = batch_uids(fr);
	if ((rc = after_record(&fr->ar, uids, fr->nbatch, e)) != RC_OK)
		goto fail;
	if ((rc = pipeline_commit(fr->p, e)) != RC_OK)
		goto out;
	fr->last = cp;
	fr->cp_stored = 1;
	fr->fetched += fr->b_fetched;
	fr->oversize += fr->b_oversize;
	fr->vanished += fr->b_vanished;
	rc = after_apply(&fr->ar, uids, fr->nbatch, e);
	goto out;
fail:
	pipeline_abort(fr->p);
out:
	free(uids);
	return rc;
}

/* Every message with a UID in lo..hi, batch by batch. */
static enum rc
do_range(struct folder_run *fr, uint32_t lo, uint32_t hi, struct err *e)
{
	size_t i, b = fr->s->batch_size;
	enum rc rc;

	if ((rc = fetch_sizes(fr, lo, hi, e)) != RC_OK)
		return rc;
	log_debug("%s: folder %s: uid %u:%u holds %zu new messages",
	    fr->is.where, fr->s->folder, lo, hi, fr->n);
	for (i = 0; i < fr->n; i += b) {
		fr->batch = fr->list + i;
		fr->nbatch = fr->n - i < b ? fr->n - i : b;
		/* The last batch of a range also covers the UIDs after it
		 * that hold no message: none can appear there later. */
		if ((rc = do_batch(fr, i + fr->nbatch == fr->n ? hi :
		    fr->batch[fr->nbatch - 1].uid, e)) != RC_OK)
			return rc;
	}
	return RC_OK;
}

/* Save the checkpoint alone, for ranges that held nothing. */
static enum rc
save_checkpoint(struct folder_run *fr, uint32_t cp, struct err *e)
{
	enum rc rc;

	if ((rc = pipeline_begin(fr->p, e)) != RC_OK)
		return rc;
	if ((rc = pipeline_checkpoint(fr->p, fr->s->name, fr->s->folder,
	    fr->uidvalidity, cp, e)) != RC_OK) {
		pipeline_abort(fr->p);
		return rc;
	}
	if ((rc = pipeline_commit(fr->p, e)) == RC_OK) {
		fr->last = cp;
		fr->cp_stored = 1;
	}
	return rc;
}

/* The highest UID in the folder, when SELECT did not give UIDNEXT. */
static enum rc
top_uid(struct folder_run *fr, uint32_t *top, struct err *e)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *res = NULL;
	clistiter *it, *jt;
	int r;

	*top = 0;
	/* Sequence number "*": the last message, whatever its UID. */
	if ((set = mailimap_set_new_single(0)) == NULL ||
	    (ft = mailimap_fetch_type_new_fetch_att(
	    mailimap_fetch_att_new_uid())) == NULL)
		abort();
	imap_mark(&fr->is);
	r = mailimap_fetch(fr->is.imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(&fr->is, r, e, "fetch the last uid");
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att *att = clist_content(it);

		for (jt = clist_begin(att->att_list); jt != NULL;
		    jt = clist_next(jt)) {
			struct mailimap_msg_att_item *item = clist_content(jt);

			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type ==
			    MAILIMAP_MSG_ATT_UID &&
			    item->att_data.att_static->att_data.att_uid > *top)
				*top = item->att_data.att_static->att_data.att_uid;
		}
	}
	mailimap_fetch_list_free(res);
	return RC_OK;
}

/* after = move: the target must be there before anything is taken. */
static enum rc
check_target(struct folder_run *fr, struct err *e)
{
	struct mailimap_status_att_list *atts;
	struct mailimap_mailbox_data_status *st = NULL;
	char what[MAX_FOLDER_LEN + 64];
	int r;

	if (fr->s->after != AFTER_MOVE)
		return RC_OK;
	if ((atts = mailimap_status_att_list_new_empty()) == NULL ||
	    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES) !=
	    MAILIMAP_NO_ERROR)
		abort();
	imap_mark(&fr->is);
	r = mailimap_status(fr->is.imap, fr->s->after_wire, atts, &st);
	mailimap_status_att_list_free(atts);
	if (st != NULL)
		mailimap_mailbox_data_status_free(st);
	if (r == MAILIMAP_NO_ERROR)
		return RC_OK;
	snprintf(what, sizeof(what), "after = move:%s: the folder cannot be "
	    "used (create it first)", fr->s->after_folder);
	return imap_fail(&fr->is, r, e, what);
}

/* Select the folder and take everything after the checkpoint. */
static enum rc
collect_folder(struct folder_run *fr, struct err *e)
{
	const struct source_conf *s = fr->s;
	struct mailimap_selection_info *sel;
	uint32_t old_uv, top;
	uint64_t lo, hi, w;
	char what[MAX_FOLDER_LEN + 32];
	enum rc rc;
	int r;

	if ((rc = check_target(fr, e)) != RC_OK)
		return rc;
	/*
	 * SELECT even with after = keep: some servers (Courier) keep the
	 * UIDs they give new messages, and even the folder's UIDVALIDITY,
	 * only when a session may write, so that under EXAMINE a message
	 * can get a UID at or below the checkpoint and never be read.
	 * Bodies are fetched with BODY.PEEK, which leaves \Seen alone.
	 * readonly = yes asks for EXAMINE; so does a dry run.
	 */
	imap_mark(&fr->is);
	if (s->readonly || pipeline_dry_run(fr->p)) {
		snprintf(what, sizeof(what), "examine %s", s->folder);
		r = mailimap_examine(fr->is.imap, s->folder_wire);
	} else {
		snprintf(what, sizeof(what), "select %s", s->folder);
		r = mailimap_select(fr->is.imap, s->folder_wire);
	}
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(&fr->is, r, e, what);
	sel = fr->is.imap->imap_selection_info;
	if (sel == NULL || sel->sel_uidvalidity == 0)
		return err_set(e, RC_TEMP, "%s: folder %s: the server gave no "
		    "UIDVALIDITY", fr->is.where, s->folder);
	if (fr->uidvalidity != 0 && fr->uidvalidity != sel->sel_uidvalidity) {
		/* Changed since the connection that failed. */
		fr->careful_to = 0;
		fr->suspect = 0;
	}
	fr->uidvalidity = sel->sel_uidvalidity;
	if ((rc = store_checkpoint_get(pipeline_store(fr->p), s->name,
	    s->folder, &old_uv, &fr->last, e)) != RC_OK)
		return rc;
	fr->cp_stored = old_uv == fr->uidvalidity;
	if (old_uv != 0 && old_uv != fr->uidvalidity) {
		/* Once a run, not again on each new connection. */
		if (fr->uv_told != fr->uidvalidity)
			log_warn("%s: folder %s: UIDVALIDITY changed from %u "
			    "to %u: reading the folder again from the start "
			    "(messages already stored are recognised, not "
			    "counted twice)", fr->is.where, s->folder, old_uv,
			    fr->uidvalidity);
		fr->uv_told = fr->uidvalidity;
		fr->last = 0;
	} else if (old_uv == 0) {
		fr->last = 0;
	}
	/* What earlier batches still owe comes before anything new. */
	fr->ar.is = &fr->is;
	fr->ar.uidvalidity = fr->uidvalidity;
	if ((rc = after_redo(&fr->ar, e)) != RC_OK)
		return rc;
	/* It may have looked into the target and selected the folder
	 * again (with the same UIDVALIDITY). */
	sel = fr->is.imap->imap_selection_info;
	if (sel->sel_exists == 0)
		top = 0;
	else if (sel->sel_uidnext > 1)
		top = sel->sel_uidnext - 1;
	else if ((rc = top_uid(fr, &top, e)) != RC_OK)
		return rc;
	log_debug("%s: folder %s: uidvalidity %u, %u messages, highest uid "
	    "%u, checkpoint %u", fr->is.where, s->folder, fr->uidvalidity,
	    sel->sel_exists, top, fr->last);
	/*
	 * Ranges start at batch_size UIDs and double while they come back
	 * less than half full, so that a folder whose old messages were
	 * deleted is crossed in a few steps; the size list stays bounded
	 * by IMAP_WINDOW_GROWTH batches.
	 */
	w = s->batch_size;
	for (lo = (uint64_t)fr->last + 1; lo <= top; lo = hi + 1) {
		hi = lo + w - 1 < top ? lo + w - 1 : top;
		if (lo <= fr->careful_to && hi - lo + 1 > fr->careful_w)
			hi = lo + fr->careful_w - 1;
		if (fr->cap < w) {
			fr->list = xrealloc(fr->list, w * sizeof(*fr->list));
			fr->cap = w;
		}
		if ((rc = do_range(fr, (uint32_t)lo, (uint32_t)hi, e)) !=
		    RC_OK)
			return rc;
		if (fr->n * 2 < w &&
		    w < (uint64_t)s->batch_size * IMAP_WINDOW_GROWTH)
			w *= 2;
		else if (fr->n * 2 >= w)
			w = s->batch_size;
	}
	/* Ranges that held nothing at the end still move the checkpoint,
	 * and a new UIDVALIDITY is kept even for an empty folder. */
	if (top > fr->last)
		return save_checkpoint(fr, top, e);
	if (!fr->cp_stored)
		return save_checkpoint(fr, fr->last, e);
	return RC_OK;
}

/* Store uid, which the server failed to send on two connections, as
 * quarantined with the last failure as reason, and move the checkpoint
 * past it. */
static enum rc
skip_unreadable(struct folder_run *fr, uint32_t uid, struct err *e)
{
	struct entry en;
	struct origin o;
	char reason[400];
	enum rc rc;

	snprintf(reason, sizeof(reason), "the server failed to send it on "
	    "two connections (%s); it stays on the server", fr->fail_why);
	memset(&en, 0, sizeof(en));
	en.uid = uid;
	origin_of(fr, &en, &o);
	if ((rc = pipeline_begin(fr->p, e)) != RC_OK)
		return rc;
	if ((rc = pipeline_add_unreadable(fr->p, &o, reason, e)) != RC_OK ||
	    (rc = pipeline_checkpoint(fr->p, fr->s->name, fr->s->folder,
	    fr->uidvalidity, uid, e)) != RC_OK) {
		pipeline_abort(fr->p);
		return rc;
	}
	if ((rc = pipeline_commit(fr->p, e)) != RC_OK)
		return rc;
	fr->last = uid;
	fr->cp_stored = 1;
	fr->suspect = 0;
	fr->unreadable++;
	return RC_OK;
}

/*
 * After the server failed the fetch of fail_lo..fail_hi: narrow the
 * ranges up to there, set aside a UID that failed alone twice, and
 * carry on over a new connection.
 */
static enum rc
get_past(struct folder_run *fr, struct err *e)
{
	uint64_t w = (uint64_t)fr->fail_hi - fr->fail_lo + 1;
	enum rc rc;

	fr->fetch_failed = 0;
	if (w == 1 && fr->suspect == fr->fail_lo) {
		if ((rc = skip_unreadable(fr, fr->fail_lo, e)) != RC_OK)
			return rc;
	} else if (w == 1) {
		fr->suspect = fr->fail_lo;
		log_warn("%s; trying uid %u once more", e->msg, fr->fail_lo);
	} else {
		log_warn("%s; reading uid %u:%u again in smaller parts",
		    e->msg, fr->fail_lo, fr->fail_hi);
	}
	if (fr->fail_hi > fr->careful_to)
		fr->careful_to = fr->fail_hi;
	fr->careful_w = (w + 15) / 16;
	imap_close(&fr->is);
	if ((rc = imap_open(&fr->is, fr->s, &fr->lim, e)) != RC_OK)
		return rc;
	return collect_folder(fr, e);
}

enum rc
imap_collect(const struct source_conf *s, struct pipeline *p, struct err *e)
{
	struct folder_run fr;
	struct err fe;
	enum rc rc;
	int reopens = 0;

	memset(&fr, 0, sizeof(fr));
	fr.s = s;
	fr.p = p;
	fr.ar.s = s;
	fr.ar.st = pipeline_store(p);
	fr.ar.dry_run = pipeline_dry_run(p);
	fr.lim.deadline_ms = mono_ms() + (long long)s->deadline * 1000;
	fr.lim.max_literal = (uint64_t)pipeline_limit(p) + IMAP_LITERAL_SLACK;
	if ((rc = imap_open(&fr.is, s, &fr.lim, e)) != RC_OK)
		return rc;
	rc = collect_folder(&fr, e);
	while (rc != RC_OK && fr.fetch_failed && reopens++ < IMAP_REOPENS)
		rc = get_past(&fr, e);
	if (rc == RC_OK)
		rc = after_finish(&fr.ar, e);
	else if (after_finish(&fr.ar, &fe) != RC_OK)
		log_error("%s", fe.msg);
	/* Nothing to count when the folder could not even be opened. */
	if (fr.uidvalidity != 0)
		log_info("%s: folder %s: %ld messages read, %ld over the size "
		    "limit, %ld removed meanwhile, %ld not sent by the server; "
		    "checkpoint uid %u", fr.is.where, s->folder, fr.fetched,
		    fr.oversize, fr.vanished, fr.unreadable, fr.last);
	imap_close(&fr.is);
	free(fr.list);
	return rc;
}
