/*
 * Inline SVG charts.  The viewBox is fixed and the element scales to the
 * page's width, so the charts read on a phone and print as vectors.
 * Colours come from classes of the page's style sheet.  Labels are
 * data, so they go through html_escape like every other string; each
 * mark carries a <title> with the exact numbers.
 */
#include "autoconf.h"

#include <string.h>

#include "html.h"

#define W		480	/* viewBox width: small, so text stays legible
				 * when a phone scales the chart down */
#define LABEL_W		130	/* customer names, left of the bars */
#define BAR_MAX		(W - LABEL_W - 40)	/* room for the count */
#define ROW_H		30

static long
lmax(long a, long b)
{
	return a > b ? a : b;
}

/* Bar length in viewBox units: at least 1 for a non-zero count. */
static long
scale(long v, long max, long len)
{
	long x;

	if (v <= 0 || max <= 0)
		return 0;
	x = v * len / max;
	return x < 1 ? 1 : x;
}

static void
legend(FILE *f, int x, const char *cls, const char *text)
{
	fprintf(f, "<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" "
	    "class=\"%s\"/><text x=\"%d\" y=\"14\">%s</text>", x, cls, x + 16,
	    text);
}

void
chart_customers(FILE *f, const struct chart_bar *b, size_t n)
{
	long max = 0;
	size_t i;
	int h = 26 + (int)n * ROW_H;

	for (i = 0; i < n; i++)
		max = lmax(max, lmax(b[i].internal, b[i].external));
	fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-labelledby=\"c1t\" xmlns=\"http://www.w3.org/2000/svg\">"
	    "<title id=\"c1t\">Internal and external reports of the top "
	    "customers</title>", W, h);
	legend(f, LABEL_W, "bi", "internal");
	legend(f, LABEL_W + 90, "be", "external");
	for (i = 0; i < n; i++) {
		int y = 26 + (int)i * ROW_H;
		long wi = scale(b[i].internal, max, BAR_MAX);
		long we = scale(b[i].external, max, BAR_MAX);

		fprintf(f, "<g><title>");
		html_str(f, b[i].label);
		fprintf(f, ": %ld internal, %ld external</title>"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    b[i].internal, b[i].external, LABEL_W - 8, y + 17);
		html_str_cut(f, b[i].label, 18);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%ld\" "
		    "height=\"11\" class=\"bi\"/><text x=\"%ld\" y=\"%d\" "
		    "class=\"v\">%ld</text>", LABEL_W, y + 3, wi,
		    LABEL_W + wi + 4, y + 13, b[i].internal);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%ld\" "
		    "height=\"11\" class=\"be\"/><text x=\"%ld\" y=\"%d\" "
		    "class=\"v\">%ld</text></g>", LABEL_W, y + 15, we,
		    LABEL_W + we + 4, y + 25, b[i].external);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"22\" x2=\"%d\" y2=\"%d\" "
	    "class=\"ax\"/></svg>\n", LABEL_W, LABEL_W, h);
}

/* The trend's plot area. */
#define PX0	44
#define PX1	(W - 6)
#define PY0	28
#define PY1	190
#define TH	220

long
chart_top(long max)
{
	long p = 1;

	if (max <= 1)
		return 1;
	while (p <= max / 10)
		p *= 10;
	if (max <= p)
		return p;
	if (max <= 2 * p)
		return 2 * p;
	if (max <= 5 * p)
		return 5 * p;
	return 10 * p;
}

void
chart_trend(FILE *f, const struct chart_day *d, size_t n)
{
	static const char *const cls[] = { "bc", "bi", "be" };
	static const char *const what[] = { "confirmed", "internal only",
	    "external only" };
	long max = 0, top, v[3];
	double step = n ? (double)(PX1 - PX0) / (double)n : 0;
	size_t i, k;

	for (i = 0; i < n; i++)
		max = lmax(max, d[i].confirmed + d[i].internal_only +
		    d[i].external_only);
	top = chart_top(max);
	fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-labelledby=\"c2t\" xmlns=\"http://www.w3.org/2000/svg\">"
	    "<title id=\"c2t\">Customers with cases per day, by "
	    "confidence</title>", W, TH);
	legend(f, PX0, "bc", "confirmed");
	legend(f, PX0 + 95, "bi", "internal only");
	legend(f, PX0 + 205, "be", "external only");
	for (k = 0; k <= 2; k++) {
		int y = PY1 - (int)((PY1 - PY0) * (long)k / 2);

		if (k == 1 && top % 2 != 0)
			continue;
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "class=\"ax\"/><text x=\"%d\" y=\"%d\" "
		    "text-anchor=\"end\" class=\"v\">%ld</text>", PX0, y, PX1,
		    y, PX0 - 6, y + 4, top * (long)k / 2);
	}
	for (i = 0; i < n; i++) {
		double x = PX0 + step * (double)i + step * 0.15;
		double y = PY1;

		v[0] = d[i].confirmed;
		v[1] = d[i].internal_only;
		v[2] = d[i].external_only;
		fprintf(f, "<g><title>");
		html_str(f, d[i].day);
		fprintf(f, ": %ld confirmed, %ld internal only, %ld external "
		    "only</title>", v[0], v[1], v[2]);
		for (k = 0; k < 3; k++) {
			double hgt = (double)(PY1 - PY0) * (double)v[k] /
			    (double)top;

			if (v[k] == 0)
				continue;
			y -= hgt;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" class=\"%s\"><title>%s: %ld"
			    "</title></rect>", x, y, step * 0.7, hgt, cls[k],
			    what[k], v[k]);
		}
		/* MM-DD under every other column, the last one labelled. */
		if ((n - 1 - i) % 2 == 0) {
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" "
			    "text-anchor=\"middle\" class=\"v\">",
			    x + step * 0.35, PY1 + 16);
			html_str(f, strlen(d[i].day) == 10 ? d[i].day + 5 :
			    d[i].day);
			fputs("</text>", f);
		}
		fputs("</g>", f);
	}
	fprintf(f, "</svg>\n");
}
