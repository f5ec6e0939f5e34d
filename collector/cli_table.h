/*
 * The readable table of `reports` and `cases` on a terminal: a few
 * columns of the rows, chosen by name, padded to line up, each cell cut
 * to a width, control characters blanked.
 */
#ifndef AC_CLI_TABLE_H
#define AC_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

/* A column to show: its name in the rows, and its widest cell in
 * characters (longer ones are cut with an ellipsis). */
struct table_col {
	const char	*name;
	size_t		 width;
};

struct cli_table;

struct cli_table *cli_table_new(const struct table_col *cols, size_t ncols);
/* A row_fn (store.h): keeps the row's shown cells, up to
 * CLI_TABLE_ROWS rows; the rest are only counted. */
int cli_table_row(void *arg, int n, const char *const *names,
    const char *const *vals);
/* Print the header and the rows kept, then a line saying how many were
 * left out, if any (more names where they are). */
void cli_table_print(struct cli_table *t, FILE *f, const char *more);
void cli_table_free(struct cli_table *t);

#define CLI_TABLE_ROWS	10000

#endif
