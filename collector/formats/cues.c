/*
 * The cues the classifiers share: the decoded subject, the sender and
 * the message's own text, worked out once per message so that a dozen
 * classifiers do not each decode them again.  Everything is lower-cased
 * in ASCII only, so the word lists (all lower case) are found with
 * memmem; texts in other scripts are listed as they are written.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static void
lower(char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] - 'A' + 'a');
}

/* Subject prefixes, after which the rest is someone else's subject. */
static const char *const fwd_prefixes[] = { "fwd:", "fw:", "wg:", "tr:",
	"rv:", "i:", "doorst:", "vs:", "enc:", "pd:", "trs:", "fwd :",
	"fw :", "tr :", NULL };
static const char *const re_prefixes[] = { "re:", "aw:", "sv:", "antw:",
	"r:", "ref:", "res:", "odp:", "vs:", "re :", "réf. :", "ynt:", NULL };

static int
has_any_prefix(const char *s, const char *const *list)
{
	size_t i;

	while (*s == ' ' || *s == '\t')
		s++;
	for (i = 0; list[i] != NULL; i++)
		if (strncmp(s, list[i], strlen(list[i])) == 0)
			return 1;
	return 0;
}

/* Local parts and display names mailer daemons send as. */
static const char *const daemon_locals[] = { "mailer-daemon",
	"mailer_daemon", "mailerdaemon", "mail-daemon", "maildaemon",
	"postmaster", "mdaemon", "mailer", NULL };
static const char *const daemon_names[] = { "mail delivery system",
	"mail delivery subsystem", "mail delivery service",
	"mail delivery agent", "mailer-daemon", "mailer daemon",
	"mail administrator", "mail system", "postmaster",
	"microsoft outlook", "microsoft exchange", "mail delivery",
	"systemadministrator", "system administrator", NULL };

static int
is_daemon(const char *from, const char *addr)
{
	const char *at;
	size_t i, n;

	if (addr != NULL) {
		at = strrchr(addr, '@');
		n = at ? (size_t)(at - addr) : strlen(addr);
		for (i = 0; daemon_locals[i] != NULL; i++)
			if (n == strlen(daemon_locals[i]) &&
			    strncmp(addr, daemon_locals[i], n) == 0)
				return 1;
		/* Exchange writes MicrosoftExchange<hex>@domain. */
		if (strncmp(addr, "microsoftexchange", 17) == 0)
			return 1;
	}
	/* The display name, or a bare "MAILER-DAEMON" that is no address. */
	n = strlen(from);
	at = memchr(from, '<', n);
	if (at != NULL)
		n = (size_t)(at - from);
	return find_any(from, n, daemon_names) != NULL;
}

static int
empty_path(const char *v)
{
	size_t n;

	if (v == NULL)
		return 0;
	n = strlen(v);
	trim(&v, &n);
	while (n > 0 && (*v == '<' || *v == ' ')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == '>' || v[n - 1] == ' '))
		n--;
	return n == 0;
}

void
cues_init(struct cues *c, const struct msg *m, const struct parse_opts *o)
{
	const char *v;
	char *a;

	memset(c, 0, sizeof(*c));
	c->o = o;
	v = root_hdr(m, "Subject");
	c->subject = v ? decode_header(v, strlen(v), MAX_FIELD_LEN) : NULL;
	if (c->subject == NULL)
		c->subject = xstrdup("");
	c->subject_len = strlen(c->subject);
	lower(c->subject, c->subject_len);
	v = root_hdr(m, "From");
	c->from = v ? decode_header(v, strlen(v), MAX_FIELD_LEN) : NULL;
	if (c->from == NULL)
		c->from = xstrdup("");
	c->from_len = strlen(c->from);
	lower(c->from, c->from_len);
	if (v != NULL && (a = addr_spec(v, strlen(v))) != NULL) {
		lower(a, strlen(a));
		if (strchr(a, '@') != NULL && strpbrk(a, "<> ") == NULL)
			c->from_addr = a;
		else
			free(a);
	}
	c->null_sender = empty_path(root_hdr(m, "Return-Path")) ||
	    (v != NULL && (empty_path(v) || strstr(c->from, "<>") != NULL));
	c->daemon = is_daemon(c->from, c->from_addr);
	c->forwarded = has_any_prefix(c->subject, fwd_prefixes);
	c->replied = has_any_prefix(c->subject, re_prefixes);
	c->report_shape = feedback_part(m->root) != NULL ||
	    root_hdr(m, "X-XARF") != NULL || root_hdr(m, "X-ARF") != NULL ||
	    (m->root->report_type != NULL &&
	    strcmp(m->root->report_type, "feedback-report") == 0);
	v = root_hdr(m, "Auto-Submitted");
	c->auto_submitted = v != NULL && !has_prefix_ci(v, strlen(v), "no");
}

void
cues_release(struct cues *c)
{
	free(c->subject);
	free(c->from);
	free(c->from_addr);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

const char *
cues_text(struct cues *c, const struct msg *m, size_t *len)
{
	const struct part *t;
	size_t n;

	if (!c->text_done) {
		c->text_done = 1;
		t = own_part(m->root, "text/plain");
		if (t == NULL)
			t = own_part(m->root, "text/html");
		if (t != NULL && t->body != NULL) {
			n = t->body_len < KIND_SCAN ? t->body_len : KIND_SCAN;
			c->text = text_to_utf8(t->charset, t->body, n,
			    &c->text_len);
			lower(c->text, c->text_len);
		}
	}
	*len = c->text_len;
	return c->text ? c->text : "";
}

const char *
find_any(const char *hay, size_t n, const char *const *needles)
{
	size_t i;

	for (i = 0; needles[i] != NULL; i++)
		if (memmem(hay, n, needles[i], strlen(needles[i])) != NULL)
			return needles[i];
	return NULL;
}

int
has_evidence(struct cues *c, const struct msg *m)
{
	static const char *const pasted[] = { "\nreceived: from",
		"\n> received: from", "\nreturn-path:", "\n> return-path:",
		NULL };
	struct part *p = NULL;
	const char *t;
	size_t n;

	while ((p = part_walk(m->root, p)) != NULL)
		if (strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "message/global") == 0 ||
		    strcmp(p->type, "text/rfc822-headers") == 0)
			return 1;
	t = cues_text(c, m, &n);
	return find_any(t, n, pasted) != NULL;
}

int
own_message_id(const char *id, size_t n, const char *domain)
{
	static const char *const kinds[] = { "summary-", "notice-", NULL };
	const char *at, *dot, *s;
	size_t i, k, hex = 0;

	trim(&id, &n);
	if (n > 0 && *id == '<') {
		id++;
		n--;
	}
	if (n > 0 && id[n - 1] == '>')
		n--;
	for (k = 0; kinds[k] != NULL; k++)
		if (has_prefix_ci(id, n, kinds[k]))
			break;
	if (kinds[k] == NULL || (at = memchr(id, '@', n)) == NULL)
		return 0;
	/* The 16 hex digits between the last dot before '@' and '@'. */
	for (dot = NULL, s = id + strlen(kinds[k]); s < at; s++)
		if (*s == '.')
			dot = s;
	if (dot == NULL || dot == id + strlen(kinds[k]))
		return 0;
	for (s = dot + 1; s < at; s++, hex++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	if (hex != 16)
		return 0;
	if (domain == NULL)
		return at + 1 < id + n;
	i = (size_t)(id + n - (at + 1));
	return i == strlen(domain) && ascii_ncasecmp(at + 1, domain, i) == 0;
}
