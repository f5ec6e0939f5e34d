/*
 * The life of a day's summary after the day ends.  `run` writes its
 * files, and writes them again whenever what they show changed.  Once
 * the day has settled ([report] send_after after its end in the cases'
 * time zone) its e-mail and summary.daily go out; after that, a change
 * of its confirmed or escalated customers sends an update (e-mail and
 * summary.updated), at most one per [report] update_interval after the
 * last mail about the day.
 */
#ifndef AC_DAYS_H
#define AC_DAYS_H

#include <time.h>

#include "store.h"

/* When day (YYYY-MM-DD) settles: the start of the next day in the
 * process's time zone (the cases'), plus send_after seconds. */
time_t day_settles_at(const char *day, long long send_after);

struct day_rules {
	time_t		 now;
	long long	 send_after;
	long long	 update_interval;
	char		 recent[11];	/* the oldest day that is mailed */
};

/* What to do with a day (flags). */
#define DAY_WRITE	0x1	/* write its files */
#define DAY_ADOPT	0x2	/* record the digest of files written before */
#define DAY_DAILY	0x4	/* queue its e-mail and summary.daily */
#define DAY_UPDATE	0x8	/* queue an update */
#define DAY_HELD	0x10	/* an update waits for update_interval */

/*
 * What a day's files are made from: r->fp and whether the day had
 * settled, since files written before it settled say that late reports
 * may still come, and are written again once it has.  A new string.
 */
char *day_digest(const struct day_row *r, int settled);
/* The plan for day r, which settles at settles_at. */
unsigned day_plan(const struct day_row *r, time_t settles_at,
    const struct day_rules *k);

/* What changed between two sets (struct day_row): the customers now
 * confirmed, no longer confirmed, now escalated, no longer escalated;
 * each list in the sets' order.  Owns its strings. */
enum { CHANGE_CONFIRMED, CHANGE_UNCONFIRMED, CHANGE_ESCALATED,
	CHANGE_UNESCALATED, NCHANGES };

struct day_diff {
	char	**who[NCHANGES];
	size_t	  n[NCHANGES];
};

void day_diff(const char *was, const char *now, struct day_diff *d);
void day_diff_release(struct day_diff *d);
/* The name of a change in summary.updated ("confirmed", ...). */
const char *day_change_name(int change);
/* The changes as lines of text ("  cust-a: now confirmed\n"); a new
 * string, empty when nothing changed. */
char *day_diff_text(const struct day_diff *d);

#endif
