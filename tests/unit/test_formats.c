/*
 * formats/: the helpers every parser uses, and which format wins when a
 * message carries the marks of several (the golden corpus checks what
 * each parser extracts).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "tap.h"

/* The reporter is a domain or an address, never a fragment. */
static void
labels(void)
{
	static const struct {
		const char	*in;
		int		 domain_only;
		const char	*want;	/* NULL: no reporter */
	} t[] = {
		{ "MAILER-DAEMON <>", 0, NULL },
		{ "MAILER-DAEMON", 0, NULL },
		{ "<>", 0, NULL },
		{ "postmaster", 0, NULL },
		{ "Mail Delivery System <MAILER-DAEMON@Host.Example.ORG>", 0,
		    "mailer-daemon@host.example.org" },
		{ "Alice <alice@mailbox.example>", 0, "alice@mailbox.example" },
		{ "Alice <alice@mailbox.example>", 1, "mailbox.example" },
		{ "fbl.example.net", 1, "fbl.example.net" },
		{ "abuse@localhost", 0, NULL },
		{ "x@-bad.example", 0, NULL },
		{ "x@bad-.example", 0, NULL },
		{ "x@bad..example", 0, NULL },
		{ "x@under_score.example", 0, NULL },
		{ "\"a b\"@quoted.example", 0, "quoted.example" },
		{ "<@>", 0, NULL },
		{ "user@b\xc3\xbc" "cher.example", 0,
		    "user@b\xc3\xbc" "cher.example" },
		{ "", 0, NULL },
	};
	char *s;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = reporter_label(t[i].in, t[i].domain_only);
		is(s, t[i].want, "reporter of '%s'%s", t[i].in,
		    t[i].domain_only ? " (domain)" : "");
		free(s);
	}
}

static void
helpers(void)
{
	static const struct {
		const char	*in, *want;
	} words[] = {
		{ "Fake bank phishing mail", "phishing" },
		{ "SPOOFED sender", "phishing" },
		{ "Fraud attempt", "fraud" },
		{ "malware-attack", "virus" },
		{ "a trojan attached", "virus" },
		{ "unsolicited offers", "spam" },
		{ "login-attack", NULL },
		{ "hello", NULL },
	};
	struct hdrs h;
	struct hdr v[] = {
		{ "X-Filter-ID", "x" },
		{ "X-Spam-Experts-Outgoing-Class", "no: brand has a dash" },
		{ "X-AcmeShield-Outgoing-Class", "unsure" },
	};
	char brand[16], ip[IP_STRLEN];
	const char *prose = "Sender Domain: example.net\n"
	    "  Sender IP Address: 203.0.113.68\n"
	    "  Received date: Wed, 03 Apr 2024 23:16:09 +0200.\n";
	time_t t = 0;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		is(category_for_words(words[i].in, strlen(words[i].in)),
		    words[i].want, "category of '%s'", words[i].in);
	is(category_for_feedback("Abuse"), "spam", "abuse is spam");
	is(category_for_feedback("auth-failure"), "auth-failure",
	    "auth-failure");
	is(category_for_feedback("opt-out"), "other", "opt-out is other");
	h.v = v;
	h.n = sizeof(v) / sizeof(v[0]);
	is(branded_header(&h, "Outgoing-Class", brand, sizeof(brand)),
	    "unsure", "X-<Brand>-Outgoing-Class, brand of letters only");
	is(brand, "AcmeShield", "the brand");
	ok(text_ip_after(prose, strlen(prose), "Sender IP Address:", ip) &&
	    strcmp(ip, "203.0.113.68") == 0, "address after a label");
	ok(text_date_after(prose, strlen(prose), "Received date:", &t) &&
	    t == 1712178969, "date after a label, full stop ignored");
	ok(!text_ip_after(prose, strlen(prose), "Nothing:", ip),
	    "absent label");
	s = text_line_after(prose, strlen(prose), "Sender Domain:");
	is(s, "example.net", "rest of the line");
	free(s);
	s = addr_domain("Someone <Someone@Example.NET>");
	is(s, "example.net", "domain of an address, lower case");
	free(s);
	labels();
}

/* Which format a message is taken for: the highest score wins. */
static void
precedence(void)
{
	static const char fb[] =
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=b\n\n--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: %s\nUser-Agent: %s\nSource-IP: 192.0.2.1\n--b--\n";
	static const struct {
		const char	*head;
		const char	*ftype, *ua;	/* NULL: no feedback part */
		const char	*format;
		enum msg_status	 status;
	} t[] = {
		{ "From: fbl@isp.example\n", "abuse", "ISP/1", "arf",
		    MSG_PARSED },
		{ "From: fbl@isp.example\n", "auth-failure", "Lua/1.0",
		    "dmarc", MSG_PARSED },
		{ "From: fbl@isp.example\n", "abuse", "SpamExperts/1",
		    "spamexperts", MSG_PARSED },
		{ "From: staff@hotmail.com\n", "abuse", "JMRP/1.0", "jmrp",
		    MSG_PARSED },
		/* SpamCop in ARF mode says X-ARF: YES too. */
		{ "From: 1@reports.spamcop.net\nX-ARF: YES\n", "abuse",
		    "Mozilla", "spamcop", MSG_PARSED },
		{ "From: x@xarf.example\n", "xarf", "xarf/4", "xarf",
		    MSG_QUARANTINED },
		/* The sender's domain in any case, with the blanks the
		 * address parser drops. */
		{ "From: 1@REPORTS.SpamCop.NET\n", NULL, NULL, "spamcop",
		    MSG_PARSED },
		{ "From: 1@reports.spam cop.net\n", NULL, NULL, "spamcop",
		    MSG_PARSED },
		{ "From: 1@reports.spamcop.net.example\n", NULL, NULL,
		    "unknown", MSG_QUARANTINED },
		/* JMRP without a feedback part: the subject and the sender. */
		{ "From: staff@hotmail.com\nSubject: complaint about message "
		    "from 192.0.2.1\n", NULL, NULL, "jmrp", MSG_PARSED },
		{ "From: staff@example.com\nSubject: complaint about message "
		    "from 192.0.2.1\n", NULL, NULL, "complaint", MSG_PARSED },
		/* DMARC reports are auto-replied; they stay DMARC. */
		{ "From: x@isp.example\nAuto-Submitted: auto-replied\n"
		    "Subject: DMARC Forensic Report for example.net\n", NULL,
		    NULL, "dmarc", MSG_PARSED },
		{ "From: x@isp.example\nAuto-Submitted: auto-replied\n"
		    "Subject: spam complaint received\n", NULL, NULL,
		    "auto-reply", MSG_IGNORED },
		{ "From: x@isp.example\nSubject: unsubscribe\n", NULL, NULL,
		    "newsletter", MSG_IGNORED },
		{ "From: news@isp.example\nList-Id: <a.b>\nList-Unsubscribe: "
		    "<mailto:u@b>\nSubject: spam and phishing news\n", NULL,
		    NULL, "newsletter", MSG_IGNORED },
		{ "From: person@isp.example\nSubject: spam from your "
		    "network\n", NULL, NULL, "complaint", MSG_PARSED },
		{ "From: person@isp.example\nSubject: lunch?\n", NULL, NULL,
		    "unknown", MSG_QUARANTINED },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct parse_opts o;
		struct report r;
		char *raw;

		if (t[i].ftype != NULL) {
			char *body = xasprintf(fb, t[i].ftype, t[i].ua);

			raw = xasprintf("%s%s", t[i].head, body);
			free(body);
		} else {
			raw = xasprintf("%s\nSome text.\n", t[i].head);
		}
		memset(&o, 0, sizeof(o));
		report_init(&r);
		message_parse(raw, strlen(raw), &o, &r);
		ok(strcmp(r.format, t[i].format) == 0 &&
		    r.status == t[i].status, "%zu: %s (got %s, %s%s%s)", i,
		    t[i].format, r.format, status_name(r.status),
		    r.reason ? ": " : "", r.reason ? r.reason : "");
		report_release(&r);
		free(raw);
	}
}

/* A delivery status notification wins over the report it returns. */
static void
bounce(void)
{
	static const char raw[] =
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=d\n\n--d\nContent-Type: message/delivery-status\n\n"
	    "Action: failed\n--d\nContent-Type: message/rfc822\n\n"
	    "Received: from root by f with local-spamexperts-generated\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=i\n\n--i\nContent-Type: message/feedback-report\n\n"
	    "User-Agent: SpamExperts/1\nFeedback-Type: abuse\n--i--\n--d--\n";
	struct parse_opts o;
	struct report r;

	memset(&o, 0, sizeof(o));
	report_init(&r);
	message_parse(raw, strlen(raw), &o, &r);
	ok(strcmp(r.format, "dsn") == 0 && r.status == MSG_IGNORED,
	    "a bounced notification is a bounce (%s)", r.format);
	report_release(&r);
}

static void
table(void)
{
	const struct format *f;
	size_t i;

	for (i = 0; (f = format_get(i)) != NULL; i++)
		ok(f->name != NULL && f->match != NULL && f->parse != NULL &&
		    f->most >= 0 && f->most <= 100,
		    "table entry %zu (%s) is complete", i, f->name);
	ok(format_find("spamexperts") == &format_spamexperts,
	    "found by name");
	ok(format_find("nosuch") == NULL, "unknown name");
}

int
main(void)
{
	helpers();
	precedence();
	bounce();
	table();
	return tap_done();
}
