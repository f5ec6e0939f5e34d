/* retention.c: where the horizons fall, which summary files prune may
 * remove; store_prune.c: batches of at most the batch size, the hash
 * of a pruned message kept. */
#include "autoconf.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "retention.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define D	86400LL

/* "YYYY-MM-DDTHH:MM:SSZ" to a time. */
static time_t
utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return 0;
	return timegm(&tm);
}

static void
horizons(void)
{
	static const struct {
		const char	*tz;
		const char	*now;	/* UTC */
		long long	 keep;
		const char	*day;	/* the first day kept; "" none */
		const char	*before;	/* UTC; NULL: 0 */
	} t[] = {
		{ "UTC0", "2026-11-30T12:00:00Z", 400 * D, "2025-10-26",
		    "2025-10-26T12:00:00Z" },
		{ "UTC0", "2026-11-30T00:00:00Z", 1 * D, "2026-11-29",
		    "2026-11-29T00:00:00Z" },
		/* Over a leap day. */
		{ "UTC0", "2028-03-01T06:00:00Z", 2 * D, "2028-02-28",
		    "2028-02-28T06:00:00Z" },
		/* Days in the cases' zone: 01:30 in Berlin is still the
		 * day before in UTC. */
		{ "Europe/Berlin", "2026-11-30T00:30:00Z", 30 * D,
		    "2026-10-31", "2026-10-31T00:30:00Z" },
		{ "America/New_York", "2026-11-30T03:00:00Z", 1 * D,
		    "2026-11-28", "2026-11-29T03:00:00Z" },
		/* Part of a day. */
		{ "UTC0", "2026-11-30T12:00:00Z", 3600, "2026-11-30",
		    "2026-11-30T11:00:00Z" },
		/* 0: everything is kept. */
		{ "UTC0", "2026-11-30T12:00:00Z", 0, "", NULL },
	};
	char day[11], got[21];
	time_t before, now;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setenv("TZ", t[i].tz, 1);
		tzset();
		now = utc(t[i].now);
		retention_horizon(now, t[i].keep, &before, day);
		is(day, t[i].day, "keep %llds at %s in %s: first day kept",
		    t[i].keep, t[i].now, t[i].tz);
		if (t[i].before == NULL) {
			ok(before == 0, "keep 0: no time horizon");
			continue;
		}
		iso8601_utc(before, got);
		is(got, t[i].before, "keep %llds at %s: the time horizon",
		    t[i].keep, t[i].now);
	}
	setenv("TZ", "UTC0", 1);
	tzset();
}

static void
names(void)
{
	static const struct {
		const char	*name;
		const char	*day;	/* NULL: not a summary file */
	} t[] = {
		{ "summary-2026-03-02.csv", "2026-03-02" },
		{ "reports-2026-03-02.csv", "2026-03-02" },
		{ "summary-2026-03-02.html", "2026-03-02" },
		{ "reports-2026-03-02.html", NULL },
		{ "summary-2026-03-02.csv.tmp", NULL },
		{ ".summary-2026-03-02.csv", NULL },
		{ "summary-2026-3-02.csv", NULL },
		{ "summary-2026-13-02.csv", NULL },
		{ "summary-2026-03-00.csv", NULL },
		{ "summary-2026-03-02", NULL },
		{ "summary-20260302.csv", NULL },
		{ "summary-2026-03-02.CSV", NULL },
		{ "customer-example.html", NULL },
		{ "summary-.csv", NULL },
		{ "notes.txt", NULL },
		{ "", NULL },
	};
	char day[11];
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = retention_summary_day(t[i].name, day);
		if (t[i].day == NULL)
			ok(r == 0, "'%s' is not a summary file", t[i].name);
		else
			ok(r == 1 && strcmp(day, t[i].day) == 0,
			    "'%s' is the summary file of %s", t[i].name,
			    t[i].day);
	}
}

static void
touch(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	if (f != NULL)
		fclose(f);
	free(p);
}

static int
present(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int r = access(p, F_OK) == 0;

	free(p);
	return r;
}

static void
report_files(void)
{
	char dir[] = "/tmp/test_retention.XXXXXX";
	char *sub;
	struct err e;
	long n;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	touch(dir, "summary-2025-01-01.csv");
	touch(dir, "reports-2025-01-01.csv");
	touch(dir, "summary-2025-01-01.html");
	touch(dir, "summary-2026-06-01.html");
	touch(dir, "notes-2025-01-01.csv");
	touch(dir, "customer-a.html");
	sub = xasprintf("%s/summary-2025-01-02.csv", dir);
	mkdir(sub, 0700);
	ok(retention_prune_reports(dir, "2026-01-01", 1, &n, &e) == RC_OK &&
	    n == 3, "dry run: 3 old summary files counted (%ld)", n);
	ok(present(dir, "summary-2025-01-01.csv"), "dry run removes nothing");
	ok(retention_prune_reports(dir, "2026-01-01", 0, &n, &e) == RC_OK &&
	    n == 3, "3 old summary files removed (%ld)", n);
	ok(!present(dir, "summary-2025-01-01.csv") &&
	    !present(dir, "reports-2025-01-01.csv") &&
	    !present(dir, "summary-2025-01-01.html"), "the old ones are gone");
	ok(present(dir, "summary-2026-06-01.html"), "a newer one stays");
	ok(present(dir, "notes-2025-01-01.csv") &&
	    present(dir, "customer-a.html"), "other files stay");
	ok(present(dir, "summary-2025-01-02.csv"), "a directory stays");
	rmdir(sub);
	free(sub);
	sub = xasprintf("rm -rf '%s'", dir);
	if (system(sub) != 0)
		printf("# could not remove %s\n", dir);
	free(sub);
	ok(retention_prune_reports("/nonexistent/retention", "2026-01-01", 0,
	    &n, &e) == RC_OK && n == 0, "no output directory: nothing");
}

static long
table_rows(const struct prune_result *r, const char *table, long *batches,
    long *largest)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->t[i].table, table) == 0) {
			*batches = r->t[i].batches;
			*largest = r->t[i].largest;
			return r->t[i].rows;
		}
	*batches = *largest = -1;
	return -1;
}

/*
 * A store in memory: 20 old days and 3 new ones in report_days, 5 old
 * messages and one new; a prune in batches of 7 deletes the 20 days in
 * 3 transactions of at most 7 rows, the 5 messages, and the old
 * messages stay duplicates.
 */
static void
batches(void)
{
	struct prune_plan p;
	struct prune_result r;
	struct stored_msg m;
	struct store *s;
	struct err e;
	char day[11], sha[65], text[32], file[64];
	time_t now = utc("2026-11-30T12:00:00Z");
	int64_t id;
	long rows, nb, largest;
	int i, dup;

	if (store_open(&s, "retention", STORE_SCRATCH, &e) != RC_OK) {
		ok(0, "scratch store: %s", e.msg);
		return;
	}
	for (i = 0; i < 23; i++) {
		snprintf(day, sizeof(day), "%s-%02d-%02d", i < 20 ? "2024" :
		    "2026", 1 + i % 12, 1 + i % 28);
		if (store_day_written(s, day, "x", now, &e) != RC_OK)
			ok(0, "day %s: %s", day, e.msg);
	}
	memset(&m, 0, sizeof(m));
	m.source = "test";
	m.format = "arf";
	m.status = MSG_IGNORED;
	m.kind = "other";
	for (i = 0; i < 6; i++) {
		snprintf(text, sizeof(text), "message %d", i);
		sha256_hex(text, strlen(text), sha);
		m.sha256 = sha;
		m.size = strlen(text);
		m.received_at = now - 3600;
		m.arrived_at = i < 5 ? now - 500 * D : now - 3600;
		snprintf(file, sizeof(file), "/var/mail/md/cur/%d.test:2,S", i);
		snprintf(text, sizeof(text), "%d.test", i);
		m.file = file;
		if (store_message_add(s, &m, &id, &dup, &e) != RC_OK || dup ||
		    store_local_mark(s, "test", text, &e) != RC_OK)
			ok(0, "message %d: %s", i, e.msg);
	}
	memset(&p, 0, sizeof(p));
	p.now = now;
	retention_horizon(now, 400 * D, &p.before, p.day);
	p.raw_before = now - 30 * D;
	p.batch = 7;
	p.dry_run = 1;
	ok(store_prune(s, &p, &r, &e) == RC_OK, "dry run");
	ok(table_rows(&r, "report_days", &nb, &largest) == 20 && nb == 0,
	    "dry run: 20 days would go, no transaction");
	ok(table_rows(&r, "messages", &nb, &largest) == 5,
	    "dry run: 5 messages would go");
	p.dry_run = 0;
	ok(store_prune(s, &p, &r, &e) == RC_OK, "prune: %s",
	    r.n ? "ran" : e.msg);
	rows = table_rows(&r, "report_days", &nb, &largest);
	ok(rows == 20 && nb == 3 && largest == 7, "20 days in 3 transactions "
	    "of at most 7 (%ld in %ld, largest %ld)", rows, nb, largest);
	rows = table_rows(&r, "messages", &nb, &largest);
	ok(rows == 5 && nb == 1, "5 messages in one transaction (%ld)", rows);
	ok(store_local_seen(s, "test", "1.test", &e) == 0 &&
	    store_local_seen(s, "test", "4.test", &e) == 0,
	    "the pruned messages' Maildir files are forgotten");
	ok(store_local_seen(s, "test", "5.test", &e) == 1,
	    "the kept message's is not");
	ok(store_prune(s, &p, &r, &e) == RC_OK &&
	    table_rows(&r, "report_days", &nb, &largest) == 0 &&
	    table_rows(&r, "messages", &nb, &largest) == 0,
	    "a second prune finds nothing");
	for (i = 0; i < 6; i++) {
		snprintf(text, sizeof(text), "message %d", i);
		sha256_hex(text, strlen(text), sha);
		m.sha256 = sha;
		m.arrived_at = now;
		ok(store_message_add(s, &m, &id, &dup, &e) == RC_OK && dup &&
		    id == 0, "message %d, %s, is a duplicate", i, i < 5 ?
		    "pruned" : "kept");
	}
	store_close(s);
}

int
main(void)
{
	horizons();
	names();
	report_files();
	batches();
	return tap_done();
}
