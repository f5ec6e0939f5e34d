#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../text.h"
#include "formats.h"

/*
 * The table.  Order breaks ties between equal match scores: the more
 * specific format first.
 */
static const struct format *const table[] = {
	&format_spamexperts,
	&format_arf,
};

#define NFORMATS	(sizeof(table) / sizeof(table[0]))

const struct format *
format_get(size_t i)
{
	return i < NFORMATS ? table[i] : NULL;
}

static const struct identity_rule default_identity[] = {
	{ "X-AuthUser", NULL },
	{ "X-Authenticated-Sender", NULL },
	{ "X-Authenticated-User", NULL },
};

const struct part *
find_offending(struct msg *m, struct part *root)
{
	struct part *p = NULL;

	while ((p = part_walk(root, p)) != NULL) {
		if (p == root)
			continue;
		if ((strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "message/global") == 0) &&
		    p->child != NULL && p->child->is_message)
			return p->child;
	}
	p = NULL;
	while ((p = part_walk(root, p)) != NULL) {
		if (strcmp(p->type, "text/rfc822-headers") == 0 ||
		    strcmp(p->type, "text/rfc822-header") == 0) {
			if (p->child != NULL)
				return p->child;
			if (p->body != NULL)
				return mime_parse_embedded(m, p, p->body,
				    p->body_len);
		}
	}
	return NULL;
}

char *
part_text(const struct part *p, size_t *len)
{
	return text_to_utf8(p->charset, p->body ? p->body : "", p->body_len,
	    len);
}

const struct part *
first_text(struct part *root)
{
	struct part *p = NULL;

	while ((p = part_walk(root, p)) != NULL)
		if (strcmp(p->type, "text/plain") == 0 && p->child == NULL &&
		    !p->is_message)
			return p;
	return NULL;
}

int
set_ip(char **field, const char *p)
{
	char ip[IP_STRLEN];

	if (p == NULL || !ip_normalise(p, strlen(p), ip))
		return 0;
	report_setz(field, ip);
	return 1;
}

int
set_date(time_t *t, const char *p)
{
	time_t v;

	if (p == NULL || parse_date(p, strlen(p), &v) < 0)
		return 0;
	*t = v;
	return 1;
}

void
set_decoded(char **field, const char *p)
{
	if (p == NULL)
		return;
	report_take(field, decode_header(p, strlen(p), MAX_FIELD_LEN));
}

char *
from_domain(const struct part *msgnode)
{
	const char *from = hdr_get(&msgnode->hdrs, "From");
	char *a, *at, *d = NULL, *q;

	if (from == NULL || (a = addr_spec(from, strlen(from))) == NULL)
		return NULL;
	if ((at = strrchr(a, '@')) != NULL && at[1] != '\0') {
		d = xstrdup(at + 1);
		for (q = d; *q; q++)
			*q = (char)tolower((unsigned char)*q);
	}
	free(a);
	return d;
}

const char *
category_for_feedback(const char *ft)
{
	static const struct { const char *ft, *cat; } map[] = {
		{ "abuse", "spam" }, { "fraud", "fraud" },
		{ "virus", "virus" }, { "auth-failure", "auth-failure" },
		{ "dmarc", "auth-failure" }, { "phishing", "phishing" },
		{ "spam", "spam" },
	};
	size_t i;

	if (ft == NULL)
		return "spam";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (ascii_casecmp(ft, map[i].ft) == 0)
			return map[i].cat;
	return "other";
}

const char *
branded_header(const struct hdrs *h, const char *suffix)
{
	size_t i, sl = strlen(suffix);

	for (i = 0; i < h->n; i++) {
		const char *n = h->v[i].name;
		size_t nl = strlen(n);
		const char *dash;

		/* X-<Brand>-<suffix>, with a brand of letters and digits. */
		if (nl <= sl + 3 || ascii_ncasecmp(n, "X-", 2) != 0 ||
		    ascii_casecmp(n + nl - sl, suffix) != 0 ||
		    n[nl - sl - 1] != '-')
			continue;
		for (dash = n + 2; dash < n + nl - sl - 1; dash++)
			if (!isalnum((unsigned char)*dash))
				break;
		if (dash == n + nl - sl - 1)
			return h->v[i].value;
	}
	return NULL;
}

/*
 * origin_ip: walking the offending message's Received fields from the
 * top, the first hop whose sender is not one of ours.  With no trusted
 * hosts configured that is simply the first hop.
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
		/* The sender's name in a Received field is whatever it said
		 * in HELO; only its address, written by the receiving host,
		 * can be trusted.  A name counts only where there is none. */
		if (trusted != NULL && hostlist_match(trusted,
		    rv.from_ip[0] ? NULL : rv.from_host, rv.from_ip))
			continue;
		if (rv.from_ip[0] != '\0')
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
 * A hop's sender is judged by its address when the field has one: the
 * name in a "from" clause is whatever the sender said in HELO.
 */
static int
from_ours(const struct received *rv, const struct hostlist *t)
{
	return rv->from_ip[0] != '\0' ? hostlist_match(t, NULL, rv->from_ip) :
	    hostlist_match(t, rv->from_host, NULL);
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
	for (k = 0; k < nrules; k++) {
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
}

static void
first_received_date(const struct part *off, time_t *t)
{
	const char *rcv = hdr_get(&off->hdrs, "Received");
	const char *semi;

	if (rcv != NULL && (semi = strrchr(rcv, ';')) != NULL)
		set_date(t, semi + 1);
}

/* What every format shares, taken from the offending message. */
static void
extract_common(struct report *r, const struct part *off,
    const struct parse_opts *o)
{
	const char *v;

	if (off != NULL) {
		find_origin(r, off, o->trusted);
		find_identity(r, off, o);
		if (r->subject == NULL)
			set_decoded(&r->subject, hdr_get(&off->hdrs,
			    "Subject"));
		if (r->message_id == NULL &&
		    (v = hdr_get(&off->hdrs, "Message-ID")) != NULL)
			report_take(&r->message_id,
			    msgid_strip(v, strlen(v)));
		if (r->mail_from == NULL &&
		    (v = hdr_get(&off->hdrs, "Return-Path")) != NULL)
			report_take(&r->mail_from, addr_spec(v, strlen(v)));
		if (r->occurred_at == 0)
			first_received_date(off, &r->occurred_at);
		if (r->occurred_at == 0)
			set_date(&r->occurred_at, hdr_get(&off->hdrs, "Date"));
	}
	if (r->auth_user == NULL && r->smtp_auth != NULL)
		report_setz(&r->auth_user, r->smtp_auth);
}

void
message_parse(const char *raw, size_t len, const struct parse_opts *o,
    struct report *r)
{
	const struct format *best = NULL;
	struct limits dflt;
	struct err e;
	struct msg m;
	size_t i;
	int score, top = 0;

	if (o->lim == NULL)
		limits_default(&dflt);
	if (mime_parse(&m, raw, len, o->lim ? o->lim : &dflt, &e) != RC_OK) {
		r->status = MSG_QUARANTINED;
		report_setz(&r->reason, e.msg);
		return;
	}
	for (i = 0; i < NFORMATS; i++) {
		score = table[i]->match(&m);
		if (score > top) {
			top = score;
			best = table[i];
		}
	}
	if (best == NULL) {
		r->status = MSG_QUARANTINED;
		report_setz(&r->reason, "not a report format this program "
		    "reads");
		goto out;
	}
	r->format = best->name;
	err_clear(&e);
	if (best->parse(&m, r, &e) != RC_OK) {
		r->status = MSG_QUARANTINED;
		report_setz(&r->reason, e.msg[0] ? e.msg : "unreadable");
		goto out;
	}
	if (!best->is_report) {
		r->status = MSG_IGNORED;
		goto out;
	}
	r->status = MSG_PARSED;
	extract_common(r, r->offending, o);
out:
	r->offending = NULL;
	msg_release(&m);
}
