/*
 * correlate.c on a scratch store: confidence, the score, escalation as
 * a sliding window (late reports, the window's edge, both roles), events
 * once each and through the hook, unresolved reports never acted on, and
 * cases counted again after corrections, with their confirmation flips.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "correlate.h"
#include "report.h"
#include "store.h"
#include "table.h"
#include "tap.h"
#include "util.h"

static struct store *st;
static struct correlator *k;

/* What the hook heard: "kind customer day" lines. */
static char heard[2048];
static int hook_fail;

static enum rc
hook(void *arg, struct store *s, int64_t id, const char *kind,
    const struct case_row *c, struct err *e)
{
	(void)arg;
	if (id <= 0 || s != st)
		return err_set(e, RC_FATAL, "hook: bad event id or store");
	if (hook_fail)
		return err_set(e, RC_FATAL, "hook refused %s", kind);
	snprintf(heard + strlen(heard), sizeof(heard) - strlen(heard),
	    "%s%s %s %s", heard[0] ? "; " : "", kind, c->customer, c->day);
	return RC_OK;
}

static enum rc
flip(void *arg, struct store *s, const char *kind, int64_t seq,
    const struct case_row *c, const struct case_cause *why, struct err *e)
{
	(void)arg;
	if (s != st)
		return err_set(e, RC_FATAL, "flip: bad store");
	snprintf(heard + strlen(heard), sizeof(heard) - strlen(heard),
	    "%s%s %s #%lld %s%s%s", heard[0] ? "; " : "", kind, c->customer,
	    (long long)seq, c->confidence, why ? " by " : "",
	    why ? why->who : "");
	return RC_OK;
}

static int nreports;

/* Store one report and touch its case. */
static void
add(const char *customer, enum role role, const char *when,
    const char *reporter, const char *ip)
{
	struct stored_msg m;
	struct report r;
	struct err e;
	char sha[65], key[65], seed[64], day[11];
	int64_t row, t;
	int dup;

	if (table_time(when, &t) < 0)
		abort();
	snprintf(seed, sizeof(seed), "message %d", ++nreports);
	sha256_hex(seed, strlen(seed), sha);
	memset(&m, 0, sizeof(m));
	m.source = "test";
	m.sha256 = sha;
	m.size = 1;
	m.format = "arf";
	m.status = MSG_PARSED;
	if (store_message_add(st, &m, &row, &dup, &e) != RC_OK)
		abort();
	report_init(&r);
	r.format = "arf";
	r.role = role;
	r.occurred_at = (time_t)t;
	report_setz(&r.reporter, reporter);
	report_setz(&r.source_ip, ip);
	report_setz(&r.customer, customer);
	snprintf(key, sizeof(key), "%s", sha);
	memcpy(day, when, 10);
	day[10] = '\0';
	if (store_report_add(st, row, &r, key, day, (time_t)t, &dup, &e) !=
	    RC_OK || dup)
		abort();
	report_release(&r);
	correlator_touch(k, customer, day, (time_t)t);
}

static void
flush(void)
{
	struct err e;

	heard[0] = '\0';
	if (correlator_flush(k, &e) != RC_OK)
		printf("# flush: %s\n", e.msg);
}

static struct case_row
get(const char *customer, const char *day)
{
	struct case_row c;
	struct err e;
	int found;

	if (store_case_get(st, customer, day, &c, &found, &e) != RC_OK ||
	    !found)
		memset(&c, 0, sizeof(c));
	return c;
}

static const char *
iso(time_t t)
{
	static char out[21];

	if (t == 0)
		return "none";
	iso8601_utc(t, out);
	return out;
}

/* A correction of report id, and its case counted again. */
static void
correct(int id, const char *action, const char *state, const char *customer,
    const char *day)
{
	struct case_cause why = { 0, action, "tester", "test", 1 };
	struct err e;
	int64_t corr;
	int confirmed;

	heard[0] = '\0';
	if (store_correct(st, id, action, state, customer, "tester", 1,
	    "test", &corr, &e) != RC_OK ||
	    correlator_recount(k, customer, day, &why, &confirmed, &e) !=
	    RC_OK)
		printf("# correct: %s\n", e.msg);
}

static void
recount(const char *customer, const char *day)
{
	struct err e;
	int confirmed;

	heard[0] = '\0';
	if (correlator_recount(k, customer, day, NULL, &confirmed, &e) !=
	    RC_OK)
		printf("# recount: %s\n", e.msg);
}

static void
corrections(void)
{
	struct case_row c;
	int ext, in, x2, e1;

	add("cust-f", ROLE_INTERNAL, "2026-03-05T10:00:00Z", NULL, "192.0.2.1");
	in = nreports;
	add("cust-f", ROLE_EXTERNAL, "2026-03-05T10:30:00Z", "r1.example",
	    "192.0.2.2");
	ext = nreports;
	flush();
	is(heard, "case.opened cust-f 2026-03-05; case.confirmed cust-f "
	    "2026-03-05", "a confirmed case");
	correct(ext, "dismiss", "dismissed", "cust-f", "2026-03-05");
	c = get("cust-f", "2026-03-05");
	is(heard, "case.unconfirmed cust-f #1 internal by tester",
	    "dismissing its external report takes the confirmation back");
	ok(c.internal_reports == 1 && c.external_reports == 0 &&
	    c.distinct_reporters == 0 && c.distinct_source_ips == 1 &&
	    strcmp(c.confidence, "internal") == 0 && c.score == 3.01,
	    "the case is counted again from what counts");
	recount("cust-f", "2026-03-05");
	is(heard, "", "counting it again says nothing again");
	correct(ext, "restore", "counted", "cust-f", "2026-03-05");
	is(heard, "case.confirmed cust-f #2 confirmed by tester",
	    "restoring it confirms the case again, as flip 2");
	c = get("cust-f", "2026-03-05");
	ok(c.external_reports == 1 && c.distinct_reporters == 1 &&
	    c.score == 64.77, "with its counts and score back");
	correct(ext, "dismiss", "dismissed", "cust-f", "2026-03-05");
	correct(in, "dismiss", "dismissed", "cust-f", "2026-03-05");
	is(heard, "", "the internal report's dismissal changes no "
	    "confirmation");
	c = get("cust-f", "2026-03-05");
	is(c.customer, "", "a case of which nothing counts is gone");

	/* New reports confirm a case again after a correction. */
	add("cust-g", ROLE_INTERNAL, "2026-03-05T10:00:00Z", NULL, "192.0.2.3");
	add("cust-g", ROLE_EXTERNAL, "2026-03-05T10:10:00Z", "r1.example",
	    "192.0.2.3");
	e1 = nreports;
	flush();
	correct(e1, "dismiss", "dismissed", "cust-g", "2026-03-05");
	add("cust-g", ROLE_EXTERNAL, "2026-03-05T11:00:00Z", "r2.example",
	    "192.0.2.3");
	x2 = nreports;
	flush();
	is(heard, "case.confirmed cust-g #2 confirmed",
	    "a new external report confirms it again, as flip 2");
	c = get("cust-g", "2026-03-05");
	ok(c.external_reports == 1 && c.distinct_reporters == 1,
	    "counting on from the corrected case");
	(void)x2;

	/* Escalation is found again from scratch. */
	add("cust-h", ROLE_INTERNAL, "2026-03-05T10:00:00Z", NULL, "192.0.2.4");
	add("cust-h", ROLE_INTERNAL, "2026-03-05T10:03:00Z", NULL, "192.0.2.4");
	in = nreports;
	add("cust-h", ROLE_INTERNAL, "2026-03-05T10:06:00Z", NULL, "192.0.2.4");
	flush();
	ok(get("cust-h", "2026-03-05").escalated_at != 0, "escalated");
	correct(in, "dismiss", "dismissed", "cust-h", "2026-03-05");
	ok(get("cust-h", "2026-03-05").escalated_at == 0,
	    "dismissing one of its three reports undoes the escalation");
}

static void
scores(void)
{
	static const struct {
		long		i, x, rep;
		double		want;
	} t[] = {
		{ 1, 0, 0, 3.01 },		/* 10 log10 2 */
		{ 9, 0, 0, 10.00 },
		{ 99999, 0, 0, 50.00 },
		{ 0, 1, 1, 13.01 },
		{ 1, 1, 1, 64.77 },		/* 50 + 10 + 10 log10 3 */
		{ 0, 7, 7, 59.03 },		/* reporters capped at 5 */
		{ 2, 5, 5, 109.03 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct case_row c;
		double s;

		memset(&c, 0, sizeof(c));
		c.internal_reports = t[i].i;
		c.external_reports = t[i].x;
		c.distinct_reporters = t[i].rep;
		s = case_score(&c);
		ok(s > t[i].want - 0.001 && s < t[i].want + 0.001,
		    "score of %ld internal, %ld external, %ld reporters: %.2f "
		    "(want %.2f)", t[i].i, t[i].x, t[i].rep, s, t[i].want);
	}
}

static void
cases(void)
{
	struct case_row c;
	struct err e;

	add("cust-a", ROLE_INTERNAL, "2026-03-01T10:00:00Z", "SpamExperts",
	    "198.51.100.1");
	flush();
	c = get("cust-a", "2026-03-01");
	is(c.confidence, "internal", "one internal report: internal");
	ok(c.internal_reports == 1 && c.external_reports == 0 &&
	    c.distinct_source_ips == 1, "counts");
	is(heard, "case.opened cust-a 2026-03-01", "case.opened once");
	correlator_touch(k, "cust-a", "2026-03-01", 0);
	flush();
	is(heard, "", "refreshing the case records nothing again");

	add("cust-a", ROLE_EXTERNAL, "2026-03-01T11:00:00Z", "gmail.com",
	    "198.51.100.2");
	flush();
	c = get("cust-a", "2026-03-01");
	is(c.confidence, "confirmed", "internal and external: confirmed");
	ok(c.score > 64.76 && c.score < 64.78, "confirmed score %.2f",
	    c.score);
	is(heard, "case.confirmed cust-a 2026-03-01", "case.confirmed once");
	add("cust-a", ROLE_EXTERNAL, "2026-03-01T11:05:00Z", "gmail.com",
	    "198.51.100.2");
	add("cust-a", ROLE_EXTERNAL, "2026-03-01T11:06:00Z", "yahoo.com",
	    "198.51.100.3");
	flush();
	c = get("cust-a", "2026-03-01");
	ok(c.distinct_reporters == 2 && c.distinct_source_ips == 3 &&
	    c.external_reports == 3, "distinct reporters and addresses");
	is(iso(c.first_seen), "2026-03-01T10:00:00Z", "first seen");
	is(iso(c.last_seen), "2026-03-01T11:06:00Z", "last seen");
	is(heard, "case.escalated cust-a 2026-03-01", "two external reports "
	    "within an hour: escalated, and no other event");

	add("cust-a", ROLE_INTERNAL, "2026-03-02T00:30:00Z", "SpamExperts",
	    "198.51.100.1");
	flush();
	is(heard, "case.opened cust-a 2026-03-02", "the next day is a new "
	    "case");

	hook_fail = 1;
	add("cust-z", ROLE_INTERNAL, "2026-03-01T10:00:00Z", "SpamExperts",
	    "198.51.100.1");
	ok(correlator_flush(k, &e) == RC_FATAL &&
	    strstr(e.msg, "hook refused case.opened") != NULL,
	    "a failing hook fails the flush");
	hook_fail = 0;
}

static void
escalation(void)
{
	struct case_row c;

	/* escalate_internal = 3 in 10m */
	add("cust-b", ROLE_INTERNAL, "2026-03-01T10:00:00Z", "SE", NULL);
	add("cust-b", ROLE_INTERNAL, "2026-03-01T10:20:00Z", "SE", NULL);
	add("cust-b", ROLE_INTERNAL, "2026-03-01T10:25:00Z", "SE", NULL);
	flush();
	c = get("cust-b", "2026-03-01");
	is(iso(c.escalated_at), "none", "3 reports spread over 25 minutes: "
	    "not escalated");
	add("cust-b", ROLE_INTERNAL, "2026-03-01T10:29:59Z", "SE", NULL);
	flush();
	c = get("cust-b", "2026-03-01");
	is(iso(c.escalated_at), "2026-03-01T10:29:59Z", "the third within "
	    "10 minutes escalates, at its time");
	is(c.escalated_role, "internal", "by the internal rule");
	is(heard, "case.escalated cust-b 2026-03-01", "case.escalated once");
	add("cust-b", ROLE_INTERNAL, "2026-03-01T10:01:00Z", "SE", NULL);
	add("cust-b", ROLE_INTERNAL, "2026-03-01T10:02:00Z", "SE", NULL);
	flush();
	c = get("cust-b", "2026-03-01");
	is(iso(c.escalated_at), "2026-03-01T10:02:00Z", "late reports move "
	    "the moment earlier");
	is(heard, "", "but the event is not recorded again");

	/* The window is open at its end: exactly 10 minutes is too far. */
	add("cust-c", ROLE_INTERNAL, "2026-03-01T10:00:00Z", "SE", NULL);
	add("cust-c", ROLE_INTERNAL, "2026-03-01T10:05:00Z", "SE", NULL);
	add("cust-c", ROLE_INTERNAL, "2026-03-01T10:10:00Z", "SE", NULL);
	flush();
	c = get("cust-c", "2026-03-01");
	is(iso(c.escalated_at), "none", "3 reports in exactly 10 minutes: not "
	    "within");

	/* escalate_external = 2 in 1h; internal reports do not count. */
	add("cust-d", ROLE_EXTERNAL, "2026-03-01T08:00:00Z", "gmail.com", NULL);
	add("cust-d", ROLE_INTERNAL, "2026-03-01T08:10:00Z", "SE", NULL);
	add("cust-d", ROLE_EXTERNAL, "2026-03-01T09:30:00Z", "aol.com", NULL);
	flush();
	c = get("cust-d", "2026-03-01");
	is(iso(c.escalated_at), "none", "external reports 90 minutes apart");
	add("cust-d", ROLE_EXTERNAL, "2026-03-01T09:45:00Z", "aol.com", NULL);
	flush();
	c = get("cust-d", "2026-03-01");
	is(iso(c.escalated_at), "2026-03-01T09:45:00Z", "two external within "
	    "an hour escalate");
	is(c.escalated_role, "external", "by the external rule");
	is(heard, "case.escalated cust-d 2026-03-01", "and record the event");
}

static void
unresolved(void)
{
	struct case_row c;
	int i;

	for (i = 0; i < 5; i++) {
		char when[32];

		snprintf(when, sizeof(when), "2026-03-01T12:0%d:00Z", i);
		add("(unresolved)", i % 2 ? ROLE_EXTERNAL : ROLE_INTERNAL,
		    when, "x", NULL);
	}
	flush();
	c = get("(unresolved)", "2026-03-01");
	ok(c.internal_reports == 3 && c.external_reports == 2,
	    "unresolved reports have a case");
	is(iso(c.escalated_at), "none", "never escalated");
	is(heard, "", "and never an event");
}

int
main(void)
{
	struct config cfg;
	struct err e;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cases.escalate_internal.count = 3;
	cfg.cases.escalate_internal.window = 600;
	cfg.cases.escalate_external.count = 2;
	cfg.cases.escalate_external.window = 3600;
	if (store_open(&st, NULL, STORE_SCRATCH, &e) != RC_OK) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}
	k = correlator_new(&cfg, st);
	correlator_on_event(k, hook, NULL);
	correlator_on_flip(k, flip, NULL);
	scores();
	cases();
	escalation();
	unresolved();
	corrections();
	correlator_free(k);
	store_close(st);
	return tap_done();
}
