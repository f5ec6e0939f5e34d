/*
 * deliver: send the webhooks and e-mails that are due from the outbox;
 * --retry-dead first puts the dead letters back in the queue.  run and
 * report --email use the same pass.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "outbox.h"
#include "store.h"

int
deliver_due(struct cli *cli, struct store *s, const char *kind, char *msg,
    size_t msgsz)
{
	struct deliver_opts o = { cli->dry_run, kind };
	struct deliver_stats st;
	struct err e;
	enum rc rc;

	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	err_clear(&e);
	rc = outbox_deliver(cli->cfg, s, &o, &st, &e);
	if (st.delivered + st.retried + st.dead + st.deferred > 0)
		log_info("deliver: %ld delivered, %ld to retry, %ld dead "
		    "letters, %ld deferred", st.delivered, st.retried, st.dead,
		    st.deferred);
	if (rc == RC_OK)
		return EXIT_OK;
	if (msg != NULL)
		snprintf(msg, msgsz, "%s", e.msg);
	/* A failed delivery was logged where it happened; a failing store
	 * was not. */
	if (st.retried + st.dead == 0)
		log_error("%s", e.msg);
	return exit_for(rc);
}

int
cmd_deliver(struct cli *cli, int argc, char **argv)
{
	struct store *s;
	struct err e;
	int i, retry_dead = 0, st, mst;
	long n;
	enum rc rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--retry-dead") == 0) {
			retry_dead = 1;
			continue;
		}
		fprintf(stderr, "abuse-collector: deliver: unknown argument "
		    "'%s'\n", argv[i]);
		return EXIT_USAGE;
	}
	if ((rc = cli_store(cli, 0, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	if (retry_dead && !cli->dry_run) {
		if ((rc = store_outbox_requeue_dead(s, time(NULL), &n, &e)) !=
		    RC_OK) {
			log_error("%s", e.msg);
			store_close(s);
			return exit_for(rc);
		}
		log_info("deliver: %ld dead letter%s queued again", n,
		    n == 1 ? "" : "s");
	}
	st = deliver_due(cli, s, NULL, NULL, 0);
	/* The outbox changed: the metrics file says so now, not at the
	 * next run.  A failure to write it weighs like one of run's. */
	if (!cli->dry_run && cli->cfg->metrics_textfile != NULL &&
	    (mst = cli_write_metrics(cli, s)) != EXIT_OK && (st == EXIT_OK ||
	    (mst == EXIT_CONFIG && st == EXIT_TEMP)))
		st = mst;
	store_close(s);
	return st;
}
