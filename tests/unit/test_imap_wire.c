/*
 * imap_wire.c: the scanner that follows a server's responses finds each
 * literal's announced size, skips the literal's bytes (whatever they
 * hold), refuses a size over the cap before anything follows it, and
 * names the UID of the FETCH response it belongs to.  Each input is fed
 * whole and byte by byte.  Then the stream around a socket pair: an end
 * of stream, a silent peer and a passed deadline are errors that say so.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "imap_wire.h"
#include "tap.h"
#include "util.h"

static const struct scan_case {
	const char	*what;
	uint64_t	 max;
	const char	*in;
	int		 rc;
	uint64_t	 left;		/* literal bytes still expected */
	uint32_t	 uid;		/* named for the last literal */
	const char	*why;		/* part of the reason; NULL: none */
} cases[] = {
	{ "a body, its CRLF and the end of the response", 100,
	  "* 1 FETCH (UID 7 BODY[]<0> {5}\r\nhello)\r\n", 0, 0, 7, NULL },
	{ "a literal that holds a huge {N} is not read as one", 100,
	  "* 1 FETCH (UID 8 BODY[] {12}\r\n{9999999999})\r\n", 0, 0, 8, NULL },
	{ "a part of a literal: the rest is still to come", 100,
	  "* 2 FETCH (UID 9 BODY[] {100}\r\n0123456789", 0, 90, 9, NULL },
	{ "exactly the cap", 1000,
	  "* 2 FETCH (UID 10 BODY[] {1000}\r\n", 0, 1000, 10, NULL },
	{ "one byte over the cap, refused with the UID", 1000,
	  "* 2 FETCH (UID 11 BODY[] {1001}\r\n", -1, 0, 11,
	  "announced a literal of 1001 bytes for uid 11, over the limit "
	  "of 1000" },
	{ "4,000,000,000 bytes, refused before the CRLF", 1000,
	  "* 3 FETCH (UID 12 BODY[]<0> {4000000000}", -1, 0, 12,
	  "4000000000 bytes for uid 12" },
	{ "refused even when no CRLF follows", 1000,
	  "* 3 FETCH (BODY[] {4000000000}x", -1, 0, 0,
	  "announced a literal of 4000000000 bytes, over" },
	{ "a size of 25 digits", 1000,
	  "* 3 FETCH (UID 1 BODY[] {1234567890123456789012345}\r\n", -1, 0,
	  1, "a size of 25 digits" },
	{ "{} and {12a} are not literals", 10,
	  "* OK {} and {12a} and {7 x}\r\n", 0, 0, 0, NULL },
	{ "the UID after the body is not known yet", 100,
	  "* 4 FETCH (BODY[] {5}\r\nhello UID 4)\r\n", 0, 0, 0, NULL },
	{ "UIDNEXT is not a UID", 100,
	  "* OK [UIDNEXT 5] {3}\r\nabc", 0, 0, 0, NULL },
	{ "two literals in one response", 100,
	  "* 5 FETCH (UID 13 BODY[1] {3}\r\nabc BODY[2] {4}\r\nabcd)\r\n"
	  "* 6 FETCH (UID 14 BODY[1] {2}\r\nxy", 0, 0, 14, NULL },
	{ "a bare LF ends the announcement too", 100,
	  "* 7 FETCH (UID 15 BODY[] {3}\nabc)\n", 0, 0, 15, NULL },
	{ "the next response after a literal is scanned again", 100,
	  "* 8 FETCH (UID 16 BODY[] {2}\r\nab)\r\n* 9 FETCH (UID 17 BODY[] "
	  "{101}\r\n", -1, 0, 17, "101 bytes for uid 17" },
};

static void
scan_cases(void)
{
	struct imap_wire w;
	size_t i, j, len;
	int rc, step;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scan_case *c = &cases[i];

		len = strlen(c->in);
		for (step = 0; step < 2; step++) {
			wire_init(&w, "test", 60, 0, 0, c->max);
			if (step == 0)
				rc = wire_scan(&w, (const unsigned char *)c->in,
				    len);
			else
				for (rc = 0, j = 0; j < len && rc == 0; j++)
					rc = wire_scan(&w,
					    (const unsigned char *)c->in + j, 1);
			ok(rc == c->rc && w.lit_left == c->left &&
			    w.lit_uid == c->uid && (c->why == NULL ?
			    w.why[0] == '\0' : strstr(w.why, c->why) != NULL),
			    "%s (%s): rc %d, %llu left, uid %u, '%s'", c->what,
			    step ? "byte by byte" : "whole", rc,
			    (unsigned long long)w.lit_left, w.lit_uid, w.why);
		}
	}
}

/* The stream over one end of a socket pair; the other end is *peer. */
static mailstream *
stream_pair(struct imap_wire *w, int *peer)
{
	mailstream *m;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	*peer = sv[1];
	if ((m = mailstream_socket_open_timeout(sv[0], 1)) == NULL)
		abort();
	mailstream_set_low(m, wire_wrap(mailstream_get_low(m), w));
	return m;
}

static void
stream_cases(void)
{
	static const char part[] = "* 1 FETCH (UID 7 BODY[] {10}\r\nabc";
	struct imap_wire w;
	mailstream *m;
	char buf[64];
	ssize_t n, total;
	long long t0;
	int peer;

	/* The server closes in the middle of the body. */
	wire_init(&w, "test", 5, 0, 0, 100);
	m = stream_pair(&w, &peer);
	if (write(peer, part, sizeof(part) - 1) < 0)
		abort();
	close(peer);
	for (total = 0; (n = mailstream_read(m, buf, sizeof(buf))) > 0; )
		total += n;
	ok(n < 0 && total == (ssize_t)sizeof(part) - 1,
	    "an end of stream is an error once the bytes before it are read "
	    "(%zd, %zd)", n, total);
	ok(w.fault == WIRE_EOF, "the fault is an end of stream (%d)", w.fault);
	is(w.why, "connection lost (closed by the server) in the middle of "
	    "uid 7 (3 of 10 bytes read)", "the reason names the UID and how "
	    "far it got");
	ok(mailstream_read(m, buf, sizeof(buf)) < 0, "and it stays an error");
	mailstream_close(m);

	/* A server that says nothing. */
	wire_init(&w, "test", 1, 0, 0, 100);
	m = stream_pair(&w, &peer);
	t0 = mono_ms();
	n = mailstream_read(m, buf, sizeof(buf));
	ok(n < 0 && w.fault == WIRE_TIMEOUT && mono_ms() - t0 < 3000,
	    "silence is a timeout after about the timeout (%lld ms)",
	    mono_ms() - t0);
	is(w.why, "no answer within 1 s (timeout)", "and says so");
	mailstream_close(m);
	close(peer);

	/* A deadline shorter than the timeout ends the wait. */
	wire_init(&w, "test", 30, mono_ms() + 1000, 7, 100);
	m = stream_pair(&w, &peer);
	t0 = mono_ms();
	n = mailstream_read(m, buf, sizeof(buf));
	ok(n < 0 && w.fault == WIRE_DEADLINE && mono_ms() - t0 < 3000,
	    "the deadline ends a wait the timeout would let go on "
	    "(%lld ms)", mono_ms() - t0);
	is(w.why, "the source's deadline of 7 s passed (deadline)",
	    "and says so");
	mailstream_close(m);
	close(peer);

	/* A write to a server that went away fails; no SIGPIPE. */
	wire_init(&w, "test", 5, 0, 0, 100);
	m = stream_pair(&w, &peer);
	close(peer);
	n = mailstream_write(m, "a LOGOUT\r\n", 10);
	if (n >= 0)
		n = mailstream_flush(m);
	ok(n < 0 && w.fault != WIRE_OK, "a write to a closed peer fails "
	    "without killing the process (%s)", w.why);
	mailstream_close(m);
}

/* Untagged responses without end: bounded; a tagged line starts over. */
static void
flood_cases(void)
{
	static const char line[] = "* OK 0123456789012345678901234567890\r\n";
	static const char tagged[] = "A7 OK done\r\n";
	static const char head[] = "* 1 FETCH (UID 1 BODY[] {3000}\r\n";
	unsigned char body[100];
	struct imap_wire w;
	int i, rc = 0;

	wire_init(&w, "test", 60, 0, 0, 100);
	w.max_response = 1000;
	for (i = 0; i < 20 && rc == 0; i++)
		rc = wire_scan(&w, (const unsigned char *)line,
		    sizeof(line) - 1);
	ok(rc == 0, "20 lines of 38 bytes pass a limit of 1000");
	rc = wire_scan(&w, (const unsigned char *)tagged, sizeof(tagged) - 1);
	for (i = 0; i < 20 && rc == 0; i++)
		rc = wire_scan(&w, (const unsigned char *)line,
		    sizeof(line) - 1);
	ok(rc == 0, "and 20 more after a tagged line");
	for (i = 0; i < 20 && rc == 0; i++)
		rc = wire_scan(&w, (const unsigned char *)line,
		    sizeof(line) - 1);
	ok(rc < 0 && w.fault == WIRE_FLOOD, "but not 40 without one");
	is(w.why, "the server sent more than 1000 bytes of responses without "
	    "completing the command", "and says so");
	wire_init(&w, "test", 60, 0, 0, 5000);
	w.max_response = 1000;
	rc = wire_scan(&w, (const unsigned char *)head, strlen(head));
	memset(body, 'x', sizeof(body));
	for (i = 0; i < 30 && rc == 0; i++)
		rc = wire_scan(&w, body, sizeof(body));
	ok(rc == 0 && w.lit_left == 0, "a literal's bytes do not count");
}

int
main(void)
{
	scan_cases();
	flood_cases();
	stream_cases();
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
