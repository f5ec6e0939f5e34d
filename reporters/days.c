#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "days.h"
#include "util.h"

/* Customers a mail names per kind of change. */
#define DIFF_TEXT_MAX	50

time_t
day_settles_at(const char *day, long long send_after)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (strptime(day, "%Y-%m-%d", &tm) == NULL)
		return 0;
	/* Midnight that starts the next day; mktime normalises day 32
	 * and, where a zone skips midnight, moves on to what exists. */
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return 0;
	return t + (time_t)send_after;
}

char *
day_digest(const struct day_row *r, int settled)
{
	return xasprintf("%s%s", r->fp, settled ? "; settled" : "");
}

unsigned
day_plan(const struct day_row *r, time_t settles_at,
    const struct day_rules *k)
{
	unsigned plan = 0;
	int settled = k->now >= settles_at;
	time_t last;

	char *want = day_digest(r, settled);

	if (!r->known)
		plan |= DAY_WRITE;
	else if (r->digest == NULL)
		plan |= DAY_ADOPT;
	else if (strcmp(r->digest, want) != 0)
		plan |= DAY_WRITE;
	free(want);
	if (!settled)
		return plan;
	if (r->sent_at == 0) {
		if (strcmp(r->day, k->recent) >= 0)
			plan |= DAY_DAILY;
		return plan;
	}
	if (strcmp(r->set, r->sent_set) == 0)
		return plan;
	last = r->updated_at > r->sent_at ? r->updated_at : r->sent_at;
	if (k->now - last >= k->update_interval)
		plan |= DAY_UPDATE;
	else
		plan |= DAY_HELD;
	return plan;
}

/* The lines of a set, each "kind\tcustomer". */
struct lines {
	char	**v;
	size_t	  n;
	char	 *copy;
};

static void
lines_of(const char *set, struct lines *l)
{
	char *p;

	l->v = NULL;
	l->n = 0;
	l->copy = xstrdup(set);
	if (*l->copy == '\0')
		return;
	for (p = l->copy; p != NULL; ) {
		l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		l->v[l->n++] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
}

static int
has_line(const struct lines *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static void
add(struct day_diff *d, int change, const char *who)
{
	d->who[change] = xrealloc(d->who[change],
	    (d->n[change] + 1) * sizeof(char *));
	d->who[change][d->n[change]++] = xstrdup(who);
}

/* Lines of a that b has not: gained (a = now) or lost (a = was). */
static void
only_in(const struct lines *a, const struct lines *b, struct day_diff *d,
    int gained)
{
	const char *tab;
	size_t i;
	int conf;

	for (i = 0; i < a->n; i++) {
		if (has_line(b, a->v[i]) ||
		    (tab = strchr(a->v[i], '\t')) == NULL)
			continue;
		conf = strncmp(a->v[i], "confirmed\t", 10) == 0;
		add(d, conf ? (gained ? CHANGE_CONFIRMED : CHANGE_UNCONFIRMED) :
		    (gained ? CHANGE_ESCALATED : CHANGE_UNESCALATED), tab + 1);
	}
}

void
day_diff(const char *was, const char *now, struct day_diff *d)
{
	struct lines w, n;

	memset(d, 0, sizeof(*d));
	lines_of(was, &w);
	lines_of(now, &n);
	only_in(&n, &w, d, 1);
	only_in(&w, &n, d, 0);
	free(w.v);
	free(w.copy);
	free(n.v);
	free(n.copy);
}

void
day_diff_release(struct day_diff *d)
{
	size_t i;
	int c;

	for (c = 0; c < NCHANGES; c++) {
		for (i = 0; i < d->n[c]; i++)
			free(d->who[c][i]);
		free(d->who[c]);
	}
	memset(d, 0, sizeof(*d));
}

const char *
day_change_name(int change)
{
	static const char *const names[NCHANGES] = { "confirmed",
	    "unconfirmed", "escalated", "unescalated" };

	return change >= 0 && change < NCHANGES ? names[change] : "";
}

char *
day_diff_text(const struct day_diff *d)
{
	static const char *const says[NCHANGES] = { "now confirmed",
	    "no longer confirmed", "now escalated", "no longer escalated" };
	struct buf b;
	char *s;
	size_t i;
	int c;

	/* A mail lists so many; summary.updated has them all. */
	buf_init(&b, NCHANGES * (DIFF_TEXT_MAX + 1) * (MAX_CUSTOMER_LEN + 64));
	for (c = 0; c < NCHANGES; c++) {
		for (i = 0; i < d->n[c] && i < DIFF_TEXT_MAX; i++)
			buf_addf(&b, "  %s: %s\n", d->who[c][i], says[c]);
		if (d->n[c] > DIFF_TEXT_MAX)
			buf_addf(&b, "  ... and %zu more %s\n",
			    d->n[c] - DIFF_TEXT_MAX, says[c]);
	}
	s = buf_detach(&b, NULL);
	buf_release(&b);
	return s;
}
