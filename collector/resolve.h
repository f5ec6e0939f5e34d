/*
 * The resolver: which customer is behind a report.  The steps of
 * [resolver] order run in turn; the first that names a customer wins and
 * is recorded as the report's resolved_by, with the evidence in
 * resolve_note.  Nothing found gives the customer "(unresolved)", no
 * resolved_by, and what each step tried in resolve_note.
 *
 *   header     the trusted identity header's user (formats.c decides what
 *              is trusted), mapped through users_file, else taken as the
 *              customer id
 *   smtp_auth  the notification's SMTP AUTH user through users_file; a
 *              user shaped like an IP address (IP-authenticated relay)
 *              does not count
 *   network    origin_ip, then source_ip, in networks_file at the time of
 *              the report; addresses in trusted_hosts are never attributed
 *   domain     the envelope sender's domain, then its parent domains, in
 *              domains_file
 *   http       the provider's lookup API (GET http_url?ip=&user=&time=,
 *              answer {"customer": "..."}), cached in the store
 *
 * A step whose table or URL is not configured is skipped.  An API that
 * fails is reported once per run and falls through to the next step; one
 * that cannot be reached is not asked again in the same run.
 */
#ifndef AC_RESOLVE_H
#define AC_RESOLVE_H

#include <time.h>

#include <stdio.h>

#include "config.h"
#include "report.h"
#include "util.h"

#define CUSTOMER_UNRESOLVED	"(unresolved)"

struct resolver;
struct store;

/*
 * Load the customer tables named in the configuration (they are re-read
 * on every run) and the API's bearer token.  A bad row is an error naming
 * file and line: RC_FATAL.  Every table is read and every bad row named:
 * a sole error is left in e, several are logged and e counts them (see
 * table_errs).  store may be NULL (parse, check-config): the http step
 * then works uncached.
 */
enum rc resolver_open(struct resolver **rp, const struct config *c,
    struct store *store, struct err *e);
void resolver_close(struct resolver *r);
/* One comment line per table loaded: its file, rows and keys. */
void resolver_print_tables(const struct resolver *r, FILE *f);

/*
 * Fill rep->customer, rep->resolved_by and rep->resolve_note.  when is
 * the moment the report is about (for windowed networks rows and the
 * API's time parameter); resolver_resolve uses rep->occurred_at, else
 * now.  The cache is written through the store, inside the caller's
 * transaction.
 */
void resolver_resolve_at(struct resolver *r, struct report *rep,
    time_t when);
void resolver_resolve(struct resolver *r, struct report *rep);

/*
 * The customer an e-mail address belongs to by the tables alone: the
 * whole address in users_file, else its domain or a parent domain in
 * domains_file; *table names the table.  NULL when neither lists it.
 * The result belongs to the resolver.
 */
const char *resolver_address(const struct resolver *r, const char *addr,
    const char **table);

/*
 * The domain step for an offending message that names no envelope
 * sender (a mail client's forward keeps only From): the domain of addr,
 * or a parent, in domains_file, when the domain step is in the order.
 * Fills rep's customer, resolved_by and resolve_note and returns 1 when
 * found; 0 leaves rep as it was.
 */
int resolver_from_domain(struct resolver *r, struct report *rep,
    const char *addr);

/* Lookups the http step made and answered from the cache, this run. */
struct resolver_stats {
	long	http_requests;
	long	http_cached;
	long	http_failures;
};
const struct resolver_stats *resolver_stats(const struct resolver *r);

#endif
