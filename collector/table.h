/*
 * Customer tables: CSV files (RFC 4180, UTF-8) with a header row, read
 * whole on every run.  Every bad row is reported, naming the file and
 * line, before the load fails.  Also the small pieces the tables are built from: a
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
 * NULL to take the row, or an error text (naming the cell) to refuse it;
 * the rows after it are still read, so that one load names every bad row.
 */
typedef const char *(*table_row_fn)(void *arg, size_t ncols,
    char *const *cells, int line);

/*
 * The errors of loading one table (or of several).  Each is logged
 * (log_error) once a further one comes, so that a sole error is left in
 * e for the caller to report like any other, while several are all
 * logged and e only counts them.  At most MAX_TABLE_ERRORS are logged.
 */
struct table_errs {
	const char	*what;		/* names them in the count */
	struct err	*e;
	int		 n;
};

void table_errs_init(struct table_errs *te, const char *what, struct err *e);
void table_errs_add(struct table_errs *te, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* RC_OK when there was none; else RC_FATAL and e as said above. */
enum rc table_errs_end(struct table_errs *te);

/*
 * Read path.  The header row must name the columns in want[] in order
 * (the first nreq of them required, the rest optional).  Blank lines and
 * lines starting with '#' are skipped.  Each bad row ("file:line: what")
 * goes to te and the next row is read; a file that cannot be read or a
 * bad header ends the table.  Returns the number of rows taken.
 */
size_t table_read_rows(const char *path, const char *const *want,
    size_t nreq, size_t nwant, table_row_fn fn, void *arg,
    struct table_errs *te);

/* table_read_rows for a table alone: RC_FATAL when anything was bad, e
 * then holding the error or, when there were several (each logged), how
 * many; *nrows (may be NULL) gets the rows taken. */
enum rc table_read(const char *path, const char *const *want, size_t nreq,
    size_t nwant, table_row_fn fn, void *arg, size_t *nrows, struct err *e);

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
