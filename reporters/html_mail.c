/*
 * The HTML part of the summary e-mail: the day as mail clients can show
 * it.  Gmail, Outlook and Yahoo drop or ignore much of what the page on
 * disk uses (style sheets with selectors, grid, flex, rem, SVG, local
 * anchors, HTML5 sectioning elements), so this rendering carries all of
 * its layout in tables and inline styles and has no style element at
 * all: what a client strips cannot take the layout with it.  The charts
 * are tables of coloured cells.  The content is 640 pixels wide at most
 * (Outlook takes the width attribute, the others the style, which lets
 * it narrow on a phone); long words get break opportunities (U+200B) so
 * that no cell can widen it.
 *
 * Every cell has its own background and text colour: a client that keeps
 * the colours shows them as written, and one that darkens mail in dark
 * mode changes both of each pair together, so no text ends up on a
 * background of its own colour.  color-scheme says the message is
 * written in light colours.
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

#define WIDTH	640	/* the content, in CSS pixels */
#define BAR_W	340	/* the longest bar of a chart */
#define WORD	24	/* characters before a break opportunity */

/* The palette: the page's light colours. */
#define C_PAGE	"#eef1f4"
#define C_BG	"#ffffff"
#define C_FG	"#1b1f24"
#define C_MU	"#5b6470"
#define C_LINE	"#d9dee4"
#define C_HEAD	"#e8ecf0"
#define C_CARD	"#f3f5f7"
#define C_INT	"#3867d6"
#define C_EXT	"#e07b10"
#define C_CONF	"#c0392b"
#define C_OK	"#2e7d32"

#define FONT	"font-family:Arial,Helvetica,sans-serif;"

/* A cell of colour bg with text of colour fg, size px: the attributes
 * and inline style every cell of the message has, and more style. */
static void
td_open(FILE *f, const char *tag, const char *bg, const char *fg, int px,
    const char *attrs, const char *more)
{
	fprintf(f, "<%s bgcolor=\"%s\"%s style=\"background-color:%s;"
	    "color:%s;" FONT "font-size:%dpx;line-height:%dpx;%s\">", tag,
	    bg, attrs, bg, fg, px, px + px / 3 + 2, more);
}

/* Text of a cell: at most max characters, escaped, with a break
 * opportunity after every WORD characters without a space. */
static void
text(FILE *f, const char *s, size_t max)
{
	size_t i = 0, start = 0, chars = 0, run = 0;

	if (s == NULL || *s == '\0') {
		fputs("\u2013", f);
		return;
	}
	for (; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) == 0x80)
			continue;
		if (chars++ == max)
			break;
		if (c == ' ' || c == '\t' || c == '\n') {
			run = 0;
			continue;
		}
		if (run++ == WORD) {
			html_escape(f, s + start, i - start);
			fputs("\u200b", f);
			start = i;
			run = 1;
		}
	}
	html_escape(f, s + start, i - start);
	if (s[i] != '\0')
		fputs("\u2026", f);
}

static void
mtime(FILE *f, const char *v, int with_date)
{
	char shown[32];

	html_str(f, html_time_shown(v, with_date, shown) == 0 ? shown :
	    "\u2013");
}

/* A section: a heading and a note under it. */
static void
section(FILE *f, const char *title, long count, const char *note)
{
	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_FG, 14, "", "padding:18px 16px 4px 16px");
	fputs("<h2 style=\"margin:0 0 4px 0;" FONT "font-size:18px;"
	    "line-height:24px;font-weight:bold;color:" C_FG "\">", f);
	html_str(f, title);
	if (count >= 0)
		fprintf(f, " (%ld)", count);
	fputs("</h2>", f);
	if (note != NULL) {
		fputs("<p style=\"margin:0;" FONT "font-size:13px;"
		    "line-height:18px;color:" C_MU "\">", f);
		fputs(note, f);	/* ours: may hold markup */
		fputs("</p>", f);
	}
	fputs("</td></tr>\n", f);
}

/* An update says first what changed since the last mail about the day:
 * changes holds one change a line. */
static void
changed(FILE *f, const char *changes)
{
	const char *p, *nl;

	section(f, "What changed", -1, "Since the last mail about this day:");
	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_FG, 14, "", "padding:0 16px 4px 16px");
	fputs("<ul style=\"margin:0;padding:0 0 0 20px;" FONT "font-size:14px;"
	    "line-height:20px;color:" C_FG "\">", f);
	for (p = changes; *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		while (p < nl && *p == ' ')
			p++;
		if (p == nl)
			continue;
		fputs("<li>", f);
		html_escape(f, p, (size_t)(nl - p));
		fputs("</li>", f);
	}
	fputs("</ul></td></tr>\n", f);
}

/* A line of muted text in a row of its own. */
static void
note_row(FILE *f, const char *what)
{
	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_MU, 13, "", "padding:2px 16px");
	html_str(f, what);
	fputs("</td></tr>\n", f);
}

/* Where the customer notices of a case row are (DUMP_DAY_CASES). */
#define CASE_NOTICE	13

/*
 * The customer notices of a case ("confirmed: sent 2026-03-02T06:10:44Z;
 * escalated: suppressed (...)") in small type under the customer, one
 * per line, the times as the rest of the mail shows them: a column of
 * their own would make the case tables wider than the mail.
 */
static void
notices(FILE *f, const char *v)
{
	const char *p, *end, *sent;
	char epoch[24], shown[32];
	struct tm tm;
	time_t t;

	if (v == NULL || *v == '\0')
		return;
	fputs("<br><span style=\"" FONT "font-size:11px;line-height:15px;"
	    "color:" C_MU "\">", f);
	for (p = v; *p != '\0'; p = *end != '\0' ? end + 2 : end) {
		if ((end = strstr(p, "; ")) == NULL)
			end = p + strlen(p);
		if (p != v)
			fputs("<br>", f);
		fputs("notice ", f);
		sent = strstr(p, "sent ");
		memset(&tm, 0, sizeof(tm));
		if (sent != NULL && sent < end && strptime(sent + 5,
		    "%Y-%m-%dT%H:%M:%SZ", &tm) == sent + 25 &&
		    (t = timegm(&tm)) != (time_t)-1) {
			snprintf(epoch, sizeof(epoch), "%lld", (long long)t);
			html_escape(f, p, (size_t)(sent + 5 - p));
			html_str(f, html_time_shown(epoch, 1, shown) == 0 ?
			    shown : "?");
			html_escape(f, sent + 25, (size_t)(end - (sent + 25)));
		} else {
			html_escape(f, p, (size_t)(end - p));
		}
	}
	fputs("</span>", f);
}

/*
 * Tables.  A column says which value of the dump row it shows and how;
 * the table opens at its first row, so an empty one is a line saying
 * so, and rows past MAX_MAIL_ROWS are counted, not shown.
 */
enum mkind { K_TEXT, K_NUM, K_TIME, K_DATETIME, K_SEEN, K_SUBJECT,
	K_ESCALATED, K_CUSTOMER };

struct mcol {
	const char	*label;
	int		 v;	/* value index */
	enum mkind	 kind;
};

struct mtbl {
	FILE			*f;
	const struct mcol	*cols;
	size_t			 ncols;
	int			 nvals;	/* values a row must have */
	long			 n;
};

static void
mtbl_head(struct mtbl *t)
{
	size_t i;

	fputs("<tr>", t->f);
	td_open(t->f, "td", C_BG, C_FG, 12, "", "padding:4px 16px");
	fputs("<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
	    "border=\"0\" style=\"width:100%;border-collapse:collapse\">"
	    "<tr>", t->f);
	for (i = 0; i < t->ncols; i++) {
		td_open(t->f, "th", C_HEAD, C_FG, 12,
		    t->cols[i].kind == K_NUM ? " align=\"right\"" :
		    " align=\"left\"", "font-weight:bold;padding:4px 5px;"
		    "vertical-align:bottom;border-bottom:1px solid " C_LINE);
		html_str(t->f, t->cols[i].label);
		fputs("</th>", t->f);
	}
	fputs("</tr>\n", t->f);
}

/* The top subjects of a case, one a line: [[subject, n], ...]. */
static void
subjects(FILE *f, const char *json)
{
	char path[32], *s, *n;
	int i;

	for (i = 0; i < 3 && json != NULL; i++) {
		snprintf(path, sizeof(path), "$[%d][0]", i);
		if ((s = json_get(json, path)) == NULL)
			break;
		snprintf(path, sizeof(path), "$[%d][1]", i);
		n = json_get(json, path);
		if (i > 0)
			fputs("<br>", f);
		text(f, s, 80);
		if (n != NULL && strcmp(n, "1") != 0) {
			fputs(" (\u00d7", f);
			html_str(f, n);
			fputs(")", f);
		}
		free(s);
		free(n);
	}
	if (i == 0)
		fputs("\u2013", f);
}

static int
mtbl_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct mtbl *t = arg;
	const struct mcol *c;
	size_t i;

	if (n < t->nvals)
		return 1;
	if (++t->n > MAX_MAIL_ROWS)
		return 0;
	if (t->n == 1)
		mtbl_head(t);
	fputs("<tr>", t->f);
	for (i = 0; i < t->ncols; i++) {
		c = &t->cols[i];
		td_open(t->f, "td", C_BG, C_FG, 12, c->kind == K_NUM ?
		    " align=\"right\"" : c->kind == K_TIME ||
		    c->kind == K_DATETIME || c->kind == K_SEEN ?
		    " align=\"left\" nowrap" : " align=\"left\"",
		    "padding:4px 5px;vertical-align:top;"
		    "border-bottom:1px solid " C_LINE);
		switch (c->kind) {
		case K_TEXT:
		case K_NUM:
			text(t->f, v[c->v], 120);
			break;
		case K_TIME:
		case K_DATETIME:
			mtime(t->f, v[c->v], c->kind == K_DATETIME);
			break;
		case K_SEEN:
			mtime(t->f, v[c->v], 0);
			fputs("\u2013", t->f);
			mtime(t->f, v[c->v + 1], 0);
			break;
		case K_SUBJECT:
			subjects(t->f, v[c->v]);
			break;
		case K_CUSTOMER:
			text(t->f, v[c->v], 120);
			notices(t->f, v[CASE_NOTICE]);
			break;
		case K_ESCALATED:
			if (html_num(v[c->v]) > 0) {
				fputs("<b style=\"color:" C_CONF "\">yes</b> ",
				    t->f);
				mtime(t->f, v[c->v], 0);
			} else {
				fputs("no", t->f);
			}
			break;
		}
		fputs("</td>", t->f);
	}
	fputs("</tr>\n", t->f);
	return 0;
}

static void
mtbl_close(struct mtbl *t, const char *more)
{
	char line[160];

	if (t->n == 0) {
		note_row(t->f, "None.");
		return;
	}
	fputs("</table></td></tr>\n", t->f);
	if (t->n > MAX_MAIL_ROWS) {
		snprintf(line, sizeof(line), "%d of %ld rows shown; %s has "
		    "them all.", MAX_MAIL_ROWS, t->n, more);
		note_row(t->f, line);
	}
}

static enum rc
mtable(FILE *f, struct store *s, enum dump which, const char *a,
    const char *b, const struct mcol *cols, size_t ncols, int nvals,
    const char *more, struct err *e)
{
	struct mtbl t = { f, cols, ncols, nvals, 0 };
	enum rc rc;

	rc = store_dump(s, which, DUMP_TEXT, a, b, mtbl_row, &t, e);
	mtbl_close(&t, more);
	return rc;
}

static const struct mcol case_cols[] = {
	{ "Customer", 0, K_CUSTOMER }, { "Score", 1, K_NUM },
	{ "Internal", 2, K_NUM }, { "External", 3, K_NUM },
	{ "Source IPs", 4, K_NUM }, { "Seen", 6, K_SEEN },
	{ "Top subjects", 8, K_SUBJECT }, { "Escalated", 10, K_ESCALATED } };

static const struct mcol unresolved_cols[] = {
	{ "Time", 0, K_TIME }, { "Role", 2, K_TEXT },
	{ "Reporter", 3, K_TEXT }, { "Source IP", 4, K_TEXT },
	{ "Subject", 8, K_TEXT }, { "Why unresolved", 9, K_TEXT } };

static const struct mcol review_cols[] = {
	{ "Time", 0, K_TIME }, { "Report", 1, K_NUM },
	{ "Reporter", 2, K_TEXT }, { "Subject", 3, K_TEXT },
	{ "Suggested customer", 4, K_TEXT }, { "Why not counted", 5, K_TEXT } };

static const struct mcol fix_cols[] = {
	{ "When", 0, K_DATETIME }, { "Report", 1, K_NUM },
	{ "Action", 2, K_TEXT }, { "By", 3, K_TEXT }, { "State", 4, K_TEXT },
	{ "Customer", 5, K_TEXT }, { "Why", 6, K_TEXT } };

static const struct mcol quarantine_cols[] = {
	{ "Received", 0, K_TIME }, { "Source", 1, K_TEXT },
	{ "Folder", 2, K_TEXT }, { "UID", 3, K_NUM }, { "Size", 4, K_NUM },
	{ "Reason", 6, K_TEXT } };

static const struct mcol dead_cols[] = {
	{ "Queued", 0, K_DATETIME }, { "Target", 1, K_TEXT },
	{ "Event", 2, K_TEXT }, { "Attempts", 4, K_NUM },
	{ "Last error", 6, K_TEXT } };

static const struct mcol srcerr_cols[] = {
	{ "Source", 0, K_TEXT }, { "Failures", 1, K_NUM },
	{ "Last failure", 2, K_TIME }, { "Last error", 3, K_TEXT } };

static const struct mcol outbox_cols[] = {
	{ "Target", 0, K_TEXT }, { "Delivered that day", 1, K_NUM },
	{ "Waiting", 2, K_NUM }, { "Dead letters", 3, K_NUM } };

#define NCOLS(a)	(sizeof(a) / sizeof(a[0]))

/* The day at a glance: five cells side by side. */
static void
card(FILE *f, const char *what, long now, long before, const char *prev,
    int hot)
{
	long d = now - before;

	td_open(f, "td", C_CARD, C_FG, 13, " width=\"20%\" valign=\"top\"",
	    "width:20%;padding:8px 8px;vertical-align:top");
	fprintf(f, "<div style=\"" FONT "font-size:28px;line-height:32px;"
	    "font-weight:bold;color:%s\">%ld</div>", hot ? C_CONF : C_FG, now);
	fputs("<div style=\"" FONT "font-size:13px;line-height:17px;"
	    "color:" C_FG "\">", f);
	html_str(f, what);
	fprintf(f, "</div><div style=\"" FONT "font-size:12px;"
	    "line-height:16px;color:%s\">%s%ld vs ", d > 0 ? C_CONF : d < 0 ?
	    C_OK : C_MU, d > 0 ? "+" : d == 0 ? "\u00b1" : "\u2212",
	    d < 0 ? -d : d);
	html_str(f, prev);
	fputs("</div></td>", f);
}

static enum rc
glance(FILE *f, struct store *s, const char *day, struct day_totals *t,
    struct err *e)
{
	struct day_totals p;
	char prev[11], line[200];
	enum rc rc;

	day_minus(day, 1, prev);
	if ((rc = summary_totals(s, day, t, e)) != RC_OK ||
	    (rc = summary_totals(s, prev, &p, e)) != RC_OK)
		return rc;
	section(f, "The day at a glance", -1, NULL);
	if (t->reports == 0) {
		fputs("<tr>", f);
		td_open(f, "td", C_BG, C_FG, 14, "", "padding:2px 16px;"
		    "font-weight:bold");
		fputs("No reports arrived for ", f);
		html_str(f, day);
		fputs(".</td></tr>\n", f);
	}
	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_FG, 13, "", "padding:4px 10px");
	fputs("<table width=\"100%\" cellpadding=\"0\" cellspacing=\"6\" "
	    "border=\"0\" style=\"width:100%\"><tr>", f);
	card(f, "confirmed customers", t->confirmed, p.confirmed, prev,
	    t->confirmed > 0);
	card(f, "internal only", t->internal_only, p.internal_only, prev, 0);
	card(f, "external only", t->external_only, p.external_only, prev, 0);
	card(f, "unresolved reports", t->unresolved, p.unresolved, prev, 0);
	card(f, "quarantined messages", t->quarantined, p.quarantined, prev,
	    0);
	fputs("</tr></table></td></tr>\n", f);
	snprintf(line, sizeof(line), "%ld internal and %ld external reports; "
	    "%ld customer%s escalated.", t->internal_reports,
	    t->external_reports, t->escalated, t->escalated == 1 ? "" : "s");
	note_row(f, line);
	return RC_OK;
}

/*
 * Charts.  A bar is a cell of its colour and width (a non-breaking
 * space in a 1-pixel font keeps it from collapsing); the numbers stand
 * beside the bars, so the chart reads without colour too.
 */
static long
bar_px(long v, long max)
{
	long x;

	if (v <= 0 || max <= 0)
		return 0;
	x = v * BAR_W / max;
	return x < 2 ? 2 : x;
}

static void
bar(FILE *f, long px, const char *colour, const char *what)
{
	if (px <= 0)
		return;
	fprintf(f, "<td width=\"%ld\" height=\"10\" bgcolor=\"%s\" "
	    "title=\"%s\" style=\"width:%ldpx;height:10px;background-color:%s;"
	    "color:%s;font-size:1px;line-height:1px\">&nbsp;</td>", px, colour,
	    what, px, colour, colour);
}

/* A row of bars: a table of coloured cells and the numbers after them. */
static void
bars_open(FILE *f)
{
	fputs("<table cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	    "style=\"border-collapse:collapse\"><tr>", f);
}

static void
bars_close(FILE *f, const char *numbers)
{
	td_open(f, "td", C_BG, C_MU, 11, " nowrap", "padding:0 0 0 5px");
	html_str(f, numbers);
	fputs("</td></tr></table>", f);
}

static void
legend(FILE *f, const char *colour, const char *what)
{
	fprintf(f, "<td width=\"10\" height=\"10\" bgcolor=\"%s\" "
	    "style=\"width:10px;height:10px;background-color:%s;color:%s;"
	    "font-size:1px;line-height:1px\">&nbsp;</td>", colour, colour,
	    colour);
	td_open(f, "td", C_BG, C_FG, 12, " nowrap", "padding:0 14px 0 4px");
	html_str(f, what);
	fputs("</td>", f);
}

static void
chart_open(FILE *f, const char *caption, const char *const *colours,
    const char *const *names, size_t n)
{
	size_t i;

	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_FG, 14, "", "padding:10px 16px 2px 16px;"
	    "font-weight:bold");
	html_str(f, caption);
	fputs("</td></tr>\n<tr>", f);
	td_open(f, "td", C_BG, C_FG, 12, "", "padding:2px 16px");
	fputs("<table cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	    "style=\"border-collapse:collapse\"><tr>", f);
	for (i = 0; i < n; i++)
		legend(f, colours[i], names[i]);
	fputs("</tr></table></td></tr>\n<tr>", f);
	td_open(f, "td", C_BG, C_FG, 12, "", "padding:2px 16px");
	fputs("<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
	    "border=\"0\" style=\"width:100%;border-collapse:collapse\">\n", f);
}

/* A chart's row label (left) and the cell its bars go in. */
static void
chart_row(FILE *f, const char *label, size_t cut)
{
	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_FG, 12, " width=\"150\" align=\"right\" "
	    "valign=\"middle\"", "width:150px;padding:3px 8px 3px 0;"
	    "text-align:right");
	text(f, label, cut);
	fputs("</td>", f);
	td_open(f, "td", C_BG, C_FG, 12, " valign=\"middle\"",
	    "padding:3px 0");
}

static void
chart_customers_mail(FILE *f, const struct chart_bar *b, size_t n)
{
	char num[32];
	long max = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i].internal > max)
			max = b[i].internal;
		if (b[i].external > max)
			max = b[i].external;
	}
	for (i = 0; i < n; i++) {
		chart_row(f, b[i].label, 24);
		bars_open(f);
		bar(f, bar_px(b[i].internal, max), C_INT, "internal");
		snprintf(num, sizeof(num), "%ld", b[i].internal);
		bars_close(f, num);
		bars_open(f);
		bar(f, bar_px(b[i].external, max), C_EXT, "external");
		snprintf(num, sizeof(num), "%ld", b[i].external);
		bars_close(f, num);
		fputs("</td></tr>\n", f);
	}
}

static void
chart_trend_mail(FILE *f, const struct chart_day *d, size_t n)
{
	char num[80];
	long max = 0, sum;
	size_t i;

	for (i = 0; i < n; i++) {
		sum = d[i].confirmed + d[i].internal_only + d[i].external_only;
		if (sum > max)
			max = sum;
	}
	for (i = 0; i < n; i++) {
		chart_row(f, d[i].day, 10);
		bars_open(f);
		/* Stacked: the widths add up to the day's total. */
		bar(f, bar_px(d[i].confirmed, max), C_CONF, "confirmed");
		bar(f, bar_px(d[i].internal_only, max), C_INT,
		    "internal only");
		bar(f, bar_px(d[i].external_only, max), C_EXT,
		    "external only");
		snprintf(num, sizeof(num), "%ld / %ld / %ld", d[i].confirmed,
		    d[i].internal_only, d[i].external_only);
		bars_close(f, num);
		fputs("</td></tr>\n", f);
	}
}

static enum rc
charts(FILE *f, struct store *s, const char *day, struct err *e)
{
	static const char *const c1[] = { C_INT, C_EXT };
	static const char *const n1[] = { "internal", "external" };
	static const char *const c2[] = { C_CONF, C_INT, C_EXT };
	static const char *const n2[] = { "confirmed", "internal only",
	    "external only" };
	struct chart_data cd;
	char caption[64];
	enum rc rc;

	if ((rc = chart_data_load(s, day, &cd, e)) != RC_OK)
		goto out;
	snprintf(caption, sizeof(caption), "Reports per customer (top %zu)",
	    cd.top_n);
	if (cd.top_n == 0) {
		section(f, caption, -1, NULL);
		note_row(f, "No customer had a report.");
	} else {
		chart_open(f, caption, c1, n1, 2);
		chart_customers_mail(f, cd.top, cd.top_n);
		fputs("</table></td></tr>\n", f);
	}
	chart_open(f, "The last 14 days: customers by confidence "
	    "(confirmed / internal only / external only)", c2, n2, 3);
	chart_trend_mail(f, cd.trend, cd.trend_n);
	fputs("</table></td></tr>\n", f);
out:
	chart_data_release(&cd);
	return rc;
}

/* Run health: the runs, the mail that was no report, failures, the
 * outbox. */
/* A time as text: HH:MM on day, with its date on another. */
static void
shown_on(const char *v, const char *day, char shown[32])
{
	if (html_time_shown(v, 1, shown) != 0)
		snprintf(shown, 32, "?");
	else if (strncmp(shown, day, 10) == 0)
		memmove(shown, shown + 11, strlen(shown + 11) + 1);
}

struct runs_arg {
	FILE		*f;
	const char	*day;
};

static int
runs_line(void *arg, int n, const char *const *names, const char *const *v)
{
	struct runs_arg *r = arg;
	char a[32], b[32], when[80], line[400], counts[HTML_RUNS_COUNTS];
	long runs;

	if (n < 11)
		return 1;
	runs = html_num(v[0]);
	if (runs == 0) {
		fputs("<tr>", r->f);
		td_open(r->f, "td", C_BG, C_FG, 13, "", "padding:2px 16px");
		fputs("No run started on this day or collected its reports."
		    "</td></tr>\n", r->f);
		return 0;
	}
	shown_on(v[8], r->day, a);
	shown_on(v[9], r->day, b);
	if (runs == 1)
		snprintf(when, sizeof(when), " at %s", a);
	else if (runs > 1)
		snprintf(when, sizeof(when), " between %s and %s", a, b);
	else
		when[0] = '\0';
	html_runs_counts(v, counts);
	snprintf(line, sizeof(line), "%ld run%s%s%s", runs, runs == 1 ? "" :
	    "s", when, counts);
	fputs("<tr>", r->f);
	td_open(r->f, "td", C_BG, C_FG, 13, "", "padding:2px 16px");
	html_str(r->f, line);
	fputs("</td></tr>\n", r->f);
	return 0;
}

static int
ignored_kind(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct mtbl *t = arg;

	if (n < 2)
		return 1;
	html_kind_item(t->f, &t->n, v);
	return 0;
}

static enum rc
health(FILE *f, struct store *s, const char *day, struct err *e)
{
	struct mtbl t = { f, NULL, 0, 2, 0 };
	struct runs_arg r = { f, day };
	enum rc rc;

	section(f, "Run health", -1, "The runs of the day and those that "
	    "collected its reports, however late.");
	if ((rc = store_dump(s, DUMP_DAY_RUNS, DUMP_TEXT, day, NULL,
	    runs_line, &r, e)) != RC_OK)
		return rc;
	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_FG, 13, "", "padding:2px 16px");
	fputs("Not reports (stored as ignored, never counted): ", f);
	rc = store_dump(s, DUMP_DAY_IGNORED, DUMP_TEXT, day, NULL,
	    ignored_kind, &t, e);
	fprintf(f, "%s.</td></tr>\n", t.n == 0 ? "none" : "");
	if (rc != RC_OK)
		return rc;
	section(f, "Sources that failed", -1, "Not reached in those runs; "
	    "what they held waits for the next run.");
	if ((rc = mtable(f, s, DUMP_DAY_SOURCE_ERRORS, day, NULL,
	    srcerr_cols, NCOLS(srcerr_cols), 4, "abuse-collector status",
	    e)) != RC_OK)
		return rc;
	section(f, "Outbox", -1, NULL);
	return mtable(f, s, DUMP_DAY_OUTBOX, day, NULL, outbox_cols,
	    NCOLS(outbox_cols), 5, "abuse-collector status", e);
}

static void
head(FILE *f, const struct config *c, const char *day, time_t now)
{
	char made[64];

	html_local_when(now, made);
	/* No body element: the clients that replace it would take its
	 * attributes; the outer table carries the background instead. */
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta http-equiv=\"Content-Security-Policy\" content=\"", f);
	html_str(f, CSP);
	fputs("\">\n<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light\">"
	    "\n<meta name=\"supported-color-schemes\" content=\"light\">\n"
	    "<title>Abuse summary ", f);
	html_str(f, day);
	fputs("</title></head>\n", f);
	fputs("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
	    "cellspacing=\"0\" border=\"0\" bgcolor=\"" C_PAGE "\" "
	    "style=\"width:100%;border-collapse:collapse;background-color:"
	    C_PAGE "\"><tr>", f);
	td_open(f, "td", C_PAGE, C_FG, 14, " align=\"center\" valign=\"top\"",
	    "padding:12px 0");
	fprintf(f, "<table id=\"summary\" width=\"%d\" cellpadding=\"0\" "
	    "cellspacing=\"0\" border=\"0\" bgcolor=\"" C_BG "\" "
	    "style=\"width:100%%;max-width:%dpx;border-collapse:collapse;"
	    "background-color:" C_BG "\">\n<tr>", WIDTH, WIDTH);
	td_open(f, "td", C_BG, C_FG, 22, " nowrap", "padding:16px 16px 0 16px;"
	    "font-weight:bold");
	fputs("Abuse summary ", f);
	html_str(f, day);
	fputs("</td></tr>\n<tr>", f);
	td_open(f, "td", C_BG, C_MU, 12, "", "padding:2px 16px 0 16px");
	fputs("Made ", f);
	html_str(f, made);
	fputs(" by " PACKAGE_NAME " " PACKAGE_VERSION "; days and times in "
	    "the time zone ", f);
	html_str(f, c->cases.timezone);
	fputs(".</td></tr>\n", f);
}

static enum rc
cases(FILE *f, struct store *s, const char *day, const char *confidence,
    const char *title, const char *what, long count, const char *more,
    struct err *e)
{
	section(f, title, count, what);
	return mtable(f, s, DUMP_DAY_CASES, day, confidence, case_cols,
	    NCOLS(case_cols), 14, more, e);
}

enum rc
html_mail(FILE *f, struct store *s, const struct config *c,
    const char *day, time_t now, const char *changes, struct err *e)
{
	struct day_totals t;
	char *summary_csv = xasprintf("summary-%s.csv", day);
	char *reports_csv = xasprintf("reports-%s.csv", day);
	char line[200];
	enum rc rc;

	head(f, c, day, now);
	if (changes != NULL)
		changed(f, changes);
	if ((rc = glance(f, s, day, &t, e)) != RC_OK ||
	    (rc = charts(f, s, day, e)) != RC_OK)
		goto out;
	if ((rc = cases(f, s, day, "confirmed", "Confirmed customers",
	    "Both the outbound filter and outside parties reported these "
	    "customers: act on them first.", t.confirmed, summary_csv,
	    e)) != RC_OK ||
	    (rc = cases(f, s, day, "internal", "Internal only", "Only the "
	    "outbound filter reported these customers.", t.internal_only,
	    summary_csv, e)) != RC_OK ||
	    (rc = cases(f, s, day, "external", "External only", "Only "
	    "outside parties reported these customers.", t.external_only,
	    summary_csv, e)) != RC_OK)
		goto out;
	section(f, "Unresolved reports", t.unresolved, "No customer was "
	    "found for these reports.");
	if ((rc = mtable(f, s, DUMP_DAY_UNRESOLVED, day, NULL,
	    unresolved_cols, NCOLS(unresolved_cols), 10, reports_csv, e)) !=
	    RC_OK)
		goto out;
	section(f, "Needs review", -1, "Complaints without evidence that "
	    "points at a customer. They count nowhere until <b>abuse-collector "
	    "accept ID [--customer C]</b>; <b>abuse-collector dismiss ID "
	    "--reason TEXT</b> takes one off this list.");
	if ((rc = mtable(f, s, DUMP_DAY_REVIEW, day, NULL, review_cols,
	    NCOLS(review_cols), 6, reports_csv, e)) != RC_OK)
		goto out;
	section(f, "Corrections", -1, "What the abuse desk accepted, "
	    "dismissed or restored of this day's reports, by whom and why.");
	if ((rc = mtable(f, s, DUMP_DAY_CORRECTIONS, day, NULL, fix_cols,
	    NCOLS(fix_cols), 7, reports_csv, e)) != RC_OK)
		goto out;
	section(f, "Quarantined messages", t.quarantined, "Kept with their "
	    "raw bytes; import them again after a parser fix.");
	if ((rc = mtable(f, s, DUMP_DAY_QUARANTINE, day, NULL,
	    quarantine_cols, NCOLS(quarantine_cols), 7,
	    "abuse-collector status", e)) != RC_OK)
		goto out;
	section(f, "Webhook and e-mail dead letters", -1, "Deliveries that "
	    "failed for good; <b>abuse-collector deliver --retry-dead</b> "
	    "queues them again.");
	if ((rc = mtable(f, s, DUMP_DEAD_LETTERS, NULL, NULL, dead_cols,
	    NCOLS(dead_cols), 7, "abuse-collector status", e)) != RC_OK)
		goto out;
	if ((rc = health(f, s, day, e)) != RC_OK)
		goto out;
	snprintf(line, sizeof(line), "The attached %s has every customer; "
	    "summary-%s.html and %s beside it hold every row.", summary_csv,
	    day, reports_csv);
	fputs("<tr>", f);
	td_open(f, "td", C_BG, C_MU, 12, "", "padding:18px 16px 16px 16px");
	html_str(f, line);
	fputs("</td></tr>\n</table></td></tr></table>\n</html>\n", f);
out:
	free(summary_csv);
	free(reports_csv);
	return rc;
}
