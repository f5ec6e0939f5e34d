/*
 * summary-D.html: one self-contained page.  No script, no external
 * resource; a Content-Security-Policy meta tag forbids both anyway, so
 * even a string that escaped escaping could not run or fetch anything.
 * The layout is one column that turns table rows into cards on narrow
 * screens, and a print style sheet.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "config.h"
#include "html.h"
#include "json.h"
#include "store.h"

#define CSP	"default-src 'none'; style-src 'unsafe-inline'; " \
	"img-src data:; base-uri 'none'; form-action 'none'"

static const char css[] =
":root{--fg:#1b1f24;--mu:#5b6470;--bg:#fff;--card:#f3f5f7;"
"--line:#d9dee4;--int:#3867d6;--ext:#e07b10;--conf:#c0392b;--ok:#2e7d32;"
"--bad:#c0392b}\n"
"@media (prefers-color-scheme:dark){:root{--fg:#e6e9ed;--mu:#9aa4af;"
"--bg:#15181c;--card:#1f242a;--line:#343b43;--int:#6b93ff;--ext:#ffa347;"
"--conf:#ff6b5b;--ok:#66bb6a;--bad:#ff6b5b}}\n"
"*{box-sizing:border-box}\n"
"body{margin:0 auto;max-width:76rem;padding:1rem;color:var(--fg);"
"background:var(--bg);font:15px/1.45 system-ui,-apple-system,"
"'Segoe UI',Roboto,sans-serif}\n"
"h1{font-size:1.45rem;margin:.2rem 0}\n"
"h2{font-size:1.15rem;margin:2rem 0 .6rem;padding-bottom:.2rem;"
"border-bottom:1px solid var(--line)}\n"
"h3{font-size:1rem;margin:1.2rem 0 .4rem}\n"
".meta,.note,.none{color:var(--mu);font-size:.85rem}\n"
"nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem;font-size:.9rem}"
"nav a{white-space:nowrap}\n"
"a{color:var(--int)}\n"
".cards{display:grid;grid-template-columns:repeat(auto-fit,"
"minmax(9.5rem,1fr));gap:.6rem;margin:1rem 0}\n"
".card{background:var(--card);border-radius:.5rem;padding:.7rem .8rem}\n"
".card .n{display:block;font-size:1.9rem;font-weight:700;"
"line-height:1.1}\n"
".card .l{display:block}\n"
".card .d{display:block;font-size:.8rem;color:var(--mu)}\n"
".card.hot .n{color:var(--conf)}\n"
".d.up{color:var(--bad)}.d.down{color:var(--ok)}\n"
".charts{display:grid;grid-template-columns:repeat(auto-fit,"
"minmax(20rem,1fr));gap:1rem}\n"
"figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}\n"
"svg{display:block;width:100%;height:auto}\n"
"svg text{fill:var(--fg);font-size:12px}svg text.v{font-size:11px;"
"fill:var(--mu)}\n"
".bi{fill:var(--int)}.be{fill:var(--ext)}.bc{fill:var(--conf)}"
".ax{stroke:var(--line);stroke-width:1}\n"
".tw{overflow-x:auto}\n"
"table{border-collapse:collapse;width:100%;font-size:.88rem}\n"
"th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;"
"border-bottom:1px solid var(--line);overflow-wrap:anywhere}\n"
"th{background:var(--card);font-weight:600;white-space:nowrap}\n"
"td.r,th.r{text-align:right;white-space:nowrap}td.k{white-space:nowrap;"
"overflow-wrap:normal}\n"
"ul.s{margin:0;padding-left:1rem}\n"
".yes{color:var(--bad);font-weight:600}\n"
"@media (max-width:40rem){table.rows thead{display:none}"
"table.rows tr{display:block;margin:.5rem 0;padding:.3rem;"
"border:1px solid var(--line);border-radius:.4rem}"
"table.rows td{display:block;border:0;padding:.12rem .3rem}"
"table.rows td.r{text-align:left}"
"table.rows td::before{content:attr(data-label);display:inline-block;"
"min-width:7.5rem;color:var(--mu);font-weight:600}}\n"
"@media print{:root{--fg:#000;--mu:#444;--bg:#fff;--card:#eee;"
"--line:#bbb;--int:#2a52be;--ext:#d2691e;--conf:#b22222}"
"body{max-width:none;padding:0;font-size:9.5pt}nav{display:none}"
".card{border:1px solid #bbb}h2{break-after:avoid}"
"tr,figure,.card{break-inside:avoid}thead{display:table-header-group}"
"a{color:inherit;text-decoration:none}.tw{overflow:visible}}\n";

void
html_escape(FILE *f, const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			putc(c < 0x20 || c == 0x7f ? ' ' : c, f);
			break;
		}
	}
}

void
html_str(FILE *f, const char *s)
{
	if (s != NULL)
		html_escape(f, s, strlen(s));
}

void
html_str_cut(FILE *f, const char *s, size_t max)
{
	size_t i, chars = 0;

	if (s == NULL)
		return;
	/* Count characters by their first bytes; cut before the first
	 * byte of character max + 1, never inside one. */
	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			break;
	html_escape(f, s, i);
	if (s[i] != '\0')
		fputs("\u2026", f);
}

/* A time column (seconds since the epoch, as text) in the report time
 * zone: HH:MM, or the date too. */
static void
put_time(FILE *f, const char *v, int with_date)
{
	char shown[32], iso[21];
	long long n;
	struct tm tm;
	time_t t;

	if (v == NULL || parse_ll(v, 1, 1LL << 40, &n) < 0) {
		fputs("\u2013", f);
		return;
	}
	t = (time_t)n;
	if (localtime_r(&t, &tm) == NULL || strftime(shown, sizeof(shown),
	    with_date ? "%Y-%m-%d %H:%M" : "%H:%M", &tm) == 0) {
		fputs("\u2013", f);
		return;
	}
	iso8601_utc(t, iso);
	fputs("<time datetime=\"", f);
	html_str(f, iso);
	fputs("\">", f);
	html_str(f, shown);
	fputs("</time>", f);
}

/*
 * Tables.  A table opens at its first row, so an empty one is a line of
 * text; rows past MAX_HTML_ROWS are counted, not shown.
 */
struct tbl {
	FILE			*f;
	const char *const	*cols;	/* labels; a leading '#' marks a
					 * number column (right-aligned), '='
					 * a short one that does not wrap */
	size_t			 ncols;
	long			 n;	/* rows seen */
	const char		*more;	/* where the rest is */
	const struct config	*c;
	const char		*day;
};

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

/* Start a row: 0 when it is past the limit and is only counted. */
static int
row_open(struct tbl *t)
{
	size_t i;

	if (++t->n > MAX_HTML_ROWS)
		return 0;
	if (t->n == 1) {
		fputs("<div class=\"tw\"><table class=\"rows\"><thead><tr>",
		    t->f);
		for (i = 0; i < t->ncols; i++) {
			fprintf(t->f, "<th%s>", col_class(t->cols[i]));
			label(t->f, t->cols[i]);
			fputs("</th>", t->f);
		}
		fputs("</tr></thead><tbody>\n", t->f);
	}
	fputs("<tr>", t->f);
	return 1;
}

/* Open cell i (its label shows on narrow screens). */
static void
cell(struct tbl *t, size_t i)
{
	fprintf(t->f, "<td%s data-label=\"", col_class(t->cols[i]));
	label(t->f, t->cols[i]);
	fputs("\">", t->f);
}

static void
td(struct tbl *t, size_t i, const char *v)
{
	cell(t, i);
	if (v == NULL || *v == '\0')
		fputs("\u2013", t->f);
	else
		html_str(t->f, v);
	fputs("</td>", t->f);
}

static void
td_time(struct tbl *t, size_t i, const char *v, int with_date)
{
	cell(t, i);
	put_time(t->f, v, with_date);
	fputs("</td>", t->f);
}

static void
tbl_close(struct tbl *t)
{
	if (t->n == 0) {
		fputs("<p class=\"none\">None.</p>\n", t->f);
		return;
	}
	fputs("</tbody></table></div>\n", t->f);
	if (t->n > MAX_HTML_ROWS) {
		fprintf(t->f, "<p class=\"note\">%d of %ld rows shown; ",
		    MAX_HTML_ROWS, t->n);
		html_str(t->f, t->more);
		fputs(" has them all.</p>\n", t->f);
	}
}

static long
num(const char *v)
{
	long long n;

	return v != NULL && parse_ll(v, -(1LL << 50), 1LL << 50, &n) == 0 ?
	    (long)n : 0;
}

/* The case tables: confirmed, internal only, external only. */
static const char *const case_cols[] = { "Customer", "#Score",
	"#Internal", "#External", "#Source IPs", "#Reporters", "=First seen",
	"=Last seen", "Top subjects", "Resolved by", "=Escalated" };

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

	if (n < 11)
		return 1;
	if (!row_open(t))
		return 0;
	td(t, 0, v[0]);
	td(t, 1, v[1]);
	td(t, 2, v[2]);
	td(t, 3, v[3]);
	td(t, 4, v[4]);
	td(t, 5, v[5]);
	td_time(t, 6, v[6], 0);
	td_time(t, 7, v[7], 0);
	cell(t, 8);
	subjects(t->f, v[8]);
	fputs("</td>", t->f);
	td(t, 9, v[9]);
	cell(t, 10);
	if (num(v[10]) > 0) {
		fputs("<span class=\"yes\">yes</span>, ", t->f);
		put_time(t->f, v[10], 0);
	} else {
		fputs("no", t->f);
	}
	fputs("</td></tr>\n", t->f);
	return 0;
}

static const char *const unresolved_cols[] = { "=Time", "=Format",
	"=Role", "Reporter", "=Source IP", "=Origin IP", "Auth user",
	"Mail from", "Subject", "Why unresolved" };

static int
unresolved_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct tbl *t = arg;
	size_t i;

	if (n < 10)
		return 1;
	if (!row_open(t))
		return 0;
	td_time(t, 0, v[0], 0);
	for (i = 1; i < 10; i++)
		td(t, i, v[i]);
	fputs("</tr>\n", t->f);
	return 0;
}

static const char *const quarantine_cols[] = { "=Received", "Source",
	"Folder", "#UID", "#Size", "=Format", "Reason" };

static int
quarantine_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct tbl *t = arg;
	size_t i;

	if (n < 7)
		return 1;
	if (!row_open(t))
		return 0;
	td_time(t, 0, v[0], 0);
	for (i = 1; i < 7; i++)
		td(t, i, v[i]);
	fputs("</tr>\n", t->f);
	return 0;
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
	td_time(t, 0, v[0], 0);
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
	td(t, 0, v[0]);
	td(t, 1, v[1]);
	td(t, 2, v[2]);
	td(t, 3, v[3]);
	td_time(t, 4, v[4], 1);
	fputs("</tr>\n", t->f);
	return 0;
}

/* The day at a glance. */
static void
card(FILE *f, const char *what, long now, long before, const char *prev,
    const char *anchor)
{
	long d = now - before;

	fprintf(f, "<div class=\"card%s\"><span class=\"n\">%ld</span>"
	    "<span class=\"l\">", now > 0 && strcmp(anchor, "confirmed") == 0 ?
	    " hot" : "", now);
	fputs("<a href=\"#", f);
	html_str(f, anchor);
	fputs("\">", f);
	html_str(f, what);
	fprintf(f, "</a></span><span class=\"d%s\">%s%ld vs ",
	    d > 0 ? " up" : d < 0 ? " down" : "",
	    d > 0 ? "+" : d == 0 ? "\u00b1" : "\u2212", d < 0 ? -d : d);
	html_str(f, prev);
	fputs("</span></div>\n", f);
}

static enum rc
glance(FILE *f, struct store *s, const char *day, struct day_totals *t,
    struct err *e)
{
	struct day_totals p;
	char prev[11];
	enum rc rc;

	day_minus(day, 1, prev);
	if ((rc = summary_totals(s, day, t, e)) != RC_OK ||
	    (rc = summary_totals(s, prev, &p, e)) != RC_OK)
		return rc;
	fputs("<section id=\"glance\"><h2>The day at a glance</h2>"
	    "<div class=\"cards\">\n", f);
	card(f, "confirmed customers", t->confirmed, p.confirmed, prev,
	    "confirmed");
	card(f, "internal only", t->internal_only, p.internal_only, prev,
	    "internal");
	card(f, "external only", t->external_only, p.external_only, prev,
	    "external");
	card(f, "unresolved reports", t->unresolved, p.unresolved, prev,
	    "unresolved");
	card(f, "quarantined messages", t->quarantined, p.quarantined, prev,
	    "quarantine");
	fprintf(f, "</div><p class=\"note\">%ld internal and %ld external "
	    "reports; %ld customer%s escalated.</p></section>\n",
	    t->internal_reports, t->external_reports, t->escalated,
	    t->escalated == 1 ? "" : "s");
	return RC_OK;
}

/* Chart data, copied out of the query callbacks. */
struct top {
	struct chart_bar	 b[10];
	char			*names[10];
	size_t			 n;
};

static int
top_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct top *t = arg;

	if (n < 3 || t->n >= 10)
		return 1;
	t->names[t->n] = xstrdup(v[0] ? v[0] : "");
	t->b[t->n].label = t->names[t->n];
	t->b[t->n].internal = num(v[1]);
	t->b[t->n].external = num(v[2]);
	t->n++;
	return 0;
}

struct trend {
	struct chart_day	d[14];
	size_t			n;
};

static int
trend_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct trend *t = arg;

	if (n < 4 || t->n >= 14)
		return 1;
	snprintf(t->d[t->n].day, sizeof(t->d[t->n].day), "%s",
	    v[0] ? v[0] : "");
	t->d[t->n].confirmed = num(v[1]);
	t->d[t->n].internal_only = num(v[2]);
	t->d[t->n].external_only = num(v[3]);
	t->n++;
	return 0;
}

static enum rc
charts(FILE *f, struct store *s, const char *day, struct err *e)
{
	struct top top;
	struct trend tr;
	char first[11];
	size_t i;
	enum rc rc;

	memset(&top, 0, sizeof(top));
	memset(&tr, 0, sizeof(tr));
	day_minus(day, 13, first);
	if ((rc = store_dump(s, DUMP_DAY_TOP, DUMP_TEXT, day, NULL, top_row,
	    &top, e)) != RC_OK ||
	    (rc = store_dump(s, DUMP_TREND, DUMP_TEXT, first, day, trend_row,
	    &tr, e)) != RC_OK)
		goto out;
	fputs("<section id=\"charts\" class=\"charts\">"
	    "<figure><figcaption>Reports per customer (top ", f);
	fprintf(f, "%zu)</figcaption>", top.n);
	if (top.n == 0)
		fputs("<p class=\"none\">No customer had a report.</p>", f);
	else
		chart_customers(f, top.b, top.n);
	fputs("</figure><figure><figcaption>The last 14 days: customers by "
	    "confidence</figcaption>", f);
	chart_trend(f, tr.d, tr.n);
	fputs("</figure></section>\n", f);
out:
	for (i = 0; i < top.n; i++)
		free(top.names[i]);
	return rc;
}

static enum rc
case_table(FILE *f, struct store *s, const struct config *c,
    const char *day, const char *confidence, const char *anchor,
    const char *title, const char *what, long count, char *csv,
    struct err *e)
{
	struct tbl t = { f, case_cols, 11, 0, csv, c, day };
	enum rc rc;

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
	si->messages = num(v[1]);
	si->quarantined = num(v[2]);
	return 0;
}

static int
src_errs(void *arg, int n, const char *const *names, const char *const *v)
{
	struct srcinfo *si;

	if (n < 4 || v[0] == NULL ||
	    (si = src_get(arg, v[0][0] ? v[0] : "(no source)")) == NULL)
		return 0;
	si->failures = num(v[1]);
	si->last_at = v[2] ? xstrdup(v[2]) : NULL;
	si->last_error = v[3] ? xstrdup(v[3]) : NULL;
	return 0;
}

static int
runs_row(void *arg, int n, const char *const *names, const char *const *v)
{
	FILE *f = arg;

	if (n < 10)
		return 1;
	fprintf(f, "<p>%ld run%s", num(v[0]), num(v[0]) == 1 ? "" : "s");
	if (num(v[0]) > 0) {
		fputs(" between ", f);
		put_time(f, v[8], 0);
		fputs(" and ", f);
		put_time(f, v[9], 0);
	}
	fprintf(f, ": %ld failed, %ld unfinished; %ld messages, %ld new "
	    "reports, %ld duplicates, %ld quarantined, %ld errors.</p>\n",
	    num(v[1]), num(v[2]), num(v[3]), num(v[4]), num(v[5]), num(v[6]),
	    num(v[7]));
	return 0;
}

static const char *const src_cols[] = { "Source", "#Messages",
	"#Quarantined", "#Failures", "=Last failure", "Last error" };

static enum rc
health(FILE *f, struct store *s, const struct config *c, const char *day,
    struct err *e)
{
	struct srclist *l = xcalloc(1, sizeof(*l));
	struct tbl t = { f, src_cols, 6, 0, "", c, day };
	struct tbl rt = { f, runerr_cols, 4, 0, "the runs table", c, day };
	struct tbl ot = { f, outbox_cols, 5, 0, "", c, day };
	struct srcinfo *si;
	char cnt[3][24];
	size_t i;
	enum rc rc;

	for (i = 0; i < c->nsources; i++)
		if ((si = src_get(l, c->sources[i].name)) != NULL)
			si->configured = 1;
	fputs("<section id=\"health\"><h2>Run health</h2>\n", f);
	if ((rc = store_dump(s, DUMP_DAY_RUNS, DUMP_TEXT, day, NULL,
	    runs_row, f, e)) != RC_OK ||
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
		td_time(&t, 4, si->last_at, 0);
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

static void
head(FILE *f, const struct config *c, const char *day, time_t now)
{
	char made[64];
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(made, sizeof(made), "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(made, sizeof(made), "?");
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta http-equiv=\"Content-Security-Policy\" content=\"", f);
	html_str(f, CSP);
	fputs("\">\n<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"referrer\" "
	    "content=\"no-referrer\">\n<meta name=\"color-scheme\" "
	    "content=\"light dark\">\n<title>Abuse summary ", f);
	html_str(f, day);
	fprintf(f, "</title>\n<style>\n%s</style></head>\n<body>\n", css);
	fputs("<header><h1>Abuse summary <time datetime=\"", f);
	html_str(f, day);
	fputs("\">", f);
	html_str(f, day);
	fputs("</time></h1><p class=\"meta\">Made ", f);
	html_str(f, made);
	fputs(" by " PACKAGE_NAME " " PACKAGE_VERSION "; days and times in "
	    "the time zone ", f);
	html_str(f, c->cases.timezone);
	fputs(".</p></header>\n<nav><a href=\"#confirmed\">Confirmed</a>"
	    "<a href=\"#internal\">Internal only</a>"
	    "<a href=\"#external\">External only</a>"
	    "<a href=\"#unresolved\">Unresolved</a>"
	    "<a href=\"#quarantine\">Quarantine</a>"
	    "<a href=\"#dead\">Dead letters</a>"
	    "<a href=\"#health\">Run health</a></nav>\n", f);
}

enum rc
html_summary(FILE *f, struct store *s, const struct config *c,
    const char *day, time_t now, struct err *e)
{
	struct day_totals t;
	struct tbl ut = { f, unresolved_cols, 10, 0, NULL, c, day };
	struct tbl qt = { f, quarantine_cols, 7, 0, "abuse-collector status",
	    c, day };
	struct tbl dt = { f, dead_cols, 7, 0, "abuse-collector status", c,
	    day };
	char *summary_csv = xasprintf("summary-%s.csv", day);
	char *reports_csv = xasprintf("reports-%s.csv", day);
	enum rc rc;

	ut.more = reports_csv;
	head(f, c, day, now);
	if ((rc = glance(f, s, day, &t, e)) != RC_OK ||
	    (rc = charts(f, s, day, e)) != RC_OK)
		goto out;
	if ((rc = case_table(f, s, c, day, "confirmed", "confirmed",
	    "Confirmed customers", "Both the outbound filter and outside "
	    "parties reported these customers: act on them first.",
	    t.confirmed, summary_csv, e)) != RC_OK ||
	    (rc = case_table(f, s, c, day, "internal", "internal",
	    "Internal only", "Only the outbound filter reported these "
	    "customers.", t.internal_only, summary_csv, e)) != RC_OK ||
	    (rc = case_table(f, s, c, day, "external", "external",
	    "External only", "Only outside parties reported these "
	    "customers.", t.external_only, summary_csv, e)) != RC_OK)
		goto out;
	fprintf(f, "<section id=\"unresolved\"><h2>Unresolved reports (%ld)"
	    "</h2><p class=\"note\">No customer was found for these "
	    "reports.</p>\n", t.unresolved);
	if ((rc = store_dump(s, DUMP_DAY_UNRESOLVED, DUMP_TEXT, day, NULL,
	    unresolved_row, &ut, e)) != RC_OK)
		goto out;
	tbl_close(&ut);
	fprintf(f, "</section>\n<section id=\"quarantine\"><h2>Quarantined "
	    "messages (%ld)</h2><p class=\"note\">Kept with their raw bytes; "
	    "import them again after a parser fix.</p>\n", t.quarantined);
	if ((rc = store_dump(s, DUMP_DAY_QUARANTINE, DUMP_TEXT, day, NULL,
	    quarantine_row, &qt, e)) != RC_OK)
		goto out;
	tbl_close(&qt);
	fputs("</section>\n<section id=\"dead\"><h2>Webhook and e-mail dead "
	    "letters</h2><p class=\"note\">Deliveries that failed for good; "
	    "<code>abuse-collector deliver --retry-dead</code> queues them "
	    "again.</p>\n", f);
	if ((rc = store_dump(s, DUMP_DEAD_LETTERS, DUMP_TEXT, NULL, NULL,
	    dead_row, &dt, e)) != RC_OK)
		goto out;
	tbl_close(&dt);
	fputs("</section>\n", f);
	if ((rc = health(f, s, c, day, e)) != RC_OK)
		goto out;
	fputs("<footer class=\"note\"><p>The CSV files summary-", f);
	html_str(f, day);
	fputs(".csv and reports-", f);
	html_str(f, day);
	fputs(".csv next to this page hold every row.</p></footer>\n"
	    "</body></html>\n", f);
out:
	free(summary_csv);
	free(reports_csv);
	return rc;
}
