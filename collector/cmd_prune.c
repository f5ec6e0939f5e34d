/*
 * prune: what is older than [store] keep leaves the store, the space
 * goes back to the file system, and summary files older than [report]
 * keep are removed.  It takes no run lock: it deletes in transactions
 * of PRUNE_BATCH rows, so a collect beside it waits at most for one of
 * them.  run prunes once a day by itself (prune_daily).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "log.h"
#include "retention.h"
#include "store.h"

/* The store and then the summary files; *files gets how many of those. */
static enum rc
prune(const struct config *c, struct store *s, time_t now, int dry_run,
    struct prune_result *r, long *files, struct err *e)
{
	time_t before;
	char day[11];
	struct prune_plan p;
	enum rc rc;

	*files = 0;
	retention_plan(c, now, dry_run, &p);
	if ((rc = store_prune(s, &p, r, e)) != RC_OK)
		return rc;
	retention_horizon(now, c->report.keep, &before, day);
	if (before == 0)
		return RC_OK;
	return retention_prune_reports(c->report.output_dir, day, dry_run,
	    files, e);
}

int
cmd_prune(struct cli *cli, int argc, char **argv)
{
	struct prune_result r;
	struct store *s;
	struct err e;
	time_t now = time(NULL), before;
	char day[11];
	long files;
	size_t i;
	int dry_run = cli->dry_run;
	enum rc rc;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0) {
			dry_run = 1;
			continue;
		}
		fprintf(stderr, "abuse-collector: prune takes no arguments "
		    "but --dry-run\n");
		return EXIT_USAGE;
	}
	/* A dry run reads: it neither makes nor upgrades a store. */
	if ((rc = cli_store(cli, dry_run, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	rc = prune(cli->cfg, s, now, dry_run, &r, &files, &e);
	store_close(s);
	if (rc != RC_OK) {
		log_error("prune: %s", e.msg);
		return exit_for(rc);
	}
	retention_horizon(now, cli->cfg->keep, &before, day);
	if (before == 0)
		printf("[store] keep = 0: reports, cases and messages are "
		    "kept for ever\n");
	else
		printf("%s the days before %s:\n", dry_run ?
		    "would remove (dry run)" : "removed", day);
	for (i = 0; i < r.n; i++)
		printf("  %-18s %ld\n", r.t[i].table, r.t[i].rows);
	printf("  %-18s %ld\n", "summary files", files);
	if (!dry_run)
		printf("space given back: %ld pages\n", r.pages);
	return fflush(stdout) != 0 ? EXIT_INTERNAL : EXIT_OK;
}

int
prune_daily(struct cli *cli, struct store *s, char *msg, size_t msgsz)
{
	struct prune_result r;
	struct err e;
	time_t now = time(NULL), last;
	char horizon[11], *removed = NULL;
	long files;
	enum rc rc;

	if (cli->dry_run)
		return EXIT_OK;
	if ((rc = store_prune_last(s, &last, horizon, &removed, &e)) ==
	    RC_OK) {
		free(removed);
		if (last != 0 && now - last < 86400 && last <= now)
			return EXIT_OK;
		rc = prune(cli->cfg, s, now, 0, &r, &files, &e);
	}
	if (rc != RC_OK) {
		snprintf(msg, msgsz, "prune: %s", e.msg);
		log_error("%s", msg);
		return exit_for(rc);
	}
	if ((rc = store_prune_last(s, &last, horizon, &removed, &e)) ==
	    RC_OK && removed != NULL)
		log_info("pruned%s%s: %s; %ld summary files; %ld pages given "
		    "back", horizon[0] ? " the days before " : "", horizon,
		    removed, files, r.pages);
	free(removed);
	return EXIT_OK;
}
