/* days.c: when a day settles, what run does with it, what changed. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "days.h"
#include "tap.h"
#include "util.h"

static void
settles(void)
{
	static const struct {
		const char	*tz;
		const char	*day;
		long long	 after;
		const char	*want;	/* UTC; NULL: 0 */
	} t[] = {
		{ "UTC0", "2026-03-02", 0, "2026-03-03T00:00:00Z" },
		{ "UTC0", "2026-03-02", 6 * 3600, "2026-03-03T06:00:00Z" },
		{ "UTC0", "2026-12-31", 6 * 3600, "2027-01-01T06:00:00Z" },
		{ "UTC0", "2028-02-28", 0, "2028-02-29T00:00:00Z" },
		/* The day's end in the cases' zone: CET, then the night
		 * the clocks go forward (CEST from 2026-03-29). */
		{ "Europe/Berlin", "2026-03-02", 0, "2026-03-02T23:00:00Z" },
		{ "Europe/Berlin", "2026-03-29", 6 * 3600,
		    "2026-03-30T04:00:00Z" },
		{ "America/New_York", "2026-11-01", 0, "2026-11-02T05:00:00Z" },
		{ "UTC0", "not a day", 0, NULL },
	};
	char got[21];
	time_t at;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setenv("TZ", t[i].tz, 1);
		tzset();
		at = day_settles_at(t[i].day, t[i].after);
		if (t[i].want == NULL) {
			ok(at == 0, "%s is no day", t[i].day);
			continue;
		}
		iso8601_utc(at, got);
		is(got, t[i].want, "%s in %s, send_after %llds", t[i].day,
		    t[i].tz, t[i].after);
	}
	setenv("TZ", "UTC0", 1);
	tzset();
}

#define NOW	1000000000
#define H	3600

static void
plans(void)
{
	static const struct {
		const char	*what;
		const char	*day;
		int		 known;
		const char	*digest;	/* "fp", "fp; settled", other */
		time_t		 settles;	/* relative to NOW */
		time_t		 sent_at, updated_at;	/* relative; 1: never */
		const char	*set, *sent_set;
		long long	 interval;
		unsigned	 want;
	} t[] = {
		{ "a new day, not settled", "2026-03-02", 0, NULL, H, 1, 1,
		    "", "", 12 * H, DAY_WRITE },
		{ "a new day, settled", "2026-03-02", 0, NULL, -H, 1, 1,
		    "", "", 12 * H, DAY_WRITE | DAY_DAILY },
		{ "a new day of a backfill, settled", "2026-01-02", 0, NULL, -H,
		    1, 1, "", "", 12 * H, DAY_WRITE },
		{ "written, unchanged, not settled", "2026-03-02", 1, "fp", H,
		    1, 1, "", "", 12 * H, 0 },
		{ "written before it settled, settled now", "2026-03-02", 1,
		    "fp", -H, 1, 1, "", "", 12 * H, DAY_WRITE | DAY_DAILY },
		{ "written settled and mailed, unchanged", "2026-03-02", 1,
		    "fp; settled", -H, -H, 1, "confirmed\ta", "confirmed\ta",
		    12 * H, 0 },
		{ "changed, the same customers", "2026-03-02", 1, "old", -H,
		    -H, 1, "confirmed\ta", "confirmed\ta", 0, DAY_WRITE },
		{ "changed before it settled: no update", "2026-03-02", 1,
		    "old", H, -2 * H, 1, "confirmed\ta", "", 0, DAY_WRITE },
		{ "a new confirmed customer, long after the mail", "2026-03-02",
		    1, "old", -H, -13 * H, 1, "confirmed\ta", "", 12 * H,
		    DAY_WRITE | DAY_UPDATE },
		{ "a new confirmed customer, an hour after the mail",
		    "2026-03-02", 1, "old", -H, -H, 1, "confirmed\ta", "",
		    12 * H, DAY_WRITE | DAY_HELD },
		{ "an hour after the last update", "2026-03-02", 1, "old", -H,
		    -30 * H, -H, "escalated\ta", "", 12 * H,
		    DAY_WRITE | DAY_HELD },
		{ "13 hours after the last update", "2026-03-02", 1, "old", -H,
		    -30 * H, -13 * H, "", "escalated\ta", 12 * H,
		    DAY_WRITE | DAY_UPDATE },
		{ "exactly update_interval after", "2026-03-02", 1,
		    "fp; settled", -H, -30 * H, -12 * H, "", "escalated\ta",
		    12 * H, DAY_UPDATE },
		{ "update_interval 0: at once", "2026-03-02", 1, "old", -H, 0,
		    1, "confirmed\tb", "confirmed\ta", 0,
		    DAY_WRITE | DAY_UPDATE },
		{ "a backfill day never mailed: no update", "2026-01-02", 1,
		    "old", -H, 1, 1, "confirmed\tb", "", 0, DAY_WRITE },
		{ "written by an older version", "2026-03-02", 1, NULL, -H, -H,
		    1, "confirmed\ta", "confirmed\ta", 0, DAY_ADOPT },
	};
	struct day_rules k;
	struct day_row r;
	size_t i;
	unsigned got;

	k.now = NOW;
	k.send_after = 6 * H;
	snprintf(k.recent, sizeof(k.recent), "2026-02-23");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&r, 0, sizeof(r));
		snprintf(r.day, sizeof(r.day), "%s", t[i].day);
		r.fp = xstrdup("fp");
		r.known = t[i].known;
		r.digest = t[i].digest ? xstrdup(t[i].digest) : NULL;
		r.written_at = t[i].known ? NOW - 40 * H : 0;
		r.sent_at = t[i].sent_at == 1 ? 0 : NOW + t[i].sent_at;
		r.updated_at = t[i].updated_at == 1 ? 0 :
		    NOW + t[i].updated_at;
		r.set = xstrdup(t[i].set);
		r.sent_set = xstrdup(t[i].sent_set);
		k.update_interval = t[i].interval;
		got = day_plan(&r, NOW + t[i].settles, &k);
		ok(got == t[i].want, "%s: plan %#x (want %#x)", t[i].what,
		    got, t[i].want);
		free(r.fp);
		free(r.digest);
		free(r.set);
		free(r.sent_set);
	}
}

static void
diffs(void)
{
	static const struct {
		const char	*was, *now, *want;
	} t[] = {
		{ "", "", "" },
		{ "confirmed\ta", "confirmed\ta", "" },
		{ "", "confirmed\tcust-a\nescalated\tcust-a",
		    "  cust-a: now confirmed\n  cust-a: now escalated\n" },
		{ "confirmed\ta\nescalated\tb", "confirmed\ta\nconfirmed\tc",
		    "  c: now confirmed\n  b: no longer escalated\n" },
		{ "confirmed\ta b\nconfirmed\tz", "",
		    "  a b: no longer confirmed\n  z: no longer confirmed\n" },
	};
	struct day_diff d;
	struct buf many;
	char *got;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		day_diff(t[i].was, t[i].now, &d);
		got = day_diff_text(&d);
		is(got, t[i].want, "diff %zu", i);
		free(got);
		day_diff_release(&d);
	}
	day_diff("confirmed\ta\nescalated\tb", "escalated\tc", &d);
	ok(d.n[CHANGE_CONFIRMED] == 0 && d.n[CHANGE_UNCONFIRMED] == 1 &&
	    d.n[CHANGE_ESCALATED] == 1 && d.n[CHANGE_UNESCALATED] == 1 &&
	    strcmp(d.who[CHANGE_ESCALATED][0], "c") == 0,
	    "changes by kind, for summary.updated");
	is(day_change_name(CHANGE_UNESCALATED), "unescalated",
	    "the names of the changes");
	day_diff_release(&d);

	/* A mail names 50 per kind; the event has them all. */
	buf_init(&many, 1 << 20);
	for (i = 0; i < 60; i++)
		buf_addf(&many, "%sconfirmed\tc%02zu", i ? "\n" : "", i);
	day_diff("", many.data, &d);
	got = day_diff_text(&d);
	ok(d.n[CHANGE_CONFIRMED] == 60 && strstr(got, "  c49: now "
	    "confirmed\n  ... and 10 more now confirmed\n") != NULL &&
	    strstr(got, "c50") == NULL, "60 new: 50 named, 10 counted");
	free(got);
	day_diff_release(&d);
	buf_release(&many);
}

int
main(void)
{
	settles();
	plans();
	diffs();
	return tap_done();
}
