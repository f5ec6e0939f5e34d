#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "imap_after.h"
#include "log.h"
#include "store.h"

static const char *
action_name(const struct source_conf *s)
{
	return s->after == AFTER_MOVE ? "move" : "seen";
}

/* "after = seen" or "after = move:FOLDER", for messages. */
static void
after_text(const struct source_conf *s, char *out, size_t outsz)
{
	if (s->after == AFTER_MOVE)
		snprintf(out, outsz, "after = move:%s", s->after_folder);
	else
		snprintf(out, outsz, "after = %s", s->after == AFTER_SEEN ?
		    "seen" : "keep");
}

/* The UID set of uids [0, n) (ascending), consecutive UIDs as ranges. */
static struct mailimap_set *
set_of(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	if (set == NULL)
		abort();
	while (i < n) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j]) !=
		    MAILIMAP_NO_ERROR)
			abort();
		i = j + 1;
	}
	return set;
}

static int
in_set(const struct mailimap_set *set, uint32_t uid)
{
	clistiter *it;

	for (it = clist_begin(set->set_list); it != NULL;
	    it = clist_next(it)) {
		const struct mailimap_set_item *item = clist_content(it);

		if (uid >= item->set_first && uid <= item->set_last)
			return 1;
	}
	return 0;
}

/* Keep of uids [0, *n) those in set; the order stays. */
static void
keep_in_set(uint32_t *uids, size_t *n, const struct mailimap_set *set)
{
	size_t i, k = 0;

	for (i = 0; i < *n; i++)
		if (in_set(set, uids[i]))
			uids[k++] = uids[i];
	*n = k;
}

/*
 * The server did not do what for uids.  A failed session is RC_TEMP (the
 * messages stay recorded for the next run); a refusal is noted in ar
 * and is RC_OK, so that collecting goes on.
 */
static enum rc
failed(struct after_run *ar, int r, const char *what, size_t n,
    struct err *e)
{
	char msg[2 * MAX_FOLDER_LEN + 200];

	snprintf(msg, sizeof(msg), "folder %s: after: %s of %zu messages "
	    "(they are stored; the action is done on the next run)",
	    ar->s->folder, what, n);
	imap_fail(ar->is, r, e, msg);
	if (ar->is->broken)
		return RC_TEMP;
	if (!ar->refused)
		snprintf(ar->answer, sizeof(ar->answer), "%s refused (%s)",
		    what, ar->is->why);
	ar->refused = 1;
	err_clear(e);
	return RC_OK;
}

static enum rc
store_flag(struct after_run *ar, struct mailimap_set *set,
    struct mailimap_flag *flag)
{
	struct mailimap_flag_list *flags;
	struct mailimap_store_att_flags *att;
	int r;

	if ((flags = mailimap_flag_list_new_empty()) == NULL ||
	    mailimap_flag_list_add(flags, flag) != MAILIMAP_NO_ERROR ||
	    (att = mailimap_store_att_flags_new_add_flags_silent(flags)) ==
	    NULL)
		abort();
	imap_mark(ar->is);
	r = mailimap_uid_store(ar->is->imap, set, att);
	mailimap_store_att_flags_free(att);
	return r;
}

/*
 * UID COPY of uids into the target.  The store knows the COPY is sent
 * before it is; on success uids keeps those the server says it copied
 * (COPYUID, with UIDPLUS), recorded as copied before anything else is
 * done to them; a refusal is recorded as nothing copied.  When the
 * answer is lost, the next run looks in the target first (find_copies).
 */
static enum rc
copy(struct after_run *ar, uint32_t *uids, size_t *n, int *r,
    struct err *e)
{
	const struct source_conf *s = ar->s;
	struct mailimap_set *set, *from = NULL, *to = NULL;
	uint32_t to_uv = 0;
	enum rc rc;

	*r = MAILIMAP_NO_ERROR;
	if ((rc = store_pending_copied(ar->st, s->name, s->folder,
	    ar->uidvalidity, uids, *n, PENDING_COPY_SENT, e)) != RC_OK)
		return rc;
	set = set_of(uids, *n);
	imap_mark(ar->is);
	if (ar->is->has_uidplus)
		*r = mailimap_uidplus_uid_copy(ar->is->imap, set, s->after_wire,
		    &to_uv, &from, &to);
	else
		*r = mailimap_uid_copy(ar->is->imap, set, s->after_wire);
	mailimap_set_free(set);
	if (*r == MAILIMAP_NO_ERROR && from != NULL) {
		/* A message the server did not copy (expunged meanwhile)
		 * is not flagged \Deleted either. */
		keep_in_set(uids, n, from);
		log_debug("%s: folder %s: %zu messages copied to %s "
		    "(uidvalidity %u there)", ar->is->where, s->folder, *n,
		    s->after_folder, to_uv);
	}
	if (from != NULL)
		mailimap_set_free(from);
	if (to != NULL)
		mailimap_set_free(to);
	/* The session failed: whether the server copied is not known. */
	if (*r == MAILIMAP_ERROR_STREAM || *r == MAILIMAP_ERROR_FATAL ||
	    *r == MAILIMAP_ERROR_PARSE)
		return RC_OK;
	return store_pending_copied(ar->st, s->name, s->folder,
	    ar->uidvalidity, uids, *n, *r == MAILIMAP_NO_ERROR ?
	    PENDING_COPIED : PENDING_NOT_COPIED, e);
}

/*
 * The source's after action for uids [0, n) (ascending, all recorded);
 * copied: their COPY into the target is done.  The records go once the
 * server has confirmed.
 */
static enum rc
act(struct after_run *ar, const uint32_t *uids, size_t n, int copied,
    struct err *e)
{
	const struct source_conf *s = ar->s;
	struct mailimap_set *set = NULL;
	uint32_t *todo = NULL;
	size_t ntodo = n;
	char what[MAX_FOLDER_LEN + 64];
	enum rc rc = RC_OK;
	int r = MAILIMAP_NO_ERROR;

	if (n == 0)
		return RC_OK;
	if (s->after == AFTER_SEEN && !copied) {
		snprintf(what, sizeof(what), "flag \\Seen");
		set = set_of(uids, n);
		r = store_flag(ar, set, mailimap_flag_new_seen());
		goto out;
	}
	if (!copied && ar->is->has_move) {
		snprintf(what, sizeof(what), "move to %s",
		    s->after_folder);
		set = set_of(uids, n);
		imap_mark(ar->is);
		r = mailimap_uid_move(ar->is->imap, set, s->after_wire);
		goto out;
	}
	todo = xcalloc(n, sizeof(*todo));
	memcpy(todo, uids, n * sizeof(*todo));
	if (!copied) {
		snprintf(what, sizeof(what), "copy to %s",
		    s->after_folder);
		if ((rc = copy(ar, todo, &ntodo, &r, e)) != RC_OK ||
		    r != MAILIMAP_NO_ERROR)
			goto out;
	}
	set = set_of(todo, ntodo);
	if (ntodo == 0)
		goto out;
	snprintf(what, sizeof(what), "flag \\Deleted");
	if ((r = store_flag(ar, set, mailimap_flag_new_deleted())) !=
	    MAILIMAP_NO_ERROR)
		goto out;
	/* Without UIDPLUS, EXPUNGE would also remove what other clients
	 * flagged \Deleted: leave ours flagged instead. */
	if (!ar->is->has_uidplus) {
		if (!ar->warned_uidplus)
			log_warn("%s: folder %s: the server has no UIDPLUS: "
			    "messages copied to %s stay flagged \\Deleted "
			    "here until a client expunges the folder",
			    ar->is->where, s->folder, s->after_folder);
		ar->warned_uidplus = 1;
		goto out;
	}
	snprintf(what, sizeof(what), "expunge");
	imap_mark(ar->is);
	r = mailimap_uid_expunge(ar->is->imap, set);
out:
	if (set != NULL)
		mailimap_set_free(set);
	free(todo);
	if (rc != RC_OK)
		return rc;
	if (r != MAILIMAP_NO_ERROR)
		return failed(ar, r, what, n, e);
	return store_pending_done(ar->st, s->name, s->folder,
	    ar->uidvalidity, uids, n, e);
}

enum rc
after_record(struct after_run *ar, const uint32_t *uids, size_t n,
    struct err *e)
{
	const struct source_conf *s = ar->s;

	if (s->after == AFTER_KEEP || ar->dry_run || n == 0)
		return RC_OK;
	return store_pending_add(ar->st, s->name, s->folder, ar->uidvalidity,
	    action_name(s), s->after == AFTER_MOVE ? s->after_folder : NULL,
	    uids, n, e);
}

enum rc
after_apply(struct after_run *ar, const uint32_t *uids, size_t n,
    struct err *e)
{
	/* Refused once, refused again: the rest waits for the next run. */
	if (ar->s->after == AFTER_KEEP || ar->dry_run || ar->refused)
		return RC_OK;
	return act(ar, uids, n, 0, e);
}

/* The index of u in uids [0, n) (ascending), or n when it is not there. */
static size_t
position(const uint32_t *uids, size_t n, uint32_t u)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (uids[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && uids[lo] == u ? lo : n;
}

static int
by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Which of uids [0, n) are still in the folder: present[i].  A search
 * the server refuses is a refusal like any other. */
static enum rc
still_there(struct after_run *ar, const uint32_t *uids, size_t n,
    char *present, struct err *e)
{
	struct mailimap_search_key *key;
	clist *res = NULL;
	clistiter *it;
	int r;

	memset(present, 0, n);
	if ((key = mailimap_search_key_new_uid(set_of(uids, n))) == NULL)
		abort();
	imap_mark(ar->is);
	r = mailimap_uid_search(ar->is->imap, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return failed(ar, r, "UID SEARCH", n, e);
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		size_t i = position(uids, n, *(uint32_t *)clist_content(it));

		if (i < n)
			present[i] = 1;
	}
	mailimap_search_result_free(res);
	return RC_OK;
}

/* The Message-ID in a header section that holds only that field, as
 * "<...>"; NULL when there is none fit to search for. */
static char *
msgid_of(const char *hdr, size_t len)
{
	const char *lt, *gt, *c;

	if (hdr == NULL || (lt = memchr(hdr, '<', len)) == NULL ||
	    (gt = memchr(lt, '>', len - (size_t)(lt - hdr))) == NULL ||
	    gt - lt + 1 > MSGID_SEARCH_MAX)
		return NULL;
	for (c = lt; c <= gt; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f ||
		    *c == '"' || *c == '\\')
			return NULL;
	return xstrndup(lt, (size_t)(gt - lt + 1));
}

/* A FETCH of each message's UID and RFC822.SIZE, to which more may be
 * added. */
static struct mailimap_fetch_type *
fetch_uid_size(void)
{
	struct mailimap_fetch_type *ft;

	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size()) != MAILIMAP_NO_ERROR)
		abort();
	return ft;
}

/* The UID, RFC822.SIZE and body section of one FETCH response, each
 * left as it was when absent; 1 when it held an RFC822.SIZE. */
static int
fetched(const struct mailimap_msg_att *att, uint32_t *uid, uint32_t *size,
    struct mailimap_msg_att_body_section **sec)
{
	clistiter *it;
	int has_size = 0;

	for (it = clist_begin(att->att_list); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID) {
			*uid = st->att_data.att_uid;
		} else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE) {
			*size = st->att_data.att_rfc822_size;
			has_size = 1;
		} else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
			*sec = st->att_data.att_body_section;
	}
	return has_size;
}

struct probe {
	uint32_t	 size;
	char		*msgid;
};

/* Message-ID and size of each of uids [0, n), from the folder. */
static int
probe_fetch(struct after_run *ar, const uint32_t *uids, size_t n,
    struct probe *pr)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set = set_of(uids, n);
	clist *hdrs, *res = NULL;
	clistiter *it;
	int r;

	ft = fetch_uid_size();
	if ((hdrs = clist_new()) == NULL ||
	    clist_append(hdrs, xstrdup("Message-ID")) < 0 ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new_header_fields(
	    mailimap_header_list_new(hdrs)))) != MAILIMAP_NO_ERROR)
		abort();
	imap_mark(ar->is);
	r = mailimap_uid_fetch(ar->is->imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	for (it = res ? clist_begin(res) : NULL; it != NULL;
	    it = clist_next(it)) {
		struct mailimap_msg_att *att = clist_content(it);
		struct mailimap_msg_att_body_section *sec = NULL;
		uint32_t uid = 0, size = 0;
		size_t i;

		fetched(att, &uid, &size, &sec);
		if ((i = position(uids, n, uid)) == n || pr[i].msgid != NULL)
			continue;
		pr[i].size = size;
		if (sec != NULL)
			pr[i].msgid = msgid_of(sec->sec_body_part,
			    sec->sec_length);
	}
	if (res != NULL)
		mailimap_fetch_list_free(res);
	return r;
}

/* Does the selected folder hold a message with p's Message-ID and size?
 * The size is compared as FETCH gives it (RFC822.SIZE), not by SEARCH
 * LARGER and SMALLER, which Courier counts otherwise. */
static int
probe_search(struct after_run *ar, const struct probe *p, int *found)
{
	struct mailimap_search_key *key;
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *res = NULL, *atts = NULL;
	clistiter *it;
	int r;

	*found = 0;
	if ((key = mailimap_search_key_new_header(xstrdup("Message-ID"),
	    xstrdup(p->msgid))) == NULL)
		abort();
	imap_mark(ar->is);
	r = mailimap_uid_search(ar->is->imap, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR || res == NULL || clist_isempty(res)) {
		if (res != NULL)
			mailimap_search_result_free(res);
		return r;
	}
	if ((set = mailimap_set_new_empty()) == NULL)
		abort();
	for (it = clist_begin(res); it != NULL; it = clist_next(it))
		if (mailimap_set_add_single(set,
		    *(uint32_t *)clist_content(it)) != MAILIMAP_NO_ERROR)
			abort();
	mailimap_search_result_free(res);
	ft = fetch_uid_size();
	imap_mark(ar->is);
	r = mailimap_uid_fetch(ar->is->imap, set, ft, &atts);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	for (it = atts ? clist_begin(atts) : NULL; it != NULL;
	    it = clist_next(it)) {
		struct mailimap_msg_att_body_section *sec = NULL;
		uint32_t uid = 0, size = 0;

		if (fetched(clist_content(it), &uid, &size, &sec) &&
		    size == p->size)
			*found = 1;
	}
	if (atts != NULL)
		mailimap_fetch_list_free(atts);
	return r;
}

/*
 * Of uids [0, n) (ascending, in the folder; their COPY into the target
 * was sent and its answer never seen), which the target holds already:
 * there[i].  A message counts as copied when the target has one with
 * its Message-ID and RFC822.SIZE (COPY keeps both); one without a
 * Message-ID counts as not copied, since copying again can at worst
 * leave a second copy, never lose one.  The target is opened with
 * EXAMINE, and the folder selected again after it.  A refusal is noted in ar (RC_OK); a
 * failed session, or a folder that came back with another UIDVALIDITY,
 * is RC_TEMP.
 */
static enum rc
find_copies(struct after_run *ar, const uint32_t *uids, size_t n,
    char *there, struct err *e)
{
	const struct source_conf *s = ar->s;
	struct probe *pr = xcalloc(n, sizeof(*pr));
	const struct mailimap_selection_info *sel;
	char what[MAX_FOLDER_LEN + 64];
	enum rc rc = RC_OK;
	size_t i;
	int r, found;

	memset(there, 0, n);
	snprintf(what, sizeof(what), "read the Message-IDs");
	if ((r = probe_fetch(ar, uids, n, pr)) != MAILIMAP_NO_ERROR) {
		rc = failed(ar, r, what, n, e);
		goto out;
	}
	snprintf(what, sizeof(what), "examine %s", s->after_folder);
	imap_mark(ar->is);
	r = mailimap_examine(ar->is->imap, s->after_wire);
	snprintf(what, sizeof(what), "search %s", s->after_folder);
	for (i = 0; i < n && r == MAILIMAP_NO_ERROR; i++)
		if (pr[i].msgid != NULL &&
		    (r = probe_search(ar, &pr[i], &found)) == MAILIMAP_NO_ERROR)
			there[i] = found;
	if (r != MAILIMAP_NO_ERROR &&
	    ((rc = failed(ar, r, what, n, e)) != RC_OK))
		goto out;
	/* Back to the folder, which must still be the same. */
	snprintf(what, sizeof(what), "select %s", s->folder);
	imap_mark(ar->is);
	if ((r = mailimap_select(ar->is->imap, s->folder_wire)) !=
	    MAILIMAP_NO_ERROR) {
		rc = imap_fail(ar->is, r, e, what);
		goto out;
	}
	sel = ar->is->imap->imap_selection_info;
	if (sel == NULL || sel->sel_uidvalidity != ar->uidvalidity) {
		rc = err_set(e, RC_TEMP, "%s: folder %s: UIDVALIDITY changed "
		    "from %u to %u while its after actions were done",
		    ar->is->where, s->folder, ar->uidvalidity,
		    sel ? sel->sel_uidvalidity : 0);
		goto out;
	}
	for (i = 0, found = 0; i < n; i++)
		found += there[i];
	log_info("%s: folder %s: %zu messages were being copied to %s when "
	    "the last run ended: %d of them are there already", ar->is->where,
	    s->folder, n, s->after_folder, found);
out:
	for (i = 0; i < n; i++)
		free(pr[i].msgid);
	free(pr);
	return rc;
}

/* Forget what the folder's UIDs no longer name, or what after = keep
 * no longer asks for. */
static enum rc
forget_stale(struct after_run *ar, struct err *e)
{
	const struct source_conf *s = ar->s;
	char after[MAX_FOLDER_LEN + 32];
	uint32_t old;
	long n;
	enum rc rc;

	if ((rc = store_pending_drop_stale(ar->st, s->name, s->folder,
	    ar->uidvalidity, &old, &n, e)) != RC_OK)
		return rc;
	if (n > 0)
		log_warn("%s: folder %s: UIDVALIDITY changed from %u to %u: "
		    "the after action that %ld stored messages waited for is "
		    "dropped (their UIDs no longer name them)", ar->is->where,
		    s->folder, old, ar->uidvalidity, n);
	if (s->after != AFTER_KEEP)
		return RC_OK;
	if ((rc = store_pending_drop(ar->st, s->name, s->folder, &n, e)) !=
	    RC_OK)
		return rc;
	after_text(s, after, sizeof(after));
	if (n > 0)
		log_warn("%s: folder %s: %s: %ld stored messages that waited "
		    "for the after action of an earlier configuration are "
		    "left as they are", ar->is->where, s->folder, after, n);
	return RC_OK;
}

enum rc
after_redo(struct after_run *ar, struct err *e)
{
	const struct source_conf *s = ar->s;
	size_t max = s->batch_size, n, i, ngone, ncopied, nnew, nsent, k;
	uint32_t *uids, *gone, *cop, *fresh, *sent, from = 0;
	char after[MAX_FOLDER_LEN + 32];
	int *copied;
	char *present, *there;
	long waiting;
	enum rc rc;

	if (ar->redone)
		return RC_OK;
	ar->redone = 1;
	after_text(s, after, sizeof(after));
	if ((rc = store_pending_count(ar->st, s->name, s->folder, &waiting,
	    e)) != RC_OK || waiting == 0)
		return rc;
	if (ar->dry_run) {
		log_info("%s: folder %s: %ld stored messages wait for their "
		    "after action; a dry run leaves them", ar->is->where,
		    s->folder, waiting);
		return RC_OK;
	}
	if ((rc = forget_stale(ar, e)) != RC_OK || s->after == AFTER_KEEP ||
	    (rc = store_pending_count(ar->st, s->name, s->folder, &waiting,
	    e)) != RC_OK || waiting == 0)
		return rc;
	log_info("%s: folder %s: %ld stored messages still wait for %s: "
	    "that comes first", ar->is->where, s->folder, waiting, after);
	uids = xcalloc(max, sizeof(*uids));
	gone = xcalloc(max, sizeof(*gone));
	cop = xcalloc(max, sizeof(*cop));
	fresh = xcalloc(max, sizeof(*fresh));
	sent = xcalloc(max, sizeof(*sent));
	copied = xcalloc(max, sizeof(*copied));
	present = xcalloc(max, 1);
	there = xcalloc(max, 1);
	while (!ar->refused) {
		if ((rc = store_pending_next(ar->st, s->name, s->folder,
		    ar->uidvalidity, from, max, uids, copied, &n, e)) !=
		    RC_OK || n == 0)
			break;
		from = uids[n - 1];
		if ((rc = still_there(ar, uids, n, present, e)) != RC_OK ||
		    ar->refused)
			break;
		ngone = ncopied = nnew = nsent = 0;
		for (i = 0; i < n; i++) {
			if (!present[i])
				gone[ngone++] = uids[i];
			else if (copied[i] == PENDING_COPIED)
				cop[ncopied++] = uids[i];
			else if (copied[i] == PENDING_COPY_SENT)
				sent[nsent++] = uids[i];
			else
				fresh[nnew++] = uids[i];
		}
		/* A COPY whose answer was lost: the target tells. */
		if (nsent > 0 && ((rc = find_copies(ar, sent, nsent, there,
		    e)) != RC_OK || ar->refused))
			break;
		for (k = 0, i = 0; i < nsent; i++) {
			if (there[i])
				cop[ncopied++] = sent[i];
			else
				fresh[nnew++] = sent[i];
			if (there[i])
				sent[k++] = sent[i];
		}
		if (nsent > 0) {
			qsort(cop, ncopied, sizeof(*cop), by_value);
			qsort(fresh, nnew, sizeof(*fresh), by_value);
			if ((rc = store_pending_copied(ar->st, s->name,
			    s->folder, ar->uidvalidity, sent, k,
			    PENDING_COPIED, e)) != RC_OK)
				break;
		}
		/* Gone: moved before the record could go, or expunged by
		 * someone else.  Either way nothing is left to do. */
		if (ngone > 0)
			log_debug("%s: folder %s: %zu messages that waited for "
			    "%s are no longer here", ar->is->where, s->folder,
			    ngone, after);
		if ((rc = store_pending_done(ar->st, s->name, s->folder,
		    ar->uidvalidity, gone, ngone, e)) != RC_OK ||
		    (rc = act(ar, cop, ncopied, 1, e)) != RC_OK ||
		    (rc = act(ar, fresh, nnew, 0, e)) != RC_OK)
			break;
	}
	free(uids);
	free(gone);
	free(cop);
	free(fresh);
	free(sent);
	free(copied);
	free(present);
	free(there);
	return rc;
}

enum rc
after_finish(struct after_run *ar, struct err *e)
{
	const struct source_conf *s = ar->s;
	char after[MAX_FOLDER_LEN + 32];
	long n;
	enum rc rc;

	if (!ar->refused)
		return RC_OK;
	if ((rc = store_pending_count(ar->st, s->name, s->folder, &n, e)) !=
	    RC_OK ||
	    (rc = store_pending_refused(ar->st, s->name, s->folder,
	    ar->answer, e)) != RC_OK)
		return rc;
	after_text(s, after, sizeof(after));
	log_warn("%s: folder %s: %s: %s; %ld stored messages wait for it "
	    "in %s, tried again on every run",
	    ar->is->where, s->folder, after, ar->answer, n, s->folder);
	return RC_OK;
}
