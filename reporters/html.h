/*
 * Pieces of the HTML summary shared by html.c (the page and its tables)
 * and html_chart.c (the inline SVG charts).  Everything written goes
 * through html_escape (summary.h) unless it is a constant of ours.
 */
#ifndef AC_HTML_H
#define AC_HTML_H

#include <stdio.h>

#include "summary.h"

struct config;
struct store;

/* The pages' Content-Security-Policy and style sheet (html.c). */
#define HTML_CSP	"default-src 'none'; style-src 'unsafe-inline'; " \
	"img-src data:; base-uri 'none'; form-action 'none'"
extern const char html_css[];

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

/* The charts' data: the top customers of day and its last CHART_DAYS
 * days.  chart_data_release frees the labels. */
#define CHART_TOP	10
#define CHART_DAYS	14
struct chart_data {
	struct chart_bar	 top[CHART_TOP];
	char			*names[CHART_TOP];
	size_t			 top_n;
	struct chart_day	 trend[CHART_DAYS];
	size_t			 trend_n;
};
enum rc chart_data_load(struct store *s, const char *day,
    struct chart_data *cd, struct err *e);
void chart_data_release(struct chart_data *cd);

/* Horizontal bars, internal against external reports, per customer. */
void chart_customers(FILE *f, const struct chart_bar *b, size_t n);
/* Stacked columns of customers by confidence, one per day. */
void chart_trend(FILE *f, const struct chart_day *d, size_t n);
/* A round top for an axis at or above max: 1, 2 or 5 times a power of
 * ten. */
long chart_top(long max);

/* A time column (seconds since the epoch, as text) in the report time
 * zone as <time>: HH:MM, or the date too; a dash when there is none. */
void html_time(FILE *f, const char *epoch, int with_date);
/* html_time with the date only when it is not on day. */
void html_time_on(FILE *f, const char *v, const char *day);
/* The same as text into shown: 0, or -1 when v is no time. */
int html_time_shown(const char *v, int with_date, char shown[32]);
/* A page up to its <body>: the security policy, the style sheet, and
 * the title, title followed by what, both escaped. */
void html_page_open(FILE *f, const char *title, const char *what);
/*
 * The counts of a DUMP_DAY_RUNS row v as the page and the mail say them:
 * ": 0 failed, 0 interrupted; 12 messages, ... errors.".
 */
#define HTML_RUNS_COUNTS	256
void html_runs_counts(const char *const *v, char out[HTML_RUNS_COUNTS]);
/* One "KIND N" of the mail that was no report (v: kind, count), after
 * ", " unless it is the first (*n counts them). */
void html_kind_item(FILE *f, long *n, const char *const *v);
/* t as "YYYY-MM-DD HH:MM ZONE" in the local time zone, or "?". */
void html_local_when(time_t t, char out[64]);
/* A number column; 0 when it is not one. */
long html_num(const char *v);

/*
 * The tables (html_tables.c), each returning the store's error.
 * html_cases: the <section> of the cases of one confidence, count for
 * its heading.  html_list: the table of a list (the section is the
 * caller's).  more names where rows past the limit are found.
 */
enum html_list { LIST_UNRESOLVED, LIST_QUARANTINE, LIST_DEAD, LIST_REVIEW,
	LIST_CORRECTIONS, LIST_ALERTS };

/*
 * Row tables (html_tables.c).  A column name's first character may mark
 * it: '#' a number (right-aligned), '=' a short value that does not wrap.
 * html_row_open counts a row in *n and starts it, with the header before
 * the first; 0 when it is past MAX_HTML_ROWS and only counted.  A cell's
 * label shows on narrow screens.  html_rows_close ends the table, or
 * says "None." for no row (then 0).
 */
int html_row_open(FILE *f, const char *const *cols, size_t ncols, long *n);
void html_cell_open(FILE *f, const char *col);
void html_cell(FILE *f, const char *col, const char *v);
int html_rows_close(FILE *f, long n);

enum rc html_cases(FILE *f, struct store *s, const char *day,
    const char *confidence, const char *anchor, const char *title,
    const char *what, long count, const char *more, struct err *e);
enum rc html_list(FILE *f, struct store *s, enum html_list which,
    const char *day, const char *more, struct err *e);
/* The run health section: runs, sources (configured ones included),
 * failed runs, the outbox. */
enum rc html_health(FILE *f, struct store *s, const struct config *c,
    const char *day, struct err *e);

/* html_escape of a NUL-terminated string (NULL: nothing). */
void html_str(FILE *f, const char *s);
/* At most max characters of s (UTF-8), with an ellipsis when cut. */
void html_str_cut(FILE *f, const char *s, size_t max);

#endif
