/*
 * The tables of summary-D.html: the cases, the lists (unresolved,
 * quarantine, dead letters) and run health.  A table opens at its first
 * row, so an empty one is a line of text; rows past MAX_HTML_ROWS are
 * counted, not shown.  Column labels are ours; every cell goes through
 * html_escape.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "config.h"
#include "html.h"
#include "html_customer.h"
#include "json.h"
#include "store.h"

struct tbl {
	FILE			*f;
	const char *const	*cols;	/* labels; a leading '#' marks a
					 * number column (right-aligned), '='
					 * a short one that does not wrap */
	size_t			 ncols;
	long			 n;	/* rows seen */
	const char		*more;	/* where the rest is */
	/* Footnotes of the rows shown (mark()), under the table; fn names
	 * their anchors. */
	const char		*fn;
	const char		*day;	/* of the page: times of other days show
					 * their date */
	char			**notes;
	size_t			 nnotes;
};

/*
 * A footnote mark in the cell being written, for a time that is not the
 * report's own: a sign linking to the note, which tbl_close() writes
 * under the table (a note that every reader sees, print and mail
 * included, where a tooltip would hide it).
 */
static void
mark(struct tbl *t, const char *note)
{
	t->notes = xrealloc(t->notes, (t->nnotes + 1) * sizeof(*t->notes));
	t->notes[t->nnotes++] = xstrdup(note);
	fputs("<sup class=\"fn\"><a href=\"#fn-", t->f);
	html_str(t->f, t->fn ? t->fn : "t");
	fprintf(t->f, "-%zu\">\u2020%zu</a></sup>", t->nnotes, t->nnotes);
}

static void
label(FILE *f, const char *col)
{
	html_str(f, col[0] == '#' || col[0] == '=' ? col + 1 : col);
}

static const char *
col_class(const char *col)
{
	return col[0] == '#' ? " class=\"r\"" : col[0] == '=' ?
	    " class=\"k\"" : "";
}

int
html_row_open(FILE *f, const char *const *cols, size_t ncols, long *n)
{
	size_t i;

	if (++*n > MAX_HTML_ROWS)
		return 0;
	if (*n == 1) {
		fputs("<div class=\"tw\"><table class=\"rows\"><thead><tr>", f);
		for (i = 0; i < ncols; i++) {
			fprintf(f, "<th%s>", col_class(cols[i]));
			label(f, cols[i]);
			fputs("</th>", f);
		}
		fputs("</tr></thead><tbody>\n", f);
	}
	fputs("<tr>", f);
	return 1;
}

void
html_cell_open(FILE *f, const char *col)
{
	fprintf(f, "<td%s data-label=\"", col_class(col));
	label(f, col);
	fputs("\">", f);
}

void
html_cell(FILE *f, const char *col, const char *v)
{
	html_cell_open(f, col);
	if (v == NULL || *v == '\0')
		fputs("\u2013", f);
	else
		html_str(f, v);
	fputs("</td>", f);
}

int
html_rows_close(FILE *f, long n)
{
	if (n == 0) {
		fputs("<p class=\"none\">None.</p>\n", f);
		return 0;
	}
	fputs("</tbody></table></div>\n", f);
	return 1;
}

/* Start a row: 0 when it is past the limit and is only counted. */
static int
row_open(struct tbl *t)
{
	return html_row_open(t->f, t->cols, t->ncols, &t->n);
}

/* Open cell i (its label shows on narrow screens). */
static void
cell(struct tbl *t, size_t i)
{
	html_cell_open(t->f, t->cols[i]);
}

static void
td(struct tbl *t, size_t i, const char *v)
{
	html_cell(t->f, t->cols[i], v);
}

/* Cells from..to-1, each with the value of the same column. */
static void
tds(struct tbl *t, const char *const *v, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		td(t, i, v[i]);
}

static void
td_time(struct tbl *t, size_t i, const char *v, int with_date)
{
	cell(t, i);
	html_time(t->f, v, with_date);
	fputs("</td>", t->f);
}

static void
tbl_close(struct tbl *t)
{
	size_t i;

	if (!html_rows_close(t->f, t->n))
		return;
	for (i = 0; i < t->nnotes; i++) {
		fputs("<p class=\"note\" id=\"fn-", t->f);
		html_str(t->f, t->fn ? t->fn : "t");
		fprintf(t->f, "-%zu\"><sup>\u2020%zu</sup> ", i + 1, i + 1);
		html_str(t->f, t->notes[i]);
		fputs("</p>\n", t->f);
		free(t->notes[i]);
	}
	free(t->notes);
	t->notes = NULL;
	t->nnotes = 0;
	if (t->n > MAX_HTML_ROWS) {
		fprintf(t->f, "<p class=\"note\">%d of %ld rows shown; ",
		    MAX_HTML_ROWS, t->n);
		html_str(t->f, t->more);
		fputs(" has them all.</p>\n", t->f);
	}
}

/* The case tables: confirmed, internal only, external only. */
static const char *const case_cols[] = { "Customer", "#Score",
	"#Internal", "#External", "#Source IPs", "#Reporters", "=First seen",
	"=Last seen", "Top subjects", "Resolved by", "=Escalated", "Notice" };

static void
subjects(FILE *f, const char *json)
{
	char path[32], *s, *n;
	int i, any = 0;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "$[%d][0]", i);
		if ((s = json_get(json, path)) == NULL)
			break;
		snprintf(path, sizeof(path), "$[%d][1]", i);
		n = json_get(json, path);
		fputs(any++ ? "<li>" : "<ul class=\"s\"><li>", f);
		html_str_cut(f, s, 120);
		if (n != NULL && strcmp(n, "1") != 0) {
			fputs(" (\u00d7", f);
			html_str(f, n);
			fputs(")", f);
		}
		fputs("</li>", f);
		free(s);
		free(n);
	}
	fputs(any ? "</ul>" : "\u2013", f);
}

static int
case_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct tbl *t = arg;

	long placed;
	char note[256];

	if (n < 12)
		return 1;
	if (!row_open(t))
		return 0;
	/* The customer's page: their last days, reports and evidence. */
	cell(t, 0);
	if (v[0] != NULL) {
		char page[CUSTOMER_PAGE_NAME_MAX];

		customer_page_name(v[0], page);
		fputs("<a href=\"", t->f);
		html_str(t->f, page);
		fputs("\">", t->f);
		html_str(t->f, v[0]);
		fputs("</a>", t->f);
	}
	/* The case's ticket, when a ticket target made one. */
	if (n > 12 && v[12] != NULL && *v[12] != '\0') {
		fputs(" <a class=\"ticket\" href=\"", t->f);
		html_str(t->f, v[12]);
		fputs("\">ticket</a>", t->f);
	}
	fputs("</td>", t->f);
	tds(t, v, 1, 6);
	cell(t, 6);
	html_time(t->f, v[6], 0);
	if ((placed = html_num(v[11])) > 0) {
		snprintf(note, sizeof(note), "%s: reports placed at their "
		    "message's arrival: %ld (undated, or dated where that "
		    "cannot be true); they cannot confirm the case. "
		    "reports-%s.csv says why (occurred_note).", v[0] ? v[0] :
		    "-", placed, t->day ? t->day : "D");
		mark(t, note);
	}
	fputs("</td>", t->f);
	td_time(t, 7, v[7], 0);
	cell(t, 8);
	subjects(t->f, v[8]);
	fputs("</td>", t->f);
	td(t, 9, v[9]);
	cell(t, 10);
	if (html_num(v[10]) > 0) {
		fputs("<span class=\"yes\">yes</span>, ", t->f);
		html_time(t->f, v[10], 0);
	} else {
		fputs("no", t->f);
	}
	fputs("</td>", t->f);
	/* The customer notice ([notify]): sent, suppressed, no contact. */
	td(t, 11, n > 13 ? v[13] : NULL);
	fputs("</tr>\n", t->f);
	return 0;
}

static const char *const unresolved_cols[] = { "=Time", "=Format",
	"=Role", "Reporter", "=Source IP", "=Origin IP", "Auth user",
	"Mail from", "Subject", "Why unresolved" };

static const char *const quarantine_cols[] = { "=Received", "Source",
	"Folder", "#UID", "#Size", "=Format", "Reason" };

/* A row whose first column is a time (with its date when dated) and
 * the others text. */
static int
time_first(struct tbl *t, int n, const char *const *v, int dated)
{
	size_t i;

	if ((size_t)n < t->ncols)
		return 1;
	if (!row_open(t))
		return 0;
	cell(t, 0);
	html_time(t->f, v[0], dated);
	/* A column past the shown ones: why the time is not the report's
	 * own. */
	if ((size_t)n > t->ncols && v[t->ncols] != NULL)
		mark(t, v[t->ncols]);
	fputs("</td>", t->f);
	for (i = 1; i < t->ncols; i++)
		td(t, i, v[i]);
	fputs("</tr>\n", t->f);
	return 0;
}

/* A row whose first column is a time and the others text. */
static int
timed_row(void *arg, int n, const char *const *names, const char *const *v)
{
	return time_first(arg, n, v, 0);
}

static const char *const alert_cols[] = { "=Time", "Source", "=Alert",
	"What" };

static const char *const review_cols[] = { "=Time", "#Report",
	"Reporter", "Subject", "Suggested customer", "Why not counted" };

static const char *const fix_cols[] = { "=When", "#Report", "=Action",
	"=By", "=State", "Customer", "Why" };

/* A correction: made on any day since, so with its date. */
static int
fix_row(void *arg, int n, const char *const *names, const char *const *v)
{
	return time_first(arg, n, v, 1);
}

static const char *const dead_cols[] = { "=Queued", "Target", "=Event",
	"#Attempts", "=Last attempt", "Last error", "Delivery id" };

static int
dead_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct tbl *t = arg;

	if (n < 7)
		return 1;
	if (!row_open(t))
		return 0;
	/* The query's order is not the page's: the key goes last. */
	td_time(t, 0, v[0], 1);
	td(t, 1, v[1]);
	td(t, 2, v[2]);
	td(t, 3, v[4]);
	td_time(t, 4, v[5], 1);
	td(t, 5, v[6]);
	td(t, 6, v[3]);
	fputs("</tr>\n", t->f);
	return 0;
}

static const char *const runerr_cols[] = { "=Started", "=Command",
	"#Exit status", "Error" };

static int
runerr_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct tbl *t = arg;

	if (n < 4)
		return 1;
	if (!row_open(t))
		return 0;
	cell(t, 0);
	html_time_on(t->f, v[0], t->day);
	fputs("</td>", t->f);
	td(t, 1, v[1]);
	td(t, 2, v[2] ? v[2] : "still running or killed");
	td(t, 3, v[3]);
	fputs("</tr>\n", t->f);
	return 0;
}

static const char *const outbox_cols[] = { "Target", "#Delivered that day",
	"#Waiting", "#Dead letters", "=Oldest waiting since" };

static int
outbox_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct tbl *t = arg;

	if (n < 5)
		return 1;
	if (!row_open(t))
		return 0;
	tds(t, v, 0, 4);
	td_time(t, 4, v[4], 1);
	fputs("</tr>\n", t->f);
	return 0;
}

enum rc
html_cases(FILE *f, struct store *s, const char *day,
    const char *confidence, const char *anchor, const char *title,
    const char *what, long count, const char *more, struct err *e)
{
	struct tbl t = { .f = f, .cols = case_cols, .ncols = 12,
	    .more = more, .day = day };
	enum rc rc;

	t.fn = anchor;
	t.day = day;
	fputs("<section id=\"", f);
	html_str(f, anchor);
	fputs("\"><h2>", f);
	html_str(f, title);
	fprintf(f, " (%ld)</h2><p class=\"note\">", count);
	html_str(f, what);
	fputs("</p>\n", f);
	rc = store_dump(s, DUMP_DAY_CASES, DUMP_TEXT, day, confidence,
	    case_row, &t, e);
	tbl_close(&t);
	fputs("</section>\n", f);
	return rc;
}

/* Run health: the runs of the day, the sources, the outbox. */
struct srcinfo {
	char	*name;
	long	 messages, quarantined, failures;
	char	*last_error;
	char	*last_at;
	int	 configured;
};

struct srclist {
	struct srcinfo	v[MAX_SOURCES * 2];
	size_t		n;
};

static struct srcinfo *
src_get(struct srclist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	if (l->n == sizeof(l->v) / sizeof(l->v[0]))
		return NULL;
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].name = xstrdup(name);
	return &l->v[l->n++];
}

static int
src_msgs(void *arg, int n, const char *const *names, const char *const *v)
{
	struct srcinfo *si;

	if (n < 3 || v[0] == NULL || (si = src_get(arg, v[0])) == NULL)
		return 0;
	si->messages = html_num(v[1]);
	si->quarantined = html_num(v[2]);
	return 0;
}

static int
src_errs(void *arg, int n, const char *const *names, const char *const *v)
{
	struct srcinfo *si;

	if (n < 4 || v[0] == NULL ||
	    (si = src_get(arg, v[0][0] ? v[0] : "(no source)")) == NULL)
		return 0;
	si->failures = html_num(v[1]);
	si->last_at = v[2] ? xstrdup(v[2]) : NULL;
	si->last_error = v[3] ? xstrdup(v[3]) : NULL;
	return 0;
}

static int
runs_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct tbl *t = arg;
	FILE *f = t->f;
	char counts[HTML_RUNS_COUNTS];

	if (n < 11)
		return 1;
	if (html_num(v[0]) == 0) {
		fputs("<p>No run started on this day or collected its "
		    "reports.</p>\n", f);
		return 0;
	}
	fprintf(f, "<p>%ld run%s", html_num(v[0]), html_num(v[0]) == 1 ? "" : "s");
	if (html_num(v[0]) == 1) {
		fputs(" at ", f);
		html_time_on(f, v[8], t->day);
	} else if (html_num(v[0]) > 0) {
		fputs(" between ", f);
		html_time_on(f, v[8], t->day);
		fputs(" and ", f);
		html_time_on(f, v[9], t->day);
	}
	html_runs_counts(v, counts);
	fprintf(f, "%s</p>\n", counts);
	return 0;
}

/* "dsn 3, auto-reply 1": the kinds of mail that were no reports. */
static int
ignored_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct tbl *t = arg;

	if (n < 2)
		return 1;
	html_kind_item(t->f, &t->n, v);
	return 0;
}

static const char *const src_cols[] = { "Source", "#Messages",
	"#Quarantined", "#Failures", "=Last failure", "Last error" };

/* The mail of the day that was no report, by kind: stored, never
 * counted. */
static enum rc
html_ignored(FILE *f, struct store *s, const char *day, struct err *e)
{
	struct tbl t = { .f = f, .cols = NULL, .ncols = 0, .more = "",
	    .day = day };
	enum rc rc;

	fputs("<p id=\"not-reports\">Not reports (stored as ignored, never "
	    "counted): ", f);
	rc = store_dump(s, DUMP_DAY_IGNORED, DUMP_TEXT, day, NULL,
	    ignored_row, &t, e);
	fprintf(f, "%s.</p>\n", t.n == 0 ? "none" : "");
	return rc;
}

enum rc
html_health(FILE *f, struct store *s, const struct config *c,
    const char *day, struct err *e)
{
	struct srclist *l = xcalloc(1, sizeof(*l));
	struct tbl t = { .f = f, .cols = src_cols, .ncols = 6, .more = "",
	    .day = day };
	struct tbl rt = { .f = f, .cols = runerr_cols, .ncols = 4,
	    .more = "the runs table", .day = day };
	struct tbl ot = { .f = f, .cols = outbox_cols, .ncols = 5,
	    .more = "", .day = day };
	struct srcinfo *si;
	char cnt[3][24];
	size_t i;
	enum rc rc;

	for (i = 0; i < c->nsources; i++)
		if ((si = src_get(l, c->sources[i].name)) != NULL)
			si->configured = 1;
	fputs("<section id=\"health\"><h2>Run health</h2><p class=\"note\">"
	    "The runs of the day and those that collected its reports, "
	    "however late.</p>\n", f);
	if ((rc = store_dump(s, DUMP_DAY_RUNS, DUMP_TEXT, day, NULL,
	    runs_row, &t, e)) != RC_OK ||
	    (rc = html_ignored(f, s, day, e)) != RC_OK ||
	    (rc = store_dump(s, DUMP_DAY_SOURCES, DUMP_TEXT, day, NULL,
	    src_msgs, l, e)) != RC_OK ||
	    (rc = store_dump(s, DUMP_DAY_SOURCE_ERRORS, DUMP_TEXT, day, NULL,
	    src_errs, l, e)) != RC_OK)
		goto out;
	fputs("<h3>Sources</h3><p class=\"note\">A source with failures was "
	    "not reached in those runs; what it held waits for the next "
	    "run.</p>\n", f);
	for (i = 0; i < l->n; i++) {
		si = &l->v[i];
		if (!row_open(&t))
			continue;
		snprintf(cnt[0], sizeof(cnt[0]), "%ld", si->messages);
		snprintf(cnt[1], sizeof(cnt[1]), "%ld", si->quarantined);
		snprintf(cnt[2], sizeof(cnt[2]), "%ld", si->failures);
		td(&t, 0, si->name);
		td(&t, 1, cnt[0]);
		td(&t, 2, cnt[1]);
		cell(&t, 3);
		if (si->failures > 0)
			fputs("<span class=\"yes\">", f);
		html_str(f, cnt[2]);
		if (si->failures > 0)
			fputs("</span>", f);
		fputs("</td>", f);
		cell(&t, 4);
		html_time_on(f, si->last_at, day);
		fputs("</td>", f);
		td(&t, 5, si->last_error);
		fputs("</tr>\n", f);
	}
	tbl_close(&t);
	fputs("<h3>Failed runs</h3>\n", f);
	if ((rc = store_dump(s, DUMP_DAY_RUN_ERRORS, DUMP_TEXT, day, NULL,
	    runerr_row, &rt, e)) != RC_OK)
		goto out;
	tbl_close(&rt);
	fputs("<h3>Outbox</h3>\n", f);
	if ((rc = store_dump(s, DUMP_DAY_OUTBOX, DUMP_TEXT, day, NULL,
	    outbox_row, &ot, e)) != RC_OK)
		goto out;
	tbl_close(&ot);
	fputs("</section>\n", f);
out:
	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].last_error);
		free(l->v[i].last_at);
	}
	free(l);
	return rc;
}

enum rc
html_list(FILE *f, struct store *s, enum html_list which, const char *day,
    const char *more, struct err *e)
{
	static const struct {
		enum dump		 dump;
		const char *const	*cols;
		size_t			 ncols;
		row_fn			 row;
	} l[] = {
		[LIST_UNRESOLVED] = { DUMP_DAY_UNRESOLVED, unresolved_cols, 10,
		    timed_row },
		[LIST_QUARANTINE] = { DUMP_DAY_QUARANTINE, quarantine_cols, 7,
		    timed_row },
		[LIST_DEAD] = { DUMP_DEAD_LETTERS, dead_cols, 7, dead_row },
		[LIST_REVIEW] = { DUMP_DAY_REVIEW, review_cols, 6,
		    timed_row },
		[LIST_CORRECTIONS] = { DUMP_DAY_CORRECTIONS, fix_cols, 7,
		    fix_row },
		[LIST_ALERTS] = { DUMP_DAY_ALERTS, alert_cols, 4, timed_row },
	};
	struct tbl t = { .f = f, .cols = l[which].cols,
	    .ncols = l[which].ncols, .more = more, .day = day };
	static const char *const fn[] = { [LIST_UNRESOLVED] = "unresolved",
	    [LIST_REVIEW] = "review" };
	enum rc rc;

	if ((size_t)which < sizeof(fn) / sizeof(fn[0]))
		t.fn = fn[which];
	rc = store_dump(s, l[which].dump, DUMP_TEXT,
	    which == LIST_DEAD ? NULL : day, NULL, l[which].row, &t, e);
	tbl_close(&t);
	return rc;
}
