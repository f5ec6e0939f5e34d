/*
 * The store's side of the daily summaries: which days there are, what
 * each was written from, and what was mailed about it (report_days).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

/*
 * One row per day.  fp sums up everything a day's files show of its
 * cases, reports and corrections: any new report raises the reports'
 * count and largest id, any correction the corrections', any change of
 * a case its updated_at, and a customer notice queued or sent the
 * notices' counts (only on a day that has one, so that the fp of every
 * other day stays as it was), so a day whose fp is what it was when its
 * summary was written has the same summary.  Sums, not the rows
 * themselves, keep it one pass over each table for every day.
 */
static const char days_sql[] =
    "WITH c AS (SELECT day, count(*) AS n, total(internal_reports) AS i,"
    "  total(external_reports) AS x, total(distinct_source_ips) AS ip,"
    "  total(distinct_reporters) AS rp, total(score) AS sc,"
    "  max(updated_at) AS u, count(escalated_at) AS es"
    "  FROM cases WHERE day < ?1 GROUP BY day),"
    " r AS (SELECT day, count(*) AS n, max(id) AS m FROM reports"
    "  WHERE day < ?1 GROUP BY day),"
    " k AS (SELECT r.day AS day, count(*) AS n, max(x.id) AS m"
    "  FROM corrections x JOIN reports r ON r.id = x.report"
    "  WHERE r.day < ?1 GROUP BY r.day),"
    " s AS (SELECT day, group_concat(k || char(9) || customer, char(10))"
    "  AS v FROM (SELECT day, 'confirmed' AS k, customer FROM cases"
    "  WHERE day < ?1 AND confidence = 'confirmed'"
    "  AND customer <> '(unresolved)' UNION ALL"
    "  SELECT day, 'escalated', customer FROM cases WHERE day < ?1"
    "  AND escalated_at IS NOT NULL AND customer <> '(unresolved)')"
    "  GROUP BY day),"
    " nt AS (SELECT day, count(*) AS n, count(sent_at) AS m FROM notices"
    "  WHERE day < ?1 GROUP BY day),"
    " d AS (SELECT day FROM c UNION SELECT day FROM r"
    "  UNION SELECT day FROM report_days WHERE day < ?1"
    "  UNION SELECT ?2 WHERE ?2 IS NOT NULL)"
    " SELECT d.day, printf('cases %d %d %d %d %d %.4f %d %d;"
    "  reports %d %d; corrections %d %d', coalesce(c.n, 0),"
    "  coalesce(c.i, 0), coalesce(c.x, 0), coalesce(c.ip, 0),"
    "  coalesce(c.rp, 0), coalesce(c.sc, 0), coalesce(c.u, 0),"
    "  coalesce(c.es, 0), coalesce(r.n, 0), coalesce(r.m, 0),"
    "  coalesce(k.n, 0), coalesce(k.m, 0)) || CASE WHEN nt.n IS NULL"
    "  THEN '' ELSE printf('; notices %d %d', nt.n, nt.m) END,"
    "  rd.day IS NOT NULL, rd.digest, coalesce(rd.written_at, 0),"
    "  coalesce(rd.sent_at, 0), coalesce(rd.updated_at, 0),"
    "  coalesce(rd.updates, 0), coalesce(s.v, ''), coalesce(rd.sent_set, '')"
    " FROM d LEFT JOIN c ON c.day = d.day LEFT JOIN r ON r.day = d.day"
    " LEFT JOIN k ON k.day = d.day LEFT JOIN s ON s.day = d.day"
    " LEFT JOIN nt ON nt.day = d.day"
    " LEFT JOIN report_days rd ON rd.day = d.day ORDER BY d.day";

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Column i as a set: its lines sorted, so that two sets compare as
 * strings whatever order group_concat gave them. */
static char *
set_col(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	char *copy, *p, **line = NULL, *out;
	size_t n = 0, k, len;
	struct buf b;

	if (v == NULL || *v == '\0')
		return xstrdup("");
	copy = xstrdup((const char *)v);
	len = strlen(copy);
	for (p = copy; p != NULL; ) {
		line = xrealloc(line, (n + 1) * sizeof(*line));
		line[n++] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	qsort(line, n, sizeof(*line), cmp_line);
	buf_init(&b, len + 1);
	for (k = 0; k < n; k++) {
		if (k > 0)
			buf_addch(&b, '\n');
		buf_addstr(&b, line[k]);
	}
	out = buf_detach(&b, NULL);
	buf_release(&b);
	free(line);
	free(copy);
	return out;
}

static char *
text_col(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? xstrdup((const char *)v) : NULL;
}

enum rc
store_days_list(struct store *s, const char *before, const char *also,
    struct day_row **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	struct day_row *r;
	int step;

	*rows = NULL;
	*n = 0;
	if ((st = store_prepare(s, days_sql, e)) == NULL)
		return e->rc;
	bind_text(st, 1, before);
	bind_text(st, 2, also);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = xrealloc(*rows, (*n + 1) * sizeof(**rows));
		r = &(*rows)[(*n)++];
		memset(r, 0, sizeof(*r));
		store_col(st, 0, r->day, sizeof(r->day));
		r->fp = text_col(st, 1);
		r->known = sqlite3_column_int(st, 2);
		r->digest = text_col(st, 3);
		r->written_at = (time_t)sqlite3_column_int64(st, 4);
		r->sent_at = (time_t)sqlite3_column_int64(st, 5);
		r->updated_at = (time_t)sqlite3_column_int64(st, 6);
		r->updates = (long)sqlite3_column_int64(st, 7);
		r->set = set_col(st, 8);
		r->sent_set = set_col(st, 9);
	}
	if (step != SQLITE_DONE) {
		store_fail(s, e, "list the days of summaries");
		sqlite3_finalize(st);
		store_days_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return e->rc;
	}
	sqlite3_finalize(st);
	return RC_OK;
}

void
store_days_free(struct day_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].fp);
		free(rows[i].digest);
		free(rows[i].set);
		free(rows[i].sent_set);
	}
	free(rows);
}

enum rc
store_day_written(struct store *s, const char *day, const char *digest,
    time_t written_at, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "INSERT INTO report_days (day, written_at,"
	    " digest) VALUES (?1, ?2, ?3) ON CONFLICT (day) DO UPDATE SET"
	    " digest = excluded.digest, written_at = CASE WHEN ?2 = 0"
	    " THEN written_at ELSE excluded.written_at END", e)) == NULL)
		return e->rc;
	bind_text(st, 1, day);
	sqlite3_bind_int64(st, 2, written_at);
	bind_text(st, 3, digest);
	return store_finish(s, st, "record summary", NULL, e);
}

enum rc
store_day_sent(struct store *s, const char *day, const char *set,
    long update, time_t now, struct err *e)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, update == 0 ?
	    "UPDATE report_days SET sent_at = ?2, sent_set = ?3"
	    " WHERE day = ?1" :
	    "UPDATE report_days SET sent_set = ?3, updates = ?4,"
	    " updated_at = ?2 WHERE day = ?1", e)) == NULL)
		return e->rc;
	bind_text(st, 1, day);
	sqlite3_bind_int64(st, 2, now);
	bind_text(st, 3, set);
	if (update != 0)
		sqlite3_bind_int64(st, 4, update);
	return store_finish(s, st, "record summary mail", NULL, e);
}
