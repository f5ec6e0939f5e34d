#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evidence.h"
#include "resolve.h"

static void
say(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(char **field, const char *fmt, ...)
{
	char line[MAX_FIELD_LEN + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	report_setz(field, line);
}

/*
 * The customer the complaint's own sender belongs to, when it is cust:
 * the From address, then the envelope sender.
 */
static const char *
sender_is(const struct resolver *r, const struct report *rep,
    const char *cust, const char **table)
{
	const char *addrs[2] = { rep->reporter, rep->sender }, *c;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (addrs[i] == NULL || (i == 1 && addrs[0] != NULL &&
		    strcasecmp(addrs[0], addrs[1]) == 0))
			continue;
		if ((c = resolver_address(r, addrs[i], table)) != NULL &&
		    strcmp(c, cust) == 0)
			return addrs[i];
	}
	return NULL;
}

enum verdict
evidence_resolve(struct resolver *r, struct report *rep, time_t when)
{
	const char *who, *table;
	char *hint = NULL;
	int resolved;

	if (!rep->needs_evidence) {
		resolver_resolve_at(r, rep, when);
		return VERDICT_COUNTED;
	}
	if (rep->evidence_found == NULL) {
		resolver_resolve_at(r, rep, when);
		say(&rep->evidence, "none: no offending message attached, "
		    "forwarded or pasted");
		rep->unverified = 1;
		return VERDICT_UNVERIFIED;
	}
	/* Only what the offending message says may name the customer: an
	 * address the complainant wrote in the subject is set aside. */
	if (rep->source_hint) {
		hint = rep->source_ip;
		rep->source_ip = NULL;
	}
	resolver_resolve_at(r, rep, when);
	resolved = rep->resolved_by != NULL;
	if (!resolved && rep->mail_from == NULL)
		resolved = resolver_from_domain(r, rep, rep->offending_from);
	/* Kept as what the complainant said, for the desk to read. */
	if (hint != NULL)
		report_take(&rep->source_ip, hint);
	if (resolved && (who = sender_is(r, rep, rep->customer,
	    &table)) != NULL) {
		rep->status = MSG_IGNORED;
		say(&rep->reason, "reply: the sender %s is customer %s "
		    "(%s), the customer the %s message resolves to (%s): the "
		    "customer writing about their own account", who,
		    rep->customer, table, rep->evidence_found,
		    rep->resolved_by);
		return VERDICT_REPLY;
	}
	if (resolved) {
		say(&rep->evidence, "the %s message names the customer (%s)",
		    rep->evidence_found, rep->resolved_by);
		return VERDICT_COUNTED;
	}
	say(&rep->evidence, "the %s message names no customer of ours",
	    rep->evidence_found);
	/* The desk's suggestion comes from all there is. */
	if (rep->source_hint)
		resolver_resolve_at(r, rep, when);
	rep->unverified = 1;
	return VERDICT_UNVERIFIED;
}
