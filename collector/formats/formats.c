/*
 * The format table, classification, and what all formats share: the
 * Received chain (origin_ip), identity headers and their trust, and the
 * fallbacks taken from the offending message.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../text.h"
#include "formats.h"

/*
 * The table.  The highest match score wins; order breaks ties, the more
 * specific format first.  The scores the formats give (each file says
 * why): delivery status notifications 45-100; SpamExperts up to 100;
 * SpamCop 90; X-ARF 45-85 and XARF JSON 80-85; JMRP 80; DMARC 60-70;
 * ARF 50; challenge-response 35-70; tickets 47-70; newsletters 35-45;
 * auto-replies 38-45; replies to our own mail 38; unblock and delisting
 * requests 33-36; human complaints 15-30.
 */
static const struct format *const table[] = {
	&format_dsn,
	&format_spamexperts,
	&format_spamcop,
	&format_xarf,
	&format_xarf_json,
	&format_jmrp,
	&format_dmarc,
	&format_arf,
	&format_challenge,
	&format_ticket,
	&format_newsletter,
	&format_autoreply,
	&format_reply,
	&format_request,
	&format_complaint,
};

#define NFORMATS	(sizeof(table) / sizeof(table[0]))

const struct format *
format_get(size_t i)
{
	return i < NFORMATS ? table[i] : NULL;
}

const struct format *
format_find(const char *name)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

static const struct identity_rule default_identity[] = {
	{ "X-AuthUser", NULL },
	{ "X-Authenticated-Sender", NULL },
	{ "X-Authenticated-User", NULL },
};

/*
 * origin_ip: walking the offending message's Received fields from the
 * top, the first hop whose sender is not one of ours.  With no trusted
 * hosts configured that is simply the first hop.  Hops that name no
 * sending address (local pickup, "by ... id ..." only) say nothing about
 * where the message came from and are passed over.  A hop whose sender
 * cannot be told (an address only where the client's HELO may have put
 * it) ends the walk without an origin: the fields below it may be the
 * sender's own inventions.
 */
static void
find_origin(struct report *r, const struct part *off,
    const struct hostlist *trusted)
{
	struct received rv;
	size_t i;

	for (i = 0; i < off->hdrs.n; i++) {
		const struct hdr *h = &off->hdrs.v[i];

		if (ascii_casecmp(h->name, "Received") != 0 ||
		    received_parse(h->value, strlen(h->value), &rv) < 0)
			continue;
		if (rv.from_unsure)
			return;
		/* A hop that names no sender address cannot be the origin;
		 * a sender is ours only by the address its receiver wrote
		 * down (its name is whatever it said in HELO). */
		if (rv.from_ip[0] == '\0' || (trusted != NULL &&
		    hostlist_match(trusted, NULL, rv.from_ip)))
			continue;
		report_setz(&r->origin_ip, rv.from_ip);
		return;
	}
}

/*
 * An identity header counts only when one of our hosts wrote it, and a
 * header is taken to be written by the hop whose Received field is the
 * nearest above it (a Received field by its own hop).
 *
 * Which Received fields did our hosts write?  Not simply those naming
 * one of our hosts after "by": whoever sends the message can write such
 * a field, and a header below it.  Walking down from the top, which is
 * walking back in time, the zone of our hops starts at the first field
 * by one of our hosts, but only where the message can have come from us:
 * at the very top (we received the report's copy ourselves), or right
 * below a hop that received the message from one of our hosts.  It goes
 * on while each hop received the message from one of ours, and ends with
 * the hop that took it in from outside (the customer's client).  A field
 * by one of our hosts met first below a foreign hop that did not get the
 * message from us was written by someone else: nothing is trusted then.
 *
 * A hop's sender is judged only by the address its receiver recorded:
 * the name in a "from" clause is whatever the sender said in HELO, and a
 * hop without a recorded address did not come from one of ours.
 */
static int
from_ours(const struct received *rv, const struct hostlist *t)
{
	return rv->from_ip[0] != '\0' && hostlist_match(t, NULL, rv->from_ip);
}

static void
our_zone(const struct part *off, const struct hostlist *t, size_t *first,
    size_t *last)
{
	struct received rv;
	size_t i;
	int started = 0, seen = 0, prev_from_ours = 0, by, from;

	*first = *last = (size_t)-1;
	if (t == NULL || hostlist_empty(t))
		return;
	for (i = 0; i < off->hdrs.n; i++) {
		const struct hdr *h = &off->hdrs.v[i];

		if (ascii_casecmp(h->name, "Received") != 0)
			continue;
		if (received_parse(h->value, strlen(h->value), &rv) < 0) {
			by = from = 0;
		} else {
			by = hostlist_match(t, rv.by_host, rv.by_ip);
			from = from_ours(&rv, t);
		}
		if (started) {
			if (!by)
				return;
			*last = i;
			if (!from)
				return;
			continue;
		}
		if (by) {
			if (seen && !prev_from_ours)
				return;
			started = 1;
			*first = *last = i;
			if (!from)
				return;
			continue;
		}
		seen = 1;
		prev_from_ours = from;
	}
}

/* 1 when header idx lies in the zone [first, last] of our hops. */
static int
trusted_at(const struct part *off, size_t idx, size_t first, size_t last)
{
	size_t i;

	if (first == (size_t)-1)
		return 0;
	for (i = idx + 1; i-- > 0;) {
		const struct hdr *h = &off->hdrs.v[i];

		if (ascii_casecmp(h->name, "Received") == 0)
			return i >= first && i <= last;
	}
	return 0;
}

/* The user in an identity header value, for the shapes panels write. */
static void
identity_value(const char *v, const regex_t *re, char **out)
{
	const char *p;
	regmatch_t mt[2];

	if (re != NULL) {
		if (regexec(re, v, 2, mt, 0) == 0 && mt[1].rm_so >= 0)
			report_set(out, v + mt[1].rm_so,
			    (size_t)(mt[1].rm_eo - mt[1].rm_so));
		return;
	}
	/* cPanel: "host: authenticated_id: user" and "host: user". */
	if ((p = strstr(v, "authenticated_id:")) != NULL)
		v = p + strlen("authenticated_id:");
	else if ((p = strstr(v, ": ")) != NULL && strchr(p + 2, ':') == NULL)
		v = p + 2;
	report_setz(out, v);
}

/*
 * Postfix and Zimbra (smtpd_sasl_authenticated_header) name the user in
 * their own Received field: "(Authenticated sender: user@example.net)".
 * Only a hop written by one of our hosts counts.
 */
static int
received_identity(struct report *r, const struct part *off, size_t first,
    size_t last)
{
	static const char tag[] = "(Authenticated sender:";
	const char *v, *s, *e;
	size_t i;

	for (i = first; first != (size_t)-1 && i <= last; i++) {
		v = off->hdrs.v[i].value;
		if (ascii_casecmp(off->hdrs.v[i].name, "Received") != 0 ||
		    (s = memcasemem(v, strlen(v), tag)) == NULL)
			continue;
		s += sizeof(tag) - 1;
		if ((e = strchr(s, ')')) == NULL)
			continue;
		report_set(&r->auth_user, s, (size_t)(e - s));
		if (r->auth_user == NULL)
			continue;
		report_setz(&r->identity_header, "Received");
		return 1;
	}
	return 0;
}

static void
find_identity(struct report *r, const struct part *off,
    const struct parse_opts *o)
{
	const struct identity_rule *rules = o->identity;
	size_t nrules = o->nidentity, k, i, first, last;

	our_zone(off, o->trusted, &first, &last);
	if (rules == NULL) {
		rules = default_identity;
		nrules = sizeof(default_identity) / sizeof(default_identity[0]);
	}
	for (k = 0; first != (size_t)-1 && k < nrules; k++) {
		for (i = 0; i < off->hdrs.n; i++) {
			char *user = NULL;

			if (ascii_casecmp(off->hdrs.v[i].name,
			    rules[k].header) != 0 ||
			    !trusted_at(off, i, first, last))
				continue;
			identity_value(off->hdrs.v[i].value, rules[k].regex,
			    &user);
			if (user == NULL)
				continue;
			report_take(&r->auth_user, user);
			report_setz(&r->identity_header, rules[k].header);
			return;
		}
	}
	(void)received_identity(r, off, first, last);
}

/* "(envelope-from <a@b>)" in the first Received field that has it. */
static void
envelope_from(struct report *r, const struct part *off)
{
	const char *v, *s, *e;
	size_t i;

	for (i = 0; (v = hdr_get_nth(&off->hdrs, "Received", i)) != NULL;
	    i++) {
		if ((s = memcasemem(v, strlen(v), "envelope-from")) == NULL)
			continue;
		s += strlen("envelope-from");
		while (*s == ' ' || *s == '=')
			s++;
		e = s + strcspn(s, " );");
		if (e > s) {
			char *a = xstrndup(s, (size_t)(e - s));

			set_addr(&r->mail_from, a);
			free(a);
		}
		return;
	}
}

/* What every format shares, taken from the offending message. */
static void
extract_common(struct msg *m, struct report *r, const struct part *off,
    const struct parse_opts *o)
{
	const char *v;

	if (off != NULL) {
		find_origin(r, off, o->trusted);
		find_identity(r, off, o);
		if (r->subject == NULL)
			set_decoded_in(&r->subject, hdr_get(&off->hdrs,
			    "Subject"), off);
		if (r->message_id == NULL &&
		    (v = hdr_get(&off->hdrs, "Message-ID")) != NULL)
			report_take(&r->message_id,
			    msgid_strip(v, strlen(v)));
		if (r->mail_from == NULL &&
		    !set_addr(&r->mail_from, hdr_get(&off->hdrs,
		    "Return-Path")))
			envelope_from(r, off);
		if (r->occurred_at == 0)
			first_hop_date(off, &r->occurred_at);
		if (r->occurred_at == 0)
			set_date(&r->occurred_at, hdr_get(&off->hdrs, "Date"));
	}
	if (r->occurred_at == 0)
		set_date(&r->occurred_at, root_hdr(m, "Date"));
	if (r->auth_user == NULL && r->smtp_auth != NULL)
		report_setz(&r->auth_user, r->smtp_auth);
}

static void
quarantine(struct report *r, const char *reason)
{
	r->status = MSG_QUARANTINED;
	report_setz(&r->reason, reason);
}

/* Run f on the parsed message m and settle the status; why is the
 * classifier's reason for a format that is not a report. */
static void
run(struct msg *m, const struct format *f, const struct parse_opts *o,
    const char *why, struct report *r)
{
	struct err e;

	r->format = f->name;
	err_clear(&e);
	if (f->parse(m, r, &e) != RC_OK) {
		quarantine(r, e.msg[0] ? e.msg : "unreadable");
		return;
	}
	/* A limit hit while the parser read an embedded message. */
	if (m->err.rc != RC_OK) {
		quarantine(r, m->err.msg);
		return;
	}
	if (!f->is_report || r->status == MSG_IGNORED) {
		r->status = MSG_IGNORED;
		if (!f->is_report) {
			r->kind = f->name;
			if (why != NULL && *why != '\0')
				report_setz(&r->reason, why);
		}
		if (r->kind == NULL)
			r->kind = "other";
		if (r->reason == NULL)
			report_setz(&r->reason, "not an abuse report");
		return;
	}
	r->status = MSG_PARSED;
	extract_common(m, r, r->offending, o);
	if (m->err.rc != RC_OK)
		quarantine(r, m->err.msg);
}

/* Parse into m; on failure r is quarantined and 0 returned. */
static int
prepare(struct msg *m, const char *raw, size_t len,
    const struct parse_opts *o, struct limits *dflt, struct report *r)
{
	struct err e;

	if (o->lim == NULL)
		limits_default(dflt);
	if (mime_parse(m, raw, len, o->lim ? o->lim : dflt, &e) != RC_OK) {
		quarantine(r, e.msg);
		return 0;
	}
	return 1;
}

void
message_parse(const char *raw, size_t len, const struct parse_opts *o,
    struct report *r)
{
	const struct format *best = NULL;
	struct limits dflt;
	struct cues c;
	struct msg m;
	char why[sizeof(c.why)] = "";
	size_t i;
	int score, top = 0;

	if (!prepare(&m, raw, len, o, &dflt, r))
		return;
	cues_init(&c, &m, o);
	for (i = 0; i < NFORMATS; i++) {
		/* Only a higher score wins: one that cannot give it is not
		 * asked (a bounce that says RFC 3464 ends the search). */
		if (table[i]->most != 0 && table[i]->most <= top)
			continue;
		c.why[0] = '\0';
		score = table[i]->match(&m, &c);
		if (score > top) {
			top = score;
			best = table[i];
			memcpy(why, c.why, sizeof(why));
		}
	}
	cues_release(&c);
	if (m.err.rc != RC_OK)
		quarantine(r, m.err.msg);
	else if (best == NULL && strncmp(m.root->type, "multipart/", 10) == 0 &&
	    m.root->child == NULL)
		quarantine(r, "multipart message without any of its boundary "
		    "lines (truncated or broken)");
	else if (best == NULL)
		quarantine(r, "not a report format this program reads");
	else
		run(&m, best, o, why, r);
	r->offending = NULL;
	msg_release(&m);
}

void
message_parse_as(const char *raw, size_t len, const struct parse_opts *o,
    const struct format *f, struct report *r)
{
	struct limits dflt;
	struct cues c;
	struct msg m;

	if (!prepare(&m, raw, len, o, &dflt, r))
		return;
	cues_init(&c, &m, o);
	(void)f->match(&m, &c);
	run(&m, f, o, c.why, r);
	cues_release(&c);
	r->offending = NULL;
	msg_release(&m);
}
