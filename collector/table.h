/*
 * Customer tables: CSV files (RFC 4180, UTF-8) with a header row, read
 * whole on every run.  A bad row stops the load with an error naming the
 * file and line.  Also the small pieces the tables are built from: a
 * string map that interns keys, and the time cells of validity windows.
 */
#ifndef AC_TABLE_H
#define AC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define TABLE_MAX_COLS	8

/*
 * Called for each data row with its cells (trimmed, unquoted).  Return
 * NULL to go on, or an error text (naming the cell) to stop the load.
 */
typedef const char *(*table_row_fn)(void *arg, size_t ncols,
    char *const *cells, int line);

/*
 * Read path.  The header row must name the columns in want[] in order
 * (the first nreq of them required, the rest optional).  Blank lines and
 * lines starting with '#' are skipped.  RC_FATAL with "file:line: what"
 * in e on any error.
 */
enum rc table_read(const char *path, const char *const *want, size_t nreq,
    size_t nwant, table_row_fn fn, void *arg, struct err *e);

/* Split one CSV line into at most max cells (quotes per RFC 4180).
 * Returns the number of cells, or -1 for a malformed line. */
int csv_split(char *line, char **cells, size_t max);

/* 1 when c can be a customer id: 1 to MAX_CUSTOMER_LEN bytes, no
 * control characters. */
int customer_valid(const char *c);

/*
 * A time cell of a validity window: "YYYY-MM-DD" (midnight UTC),
 * "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or "+HH:MM"/"-HH:MM" (a space
 * may stand for the "T"; no zone means UTC).  Years 1970 to 9999.
 * Returns 0 and the time in seconds since the epoch, or -1.
 */
int table_time(const char *s, int64_t *out);

/*
 * A hash map from strings to ids.  Each distinct key gets the next id
 * (0, 1, 2, ...) and keeps it, so the map also interns strings: the
 * key of an id stays valid until the map is released.  Keys are compared
 * byte for byte, or ignoring ASCII case when the map is made with icase.
 */
struct strmap_slot {
	uint32_t	id1;		/* id + 1; 0 is an empty slot */
	uint32_t	hash;
};

struct strmap {
	struct strmap_slot *slot;
	size_t		 nslots;	/* a power of two */
	char		**key;		/* by id */
	size_t		 n, alloc;
	int		 icase;
};

void strmap_init(struct strmap *m, int icase);
void strmap_release(struct strmap *m);
/* The id of (k, n), or -1 when absent. */
int64_t strmap_find(const struct strmap *m, const char *k, size_t n);
/* The id of (k, n), added when absent (*added = 1, else 0; added may be
 * NULL).  A map holds at most UINT32_MAX - 1 keys; more aborts. */
uint32_t strmap_add(struct strmap *m, const char *k, size_t n, int *added);
/* The key with id (as first added, original case). */
const char *strmap_key(const struct strmap *m, uint32_t id);
size_t strmap_count(const struct strmap *m);

#endif
