#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "csv.h"
#include "days.h"
#include "files.h"
#include "html_customer.h"
#include "store.h"
#include "summary.h"

/* As many columns as a dump may have (store_dump.c). */
#define CSV_COLS_MAX	48

struct csv_out {
	FILE		*f;
	int		 ncols;
	/* Columns added to every row (NULL: none): for the header row
	 * and for the others. */
	const char	*const *extra_names;
	const char	*const *extra;
	int		 nextra;
	int		 header;
};

static int
csv_cb(void *arg, int n, const char *const *names, const char *const *vals)
{
	struct csv_out *o = arg;
	const char *row[32 + 2];
	int i, k;

	n = n < o->ncols ? n : o->ncols;
	if (o->nextra == 0) {
		csv_row(o->f, n, vals);
		return 0;
	}
	for (i = 0; i < n; i++)
		row[i] = vals[i];
	for (k = 0; k < o->nextra; k++)
		row[i++] = o->header ? o->extra_names[k] : o->extra[k];
	o->header = 0;
	csv_row(o->f, i, row);
	return 0;
}

enum rc
csv_summary(FILE *f, struct store *s, const struct config *c,
    const char *day, time_t now, struct err *e)
{
	static const char *const names[2] = { "made_at", "settled" };
	const char *extra[2];
	char made[21];
	struct csv_out o = { f, CSV_COLS_MAX, names, extra, 2, 1 };
	enum rc rc;

	iso8601_utc(now, made);
	extra[0] = made;
	extra[1] = now >= day_settles_at(day, c->report.send_after) ? "yes" :
	    "no";
	if ((rc = store_dump_header(s, DUMP_SUMMARY, csv_cb, &o, e)) != RC_OK)
		return rc;
	return store_dump(s, DUMP_SUMMARY, DUMP_TEXT, day, NULL, csv_cb, &o,
	    e);
}

enum rc
csv_reports(FILE *f, struct store *s, const char *day, struct err *e)
{
	struct csv_out o = { f, CSV_COLS_MAX, NULL, NULL, 0, 0 };
	enum rc rc;

	if ((rc = store_dump_header(s, DUMP_REPORTS, csv_cb, &o, e)) != RC_OK)
		return rc;
	return store_dump(s, DUMP_REPORTS, DUMP_TEXT, day, day, csv_cb, &o,
	    e);
}

static long
num(const char *v)
{
	long long n;

	return v != NULL && parse_ll(v, 0, 1LL << 50, &n) == 0 ? (long)n : 0;
}

static int
totals_cb(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct day_totals *t = arg;

	if (n < 8)
		return 1;
	t->confirmed = num(v[0]);
	t->internal_only = num(v[1]);
	t->external_only = num(v[2]);
	t->unresolved = num(v[3]);
	t->quarantined = num(v[4]);
	t->internal_reports = num(v[5]);
	t->external_reports = num(v[6]);
	t->escalated = num(v[7]);
	t->reports = n > 8 ? num(v[8]) : 0;
	return 0;
}

enum rc
summary_totals(struct store *s, const char *day, struct day_totals *t,
    struct err *e)
{
	memset(t, 0, sizeof(*t));
	return store_dump(s, DUMP_DAY_TOTALS, DUMP_TEXT, day, NULL, totals_cb,
	    t, e);
}

void
day_minus(const char *day, int n, char out[11])
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	/* Noon UTC, so that whole days of seconds never cross a date
	 * boundary by a leap second or a zone. */
	if (strptime(day, "%Y-%m-%d", &tm) == NULL) {
		memcpy(out, "1970-01-01", 11);
		return;
	}
	tm.tm_hour = 12;
	t = timegm(&tm) - (time_t)n * 86400;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "1970-01-01", 11);
}

/* The plain-text part of the e-mail: the day at a glance and the
 * confirmed customers; the HTML part and the CSV have the rest. */
struct text_out {
	FILE	*f;
	long	 n;
	long	 marked;	/* rows with reports placed at arrival */
};

static int
text_case(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct text_out *o = arg;

	long placed = n > 11 && v[11] ? strtol(v[11], NULL, 10) : 0;

	if (n < 5)
		return 1;
	if (o->n++ >= 50)
		return 0;
	fprintf(o->f, "  %-30s score %6s  internal %5s  external "
	    "%5s  source IPs %s", v[0] ? v[0] : "", v[1] ? v[1] : "",
	    v[2] ? v[2] : "", v[3] ? v[3] : "", v[4] ? v[4] : "");
	if (placed > 0) {
		fprintf(o->f, "  \u2020%ld", placed);
		o->marked++;
	}
	/* The customer notice ([notify]): sent, suppressed, no contact. */
	if (n > 13 && v[13] != NULL)
		fprintf(o->f, "\n  %-30s notice: %s", "", v[13]);
	fputc('\n', o->f);
	return 0;
}

static void
text_line(FILE *f, const char *what, long now, long before)
{
	long d = now - before;

	fprintf(f, "  %-22s %6ld  (%s%ld)\n", what, now,
	    d > 0 ? "+" : d == 0 ? "\u00b1" : "", d);
}

static int
text_kind(void *arg, int n, const char *const *names, const char *const *v)
{
	struct text_out *o = arg;

	if (n < 2)
		return 1;
	fprintf(o->f, "%s%s %s", o->n++ ? ", " : "", v[0] ? v[0] : "other",
	    v[1] ? v[1] : "0");
	return 0;
}

enum rc
text_summary(FILE *f, struct store *s, const struct config *c,
    const char *day, struct err *e)
{
	struct day_totals t, p;
	struct text_out o = { f, 0, 0 };
	char prev[11];
	enum rc rc;

	day_minus(day, 1, prev);
	if ((rc = summary_totals(s, day, &t, e)) != RC_OK ||
	    (rc = summary_totals(s, prev, &p, e)) != RC_OK)
		return rc;
	fprintf(f, "Abuse summary for %s (time zone %s)\n\n"
	    "The day at a glance, with the change against %s:\n\n", day,
	    c->cases.timezone, prev);
	text_line(f, "confirmed customers", t.confirmed, p.confirmed);
	text_line(f, "internal only", t.internal_only, p.internal_only);
	text_line(f, "external only", t.external_only, p.external_only);
	text_line(f, "unresolved reports", t.unresolved, p.unresolved);
	text_line(f, "quarantined messages", t.quarantined, p.quarantined);
	text_line(f, "escalated customers", t.escalated, p.escalated);
	/* Mail that was no report, by kind: stored, never counted. */
	fprintf(f, "  %-22s ", "not reports");
	if ((rc = store_dump(s, DUMP_DAY_IGNORED, DUMP_TEXT, day, NULL,
	    text_kind, &o, e)) != RC_OK)
		return rc;
	fprintf(f, "%s\n", o.n == 0 ? "none" : "");
	o.n = 0;
	fprintf(f, "\nConfirmed customers (internal and external reports):\n");
	rc = store_dump(s, DUMP_DAY_CASES, DUMP_TEXT, day, "confirmed",
	    text_case, &o, e);
	if (rc != RC_OK)
		return rc;
	if (o.n == 0)
		fprintf(f, "  none\n");
	else if (o.n > 50)
		fprintf(f, "  ... and %ld more\n", o.n - 50);
	if (o.marked > 0)
		fprintf(f, "  \u2020N: N reports without a time of their own "
		    "that can be trusted\n     (undated, or dated where that "
		    "cannot be true), placed at their\n     message's arrival; "
		    "reports-%s.csv says why (occurred_note).\n", day);
	fprintf(f, "\nThe HTML part has the whole summary; summary-%s.csv "
	    "is attached.\n", day);
	return RC_OK;
}

enum which { W_SUMMARY_CSV, W_REPORTS_CSV, W_HTML };

/* One file, written under a fresh temporary name and renamed into
 * place, with the mode and group the configuration gives summaries. */
static enum rc
write_one(struct store *s, const struct config *c, const char *day,
    const char *dir, time_t now, enum which w, char **written,
    struct err *e)
{
	static const char *const names[][2] = { { "summary-", ".csv" },
	    { "reports-", ".csv" }, { "summary-", ".html" } };
	struct atomic_file af;
	char *path;
	enum rc rc;

	path = xasprintf("%s/%s%s%s", dir, names[w][0], day, names[w][1]);
	if ((rc = atomic_file_open(&af, path, config_report_mode(c),
	    c->store_gid, e)) != RC_OK)
		goto out;
	switch (w) {
	case W_SUMMARY_CSV: rc = csv_summary(af.f, s, c, day, now, e); break;
	case W_REPORTS_CSV: rc = csv_reports(af.f, s, day, e); break;
	default: rc = html_summary(af.f, s, c, day, now, e); break;
	}
	if (rc != RC_OK) {
		atomic_file_abort(&af);
		goto out;
	}
	if ((rc = atomic_file_commit(&af, e)) != RC_OK)
		goto out;
	if (written != NULL) {
		*written = path;
		path = NULL;
	}
out:
	free(path);
	return rc;
}

enum rc
summary_write(struct store *s, const struct config *c, const char *day,
    const char *dir, time_t now, char *written[SUMMARY_FILES],
    struct err *e)
{
	long pages;
	enum rc rc;
	int w;

	for (w = 0; w < SUMMARY_FILES; w++)
		written[w] = NULL;
	if (mkdirs(dir, 0750) < 0) {
		char advice[256];
		int err = errno;

		if (!errno_full(err))
			return err_set(e, RC_FATAL, "cannot create report "
			    "directory '%s': %s", dir, strerror(err));
		fs_full_advice(dir, advice, sizeof(advice));
		return err_set(e, RC_TEMP, "cannot create report directory "
		    "'%s': %s; %s", dir, strerror(err), advice);
	}
	for (w = W_SUMMARY_CSV; w <= W_HTML; w++)
		if ((rc = write_one(s, c, day, dir, now, (enum which)w,
		    &written[w], e)) != RC_OK)
			return rc;
	/* The pages the case rows link to. */
	return customer_pages_write(s, c, day, dir, now, &pages, e);
}
