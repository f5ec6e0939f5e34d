/*
 * Pieces of the HTML summary shared by html.c (the page and its tables)
 * and html_chart.c (the inline SVG charts).  Everything written goes
 * through html_escape (summary.h) unless it is a constant of ours.
 */
#ifndef AC_HTML_H
#define AC_HTML_H

#include <stdio.h>

#include "summary.h"

/* One customer of the top-customers chart. */
struct chart_bar {
	const char	*label;
	long		 internal;
	long		 external;
};

/* One day of the trend chart. */
struct chart_day {
	char	day[11];
	long	confirmed;
	long	internal_only;
	long	external_only;
};

/* Horizontal bars, internal against external reports, per customer. */
void chart_customers(FILE *f, const struct chart_bar *b, size_t n);
/* Stacked columns of customers by confidence, one per day. */
void chart_trend(FILE *f, const struct chart_day *d, size_t n);

/* html_escape of a NUL-terminated string (NULL: nothing). */
void html_str(FILE *f, const char *s);
/* At most max characters of s (UTF-8), with an ellipsis when cut. */
void html_str_cut(FILE *f, const char *s, size_t max);

#endif
