/*
 * summary-D.html: one self-contained page.  No script, no external
 * resource; a Content-Security-Policy meta tag forbids both anyway, so
 * even a string that escaped escaping could not run or fetch anything.
 * The layout is one column that turns table rows into cards on narrow
 * screens, and a print style sheet.  The tables are in html_tables.c,
 * the charts in html_chart.c.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "days.h"
#include "html.h"
#include "store.h"
#include "util.h"

const char html_css[] =
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
"h1{font-size:1.45rem;margin:.2rem 0}h1 time{white-space:nowrap}\n"
"h2{font-size:1.15rem;margin:2rem 0 .6rem;padding-bottom:.2rem;"
"border-bottom:1px solid var(--line)}\n"
"h3{font-size:1rem;margin:1.2rem 0 .4rem}\n"
".meta,.note,.none{color:var(--mu);font-size:.85rem}\n"
".late{border-left:4px solid var(--ext);padding:.3rem .6rem;"
"background:var(--card);font-size:.9rem}\n"
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
"svg{display:block;width:100%;max-width:30rem;height:auto}\n"
"svg text{fill:var(--fg);font-size:13px}svg text.v{fill:var(--mu)}\n"
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
		size_t k = ctl_len(s + i, n - i);

		if (k > 0) {
			/* Rows stored by older versions may hold them. */
			putc(' ', f);
			i += k - 1;
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			putc(c, f);
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

int
html_time_shown(const char *v, int with_date, char shown[32])
{
	long long n;
	struct tm tm;
	time_t t;

	if (v == NULL || parse_ll(v, 1, 1LL << 40, &n) < 0)
		return -1;
	t = (time_t)n;
	if (localtime_r(&t, &tm) == NULL || strftime(shown, 32,
	    with_date ? "%Y-%m-%d %H:%M" : "%H:%M", &tm) == 0)
		return -1;
	return 0;
}

void
html_page_open(FILE *f, const char *title, const char *what)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta http-equiv=\"Content-Security-Policy\" content=\"", f);
	html_str(f, HTML_CSP);
	fputs("\">\n<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"referrer\" "
	    "content=\"no-referrer\">\n<meta name=\"color-scheme\" "
	    "content=\"light dark\">\n<title>", f);
	html_str(f, title);
	html_str(f, what);
	fprintf(f, "</title>\n<style>\n%s</style></head>\n<body>\n",
	    html_css);
}

void
html_runs_counts(const char *const *v, char out[HTML_RUNS_COUNTS])
{
	snprintf(out, HTML_RUNS_COUNTS, ": %ld failed, %ld interrupted%s; "
	    "%ld messages, %ld new reports, %ld duplicates, %ld quarantined, "
	    "%ld errors.", html_num(v[1]), html_num(v[2]),
	    html_num(v[10]) > 0 ? ", one still running" : "",
	    html_num(v[3]), html_num(v[4]), html_num(v[5]), html_num(v[6]),
	    html_num(v[7]));
}

void
html_kind_item(FILE *f, long *n, const char *const *v)
{
	fputs((*n)++ ? ", " : "", f);
	html_str(f, v[0] ? v[0] : "other");
	fprintf(f, " %ld", html_num(v[1]));
}

void
html_local_when(time_t t, char out[64])
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, 64, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(out, 64, "?");
}

void
html_time(FILE *f, const char *v, int with_date)
{
	char shown[32], iso[21];
	long long n;

	if (html_time_shown(v, with_date, shown) != 0 ||
	    parse_ll(v, 1, 1LL << 40, &n) < 0) {
		fputs("\u2013", f);
		return;
	}
	iso8601_utc((time_t)n, iso);
	fputs("<time datetime=\"", f);
	html_str(f, iso);
	fputs("\">", f);
	html_str(f, shown);
	fputs("</time>", f);
}

void
html_time_on(FILE *f, const char *v, const char *day)
{
	char shown[32];

	html_time(f, v, html_time_shown(v, 1, shown) == 0 &&
	    strncmp(shown, day, 10) != 0);
}

long
html_num(const char *v)
{
	long long n;

	return v != NULL && parse_ll(v, -(1LL << 50), 1LL << 50, &n) == 0 ?
	    (long)n : 0;
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
	fputs("<section id=\"glance\"><h2>The day at a glance</h2>\n", f);
	if (t->reports == 0) {
		fputs("<p id=\"no-reports\"><strong>No reports arrived for ",
		    f);
		html_str(f, day);
		fputs(".</strong> Nothing was reported about this day, or "
		    "nothing of it has been collected yet.</p>\n", f);
	}
	fputs("<div class=\"cards\">\n", f);
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

static int
top_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct chart_data *t = arg;

	if (n < 3 || t->top_n >= CHART_TOP)
		return 1;
	t->names[t->top_n] = xstrdup(v[0] ? v[0] : "");
	t->top[t->top_n].label = t->names[t->top_n];
	t->top[t->top_n].internal = html_num(v[1]);
	t->top[t->top_n].external = html_num(v[2]);
	t->top_n++;
	return 0;
}

static int
trend_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct chart_data *t = arg;
	struct chart_day *d;

	if (n < 4 || t->trend_n >= CHART_DAYS)
		return 1;
	d = &t->trend[t->trend_n++];
	snprintf(d->day, sizeof(d->day), "%s", v[0] ? v[0] : "");
	d->confirmed = html_num(v[1]);
	d->internal_only = html_num(v[2]);
	d->external_only = html_num(v[3]);
	return 0;
}

enum rc
chart_data_load(struct store *s, const char *day, struct chart_data *cd,
    struct err *e)
{
	char first[11];
	enum rc rc;

	memset(cd, 0, sizeof(*cd));
	day_minus(day, CHART_DAYS - 1, first);
	if ((rc = store_dump(s, DUMP_DAY_TOP, DUMP_TEXT, day, NULL, top_row,
	    cd, e)) != RC_OK)
		return rc;
	return store_dump(s, DUMP_TREND, DUMP_TEXT, first, day, trend_row,
	    cd, e);
}

void
chart_data_release(struct chart_data *cd)
{
	size_t i;

	for (i = 0; i < cd->top_n; i++)
		free(cd->names[i]);
	cd->top_n = 0;
}

static enum rc
charts(FILE *f, struct store *s, const char *day, struct err *e)
{
	struct chart_data cd;
	enum rc rc;

	if ((rc = chart_data_load(s, day, &cd, e)) != RC_OK)
		goto out;
	fputs("<section id=\"charts\" class=\"charts\">"
	    "<figure><figcaption>Reports per customer (top ", f);
	fprintf(f, "%zu)</figcaption>", cd.top_n);
	if (cd.top_n == 0)
		fputs("<p class=\"none\">No customer had a report.</p>", f);
	else
		chart_customers(f, cd.top, cd.top_n);
	fputs("</figure><figure><figcaption>The last 14 days: customers by "
	    "confidence</figcaption>", f);
	chart_trend(f, cd.trend, cd.trend_n);
	fputs("</figure></section>\n", f);
out:
	chart_data_release(&cd);
	return rc;
}

/* While the day has not settled, reports about it may still come. */
static void
late(FILE *f, const struct config *c, const char *day, time_t now)
{
	time_t at = day_settles_at(day, c->report.send_after);
	char when[64];

	if (now >= at)
		return;
	html_local_when(at, when);
	fputs("<p class=\"late\">Reports about this day may still arrive: "
	    "this summary is written again whenever they change it. The day "
	    "is taken as settled, and its summary e-mailed, at ", f);
	html_str(f, when);
	fputs(".</p>", f);
}

static void
head(FILE *f, const struct config *c, const char *day, time_t now)
{
	char made[64];

	html_local_when(now, made);
	html_page_open(f, "Abuse summary ", day);
	fputs("<header><h1>Abuse summary <time datetime=\"", f);
	html_str(f, day);
	fputs("\">", f);
	html_str(f, day);
	fputs("</time></h1><p class=\"meta\">Made ", f);
	html_str(f, made);
	fputs(" by " PACKAGE_NAME " " PACKAGE_VERSION "; days and times in "
	    "the time zone ", f);
	html_str(f, c->cases.timezone);
	fputs(".</p>", f);
	late(f, c, day, now);
	fputs("</header>\n<nav><a href=\"#confirmed\">Confirmed</a>"
	    "<a href=\"#internal\">Internal only</a>"
	    "<a href=\"#external\">External only</a>"
	    "<a href=\"#unresolved\">Unresolved</a>"
	    "<a href=\"#review\">Needs review</a>"
	    "<a href=\"#quarantine\">Quarantine</a>"
	    "<a href=\"#dead\">Dead letters</a>"
	    "<a href=\"#alerts\">Alerts</a>"
	    "<a href=\"#health\">Run health</a></nav>\n", f);
}

enum rc
html_summary(FILE *f, struct store *s, const struct config *c,
    const char *day, time_t now, struct err *e)
{
	struct day_totals t;
	char *summary_csv = xasprintf("summary-%s.csv", day);
	char *reports_csv = xasprintf("reports-%s.csv", day);
	enum rc rc;

	head(f, c, day, now);
	if ((rc = glance(f, s, day, &t, e)) != RC_OK ||
	    (rc = charts(f, s, day, e)) != RC_OK)
		goto out;
	if ((rc = html_cases(f, s, day, "confirmed", "confirmed",
	    "Confirmed customers", "Both the outbound filter and outside "
	    "parties reported these customers: act on them first.",
	    t.confirmed, summary_csv, e)) != RC_OK ||
	    (rc = html_cases(f, s, day, "internal", "internal",
	    "Internal only", "Only the outbound filter reported these "
	    "customers.", t.internal_only, summary_csv, e)) != RC_OK ||
	    (rc = html_cases(f, s, day, "external", "external",
	    "External only", "Only outside parties reported these "
	    "customers.", t.external_only, summary_csv, e)) != RC_OK)
		goto out;
	fprintf(f, "<section id=\"unresolved\"><h2>Unresolved reports (%ld)"
	    "</h2><p class=\"note\">No customer was found for these "
	    "reports.</p>\n", t.unresolved);
	if ((rc = html_list(f, s, LIST_UNRESOLVED, day, reports_csv, e)) !=
	    RC_OK)
		goto out;
	fputs("</section>\n<section id=\"review\"><h2>Needs review</h2>"
	    "<p class=\"note\">Complaints without evidence that points at a "
	    "customer: the offending message was not attached, forwarded or "
	    "pasted, or names no customer of ours. They count nowhere until "
	    "<code>abuse-collector accept ID [--customer C]</code>; "
	    "<code>abuse-collector dismiss ID --reason TEXT</code> takes one "
	    "off this list.</p>\n", f);
	if ((rc = html_list(f, s, LIST_REVIEW, day, reports_csv, e)) !=
	    RC_OK)
		goto out;
	fputs("<h3>Corrections</h3><p class=\"note\">What the abuse desk "
	    "accepted, dismissed or restored of this day's reports, by whom "
	    "and why.</p>\n", f);
	if ((rc = html_list(f, s, LIST_CORRECTIONS, day, reports_csv, e)) !=
	    RC_OK)
		goto out;
	fprintf(f, "</section>\n<section id=\"quarantine\"><h2>Quarantined "
	    "messages (%ld)</h2><p class=\"note\">Kept with their raw bytes; "
	    "import them again after a parser fix.</p>\n", t.quarantined);
	if ((rc = html_list(f, s, LIST_QUARANTINE, day,
	    "abuse-collector status", e)) != RC_OK)
		goto out;
	fputs("</section>\n<section id=\"dead\"><h2>Webhook and e-mail dead "
	    "letters</h2><p class=\"note\">Deliveries that failed for good; "
	    "<code>abuse-collector deliver --retry-dead</code> queues them "
	    "again.</p>\n", f);
	if ((rc = html_list(f, s, LIST_DEAD, day, "abuse-collector status",
	    e)) != RC_OK)
		goto out;
	fputs("</section>\n<section id=\"alerts\"><h2>Alerts</h2><p "
	    "class=\"note\">Sources that failed or fell silent this day, and "
	    "their recoveries ([alerts] in the configuration).</p>\n", f);
	if ((rc = html_list(f, s, LIST_ALERTS, day, "the alerts table",
	    e)) != RC_OK)
		goto out;
	fputs("</section>\n", f);
	if ((rc = html_health(f, s, c, day, e)) != RC_OK)
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
