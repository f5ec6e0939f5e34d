#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "log.h"
#include "outbox.h"

unsigned
alerts_judge(const struct source_watch *w, long long failures,
    long long silence, time_t now)
{
	unsigned due = 0;
	int quiet;

	if (w->alerted_failing == 0 && failures > 0 &&
	    w->failures >= failures)
		due |= A_FAILING;
	if (w->alerted_failing != 0 && w->failures == 0)
		due |= A_FAILING_OVER;
	/* A source that never had a message has nothing to fall silent
	 * from: it is judged from its first message on. */
	quiet = silence > 0 && w->newest != 0 && now - w->newest >= silence;
	if (w->alerted_silent == 0 && quiet)
		due |= A_SILENT;
	if (w->alerted_silent != 0 && !quiet)
		due |= A_SILENT_OVER;
	return due;
}

/* "6h", "1h 30m", "2d 3h", "1m 30s": a span of seconds for people,
 * to the minute from an hour on. */
static void
span(long long s, char *out, size_t n)
{
	if (s >= 86400 && s % 86400 / 3600 != 0)
		snprintf(out, n, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 86400)
		snprintf(out, n, "%lldd", s / 86400);
	else if (s >= 3600 && s % 3600 / 60 != 0)
		snprintf(out, n, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else if (s >= 3600)
		snprintf(out, n, "%lldh", s / 3600);
	else if (s >= 60 && s % 60 != 0)
		snprintf(out, n, "%lldm %llds", s / 60, s % 60);
	else if (s >= 60)
		snprintf(out, n, "%lldm", s / 60);
	else
		snprintf(out, n, "%llds", s);
}

char *
alerts_detail(unsigned which, const char *source,
    const struct source_watch *w, long long silence, time_t now)
{
	char since[21], newest[21], ago[32], lim[32];

	iso8601_utc(w->failing_since, since);
	if (w->newest != 0)
		iso8601_utc(w->newest, newest);
	else
		snprintf(newest, sizeof(newest), "never");
	span(w->newest != 0 && now > w->newest ? now - w->newest : 0, ago,
	    sizeof(ago));
	span(silence, lim, sizeof(lim));
	switch (which) {
	case A_FAILING:
		return xasprintf("source %s failed %ld collections in a row, "
		    "since %s; last error: %.300s", source, w->failures,
		    since, w->last_error ? w->last_error : "(none)");
	case A_FAILING_OVER:
		return xasprintf("source %s is collected again", source);
	case A_SILENT:
		return xasprintf("source %s had no new message for %s "
		    "(silence = %s); its newest arrived at %s", source, ago,
		    lim, newest);
	default:
		if (silence == 0)
			return xasprintf("source %s: silence is not watched "
			    "any more", source);
		return xasprintf("source %s has new mail again: its newest "
		    "arrived at %s", source, newest);
	}
}

/* Record one alert and queue it for its subscribers. */
static enum rc
raise_one(const struct config *cfg, struct store *s, const char *source,
    unsigned which, const struct source_watch *w, long long silence,
    time_t now, struct err *e)
{
	const char *kind = which == A_FAILING ? "source.failing" :
	    which == A_SILENT ? "source.silent" : "source.recovered";
	const char *from = which == A_FAILING_OVER ? "source.failing" :
	    which == A_SILENT_OVER ? "source.silent" : NULL;
	enum alert_which a = which == A_FAILING ||
	    which == A_FAILING_OVER ? ALERT_FAILING : ALERT_SILENT;
	struct outbox_alert al;
	char *detail = alerts_detail(which, source, w, silence, now);
	int64_t id;
	enum rc rc;

	if ((rc = store_alert_add(s, source, kind, a, from == NULL, now,
	    detail, &id, e)) == RC_OK) {
		memset(&al, 0, sizeof(al));
		al.id = id;
		al.kind = kind;
		al.source = source;
		al.detail = detail;
		al.recovered_from = from;
		al.watch = w;
		rc = outbox_alert(cfg, s, &al, now, e);
	}
	/* A fault is said on every run's output; its end only with -v. */
	if (rc == RC_OK && from == NULL)
		log_warn("%s: %s", kind, detail);
	else if (rc == RC_OK)
		log_info("%s: %s", kind, detail);
	free(detail);
	return rc;
}

enum rc
alerts_check(const struct config *cfg, struct store *s,
    const struct source_conf *src, time_t now, long *raised, struct err *e)
{
	static const unsigned order[] = { A_FAILING_OVER, A_SILENT_OVER,
	    A_FAILING, A_SILENT };
	long long silence = config_silence(cfg, src);
	struct source_watch w;
	unsigned due;
	size_t i;
	enum rc rc;

	if (raised != NULL)
		*raised = 0;
	if ((rc = store_begin(s, e)) != RC_OK)
		return rc;
	if ((rc = store_source_watch(s, src->name, &w, e)) != RC_OK)
		goto out;
	due = alerts_judge(&w, cfg->alerts.failures, silence, now);
	for (i = 0; i < sizeof(order) / sizeof(order[0]) && rc == RC_OK; i++)
		if (due & order[i]) {
			rc = raise_one(cfg, s, src->name, order[i], &w,
			    silence, now, e);
			if (rc == RC_OK && raised != NULL)
				(*raised)++;
		}
	if (rc == RC_OK)
		rc = store_commit(s, e);
out:
	if (rc != RC_OK)
		store_rollback(s);
	free(w.last_error);
	return rc;
}
