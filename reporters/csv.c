#include "autoconf.h"

#include <string.h>

#include "csv.h"

static void
cell(FILE *f, const char *v)
{
	int quote;

	if (v == NULL)
		return;
	quote = strpbrk(v, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	/* Formula injection: a leading quote makes it plain text. */
	if (strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0')
		fputc('\'', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	if (quote)
		fputc('"', f);
}

void
csv_row(FILE *f, int n, const char *const *cells)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		cell(f, cells[i]);
	}
	fputs("\r\n", f);
}
