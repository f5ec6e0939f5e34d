#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "text.h"
#include "util.h"

void
report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->format = "unknown";
}

void
report_release(struct report *r)
{
	char **fields[] = { &r->reason, &r->feedback_type, &r->category,
	    &r->reporter, &r->source_ip, &r->origin_ip, &r->auth_user,
	    &r->identity_header, &r->smtp_auth, &r->mail_from, &r->subject,
	    &r->message_id, &r->envelope_id, &r->outgoing_class,
	    &r->customer, &r->resolved_by, &r->resolve_note, &r->sender,
	    &r->offending_from, &r->evidence, &r->occurred_note };
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
	for (i = 0; i < r->nrcpt; i++)
		free(r->rcpt_to[i]);
	report_init(r);
}

void
report_take(char **field, char *s)
{
	size_t n, lead;

	free(*field);
	*field = NULL;
	if (s == NULL)
		return;
	if (!utf8_valid(s, strlen(s))) {
		/* Raw 8-bit from a field no charset covers. */
		char *u = text_to_utf8("windows-1252", s, strlen(s), NULL);

		free(s);
		s = u;
	}
	n = ctl_blank(s, strlen(s));
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	for (lead = 0; lead < n && s[lead] == ' '; lead++)
		;
	memmove(s, s + lead, n - lead + 1);
	n -= lead;
	if (n > MAX_FIELD_LEN) {
		n = MAX_FIELD_LEN;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		s[n] = '\0';
	}
	if (n == 0) {
		free(s);
		return;
	}
	*field = s;
}

void
report_set(char **field, const char *p, size_t n)
{
	if (p == NULL) {
		report_take(field, NULL);
		return;
	}
	trim(&p, &n);
	report_take(field, n ? xstrndup(p, n > MAX_FIELD_LEN + 4 ?
	    MAX_FIELD_LEN + 4 : n) : NULL);
}

void
report_setz(char **field, const char *s)
{
	report_set(field, s, s ? strlen(s) : 0);
}

void
report_add_rcpt(struct report *r, const char *p, size_t n)
{
	char *v = NULL;
	size_t i;

	if (r->nrcpt >= MAX_RCPT)
		return;
	report_set(&v, p, n);
	if (v == NULL)
		return;
	for (i = 0; i < r->nrcpt; i++)
		if (strcmp(r->rcpt_to[i], v) == 0) {
			free(v);
			return;
		}
	r->rcpt_to[r->nrcpt++] = v;
}

const char *
role_name(enum role role)
{
	switch (role) {
	case ROLE_INTERNAL: return "internal";
	case ROLE_EXTERNAL: return "external";
	default: return "auto";
	}
}

const char *
status_name(enum msg_status s)
{
	switch (s) {
	case MSG_QUARANTINED: return "quarantined";
	case MSG_IGNORED: return "ignored";
	default: return "parsed";
	}
}

void
report_key(const struct report *r, const char *raw_sha256, char out[65])
{
	struct buf b;
	const char *id = r->message_id ? r->message_id : r->envelope_id;

	buf_init(&b, 4096);
	if (id == NULL && r->source_ip == NULL && r->occurred_at == 0)
		(void)buf_addf(&b, "%s\n%s", r->format, raw_sha256);
	else
		(void)buf_addf(&b, "%s\n%s\n%s\n%lld", r->format,
		    id ? id : "", r->source_ip ? r->source_ip : "",
		    (long long)r->occurred_at);
	sha256_hex(b.data, b.len, out);
	buf_release(&b);
}

static void
kv(FILE *f, const char *k, const char *v)
{
	if (v != NULL)
		fprintf(f, "%s: %s\n", k, v);
}

void
report_print(FILE *f, const struct report *r)
{
	char when[21];
	size_t i;

	kv(f, "format", r->format);
	if (r->status != MSG_PARSED) {
		kv(f, "status", status_name(r->status));
		kv(f, "kind", r->kind);
		kv(f, "reason", r->reason);
	}
	if (r->role != ROLE_AUTO)
		kv(f, "role", role_name(r->role));
	kv(f, "feedback_type", r->feedback_type);
	kv(f, "category", r->category);
	kv(f, "reporter", r->reporter);
	if (r->occurred_at != 0) {
		iso8601_utc(r->occurred_at, when);
		kv(f, "occurred_at", when);
	}
	kv(f, "source_ip", r->source_ip);
	kv(f, "origin_ip", r->origin_ip);
	kv(f, "auth_user", r->auth_user);
	kv(f, "identity_header", r->identity_header);
	kv(f, "mail_from", r->mail_from);
	for (i = 0; i < r->nrcpt; i++)
		kv(f, "rcpt_to", r->rcpt_to[i]);
	kv(f, "subject", r->subject);
	kv(f, "message_id", r->message_id);
	kv(f, "envelope_id", r->envelope_id);
	kv(f, "outgoing_class", r->outgoing_class);
	if (r->review)
		kv(f, "review", "yes");
	kv(f, "customer", r->customer);
	kv(f, "resolved_by", r->resolved_by);
	kv(f, "resolve_note", r->resolve_note);
	if (r->unverified)
		kv(f, "state", "unverified");
	kv(f, "evidence", r->evidence);
}
