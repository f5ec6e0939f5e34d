#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "config.h"
#include "files.h"
#include "html.h"
#include "html_customer.h"
#include "store.h"

void
customer_page_name(const char *customer, char out[CUSTOMER_PAGE_NAME_MAX])
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)customer;
	size_t n = 0;
	char sha[65];

	memcpy(out, "customer-", 9);
	n = 9;
	for (; *p != '\0'; p++) {
		int safe = (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.';

		if (n + (safe ? 1 : 3) > 9 + 200) {
			/* "_h" never starts an encoded byte. */
			sha256_hex(customer, strlen(customer), sha);
			snprintf(out, CUSTOMER_PAGE_NAME_MAX,
			    "customer-_h%s.html", sha);
			return;
		}
		if (safe) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '_';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	memcpy(out + n, ".html", 6);
}

/* A table, opened at its first row; rows past MAX_HTML_ROWS are only
 * counted.  Labels starting with '#' are number columns. */
struct ctbl {
	FILE			*f;
	const char *const	*cols;
	size_t			 ncols;
	long			 n;
	/* CUSTOMER_DAYS: the chart's data. */
	const char		*customer;
	long			 totals[4];	/* days, confirmed days,
						 * internal, external */
};

static int
crow(struct ctbl *t)
{
	return html_row_open(t->f, t->cols, t->ncols, &t->n);
}

static void
ccell(struct ctbl *t, size_t i)
{
	html_cell_open(t->f, t->cols[i]);
}

static void
ctd(struct ctbl *t, size_t i, const char *v)
{
	html_cell(t->f, t->cols[i], v);
}

static void
cclose(struct ctbl *t, const char *more)
{
	if (!html_rows_close(t->f, t->n))
		return;
	if (t->n > MAX_HTML_ROWS) {
		fprintf(t->f, "<p class=\"note\">%d of %ld rows shown; <code>",
		    MAX_HTML_ROWS, t->n);
		html_str(t->f, more);
		fputs("</code> has them all.</p>\n", t->f);
	}
}

static const char *const case_cols[] = { "=Day", "=Confidence", "#Score",
	"#Internal", "#External", "#Source IPs", "#Reporters", "=First seen",
	"=Last seen", "Resolved by", "=Escalated" };

static int
case_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct ctbl *t = arg;
	size_t i;

	if (n < 11)
		return 1;
	t->totals[0]++;
	if (v[1] != NULL && strcmp(v[1], "confirmed") == 0)
		t->totals[1]++;
	if (!crow(t))
		return 0;
	for (i = 0; i < 7; i++)
		ctd(t, i, v[i]);
	ccell(t, 7);
	html_time(t->f, v[7], 0);
	fputs("</td>", t->f);
	ccell(t, 8);
	html_time(t->f, v[8], 0);
	fputs("</td>", t->f);
	ctd(t, 9, v[9]);
	ccell(t, 10);
	if (html_num(v[10]) > 0) {
		fputs("<span class=\"yes\">yes</span>, ", t->f);
		html_time(t->f, v[10], 0);
	} else {
		fputs("no", t->f);
	}
	fputs("</td></tr>\n", t->f);
	return 0;
}

/* The chart: one column per day, internal stacked under external
 * reports, a confirmed day marked above its column. */
struct days {
	char	day[CUSTOMER_PAGE_DAYS][11];
	long	in[CUSTOMER_PAGE_DAYS], ex[CUSTOMER_PAGE_DAYS];
	int	confirmed[CUSTOMER_PAGE_DAYS];
	size_t	n;
};

static int
day_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct days *d = arg;

	if (n < 4 || d->n >= CUSTOMER_PAGE_DAYS)
		return 1;
	snprintf(d->day[d->n], 11, "%s", v[0] ? v[0] : "");
	d->in[d->n] = html_num(v[1]);
	d->ex[d->n] = html_num(v[2]);
	d->confirmed[d->n] = v[3] != NULL && strcmp(v[3], "confirmed") == 0;
	d->n++;
	return 0;
}

#define CW	400	/* as the summary's charts: text stays 13px up to 30rem */
#define CX0	40
#define CX1	(CW - 22)
#define CY0	30
#define CY1	170
#define CH	196

static void
chart_days(FILE *f, const struct days *d)
{
	double step = d->n ? (double)(CX1 - CX0) / (double)d->n : 0;
	long max = 1, top;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->in[i] + d->ex[i] > max)
			max = d->in[i] + d->ex[i];
	top = chart_top(max);
	fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-labelledby=\"c3t\" xmlns=\"http://www.w3.org/2000/svg\">"
	    "<title id=\"c3t\">Internal and external reports per day"
	    "</title>", CW, CH);
	fprintf(f, "<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" "
	    "class=\"bi\"/><text x=\"%d\" y=\"14\">internal</text>"
	    "<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" class=\"be\"/>"
	    "<text x=\"%d\" y=\"14\">external</text>"
	    "<rect x=\"%d\" y=\"6\" width=\"8\" height=\"8\" class=\"bc\"/>"
	    "<text x=\"%d\" y=\"14\">confirmed</text>", CX0, CX0 + 16,
	    CX0 + 90, CX0 + 106, CX0 + 180, CX0 + 194);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "class=\"ax\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	    "class=\"v\">0</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\" class=\"ax\"/><text x=\"%d\" y=\"%d\" "
	    "text-anchor=\"end\" class=\"v\">%ld</text>", CX0, CY1, CX1, CY1,
	    CX0 - 6, CY1 + 4, CX0, CY0, CX1, CY0, CX0 - 6, CY0 + 4, top);
	for (i = 0; i < d->n; i++) {
		double x = CX0 + step * (double)i + step * 0.15;
		double hi = (double)(CY1 - CY0) * (double)d->in[i] /
		    (double)top;
		double he = (double)(CY1 - CY0) * (double)d->ex[i] /
		    (double)top;

		fputs("<g><title>", f);
		html_str(f, d->day[i]);
		fprintf(f, ": %ld internal, %ld external%s</title>", d->in[i],
		    d->ex[i], d->confirmed[i] ? ", confirmed" : "");
		if (d->in[i] > 0)
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" class=\"bi\"/>", x, CY1 - hi,
			    step * 0.7, hi);
		if (d->ex[i] > 0)
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" class=\"be\"/>", x, CY1 - hi - he,
			    step * 0.7, he);
		if (d->confirmed[i])
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"4\" class=\"bc\"/>", x, CY1 - hi - he - 6,
			    step * 0.7);
		if ((d->n - 1 - i) % 5 == 0) {
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" class=\"v\">",
			    x + step * 0.35, CY1 + 16);
			html_str(f, strlen(d->day[i]) == 10 ? d->day[i] + 5 :
			    d->day[i]);
			fputs("</text>", f);
		}
		fputs("</g>", f);
	}
	fputs("</svg>\n", f);
}

static const char *const report_cols[] = { "#Report", "=Time", "Format",
	"=Role", "Reporter", "Source IP", "Origin IP", "Auth user",
	"Subject", "=State", "Message", "SHA-256" };

static int
report_row(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct ctbl *t = arg;
	size_t i;

	if (n < 16)
		return 1;
	if (v[3] != NULL && strcmp(v[3], "internal") == 0)
		t->totals[2]++;
	else
		t->totals[3]++;
	if (!crow(t))
		return 0;
	/* The id is what `show` takes: the evidence is one command away. */
	ccell(t, 0);
	fputs("<code>", t->f);
	html_str(t->f, v[0]);
	fputs("</code></td>", t->f);
	ccell(t, 1);
	html_time(t->f, v[1], 1);
	fputs("</td>", t->f);
	for (i = 2; i < 8; i++)
		ctd(t, i, v[i]);
	ccell(t, 8);
	html_str_cut(t->f, v[8] ? v[8] : "\u2013", 120);
	fputs("</td>", t->f);
	ctd(t, 9, v[9]);
	/* Where the message came from: source and file, or folder and
	 * UID; whether show still has its bytes. */
	ccell(t, 10);
	html_str(t->f, v[10]);
	if (v[13] != NULL) {
		/* The file's name; show has its whole path. */
		const char *slash = strrchr(v[13], '/');

		fputs(": ", t->f);
		html_str(t->f, slash != NULL ? slash + 1 : v[13]);
	} else {
		if (v[11] != NULL) {
			fputs(": ", t->f);
			html_str(t->f, v[11]);
		}
		if (v[12] != NULL) {
			fputs(" UID ", t->f);
			html_str(t->f, v[12]);
		}
	}
	fputs(html_num(v[15]) ? " (kept)" : " (not kept)", t->f);
	fputs("</td>", t->f);
	ccell(t, 11);
	fputs("<code>", t->f);
	html_str_cut(t->f, v[14], 12);
	fputs("</code></td></tr>\n", t->f);
	return 0;
}

/* s in single quotes for a shell, each ' as '\'' (caller frees). */
static char *
shell_quote(const char *s)
{
	struct buf b;
	const char *p;
	char *q;

	buf_init(&b, 4 * strlen(s) + 3);
	(void)buf_addch(&b, '\'');
	for (p = s; *p != '\0'; p++)
		(void)(*p == '\'' ? buf_addstr(&b, "'\\''") :
		    buf_addch(&b, *p));
	(void)buf_addch(&b, '\'');
	q = buf_detach(&b, NULL);
	buf_release(&b);
	return q;
}

static void
card(FILE *f, long n, const char *what, int hot)
{
	fprintf(f, "<div class=\"card%s\"><span class=\"n\">%ld</span>"
	    "<span class=\"l\">", hot && n > 0 ? " hot" : "", n);
	html_str(f, what);
	fputs("</span></div>\n", f);
}

static void
head(FILE *f, const struct config *c, const char *customer,
    const char *from, const char *day, time_t now)
{
	char made[64];

	html_local_when(now, made);
	html_page_open(f, "Customer ", customer);
	fputs("<header><h1>Customer ", f);
	html_str(f, customer);
	fputs("</h1><p class=\"meta\">The days from ", f);
	html_str(f, from);
	fputs(" to ", f);
	html_str(f, day);
	fputs("; made ", f);
	html_str(f, made);
	fputs(" by " PACKAGE_NAME " " PACKAGE_VERSION "; days and times in "
	    "the time zone ", f);
	html_str(f, c->cases.timezone);
	fputs(".</p></header>\n<nav><a href=\"summary-", f);
	html_str(f, day);
	fputs(".html\">The summary of ", f);
	html_str(f, day);
	fputs("</a><a href=\"#cases\">Cases</a><a href=\"#chart\">Chart</a>"
	    "<a href=\"#reports\">Reports</a></nav>\n", f);
}

enum rc
html_customer(FILE *f, struct store *s, const struct config *c,
    const char *customer, const char *day, time_t now, struct err *e)
{
	struct ctbl cases = { f, case_cols, 11, 0, customer, { 0 } };
	struct ctbl reps = { f, report_cols, 12, 0, customer, { 0 } };
	struct days *d = xcalloc(1, sizeof(*d));
	char from[11], *more = NULL, *quoted = NULL;
	FILE *body;
	char *buf = NULL;
	size_t len = 0;
	enum rc rc;

	day_minus(day, CUSTOMER_PAGE_DAYS - 1, from);
	/* The cards sum what the tables below find, so those are made
	 * first, into memory. */
	if ((body = open_memstream(&buf, &len)) == NULL) {
		free(d);
		return err_set(e, RC_FATAL, "out of memory");
	}
	cases.f = reps.f = body;
	if ((rc = store_customer_dump(s, CUSTOMER_DAYS, customer, from, day,
	    day_row, d, e)) != RC_OK)
		goto out;
	fputs("<section id=\"chart\"><figure><figcaption>Reports per day"
	    "</figcaption>", body);
	chart_days(body, d);
	fputs("</figure></section>\n<section id=\"cases\"><h2>Cases</h2>"
	    "<p class=\"note\">One per day with a report that counts, newest "
	    "first.</p>\n", body);
	quoted = shell_quote(customer);
	more = xasprintf("abuse-collector cases --customer %s --since %s",
	    quoted, from);
	if ((rc = store_customer_dump(s, CUSTOMER_CASES, customer, from, day,
	    case_row, &cases, e)) != RC_OK)
		goto out;
	cclose(&cases, more);
	free(more);
	fputs("</section>\n<section id=\"reports\"><h2>Reports</h2>"
	    "<p class=\"note\">Newest first, those that do not count too "
	    "(their state says why). <code>abuse-collector show REPORT</code> "
	    "prints a report with its case and its message, "
	    "<code>show --raw REPORT</code> the message's bytes, while they "
	    "are kept (<code>[store] keep_raw</code>); the SHA-256 (its first "
	    "12 digits here) identifies the message.</p>\n", body);
	more = xasprintf("abuse-collector reports --customer %s --since %s",
	    quoted, from);
	if ((rc = store_customer_dump(s, CUSTOMER_REPORTS, customer, from,
	    day, report_row, &reps, e)) != RC_OK)
		goto out;
	cclose(&reps, more);
	fputs("</section>\n", body);
	if (fflush(body) != 0) {
		rc = err_set(e, RC_FATAL, "out of memory");
		goto out;
	}
	head(f, c, customer, from, day, now);
	fputs("<section id=\"glance\"><h2>The last 30 days at a glance</h2>"
	    "<div class=\"cards\">\n", f);
	card(f, cases.totals[0], "days with a case", 0);
	card(f, cases.totals[1], "confirmed days", 1);
	card(f, reps.totals[2], "internal reports", 0);
	card(f, reps.totals[3], "external reports", 0);
	fputs("</div></section>\n", f);
	fwrite(buf, 1, len, f);
	fputs("<footer class=\"note\"><p>The reports and cases commands "
	    "have every row and column.</p></footer>\n</body></html>\n", f);
out:
	fclose(body);
	free(buf);
	free(more);
	free(quoted);
	free(d);
	return rc;
}

static int
customer_of_day(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct { char **v; size_t n; } *l = arg;

	if (n < 1 || v[0] == NULL)
		return 0;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(v[0]);
	return 0;
}

enum rc
customer_pages_write(struct store *s, const struct config *c,
    const char *day, const char *dir, time_t now, long *n, struct err *e)
{
	struct { char **v; size_t n; } l = { NULL, 0 };
	struct atomic_file af;
	char name[CUSTOMER_PAGE_NAME_MAX], *path;
	size_t i;
	enum rc rc;

	*n = 0;
	if ((rc = store_customer_dump(s, CUSTOMERS_OF_DAY, NULL, day, NULL,
	    customer_of_day, &l, e)) != RC_OK)
		goto out;
	for (i = 0; i < l.n && rc == RC_OK; i++) {
		customer_page_name(l.v[i], name);
		path = xasprintf("%s/%s", dir, name);
		if ((rc = atomic_file_open(&af, path, config_report_mode(c),
		    c->store_gid, e)) == RC_OK) {
			if ((rc = html_customer(af.f, s, c, l.v[i], day, now,
			    e)) != RC_OK)
				atomic_file_abort(&af);
			else if ((rc = atomic_file_commit(&af, e)) == RC_OK)
				(*n)++;
		}
		free(path);
	}
out:
	for (i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return rc;
}
