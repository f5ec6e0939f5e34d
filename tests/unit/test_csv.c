/* reporters/csv.c: RFC 4180 quoting and the formula-injection guard. */
#include "autoconf.h"

#include <stdlib.h>

#include "csv.h"
#include "tap.h"

static char *
render(int n, const char *const *cells)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	csv_row(f, n, cells);
	fclose(f);
	return out;
}

int
main(void)
{
	static const struct {
		const char	*cell;
		const char	*want;
	} t[] = {
		{ "plain", "plain\r\n" },
		{ "", "\r\n" },
		{ "a,b", "\"a,b\"\r\n" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"\r\n" },
		{ "two\nlines", "\"two\nlines\"\r\n" },
		{ "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"\r\n" },
		{ "+1+1", "'+1+1\r\n" },
		{ "-2+3", "'-2+3\r\n" },
		{ "@SUM(A1)", "'@SUM(A1)\r\n" },
		{ "\tx", "'\tx\r\n" },
		{ "\rx", "\"'\rx\"\r\n" },
		{ "a=b", "a=b\r\n" },
		{ "ünïcödé", "ünïcödé\r\n" },
		{ "a\x1b[2Jb", "a [2Jb\r\n" },
		{ "a\xc2\x9b" "2Jb", "a 2Jb\r\n" },
		{ "exe.\xe2\x80\xae" "fdp", "exe. fdp\r\n" },
		{ "\xe2\x81\xa6" "x\xe2\x81\xa9", " x \r\n" },
	};
	const char *row[] = { "x", NULL, "y" };
	size_t i;
	char *s;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = render(1, &t[i].cell);
		is(s, t[i].want, "cell '%s'", t[i].cell);
		free(s);
	}
	s = render(3, row);
	is(s, "x,,y\r\n", "a NULL cell is empty");
	free(s);
	return tap_done();
}
