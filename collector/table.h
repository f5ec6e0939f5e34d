/*
 * Customer tables: CSV files (RFC 4180, UTF-8) with a header row, read
 * whole on every run.  A bad row stops the load with an error naming the
 * file and line.
 */
#ifndef AC_TABLE_H
#define AC_TABLE_H

#include <stddef.h>

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

#endif
