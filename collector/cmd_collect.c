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

#include "alerts.h"
#include "cli.h"
#include "days.h"
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

/* The raw bytes of messages are kept for [store] keep_raw, those of
 * quarantined ones for keep_quarantine: those of older messages go
 * before new ones come. */
static enum rc
prune_raw(struct store *s, const struct config *c, struct err *e)
{
	time_t now = time(NULL);
	long n;
	enum rc rc;

	if ((rc = store_raw_prune(s, now - (time_t)c->keep_raw,
	    c->keep_quarantine > 0 ? now - (time_t)c->keep_quarantine : 0, &n,
	    e)) == RC_OK && n > 0)
		log_info("forgot the raw bytes of %ld messages stored more "
		    "than keep_raw (quarantined: keep_quarantine) ago", n);
	return rc;
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
	if (!cli->dry_run && (rc = prune_raw(s->store, cli->cfg, &e)) !=
	    RC_OK) {
		log_error("%s", e.msg);
		resolver_close(s->resolver);
		store_close(s->store);
		return exit_for(rc);
	}
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

static void
session_counts(struct session *s)
{
	const struct pipeline_stats *st = pipeline_stats(s->pipeline);

	s->counts.messages = st->messages;
	s->counts.reports = st->reports;
	s->counts.duplicates = st->duplicates;
	s->counts.quarantined = st->quarantined;
	s->counts.ignored = st->ignored;
}

/* The run's counters so far into its row, so that the summaries it
 * writes count what it collected. */
static void
session_progress(struct session *s)
{
	struct err e;

	session_counts(s);
	if (s->run_id != 0 && store_run_progress(s->store, s->run_id,
	    &s->counts, &e) != RC_OK)
		log_warn("%s", e.msg);
}

/*
 * [metrics] textfile, once the run is recorded, so that it tells how the
 * run ended.  A file that cannot be written fails the run (monitoring
 * would see a stale file and nothing else): a full disk with 75, any
 * other problem with the file as a configuration error.
 */
int
cli_write_metrics(struct cli *cli, struct store *s)
{
	struct facts *f;
	struct err e;
	enum rc rc;
	int st;

	if ((rc = facts_read(&f, cli->cfg, s, time(NULL), &e)) != RC_OK) {
		st = exit_for(rc);
	} else {
		rc = metrics_write(f, cli->cfg->metrics_textfile, &e);
		facts_free(f);
		st = rc == RC_TEMP ? EXIT_TEMP : EXIT_CONFIG;
	}
	if (rc == RC_OK)
		return EXIT_OK;
	log_error("[metrics] textfile: %s", e.msg);
	return st;
}

static void
write_metrics(struct session *s, struct cli *cli)
{
	int st = cli_write_metrics(cli, s->store);

	/* The worst outcome decides, as in record_error. */
	if (st != EXIT_OK && (s->status == EXIT_OK || (st == EXIT_CONFIG &&
	    s->status == EXIT_TEMP)))
		s->status = st;
}

static int
session_close(struct session *s, struct cli *cli)
{
	const struct pipeline_stats *st = pipeline_stats(s->pipeline);
	char replayed[64] = "";
	struct err e;

	session_counts(s);
	if (st->replayed > 0)
		snprintf(replayed, sizeof(replayed), ", %ld out of the "
		    "quarantine", st->replayed);
	if (!cli->dry_run && st->committed < st->messages)
		log_info("%ld messages: %ld new reports, %ld duplicates, %ld "
		    "quarantined, %ld ignored%s; %ld of them not committed "
		    "(rolled back)", st->messages, st->reports,
		    st->duplicates, st->quarantined, st->ignored, replayed,
		    st->messages - st->committed);
	else
		log_info("%ld messages: %ld new reports, %ld duplicates, %ld "
		    "quarantined, %ld ignored%s%s", st->messages, st->reports,
		    st->duplicates, st->quarantined, st->ignored, replayed,
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
		/* A source failing or gone quiet for long: tell a person. */
		if (!cli->dry_run && rc != RC_FATAL && alerts_check(cli->cfg,
		    s->store, src, time(NULL), NULL, &e2) != RC_OK)
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

/* The role a configured source gives its messages. */
static enum role
source_role(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsources; i++)
		if (strcmp(c->sources[i].name, name) == 0)
			return c->sources[i].role;
	return ROLE_AUTO;
}

/*
 * Parse one quarantined message again, in a transaction of its own, and
 * say what became of it once that is committed: a line on standard
 * output.  RC_REJECT (already logged) when it cannot be retried.
 */
static enum rc
retry_one(struct cli *cli, struct session *s, int64_t id, struct err *e)
{
	struct pipeline_stats before = *pipeline_stats(s->pipeline);
	const struct pipeline_stats *after;
	struct quarantined q;
	struct origin o;
	int found;
	enum rc rc;

	if ((rc = pipeline_begin(s->pipeline, e)) != RC_OK)
		return rc;
	if ((rc = store_quarantine_get(s->store, id, &q, &found, e)) !=
	    RC_OK) {
		pipeline_abort(s->pipeline);
		return rc;
	}
	if (!found || q.raw == NULL) {
		pipeline_abort(s->pipeline);
		rc = err_set(e, RC_REJECT, "quarantine retry: message %lld %s",
		    (long long)id, !found ? "is not in the quarantine" :
		    "was not kept (its bytes were never read): import the "
		    "message again");
		quarantined_release(&q);
		return rc;
	}
	memset(&o, 0, sizeof(o));
	o.source = q.source;
	o.folder = q.folder;
	o.uidvalidity = q.uidvalidity;
	o.uid = q.uid;
	o.role = source_role(cli->cfg, q.source);
	o.arrived = q.arrived_at;
	rc = pipeline_replay(s->pipeline, &o, id, q.raw, q.raw_len, e);
	quarantined_release(&q);
	if (rc == RC_OK)
		rc = pipeline_commit(s->pipeline, e);
	else
		pipeline_abort(s->pipeline);
	if (rc != RC_OK)
		return rc;
	after = pipeline_stats(s->pipeline);
	if (after->replayed == before.replayed) {
		/* Read back for its new reason. */
		if ((rc = store_quarantine_get(s->store, id, &q, &found,
		    e)) != RC_OK)
			return rc;
		printf("%lld: still quarantined: %s\n", (long long)id,
		    found && q.reason ? q.reason : "-");
		quarantined_release(&q);
	} else if (after->ignored > before.ignored) {
		printf("%lld: not a report: stored as ignored\n",
		    (long long)id);
	} else {
		printf("%lld: parsed: %ld new report%s\n", (long long)id,
		    after->reports - before.reports,
		    after->reports - before.reports == 1 ? "" : "s");
	}
	/* One line per committed message, as it happens. */
	if (fflush(stdout) != 0)
		return err_set(e, RC_FATAL, "stdout: %s", strerror(errno));
	return RC_OK;
}

int
quarantine_retry(struct cli *cli, int argc, char **argv)
{
	struct session s;
	struct err e;
	int64_t *ids = NULL;
	long long v;
	size_t n = 0, i;
	int k, all = 0, st;
	enum rc rc;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--all") == 0) {
			all = 1;
			continue;
		}
		if (parse_ll(argv[k], 1, INT64_MAX, &v) < 0) {
			fprintf(stderr, "abuse-collector: quarantine retry: "
			    "'%s' is not a message id\n", argv[k]);
			free(ids);
			return EXIT_USAGE;
		}
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = v;
	}
	if (all && n > 0) {
		fprintf(stderr, "abuse-collector: quarantine retry: --all or "
		    "IDs, not both\n");
		free(ids);
		return EXIT_USAGE;
	}
	if ((st = take_lock(cli->cfg, cli->dry_run)) != EXIT_OK ||
	    (st = session_open(&s, cli, "quarantine retry")) != EXIT_OK) {
		free(ids);
		return st;
	}
	if (n == 0 && (rc = store_quarantine_ids(s.store, all, &ids, &n,
	    &e)) != RC_OK)
		note_error(&s, exit_for(rc), e.msg);
	for (i = 0; i < n; i++) {
		err_clear(&e);
		if ((rc = retry_one(cli, &s, ids[i], &e)) == RC_OK)
			continue;
		note_error(&s, rc == RC_REJECT ? EXIT_DATAERR : exit_for(rc),
		    e.msg);
		if (rc != RC_REJECT)
			break;
	}
	free(ids);
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

/* Days this recent get the daily e-mail and summary.daily when they
 * settle; older ones (a backfill) get only the files. */
#define DAILY_RECENT	7

/*
 * Record what became of a day in one transaction with what it queues
 * (its e-mail and summary.daily, or an update), so that a crash either
 * leaves the day to be done again or has it queued for sure.
 */
static int
day_record(struct cli *cli, struct session *s, const struct day_row *r,
    unsigned plan, time_t now)
{
	const struct config *c = cli->cfg;
	char *digest = day_digest(r, now >= day_settles_at(r->day,
	    c->report.send_after)), *text = NULL, *p;
	struct day_diff d;
	struct err e;
	enum rc rc;
	int st = EXIT_OK;

	memset(&d, 0, sizeof(d));
	if (plan & DAY_UPDATE)
		day_diff(r->sent_set, r->set, &d);
	if ((rc = store_begin(s->store, &e)) != RC_OK ||
	    ((plan & (DAY_WRITE | DAY_ADOPT)) && (rc = store_day_written(
	    s->store, r->day, digest, plan & DAY_WRITE ? now : 0, &e)) !=
	    RC_OK) ||
	    ((plan & DAY_DAILY) && (rc = outbox_daily(c, s->store, r->day,
	    now, &e)) != RC_OK) ||
	    ((plan & DAY_DAILY) && c->email.line != 0 && (rc = outbox_email(c,
	    s->store, r->day, EMAIL_ONCE, now, NULL, &e)) != RC_OK) ||
	    ((plan & DAY_DAILY) && (rc = store_day_sent(s->store, r->day,
	    r->set, 0, now, &e)) != RC_OK) ||
	    ((plan & DAY_UPDATE) && (rc = outbox_update(c, s->store, r->day,
	    r->updates + 1, &d, now, &e)) != RC_OK) ||
	    ((plan & DAY_UPDATE) && (rc = store_day_sent(s->store, r->day,
	    r->set, r->updates + 1, now, &e)) != RC_OK) ||
	    (rc = store_commit(s->store, &e)) != RC_OK) {
		store_rollback(s->store);
		log_error("%s", e.msg);
		st = exit_for(rc);
		goto out;
	}
	if (plan & DAY_UPDATE) {
		/* The mail's lines ("  a: now confirmed\n") as one line. */
		text = day_diff_text(&d);
		for (p = text; (p = strstr(p, "\n  ")) != NULL; ) {
			p[0] = ';';
			memmove(p + 2, p + 3, strlen(p + 3) + 1);
		}
		text[strcspn(text, "\n")] = '\0';
		log_info("summary of %s: update %ld queued: %s", r->day,
		    r->updates + 1, text + strspn(text, " "));
	}
out:
	free(text);
	free(digest);
	day_diff_release(&d);
	return st;
}

/*
 * The daily step of run: every day before today whose summary changed
 * since it was written (and yesterday, even when it was quiet) is
 * written again; settled days are mailed once, then updated.
 */
static int
report_due(struct cli *cli, struct session *s, long *queued)
{
	struct day_row *rows = NULL;
	struct day_rules k;
	char today[11], yesterday[11];
	struct err e;
	size_t i, n = 0;
	unsigned plan;
	int st = EXIT_OK;

	if (cli->dry_run)
		return EXIT_OK;
	k.now = time(NULL);
	k.send_after = cli->cfg->report.send_after;
	k.update_interval = cli->cfg->report.update_interval;
	day_ago(DAILY_RECENT, k.recent);
	day_ago(0, today);
	day_ago(1, yesterday);
	if (store_days_list(s->store, today, yesterday, &rows, &n, &e) !=
	    RC_OK) {
		log_error("%s", e.msg);
		return exit_for(e.rc);
	}
	for (i = 0; i < n && st == EXIT_OK; i++) {
		plan = day_plan(&rows[i], day_settles_at(rows[i].day,
		    k.send_after), &k);
		if ((plan & DAY_WRITE) && (st = write_day(cli, s->store,
		    rows[i].day, cli->cfg->report.output_dir, 0)) != EXIT_OK)
			break;
		if (plan & DAY_HELD)
			log_info("summary of %s: its customers changed; the "
			    "update waits for [report] update_interval",
			    rows[i].day);
		if ((plan & ~DAY_HELD) == 0)
			continue;
		if ((st = day_record(cli, s, &rows[i], plan, k.now)) !=
		    EXIT_OK)
			break;
		if (plan & (DAY_DAILY | DAY_UPDATE))
			(*queued)++;
	}
	store_days_free(rows, n);
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
	if (s.status != EXIT_INTERNAL)
		session_progress(&s);
	if (s.status != EXIT_INTERNAL && (st = report_due(cli, &s,
	    &queued)) != EXIT_OK)
		note_error(&s, st, "writing the daily summaries failed");
	if (queued > 0 && s.status != EXIT_INTERNAL &&
	    (st = deliver_due(cli, s.store, NULL, msg, sizeof(msg))) !=
	    EXIT_OK)
		record_error(&s, st, msg);
	/* Once a day, what is older than [store] keep goes. */
	if (s.status != EXIT_INTERNAL && !store_full(s.store) &&
	    (st = prune_daily(cli, s.store, msg, sizeof(msg))) != EXIT_OK)
		record_error(&s, st, msg);
	return session_close(&s, cli);
}
