#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "cli_table.h"
#include "util.h"

struct cli_table {
	const struct table_col	*cols;
	size_t			 ncols;
	int			*at;	/* each column's index in the rows;
					 * -1: not yet known or absent */
	char			**cells;	/* nrows * ncols */
	size_t			 nrows;
	long			 seen;
	size_t			*w;	/* widest cell shown, in chars */
};

struct cli_table *
cli_table_new(const struct table_col *cols, size_t ncols)
{
	struct cli_table *t = xcalloc(1, sizeof(*t));
	size_t i;

	t->cols = cols;
	t->ncols = ncols;
	t->at = xcalloc(ncols, sizeof(*t->at));
	t->w = xcalloc(ncols, sizeof(*t->w));
	for (i = 0; i < ncols; i++) {
		t->at[i] = -1;
		t->w[i] = strlen(cols[i].name);
	}
	return t;
}

/* Characters (UTF-8 lead bytes) in s. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* v with control characters blanked and cut to max characters. */
static char *
shown(const char *v, size_t max)
{
	char *s = xstrdup(v ? v : "-");
	size_t i, n = 0;

	ctl_blank(s, strlen(s));
	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max - 1 &&
		    chars(s + i) > 1) {
			char *cut = xmalloc(i + 4);

			memcpy(cut, s, i);
			memcpy(cut + i, "\u2026", 4);	/* 3 bytes and NUL */
			free(s);
			return cut;
		}
	return s;
}

int
cli_table_row(void *arg, int n, const char *const *names,
    const char *const *vals)
{
	struct cli_table *t = arg;
	size_t i;
	int k;
	char **row;

	t->seen++;
	if (t->nrows >= CLI_TABLE_ROWS)
		return 0;
	for (i = 0; i < t->ncols; i++)
		for (k = 0; t->at[i] < 0 && k < n; k++)
			if (strcmp(names[k], t->cols[i].name) == 0)
				t->at[i] = k;
	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols *
	    sizeof(*t->cells));
	row = t->cells + t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		row[i] = shown(t->at[i] >= 0 && t->at[i] < n ?
		    vals[t->at[i]] : NULL, t->cols[i].width);
		if (chars(row[i]) > t->w[i])
			t->w[i] = chars(row[i]);
	}
	t->nrows++;
	return 0;
}

static void
pad(FILE *f, const char *s, size_t w, int last)
{
	size_t n = chars(s);

	fputs(s, f);
	if (last)
		return;
	for (; n < w + 2; n++)
		putc(' ', f);
}

void
cli_table_print(struct cli_table *t, FILE *f, const char *more)
{
	size_t r, i;

	for (i = 0; i < t->ncols; i++)
		pad(f, t->cols[i].name, t->w[i], i + 1 == t->ncols);
	putc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++)
			pad(f, t->cells[r * t->ncols + i], t->w[i],
			    i + 1 == t->ncols);
		putc('\n', f);
	}
	if (t->seen > (long)t->nrows)
		fprintf(f, "(%ld more rows: %s)\n", t->seen - (long)t->nrows,
		    more);
	else if (t->seen == 0)
		fputs("(none)\n", f);
}

void
cli_table_free(struct cli_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->at);
	free(t->w);
	free(t);
}
