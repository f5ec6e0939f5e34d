/*
 * The commands that take mail in (collect, import) and the one cron calls
 * (run), plus report.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "pipeline.h"
#include "resolve.h"
#include "source.h"
#include "store.h"
#include "summary.h"

/* What one collecting command sets up and tears down. */
struct session {
	struct store	*store;
	struct resolver	*resolver;
	struct pipeline	*pipeline;
	int64_t		 run_id;
	struct run_counts counts;
	int		 status;	/* the exit status so far */
	char		 first_error[256];
};

/* Count an error of the run (already logged) and keep the worst
 * status. */
static void
record_error(struct session *s, int status, const char *msg)
{
	s->counts.errors++;
	if (s->first_error[0] == '\0')
		snprintf(s->first_error, sizeof(s->first_error), "%s", msg);
	/* The worst outcome decides the exit status. */
	if (s->status == EXIT_OK || status == EXIT_INTERNAL ||
	    (status == EXIT_CONFIG && s->status == EXIT_TEMP))
		s->status = status;
}

static void
note_error(struct session *s, int status, const char *msg)
{
	log_error("%s", msg);
	record_error(s, status, msg);
}

static int
session_open(struct session *s, struct cli *cli, const char *command)
{
	struct err e;
	enum rc rc;

	memset(s, 0, sizeof(*s));
	if ((rc = cli_store(cli, 0, &s->store, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	if ((rc = resolver_open(&s->resolver, cli->cfg, s->store, &e)) !=
	    RC_OK) {
		log_error("%s", e.msg);
		store_close(s->store);
		return EXIT_CONFIG;
	}
	if (!cli->dry_run &&
	    store_run_start(s->store, command, &s->run_id, &e) != RC_OK)
		log_warn("%s", e.msg);
	s->pipeline = pipeline_new(cli->cfg, s->store, s->resolver,
	    cli->dry_run);
	if ((rc = pipeline_recover(s->pipeline, &e)) != RC_OK) {
		log_error("%s", e.msg);
		pipeline_free(s->pipeline);
		resolver_close(s->resolver);
		store_close(s->store);
		return exit_for(rc);
	}
	/* Events become webhook deliveries in the batch's transaction. */
	pipeline_on_event(s->pipeline, outbox_hook, cli->cfg);
	pipeline_on_flip(s->pipeline, outbox_flip_hook, cli->cfg);
	return EXIT_OK;
}

/*
 * [metrics] textfile, once the run is recorded, so that it tells how the
 * run ended.  A file that cannot be written fails the run (monitoring
 * would see a stale file and nothing else): a full disk with 75, any
 * other problem with the file as a configuration error.
 */
static void
write_metrics(struct session *s, struct cli *cli)
{
	struct facts *f;
	struct err e;
	enum rc rc;
	int st;

	if ((rc = facts_read(&f, cli->cfg, s->store, time(NULL), &e)) !=
	    RC_OK) {
		st = exit_for(rc);
	} else {
		rc = metrics_write(f, cli->cfg->metrics_textfile, &e);
		facts_free(f);
		st = rc == RC_TEMP ? EXIT_TEMP : EXIT_CONFIG;
	}
	if (rc == RC_OK)
		return;
	log_error("[metrics] textfile: %s", e.msg);
	/* The worst outcome decides, as in record_error. */
	if (s->status == EXIT_OK || (st == EXIT_CONFIG &&
	    s->status == EXIT_TEMP))
		s->status = st;
}

static int
session_close(struct session *s, struct cli *cli)
{
	const struct pipeline_stats *st = pipeline_stats(s->pipeline);
	struct err e;

	s->counts.messages = st->messages;
	s->counts.reports = st->reports;
	s->counts.duplicates = st->duplicates;
	s->counts.quarantined = st->quarantined;
	s->counts.ignored = st->ignored;
	if (!cli->dry_run && st->committed < st->messages)
		log_info("%ld messages: %ld new reports, %ld duplicates, %ld "
		    "quarantined, %ld ignored; %ld of them not committed "
		    "(rolled back)", st->messages, st->reports,
		    st->duplicates, st->quarantined, st->ignored,
		    st->messages - st->committed);
	else
		log_info("%ld messages: %ld new reports, %ld duplicates, %ld "
		    "quarantined, %ld ignored%s", st->messages, st->reports,
		    st->duplicates, st->quarantined, st->ignored,
		    cli->dry_run ? " (dry run: nothing kept)" : "");
	pipeline_free(s->pipeline);
	if (s->run_id != 0 && store_run_finish(s->store, s->run_id, s->status,
	    &s->counts, s->first_error[0] ? s->first_error : NULL, &e) !=
	    RC_OK)
		log_warn("%s", e.msg);
	if (!cli->dry_run && cli->cfg->metrics_textfile != NULL)
		write_metrics(s, cli);
	resolver_close(s->resolver);
	store_close(s->store);
	return s->status;
}

/* -v: what one source brought, from the counts before and after it; a
 * source that failed before it read anything has said all with its
 * error. */
static void
say_source(const char *name, const struct pipeline_stats *a,
    const struct pipeline_stats *b, int dry_run, int failed)
{
	if (failed && b->read == a->read)
		return;
	log_info("%s: %ld messages read, %ld committed%s: %ld new reports, "
	    "%ld duplicates, %ld quarantined, %ld ignored", name,
	    b->read - a->read, b->committed - a->committed,
	    dry_run ? " (dry run: nothing kept)" : "",
	    b->reports - a->reports, b->duplicates - a->duplicates,
	    b->quarantined - a->quarantined, b->ignored - a->ignored);
}

static void
collect_sources(struct session *s, struct cli *cli)
{
	struct err e, e2;
	size_t i;
	enum rc rc;

	for (i = 0; i < cli->cfg->nsources; i++) {
		const struct source_conf *src = &cli->cfg->sources[i];
		struct pipeline_stats was = *pipeline_stats(s->pipeline);

		err_clear(&e);
		rc = source_collect(src, s->pipeline, &e);
		if (rc != RC_OK)
			note_error(s, exit_for(rc), e.msg);
		say_source(src->name, &was, pipeline_stats(s->pipeline),
		    cli->dry_run, rc != RC_OK);
		/* A full disk stops every source, none of them at fault. */
		if (rc != RC_OK && store_full(s->store))
			return;
		/* For status: how the source's last collection went. */
		if (!cli->dry_run && rc != RC_FATAL && store_source_result(
		    s->store, src->name, rc == RC_OK ? NULL : e.msg,
		    time(NULL), &e2) != RC_OK)
			log_warn("%s", e2.msg);
		if (rc == RC_OK)
			continue;
		/* For the run health of the summary: which source. */
		if (!cli->dry_run && rc != RC_FATAL &&
		    store_run_error(s->store, s->run_id, src->name, e.msg,
		    &e2) != RC_OK)
			log_warn("%s", e2.msg);
		/* The store failing stops everything; a source failing
		 * stops only that source. */
		if (rc == RC_FATAL)
			return;
	}
}

int
cmd_collect(struct cli *cli, int argc, char **argv)
{
	struct session s;
	int st;

	if (argc > 1) {
		fprintf(stderr, "abuse-collector: collect takes no arguments\n");
		return EXIT_USAGE;
	}
	if ((st = session_open(&s, cli, "collect")) != EXIT_OK)
		return st;
	collect_sources(&s, cli);
	return session_close(&s, cli);
}

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	struct session s;
	struct err e;
	enum rc rc;
	int i, st;

	if (argc < 2) {
		fprintf(stderr, "abuse-collector: import needs a PATH\n");
		return EXIT_USAGE;
	}
	if ((st = session_open(&s, cli, "import")) != EXIT_OK)
		return st;
	for (i = 1; i < argc; i++) {
		err_clear(&e);
		if ((rc = import_path(argv[i], s.pipeline, &e)) == RC_OK)
			continue;
		/* A path that is not mail is the caller's mistake. */
		note_error(&s, rc == RC_REJECT ? EXIT_USAGE : exit_for(rc),
		    e.msg);
		if (rc == RC_FATAL)
			break;
	}
	return session_close(&s, cli);
}

/* Write the summaries of one day; by hand, print the paths written
 * (not under -q). */
static int
write_day(struct cli *cli, struct store *store, const char *day,
    const char *dir, int by_hand)
{
	struct err e;
	char *paths[SUMMARY_FILES];
	enum rc rc;
	int w;

	rc = summary_write(store, cli->cfg, day, dir, time(NULL), paths, &e);
	for (w = 0; w < SUMMARY_FILES; w++) {
		if (paths[w] == NULL)
			continue;
		if (by_hand && log_verbosity() >= 0)
			printf("%s\n", paths[w]);
		else if (w == SUMMARY_FILES - 1)
			log_info("summary of %s: %s", day, paths[w]);
		free(paths[w]);
	}
	if (rc != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(e.rc);
	}
	if (by_hand && fflush(stdout) != 0) {
		log_error("stdout: %s", strerror(errno));
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

/*
 * report --email: queue the summary e-mail of day for each recipient
 * (once per day and recipient; again with force) and send what is due.
 */
static int
email_day(struct cli *cli, struct store *store, const char *day, int force)
{
	const struct email_conf *m = &cli->cfg->email;
	struct err e;
	long queued;
	enum rc rc;

	if (cli->dry_run) {
		log_info("dry run: the summary of %s is not e-mailed", day);
		return EXIT_OK;
	}
	if ((rc = store_begin(store, &e)) != RC_OK ||
	    (rc = outbox_email(cli->cfg, store, day, force ? EMAIL_AGAIN :
	    EMAIL_NOW, time(NULL), &queued, &e)) != RC_OK ||
	    (rc = store_commit(store, &e)) != RC_OK) {
		store_rollback(store);
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	/* Asked for by hand, so say why nothing goes out. */
	if ((size_t)queued < m->nto)
		log_warn("the summary of %s was sent before to %zu of %zu "
		    "recipients; --force sends it again", day,
		    m->nto - (size_t)queued, m->nto);
	return deliver_due(cli, store, KIND_EMAIL, NULL, 0);
}

static const char *
tzname_of(const struct cli *cli)
{
	return cli->cfg->cases.timezone ? cli->cfg->cases.timezone : "UTC";
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	const char *day = NULL, *dir = cli->cfg->report.output_dir;
	char yesterday[11], today[11];
	struct store *store;
	struct err e;
	enum rc rc;
	int i, st, email = 0, force = 0;

	for (i = 1; i < argc; i++) {
		if (take_opt(argc, argv, &i, "--date", &day) ||
		    take_opt(argc, argv, &i, "--out", &dir))
			continue;
		if (strcmp(argv[i], "--email") == 0) {
			email = 1;
			continue;
		}
		if (strcmp(argv[i], "--force") == 0) {
			force = 1;
			continue;
		}
		fprintf(stderr, "abuse-collector: report: unknown argument "
		    "'%s'\n", argv[i]);
		return EXIT_USAGE;
	}
	if (force && !email) {
		fprintf(stderr, "abuse-collector: report: --force goes with "
		    "--email\n");
		return EXIT_USAGE;
	}
	if (email && cli->cfg->email.line == 0) {
		log_error("report --email: %s has no [email] section",
		    cli->cfg->file);
		return EXIT_CONFIG;
	}
	if (day == NULL) {
		day_ago(1, yesterday);
		day = yesterday;
	} else if (!valid_day(day)) {
		fprintf(stderr, "abuse-collector: report: '%s' is not a date "
		    "(YYYY-MM-DD)\n", day);
		return EXIT_USAGE;
	}
	/* A day not over yet: the future has nothing to report; today's
	 * summary is written as far as it goes (run writes the whole day
	 * once it is over, as nothing marks it done here). */
	day_ago(0, today);
	if (strcmp(day, today) > 0) {
		fprintf(stderr, "abuse-collector: report: %s has not begun "
		    "(today is %s in time zone %s)\n", day, today,
		    tzname_of(cli));
		return EXIT_USAGE;
	}
	if (strcmp(day, today) == 0)
		log_warn("report: %s is today (time zone %s) and not "
		    "finished: the summary has the reports collected so far; "
		    "run writes the whole day after midnight", day,
		    tzname_of(cli));
	/* Sending writes the outbox: one sender at a time, like run. */
	if (email && !cli->dry_run && (st = take_lock(cli->cfg, 0)) != EXIT_OK)
		return st;
	if ((rc = cli_store(cli, !email || cli->dry_run, &store, &e)) !=
	    RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	st = write_day(cli, store, day, dir, 1);
	if (st == EXIT_OK && email)
		st = email_day(cli, store, day, force);
	store_close(store);
	return st;
}

/*
 * The days `run` writes: every day before today that has a case and no
 * summary yet, and yesterday even when it was quiet.
 */
struct days {
	char	(*v)[11];
	size_t	 n;
};

static int
add_day(void *arg, int n, const char *const *names, const char *const *vals)
{
	struct days *d = arg;

	if (n < 1 || vals[0] == NULL || !valid_day(vals[0]))
		return 0;
	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	snprintf(d->v[d->n++], 11, "%s", vals[0]);
	return 0;
}

/* Days this recent get the daily e-mail and summary.daily when their
 * summary is written; older ones (a backfill) get only the files. */
#define DAILY_RECENT	7

/*
 * A day's summary is written: mark it, and queue its e-mail and its
 * summary.daily events, in one transaction, so that a crash either
 * leaves the day to be written again or has it queued for sure.
 */
static int
day_done(struct cli *cli, struct session *s, const char *day, int send)
{
	struct err e;
	time_t now = time(NULL);
	enum rc rc;

	if ((rc = store_begin(s->store, &e)) != RC_OK ||
	    (rc = store_day_mark(s->store, day, &e)) != RC_OK ||
	    (send && (rc = outbox_daily(cli->cfg, s->store, day, now, &e)) !=
	    RC_OK) ||
	    (send && cli->cfg->email.line != 0 && (rc = outbox_email(cli->cfg,
	    s->store, day, EMAIL_ONCE, now, NULL, &e)) != RC_OK) ||
	    (rc = store_commit(s->store, &e)) != RC_OK) {
		store_rollback(s->store);
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	return EXIT_OK;
}

static int
report_due(struct cli *cli, struct session *s, long *queued)
{
	struct days d = { NULL, 0 };
	char today[11], yesterday[11], recent[11];
	struct err e;
	size_t i;
	int st = EXIT_OK, done;

	if (cli->dry_run)
		return EXIT_OK;
	day_ago(0, today);
	day_ago(1, yesterday);
	if (store_dump(s->store, DUMP_DAYS_DUE, DUMP_TEXT, today, NULL,
	    add_day, &d, &e) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(e.rc);
	}
	if ((done = store_day_reported(s->store, yesterday, &e)) < 0) {
		st = exit_for(e.rc);
		log_error("%s", e.msg);
		goto out;
	}
	if (!done && (d.n == 0 || strcmp(d.v[d.n - 1], yesterday) != 0))
		add_day(&d, 1, NULL, (const char *const[]){ yesterday });
	day_ago(DAILY_RECENT, recent);
	for (i = 0; i < d.n && st == EXIT_OK; i++) {
		if ((st = write_day(cli, s->store, d.v[i],
		    cli->cfg->report.output_dir, 0)) != EXIT_OK)
			break;
		if ((st = day_done(cli, s, d.v[i],
		    strcmp(d.v[i], recent) >= 0)) != EXIT_OK)
			break;
		(*queued)++;
	}
out:
	free(d.v);
	return st;
}

int
cmd_run(struct cli *cli, int argc, char **argv)
{
	struct session s;
	char msg[256];
	long queued = 0;
	int st;

	if (argc > 1) {
		fprintf(stderr, "abuse-collector: run takes no arguments\n");
		return EXIT_USAGE;
	}
	if ((st = session_open(&s, cli, "run")) != EXIT_OK)
		return st;
	collect_sources(&s, cli);
	/* What collecting queued goes out before the summaries are made,
	 * so their outbox section is current; what the summaries queue
	 * goes out right after them.  Not on a full disk: the next run
	 * does it all. */
	if (store_full(s.store))
		return session_close(&s, cli);
	if (s.status != EXIT_INTERNAL && (st = deliver_due(cli, s.store,
	    NULL, msg, sizeof(msg))) != EXIT_OK)
		record_error(&s, st, msg);
	if (s.status != EXIT_INTERNAL && (st = report_due(cli, &s,
	    &queued)) != EXIT_OK)
		note_error(&s, st, "writing the daily summaries failed");
	if (queued > 0 && s.status != EXIT_INTERNAL &&
	    (st = deliver_due(cli, s.store, NULL, msg, sizeof(msg))) !=
	    EXIT_OK)
		record_error(&s, st, msg);
	return session_close(&s, cli);
}
