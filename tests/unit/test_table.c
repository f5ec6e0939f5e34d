/* table.c: CSV splitting, table files, time cells, the string map. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "tap.h"
#include "table.h"
#include "util.h"

static void
split(void)
{
	static const struct {
		const char	*in;
		const char	*want;	/* cells joined by '|'; NULL: rejected */
	} t[] = {
		{ "a,b", "a|b" },
		{ "a , b ,c", "a|b|c" },
		{ "10.0.0.0/8,cust-1", "10.0.0.0/8|cust-1" },
		{ "\"a,b\",c", "a,b|c" },
		{ "\"say \"\"hi\"\"\",x", "say \"hi\"|x" },
		{ "  \"q\"  ,  r  ", "q|r" },
		{ "a,,b", "a||b" },
		{ ",", "|" },
		{ "single", "single" },
		{ "a,b,c,d,e,f,g,h", "a|b|c|d|e|f|g|h" },
		{ "a,b,c,d,e,f,g,h,i", NULL },
		{ "\"open", NULL },
		{ "\"q\"x,y", NULL },
		{ "a\"b,c", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char line[256], got[256] = "", *cells[TABLE_MAX_COLS];
		int n, k;

		snprintf(line, sizeof(line), "%s", t[i].in);
		n = csv_split(line, cells, TABLE_MAX_COLS);
		for (k = 0; k < n; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%s", k ? "|" : "", cells[k]);
		is(n < 0 ? NULL : got, t[i].want, "csv_split '%s'", t[i].in);
	}
}

static void
times(void)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: rejected */
	} t[] = {
		{ "2026-03-01", "2026-03-01T00:00:00Z" },
		{ "2026-03-01T12:30:05Z", "2026-03-01T12:30:05Z" },
		{ "2026-03-01 12:30:05", "2026-03-01T12:30:05Z" },
		{ "2026-03-01T12:30", "2026-03-01T12:30:00Z" },
		{ "2026-03-01T12:30:05+02:00", "2026-03-01T10:30:05Z" },
		{ "2026-03-01T00:30:00-01:30", "2026-03-01T02:00:00Z" },
		{ "2099-12-31T23:59:59Z", "2099-12-31T23:59:59Z" },
		{ "1970-01-01", "1970-01-01T00:00:00Z" },
		{ "1969-12-31", NULL },
		{ "2026-02-30", NULL },
		{ "2026-13-01", NULL },
		{ "2026-3-1", NULL },
		{ "2026-03-01T25:00:00Z", NULL },
		{ "2026-03-01T12:30:05ZZ", NULL },
		{ "2026-03-01T12:30:05+2", NULL },
		{ "yesterday", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t v;
		char got[21];
		int r = table_time(t[i].in, &v);

		if (r == 0)
			iso8601_utc((time_t)v, got);
		is(r == 0 ? got : NULL, t[i].want, "table_time '%s'", t[i].in);
	}
}

static void
customers(void)
{
	char long_id[MAX_CUSTOMER_LEN + 2];

	memset(long_id, 'x', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	ok(customer_valid("cust-1"), "a plain customer id is valid");
	ok(customer_valid("Müller GmbH"), "UTF-8 and spaces are valid");
	ok(!customer_valid(""), "an empty customer id is not");
	ok(!customer_valid("a\tb"), "a control character is not");
	ok(!customer_valid(long_id), "%d bytes are too many",
	    MAX_CUSTOMER_LEN + 1);
	long_id[MAX_CUSTOMER_LEN] = '\0';
	ok(customer_valid(long_id), "%d bytes are allowed", MAX_CUSTOMER_LEN);
}

static void
strmaps(void)
{
	struct strmap m;
	char k[32];
	int added, good = 1;
	uint32_t i;

	strmap_init(&m, 1);
	ok(strmap_find(&m, "x", 1) == -1, "empty map finds nothing");
	ok(strmap_add(&m, "Alice", 5, &added) == 0 && added, "first id is 0");
	ok(strmap_add(&m, "bob", 3, &added) == 1 && added, "second id is 1");
	ok(strmap_add(&m, "ALICE", 5, &added) == 0 && !added,
	    "case-insensitive map finds ALICE as Alice");
	is(strmap_key(&m, 0), "Alice", "the key keeps its first spelling");
	ok(strmap_find(&m, "alicex", 5) == 0, "a key is found by length");
	ok(strmap_find(&m, "alic", 4) == -1, "a prefix of a key is not it");
	strmap_release(&m);

	strmap_init(&m, 0);
	ok(strmap_add(&m, "a", 1, NULL) == 0 &&
	    strmap_find(&m, "A", 1) == -1, "case-sensitive map");
	for (i = 1; i < 20000; i++) {
		snprintf(k, sizeof(k), "key-%u", i);
		if (strmap_add(&m, k, strlen(k), &added) != i || !added)
			good = 0;
	}
	for (i = 1; i < 20000; i++) {
		snprintf(k, sizeof(k), "key-%u", i);
		if (strmap_find(&m, k, strlen(k)) != i)
			good = 0;
	}
	ok(good && strmap_count(&m) == 20000,
	    "20000 keys keep their ids through growth");
	strmap_release(&m);
}

/* Rows of a table file, collected for checking. */
struct rows {
	char	got[512];
	int	fail_line;	/* the row callback refuses this line */
};

static const char *
row(void *arg, size_t ncols, char *const *cells, int line)
{
	struct rows *r = arg;
	size_t i;

	if (line == r->fail_line)
		return "refused by the callback";
	for (i = 0; i < ncols; i++)
		snprintf(r->got + strlen(r->got), sizeof(r->got) -
		    strlen(r->got), "%s%s", i ? "," : "", cells[i]);
	snprintf(r->got + strlen(r->got), sizeof(r->got) - strlen(r->got),
	    "@%d;", line);
	return NULL;
}

static void
files(void)
{
	static const char *const want[] = { "cidr", "customer", "valid_from",
	    "valid_until" };
	static const struct {
		const char	*text;
		int		 fail_line;
		const char	*want;	/* rows, or "!" + the error */
	} t[] = {
		{ "cidr,customer\n10.0.0.0/8,a\n", 0, "10.0.0.0/8,a@2;" },
		{ "\xef\xbb\xbf" "cidr,customer\r\n10.0.0.0/8,a\r\n", 0,
		    "10.0.0.0/8,a@2;" },
		{ "# plan\n\ncidr,customer,valid_from\n\n# x\n1::/64,b,\n", 0,
		    "1::/64,b,@6;" },
		{ "cidr,customer,valid_from,valid_until\n1::/64,b,,2026-01-01\n",
		    0, "1::/64,b,,2026-01-01@2;" },
		{ "cidr\n", 0, "!F:1: header must be "
		    "'cidr,customer,[valid_from,valid_until]'" },
		{ "cidr,client\n", 0, "!F:1: column 2 is 'client', expected "
		    "'customer'" },
		{ "cidr,customer\n10.0.0.0/8\n", 0,
		    "!F:2: 1 cells, the header has 2" },
		{ "cidr,customer\n10.0.0.0/8,a\n\"x,y\n", 0,
		    "!F:3: malformed CSV line" },
		{ "cidr,customer\n10.0.0.0/8,a\n10.0.0.0/8,a\n", 3,
		    "!F:3: refused by the callback" },
		{ "# only a comment\n", 0, "!F: no header row" },
	};
	char path[] = "/tmp/ac-table-XXXXXX";
	size_t i;
	int fd;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rows r;
		struct err e;
		char expect[512];
		FILE *f;

		snprintf(path, sizeof(path), "/tmp/ac-table-XXXXXX");
		if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL)
			abort();
		fputs(t[i].text, f);
		fclose(f);
		memset(&r, 0, sizeof(r));
		r.fail_line = t[i].fail_line;
		if (t[i].want[0] == '!') {
			/* "F" stands for the file's name. */
			snprintf(expect, sizeof(expect), "%s%s", path,
			    t[i].want + 2);
			ok(table_read(path, want, 2, 4, row, &r, NULL, &e) ==
			    RC_FATAL, "table %zu is refused", i);
			is(e.msg, expect, "table %zu: error names file:line", i);
		} else {
			ok(table_read(path, want, 2, 4, row, &r, NULL, &e) == RC_OK,
			    "table %zu reads", i);
			is(r.got, t[i].want, "table %zu rows", i);
		}
		unlink(path);
	}
	{
		struct rows r;
		struct err e;
		char *big = xmalloc(MAX_TABLE_LINE + 100);
		FILE *f;

		snprintf(path, sizeof(path), "/tmp/ac-table-XXXXXX");
		if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL)
			abort();
		memset(big, 'a', MAX_TABLE_LINE + 99);
		big[MAX_TABLE_LINE + 99] = '\0';
		fprintf(f, "cidr,customer\n10.0.0.0/8,%s\n", big);
		fclose(f);
		memset(&r, 0, sizeof(r));
		ok(table_read(path, want, 2, 4, row, &r, NULL, &e) == RC_FATAL &&
		    strstr(e.msg, ":2: line longer than") != NULL,
		    "an over-long line is refused with its line number");
		unlink(path);
		free(big);
		ok(table_read("/nonexistent/t.csv", want, 2, 4, row, &r, NULL,
		    &e) == RC_FATAL && strstr(e.msg, "/nonexistent/t.csv") !=
		    NULL, "a missing file is named");
	}
	{
		/* Bad rows do not hide the rows after them: all are read,
		 * the good ones taken, the bad ones counted. */
		struct rows r;
		struct err e;
		char expect[512];
		size_t n = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/tmp/ac-table-XXXXXX");
		if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL)
			abort();
		fputs("cidr,customer\n10.0.0.0/8\n10.1.0.0/16,a\n\"x,y\n"
		    "10.2.0.0/16,b\n10.3.0.0/16,c\n10.4.0.0/16,d\n", f);
		fclose(f);
		memset(&r, 0, sizeof(r));
		r.fail_line = 6;
		ok(table_read(path, want, 2, 4, row, &r, &n, &e) == RC_FATAL,
		    "a table with three bad rows is refused");
		snprintf(expect, sizeof(expect), "%s: 3 errors", path);
		is(e.msg, expect, "the error counts the bad rows");
		is(r.got, "10.1.0.0/16,a@3;10.2.0.0/16,b@5;10.4.0.0/16,d@7;",
		    "every good row is read, also after bad ones");
		ok(n == 3, "three rows taken (%zu)", n);
		unlink(path);
	}
}

int
main(void)
{
	split();
	times();
	customers();
	strmaps();
	files();
	return tap_done();
}
