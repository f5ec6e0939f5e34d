/*
 * The daily summaries of day D: summary-D.html (html.c), summary-D.csv
 * (one row per customer with a case) and reports-D.csv (one row per
 * report), and the plain-text summary of the e-mail.  Files are written
 * to a temporary name and renamed, so a reader never sees half a file.
 * Every renderer writes to a FILE, so the e-mail renders into memory
 * what the files hold.
 */
#ifndef AC_SUMMARY_H
#define AC_SUMMARY_H

#include <stdio.h>
#include <time.h>

#include "util.h"

struct store;
struct config;

/* The day at a glance (DUMP_DAY_TOTALS). */
struct day_totals {
	long	confirmed;	/* customers with both kinds of report */
	long	internal_only;
	long	external_only;
	long	unresolved;	/* reports no customer was found for */
	long	quarantined;	/* messages received that day */
	long	internal_reports;
	long	external_reports;
	long	escalated;	/* customers */
};

enum rc summary_totals(struct store *s, const char *day,
    struct day_totals *t, struct err *e);
/* The day before day (YYYY-MM-DD), and n days before. */
void day_minus(const char *day, int n, char out[11]);

/* Write summary-D.csv, reports-D.csv and summary-D.html into dir
 * (created when missing); written gets the paths of the files written,
 * in that order, NULL for those that were not (caller frees).  now is
 * the time the page says it was made. */
#define SUMMARY_FILES	3
enum rc summary_write(struct store *s, const struct config *c,
    const char *day, const char *dir, time_t now,
    char *written[SUMMARY_FILES], struct err *e);

/* The renderers.  Each returns RC_OK, or the store's error; write
 * errors are the caller's to check on f. */
/* summary-D.csv: its last two columns say when it was made (now) and
 * whether the day had settled then (days.h). */
enum rc csv_summary(FILE *f, struct store *s, const struct config *c,
    const char *day, time_t now, struct err *e);
enum rc csv_reports(FILE *f, struct store *s, const char *day,
    struct err *e);
/* The page; changes (day_diff_text's lines, or NULL) make it an
 * update's, which says first what changed. */
enum rc html_summary(FILE *f, struct store *s, const struct config *c,
    const char *day, time_t now, const char *changes, struct err *e);
enum rc text_summary(FILE *f, struct store *s, const struct config *c,
    const char *day, struct err *e);

/*
 * HTML escaping, the one function every string of the page goes
 * through, in text and in attribute values alike: & < > " ' become
 * entities, and control characters (which HTML does not allow) become
 * spaces.  (s, n) need not be NUL-terminated; s NULL writes nothing.
 */
void html_escape(FILE *f, const char *s, size_t n);

#endif
