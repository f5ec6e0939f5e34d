#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "formats/formats.h"
#include "log.h"
#include "mime.h"
#include "pipeline.h"
#include "resolve.h"
#include "store.h"

struct pipeline {
	const struct config	*c;
	struct store		*s;
	struct resolver		*r;
	struct correlator	*k;
	struct parse_opts	 opts;
	int			 dry_run;
	int			 open;		/* a transaction is open */
	struct pipeline_stats	 stats;
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
	return p;
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	if (p->open)
		store_rollback(p->s);
	correlator_free(p->k);
	free(p);
}

enum rc
pipeline_begin(struct pipeline *p, struct err *e)
{
	enum rc rc;

	if (p->open)
		return RC_OK;	/* a dry run keeps its one transaction */
	if ((rc = store_begin(p->s, e)) == RC_OK)
		p->open = 1;
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

		if (n == 0 || (n == 1 && p[0] == '\r'))
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

enum rc
pipeline_add(struct pipeline *p, const struct origin *o, const char *raw,
    size_t len, struct err *e)
{
	struct stored_msg sm;
	struct report r;
	char sha[65], key[65], day[11], where[512];
	char *msgid = NULL;
	int64_t row;
	int dup, known;
	time_t now = time(NULL), when;
	enum rc rc = RC_OK;

	p->stats.messages++;
	sha256_hex(raw, len, sha);
	if ((known = store_message_known(p->s, sha, e)) < 0)
		return e->rc;
	if (known) {
		p->stats.duplicates++;
		goto remember;
	}
	report_init(&r);
	message_parse(raw, len, &p->opts, &r);
	if (r.status == MSG_PARSED && o->role != ROLE_AUTO)
		r.role = o->role;
	msgid = own_msgid(raw, len);
	memset(&sm, 0, sizeof(sm));
	sm.source = o->source;
	sm.folder = o->folder;
	sm.uidvalidity = o->uidvalidity;
	sm.uid = o->uid;
	sm.sha256 = sha;
	sm.report_msgid = msgid;
	sm.size = len;
	sm.received_at = now;
	sm.format = r.format;
	sm.status = r.status;
	sm.reason = r.reason;
	if (r.status == MSG_QUARANTINED) {
		/* Kept whole, so it can be replayed after a parser fix. */
		sm.raw = raw;
		sm.raw_len = len;
		origin_where(o, where, sizeof(where));
		log_info("%s: quarantined: %s", where,
		    r.reason ? r.reason : "unreadable");
	}
	if ((rc = store_message_add(p->s, &sm, &row, &dup, e)) != RC_OK)
		goto out;
	if (dup) {
		p->stats.duplicates++;
		goto out;
	}
	p->stats.stored++;
	count_status(p, r.status);
	if (r.status != MSG_PARSED)
		goto out;
	when = r.occurred_at ? r.occurred_at : o->arrived ? o->arrived : now;
	resolver_resolve_at(p->r, &r, when);
	day_of(when, day);
	report_key(&r, sha, key);
	if ((rc = store_report_add(p->s, row, &r, key, day, when, &dup, e)) !=
	    RC_OK)
		goto out;
	if (dup) {
		p->stats.duplicates++;
	} else {
		p->stats.reports++;
		correlator_touch(p->k, r.customer, day);
	}
out:
	free(msgid);
	report_release(&r);
	if (rc != RC_OK)
		return rc;
remember:
	if (o->name != NULL)
		rc = store_local_mark(p->s, o->source, o->name, e);
	return rc;
}

enum rc
pipeline_add_oversize(struct pipeline *p, const struct origin *o,
    size_t size, struct err *e)
{
	struct stored_msg sm;
	char id[512], sha[65], reason[128];
	int64_t row;
	int dup;
	enum rc rc;

	p->stats.messages++;
	/* No bytes to hash: the message's place stands in for them. */
	snprintf(id, sizeof(id), "oversize\n%s\n%s\n%u\n%u\n%zu", o->source,
	    o->folder ? o->folder : "", o->uidvalidity, o->uid, size);
	sha256_hex(id, strlen(id), sha);
	snprintf(reason, sizeof(reason), "message of %zu bytes is over the "
	    "limit of %zu; not downloaded", size, p->c->limits.message_size);
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
	if ((rc = store_message_add(p->s, &sm, &row, &dup, e)) != RC_OK)
		return rc;
	if (dup) {
		p->stats.duplicates++;
	} else {
		p->stats.stored++;
		p->stats.quarantined++;
		origin_where(o, id, sizeof(id));
		log_info("%s: quarantined: %s", id, reason);
	}
	if (o->name != NULL)
		rc = store_local_mark(p->s, o->source, o->name, e);
	return rc;
}

enum rc
pipeline_checkpoint(struct pipeline *p, const char *source,
    const char *folder, uint32_t uidvalidity, uint32_t last_uid,
    struct err *e)
{
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

	if (!p->open)
		return RC_OK;
	if ((rc = correlator_flush(p->k, e)) != RC_OK) {
		pipeline_abort(p);
		return rc;
	}
	if (p->dry_run)
		return RC_OK;
	rc = store_commit(p->s, e);
	if (rc != RC_OK)
		store_rollback(p->s);
	p->open = 0;
	return rc;
}

void
pipeline_abort(struct pipeline *p)
{
	if (p->open)
		store_rollback(p->s);
	p->open = 0;
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
