/*
 * The Received parser and the origin-hop logic on a client's HELO.
 *
 * The first byte picks a receiving MTA's shape (low bits) and whether
 * the recorded address is a stranger's or one of the provider's relays
 * (high bit); the rest is the HELO argument the client sent, reduced to
 * what that MTA lets through (printable ASCII for most; qmail's safe
 * set).  Whatever the HELO, the sender must be the recorded address and
 * the receiving host mx.example.org; and in a feedback report whose
 * offending message has that hop on top, a relay hop "by" one of ours
 * and an X-AuthUser below, the header must count only when the recorded
 * address is ours, never because of the HELO.  The raw input also goes
 * through received_parse() as one field, checked against its contract.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "fuzz.h"
#include "netaddr.h"
#include "report.h"
#include "text.h"
#include "util.h"

#define MAX_HELO	512

const char *const fuzz_corpora[] = { "received", NULL };

void
fuzz_select(const char *corpus)
{
	(void)corpus;
}

/* %H: the HELO; %A: the recorded address. */
static const struct {
	const char	*shape;
	int		 qmail;		/* HELO in qmail's safe set */
	int		 v6;
} mta[] = {
	{ "from %H (unknown [%A]) by mx.example.org (Postfix) with ESMTP "
	  "id 4Ab for <v@example.org>", 0, 0 },
	{ "from %H (host.customer.example [%A]) (using TLSv1.3 with cipher "
	  "TLS_AES_256_GCM_SHA384 (256/256 bits)) (No client certificate "
	  "requested) by mx.example.org (Postfix) with ESMTPS id 4Ab", 0, 0 },
	{ "from [%A] (port=4444 helo=%H) by mx.example.org with esmtp "
	  "(Exim 4.96) (envelope-from <a@b.example>) id 1tX-00 for "
	  "v@example.org", 0, 0 },
	{ "from host.customer.example ([%A]:4444 helo=%H) by mx.example.org "
	  "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) "
	  "id 1tX-00", 0, 0 },
	{ "from unknown (HELO %H) (%A) by mx.example.org with SMTP", 1, 0 },
	{ "from host.customer.example (HELO %H) (ident@%A) by "
	  "mx.example.org with SMTP", 1, 0 },
	{ "from %H (host.customer.example [%A] (may be forged)) by "
	  "mx.example.org (8.17.1/8.17.1) with ESMTP id 1", 0, 0 },
	{ "from %H ([%A]) by mx.example.org (8.17.1/8.17.1) with ESMTP id 1",
	  0, 0 },
	{ "from %H (%A) by mx.example.org (10.1.1.1) with Microsoft SMTP "
	  "Server id 15.1.2 via Frontend Transport", 0, 0 },
	{ "from %H (host.customer.example. [%A]) by mx.example.org with "
	  "ESMTPS id x for <v@example.org>", 0, 1 },
	{ "from %H (unknown [IPv6:%A]) by mx.example.org (Postfix) with "
	  "ESMTP id 4Ab", 0, 1 },
	{ "from %H (%A) by mx.example.org with Microsoft SMTP Server", 0, 1 },
};

#define NMTA	(sizeof(mta) / sizeof(mta[0]))

static int
qmail_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr(".@%+/=:-_#[]", c) != NULL;
}

static void
field(struct buf *b, size_t k, const char *helo, const char *addr)
{
	const char *s;

	for (s = mta[k].shape; *s; s++) {
		if (s[0] == '%' && s[1] == 'H') {
			buf_addstr(b, helo);
			s++;
		} else if (s[0] == '%' && s[1] == 'A') {
			buf_addstr(b, addr);
			s++;
		} else {
			buf_addch(b, *s);
		}
	}
	buf_addstr(b, "; Mon, 02 Mar 2026 10:00:00 +0000");
}

static void
contract(const char *p, size_t n)
{
	struct received rv;
	char again[IP_STRLEN];

	if (received_parse(p, n, &rv) < 0)
		return;
	if (strlen(rv.from_host) >= sizeof(rv.from_host) ||
	    strlen(rv.by_host) >= sizeof(rv.by_host))
		abort();
	if (rv.from_unsure && rv.from_ip[0] != '\0')
		abort();
	/* A sender address is always in normal form. */
	if (rv.from_ip[0] != '\0' &&
	    (!ip_normalise(rv.from_ip, strlen(rv.from_ip), again) ||
	    strcmp(again, rv.from_ip) != 0))
		abort();
}

static void
report(const char *top, int ours)
{
	static struct hostlist trusted;
	struct parse_opts o;
	struct report r;
	struct buf b;

	if (hostlist_empty(&trusted)) {
		(void)hostlist_add(&trusted, "relay.example.net");
		(void)hostlist_add(&trusted, "192.0.2.0/24");
		(void)hostlist_add(&trusted, "2001:db8:60::/48");
	}
	buf_init(&b, 64 * 1024);
	buf_addstr(&b, "From: fbl@receiver.example\nTo: abuse@example.net\n"
	    "Subject: complaint\nMIME-Version: 1.0\nContent-Type: "
	    "multipart/report; report-type=feedback-report; boundary=\"b\"\n"
	    "\n--b\nContent-Type: text/plain\n\nA complaint.\n"
	    "--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\nUser-Agent: fbl/1.0\nVersion: 1\n\n"
	    "--b\nContent-Type: message/rfc822\n\nReceived: ");
	buf_addstr(&b, top);
	buf_addstr(&b, "\nReceived: from client ([198.51.100.9]) by "
	    "relay.example.net with esmtpsa; Mon, 02 Mar 2026 09:59:59 +0000\n"
	    "X-AuthUser: innocent@example.net\nFrom: a@example.org\n"
	    "Subject: offer\nMessage-ID: <o@example.org>\n\nBuy.\n--b--\n");
	memset(&o, 0, sizeof(o));
	o.trusted = &trusted;
	report_init(&r);
	message_parse_as(b.data, b.len, &o, &format_arf, &r);
	fuzz_check_report(&r);
	/* A HELO past a limit (comments nested too deep, a field too
	 * long) quarantines the report: nothing is attributed then. */
	if (r.status == MSG_QUARANTINED && r.customer == NULL)
		goto out;
	if (r.status != MSG_PARSED)
		abort();
	if (ours) {
		/* Our relay handed it over: the header below counts. */
		if (r.identity_header == NULL || r.origin_ip == NULL ||
		    strcmp(r.origin_ip, "198.51.100.9") != 0)
			abort();
	} else {
		if (r.identity_header != NULL || (r.auth_user != NULL &&
		    strcmp(r.auth_user, "innocent@example.net") == 0))
			abort();
		if (r.origin_ip == NULL || (strcmp(r.origin_ip,
		    "203.0.113.5") != 0 && strcmp(r.origin_ip,
		    "2001:db8::5") != 0))
			abort();
	}
out:
	report_release(&r);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char helo[MAX_HELO + 1];
	const char *addr;
	struct received rv;
	struct buf b;
	size_t k, i, n;
	int ours;

	contract((const char *)data, size);
	if (size == 0)
		return 0;
	k = (data[0] & 0x7f) % NMTA;
	ours = (data[0] & 0x80) != 0;
	n = size - 1 > MAX_HELO ? MAX_HELO : size - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = data[1 + i];

		if (c < 0x20 || c > 0x7e || (mta[k].qmail && !qmail_safe(c)))
			c = '?';
		helo[i] = (char)c;
	}
	helo[n] = '\0';
	if (mta[k].v6)
		addr = ours ? "2001:db8:60::61" : "2001:db8::5";
	else
		addr = ours ? "192.0.2.61" : "203.0.113.5";
	buf_init(&b, 4096);
	field(&b, k, helo, addr);
	if (received_parse(b.data, b.len, &rv) < 0 ||
	    strcmp(rv.from_ip, addr) != 0 ||
	    strcmp(rv.by_host, "mx.example.org") != 0) {
		fprintf(stderr, "field: %s\nsender '%s', by '%s'\n", b.data,
		    rv.from_ip, rv.by_host);
		abort();
	}
	report(b.data, ours);
	buf_release(&b);
	return 0;
}
