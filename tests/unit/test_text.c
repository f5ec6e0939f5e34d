/* text.c: dates, addresses, Received fields, header decoding. */
#include "autoconf.h"

#include <stdlib.h>

#include "tap.h"
#include "text.h"
#include "util.h"

static void
dates(void)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: must be rejected */
	} t[] = {
		{ "Tue, 04 Aug 2015 05:01:12 -0600", "2015-08-04T11:01:12Z" },
		{ "Tue, 04 Aug 2015 11:01:12 -0000", "2015-08-04T11:01:12Z" },
		{ "Mon, 1 Jan 2001 10:00:00 UT", "2001-01-01T10:00:00Z" },
		{ "Thu, 8 Mar 2005 1:02:03 EST", "2005-03-08T06:02:03Z" },
		{ "8 Mar 05 10:02:03 PST", "2005-03-08T18:02:03Z" },
		{ "Sat, 01 Mar 2003 04:11:46 -0500 (EST)",
		    "2003-03-01T09:11:46Z" },
		{ "Tue, 19 Jan 2016 14:32:34", "2016-01-19T14:32:34Z" },
		{ "Tue, 19 Jan 2016 14:32:34 (ES", "2016-01-19T14:32:34Z" },
		{ "Wed, 20 Jan 10 14:32:34 +0100", "2010-01-20T13:32:34Z" },
		{ "2016-01-19T10:00:00Z", "2016-01-19T10:00:00Z" },
		{ "2016-01-19 10:00:00 +02:00", "2016-01-19T08:00:00Z" },
		{ "2016-01-19T10:00:00.123+0530", "2016-01-19T04:30:00Z" },
		{ "Thu, 29 Apr 2013 23:45:00 PST", "2013-04-30T07:45:00Z" },
		{ "Sun, 14 Apr 2024 03:11:35 -0500 (EST)",
		    "2024-04-14T08:11:35Z" },
		{ "Mon, 25 Mar 24 02:07:37 UT", "2024-03-25T02:07:37Z" },
		{ "Sat, 16 Mar 2024 23:34:45 JST", "2024-03-16T14:34:45Z" },
		{ "Wed, 20 Mar 2024 07:19:02 EDT", "2024-03-20T11:19:02Z" },
		{ "Wed, 20 Mar 2024 07:19:02 GMT", "2024-03-20T07:19:02Z" },
		{ "20 Mar 2024 07:19 +0100", "2024-03-20T06:19:00Z" },
		{ "Thu, 1 Jan 1970 00:00:00 +0000", NULL },
		{ "Mon, 45 Foo 1899 99:99:99 +9999", NULL },
		{ "(invalid)", NULL },
		{ "", NULL },
		{ "yesterday", NULL },
		{ "Tue, 04 Aug 1915 05:01:12 -0600", NULL },
		{ "Tue, 04 Aug 2999 05:01:12 -0600", NULL },
		{ "Wed, 01 Jan 2031 00:00:00 +0000", "2031-01-01T00:00:00Z" },
		{ "2031-01-01T00:00Z", "2031-01-01T00:00:00Z" },
		{ "Tue, 31 Feb 2015 25:01:12 -0600", NULL },
		{ "2016-13-19T10:00:00Z", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		time_t v;
		char got[21];
		int r = parse_date(t[i].in, strlen(t[i].in), &v);

		if (r == 0)
			iso8601_utc(v, got);
		is(r == 0 ? got : NULL, t[i].want, "date '%s'", t[i].in);
	}
}

static void
ips(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "10.0.2.35", "10.0.2.35" },
		{ " [192.0.2.1] ", "192.0.2.1" },
		{ "fdf1:cb9d:f59e:19b0:0:0:0:122", "fdf1:cb9d:f59e:19b0::122" },
		{ "IPv6:2001:DB8::1", "2001:db8::1" },
		{ "::ffff:192.0.2.7", "192.0.2.7" },
		{ "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
		{ "[IPv6:2001:db8::1]", "2001:db8::1" },
		{ "::ffff:c000:0207", "192.0.2.7" },
		{ "192.0.2.300", NULL },
		{ "192.0.2", NULL },
		{ "example.com", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[IP_STRLEN];
		int r = ip_normalise(t[i].in, strlen(t[i].in), out);

		is(r ? out : NULL, t[i].want, "ip '%s'", t[i].in);
	}
}

static void
received(void)
{
	struct received r;
	const char *a = "from server14.seinternal.com ([10.0.2.35])\n"
	    " by server1.test17.example.com with esmtp (Exim 4.85)\n"
	    " (envelope-from <admin@example.com>) id 1ZMZxK-000FIF-B7\n"
	    " for ashley@example.com; Tue, 04 Aug 2015 05:00:26 -0600";
	const char *b = "from mail.example.org (mail.example.org "
	    "[2001:db8::25]) (Authenticated sender: alice@example.org) "
	    "by mx1.example.net (Postfix) with ESMTPSA id 4F2";
	const char *c = "by localhost with local; Mon, 1 Jan 2001";

	ok(received_parse(a, strlen(a), &r) == 0, "exim hop parses");
	is(r.from_host, "server14.seinternal.com", "exim from host");
	is(r.from_ip, "10.0.2.35", "exim from ip");
	is(r.by_host, "server1.test17.example.com", "exim by host");
	ok(received_parse(b, strlen(b), &r) == 0, "postfix hop parses");
	is(r.from_ip, "2001:db8::25", "postfix from ip (IPv6)");
	is(r.by_host, "mx1.example.net", "postfix by host");
	ok(received_parse(c, strlen(c), &r) == 0, "by-only hop parses");
	is(r.from_ip, "", "by-only hop has no sender");
	ok(received_parse("garbage", 7, &r) < 0, "garbage is rejected");

	/* Which address of a from clause is the connecting one. */
	static const struct {
		const char	*in;
		const char	*from_ip;
	} hops[] = {
		/* qmail: the HELO argument looks like an address too. */
		{ "from unknown (HELO 203.0.113.92) (192.0.2.162) by x", "192.0.2.162" },
		/* Yahoo: the HELO name is a bare address. */
		{ "from 127.0.0.1  (EHLO vm2.example.net) (192.0.2.61) by y", "192.0.2.61" },
		/* Postfix: an address literal as HELO, the peer in the comment. */
		{ "from [10.0.0.5] (unknown [198.51.100.7]) by z", "198.51.100.7" },
		/* Exim: the peer in brackets, HELO in the comment. */
		{ "from [203.0.113.68] (helo=client.example) by e", "203.0.113.68" },
		/* A port after the bracketed address. */
		{ "from [10.10.10.10] ([10.10.10.10:4227] helo=m) by l", "10.10.10.10" },
		{ "from host ([192.0.2.30]:41422) by f", "192.0.2.30" },
		{ "from [IPv6:::ffff:203.0.113.68] (unknown [203.0.113.68]) by p", "203.0.113.68" },
		{ "from mail.victim.net [204.204.204.204] by ux1", "204.204.204.204" },
		{ "from root by filter1 with local-spamexperts-generated", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(hops) / sizeof(hops[0]); i++) {
		ok(received_parse(hops[i].in, strlen(hops[i].in), &r) == 0 &&
		    strcmp(r.from_ip, hops[i].from_ip) == 0,
		    "connecting address of '%s' is '%s' (got '%s')",
		    hops[i].in, hops[i].from_ip, r.from_ip);
	}
}

/*
 * The connecting address per MTA, with and without reverse DNS, each time
 * with a client whose HELO is 192.0.2.60, one of the provider's relays:
 * the address must be the one the server recorded (203.0.113.5 or
 * 2001:db8::5), never the HELO's.  unsure: the clause names an address
 * in no place a server records one.
 */
static void
received_helo(void)
{
	static const struct {
		const char	*in;
		const char	*from_ip;
		int		 unsure;
		const char	*by_host;
	} t[] = {
		/* Exim, $sender_rcvhost: no rDNS, then verified rDNS. */
		{ "from [203.0.113.5] (port=4444 helo=[192.0.2.60]) by "
		  "mx.example.org with esmtp (Exim 4.96) id 1tX-00", "203.0.113.5",
		  0, "mx.example.org" },
		{ "from [203.0.113.5] (helo=192.0.2.60) by mx.example.org "
		  "with esmtp (Exim 4.96)", "203.0.113.5", 0, NULL },
		{ "from host.customer.example ([203.0.113.5]:4444 "
		  "helo=[192.0.2.60]) by mx.example.org with esmtps (TLS1.3) "
		  "tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from "
		  "<a@b.example>) id 1tX for c@d.example", "203.0.113.5", 0,
		  "mx.example.org" },
		{ "from host.customer.example ([203.0.113.5] "
		  "helo=relay.example.net) by mx with esmtp (Exim 4.96)",
		  "203.0.113.5", 0, NULL },
		{ "from [2001:db8::5] (port=587 helo=[IPv6:2001:db8::60]) by mx "
		  "with esmtpsa (Exim 4.96)", "2001:db8::5", 0, NULL },
		/* Exim, a comment of its own per item, and $sender_fullhost. */
		{ "from host.customer.example ([203.0.113.5]) "
		  "(helo=[192.0.2.60]) by mx with esmtp (Exim 4.96)",
		  "203.0.113.5", 0, NULL },
		{ "from ([192.0.2.60]) [203.0.113.5] by mx with esmtp "
		  "(Exim 4.96)", "203.0.113.5", 0, NULL },
		{ "from host.customer.example ([192.0.2.60]) [203.0.113.5]:25 "
		  "by mx with esmtp (Exim 4.96)", "203.0.113.5", 0, NULL },
		/* Exim accepting junk HELO: the address still comes first. */
		{ "from [203.0.113.5] (port=1 helo=x) ([192.0.2.60]) by mx "
		  "with esmtp (Exim 4.96)", "203.0.113.5", 0, NULL },
		{ "from [203.0.113.5] (port=1 helo=x) (relay [192.0.2.60] by "
		  "mx with esmtp (Exim 4.96)", "203.0.113.5", 0, NULL },
		/* Exim with a received_header_text in Postfix's shape. */
		{ "from relay.example.net (host.customer.example "
		  "[203.0.113.5]) by mx with esmtp (Exim 4.96)", "203.0.113.5",
		  0, NULL },
		{ "from [192.0.2.60] (unknown [203.0.113.5]) by mx with esmtp "
		  "(Exim 4.96)", "203.0.113.5", 0, NULL },
		/* Exim, local submission: a HELO and no address. */
		{ "from alice (helo=[192.0.2.60]) by mx with local-esmtp "
		  "(Exim 4.96)", "", 0, NULL },
		/* Exim's shape in a by clause that does not name it. */
		{ "from [203.0.113.5] (port=4444 helo=[192.0.2.60]) by mx "
		  "with esmtp", "203.0.113.5", 0, NULL },

		/* qmail: rDNS or "unknown", HELO, then the address. */
		{ "from unknown (HELO [192.0.2.60]) (203.0.113.5) by "
		  "mx.example.org with SMTP", "203.0.113.5", 0,
		  "mx.example.org" },
		{ "from host.customer.example (HELO 192.0.2.60) (203.0.113.5) "
		  "by mx with SMTP", "203.0.113.5", 0, NULL },
		{ "from unknown (HELO ?192.0.2.60?) (203.0.113.5) by mx with "
		  "SMTP", "203.0.113.5", 0, NULL },
		{ "from unknown (HELO 192.0.2.60) (192.0.2.60@203.0.113.5) by "
		  "mx with SMTP", "203.0.113.5", 0, NULL },
		{ "from unknown (HELO relay.example.net) "
		  "(alice@example.com@203.0.113.5) by mx with ESMTPA",
		  "203.0.113.5", 0, NULL },
		{ "from unknown (HELO [192.0.2.60]) ([203.0.113.5]) by mx with "
		  "SMTP", "203.0.113.5", 0, NULL },
		{ "from unknown (HELO [IPv6:2001:db8::60]) (2001:db8::5) by mx "
		  "with SMTP", "2001:db8::5", 0, NULL },
		{ "from 192.0.2.60 (EHLO relay.example.net) (203.0.113.5) by "
		  "mta.example.com with SMTP", "203.0.113.5", 0, NULL },
		{ "from 203.0.113.5 by mx.example.org (envelope-from <a@b>, "
		  "uid 89) with qmail-scanner-2.11", "203.0.113.5", 0,
		  "mx.example.org" },

		/* Postfix: HELO first, "rdns [addr]" or "unknown [addr]". */
		{ "from relay.example.net (unknown [203.0.113.5]) by "
		  "mx.example.org (Postfix) with ESMTP id 4Ab", "203.0.113.5",
		  0, "mx.example.org" },
		{ "from [192.0.2.60] (host.customer.example [203.0.113.5]) "
		  "by mx (Postfix) with ESMTP id 4Ab", "203.0.113.5", 0, NULL },
		{ "from [192.0.2.60] (unknown [203.0.113.5]) (using TLSv1.3 "
		  "with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) "
		  "key-exchange X25519) (No client certificate requested) by "
		  "mx (Postfix) with ESMTPS id 4A for <v@example.org>",
		  "203.0.113.5", 0, "mx" },
		{ "from [IPv6:2001:db8::60] (unknown [IPv6:2001:db8::5]) by mx "
		  "(Postfix) with ESMTP", "2001:db8::5", 0, NULL },
		{ "from [192.0.2.60] (unknown [203.0.113.5]) (Authenticated "
		  "sender: [192.0.2.60]) by mx (Postfix) with ESMTPSA",
		  "203.0.113.5", 0, NULL },
		/* Postfix keeps HELO text with spaces, parentheses, "by". */
		{ "from x (relay.example.net [192.0.2.60]) (unknown "
		  "[203.0.113.5]) by mx (Postfix) with ESMTP id 1",
		  "203.0.113.5", 0, "mx" },
		{ "from x by relay.example.net (Postfix) (unknown "
		  "[203.0.113.5]) by mx.example.org (Postfix) with ESMTP id 1 "
		  "for <v@example.org>", "203.0.113.5", 0, "mx.example.org" },
		{ "from x ([192.0.2.60]) ( (unknown [203.0.113.5]) by mx "
		  "(Postfix) with ESMTP", "203.0.113.5", 0, "mx" },
		{ "from a;b (unknown [203.0.113.5]) by mx (Postfix) with ESMTP "
		  "id 1; Mon, 1 Jan 2024 10:00:00 +0000", "203.0.113.5", 0,
		  "mx" },
		{ "from relay.example.net (unknown [203.0.113.5]) by mx "
		  "(Postfix) with ESMTP id 1 for <\"x by relay.example.net\""
		  "@example.org>", "203.0.113.5", 0, "mx" },

		/* Sendmail: HELO, then "(rdns [addr])" or "([addr])". */
		{ "from [192.0.2.60] (host.customer.example [203.0.113.5]) by "
		  "mx.example.org (8.17.1/8.17.1) with ESMTP id 1",
		  "203.0.113.5", 0, "mx.example.org" },
		{ "from [192.0.2.60] ([203.0.113.5]) by mx (8.17.1/8.17.1) "
		  "with ESMTP id 1", "203.0.113.5", 0, NULL },
		{ "from relay.example.net (host.customer.example [203.0.113.5] "
		  "(may be forged)) by mx (8.17.1/8.17.1) with ESMTP",
		  "203.0.113.5", 0, NULL },
		{ "from relay.example.net (alice@host.customer.example "
		  "[203.0.113.5]) by mx (8.15.2/8.15.2) with SMTP",
		  "203.0.113.5", 0, NULL },
		{ "from relay.example.net (host [203.0.113.5]) (authenticated "
		  "bits=0) by mx (8.17.1/8.17.1) with ESMTPSA", "203.0.113.5",
		  0, NULL },
		{ "from relay.example.net (host [IPv6:2001:db8::5]) by mx "
		  "(8.17.1/8.17.1) with ESMTP", "2001:db8::5", 0, NULL },

		/* Exchange and Microsoft 365: "HELO (addr)". */
		{ "from [192.0.2.60] (203.0.113.5) by "
		  "BN1NAM02FT012.mail.protection.outlook.com (10.13.2.77) with "
		  "Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_"
		  "WITH_AES_256_GCM_SHA384) id 15.20.1 via Frontend Transport",
		  "203.0.113.5", 0, "BN1NAM02FT012.mail.protection.outlook.com" },
		{ "from relay.example.net (203.0.113.5) by EX01.corp.example "
		  "(10.1.1.1) with Microsoft SMTP Server id 15.1.2",
		  "203.0.113.5", 0, NULL },
		{ "from relay.example.net (2001:db8::5) by "
		  "BN6PR12MB5678.namprd12.prod.outlook.com (2603:10b6:405:4b::11)"
		  " with Microsoft SMTP Server", "2001:db8::5", 0, NULL },
		{ "from relay.example.net ([203.0.113.5]) by exch.corp.example "
		  "with Microsoft SMTPSVC(6.0.3790.4675)", "203.0.113.5", 0,
		  NULL },

		/* Gmail: "(rdns. [addr])", or "([addr])" without rDNS. */
		{ "from [192.0.2.60] (host.customer.example. [203.0.113.5]) by "
		  "mx.google.com with ESMTPS id x for <a@b.example> "
		  "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)",
		  "203.0.113.5", 0, "mx.google.com" },
		{ "from relay.example.net ([203.0.113.5]) by smtp.gmail.com "
		  "with ESMTPSA id x", "203.0.113.5", 0, NULL },
		{ "from relay.example.net (mail.customer.example. [2001:db8::5]) "
		  "by mx.google.com with ESMTPS id x", "2001:db8::5", 0, NULL },

		/* CommuniGate: the address first, the HELO in a comment. */
		{ "from [203.0.113.5] (HELO [192.0.2.60]) by mx.example.org "
		  "(CommuniGate Pro SMTP 6.3.5) with ESMTPS id 1", "203.0.113.5",
		  0, "mx.example.org" },
		{ "from [203.0.113.5] (HELO relay.example.net) by mx with ESMTP",
		  "203.0.113.5", 0, NULL },

		/* No recorded place: no address, and the hop is unsure. */
		{ "from [192.0.2.60] by mx.example.org with SMTP id 1", "", 1,
		  NULL },
		{ "from 192.0.2.60 by mx.example.org with SMTP", "", 1, NULL },
		{ "from relay.example.net (x [192.0.2.60]) [203.0.113.5] by mx "
		  "with SMTP", "", 1, NULL },
		{ "from relay.example.net (HELO [192.0.2.60]) by mx with SMTP",
		  "", 0, NULL },
		{ "from root by filter.example.org with local", "", 0, NULL },
	};
	struct received r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = received_parse(t[i].in, strlen(t[i].in), &r);

		ok(rc == 0 && strcmp(r.from_ip, t[i].from_ip) == 0 &&
		    r.from_unsure == t[i].unsure && (t[i].by_host == NULL ||
		    strcmp(r.by_host, t[i].by_host) == 0),
		    "'%s': sender '%s'%s (got '%s'%s, by '%s')", t[i].in,
		    t[i].from_ip, t[i].unsure ? " unsure" : "", r.from_ip,
		    r.from_unsure ? " unsure" : "", r.by_host);
	}
}

static void
headers(void)
{
	char *s;

	const char *enc = "=?utf-8?B?w6k=?= and =?iso-8859-1?Q?caf=E9?=";


	s = decode_header(enc, strlen(enc), 998);
	is(s, "é and café", "RFC 2047 B and Q words");
	free(s);
	s = decode_header("caf\xe9", 4, 998);
	is(s, "café", "undeclared 8-bit read as Windows-1252");
	free(s);
	s = decode_header("a\tb\x01" "c", 5, 998);
	is(s, "a b c", "control characters become spaces");
	free(s);
	enc = "=?iso-8859-1?Q?a=9B31m?= =?utf-8?Q?b=E2=80=AEc?=";
	s = decode_header(enc, strlen(enc), 998);
	is(s, "a 31mb c", "C1 and bidirectional overrides become spaces");
	free(s);
	s = decode_header("x\xc2\x9by\xe2\x81\xa7z", 9, 998);
	is(s, "x y z", "... also in raw UTF-8");
	free(s);
	s = decode_header("\xc3\xa9\xc3\xa9\xc3\xa9", 6, 3);
	is(s, "é", "cut at a character boundary");
	free(s);
	s = addr_spec("\"Spam Er\" <spam@example.net>", 28);
	is(s, "spam@example.net", "address from display form");
	free(s);
	s = addr_spec("<3da9a55bf56d9f@example.com>", 28);
	is(s, "3da9a55bf56d9f@example.com", "address in brackets");
	free(s);
	/* RFC 5321 quoted local parts, whole and with their quotes. */
	{
		static const struct { const char *in, *want, *name; } q[] = {
			{ "<\"=HYPERLINK(\\\"http://x.example/\\\")\"@example.com>",
			  "\"=HYPERLINK(\\\"http://x.example/\\\")\"@example.com",
			  "quoted local part with escaped quotes" },
			{ "<\"john smith\"@example.com>",
			  "\"john smith\"@example.com",
			  "quoted local part with a space" },
			{ "<\"a>b\"@example.com>", "\"a>b\"@example.com",
			  "quoted local part with an angle bracket" },
			{ "\"Spam, Er\" <\"x,y\"@example.net>",
			  "\"x,y\"@example.net",
			  "quoted display name and local part" },
		};
		size_t k;

		for (k = 0; k < sizeof(q) / sizeof(q[0]); k++) {
			s = addr_spec(q[k].in, strlen(q[k].in));
			is(s, q[k].want, "%s", q[k].name);
			free(s);
		}
	}
	s = msgid_strip(" <abc@def> ", 11);
	is(s, "abc@def", "message-id without brackets");
	free(s);
	s = msgid_strip("abc@def", 7);
	is(s, "abc@def", "message-id written without brackets");
	free(s);
	s = decode_header_cs("\xd1\xea\xe8\xe4\xea\xe8", 6, "windows-1251",
	    998);
	is(s, "Скидки", "undeclared 8-bit read in the declared charset");
	free(s);
	s = decode_header_cs("caf\xc3\xa9", 5, "windows-1251", 998);
	is(s, "café", "valid UTF-8 stays UTF-8 whatever is declared");
	free(s);
	enc = "=?KOI8-R?B?8NLJ18XU?=";
	s = decode_header(enc, strlen(enc), 998);
	is(s, "Привет", "legacy charset in an encoded word");
	free(s);
	enc = "=?utf-8?q?broken_=C3?= tail";
	s = decode_header(enc, strlen(enc), 998);
	ok(s != NULL && utf8_valid(s, strlen(s)),
	    "a broken encoded word still gives valid UTF-8 ('%s')", s);
	free(s);
	s = decode_header("plain ascii", 11, 998);
	is(s, "plain ascii", "ASCII passes unchanged");
	free(s);
}

static void
find_ip(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "complaint about message from 192.0.2.170", "192.0.2.170" },
		{ "received from IP 10.10.10.10 on Tue", "10.10.10.10" },
		{ "abuse report about 2001:db8::99.", "2001:db8::99" },
		{ "Email Feedback Report for IP 192.0.2.", NULL },
		{ "version 1.2.3 and deadbeef", NULL },
		{ "host a192.0.2.1", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[IP_STRLEN];
		int r = ip_find(t[i].in, strlen(t[i].in), out);

		is(r ? out : NULL, t[i].want, "ip_find '%s'", t[i].in);
	}
}

int
main(void)
{
	dates();
	ips();
	received();
	received_helo();
	headers();
	find_ip();
	return tap_done();
}
