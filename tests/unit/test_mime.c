/* mime.c: the message tree, decoding, every limit, embedded messages. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "mime.h"
#include "tap.h"
#include "util.h"

/* Build head + n times unit (a format taking i twice) + tail into out. */
#define REPEAT(out, head, unit, n, tail) do {				\
	struct buf b_;							\
	size_t i_;							\
									\
	buf_init(&b_, 64u * 1024 * 1024);				\
	(void)buf_addstr(&b_, head);					\
	for (i_ = 0; i_ < (n); i_++)					\
		(void)buf_addf(&b_, unit, i_, i_);			\
	(void)buf_addstr(&b_, tail);					\
	(out) = buf_detach(&b_, NULL);					\
	buf_release(&b_);						\
} while (0)

static const char multi[] =
    "From: a@example.net\n"
    "Subject: =?utf-8?Q?caf=C3=A9?=\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=Feedback-Report;\n"
    "\tboundary=\"XX\"\n"
    "\n"
    "preamble\n"
    "--XX\n"
    "Content-Type: text/plain; charset=ISO-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "caf=E9 =\n"
    "soft\n"
    "--XX\n"
    "Content-Type: message/feedback-report; name=\"ATT00001\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "RmVlZGJhY2stVHlwZTogYWJ1c2UNCg==\n"
    "--XX\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Received: from h ([192.0.2.1]) by mx\n"
    "Subject: inner\n"
    "\n"
    "inner body\n"
    "--XX--\n";

static void
tree(void)
{
	struct limits lim;
	struct msg m;
	struct err e;
	struct part *p, *q;

	limits_default(&lim);
	ok(mime_parse(&m, multi, strlen(multi), &lim, &e) == RC_OK,
	    "a multipart report parses");
	p = m.root;
	ok(p->is_message && p->depth == 0, "the root is a message node");
	is(p->type, "multipart/report", "root type");
	is(p->report_type, "feedback-report", "report-type, lower case");
	is(hdr_get(&p->hdrs, "subject"), "=?utf-8?Q?caf=C3=A9?=",
	    "header lookup ignores case, values stay encoded");
	q = p->child;
	ok(q != NULL && strcmp(q->type, "text/plain") == 0,
	    "first part text/plain");
	is(q ? q->charset : NULL, "iso-8859-1", "charset, lower case");
	ok(q && q->body_len == 9 && memcmp(q->body, "caf\xe9 soft", 9) == 0,
	    "quoted-printable removed, soft break joined");
	q = q ? q->next : NULL;
	ok(q && strcmp(q->type, "message/feedback-report") == 0,
	    "second part the feedback report");
	is(q ? q->filename : NULL, "ATT00001", "name= parameter");
	ok(q && q->body_len == 22 &&
	    memcmp(q->body, "Feedback-Type: abuse\r\n", 22) == 0,
	    "base64 removed");
	q = q ? q->next : NULL;
	ok(q && strcmp(q->type, "message/rfc822") == 0 && q->child &&
	    q->child->is_message, "message/rfc822 holds a message node");
	is(q && q->child ? hdr_get(&q->child->hdrs, "Subject") : NULL,
	    "inner", "the inner header block");
	ok(q && q->child && q->child->depth == 2, "inner message at depth 2");
	is(part_find(m.root, "message/feedback-report") ?
	    part_find(m.root, "message/feedback-report")->filename : NULL,
	    "ATT00001", "part_find finds the feedback part");
	ok(m.nparts == 5, "five nodes (%zu)", m.nparts);
	msg_release(&m);
}

static void
line_ends(void)
{
	static const char mac[] = "From: a@example.net\rSubject: mac\r\rbody\r";
	static const char crlf[] = "From: a@example.net\r\nSubject: dos\r\n\r\nb";
	static const char mbox[] = "From a@example.net Mon Jan  1 00:00:00 2024\n"
	    "Subject: mbox\n\nbody\n";
	static const char quoted[] = ">From a@example.net Mon Jan  1 2024\n"
	    "Subject: quoted\n\nbody\n";
	static const char nul[] = "From: a@example.net\nSubject: a\0b\n\nc";
	/* CRLF stored, served with each LF made CRLF again. */
	static const char crcrlf[] = "From: a@example.net\r\r\nSubject: "
	    "twice\r\r\nTo: b@example.net\r\r\n\r\r\nline 1\r\r\nline 2\r\r\n";
	static const char mixed[] = "From: a@example.net\r\r\r\nSubject: "
	    "m\r\nX-A: 1\nX-B: 2\rX-C: 3\r\n\r\nb\r\r";
	char crs[4096];
	struct limits lim;
	struct msg m;
	struct err e;

	limits_default(&lim);
	ok(mime_parse(&m, mac, strlen(mac), &lim, &e) == RC_OK &&
	    hdr_get(&m.root->hdrs, "Subject") &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "mac") == 0,
	    "bare CR line ends");
	msg_release(&m);
	ok(mime_parse(&m, crlf, strlen(crlf), &lim, &e) == RC_OK &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "dos") == 0,
	    "CRLF line ends, CR not kept in values");
	msg_release(&m);
	ok(mime_parse(&m, mbox, strlen(mbox), &lim, &e) == RC_OK &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "mbox") == 0 &&
	    m.root->hdrs.n == 1, "mbox From line skipped");
	msg_release(&m);
	ok(mime_parse(&m, quoted, strlen(quoted), &lim, &e) == RC_OK &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "quoted") == 0,
	    "escaped >From line skipped");
	msg_release(&m);
	ok(mime_parse(&m, nul, sizeof(nul) - 1, &lim, &e) == RC_OK &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "a b") == 0,
	    "a NUL byte does not cut the field");
	msg_release(&m);
	ok(mime_parse(&m, crcrlf, strlen(crcrlf), &lim, &e) == RC_OK &&
	    m.root->hdrs.n == 3 &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "twice") == 0 &&
	    strcmp(hdr_get(&m.root->hdrs, "To"), "b@example.net") == 0,
	    "CR CR LF line ends are one line end each");
	ok(m.root != NULL && m.root->body_len == 16 &&
	    memcmp(m.root->body, "line 1\r\nline 2\r\n", 16) == 0,
	    "... in the body too, as CRLF");
	ok(m.raw == crcrlf && m.len == strlen(crcrlf),
	    "the raw bytes stay as given");
	msg_release(&m);
	ok(mime_parse(&m, mixed, strlen(mixed), &lim, &e) == RC_OK &&
	    m.root->hdrs.n == 5 &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "m") == 0 &&
	    strcmp(hdr_get(&m.root->hdrs, "X-B"), "2") == 0 &&
	    strcmp(hdr_get(&m.root->hdrs, "X-C"), "3") == 0,
	    "CR CR CR LF, CRLF, LF and bare CR mixed");
	msg_release(&m);
	/* A long run of bare CRs: each a line end, in linear time. */
	memcpy(crs, "From: a@example.net\nSubject: s\n", 32);
	memset(crs + 32, '\r', sizeof(crs) - 33);
	crs[sizeof(crs) - 1] = 'x';
	ok(mime_parse(&m, crs, sizeof(crs), &lim, &e) == RC_OK &&
	    strcmp(hdr_get(&m.root->hdrs, "Subject"), "s") == 0,
	    "bare CRs are line ends");
	msg_release(&m);
	ok(mime_parse(&m, "just text\n", 10, &lim, &e) == RC_REJECT &&
	    strcmp(e.msg, "no header block") == 0, "text is not a message");
	ok(mime_parse(&m, "", 0, &lim, &e) == RC_REJECT, "empty input");
}

static void
split(void)
{
	static const char fb[] = "Feedback-Type: abuse \n"
	    "Reported-URI: \n"
	    "http://example.org/x\n"
	    "source-ip: 192.0.2.1\n"
	    "Original-Rcpt-To: a@x\n"
	    "Original-Rcpt-To: b@x\n"
	    "\n"
	    "Not: a field\n";
	struct limits lim;
	struct msg m;
	struct err e;
	struct hdrs h;
	size_t used;

	limits_default(&lim);
	(void)mime_parse(&m, multi, strlen(multi), &lim, &e);
	used = mime_split_headers(&m, fb, strlen(fb), &h);
	ok(used == strlen(fb) - strlen("Not: a field\n"),
	    "stops after the empty line");
	is(hdr_get(&h, "Feedback-Type"), "abuse", "trailing space trimmed");
	is(hdr_get(&h, "Reported-URI"), "http://example.org/x",
	    "a line without colon continues the field before");
	is(hdr_get(&h, "Source-IP"), "192.0.2.1", "any case");
	is(hdr_get_nth(&h, "original-rcpt-to", 1), "b@x", "second of two");
	ok(hdr_count(&h, "Original-Rcpt-To") == 2, "both kept");
	ok(hdr_get(&h, "Not") == NULL, "nothing after the block");
	msg_release(&m);
}

/* Each limit: a message just over it is refused, naming the key. */
static void
limits(void)
{
	struct limits lim;
	struct msg m;
	struct err e;
	char *s;

	limits_default(&lim);
	lim.message_size = 100;
	REPEAT(s, "From: a@example.net\n\n", "%zu%zu", 60, "");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_message_size") != NULL,
	    "message size: %s", e.msg);
	free(s);

	limits_default(&lim);
	lim.headers = 10;
	REPEAT(s, "From: a@example.net\n", "X-%zu: %zu\n", 10, "\nbody\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_headers") != NULL, "header count: %s", e.msg);
	free(s);
	REPEAT(s, "From: a@example.net\n", "X-%zu: %zu\n", 9, "\nbody\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_OK,
	    "header count at the limit is fine");
	msg_release(&m);
	free(s);

	limits_default(&lim);
	lim.header_len = 1024;
	REPEAT(s, "From: a@example.net\nX-Long: ", "%zu%zu", 600, "\n\nb\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_header_length") != NULL,
	    "header length: %s", e.msg);
	free(s);

	limits_default(&lim);
	lim.mime_parts = 20;
	REPEAT(s, "From: a@example.net\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n", "--b\nContent-Type: text/plain\n\n%zu%zu\n", 30,
	    "--b--\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_mime_parts") != NULL, "part count: %s", e.msg);
	free(s);

	limits_default(&lim);
	lim.decoded_size = 1024;
	REPEAT(s, "From: a@example.net\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n", "--b\nX-Part: %zu%zu\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFB\n", 30, "--b--\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_decoded_size") != NULL,
	    "decoded size: %s", e.msg);
	free(s);

	{
		struct buf b;
		int i;

		buf_init(&b, 4096);
		(void)buf_addstr(&b, "From: ");
		for (i = 0; i < 300; i++)
			(void)buf_addch(&b, '(');
		(void)buf_addstr(&b, "a@example.net\n\nb\n");
		s = buf_detach(&b, NULL);
		buf_release(&b);
	}
	limits_default(&lim);
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "comments") != NULL, "comment nesting: %s", e.msg);
	free(s);
}

/* Nesting: refused before libetpan when too deep, accepted when wide. */
static void
depth(void)
{
	struct limits lim;
	struct msg m;
	struct err e;
	char *s, *t;

	limits_default(&lim);
	lim.mime_depth = 4;
	{
		struct buf b;
		int i;

		buf_init(&b, 1 << 20);
		(void)buf_addstr(&b, "From: a@example.net\n");
		for (i = 0; i < 8; i++)
			(void)buf_addf(&b, "Content-Type: multipart/mixed; "
			    "boundary=\"b%d\"\n\n--b%d\n", i, i);
		(void)buf_addstr(&b, "Content-Type: text/plain\n\nx\n");
		for (i = 7; i >= 0; i--)
			(void)buf_addf(&b, "--b%d--\n", i);
		s = buf_detach(&b, NULL);
		buf_release(&b);
	}
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_mime_depth") != NULL,
	    "8 nested multiparts over a depth of 4: %s", e.msg);
	free(s);
	REPEAT(s, "From: a@example.net\n", "Content-Type: message/rfc822\n\n"
	    "Subject: %zu%zu\n", 8, "\nx\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_mime_depth") != NULL,
	    "8 nested messages over a depth of 4: %s", e.msg);
	free(s);
	/* Forty sibling parts, each a multipart with one part: two levels
	 * only, though forty multipart fields appear in the text. */
	REPEAT(s, "From: a@example.net\nContent-Type: multipart/mixed; "
	    "boundary=outer\n\n", "--outer\nContent-Type: multipart/"
	    "alternative; boundary=\"in%zu\"\n\n--in%zu\nContent-Type: "
	    "text/plain\n\nx\n\n", 40, "--outer--\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_OK,
	    "wide but shallow is accepted (%s)", e.msg);
	ok(e.rc == RC_OK && m.nparts == 81, "all 81 nodes (%zu)", m.nparts);
	if (e.rc == RC_OK)
		msg_release(&m);
	free(s);
	/* A nesting bomb inside encoded parts is decoded level by level,
	 * each level checked.  Quoted-printable: '=' becomes "=3D". */
	s = xstrdup("From: a@example.net\nSubject: core\n\nx\n");
	for (int i = 0; i < 6; i++) {
		struct buf b;
		const char *c;

		buf_init(&b, 1 << 20);
		(void)buf_addstr(&b, "From: a@example.net\nContent-Type: "
		    "message/rfc822\nContent-Transfer-Encoding: "
		    "quoted-printable\n\n");
		for (c = s; *c; c++)
			(void)(*c == '=' ? buf_addstr(&b, "=3D") :
			    buf_addch(&b, *c));
		t = buf_detach(&b, NULL);
		buf_release(&b);
		free(s);
		s = t;
	}
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_mime_depth") != NULL,
	    "encoded messages nested 6 deep over 4: %s", e.msg);
	lim.mime_depth = 16;
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_OK,
	    "the same within a depth of 16");
	if (e.rc == RC_OK) {
		struct part *p = NULL, *deepest = NULL;

		while ((p = part_walk(m.root, p)) != NULL)
			deepest = p;
		is(deepest ? hdr_get(&deepest->hdrs, "Subject") : NULL,
		    "core", "the innermost message is read");
		msg_release(&m);
	}
	free(s);
}

/*
 * Lines without a colon continue the field before; a field of many of
 * them is joined in time and memory linear in its length (eight fields
 * of 32,700 such lines once took gigabytes), and reads as before.
 */
static void
unfold(void)
{
	static const char mixed[] = "From: a@example.net\r\n"
	    "Subject: one\r\n"
	    "two  \r\n"
	    "\tthree\r\n"
	    "http://example.org/four\r\n"
	    "X-Skip\t:\r\n"
	    ":not a field\r\n"
	    "five\r\n"
	    "X-Next: six\r\n"
	    "\r\n"
	    "body\r\n";
	struct limits lim;
	struct msg m;
	struct err e;
	struct buf b;
	const char *v;
	char *s, name[32];
	size_t i, k, len, good = 0;

	limits_default(&lim);
	ok(mime_parse(&m, mixed, strlen(mixed), &lim, &e) == RC_OK,
	    "continuations of every kind");
	is(hdr_get(&m.root->hdrs, "Subject"),
	    "one two  \tthree http://example.org/four",
	    "joined with one space, indented lines as they stand");
	is(hdr_get(&m.root->hdrs, "X-Skip"), "five",
	    "a line that names no field is skipped");
	is(hdr_get(&m.root->hdrs, "X-Next"), "six", "the next field apart");
	msg_release(&m);

	buf_init(&b, 1u << 20);
	(void)buf_addstr(&b, "From: a@example.net\nSubject: folded\n");
	for (k = 0; k < 8; k++) {
		(void)buf_addf(&b, "X-Folded-%zu: start\n", k);
		for (i = 0; i < 32700; i++)
			(void)buf_addstr(&b, "x\n");
	}
	(void)buf_addstr(&b, "\nbody\n");
	s = buf_detach(&b, &len);
	buf_release(&b);
	ok(mime_parse(&m, s, len, &lim, &e) == RC_OK,
	    "8 fields of 32,700 lines (%zu bytes) parse within the memory "
	    "budget (%s)", len, e.msg);
	if (e.rc == RC_OK) {
		for (k = 0; k < 8; k++) {
			snprintf(name, sizeof(name), "X-Folded-%zu", k);
			v = hdr_get(&m.root->hdrs, name);
			good += v != NULL && strlen(v) == 5 + 2 * 32700 &&
			    strncmp(v, "start x x", 9) == 0;
		}
		ok(good == 8, "each field whole: 'start' and 32,700 ' x'");
		ok(m.mem_peak < 4 * len, "memory held %zu bytes, under 4 "
		    "times the size", m.mem_peak);
		msg_release(&m);
	} else {
		ok(0, "each field whole");
		ok(0, "memory held");
	}
	free(s);
}

/* The memory budget: what libetpan would build, and the arena. */
static void
budget(void)
{
	struct limits lim;
	struct msg m;
	struct err e;
	char *s;

	/* 300 parts of 900 tiny fields: within every count limit, but
	 * libetpan would allocate about a hundred times the size. */
	limits_default(&lim);
	{
		struct buf b;
		size_t i, j;

		buf_init(&b, 8u << 20);
		(void)buf_addstr(&b, "From: a@example.net\nContent-Type: "
		    "multipart/mixed; boundary=b\n\n");
		for (i = 0; i < 300; i++) {
			(void)buf_addstr(&b, "--b\n");
			for (j = 0; j < 900; j++)
				(void)buf_addstr(&b, "a:b\n");
			(void)buf_addstr(&b, "\nx\n");
		}
		(void)buf_addstr(&b, "--b--\n");
		s = buf_detach(&b, NULL);
		buf_release(&b);
	}
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "bytes of memory") != NULL &&
	    strstr(e.msg, "8 times its size plus 16 MiB") != NULL,
	    "tiny fields by the hundred thousand: %s", e.msg);
	free(s);

	/* The same leaf parts, too many of them, and too many fields in a
	 * part's header: refused by count before libetpan sees them. */
	REPEAT(s, "From: a@example.net\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n", "--b\n\n%zu%zu\n", 600, "--b--\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_mime_parts") != NULL,
	    "600 empty parts: %s", e.msg);
	free(s);
	REPEAT(s, "From: a@example.net\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\n", "X-%zu: %zu\n", 1001, "\nx\n--b--\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "max_headers") != NULL,
	    "1001 fields in a part's header: %s", e.msg);
	free(s);
	REPEAT(s, "From: a@example.net\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\n", "X-%zu: %zu\n", 1000, "\nx\n--b--\n");
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_OK,
	    "1000 are fine (%s)", e.msg);
	if (e.rc == RC_OK)
		msg_release(&m);
	free(s);

	/* Decoded parts fill the arena: a budget of one time the size
	 * plus 64 KiB holds a few of them, not forty. */
	limits_default(&lim);
	lim.mem_per_byte = 1;
	lim.mem_base = 64u * 1024;
	REPEAT(s, "From: a@example.net\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n", "--b\nX-Part: %zu%zu\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFB\n", 4000, "--b--\n");
	lim.mime_parts = 5000;
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_REJECT &&
	    strstr(e.msg, "bytes of memory") != NULL,
	    "a small budget: %s", e.msg);
	lim.mem_per_byte = PARSE_MEM_PER_BYTE;
	lim.mem_base = PARSE_MEM_BASE;
	ok(mime_parse(&m, s, strlen(s), &lim, &e) == RC_OK,
	    "the default budget holds them (%s)", e.msg);
	if (e.rc == RC_OK) {
		ok(m.mem_peak <= m.mem_budget, "peak %zu within the budget "
		    "%zu", m.mem_peak, m.mem_budget);
		msg_release(&m);
	} else {
		ok(0, "peak within the budget");
	}
	free(s);
}

/* A limit hit while a parser reads an embedded message sticks. */
static void
embedded(void)
{
	struct limits lim;
	struct msg m;
	struct err e;
	struct hdrs h;
	struct part *p;
	char *inner;

	limits_default(&lim);
	lim.headers = 20;
	ok(mime_parse(&m, multi, strlen(multi), &lim, &e) == RC_OK,
	    "outer message within limits");
	REPEAT(inner, "From: a@example.net\n", "X-%zu: %zu\n", 30, "\nb\n");
	p = mime_parse_embedded(&m, m.root, inner, strlen(inner));
	ok(p == NULL, "embedded message over the header limit: NULL");
	ok(m.err.rc == RC_REJECT && strstr(m.err.msg, "max_headers"),
	    "and the reason is kept: %s", m.err.msg);
	ok(mime_split_headers(&m, "A: b\n\n", 6, &h) == 0 && h.n == 0,
	    "after a limit hit nothing more is read");
	ok(mime_parse_embedded(&m, m.root, "A: b\n\nc", 7) == NULL,
	    "nor embedded");
	msg_release(&m);
	free(inner);

	limits_default(&lim);
	ok(mime_parse(&m, multi, strlen(multi), &lim, &e) == RC_OK,
	    "again with default limits");
	p = mime_parse_embedded(&m, m.root, "Subject: pasted\n\nbody\n", 22);
	ok(p != NULL && p->is_message && p->parent == m.root &&
	    strcmp(hdr_get(&p->hdrs, "Subject"), "pasted") == 0,
	    "an embedded message hangs below its parent");
	ok(m.err.rc == RC_OK, "no error recorded");
	ok(mime_base64(&m, "aGVsbG8=", 8, &(size_t){ 0 }) != NULL &&
	    strcmp(mime_base64(&m, "aGVsbG8=", 8, &(size_t){ 0 }), "hello") ==
	    0, "base64 into the arena");
	msg_release(&m);
}

int
main(void)
{
	tree();
	line_ends();
	split();
	unfold();
	limits();
	budget();
	depth();
	embedded();
	return tap_done();
}
