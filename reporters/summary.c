#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "csv.h"
#include "store.h"
#include "summary.h"

static const char *const summary_cols[] = { "date", "customer",
	"confidence", "score", "internal_reports", "external_reports",
	"distinct_source_ips", "first_seen", "last_seen", "top_subject",
	"resolved_by", "escalated" };

#define NCOLS	(int)(sizeof(summary_cols) / sizeof(summary_cols[0]))

static int
row(void *arg, int n, const char *const *names, const char *const *vals)
{
	csv_row(arg, n < NCOLS ? n : NCOLS, vals);
	return 0;
}

enum rc
summary_write(struct store *s, const struct config *c, const char *day,
    const char *dir, char **written, struct err *e)
{
	char *path, *tmp;
	FILE *f;
	enum rc rc;

	*written = NULL;
	if (mkdirs(dir, 0750) < 0)
		return err_set(e, RC_FATAL, "cannot create report directory "
		    "'%s': %s", dir, strerror(errno));
	path = xasprintf("%s/summary-%s.csv", dir, day);
	tmp = xasprintf("%s/.summary-%s.csv.%ld", dir, day, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		rc = err_set(e, RC_FATAL, "cannot write '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	csv_row(f, NCOLS, summary_cols);
	rc = store_dump(s, DUMP_SUMMARY, DUMP_TEXT, day, NULL, row, f, e);
	if (fflush(f) != 0 || ferror(f)) {
		if (rc == RC_OK)
			rc = err_set(e, RC_FATAL, "cannot write '%s': %s", tmp,
			    strerror(errno));
	}
	fclose(f);
	if (rc == RC_OK && rename(tmp, path) != 0)
		rc = err_set(e, RC_FATAL, "cannot rename '%s' to '%s': %s",
		    tmp, path, strerror(errno));
	if (rc != RC_OK) {
		unlink(tmp);
		goto out;
	}
	*written = path;
	path = NULL;
out:
	free(path);
	free(tmp);
	(void)c;
	return rc;
}
