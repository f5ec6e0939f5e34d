/*
 * Reading the values inside messages: encoded words, charsets, dates,
 * addresses, IP addresses and Received lines.  Every function takes
 * (pointer, length) input and bounds its output.
 */
#ifndef AC_TEXT_H
#define AC_TEXT_H

#include <netinet/in.h>
#include <stddef.h>
#include <time.h>

#define IP_STRLEN	46	/* INET6_ADDRSTRLEN */

/*
 * Decode RFC 2047 encoded words of a header value into UTF-8, reading
 * undeclared 8-bit bytes as UTF-8 when they are valid, else as
 * Windows-1252.  Control characters (C0, C1 and bidirectional
 * overrides: ctl_len in util.h) become spaces; the result is at most
 * max bytes (cut at a character boundary).  Caller frees.
 */
char *decode_header(const char *p, size_t n, size_t max);
/* The same, reading undeclared 8-bit bytes that are not UTF-8 in charset
 * (the charset the message declares for its body; NULL: Windows-1252). */
char *decode_header_cs(const char *p, size_t n, const char *charset,
    size_t max);

/* A body in charset (NULL: undeclared) as UTF-8, as decode_header does
 * for bytes.  Caller frees; *outlen gets the length. */
/*
 * Charset converters are kept open per thread; a thread that ends closes
 * its own with text_thread_release (they would be lost with it).
 */
void text_thread_release(void);
char *text_to_utf8(const char *charset, const char *p, size_t n,
    size_t *outlen);

/* 1 when (p, n) is valid UTF-8. */
int utf8_valid(const char *p, size_t n);

/*
 * A date as found in mail: RFC 5322 with obsolete zones, two-digit years,
 * missing zone (read as UTC) and trailing comments, or ISO 8601.  Dates
 * before 1980 or more than a year ahead of now are refused.  Returns 0 and
 * the UTC time, or -1.
 */
int parse_date(const char *p, size_t n, time_t *out);

/*
 * Normalise an IP address ("[1.2.3.4]", "IPv6:...", upper case,
 * uncompressed, IPv4-mapped IPv6) to its canonical text.  Returns 4 or 6,
 * or 0 when (p, n) is not an address.
 */
int ip_normalise(const char *p, size_t n, char out[IP_STRLEN]);

/* The first IPv4 or IPv6 address found as a token in (p, n), normalised;
 * 0 when none. */
int ip_find(const char *p, size_t n, char out[IP_STRLEN]);

/* The addr-spec of an address field ("Name <a@b>", "<a@b>", "a@b"),
 * without angle brackets.  Caller frees; NULL when empty. */
char *addr_spec(const char *p, size_t n);

/* A Message-ID without angle brackets or surrounding space; NULL when
 * empty.  Caller frees. */
char *msgid_strip(const char *p, size_t n);

/*
 * What a Received field says about the hop: the sending host's name (the
 * first word of the "from" clause, often what it said in HELO) and the
 * address the receiving server recorded for the connection, and the
 * receiving host ("by").  from_ip is never taken from the client's HELO
 * argument: when the clause names an address only in a place that is not
 * one an MTA records the connection in, from_ip is empty and from_unsure
 * is 1 (the sender is unknown, which is not the same as a hop without a
 * sender, such as a local pickup).  received.c has the shapes.
 */
struct received {
	char	from_host[256];
	char	from_ip[IP_STRLEN];
	char	by_host[256];
	char	by_ip[IP_STRLEN];
	int	from_unsure;
};

/* Returns 0 when the field has a "from" or "by" clause, else -1. */
int received_parse(const char *p, size_t n, struct received *r);

#endif
