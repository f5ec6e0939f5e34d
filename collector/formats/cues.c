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

#define PAIR(a, b)	((((unsigned)(unsigned char)(a) * 67u) + \
	(unsigned char)(b)) & 4095u)

static void
pairs(const char *p, size_t n, unsigned char bits[512])
{
	size_t i;

	memset(bits, 0, 512);
	for (i = 0; i + 1 < n; i++)
		bits[PAIR(p[i], p[i + 1]) >> 3] |= 1u << (PAIR(p[i], p[i + 1]) & 7);
}

/* 0 when some pair of bytes of needle does not occur in the hay. */
static int
maybe(const unsigned char bits[512], const char *needle)
{
	unsigned h;

	for (; needle[0] != '\0' && needle[1] != '\0'; needle++) {
		h = PAIR(needle[0], needle[1]);
		if (!(bits[h >> 3] & (1u << (h & 7))))
			return 0;
	}
	return 1;
}

static const char *
find_bits(const unsigned char bits[512], const char *hay, size_t n,
    const char *const *needles)
{
	size_t i;

	for (i = 0; needles[i] != NULL; i++)
		if (maybe(bits, needles[i]) && memmem(hay, n, needles[i],
		    strlen(needles[i])) != NULL)
			return needles[i];
	return NULL;
}

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
	/* The first letter rules out most prefixes (none is empty). */
	for (i = 0; list[i] != NULL; i++)
		if (s[0] == list[i][0] &&
		    strncmp(s, list[i], strlen(list[i])) == 0)
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
is_daemon(const struct cues *c)
{
	const char *addr = c->from_addr, *at;
	size_t i, n, k;

	if (addr != NULL) {
		at = memchr(addr, '@', c->from_addr_len);
		n = at ? (size_t)(at - addr) : c->from_addr_len;
		for (i = 0; daemon_locals[i] != NULL; i++) {
			k = strlen(daemon_locals[i]);
			if (n == k && memcmp(addr, daemon_locals[i], n) == 0)
				return 1;
		}
		/* Exchange writes MicrosoftExchange<hex>@domain. */
		if (n >= 17 && memcmp(addr, "microsoftexchange", 17) == 0)
			return 1;
	}
	/* The display name, or a bare "MAILER-DAEMON" that is no address. */
	n = c->from_len;
	if ((at = memchr(c->from, '<', n)) != NULL)
		n = (size_t)(at - c->from);
	return find_any(c->from, n, daemon_names) != NULL;
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

/* A header value into buf, lower case: decoded when it has encoded words
 * or 8-bit bytes, else copied (most values, and no allocation). */
static size_t
field(const char *v, char *buf, size_t bufsz)
{
	const unsigned char *p;
	char *d;
	size_t n;

	buf[0] = '\0';
	if (v == NULL)
		return 0;
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p >= 0x80 || (p[0] == '=' && p[1] == '?'))
			break;
	if (*p == '\0') {
		n = (size_t)(p - (const unsigned char *)v);
		if (n >= bufsz)
			n = bufsz - 1;
		memcpy(buf, v, n);
	} else {
		d = decode_header(v, strlen(v), bufsz - 1);
		n = d ? strlen(d) : 0;
		if (n >= bufsz)
			n = bufsz - 1;
		memcpy(buf, d ? d : "", n);
		free(d);
	}
	buf[n] = '\0';
	lower(buf, n);
	return n;
}

/* A header field name's bit in hbits: its length and three of its bytes,
 * case folded (| 0x20 folds the letters and keeps names equal in any
 * case equal).  Cheap, which matters more than spread here: a bit that
 * is set by another name costs one lookup in the header block. */
static unsigned
name_hash(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	return (unsigned)(n * 37u + ((unsigned char)s[0] | 0x20u) * 11u +
	    ((unsigned char)s[n / 2] | 0x20u) * 5u +
	    ((unsigned char)s[n - 1] | 0x20u)) & 255u;
}

const char *
cues_hdr(const struct cues *c, const struct msg *m, const char *name)
{
	unsigned h = name_hash(name);

	if (!(c->hbits[h >> 3] & (1u << (h & 7))))
		return NULL;
	return root_hdr(m, name);
}

/* The address in a From field: between '<' and '>', else the whole
 * value when it has an '@' and no space. */
static void
from_address(struct cues *c)
{
	const char *lt, *gt;

	if ((lt = strrchr(c->from, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) != NULL && gt > lt + 1 &&
		    memchr(lt, '@', (size_t)(gt - lt)) != NULL) {
			c->from_addr = lt + 1;
			c->from_addr_len = (size_t)(gt - lt - 1);
		}
		return;
	}
	if (strchr(c->from, '@') != NULL && strchr(c->from, ' ') == NULL) {
		c->from_addr = c->from;
		c->from_addr_len = c->from_len;
	}
}

void
cues_init(struct cues *c, const struct msg *m, const struct parse_opts *o)
{
	const struct hdrs *hs = &m->root->hdrs;
	const char *v;
	unsigned h;
	size_t i;

	c->o = o;
	c->text_done = 0;
	c->text = NULL;
	c->text_len = 0;
	c->from_domain_done = 0;
	c->from_domain = NULL;
	c->why[0] = '\0';
	memset(c->hbits, 0, sizeof(c->hbits));
	for (i = 0; i < hs->n; i++) {
		h = name_hash(hs->v[i].name);
		c->hbits[h >> 3] |= 1u << (h & 7);
	}
	c->subject_len = field(root_hdr(m, "Subject"), c->subject,
	    sizeof(c->subject));
	pairs(c->subject, c->subject_len, c->sbits);
	v = root_hdr(m, "From");
	c->from_len = field(v, c->from, sizeof(c->from));
	c->from_addr = NULL;
	c->from_addr_len = 0;
	from_address(c);
	c->null_sender = empty_path(cues_hdr(c, m, "Return-Path")) ||
	    (v != NULL && (empty_path(v) || strstr(c->from, "<>") != NULL));
	c->daemon = is_daemon(c);
	c->forwarded = has_any_prefix(c->subject, fwd_prefixes);
	c->replied = has_any_prefix(c->subject, re_prefixes);
	c->report_shape = cues_hdr(c, m, "X-XARF") != NULL ||
	    cues_hdr(c, m, "X-ARF") != NULL ||
	    (m->root->report_type != NULL &&
	    strcmp(m->root->report_type, "feedback-report") == 0) ||
	    feedback_part(m->root) != NULL;
	v = cues_hdr(c, m, "Auto-Submitted");
	c->auto_submitted = v != NULL && !has_prefix_ci(v, strlen(v), "no");
}

void
cues_release(struct cues *c)
{
	free(c->text);
	c->text = NULL;
	c->text_done = 0;
	free(c->from_domain);
	c->from_domain = NULL;
	c->from_domain_done = 0;
}

const char *
cues_from_domain(struct cues *c, const struct msg *m)
{
	if (!c->from_domain_done) {
		c->from_domain_done = 1;
		c->from_domain = addr_domain(root_hdr(m, "From"));
	}
	return c->from_domain;
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
		pairs(c->text ? c->text : "", c->text_len, c->tbits);
	}
	*len = c->text_len;
	return c->text ? c->text : "";
}

const char *
find_any(const char *hay, size_t n, const char *const *needles)
{
	unsigned char bits[512];

	pairs(hay, n, bits);
	return find_bits(bits, hay, n, needles);
}

const char *
cues_find(struct cues *c, const struct msg *m, enum cue_field f,
    size_t limit, const char *const *needles)
{
	const char *hay;
	size_t n;

	if (f == CUE_SUBJECT) {
		hay = c->subject;
		n = c->subject_len;
	} else {
		hay = cues_text(c, m, &n);
	}
	if (limit != 0 && n > limit)
		n = limit;
	return find_bits(f == CUE_SUBJECT ? c->sbits : c->tbits, hay, n,
	    needles);
}

int
has_evidence(struct cues *c, const struct msg *m)
{
	static const char *const pasted[] = { "\nreceived: from",
		"\n> received: from", "\nreturn-path:", "\n> return-path:",
		NULL };
	struct part *p = NULL;

	while ((p = part_walk(m->root, p)) != NULL)
		if (strcmp(p->type, "message/rfc822") == 0 ||
		    strcmp(p->type, "message/global") == 0 ||
		    strcmp(p->type, "text/rfc822-headers") == 0)
			return 1;
	return cues_find(c, m, CUE_TEXT, 0, pasted) != NULL;
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
