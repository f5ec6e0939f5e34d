/*
 * Retention: the horizons of [store] keep and [report] keep, and the
 * summary files that prune may remove.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "retention.h"

void
retention_horizon(time_t now, long long keep, time_t *before, char day[11])
{
	struct tm tm;

	*before = 0;
	day[0] = '\0';
	if (keep <= 0 || keep >= (long long)now)
		return;
	*before = now - (time_t)keep;
	if (localtime_r(before, &tm) == NULL ||
	    strftime(day, 11, "%Y-%m-%d", &tm) != 10) {
		*before = 0;
		day[0] = '\0';
	}
}

void
retention_plan(const struct config *c, time_t now, int dry_run,
    struct prune_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->now = now;
	retention_horizon(now, c->keep, &p->before, p->day);
	p->quarantine_before = c->keep_quarantine > 0 &&
	    c->keep_quarantine < (long long)now ?
	    now - (time_t)c->keep_quarantine : 0;
	/* keep_raw 0 keeps no bytes at all. */
	p->raw_before = now - (time_t)c->keep_raw;
	p->batch = PRUNE_BATCH;
	p->dry_run = dry_run;
}

/* A date YYYY-MM-DD with a month and day that can be. */
static int
is_date(const char *s)
{
	int i, m, d;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    (s[i] < '0' || s[i] > '9'))
			return 0;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

int
retention_summary_day(const char *name, char day[11])
{
	static const char *const names[][2] = { { "summary-", ".csv" },
	    { "reports-", ".csv" }, { "summary-", ".html" } };
	size_t i, pl, len = strlen(name);

	day[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		pl = strlen(names[i][0]);
		if (len != pl + 10 + strlen(names[i][1]) ||
		    strncmp(name, names[i][0], pl) != 0 ||
		    strcmp(name + pl + 10, names[i][1]) != 0 ||
		    !is_date(name + pl))
			continue;
		memcpy(day, name + pl, 10);
		day[10] = '\0';
		return 1;
	}
	return 0;
}

enum rc
retention_prune_reports(const char *dir, const char *day, int dry_run,
    long *n, struct err *e)
{
	struct dirent *de;
	struct stat st;
	char d[11];
	DIR *dp;
	enum rc rc = RC_OK;

	*n = 0;
	if ((dp = opendir(dir)) == NULL) {
		/* No summary written yet: nothing to remove. */
		if (errno == ENOENT)
			return RC_OK;
		return err_set(e, RC_FATAL, "[report] output_dir %s: %s", dir,
		    strerror(errno));
	}
	while ((de = readdir(dp)) != NULL) {
		if (!retention_summary_day(de->d_name, d) ||
		    strcmp(d, day) >= 0)
			continue;
		/* A directory or a link under such a name is not one the
		 * program wrote. */
		if (fstatat(dirfd(dp), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (!dry_run && unlinkat(dirfd(dp), de->d_name, 0) != 0) {
			if (errno == ENOENT)
				continue;
			rc = err_set(e, RC_FATAL, "[report] keep: cannot remove "
			    "%s/%s: %s", dir, de->d_name, strerror(errno));
			break;
		}
		(*n)++;
	}
	closedir(dp);
	return rc;
}
