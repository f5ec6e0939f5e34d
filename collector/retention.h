/*
 * Retention ([store] keep, keep_quarantine, keep_raw, [report] keep):
 * where the horizons fall, which summary files are the program's own,
 * and the prune that `prune` and, once a day, `run` make (cmd_prune.c).
 */
#ifndef AC_RETENTION_H
#define AC_RETENTION_H

#include <time.h>

#include "config.h"
#include "store.h"
#include "util.h"

/*
 * The horizon of keep seconds at now: *before, the time before which
 * timed rows go, and day, the first day kept (now - keep in the local
 * time zone, that of the cases; rows of earlier days go).  keep 0 (keep
 * everything): *before = 0 and day "".
 */
void retention_horizon(time_t now, long long keep, time_t *before,
    char day[11]);

/* What to prune at now by the configuration. */
void retention_plan(const struct config *c, time_t now, int dry_run,
    struct prune_plan *p);

/*
 * 1 when name is a file the summaries write (summary-D.csv,
 * reports-D.csv, summary-D.html with D a date YYYY-MM-DD), with D into
 * day; 0 for any other name.
 */
int retention_summary_day(const char *name, char day[11]);

/* Remove the summary files of days before `day` from dir (only those
 * retention_summary_day knows); *n of them.  A dry run counts them. */
enum rc retention_prune_reports(const char *dir, const char *day,
    int dry_run, long *n, struct err *e);

#endif
