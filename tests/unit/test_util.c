/* util.c: the capped buffer, number parsing, case-insensitive search. */
#include "autoconf.h"

#include <limits.h>
#include <stdlib.h>

#include "tap.h"
#include "util.h"

static void
search(void)
{
	static const struct {
		const char	*hay;
		const char	*needle;
		long		 at;	/* -1: not found */
	} t[] = {
		{ "Content-Type: multipart/report", "MULTIPART/", 14 },
		{ "xxmultipart/", "Multipart/", 2 },
		{ "abc", "abcd", -1 },
		{ "", "a", -1 },
		{ "abc", "", 0 },
		{ "aaab", "AAB", 1 },
		{ "a=b=c", "=c", 3 },
		{ "mUlTiPaRt", "multipart", 0 },
		{ "multipar", "multipart", -1 },
		{ "zzzzmultipart", "t", 7 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *r = memcasemem(t[i].hay, strlen(t[i].hay),
		    t[i].needle);

		ok((r ? r - t[i].hay : -1) == t[i].at, "find '%s' in '%s'",
		    t[i].needle, t[i].hay);
	}
	/* The length bounds the search, not a NUL. */
	ok(memcasemem("abcdef", 3, "de") == NULL, "search stops at n");
}

static void
numbers(void)
{
	long long v;

	ok(parse_ll("42", 0, 100, &v) == 0 && v == 42, "42");
	ok(parse_ll("101", 0, 100, &v) < 0, "over the maximum");
	ok(parse_ll(" 4", 0, 100, &v) < 0, "leading space");
	ok(parse_ll("4x", 0, 100, &v) < 0, "trailing junk");
	ok(parse_ll("", 0, 100, &v) < 0, "empty");
	ok(parse_ll("99999999999999999999", 0, LLONG_MAX, &v) < 0,
	    "overflow");
	ok(parse_size("25M", &v) == 0 && v == 25LL * 1024 * 1024, "25M");
	ok(parse_size("64k", &v) == 0 && v == 65536, "64k");
	ok(parse_size("1G", &v) == 0 && v == 1LL << 30, "1G");
	ok(parse_size("12", &v) == 0 && v == 12, "plain bytes");
	ok(parse_size("M", &v) < 0, "unit without number");
	ok(parse_size("5T", &v) < 0, "unknown unit");
	ok(parse_duration("10m", &v) == 0 && v == 600, "10m");
	ok(parse_duration("2h", &v) == 0 && v == 7200, "2h");
	ok(parse_duration("1d", &v) == 0 && v == 86400, "1d");
	ok(parse_duration("-5s", &v) < 0, "negative");
}

static void
buffers(void)
{
	struct buf b;
	char *p;
	size_t n;

	buf_init(&b, 8);
	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0', "empty buffer");
	ok(buf_addstr(&b, "12345") == 0, "add within the cap");
	ok(buf_addstr(&b, "6789") < 0, "add over the cap fails");
	is(b.data, "12345", "a failed add changes nothing");
	ok(buf_addf(&b, "%d", 678) == 0 && b.len == 8, "fill to the cap");
	ok(buf_addch(&b, 'x') < 0, "one more byte fails");
	p = buf_detach(&b, &n);
	is(p, "12345678", "detach hands the data over");
	ok(n == 8 && b.len == 0 && b.data[0] == '\0', "and re-initialises");
	free(p);
	buf_release(&b);
}

/* ctl_blank: C0, DEL, C1 and the bidirectional controls, one space each. */
static void
controls(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "plain é ›", "plain é ›" },
		{ "a\tb\x7f" "c\x1b[0m", "a b c [0m" },
		{ "\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0", "   \xc2\xa0" },
		{ "\xe2\x80\xa9\xe2\x80\xaa\xe2\x80\xae\xe2\x80\xaf",
		    "\xe2\x80\xa9  \xe2\x80\xaf" },
		{ "\xe2\x81\xa5\xe2\x81\xa6\xe2\x81\xa9\xe2\x81\xaa",
		    "\xe2\x81\xa5  \xe2\x81\xaa" },
		{ "cut \xc2", "cut \xc2" },
		{ "cut \xe2\x80", "cut \xe2\x80" },
	};
	char s[64];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(s, sizeof(s), "%s", t[i].in);
		n = ctl_blank(s, strlen(s));
		ok(n == strlen(t[i].want) && strcmp(s, t[i].want) == 0,
		    "controls of case %zu blanked ('%s')", i, s);
	}
	ok(ctl_len("\xc2\x9b", 1) == 0, "a character cut by the length is not read");
}

int
main(void)
{
	controls();
	search();
	numbers();
	buffers();
	return tap_done();
}
