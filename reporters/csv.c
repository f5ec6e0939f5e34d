#include "autoconf.h"

#include <string.h>

#include "csv.h"
#include "util.h"

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
		size_t k = ctl_len(v, strnlen(v, 3));

		/* Tabs and line ends stay (quoted); other controls, C1
		 * and bidirectional overrides do not. */
		if (k > 0 && *v != '\t' && *v != '\r' && *v != '\n') {
			fputc(' ', f);
			v += k - 1;
			continue;
		}
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
