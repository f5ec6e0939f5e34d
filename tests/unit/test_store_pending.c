/*
 * The store's record of the after actions that committed messages are
 * still owed (store_pending.c): a table of steps on one scratch store,
 * each with the rows of its folder and UIDVALIDITY it must leave.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tap.h"

enum op { ADD, COPIED, DONE, NEXT, STALE, DROP, REFUSED };

static const struct step {
	const char	*what;
	enum op		 op;
	const char	*folder;
	uint32_t	 uv;
	const char	*uids;		/* "1,2,3" */
	uint32_t	 from;		/* NEXT: after this UID ... */
	size_t		 max;		/* ... at most this many; COPIED:
					 * the state */
	const char	*want;		/* rows of (folder, uv) after the step,
					 * "c" copied, "s" copy sent; NEXT:
					 * what it gave */
	long		 count;		/* store_pending_count of the folder */
	long		 changed;	/* STALE, DROP: rows dropped */
} steps[] = {
	{ "record a batch", ADD, "INBOX", 7, "1,2,3,5", 0, 0,
	    "1 2 3 5", 4, 0 },
	{ "a UID recorded twice stays one row", ADD, "INBOX", 7, "3,5,6", 0,
	    0, "1 2 3 5 6", 5, 0 },
	{ "the next rows after a UID, at most max", NEXT, "INBOX", 7, "", 2,
	    2, "3 5", 5, 0 },
	{ "past the last row: none", NEXT, "INBOX", 7, "", 6, 10, "", 5, 0 },
	{ "a COPY sent", COPIED, "INBOX", 7, "2,3", 0, PENDING_COPY_SENT,
	    "1 2s 3s 5 6", 5, 0 },
	{ "its answer lost: not copied", COPIED, "INBOX", 7, "3", 0,
	    PENDING_NOT_COPIED, "1 2s 3 5 6", 5, 0 },
	{ "a COPY done", COPIED, "INBOX", 7, "2,3", 0, PENDING_COPIED,
	    "1 2c 3c 5 6", 5, 0 },
	{ "done: forgotten", DONE, "INBOX", 7, "1,3", 0, 0, "2c 5 6", 3, 0 },
	{ "done for a UID not recorded: nothing", DONE, "INBOX", 7, "4", 0, 0,
	    "2c 5 6", 3, 0 },
	{ "another folder is apart", ADD, "Archive", 7, "1", 0, 0, "1", 1,
	    0 },
	{ "the first folder is untouched", NEXT, "INBOX", 7, "", 0, 100,
	    "2c 5 6", 3, 0 },
	{ "a new UIDVALIDITY: rows apart", ADD, "INBOX", 8, "9", 0, 0, "9", 4,
	    0 },
	{ "the stale ones are dropped", STALE, "INBOX", 8, "", 0, 0, "9", 1,
	    3 },
	{ "none left under the old UIDVALIDITY", NEXT, "INBOX", 7, "", 0,
	    100, "", 1, 0 },
	{ "the other folder keeps its own", NEXT, "Archive", 7, "", 0, 100,
	    "1", 1, 0 },
	{ "a refusal is counted", REFUSED, "INBOX", 8, "", 0, 0, "9", 1, 0 },
	{ "dropping a folder", DROP, "INBOX", 8, "", 0, 0, "", 0, 1 },
	{ "dropping it again drops nothing", DROP, "INBOX", 8, "", 0, 0, "",
	    0, 0 },
};

static size_t
parse_uids(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0;
	char *end;

	while (*s != '\0' && n < max) {
		out[n++] = (uint32_t)strtoul(s, &end, 10);
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* The rows of (folder, uv) above from, at most max, as "1 2c 3". */
static void
rows(struct store *st, const char *folder, uint32_t uv, uint32_t from,
    size_t max, char *out, size_t outsz)
{
	uint32_t uids[100];
	int copied[100];
	size_t n, i, len = 0;
	struct err e;

	out[0] = '\0';
	if (store_pending_next(st, "src", folder, uv, from, max, uids, copied,
	    &n, &e) != RC_OK) {
		snprintf(out, outsz, "error: %s", e.msg);
		return;
	}
	for (i = 0; i < n && len < outsz; i++)
		len += snprintf(out + len, outsz - len, "%s%u%s", i ? " " : "",
		    uids[i], copied[i] == PENDING_COPIED ? "c" :
		    copied[i] == PENDING_COPY_SENT ? "s" : "");
}

struct dumped {
	char	text[512];
};

static int
dump_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct dumped *d = arg;
	size_t len = strlen(d->text);
	int i;

	for (i = 0; i < n; i++)
		len += snprintf(d->text + len, sizeof(d->text) - len, "%s%s",
		    i ? "|" : "", i == 5 ? "T" : v[i] ? v[i] : "");
	snprintf(d->text + len, sizeof(d->text) - len, "\n");
	return 0;
}

int
main(void)
{
	struct store *st;
	struct dumped d;
	struct err e;
	uint32_t uids[100];
	char got[512], num[32];
	size_t i, n;
	long count, changed;
	uint32_t old;
	enum rc rc;

	if (store_open(&st, NULL, STORE_SCRATCH, &e) != RC_OK) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step *t = &steps[i];

		n = parse_uids(t->uids, uids, 100);
		changed = 0;
		rc = RC_OK;
		switch (t->op) {
		case ADD:
			if ((rc = store_begin(st, &e)) == RC_OK &&
			    (rc = store_pending_add(st, "src", t->folder, t->uv,
			    "move", "Processed", uids, n, &e)) == RC_OK)
				rc = store_commit(st, &e);
			break;
		case COPIED:
			rc = store_pending_copied(st, "src", t->folder, t->uv,
			    uids, n, t->max, &e);
			break;
		case DONE:
			rc = store_pending_done(st, "src", t->folder, t->uv,
			    uids, n, &e);
			break;
		case NEXT:
			break;
		case STALE:
			rc = store_pending_drop_stale(st, "src", t->folder,
			    t->uv, &old, &changed, &e);
			ok(old == 7, "%s: the old UIDVALIDITY is told (%u)",
			    t->what, old);
			break;
		case DROP:
			rc = store_pending_drop(st, "src", t->folder, &changed,
			    &e);
			break;
		case REFUSED:
			rc = store_pending_refused(st, "src", t->folder,
			    "move to Processed refused (NO)", &e);
			break;
		}
		ok(rc == RC_OK, "%s: RC_OK%s%s", t->what, rc ? ": " : "",
		    rc ? e.msg : "");
		if (t->op == NEXT)
			rows(st, t->folder, t->uv, t->from, t->max, got,
			    sizeof(got));
		else
			rows(st, t->folder, t->uv, 0, 100, got, sizeof(got));
		is(got, t->want, "%s: rows", t->what);
		rc = store_pending_count(st, "src", t->folder, &count, &e);
		snprintf(got, sizeof(got), "%ld", rc == RC_OK ? count : -1);
		snprintf(num, sizeof(num), "%ld", t->count);
		is(got, num, "%s: count", t->what);
		if (t->op == STALE || t->op == DROP) {
			snprintf(got, sizeof(got), "%ld", changed);
			snprintf(num, sizeof(num), "%ld", t->changed);
			is(got, num, "%s: rows dropped", t->what);
		}
	}

	/* status: per source, folder, action and target; the oldest time
	 * (column 5) is left out. */
	memset(&d, 0, sizeof(d));
	ok(store_dump(st, DUMP_STATUS_PENDING, DUMP_TEXT, NULL, NULL,
	    dump_row, &d, &e) == RC_OK, "status dump");
	is(d.text, "src|Archive|move|Processed|1|T|0|\n",
	    "status shows what waits");
	memset(&d, 0, sizeof(d));
	if (store_pending_refused(st, "src", "Archive", "NO [NOPERM] no", &e) ==
	    RC_OK && store_pending_refused(st, "src", "Archive",
	    "NO [NOPERM] still no", &e) == RC_OK)
		(void)store_dump(st, DUMP_STATUS_PENDING, DUMP_TEXT, NULL, NULL,
		    dump_row, &d, &e);
	is(d.text, "src|Archive|move|Processed|1|T|2|NO [NOPERM] still no\n",
	    "status counts refusals and keeps the last answer");
	store_close(st);
	return tap_done();
}
