/*
 * The bytes between libetpan and an IMAP server.  libetpan's own streams
 * trust the server too far: a plain connection closed inside a literal
 * makes libetpan 1.9.4 read zero bytes forever, and a literal's announced
 * size is allocated before a byte of it arrives.  Every IMAP stream is
 * therefore wrapped in a mailstream low-level driver of ours, on top of
 * libetpan's socket or TLS driver, that
 *   - turns an end of stream into an error,
 *   - bounds each read and write by the source's timeout and all of them
 *     by the source's deadline,
 *   - follows the IMAP syntax far enough to see each literal's "{N}"
 *     before libetpan does, and refuses one larger than a cap, and
 *     bounds what libetpan accumulates outside literals before a
 *     command completes,
 *   - logs the text of every [ALERT] the server sends, wherever it comes
 *     (libetpan drops those of the greeting and keeps one per command).
 * The reason for a failure stays in struct imap_wire, which outlives the
 * streams (STARTTLS replaces one), for imap_fail's message.
 */
#ifndef AC_IMAP_WIRE_H
#define AC_IMAP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

enum wire_fault {
	WIRE_OK = 0,
	WIRE_EOF,	/* the server closed the connection */
	WIRE_TIMEOUT,	/* nothing could be read or written for timeout s */
	WIRE_DEADLINE,	/* the source's deadline passed */
	WIRE_LITERAL,	/* a literal over max_literal was announced */
	WIRE_FLOOD,	/* responses over max_response without a tagged end */
	WIRE_IO		/* another error of the connection */
};

/* Longest part of a response line kept to name the message (its UID). */
#define WIRE_LINE_KEPT	160

struct imap_wire {
	/* Set by the owner. */
	const char	*where;		/* "source: host:port", for alerts */
	long		 timeout;	/* seconds, each read or write */
	long long	 deadline_ms;	/* CLOCK_MONOTONIC; 0: none */
	long		 deadline_s;	/* as configured, for messages */
	uint64_t	 max_literal;	/* bytes */
	uint64_t	 max_response;	/* bytes outside literals until a
					 * tagged line (bounds.h) */

	/* The first failure; once set, every read and write fails. */
	enum wire_fault	 fault;
	char		 why[200];

	/* Where the scanner is in the server's responses. */
	int		 brace;		/* 0, 1 after "{", 2 after "{N}" */
	int		 ndigits;
	uint64_t	 number;	/* of the last "{N}" */
	uint64_t	 lit_left;	/* bytes of a literal still to come */
	uint64_t	 lit_size;
	char		 line[WIRE_LINE_KEPT + 1];	/* the response so far */
	size_t		 linelen;
	uint32_t	 lit_uid;	/* UID named before the literal, or 0 */
	uint64_t	 resp_bytes;	/* outside literals since a tagged
					 * line */
	char		 alert[WIRE_LINE_KEPT + 1];	/* the last one logged */
};

/* Set the limits (max_response: enough for the largest batch_size) and
 * clear everything else; where must outlive w. */
void wire_init(struct imap_wire *w, const char *where, long timeout,
    long long deadline_ms, long deadline_s, uint64_t max_literal);

/*
 * Wrap inner (libetpan's socket or TLS low-level stream, which the result
 * owns from now on) in the checks of w; w must outlive the result.  Free
 * the result and inner goes too, its descriptor left open; close it and
 * the descriptor is closed.  The result has no certificate of its own:
 * check a TLS server's certificate on inner, before wrapping it.
 */
mailstream_low *wire_wrap(mailstream_low *inner, struct imap_wire *w);

/*
 * Follow n bytes the server sent.  0, or -1 when they announce a literal
 * over w->max_literal or bring the bytes outside literals since the last
 * tagged line over w->max_response (w->fault and w->why set).  A
 * response line with an [ALERT] code is logged as a warning, its text
 * shortened and with anything but printable ASCII replaced.  Exposed for
 * the unit test; wire_wrap's reads call it.
 */
int wire_scan(struct imap_wire *w, const unsigned char *p, size_t n);

#endif
