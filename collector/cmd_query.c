/*
 * The commands that read: parse, reports, cases, status, check-config;
 * and the helpers every command shares.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../reporters/csv.h"
#include "bounds.h"
#include "cli.h"
#include "cli_table.h"
#include "correlate.h"
#include "evidence.h"
#include "files.h"
#include "formats/formats.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "netaddr.h"
#include "resolve.h"
#include "store.h"

int
exit_for(enum rc rc)
{
	switch (rc) {
	case RC_OK: return EXIT_OK;
	case RC_TEMP: return EXIT_TEMP;
	case RC_REJECT: return EXIT_INTERNAL;
	default: return EXIT_INTERNAL;
	}
}

/*
 * The store, its -wal and -shm and its lock hold personal data and raw
 * mail: their mode and group come from the configuration, never from the
 * umask.  A store left wider by an earlier version is narrowed (said
 * once, with -v).
 */
static void
said(const struct config *c, const char *path, int old)
{
	if (old >= 0)
		log_info("%s had mode %04o; now %04o%s%s", path, old,
		    (unsigned)config_store_mode(c), c->store_group ?
		    ", group " : "", c->store_group ? c->store_group : "");
}

enum rc
cli_secure_file(const struct config *c, const char *path, int create,
    struct err *e)
{
	int old;
	enum rc rc;

	rc = file_secure(path, config_store_mode(c), c->store_gid, create,
	    &old, e);
	said(c, path, old);
	return rc;
}

/*
 * -wal and -shm: before the store is opened, those an earlier run left
 * behind; after, those SQLite made, which have the store's mode but the
 * process's group.  Once SQLite has them open they are changed by name
 * only (file_secure_held): closing a descriptor would drop its locks.
 */
static enum rc
secure_store_files(const struct config *c, int opened, struct err *e)
{
	static const char *const companion[] = { "-wal", "-shm" };
	char *path;
	size_t i;
	int old;
	enum rc rc = RC_OK;

	for (i = 0; i < 2 && rc == RC_OK; i++) {
		path = xasprintf("%s%s", c->store_path, companion[i]);
		if (opened) {
			rc = file_secure_held(path, config_store_mode(c),
			    c->store_gid, &old, e);
			said(c, path, old);
		} else {
			rc = cli_secure_file(c, path, 0, e);
		}
		free(path);
	}
	return rc;
}

enum rc
cli_store(struct cli *cli, int readonly, struct store **s, struct err *e)
{
	const char *path = cli->cfg->store_path;
	enum rc rc;

	if (cli->dry_run && access(path, F_OK) != 0)
		return store_open(s, path, STORE_SCRATCH, e);
	if (readonly && access(path, F_OK) != 0)
		return err_set(e, RC_FATAL, "no store at %s yet: run "
		    "'abuse-collector collect' first", path);
	/* Created here, before SQLite would create it under the umask.  A
	 * dry run changes nothing, modes included. */
	if (!cli->dry_run &&
	    ((rc = cli_secure_file(cli->cfg, path, !readonly, e)) != RC_OK ||
	    (rc = secure_store_files(cli->cfg, 0, e)) != RC_OK))
		return rc;
	if ((rc = store_open(s, path, readonly ? STORE_READONLY : 0, e)) !=
	    RC_OK)
		return rc;
	if (!cli->dry_run &&
	    (rc = secure_store_files(cli->cfg, 1, e)) != RC_OK) {
		store_close(*s);
		*s = NULL;
	}
	return rc;
}

int
valid_day(const char *s)
{
	struct tm tm;
	const char *end;
	char back[11];

	if (strlen(s) != 10)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return 0;
	/* strptime accepts 2026-02-31; a round trip does not. */
	tm.tm_hour = 12;
	if (timegm(&tm) == (time_t)-1 ||
	    strftime(back, sizeof(back), "%Y-%m-%d", &tm) != 10)
		return 0;
	return strcmp(back, s) == 0;
}

void
day_ago(int n, char out[11])
{
	day_of(time(NULL) - (time_t)n * 86400, out);
}

int
take_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*value = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "abuse-collector: %s needs a value\n", name);
		exit(EXIT_USAGE);
	}
	*value = argv[++*i];
	return 1;
}

static char *
jset(char *doc, const char *k, const char *v)
{
	char *n;

	if (v == NULL)
		return doc;
	n = json_set_str(doc, k, v);
	free(doc);
	return n;
}

/* One line per file; file (with several files) says which. */
static void
print_json(const struct report *r, const char *file)
{
	char when[21], *doc = NULL, *arr = NULL, *t;
	size_t i;

	doc = jset(doc, "file", file);
	doc = jset(doc, "format", r->format);
	if (r->status != MSG_PARSED) {
		doc = jset(doc, "status", status_name(r->status));
		doc = jset(doc, "kind", r->kind);
		doc = jset(doc, "reason", r->reason);
	}
	if (r->role != ROLE_AUTO)
		doc = jset(doc, "role", role_name(r->role));
	doc = jset(doc, "feedback_type", r->feedback_type);
	doc = jset(doc, "category", r->category);
	doc = jset(doc, "reporter", r->reporter);
	if (r->occurred_at != 0) {
		iso8601_utc(r->occurred_at, when);
		doc = jset(doc, "occurred_at", when);
	}
	doc = jset(doc, "source_ip", r->source_ip);
	doc = jset(doc, "origin_ip", r->origin_ip);
	doc = jset(doc, "auth_user", r->auth_user);
	doc = jset(doc, "identity_header", r->identity_header);
	doc = jset(doc, "mail_from", r->mail_from);
	if (r->nrcpt > 0) {
		for (i = 0; i < r->nrcpt; i++) {
			t = json_append_str(arr, r->rcpt_to[i]);
			free(arr);
			arr = t;
		}
		t = json_set_json(doc, "rcpt_to", arr);
		free(doc);
		doc = t;
		free(arr);
	}
	doc = jset(doc, "subject", r->subject);
	doc = jset(doc, "message_id", r->message_id);
	doc = jset(doc, "envelope_id", r->envelope_id);
	doc = jset(doc, "outgoing_class", r->outgoing_class);
	if (r->review) {
		t = json_set_json(doc, "review", "true");
		free(doc);
		doc = t;
	}
	doc = jset(doc, "customer", r->customer);
	doc = jset(doc, "resolved_by", r->resolved_by);
	doc = jset(doc, "resolve_note", r->resolve_note);
	if (r->unverified)
		doc = jset(doc, "state", "unverified");
	doc = jset(doc, "evidence", r->evidence);
	puts(doc);
	free(doc);
}

/* The "file:" line of the text output, its name without control
 * characters. */
static void
print_file(const char *name)
{
	char *n = xstrdup(name);

	ctl_blank(n, strlen(n));
	printf("file: %s\n", n);
	free(n);
}

/* A file that could not be read: a JSON object with the file and the
 * error, or with several files a text block saying the same. */
static void
print_failed(int json, int several, int *first, const char *file,
    const char *msg)
{
	char *doc = NULL;

	if (json) {
		doc = jset(doc, "file", file);
		doc = jset(doc, "error", msg);
		puts(doc);
		free(doc);
		return;
	}
	if (!several)
		return;
	if (!*first)
		putchar('\n');
	*first = 0;
	print_file(file);
	doc = xstrdup(msg);
	ctl_blank(doc, strlen(doc));
	printf("error: %s\n", doc);
	free(doc);
}

int
cmd_parse(struct cli *cli, int argc, char **argv)
{
	struct resolver *res = NULL;
	struct parse_opts o;
	struct limits lim;
	int i, json = 0, first = 1, nfiles = 0, status = EXIT_OK;

	memset(&o, 0, sizeof(o));
	limits_default(&lim);
	o.lim = &lim;
	if (cli->cfg != NULL) {
		struct err e;

		config_parse_opts(cli->cfg, &o);
		if (resolver_open(&res, cli->cfg, NULL, &e) != RC_OK) {
			log_error("%s", e.msg);
			return EXIT_CONFIG;
		}
	}
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			nfiles++;
	for (i = 1; i < argc; i++) {
		struct report r;
		struct err e;
		char *data;
		size_t len;
		enum rc rc;

		if (strcmp(argv[i], "--json") == 0)
			continue;
		if (strcmp(argv[i], "-") == 0)
			rc = read_file("/dev/stdin", o.lim->message_size, &data,
			    &len, &e);
		else
			rc = read_file(argv[i], o.lim->message_size, &data,
			    &len, &e);
		if (rc != RC_OK) {
			log_error("parse: %s", e.msg);
			status = EXIT_NOINPUT;
			/* Output stays aligned with the arguments: one
			 * line (or block) per file, this one an error. */
			print_failed(json, nfiles > 1, &first, argv[i], e.msg);
			continue;
		}
		report_init(&r);
		message_parse(data, len, &o, &r);
		if (res != NULL && r.status == MSG_PARSED)
			(void)evidence_resolve(res, &r, r.occurred_at ?
			    r.occurred_at : time(NULL));
		if (json) {
			print_json(&r, nfiles > 1 ? argv[i] : NULL);
		} else {
			if (!first)
				putchar('\n');
			if (nfiles > 1)
				print_file(argv[i]);
			report_print(stdout, &r);
		}
		first = 0;
		report_release(&r);
		free(data);
	}
	if (first && status == EXIT_OK) {
		fprintf(stderr, "abuse-collector: parse needs a FILE (or -)\n");
		status = EXIT_USAGE;
	}
	resolver_close(res);
	return status;
}

/* Output of the dump commands. */
struct out {
	int	json;
};

static int
dump_row(void *arg, int n, const char *const *names, const char *const *vals)
{
	struct out *o = arg;

	if (o->json) {
		/* SQLite escapes C0 in JSON strings, not C1 or the
		 * bidirectional overrides that rows stored by older
		 * versions may hold. */
		char *v = xstrdup(vals[0] ? vals[0] : "{}");

		ctl_blank(v, strlen(v));
		puts(v);
		free(v);
		return 0;
	}
	csv_row(stdout, n, vals);
	return 0;
}

/* The columns of the table on a terminal. */
static const struct table_col report_table[] = { { "id", 10 },
	{ "occurred_at", 20 }, { "format", 12 }, { "role", 8 },
	{ "customer", 24 }, { "source_ip", 39 }, { "auth_user", 28 },
	{ "subject", 40 }, { "state", 10 } };
static const struct table_col review_table[] = { { "id", 10 },
	{ "occurred_at", 20 }, { "reporter", 28 },
	{ "suggested_customer", 24 }, { "subject", 40 } };
static const struct table_col case_table[] = { { "day", 10 },
	{ "customer", 28 }, { "confidence", 10 }, { "score", 7 },
	{ "internal_reports", 8 }, { "external_reports", 8 },
	{ "distinct_source_ips", 8 }, { "escalated", 3 } };

/* Shared by reports and cases: args as store_dump_args takes them.
 * Without --format, a table on a terminal and CSV elsewhere. */
static int
dump(struct cli *cli, enum dump which, const char *const *args, int nargs,
    const char *format)
{
	struct out o = { 0 };
	struct cli_table *t = NULL;
	struct store *s;
	struct err e;
	enum rc rc;

	if (format == NULL && isatty(STDOUT_FILENO)) {
		if (which == DUMP_CASES)
			t = cli_table_new(case_table, sizeof(case_table) /
			    sizeof(case_table[0]));
		else if (which == DUMP_REVIEW)
			t = cli_table_new(review_table, sizeof(review_table) /
			    sizeof(review_table[0]));
		else
			t = cli_table_new(report_table, sizeof(report_table) /
			    sizeof(report_table[0]));
	} else if (format != NULL && strcmp(format, "json") == 0) {
		o.json = 1;
	} else if (format != NULL && strcmp(format, "csv") != 0) {
		fprintf(stderr, "abuse-collector: --format is csv or json\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_store(cli, 1, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		cli_table_free(t);
		return exit_for(rc);
	}
	/* CSV always starts with its header, rows or not. */
	rc = o.json || t != NULL ? RC_OK :
	    store_dump_header(s, which, dump_row, &o, &e);
	if (rc == RC_OK)
		rc = store_dump_args(s, which, o.json ? DUMP_JSON : DUMP_TEXT,
		    args, nargs, t != NULL ? cli_table_row : dump_row,
		    t != NULL ? (void *)t : (void *)&o, &e);
	if (rc != RC_OK)
		log_error("%s", e.msg);
	else if (t != NULL)
		cli_table_print(t, stdout, "--format csv has them all, and "
		    "every column");
	cli_table_free(t);
	store_close(s);
	if (fflush(stdout) != 0)
		return EXIT_INTERNAL;
	return exit_for(rc);
}

static int
bad_day(const char *what, const char *d)
{
	if (d == NULL || valid_day(d))
		return 0;
	fprintf(stderr, "abuse-collector: %s: '%s' is not a date "
	    "(YYYY-MM-DD)\n", what, d);
	return 1;
}

/* A search value: not empty, at most max bytes, no control
 * characters. */
static int
bad_value(const char *what, const char *v, size_t max)
{
	size_t n, i;

	if (v == NULL)
		return 0;
	n = strlen(v);
	for (i = 0; i < n && ctl_len(v + i, n - i) == 0; i++)
		;
	if (n > 0 && n <= max && i == n)
		return 0;
	fprintf(stderr, "abuse-collector: %s: must be 1 to %zu bytes "
	    "without control characters\n", what, max);
	return 1;
}

int
cmd_reports(struct cli *cli, int argc, char **argv)
{
	/* since, until, customer, ip, user, message-id */
	const char *a[6] = { NULL }, *format = NULL;
	char *mid = NULL;
	struct prefix p;
	int i, review = 0, st;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--review") == 0) {
			review = 1;
			continue;
		}
		if (take_opt(argc, argv, &i, "--since", &a[0]) ||
		    take_opt(argc, argv, &i, "--until", &a[1]) ||
		    take_opt(argc, argv, &i, "--customer", &a[2]) ||
		    take_opt(argc, argv, &i, "--ip", &a[3]) ||
		    take_opt(argc, argv, &i, "--user", &a[4]) ||
		    take_opt(argc, argv, &i, "--message-id", &a[5]) ||
		    take_opt(argc, argv, &i, "--format", &format))
			continue;
		fprintf(stderr, "abuse-collector: reports: unknown argument "
		    "'%s'\n", argv[i]);
		return EXIT_USAGE;
	}
	if (bad_day("--since", a[0]) || bad_day("--until", a[1]) ||
	    bad_value("--customer", a[2], MAX_CUSTOMER_LEN) ||
	    bad_value("--user", a[4], 998) ||
	    bad_value("--message-id", a[5], 998))
		return EXIT_USAGE;
	if (a[3] != NULL && prefix_parse(a[3], strlen(a[3]), &p) < 0) {
		fprintf(stderr, "abuse-collector: --ip: '%s' is not an "
		    "address or a prefix ADDR/LEN without host bits\n", a[3]);
		return EXIT_USAGE;
	}
	if (review && (a[2] || a[3] || a[4] || a[5])) {
		fprintf(stderr, "abuse-collector: reports: --review lists "
		    "what waits for review; search without it\n");
		return EXIT_USAGE;
	}
	if (a[5] != NULL) {
		/* With or without its angle brackets. */
		const char *v = a[5];
		size_t n = strlen(v);

		if (n >= 2 && v[0] == '<' && v[n - 1] == '>')
			mid = xstrndup(v + 1, n - 2);
		else
			mid = xstrdup(v);
		a[5] = mid;
	}
	st = dump(cli, review ? DUMP_REVIEW : DUMP_REPORTS, a, 6, format);
	free(mid);
	return st;
}

int
cmd_cases(struct cli *cli, int argc, char **argv)
{
	/* day, customer, since, until */
	const char *a[4] = { NULL }, *format = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (take_opt(argc, argv, &i, "--date", &a[0]) ||
		    take_opt(argc, argv, &i, "--customer", &a[1]) ||
		    take_opt(argc, argv, &i, "--since", &a[2]) ||
		    take_opt(argc, argv, &i, "--until", &a[3]) ||
		    take_opt(argc, argv, &i, "--format", &format))
			continue;
		fprintf(stderr, "abuse-collector: cases: unknown argument "
		    "'%s'\n", argv[i]);
		return EXIT_USAGE;
	}
	if (bad_day("--date", a[0]) || bad_day("--since", a[2]) ||
	    bad_day("--until", a[3]) ||
	    bad_value("--customer", a[1], MAX_CUSTOMER_LEN))
		return EXIT_USAGE;
	return dump(cli, DUMP_CASES, a, 4, format);
}

struct status_ctx {
	const struct config	*c;
	int			*listed;
};

static int
status_source(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct status_ctx *sc = arg;
	size_t i;

	for (i = 0; i < sc->c->nsources; i++)
		if (v[0] && strcmp(sc->c->sources[i].name, v[0]) == 0)
			sc->listed[i] = 1;
	printf("source %s, folder %s:\n", v[0] ? v[0] : "?",
	    v[1] ? v[1] : "-");
	if (v[2] != NULL)
		printf("  uidvalidity %s, last uid %s\n", v[2], v[3]);
	/* A message that was a duplicate is fetched and committed, but
	 * stored under the source that brought it first. */
	printf("  last message stored %s, last fetched %s\n  %s messages: "
	    "%s parsed, %s quarantined, %s ignored; %s duplicates of "
	    "messages stored before\n", v[4] ? v[4] : "never",
	    v[9] ? v[9] : "never", v[5], v[6], v[7], v[8], v[10]);
	return 0;
}

static int
status_totals(void *arg, int n, const char *const *names,
    const char *const *v)
{
	printf("messages: %s, reports: %s\nquarantine: %s messages, %s "
	    "bytes\noutbox: %s waiting, %s dead letters\nlast run: %s "
	    "(%s)\n", v[0], v[1], v[2], v[3], v[4], v[5],
	    v[6] ? v[6] : "never", v[7] ? v[7] : "-");
	if (n > 9)
		printf("review: %s complaints wait (abuse-collector reports "
		    "--review), %s reports dismissed\n", v[8], v[9]);
	if (n > 10 && v[10] != NULL && strcmp(v[10], "0") != 0)
		printf("interrupted runs: %s (killed, or the machine stopped, "
		    "before they recorded their end)\n", v[10]);
	return 0;
}

/* A message runs died on, not yet stored. */
static int
status_strike(void *arg, int n, const char *const *names,
    const char *const *v)
{
	(void)arg;
	(void)n;
	(void)names;
	printf("source %s, folder %s: message %s: %s run(s) died while "
	    "working on it, the last while %s it; at 2 it is quarantined "
	    "unparsed\n", v[0], v[1], v[2], v[3], v[4]);
	return 0;
}

/* Messages stored whose after action the server has not done yet. */
static int
status_pending(void *arg, int n, const char *const *names,
    const char *const *v)
{
	const char *target = v[3] ? v[3] : "";

	printf("source %s, folder %s: %s messages wait for after = %s%s%s "
	    "since %s\n", v[0] ? v[0] : "?", v[1] ? v[1] : "-", v[4],
	    v[2] ? v[2] : "?", *target ? ":" : "", target, v[5] ? v[5] : "?");
	if (v[6] != NULL && strcmp(v[6], "0") != 0)
		printf("  refused by the server in %s runs; last answer: %s\n",
		    v[6], v[7] ? v[7] : "-");
	return 0;
}

/* "dsn 3, auto-reply 1" after the label printed before the first row. */
static int
status_kind(void *arg, int n, const char *const *names,
    const char *const *v)
{
	int *first = arg;

	printf("%s%s %s", *first ? "" : ", ", v[0] ? v[0] : "other",
	    v[1] ? v[1] : "0");
	*first = 0;
	return 0;
}

/* Whether a source of this name is configured (still). */
static int
configured(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < c->nsources; i++)
		if (strcmp(c->sources[i].name, name) == 0)
			return 1;
	return 0;
}

/* A configured source's last error: while it lasts, since when and how
 * often; once the source went through again, that it did. */
static int
status_health(void *arg, int n, const char *const *names,
    const char *const *v)
{
	char *msg;

	(void)n;
	(void)names;
	if (!configured(arg, v[0]) || v[2] == NULL)
		return 0;
	msg = xstrdup(v[2]);
	ctl_blank(msg, strlen(msg));
	if (v[3] != NULL)
		printf("source %s: failing since %s (%s collection%s in a "
		    "row; last without error: %s)\n  last error %s: %s\n",
		    v[0], v[3], v[4], strcmp(v[4], "1") == 0 ? "" : "s",
		    v[5] ? v[5] : "never", v[1] ? v[1] : "?", msg);
	else
		printf("source %s: last error %s: %s (since then: ok at "
		    "%s)\n", v[0], v[1] ? v[1] : "?", msg, v[5] ? v[5] : "?");
	free(msg);
	return 0;
}

/* A configured source's open alerts, and what closes each. */
static int
status_alert(void *arg, int n, const char *const *names,
    const char *const *v)
{
	(void)n;
	(void)names;
	if (!configured(arg, v[0]))
		return 0;
	if (v[1] != NULL)
		printf("source %s: alert source.failing open since %s (until "
		    "a collection goes through)\n", v[0], v[1]);
	if (v[2] != NULL)
		printf("source %s: alert source.silent open since %s (until "
		    "mail comes)\n", v[0], v[2]);
	return 0;
}

/* The newest STATUS_DEAD_MAX dead letters and why each was given up;
 * the number of the others. */
struct dead_ctx {
	long	 n;
};

static int
status_dead(void *arg, int n, const char *const *names,
    const char *const *v)
{
	struct dead_ctx *d = arg;
	char *why;

	(void)n;
	(void)names;
	if (d->n++ >= STATUS_DEAD_MAX)
		return 0;
	why = xstrdup(v[6] != NULL ? v[6] : "?");
	ctl_blank(why, strlen(why));
	printf("dead letter %s %s", v[0], v[1]);
	if (v[4] != NULL && v[5] != NULL)
		printf(" %s %s", v[4], v[5]);
	printf(" (queued %s, %s attempt%s):\n  %s\n", v[2] ? v[2] : "?",
	    v[3], strcmp(v[3], "1") == 0 ? "" : "s", why);
	free(why);
	return 0;
}

/* status --json: what the metrics file says, for scripts. */
static int
status_json(struct cli *cli)
{
	struct facts *f;
	struct store *s;
	struct err e;
	char *doc, *t;
	enum rc rc;

	if ((rc = cli_store(cli, 1, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	rc = facts_read(&f, cli->cfg, s, time(NULL), &e);
	store_close(s);
	if (rc != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	doc = facts_json(f);
	facts_free(f);
	t = json_set_str(doc, "store", cli->cfg->store_path);
	puts(t);
	free(doc);
	free(t);
	return fflush(stdout) != 0 ? EXIT_INTERNAL : EXIT_OK;
}

/* When prune last ran ([store] keep) and what it removed. */
static enum rc
status_prune(struct store *s, struct err *e)
{
	char horizon[11], when[21], *removed;
	time_t at;
	enum rc rc;

	if ((rc = store_prune_last(s, &at, horizon, &removed, e)) != RC_OK)
		return rc;
	if (at == 0) {
		printf("last prune: never\n");
		return RC_OK;
	}
	iso8601_utc(at, when);
	printf("last prune: %s%s%s: removed %s\n", when,
	    horizon[0] ? ", the days before " : "", horizon,
	    removed ? removed : "nothing");
	free(removed);
	return RC_OK;
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	struct status_ctx sc;
	struct store *s;
	struct err e;
	size_t i;
	enum rc rc;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		return status_json(cli);
	if (argc > 1) {
		fprintf(stderr, "abuse-collector: status takes no arguments "
		    "but --json\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_store(cli, 1, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	sc.c = cli->cfg;
	sc.listed = xcalloc(cli->cfg->nsources + 1, sizeof(int));
	printf("store: %s\n", cli->cfg->store_path);
	rc = store_dump(s, DUMP_STATUS_TOTALS, DUMP_TEXT, NULL, NULL,
	    status_totals, NULL, &e);
	if (rc == RC_OK) {
		int first = 1;

		/* Mail that is not a report, stored and never counted. */
		printf("not reports (ignored): ");
		rc = store_dump(s, DUMP_STATUS_IGNORED, DUMP_TEXT, NULL, NULL,
		    status_kind, &first, &e);
		printf("%s\n", first ? "none" : "");
	}
	if (rc == RC_OK)
		rc = store_dump(s, DUMP_STATUS_SOURCES, DUMP_TEXT, NULL, NULL,
		    status_source, &sc, &e);
	for (i = 0; rc == RC_OK && i < cli->cfg->nsources; i++)
		if (!sc.listed[i])
			printf("source %s: nothing collected yet\n",
			    cli->cfg->sources[i].name);
	if (rc == RC_OK)
		rc = store_dump(s, DUMP_STATUS_HEALTH, DUMP_TEXT, NULL, NULL,
		    status_health, cli->cfg, &e);
	if (rc == RC_OK)
		rc = store_dump(s, DUMP_STATUS_ALERTS, DUMP_TEXT, NULL, NULL,
		    status_alert, cli->cfg, &e);
	if (rc == RC_OK)
		rc = store_strike_list(s, status_strike, NULL, &e);
	if (rc == RC_OK)
		rc = store_dump(s, DUMP_STATUS_PENDING, DUMP_TEXT, NULL, NULL,
		    status_pending, NULL, &e);
	if (rc == RC_OK) {
		struct dead_ctx d = { 0 };

		rc = store_dump(s, DUMP_STATUS_DEAD, DUMP_TEXT, NULL, NULL,
		    status_dead, &d, &e);
		if (d.n > STATUS_DEAD_MAX)
			printf("... and %ld older dead letters (the summary "
			    "lists them; deliver --retry-dead queues them "
			    "again)\n", d.n - STATUS_DEAD_MAX);
	}
	if (rc == RC_OK)
		rc = status_prune(s, &e);
	if (rc != RC_OK)
		log_error("%s", e.msg);
	free(sc.listed);
	store_close(s);
	return exit_for(rc);
}
