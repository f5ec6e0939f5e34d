/* alerts.c: which alerts a source's state makes due, and their text. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "tap.h"
#include "util.h"

#define NOW	1000000000
#define H	3600

static void
judge(void)
{
	static const struct {
		const char	*what;
		long		 failures;	/* in a row */
		time_t		 failing;	/* alerted_failing */
		time_t		 silent;	/* alerted_silent */
		time_t		 newest;
		long long	 limit, silence;
		unsigned	 want;
	} t[] = {
		{ "well", 0, 0, 0, NOW - H, 3, 6 * H, 0 },
		{ "two failures of three", 2, 0, 0, NOW - H, 3, 6 * H, 0 },
		{ "the third failure", 3, 0, 0, NOW - H, 3, 6 * H,
		    A_FAILING },
		{ "the fourth, alerted", 4, NOW - 60, 0, NOW - H, 3, 6 * H,
		    0 },
		{ "the fourth, not yet alerted (limit raised, then "
		    "lowered)", 4, 0, 0, NOW - H, 3, 6 * H, A_FAILING },
		{ "through again after the alert", 0, NOW - 60, 0, NOW - H, 3,
		    6 * H, A_FAILING_OVER },
		{ "through again, no alert open", 0, 0, 0, NOW - H, 3, 6 * H,
		    0 },
		{ "failures not watched", 50, 0, 0, NOW - H, 0, 6 * H, 0 },
		{ "not watched, open alert stays while failing", 50,
		    NOW - 60, 0, NOW - H, 0, 6 * H, 0 },
		{ "silent exactly that long", 0, 0, 0, NOW - 6 * H, 3, 6 * H,
		    A_SILENT },
		{ "a second short of it", 0, 0, 0, NOW - 6 * H + 1, 3, 6 * H,
		    0 },
		{ "silent, alerted", 0, 0, NOW - 60, NOW - 7 * H, 3, 6 * H,
		    0 },
		{ "new mail after the alert", 0, 0, NOW - 60, NOW - 10, 3,
		    6 * H, A_SILENT_OVER },
		{ "never a message: not judged", 0, 0, 0, 0, 3, 6 * H, 0 },
		{ "silence not watched", 0, 0, 0, NOW - 90 * H, 3, 0, 0 },
		{ "silence switched off with an alert open", 0, 0, NOW - 60,
		    NOW - 90 * H, 3, 0, A_SILENT_OVER },
		{ "failing and silent at once", 3, 0, 0, NOW - 7 * H, 3,
		    6 * H, A_FAILING | A_SILENT },
		{ "back, still silent", 0, NOW - 60, NOW - 60, NOW - 7 * H, 3,
		    6 * H, A_FAILING_OVER },
	};
	struct source_watch w;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&w, 0, sizeof(w));
		w.failures = t[i].failures;
		w.alerted_failing = t[i].failing;
		w.alerted_silent = t[i].silent;
		w.newest = t[i].newest;
		ok(alerts_judge(&w, t[i].limit, t[i].silence, NOW) ==
		    t[i].want, "%s", t[i].what);
	}
}

static void
details(void)
{
	static const struct {
		unsigned	 which;
		long long	 silence;
		const char	*want;
	} t[] = {
		{ A_FAILING, 6 * H, "source mx failed 3 collections in a row, "
		    "since 2001-09-08T22:46:40Z; last error: mx: cannot log "
		    "in" },
		{ A_FAILING_OVER, 6 * H, "source mx is collected again" },
		{ A_SILENT, 6 * H, "source mx had no new message for 7h 30m "
		    "(silence = 6h); its newest arrived at "
		    "2001-09-08T18:16:40Z" },
		{ A_SILENT, 90, "source mx had no new message for 7h 30m "
		    "(silence = 1m 30s); its newest arrived at "
		    "2001-09-08T18:16:40Z" },
		{ A_SILENT, 1, "source mx had no new message for 7h 30m "
		    "(silence = 1s); its newest arrived at "
		    "2001-09-08T18:16:40Z" },
		{ A_SILENT_OVER, 6 * H, "source mx has new mail again: its "
		    "newest arrived at 2001-09-08T18:16:40Z" },
		{ A_SILENT_OVER, 0, "source mx: silence is not watched any "
		    "more" },
	};
	static char error[] = "mx: cannot log in";
	struct source_watch w;
	char *got;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.failures = 3;
	w.failing_since = NOW - 3 * H;
	w.last_error = error;
	w.newest = NOW - 7 * H - 30 * 60;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = alerts_detail(t[i].which, "mx", &w, t[i].silence, NOW);
		is(got, t[i].want, "detail %zu", i);
		free(got);
	}
}

int
main(void)
{
	judge();
	details();
	return tap_done();
}
