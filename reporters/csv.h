/*
 * CSV output (RFC 4180, UTF-8, CRLF line ends, header row).  A cell that
 * starts with '=', '+', '-', '@', tab or CR is prefixed with a single
 * quote so that spreadsheets show it instead of evaluating it.
 */
#ifndef AC_CSV_H
#define AC_CSV_H

#include <stdio.h>

/* One row; a NULL cell is written empty. */
void csv_row(FILE *f, int n, const char *const *cells);

#endif
