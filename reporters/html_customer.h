/*
 * customer-C.html: the page of one customer, beside the daily summaries
 * that link to it from their case rows.  The same rules as the summary:
 * one self-contained file, no script, no external resource, a
 * Content-Security-Policy, every string from the data escaped.  It
 * holds the customer's last CUSTOMER_PAGE_DAYS days: their cases, a
 * chart of their reports per day, and their reports with the
 * references to the evidence (the id `abuse-collector show` takes, the
 * message's source and SHA-256).
 */
#ifndef AC_HTML_CUSTOMER_H
#define AC_HTML_CUSTOMER_H

#include <stdio.h>
#include <time.h>

#include "util.h"

struct config;
struct store;

#define CUSTOMER_PAGE_DAYS	30
/* "customer-" + up to 200 encoded bytes + ".html" + NUL. */
#define CUSTOMER_PAGE_NAME_MAX	216

/*
 * The page's file name for any customer id, safe in a directory and in
 * a link as it is: bytes A-Z, a-z, 0-9, '-' and '.' stay, every other
 * byte is "_" and two lower-case hex digits; an id whose encoding would
 * be longer than 200 bytes is "_h" and the SHA-256 of the id in hex.
 */
void customer_page_name(const char *customer,
    char out[CUSTOMER_PAGE_NAME_MAX]);

/* The page of customer as of day (its last CUSTOMER_PAGE_DAYS days,
 * day included); now is when it says it was made. */
enum rc html_customer(FILE *f, struct store *s, const struct config *c,
    const char *customer, const char *day, time_t now, struct err *e);

/* Write the page of every customer with a case on day into dir (there
 * already), each atomically; *n gets how many. */
enum rc customer_pages_write(struct store *s, const struct config *c,
    const char *day, const char *dir, time_t now, long *n, struct err *e);

#endif
