/* arrival.c: a message's arrival, and where its report goes in time. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrival.h"
#include "bounds.h"
#include "tap.h"
#include "util.h"

#define HOUR	3600LL
#define DAY	86400LL

static void
received(void)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: no arrival */
	} t[] = {
		{ "Received: from a by b; Mon, 30 Nov 2026 09:00:00 +0000\r\n"
		    "Subject: x\r\n\r\nbody", "2026-11-30T09:00:00Z" },
		/* Folded, LF only, another zone. */
		{ "Received: from a\n\tby b with esmtp id 1;\n"
		    "\tMon, 30 Nov 2026 09:00:00 +0100\nSubject: x\n\n",
		    "2026-11-30T08:00:00Z" },
		/* The top one: the hop that delivered it here. */
		{ "Return-Path: <>\r\nReceived: by mx; 1 Dec 2026 10:00:00 "
		    "+0000\r\nReceived: from c by d; 1 Dec 2026 09:00:00 "
		    "+0000\r\n\r\n", "2026-12-01T10:00:00Z" },
		/* The last semicolon: one in the from clause comes earlier. */
		{ "Received: from x (helo=a;b) by mx; 2 Dec 2026 10:00:00 "
		    "+0000\n\n", "2026-12-02T10:00:00Z" },
		{ "received: by mx; 3 Dec 2026 10:00:00 GMT\n\n",
		    "2026-12-03T10:00:00Z" },
		/* None, or none in the header. */
		{ "Subject: x\r\n\r\nReceived: by mx; 1 Dec 2026 10:00:00 "
		    "+0000\r\n", NULL },
		{ "Received: from a by b\r\n\tfor <x@y>;\r\n\r\n", NULL },
		{ "Received: from a by b; yesterday\r\n\r\n", NULL },
		{ "", NULL },
		{ "X-Received: by mx; 1 Dec 2026 10:00:00 +0000\n\n", NULL },
	};
	char got[21], *big;
	size_t i, n;
	time_t v;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = arrival_received(t[i].in, strlen(t[i].in));
		if (v != 0)
			iso8601_utc(v, got);
		is(v != 0 ? got : NULL, t[i].want, "arrival of case %zu", i);
	}
	/* A field longer than RECEIVED_FIELD_MAX is not read. */
	n = RECEIVED_FIELD_MAX + 64;
	big = xmalloc(n + 64);
	memcpy(big, "Received: from ", 15);
	memset(big + 15, 'a', n - 15);
	memcpy(big + n, "; 1 Dec 2026 10:00:00 +0000\n\n", 30);
	ok(arrival_received(big, strlen(big)) == 0,
	    "a Received: field over the limit gives no arrival");
	/* Its date without the bytes after it: the header is cut short. */
	ok(arrival_received("Received: by mx; 1 Dec 2026 10:00:00 +0000", 42)
	    != 0, "a message of only a header");
	free(big);
}

static void
place(void)
{
	/* 2026-11-30T10:00:00Z */
	const time_t arr = 1796032800;
	static const struct {
		long long	 off;	/* occurred - arrival; NOW0: undated */
		long long	 skew, age;
		int		 kept;	/* the report's own time stays */
		const char	*note;
	} t[] = {
#define NOW0	(-4611686018427387904LL)
		{ NOW0, HOUR, 365 * DAY, 0,
		    "undated: placed at its message's arrival" },
		{ 0, HOUR, 365 * DAY, 1, "" },
		{ HOUR, HOUR, 365 * DAY, 1, "" },
		{ HOUR + 1, HOUR, 365 * DAY, 0, "dated 2026-11-30T11:00:01Z, "
		    "60 minutes after its message arrived: placed at the "
		    "arrival" },
		{ 7 * DAY - HOUR, HOUR, 365 * DAY, 0, "dated "
		    "2026-12-07T09:00:00Z, 6 days after its message arrived: "
		    "placed at the arrival" },
		{ 3 * HOUR, 0, 365 * DAY, 0, "dated 2026-11-30T13:00:00Z, "
		    "3 hours after its message arrived: placed at the "
		    "arrival" },
		/* 2031-01-01T00:00:00Z */
		{ 1924992000LL - 1796032800LL, HOUR, 365 * DAY, 0, "dated "
		    "2031-01-01T00:00:00Z, 4 years after its message arrived: "
		    "placed at the arrival" },
		{ -30 * DAY, HOUR, 30 * DAY, 1, "" },
		{ -30 * DAY - 1, HOUR, 30 * DAY, 0, "dated "
		    "2026-10-31T09:59:59Z, 30 days before its message arrived: "
		    "placed at the arrival" },
		/* Late reports within the age are as they say. */
		{ -300 * DAY, HOUR, 3650 * DAY, 1, "" },
	};
	char note[160];
	size_t i;
	time_t occ, got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		occ = t[i].off == NOW0 ? 0 : arr + (time_t)t[i].off;
		got = arrival_place(occ, arr, t[i].skew, t[i].age, note,
		    sizeof(note));
		ok(got == (t[i].kept ? occ : arr), "case %zu placed at %s", i,
		    t[i].kept ? "its own time" : "the arrival");
		is(note, t[i].note, "case %zu note", i);
	}
#undef NOW0
}

static void
spans(void)
{
	static const struct {
		long long	 secs;
		const char	*want;
	} t[] = {
		{ 0, "0 minutes" }, { 119, "1 minute" }, { 2 * HOUR - 1,
		"119 minutes" }, { 2 * HOUR, "2 hours" }, { 2 * DAY - 1,
		"47 hours" }, { 2 * DAY, "2 days" }, { 729 * DAY, "729 days" },
		{ 730 * DAY, "2 years" },
	};
	char out[48];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		arrival_span(t[i].secs, out, sizeof(out));
		is(out, t[i].want, "span of %lld seconds", t[i].secs);
	}
}

int
main(void)
{
	received();
	place();
	spans();
	return tap_done();
}
