/*
 * The facts for monitoring, gathered once and written as Prometheus text
 * or as JSON.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "files.h"
#include "json.h"
#include "metrics.h"

/* One row of a group: its label (source, format, target) and counts. */
struct frow {
	char		*key;
	long long	 v[4];
	int		 known;		/* v[1] of FACT_SOURCES is not NULL */
};

struct fgroup {
	struct frow	*r;
	size_t		 n;
};

struct facts {
	time_t		 now;
	char		 today[11];
	struct fgroup	 g[FACT_COUNT];
	/* Configured sources, in configuration order: failures, the
	 * newest message (known = 0: none yet), and when source.failing
	 * and source.silent were raised (0: not open). */
	struct fgroup	 sources;
};

static long long
num(const char *v)
{
	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

/* Rows of FACT_RUN, _MESSAGES, _REPORTS, _OUTBOX and _SOURCES have
 * their label first; _CASES and _QUARANTINE have none. */
static int
keyed(enum fact which)
{
	return which != FACT_CASES && which != FACT_QUARANTINE;
}

static int
add_row(void *arg, enum fact which, int n, const char *const *v)
{
	struct facts *f = arg;
	struct fgroup *g = &f->g[which];
	struct frow *r;
	int i, k = keyed(which);

	g->r = xrealloc(g->r, (g->n + 1) * sizeof(*g->r));
	r = &g->r[g->n++];
	memset(r, 0, sizeof(*r));
	r->key = xstrdup(k && v[0] != NULL ? v[0] : "");
	for (i = k; i < n && i - k < 4; i++)
		r->v[i - k] = num(v[i]);
	r->known = n > k + 1 && v[k + 1] != NULL;
	return 0;
}

enum rc
facts_read(struct facts **fp, const struct config *c, struct store *s,
    time_t now, struct err *e)
{
	struct facts *f = xcalloc(1, sizeof(*f));
	const struct fgroup *h;
	struct frow *r;
	size_t i, j;
	enum rc rc;

	f->now = now;
	day_of(now, f->today);
	if ((rc = store_facts(s, f->today, add_row, f, e)) != RC_OK) {
		facts_free(f);
		*fp = NULL;
		return rc;
	}
	h = &f->g[FACT_SOURCES];
	f->sources.r = xcalloc(c->nsources + 1, sizeof(*f->sources.r));
	for (i = 0; i < c->nsources; i++) {
		r = &f->sources.r[f->sources.n++];
		r->key = xstrdup(c->sources[i].name);
		for (j = 0; j < h->n; j++)
			if (strcmp(h->r[j].key, r->key) == 0) {
				memcpy(r->v, h->r[j].v, sizeof(r->v));
				r->known = h->r[j].known;
			}
	}
	*fp = f;
	return RC_OK;
}

static void
group_free(struct fgroup *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->r[i].key);
	free(g->r);
}

void
facts_free(struct facts *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < FACT_COUNT; i++)
		group_free(&f->g[i]);
	group_free(&f->sources);
	free(f);
}

char *
prom_escape(const char *v)
{
	char *out = xcalloc(2 * strlen(v) + 1, 1), *o = out;

	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"') {
			*o++ = '\\';
			*o++ = *v;
		} else if (*v == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else
			*o++ = *v;
	}
	*o = '\0';
	return out;
}

/* One metric family: its name, HELP text and type. */
struct family {
	const char	*name;
	const char	*help;
};

static const struct family fam[] = {
#define M_RUN_START	0
	{ "last_run_timestamp_seconds",
	    "When the last finished run, collect or import started (Unix "
	    "time)." },
#define M_RUN_DURATION	1
	{ "last_run_duration_seconds",
	    "How long the last finished run, collect or import took." },
#define M_RUN_STATUS	2
	{ "last_run_exit_status",
	    "Exit status of the last finished run, collect or import (0 "
	    "success, 75 temporary failure, 78 configuration error)." },
#define M_MESSAGES	3
	{ "messages",
	    "Messages in the store by the source that brought them first "
	    "and status." },
#define M_REPORTS	4
	{ "reports", "Reports in the store by format and role." },
#define M_CASES		5
	{ "cases_today",
	    "Cases of today (cases time zone) with a known customer, by "
	    "confidence." },
#define M_OUT_WAITING	6
	{ "outbox_waiting",
	    "Webhooks and e-mails waiting in the outbox, per target." },
#define M_OUT_DEAD	7
	{ "outbox_dead_letters",
	    "Webhooks and e-mails given up on (dead letters), per target." },
#define M_QUAR_COUNT	8
	{ "quarantine_messages", "Messages in quarantine." },
#define M_QUAR_BYTES	9
	{ "quarantine_bytes", "Raw bytes of the messages in quarantine." },
#define M_SRC_FAILURES	10
	{ "source_consecutive_failures",
	    "Collections of the source that failed in a row (0: the last "
	    "one went through)." },
#define M_SRC_NEWEST	11
	{ "source_newest_message_timestamp_seconds",
	    "When the source last had a message committed, new or a "
	    "duplicate (Unix time)." },
#define M_SRC_AGE	12
	{ "source_newest_message_age_seconds",
	    "Seconds from the newest message of the source to the writing "
	    "of this file." },
#define M_SRC_ALERT	13
	{ "source_alert_open",
	    "1 while the source's alert is open: source.failing until a "
	    "collection goes through, source.silent until mail comes." },
#define M_RUN_KILLED	14
	{ "runs_interrupted",
	    "Runs, collects and imports in the store that never recorded "
	    "their end (killed, or the machine stopped), as the next run "
	    "found them." },
};

static void
header(FILE *out, int m)
{
	fprintf(out, "# HELP abuse_collector_%s %s\n# TYPE abuse_collector_%s "
	    "gauge\n", fam[m].name, fam[m].help, fam[m].name);
}

/* A sample with up to two labels (name NULL: none). */
static void
sample(FILE *out, int m, const char *l1, const char *v1, const char *l2,
    const char *v2, long long value)
{
	char *e1, *e2;

	fprintf(out, "abuse_collector_%s", fam[m].name);
	if (l1 != NULL) {
		e1 = prom_escape(v1);
		fprintf(out, "{%s=\"%s\"", l1, e1);
		free(e1);
		if (l2 != NULL) {
			e2 = prom_escape(v2);
			fprintf(out, ",%s=\"%s\"", l2, e2);
			free(e2);
		}
		fputc('}', out);
	}
	fprintf(out, " %lld\n", value);
}

int
metrics_print(FILE *out, const struct facts *f)
{
	static const char *const mstatus[] = { "parsed", "quarantined",
	    "ignored" };
	static const char *const roles[] = { "internal", "external" };
	static const char *const conf[] = { "confirmed", "internal",
	    "external" };
	static const char *const alerts[] = { "source.failing",
	    "source.silent" };
	const struct fgroup *g;
	size_t i, k;

	g = &f->g[FACT_RUN];
	if (g->n > 0) {
		/* One row: command, started_at, duration, status. */
		header(out, M_RUN_START);
		sample(out, M_RUN_START, "command", g->r[0].key, NULL, NULL,
		    g->r[0].v[0]);
		header(out, M_RUN_DURATION);
		sample(out, M_RUN_DURATION, "command", g->r[0].key, NULL,
		    NULL, g->r[0].v[1]);
		header(out, M_RUN_STATUS);
		sample(out, M_RUN_STATUS, "command", g->r[0].key, NULL, NULL,
		    g->r[0].v[2]);
	}
	header(out, M_RUN_KILLED);
	sample(out, M_RUN_KILLED, NULL, NULL, NULL, NULL,
	    g->n > 0 ? g->r[0].v[3] : 0);
	g = &f->g[FACT_MESSAGES];
	header(out, M_MESSAGES);
	for (i = 0; i < g->n; i++)
		for (k = 0; k < 3; k++)
			sample(out, M_MESSAGES, "source", g->r[i].key,
			    "status", mstatus[k], g->r[i].v[k]);
	g = &f->g[FACT_REPORTS];
	header(out, M_REPORTS);
	for (i = 0; i < g->n; i++)
		for (k = 0; k < 2; k++)
			sample(out, M_REPORTS, "format", g->r[i].key, "role",
			    roles[k], g->r[i].v[k]);
	g = &f->g[FACT_CASES];
	header(out, M_CASES);
	for (k = 0; k < 3; k++)
		sample(out, M_CASES, "confidence", conf[k], NULL, NULL,
		    g->n > 0 ? g->r[0].v[k] : 0);
	g = &f->g[FACT_OUTBOX];
	header(out, M_OUT_WAITING);
	for (i = 0; i < g->n; i++)
		sample(out, M_OUT_WAITING, "target", g->r[i].key, NULL, NULL,
		    g->r[i].v[0]);
	header(out, M_OUT_DEAD);
	for (i = 0; i < g->n; i++)
		sample(out, M_OUT_DEAD, "target", g->r[i].key, NULL, NULL,
		    g->r[i].v[1]);
	g = &f->g[FACT_QUARANTINE];
	header(out, M_QUAR_COUNT);
	sample(out, M_QUAR_COUNT, NULL, NULL, NULL, NULL,
	    g->n > 0 ? g->r[0].v[0] : 0);
	header(out, M_QUAR_BYTES);
	sample(out, M_QUAR_BYTES, NULL, NULL, NULL, NULL,
	    g->n > 0 ? g->r[0].v[1] : 0);
	g = &f->sources;
	header(out, M_SRC_FAILURES);
	for (i = 0; i < g->n; i++)
		sample(out, M_SRC_FAILURES, "source", g->r[i].key, NULL, NULL,
		    g->r[i].v[0]);
	/* A source that never had a message has no newest one: no
	 * sample rather than a made-up time. */
	header(out, M_SRC_NEWEST);
	for (i = 0; i < g->n; i++)
		if (g->r[i].known)
			sample(out, M_SRC_NEWEST, "source", g->r[i].key, NULL,
			    NULL, g->r[i].v[1]);
	header(out, M_SRC_AGE);
	for (i = 0; i < g->n; i++)
		if (g->r[i].known)
			sample(out, M_SRC_AGE, "source", g->r[i].key, NULL,
			    NULL, (long long)f->now - g->r[i].v[1]);
	header(out, M_SRC_ALERT);
	for (i = 0; i < g->n; i++)
		for (k = 0; k < 2; k++)
			sample(out, M_SRC_ALERT, "source", g->r[i].key, "alert",
			    alerts[k], g->r[i].v[2 + k] != 0);
	return ferror(out) ? -1 : 0;
}

enum rc
metrics_write(const struct facts *f, const char *path, struct err *e)
{
	struct atomic_file af;
	enum rc rc;

	if ((rc = atomic_file_open(&af, path, 0644, NO_GROUP, e)) != RC_OK)
		return rc;
	(void)metrics_print(af.f, f);
	/* A failed write shows in the commit's flush and ferror. */
	return atomic_file_commit(&af, e);
}

/* doc with key set to the JSON text val; both of them freed. */
static char *
set_json(char *doc, const char *key, char *val)
{
	char *n = json_set_json(doc, key, val);

	free(doc);
	free(val);
	return n;
}

static char *
set_num(char *doc, const char *key, long long v)
{
	char *n = json_set_num(doc, key, (double)v);

	free(doc);
	return n;
}

static char *
set_str(char *doc, const char *key, const char *v)
{
	char *n = json_set_str(doc, key, v);

	free(doc);
	return n;
}

static char *
iso(time_t t)
{
	char when[21];

	iso8601_utc(t, when);
	return xstrdup(when);
}

/* doc (NULL: "[]") with the JSON text val appended; both freed. */
static char *
append_json(char *doc, char *val)
{
	char *n = json_append_json(doc, val);

	free(doc);
	free(val);
	return n;
}

/*
 * [{label: KEY, names[0]: v[0], ...}, ...] from the rows of g: an array
 * rather than an object keyed by name, since names come from the
 * configuration and the mail (a target's address) and a JSON path
 * cannot hold every one of them.
 */
static char *
rows(const struct fgroup *g, const char *label, const char *const *names,
    size_t nn)
{
	char *doc = xstrdup("[]"), *o;
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		o = set_str(NULL, label, g->r[i].key);
		for (k = 0; k < nn; k++)
			o = set_num(o, names[k], g->r[i].v[k]);
		doc = append_json(doc, o);
	}
	return doc;
}

char *
facts_json(const struct facts *f)
{
	static const char *const mstatus[] = { "parsed", "quarantined",
	    "ignored" };
	static const char *const roles[] = { "internal", "external" };
	static const char *const conf[] = { "confirmed", "internal",
	    "external" };
	static const char *const outbox[] = { "waiting", "dead_letters" };
	static const char *const quar[] = { "messages", "bytes" };
	static const char *const alerts[] = { "source.failing",
	    "source.silent" };
	const struct fgroup *g;
	char *doc = NULL, *o, *t, *src;
	size_t i, k;

	t = iso(f->now);
	doc = set_str(doc, "at", t);
	free(t);
	g = &f->g[FACT_RUN];
	if (g->n > 0) {
		o = set_str(NULL, "command", g->r[0].key);
		t = iso((time_t)g->r[0].v[0]);
		o = set_str(o, "started_at", t);
		free(t);
		o = set_num(o, "duration_seconds", g->r[0].v[1]);
		o = set_num(o, "exit_status", g->r[0].v[2]);
		doc = set_json(doc, "last_run", o);
	} else
		doc = set_json(doc, "last_run", xstrdup("null"));
	doc = set_num(doc, "runs_interrupted", g->n > 0 ? g->r[0].v[3] : 0);
	doc = set_json(doc, "messages", rows(&f->g[FACT_MESSAGES], "source",
	    mstatus, 3));
	doc = set_json(doc, "reports", rows(&f->g[FACT_REPORTS], "format",
	    roles, 2));
	g = &f->g[FACT_CASES];
	o = set_str(NULL, "day", f->today);
	for (k = 0; k < 3; k++)
		o = set_num(o, conf[k], g->n > 0 ? g->r[0].v[k] : 0);
	doc = set_json(doc, "cases_today", o);
	doc = set_json(doc, "outbox", rows(&f->g[FACT_OUTBOX], "target",
	    outbox, 2));
	g = &f->g[FACT_QUARANTINE];
	o = NULL;
	for (k = 0; k < 2; k++)
		o = set_num(o, quar[k], g->n > 0 ? g->r[0].v[k] : 0);
	doc = set_json(doc, "quarantine", o);
	g = &f->sources;
	src = xstrdup("[]");
	for (i = 0; i < g->n; i++) {
		o = set_str(NULL, "source", g->r[i].key);
		o = set_num(o, "consecutive_failures", g->r[i].v[0]);
		if (g->r[i].known) {
			t = iso((time_t)g->r[i].v[1]);
			o = set_str(o, "newest_message_at", t);
			free(t);
			o = set_num(o, "newest_message_age_seconds",
			    (long long)f->now - g->r[i].v[1]);
		} else {
			o = set_json(o, "newest_message_at", xstrdup("null"));
			o = set_json(o, "newest_message_age_seconds",
			    xstrdup("null"));
		}
		/* [{"alert": KIND, "since": TIME}] of the open alerts. */
		t = xstrdup("[]");
		for (k = 0; k < 2; k++) {
			char *a, *when;

			if (g->r[i].v[2 + k] == 0)
				continue;
			a = set_str(NULL, "alert", alerts[k]);
			when = iso((time_t)g->r[i].v[2 + k]);
			a = set_str(a, "since", when);
			free(when);
			t = append_json(t, a);
		}
		o = set_json(o, "open_alerts", t);
		src = append_json(src, o);
	}
	doc = set_json(doc, "sources", src);
	return doc;
}
