/*
 * The address plan: which customer holds which prefix, and when.  A table
 * of IPv4 and IPv6 prefixes (IPv4 as IPv4-mapped IPv6, so one structure
 * serves both) with an optional validity window per row, answering
 * longest-prefix-match lookups at a given time.
 *
 * Rows are collected with nettable_add and made searchable by
 * nettable_build, which sorts them, checks them (the same prefix for two
 * customers with overlapping windows is an error) and builds a
 * path-compressed binary trie.  A lookup walks at most one node per
 * prefix length present on the address's path, so it costs O(128) in the
 * worst case whatever the table's size.
 */
#ifndef AC_NETTABLE_H
#define AC_NETTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"
#include "util.h"

/* Window bounds meaning "since always" and "until further notice". */
#define NET_FOREVER_FROM	INT64_MIN
#define NET_FOREVER_UNTIL	INT64_MAX

struct nettable;

/* What a lookup found. */
struct net_hit {
	const char	*customer;	/* owned by the table */
	struct prefix	 prefix;
	int64_t		 from, until;	/* the window, [from, until) */
};

/* name labels errors ("customers-networks.csv"); it is copied. */
struct nettable *nettable_new(const char *name);
void nettable_free(struct nettable *t);

/*
 * Add a row: customer holds p from from (inclusive) until until
 * (exclusive).  Returns NULL, or an error text for the row (valid until
 * the next call) when the window is empty.  Rows may be added only
 * before nettable_build.
 */
const char *nettable_add(struct nettable *t, const struct prefix *p,
    const char *customer, int64_t from, int64_t until, int line);

/*
 * Sort, check and index the rows.  RC_FATAL naming both lines when one
 * prefix is listed for two customers with overlapping windows.  Rows for
 * the same customer whose windows overlap or touch are merged; a row
 * repeated exactly is counted in *dups (may be NULL) and *dup_line gets
 * the first such line.
 */
enum rc nettable_build(struct nettable *t, size_t *dups, int *dup_line,
    struct err *e);

/*
 * Read a networks file (columns cidr,customer[,valid_from[,valid_until]];
 * empty window cells are open) and build it.  Errors name file:line;
 * every bad row and every overlap is reported, as table_read does.
 * Exact duplicate rows are accepted; a warning says how many.
 */
enum rc nettable_load(struct nettable **tp, const char *path,
    struct err *e);
/* The same, its errors added to te (several tables loaded at once). */
struct table_errs;
enum rc nettable_read(struct nettable **tp, const char *path,
    struct table_errs *te);

/* The longest prefix holding addr at time when; 1 when found, else 0. */
int nettable_lookup(const struct nettable *t, const uint8_t addr[16],
    int64_t when, struct net_hit *hit);

/* Rows nettable_load read, distinct prefixes, rows (after merging) and
 * bytes held. */
size_t nettable_rows(const struct nettable *t);
size_t nettable_prefixes(const struct nettable *t);
size_t nettable_windows(const struct nettable *t);
size_t nettable_memory(const struct nettable *t);

#endif
