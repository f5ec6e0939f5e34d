/*
 * The abuse desk's corrections: accept (an unverified complaint counts),
 * dismiss (a report stops counting), restore (a dismissal is undone).
 * All the reports named, the cases they belong to, and the events the
 * change causes are settled in one transaction: a correction that is
 * killed has either happened whole or not at all.  A correction that is
 * already in place changes nothing and says so; one that cannot be made
 * (an unknown report, accepting what is not unverified) changes nothing
 * and names the report.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../reporters/outbox.h"
#include "cli.h"
#include "correlate.h"
#include "log.h"
#include "resolve.h"
#include "store.h"
#include "table.h"

/* Reports one correction may name. */
#define FIX_MAX_IDS	10000

enum fix { FIX_ACCEPT, FIX_DISMISS, FIX_RESTORE };

static const char *const fix_name[] = { "accept", "dismiss", "restore" };
static const char *const fix_done[] = { "accepted", "dismissed", "restored" };

/* A case a correction touched, and how it stood before. */
struct fixed_case {
	char		 customer[MAX_CUSTOMER_LEN + 1];
	char		 day[11];
	char		 before[16];	/* confidence, or "none" */
	struct case_cause why;
};

struct fix_run {
	enum fix		 what;
	const char		*customer;	/* accept --customer */
	const char		*reason;
	char			 who[CORRECTION_WHO_MAX + 1];
	time_t			 now;
	struct buf		 out;		/* said once committed */
	struct fixed_case	*cases;
	size_t			 ncases, alloc;
	long			 changed;
};

/* The Unix user making the correction. */
static void
whoami(char *out, size_t outsz)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
		snprintf(out, outsz, "%s", pw->pw_name);
	else
		snprintf(out, outsz, "uid %lu", (unsigned long)geteuid());
}

/* A report id: decimal digits, no sign, no junk; 0 when it is not one. */
static int64_t
parse_id(const char *s)
{
	int64_t v = 0;
	const char *p;

	if (*s == '\0' || strlen(s) > 18)
		return 0;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* A reason is one line of text a person wrote. */
static int
reason_ok(const char *s)
{
	const unsigned char *p;

	if (*s == '\0' || strlen(s) > CORRECTION_REASON_MAX)
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static void
when(time_t t, char out[21])
{
	iso8601_utc(t, out);
}

/* Remember the case (customer, day) and how it stood, once. */
static enum rc
touch(struct fix_run *f, struct store *s, const char *customer,
    const char *day, int64_t correction, struct err *e)
{
	struct fixed_case *c;
	struct case_row row;
	size_t i;
	int found;
	enum rc rc;

	for (i = 0; i < f->ncases; i++)
		if (strcmp(f->cases[i].customer, customer) == 0 &&
		    strcmp(f->cases[i].day, day) == 0)
			return RC_OK;
	if ((rc = store_case_get(s, customer, day, &row, &found, e)) != RC_OK)
		return rc;
	if (f->ncases == f->alloc) {
		f->alloc = f->alloc ? f->alloc * 2 : 8;
		f->cases = xrealloc(f->cases, f->alloc * sizeof(*f->cases));
	}
	c = &f->cases[f->ncases++];
	memset(c, 0, sizeof(*c));
	snprintf(c->customer, sizeof(c->customer), "%s", customer);
	snprintf(c->day, sizeof(c->day), "%s", day);
	snprintf(c->before, sizeof(c->before), "%s", found ? row.confidence :
	    "none");
	c->why.correction = correction;
	c->why.action = fix_name[f->what];
	c->why.who = f->who;
	c->why.reason = f->reason;
	c->why.at = f->now;
	return RC_OK;
}

/*
 * Decide and make the correction of one report.  RC_REJECT (e says why)
 * when it cannot be made; RC_OK with nothing done when it is in place.
 */
static enum rc
fix_one(struct fix_run *f, struct store *s, int64_t id, struct err *e)
{
	struct report_state r;
	const char *state, *customer;
	char at[21];
	int64_t corr;
	int found;
	enum rc rc;

	if ((rc = store_report_state(s, id, &r, &found, e)) != RC_OK)
		return rc;
	if (!found)
		return err_set(e, RC_REJECT, "report %lld: no such report",
		    (long long)id);
	when(r.at, at);
	customer = r.customer;
	switch (f->what) {
	case FIX_ACCEPT:
		if (strcmp(r.state, "counted") == 0 &&
		    strcmp(r.action, "accept") == 0) {
			if (f->customer != NULL &&
			    strcmp(f->customer, r.customer) != 0)
				return err_set(e, RC_REJECT, "report %lld was "
				    "accepted for %s by %s at %s; dismiss it "
				    "if that customer is wrong", (long long)id,
				    r.customer, r.who, at);
			buf_addf(&f->out, "report %lld: accepted already for %s (by %s "
			    "at %s); nothing changed\n", (long long)id,
			    r.customer, r.who, at);
			return RC_OK;
		}
		if (strcmp(r.state, "dismissed") == 0)
			return err_set(e, RC_REJECT, "report %lld is dismissed "
			    "(by %s at %s); restore it first", (long long)id,
			    r.who, at);
		if (strcmp(r.state, "unverified") != 0)
			return err_set(e, RC_REJECT, "report %lld is not an "
			    "unverified complaint: it counts already (%s)",
			    (long long)id, r.format);
		if (f->customer != NULL)
			customer = f->customer;
		else if (strcmp(r.customer, CUSTOMER_UNRESOLVED) == 0)
			return err_set(e, RC_REJECT, "report %lld names no "
			    "customer: say which with --customer",
			    (long long)id);
		state = "counted";
		break;
	case FIX_DISMISS:
		if (strcmp(r.state, "dismissed") == 0) {
			buf_addf(&f->out, "report %lld: dismissed already (by %s at %s: "
			    "%s); nothing changed\n", (long long)id, r.who,
			    at, r.reason);
			return RC_OK;
		}
		state = "dismissed";
		break;
	default:
		if (strcmp(r.state, "dismissed") != 0) {
			if (strcmp(r.action, "restore") == 0) {
				buf_addf(&f->out, "report %lld: restored already (by %s "
				    "at %s); nothing changed\n",
				    (long long)id, r.who, at);
				return RC_OK;
			}
			return err_set(e, RC_REJECT, "report %lld is not "
			    "dismissed (it is %s)", (long long)id, r.state);
		}
		/* Back to what it was before the dismissal. */
		state = r.state_before[0] ? r.state_before : "counted";
		break;
	}
	if ((rc = store_correct(s, id, fix_name[f->what], state, customer,
	    f->who, f->now, f->reason, &corr, e)) != RC_OK)
		return rc;
	if ((rc = touch(f, s, r.customer, r.day, corr, e)) != RC_OK ||
	    (rc = touch(f, s, customer, r.day, corr, e)) != RC_OK)
		return rc;
	f->changed++;
	if (strcmp(customer, r.customer) != 0)
		buf_addf(&f->out, "report %lld: %s, was %s for %s, now %s "
		    "for %s\n", (long long)id, fix_done[f->what], r.state,
		    r.customer, state, customer);
	else
		buf_addf(&f->out, "report %lld: %s, was %s, now %s (%s, "
		    "%s)\n", (long long)id, fix_done[f->what], r.state, state,
		    customer, r.day);
	return RC_OK;
}

static int
usage_fix(enum fix what)
{
	static const char *const u[] = {
		"accept ID... [--customer C] [--reason TEXT]",
		"dismiss ID... --reason TEXT",
		"restore ID... [--reason TEXT]",
	};

	fprintf(stderr, "usage: abuse-collector %s\n", u[what]);
	return EXIT_USAGE;
}

static int
fix(struct cli *cli, enum fix what, int argc, char **argv)
{
	struct fix_run f;
	struct correlator *k = NULL;
	struct store *s = NULL;
	struct err e;
	int64_t *ids, id;
	size_t nids = 0, i, j;
	int a, status = EXIT_OK, confirmed;
	enum rc rc = RC_OK;

	memset(&f, 0, sizeof(f));
	f.what = what;
	/* A line or two per report, a line per case. */
	buf_init(&f.out, (size_t)FIX_MAX_IDS * 1024);
	ids = xcalloc(argc > 0 ? (size_t)argc : 1, sizeof(*ids));
	for (a = 1; a < argc; a++) {
		if ((what == FIX_ACCEPT &&
		    take_opt(argc, argv, &a, "--customer", &f.customer)) ||
		    take_opt(argc, argv, &a, "--reason", &f.reason))
			continue;
		if ((id = parse_id(argv[a])) == 0) {
			fprintf(stderr, "abuse-collector: %s: '%s' is not a "
			    "report id (the first column of 'abuse-collector "
			    "reports')\n", argv[0], argv[a]);
			free(ids);
			buf_release(&f.out);
			return usage_fix(what);
		}
		for (j = 0; j < nids && ids[j] != id; j++)
			;
		if (j == nids)
			ids[nids++] = id;
	}
	if (nids == 0 || nids > FIX_MAX_IDS) {
		if (nids > FIX_MAX_IDS)
			fprintf(stderr, "abuse-collector: %s: at most %d "
			    "reports at a time\n", argv[0], FIX_MAX_IDS);
		free(ids);
		buf_release(&f.out);
		return usage_fix(what);
	}
	if (what == FIX_DISMISS && f.reason == NULL) {
		fprintf(stderr, "abuse-collector: dismiss needs --reason: why "
		    "the reports do not count\n");
		free(ids);
		buf_release(&f.out);
		return usage_fix(what);
	}
	if (f.reason != NULL && !reason_ok(f.reason)) {
		fprintf(stderr, "abuse-collector: %s: --reason must be one "
		    "line of at most %d bytes\n", argv[0],
		    CORRECTION_REASON_MAX);
		free(ids);
		buf_release(&f.out);
		return EXIT_USAGE;
	}
	if (f.customer != NULL && (!customer_valid(f.customer) ||
	    strcmp(f.customer, CUSTOMER_UNRESOLVED) == 0)) {
		fprintf(stderr, "abuse-collector: accept: --customer '%s' is "
		    "not a customer id\n", f.customer);
		free(ids);
		buf_release(&f.out);
		return EXIT_USAGE;
	}
	whoami(f.who, sizeof(f.who));
	f.now = time(NULL);
	if ((rc = cli_store(cli, 0, &s, &e)) != RC_OK)
		goto out;
	if ((rc = store_begin(s, &e)) != RC_OK)
		goto out;
	for (i = 0; i < nids && rc == RC_OK; i++)
		rc = fix_one(&f, s, ids[i], &e);
	if (rc != RC_OK)
		goto out;
	k = correlator_new(cli->cfg, s);
	correlator_on_event(k, outbox_hook, cli->cfg);
	correlator_on_flip(k, outbox_flip_hook, cli->cfg);
	for (i = 0; i < f.ncases && rc == RC_OK; i++) {
		struct fixed_case *c = &f.cases[i];
		struct case_row now;
		int found;

		if ((rc = correlator_recount(k, c->customer, c->day, &c->why,
		    &confirmed, &e)) != RC_OK ||
		    (rc = store_case_get(s, c->customer, c->day, &now, &found,
		    &e)) != RC_OK)
			break;
		if (strcmp(c->before, found ? now.confidence : "none") != 0)
			buf_addf(&f.out, "case %s %s: %s, now %s\n",
			    c->customer, c->day,
			    c->before, found ? now.confidence : "none");
	}
	if (rc != RC_OK)
		goto out;
	if (cli->dry_run) {
		store_rollback(s);
		printf("%sdry run: nothing was changed\n", f.out.data);
	} else if ((rc = store_commit(s, &e)) != RC_OK) {
		goto out;
	} else if (f.changed == 0) {
		printf("%snothing changed\n", f.out.data);
	} else {
		fputs(f.out.data, stdout);
		log_info("%s: %ld report%s corrected by %s", argv[0],
		    f.changed, f.changed == 1 ? "" : "s", f.who);
	}
out:
	if (rc != RC_OK) {
		if (s != NULL)
			store_rollback(s);
		log_error("%s: %s%s", argv[0], e.msg, rc == RC_REJECT ?
		    "; nothing was changed" : "");
		status = rc == RC_REJECT ? EXIT_DATAERR : exit_for(rc);
	}
	correlator_free(k);
	store_close(s);
	free(f.cases);
	buf_release(&f.out);
	free(ids);
	if (fflush(stdout) != 0 && status == EXIT_OK)
		status = EXIT_INTERNAL;
	return status;
}

int
cmd_accept(struct cli *cli, int argc, char **argv)
{
	return fix(cli, FIX_ACCEPT, argc, argv);
}

int
cmd_dismiss(struct cli *cli, int argc, char **argv)
{
	return fix(cli, FIX_DISMISS, argc, argv);
}

int
cmd_restore(struct cli *cli, int argc, char **argv)
{
	return fix(cli, FIX_RESTORE, argc, argv);
}
