/* reporters: HTML escaping, backoff, idempotency keys, mail headers. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "email.h"
#include "json.h"
#include "outbox.h"
#include "store.h"
#include "summary.h"
#include "html.h"
#include "tap.h"
#include "text.h"
#include "util.h"

/* What f wrote, as a string the caller frees. */
static char *
capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	fn(f, arg);
	fclose(f);
	return data;
}

static void
esc(FILE *f, const void *arg)
{
	html_str(f, arg);
}

static void
escape(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "plain text", "plain text" },
		{ "<img src=x onerror=alert(1)>",
		    "&lt;img src=x onerror=alert(1)&gt;" },
		{ "<script>alert(\"x\")</script>",
		    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" },
		{ "\"><svg onload=alert(2)>", "&quot;&gt;&lt;svg onload=alert(2)&gt;" },
		{ "x' onmouseover='alert(3)", "x&#39; onmouseover=&#39;alert(3)" },
		{ "a & b &amp; c", "a &amp; b &amp;amp; c" },
		{ "tab\tnew\nline\x01\x7f", "tab new line  " },
		{ "R\xc3\xa9sum\xc3\xa9 \xe2\x80\x93 ok", "R\xc3\xa9sum\xc3\xa9 \xe2\x80\x93 ok" },
		{ "csi\xc2\x9b" "2J", "csi 2J" },
		{ "invoice\xe2\x80\xae" "fdp.exe", "invoice fdp.exe" },
		{ "\xe2\x81\xa6<b>\xe2\x81\xa9", " &lt;b&gt; " },
		{ "", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = capture(esc, t[i].in);

		is(got, t[i].want, "escape '%s'", t[i].in);
		free(got);
	}
}

struct cut {
	const char	*s;
	size_t		 max;
};

static void
cutf(FILE *f, const void *arg)
{
	const struct cut *c = arg;

	html_str_cut(f, c->s, c->max);
}

static void
cutting(void)
{
	static const struct {
		struct cut	 in;
		const char	*want;
	} t[] = {
		{ { "short", 10 }, "short" },
		{ { "exactly10!", 10 }, "exactly10!" },
		{ { "eleven chars", 10 }, "eleven cha\xe2\x80\xa6" },
		/* é is two bytes: never cut inside it. */
		{ { "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3 },
		    "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6" },
		{ { "<<<<", 2 }, "&lt;&lt;\xe2\x80\xa6" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = capture(cutf, &t[i].in);

		is(got, t[i].want, "cut '%s' at %zu", t[i].in.s, t[i].in.max);
		free(got);
	}
}

static void
backoff(void)
{
	static const struct {
		long long	base, max;
		long		attempts;
		double		jitter;
		long long	want;
	} t[] = {
		/* base doubled per failed attempt, upper half random */
		{ 60, 3600, 1, 0.0, 30 },
		{ 60, 3600, 1, 0.999, 59 },
		{ 60, 3600, 2, 0.0, 60 },
		{ 60, 3600, 3, 0.5, 180 },
		{ 60, 3600, 4, 0.0, 240 },
		/* capped at max */
		{ 60, 3600, 8, 0.0, 1800 },
		{ 60, 3600, 40, 0.999, 3598 },
		{ 60, 3600, 1000000, 0.0, 1800 },
		/* never below one second */
		{ 1, 8, 1, 0.0, 1 },
		{ 1, 8, 2, 0.0, 1 },
		{ 1, 8, 3, 0.6, 3 },
		/* a jitter out of range counts as none */
		{ 60, 3600, 1, 1.5, 30 },
		{ 60, 3600, 1, -1, 30 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long long got = outbox_backoff(t[i].base, t[i].max,
		    t[i].attempts, t[i].jitter);

		ok(got == t[i].want, "backoff(%lld, %lld, %ld, %.3f) = %lld "
		    "(got %lld)", t[i].base, t[i].max, t[i].attempts,
		    t[i].jitter, t[i].want, got);
	}
}

static void
keys(void)
{
	char a[33], b[33], c[33], d[33];
	size_t i;
	int hex = 1;

	outbox_key("case.opened", "webhook:t", "cust", "2026-03-02", a);
	outbox_key("case.opened", "webhook:t", "cust", "2026-03-02", b);
	is(a, b, "the same event and target give the same key");
	for (i = 0; i < 32; i++)
		hex &= (a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' &&
		    a[i] <= 'f');
	ok(strlen(a) == 32 && hex, "a key is 32 hex digits");
	outbox_key("case.opened", "webhook:u", "cust", "2026-03-02", c);
	ok(strcmp(a, c) != 0, "another target, another key");
	outbox_key("case.confirmed", "webhook:t", "cust", "2026-03-02", c);
	ok(strcmp(a, c) != 0, "another event, another key");
	outbox_key("a b", "c", NULL, NULL, c);
	outbox_key("a", "b c", NULL, NULL, d);
	ok(strcmp(c, d) != 0, "parts do not run into each other");
	outbox_key("summary.daily", "webhook:t", NULL, "2026-03-02", c);
	outbox_key("summary.daily", "webhook:t", "", "2026-03-02", d);
	ok(strcmp(c, d) == 0, "no customer and an empty one are alike");
	/* Flips of a case's confirmation: the first case.confirmed's key
	 * and every flip's differ, and a flip's is the same on a rerun. */
	outbox_key("case.confirmed", "webhook:t", "cust", "2026-03-02", a);
	outbox_flip_key("case.confirmed", "webhook:t", "cust", "2026-03-02",
	    2, b);
	ok(strcmp(a, b) != 0, "a confirmation given again has a key of its "
	    "own");
	outbox_flip_key("case.confirmed", "webhook:t", "cust", "2026-03-02",
	    4, c);
	ok(strcmp(b, c) != 0, "each flip another");
	outbox_flip_key("case.unconfirmed", "webhook:t", "cust",
	    "2026-03-02", 1, c);
	outbox_flip_key("case.unconfirmed", "webhook:t", "cust",
	    "2026-03-02", 1, d);
	is(c, d, "the same flip, the same key");
	outbox_flip_key("case.unconfirmed", "webhook:u", "cust",
	    "2026-03-02", 1, d);
	ok(strcmp(c, d) != 0, "another target, another key");
}

/* Unfold a header value and decode it with the collector's reader. */
static char *
roundtrip(const char *enc)
{
	char *u = xstrdup(enc), *p, *r;
	size_t n = 0;

	for (p = u; *p; p++)
		if (*p != '\r' && *p != '\n')
			u[n++] = *p;
	u[n] = '\0';
	r = decode_header(u, n, 4096);
	free(u);
	return r;
}

static int
lines_fit(const char *enc)
{
	const char *p = enc, *nl;
	size_t first = strlen("Subject: ");

	for (;;) {
		nl = strstr(p, "\r\n");
		if ((size_t)((nl ? nl : p + strlen(p)) - p) + first > 78)
			return 0;
		if (nl == NULL)
			return 1;
		p = nl + 2;
		first = 0;
	}
}

static void
subjects(void)
{
	static const char *const t[] = {
		"R\xc3\xa9sum\xc3\xa9 des abus 2026-03-02 \xe2\x80\x93 3 "
		    "confirm\xc3\xa9s",
		"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6"
		    "\xe5\x90\x8d\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82\xe9\x95"
		    "\xb7\xe3\x81\x84\xe4\xbb\xb6\xe5\x90\x8d\xe3\x81\xaf\xe5"
		    "\x88\x86\xe3\x81\x91\xe3\x82\x89\xe3\x82\x8c\xe3\x81\xbe"
		    "\xe3\x81\x99\xe3\x80\x82\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa"
		    "\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d",
		"ASCII but looks like =?an encoded word?=",
		"ctrl\x01" "char",
	};
	size_t i;
	char *enc, *dec;

	enc = email_encode_header("Abuse summary 2026-03-02: 3 confirmed");
	is(enc, "Abuse summary 2026-03-02: 3 confirmed",
	    "plain ASCII stays as it is");
	free(enc);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enc = email_encode_header(t[i]);
		ok(strncmp(enc, "=?UTF-8?B?", 10) == 0 && lines_fit(enc),
		    "'%s' is encoded in lines of at most 78", t[i]);
		dec = roundtrip(enc);
		is(dec, i == 3 ? "ctrl char" : t[i],
		    "and decodes back (%s)", enc);
		free(enc);
		free(dec);
	}
	enc = email_subject(NULL, "2026-03-02", 3);
	is(enc, "Abuse summary 2026-03-02: 3 confirmed", "default subject");
	free(enc);
	enc = email_subject("{day} {day} {confirmed}{x} {", "D", 0);
	is(enc, "D D 0{x} {", "placeholders filled, the rest kept");
	free(enc);
}

static void
days(void)
{
	char out[11];

	day_minus("2026-03-01", 1, out);
	is(out, "2026-02-28", "the day before 1 March");
	day_minus("2024-03-01", 1, out);
	is(out, "2024-02-29", "in a leap year");
	day_minus("2026-01-10", 13, out);
	is(out, "2025-12-28", "13 days back across a year");
}

/* What outbox_event queues, read back through the outbox functions. */
static void
events(void)
{
	static char esc_name[] = "esc", opened_name[] = "opened";
	struct webhook_conf w[2];
	struct config c;
	struct case_row cr;
	struct outbox_row r;
	struct store *s;
	struct err e;
	int64_t ids[8];
	size_t n;
	int found;
	char *v;

	memset(&c, 0, sizeof(c));
	memset(w, 0, sizeof(w));
	w[0].name = esc_name;
	w[0].events = EV_CASE_ESCALATED;
	w[1].name = opened_name;
	w[1].events = EV_CASE_OPENED;
	c.webhooks = w;
	c.nwebhooks = 2;
	memset(&cr, 0, sizeof(cr));
	snprintf(cr.customer, sizeof(cr.customer), "cust \"q\" <x>");
	snprintf(cr.day, sizeof(cr.day), "2026-03-02");
	snprintf(cr.confidence, sizeof(cr.confidence), "internal");
	cr.internal_reports = 7;
	cr.score = 21.5;
	cr.first_seen = 1772445600;	/* 2026-03-02T10:00:00Z */
	cr.last_seen = 1772449200;
	cr.escalated_at = 1772449200;
	if (store_open(&s, NULL, STORE_SCRATCH, &e) != RC_OK) {
		ok(0, "scratch store: %s", e.msg);
		return;
	}
	ok(store_begin(s, &e) == RC_OK &&
	    outbox_event(&c, s, "case.escalated", &cr, 1772449300, &e) ==
	    RC_OK &&
	    outbox_event(&c, s, "case.escalated", &cr, 1772449400, &e) ==
	    RC_OK &&
	    outbox_event(&c, s, "case.unknown", &cr, 1772449300, &e) ==
	    RC_OK && store_commit(s, &e) == RC_OK, "queue events");
	snprintf(cr.customer, sizeof(cr.customer), "(unresolved)");
	ok(outbox_event(&c, s, "case.opened", &cr, 1772449300, &e) == RC_OK,
	    "queue an event of nobody");
	ok(store_outbox_due(s, 1772449500, NULL, ids, 8, &n, &e) == RC_OK &&
	    n == 1, "one row: only the subscriber, once, nothing for "
	    "(unresolved) or an unknown event (%zu)", n);
	if (n != 1 || store_outbox_get(s, ids[0], &r, &found, &e) != RC_OK ||
	    !found) {
		store_close(s);
		return;
	}
	is(r.target, "webhook:esc", "for the subscribed webhook");
	is(r.kind, "case.escalated", "of its kind");
	v = json_get(r.payload, "$.id");
	is(v, r.key, "the body's id is the delivery key");
	free(v);
	v = json_get(r.payload, "$.case.customer");
	is(v, "cust \"q\" <x>", "the customer, quotes and all, as JSON");
	free(v);
	v = json_get(r.payload, "$.case.escalated_at");
	is(v, "2026-03-02T11:00:00Z", "escalated_at");
	free(v);
	v = json_get(r.payload, "$.case.escalated");
	is(v, "1", "escalated is true");
	free(v);
	v = json_get(r.payload, "$.created_at");
	is(v, "2026-03-02T11:01:40Z", "created_at is the first event's time");
	free(v);
	ok(json_valid_text(r.payload), "the body is valid JSON");
	free(r.payload);
	ok(store_outbox_due(s, 1772449200, NULL, ids, 8, &n, &e) == RC_OK &&
	    n == 0, "not due before it was created");
	store_close(s);
}

int
main(void)
{
	escape();
	cutting();
	backoff();
	keys();
	subjects();
	days();
	events();
	return tap_done();
}
