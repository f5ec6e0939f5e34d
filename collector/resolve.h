/*
 * The resolver: which customer is behind a report.  The steps of
 * [resolver] order run in turn; the first that names a customer wins and
 * is recorded as the report's resolved_by.  Nothing found gives the
 * customer "(unresolved)" with the reason in resolve_note.
 */
#ifndef AC_RESOLVE_H
#define AC_RESOLVE_H

#include "config.h"
#include "report.h"
#include "util.h"

#define CUSTOMER_UNRESOLVED	"(unresolved)"

struct resolver;
struct store;

/*
 * Load the customer tables named in the configuration (they are re-read
 * on every run).  A bad row is an error naming file and line: RC_FATAL.
 * store may be NULL (parse without a store).
 */
enum rc resolver_open(struct resolver **rp, const struct config *c,
    struct store *store, struct err *e);
void resolver_close(struct resolver *r);

/* Fill rep->customer, rep->resolved_by and rep->resolve_note. */
void resolver_resolve(struct resolver *r, struct report *rep);

#endif
