/*
 * show: one report with its case, how its customer was found, where its
 * message came from and, while it is kept, the message itself.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "store.h"

/* Column values of the show row by name. */
struct shown {
	int			 n;
	const char *const	*names;
	const char *const	*vals;
	/* Copied out of the row for after it. */
	char			*text;		/* the report, printed */
	long long		 received;	/* when the message was stored */
	int			 quarantined;	/* its bytes are kept as
						 * quarantined */
	int			 counted;
};

static const char *
col(const struct shown *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->vals[i];
	return NULL;
}

/* "name: value" with control characters blanked; nothing for NULL. */
static void
line(FILE *f, const char *name, const char *v)
{
	char *c;

	if (v == NULL || *v == '\0')
		return;
	c = xstrdup(v);
	ctl_blank(c, strlen(c));
	fprintf(f, "%s: %s\n", name, c);
	free(c);
}

static const char *const report_keys[] = { "day", "occurred_at", "format",
	"role", "feedback_type", "category", "reporter", "source_ip",
	"origin_ip", "auth_user", "identity_header", "smtp_auth", "mail_from",
	"rcpt_to", "subject", "message_id", "envelope_id", "outgoing_class",
	"customer", "resolved_by", "resolve_note", "review", "state",
	"evidence", "corrected", "corrected_by", "corrected_at",
	"correction_reason" };
static const char *const message_keys[] = { "source", "folder", "uid",
	"uidvalidity", "file", "sha256", "size", "received_at",
	"report_message_id" };

static int
show_row(void *arg, int n, const char *const *names, const char *const *v)
{
	struct shown *s = arg;
	char *buf = NULL;
	size_t len = 0, i;
	long long t;
	FILE *f;

	s->n = n;
	s->names = names;
	s->vals = v;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return 1;
	line(f, "report", col(s, "id"));
	for (i = 0; i < sizeof(report_keys) / sizeof(report_keys[0]); i++)
		line(f, report_keys[i], col(s, report_keys[i]));
	s->counted = col(s, "state") != NULL &&
	    strcmp(col(s, "state"), "counted") == 0;
	fputs("\n", f);
	if (col(s, "confidence") != NULL) {
		char *c = xstrdup(col(s, "customer"));

		ctl_blank(c, strlen(c));
		fprintf(f, "case: %s on %s\nconfidence: %s\nscore: %s\n"
		    "internal_reports: %s\nexternal_reports: %s\n"
		    "distinct_source_ips: %s\ndistinct_reporters: %s\n", c,
		    col(s, "day"), col(s, "confidence"), col(s, "score"),
		    col(s, "internal_reports"), col(s, "external_reports"),
		    col(s, "distinct_source_ips"),
		    col(s, "distinct_reporters"));
		free(c);
		line(f, "first_seen", col(s, "first_seen"));
		line(f, "last_seen", col(s, "last_seen"));
		line(f, "escalated_at", col(s, "escalated_at"));
		line(f, "escalated_role", col(s, "escalated_role"));
		if (!s->counted)
			fprintf(f, "note: this report is %s and does not count "
			    "in the case\n", col(s, "state"));
	} else {
		fprintf(f, "case: none%s%s%s\n", s->counted ? "" : " (the "
		    "report is ", s->counted ? "" : col(s, "state"),
		    s->counted ? "" : " and counts in no case)");
	}
	fputs("\n", f);
	line(f, "message", col(s, "message"));
	for (i = 0; i < sizeof(message_keys) / sizeof(message_keys[0]); i++)
		line(f, message_keys[i], col(s, message_keys[i]));
	s->quarantined = col(s, "kept") != NULL &&
	    strcmp(col(s, "kept"), "quarantine") == 0;
	if (col(s, "received_epoch") == NULL ||
	    parse_ll(col(s, "received_epoch"), 0, 1LL << 40, &t) < 0)
		t = 0;
	s->received = t;
	fclose(f);
	s->text = buf;
	return 1;
}

/* Control characters of the message blanked, line ends kept. */
static void
print_message(FILE *f, const char *raw, size_t len)
{
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (raw[i] == '\n' || raw[i] == '\t') {
			putc(raw[i], f);
			continue;
		}
		if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')
			continue;
		if ((k = ctl_len(raw + i, len - i)) > 0) {
			putc(' ', f);
			i += k - 1;
			continue;
		}
		putc(raw[i], f);
	}
	if (len > 0 && raw[len - 1] != '\n')
		putc('\n', f);
}

static void
kept_until(const struct cli *cli, long long received, char out[64])
{
	char when[21];

	if (received == 0 || cli->cfg->keep_raw == 0) {
		snprintf(out, 64, "yes, until the next run");
		return;
	}
	iso8601_utc((time_t)(received + cli->cfg->keep_raw), when);
	snprintf(out, 64, "until %s", when);
}

int
cmd_show(struct cli *cli, int argc, char **argv)
{
	struct shown sh;
	struct store *s;
	struct err e;
	const char *idarg = NULL;
	char *raw = NULL, until[64];
	size_t len = 0;
	long long id;
	int i, as_raw = 0, found, st = EXIT_OK;
	enum rc rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--raw") == 0)
			as_raw = 1;
		else if (idarg == NULL && argv[i][0] != '-')
			idarg = argv[i];
		else {
			fprintf(stderr, "abuse-collector: show: unknown "
			    "argument '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (idarg == NULL || parse_ll(idarg, 1, INT64_MAX, &id) < 0) {
		fprintf(stderr, "abuse-collector: show needs a report ID (a "
		    "number, as reports lists them)\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_store(cli, 1, &s, &e)) != RC_OK) {
		log_error("%s", e.msg);
		return exit_for(rc);
	}
	memset(&sh, 0, sizeof(sh));
	if (!as_raw && (rc = store_report_show(s, id, show_row, &sh, &found,
	    &e)) != RC_OK)
		goto fail;
	if ((rc = store_report_raw(s, id, &raw, &len, &found, &e)) != RC_OK)
		goto fail;
	if (!found) {
		log_error("show: no report %lld in %s", id, store_path(s));
		st = EXIT_NOINPUT;
		goto out;
	}
	if (as_raw) {
		if (raw == NULL) {
			log_error("show: report %lld: its message's bytes are "
			    "not kept ([store] keep_raw keeps them for a time "
			    "after the message was stored)", id);
			st = EXIT_NOINPUT;
			goto out;
		}
		if (fwrite(raw, 1, len, stdout) != len || fflush(stdout) != 0)
			st = EXIT_INTERNAL;
		goto out;
	}
	fputs(sh.text, stdout);
	if (raw == NULL) {
		printf("kept: no (the bytes of a message are kept for [store] "
		    "keep_raw after it was stored)\n");
	} else {
		if (sh.quarantined)
			snprintf(until, sizeof(until), "yes (with the "
			    "quarantined message)");
		else
			kept_until(cli, sh.received, until);
		printf("kept: %s\n\n--- the message, %zu bytes (show --raw "
		    "%lld writes them as they are) ---\n", until, len, id);
		print_message(stdout, raw, len);
	}
	if (fflush(stdout) != 0)
		st = EXIT_INTERNAL;
	goto out;
fail:
	log_error("%s", e.msg);
	st = exit_for(rc);
out:
	free(raw);
	free(sh.text);
	store_close(s);
	return st;
}
