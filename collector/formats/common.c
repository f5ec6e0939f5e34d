/*
 * Helpers the format parsers share: finding parts, setting report fields
 * from header values, reading values out of prose.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

const struct part *
find_offending(struct msg *m, struct part *root)
{
	struct part *p = NULL;

	while ((p = part_walk(root, p)) != NULL) {
		/* The root counts only when it is a message/rfc822 wrapper
		 * (a whole-body forward); else it is the report itself. */
		if (p == root && p->child == NULL)
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
			if (p->body != NULL && p->body_len > 0)
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
		    p->body != NULL)
			return p;
	return NULL;
}

/* Depth-first, but not into messages embedded below root. */
static struct part *
walk_own(struct part *root, struct part *prev)
{
	if (prev == NULL)
		return root;
	if (prev->child != NULL && (prev == root || !prev->is_message))
		return prev->child;
	while (prev != NULL && prev != root) {
		if (prev->next != NULL)
			return prev->next;
		prev = prev->parent;
	}
	return NULL;
}

const struct part *
own_part(struct part *root, const char *type)
{
	struct part *p = NULL;

	while ((p = walk_own(root, p)) != NULL)
		if (strcmp(p->type, type) == 0 && p->child == NULL)
			return p;
	return NULL;
}

const char *
root_hdr(const struct msg *m, const char *name)
{
	return hdr_get(&m->root->hdrs, name);
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
set_date_n(time_t *t, const char *p, size_t n)
{
	time_t v;

	if (p == NULL)
		return 0;
	/* Prose puts a full stop or a comma after the date. */
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ',' ||
	    isspace((unsigned char)p[n - 1])))
		n--;
	if (parse_date(p, n, &v) < 0)
		return 0;
	*t = v;
	return 1;
}

int
set_date(time_t *t, const char *p)
{
	return p != NULL && set_date_n(t, p, strlen(p));
}

void
set_decoded(char **field, const char *p)
{
	if (p == NULL)
		return;
	report_take(field, decode_header(p, strlen(p), MAX_FIELD_LEN));
}

void
set_decoded_in(char **field, const char *p, const struct part *msgnode)
{
	const struct part *t;

	if (p == NULL)
		return;
	if (msgnode->charset == NULL &&
	    (t = first_text((struct part *)(uintptr_t)msgnode)) != NULL)
		msgnode = t;
	report_take(field, decode_header_cs(p, strlen(p), msgnode->charset,
	    MAX_FIELD_LEN));
}

int
set_addr(char **field, const char *p)
{
	char *a;

	if (p == NULL || (a = addr_spec(p, strlen(p))) == NULL)
		return 0;
	if (strcmp(a, "<") == 0 || strcmp(a, "<>") == 0) {
		free(a);
		return 0;
	}
	report_take(field, decode_header(a, strlen(a), MAX_FIELD_LEN));
	free(a);
	return *field != NULL;
}

void
set_lower(char **field, const char *p)
{
	char *q;

	report_setz(field, p);
	for (q = *field; q != NULL && *q; q++)
		*q = (char)tolower((unsigned char)*q);
}

/* A host name: labels of letters, digits, hyphens (or UTF-8 bytes of an
 * internationalised name), at least two, none empty or longer than 63. */
static int
valid_domain(const char *d, size_t n)
{
	size_t i, label = 0, labels = 1;

	if (n == 0 || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)d[i];

		if (ch == '.') {
			if (label == 0 || d[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			continue;
		}
		if (!(isalnum(ch) || ch >= 0x80 || (ch == '-' && label > 0)))
			return 0;
		if (++label > 63)
			return 0;
	}
	return labels >= 2 && d[n - 1] != '-';
}

char *
reporter_label(const char *v, int domain_only)
{
	char *a, *at, *out = NULL, *q;
	size_t i, n;

	if (v == NULL || (a = addr_spec(v, strlen(v))) == NULL)
		return NULL;
	for (q = a; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	n = strlen(a);
	at = strrchr(a, '@');
	if (at == NULL) {
		if (valid_domain(a, n))
			out = xstrdup(a);
		goto out;
	}
	if (!valid_domain(at + 1, strlen(at + 1)))
		goto out;
	if (domain_only || at == a) {
		out = xstrdup(at + 1);
		goto out;
	}
	for (i = 0; a + i < at; i++)
		if ((unsigned char)a[i] <= ' ' || strchr("<>()[],;:\\\"@",
		    a[i]) != NULL)
			break;
	/* A local part that is no local part: the domain says enough. */
	out = xstrdup(a + i < at ? at + 1 : a);
out:
	free(a);
	return out;
}

char *
addr_domain(const char *v)
{
	char *a, *at, *d = NULL, *q;

	if (v == NULL || (a = addr_spec(v, strlen(v))) == NULL)
		return NULL;
	if ((at = strrchr(a, '@')) != NULL && at[1] != '\0') {
		d = xstrdup(at + 1);
		for (q = d; *q; q++)
			*q = (char)tolower((unsigned char)*q);
	}
	free(a);
	return d;
}

char *
from_domain(const struct part *msgnode)
{
	return addr_domain(hdr_get(&msgnode->hdrs, "From"));
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
category_for_words(const char *p, size_t n)
{
	static const struct { const char *word, *cat; } words[] = {
		{ "phish", "phishing" }, { "spoof", "phishing" },
		{ "scam", "phishing" }, { "fraud", "fraud" },
		{ "malware", "virus" }, { "virus", "virus" },
		{ "trojan", "virus" }, { "ransomware", "virus" },
		{ "spam", "spam" }, { "unsolicited", "spam" },
		{ "junk mail", "spam" }, { "bulk mail", "spam" },
	};
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (memcasemem(p, n, words[i].word) != NULL)
			return words[i].cat;
	return NULL;
}

const char *
branded_header(const struct hdrs *h, const char *suffix, char *brand,
    size_t brandsz)
{
	size_t i, sl = strlen(suffix);

	for (i = 0; i < h->n; i++) {
		const char *n = h->v[i].name;
		size_t nl = strlen(n), bl;
		const char *dash;

		/* X-<Brand>-<suffix>, with a brand of letters and digits. */
		if (nl <= sl + 3 || ascii_ncasecmp(n, "X-", 2) != 0 ||
		    ascii_casecmp(n + nl - sl, suffix) != 0 ||
		    n[nl - sl - 1] != '-')
			continue;
		for (dash = n + 2; dash < n + nl - sl - 1; dash++)
			if (!isalnum((unsigned char)*dash))
				break;
		if (dash != n + nl - sl - 1)
			continue;
		if (brand != NULL && brandsz > 0) {
			bl = nl - sl - 3;
			if (bl >= brandsz)
				bl = brandsz - 1;
			memcpy(brand, n + 2, bl);
			brand[bl] = '\0';
		}
		return h->v[i].value;
	}
	return NULL;
}

/* The rest of the line after label, trimmed; NULL when absent. */
static const char *
after_label(const char *p, size_t n, const char *label, size_t *len)
{
	const char *s = memcasemem(p, n, label), *e;

	if (s == NULL)
		return NULL;
	s += strlen(label);
	e = memchr(s, '\n', n - (size_t)(s - p));
	*len = e ? (size_t)(e - s) : n - (size_t)(s - p);
	trim(&s, len);
	return s;
}

int
text_ip_after(const char *p, size_t n, const char *label,
    char out[IP_STRLEN])
{
	const char *s;
	size_t len;

	if (p == NULL || (s = after_label(p, n, label, &len)) == NULL)
		return 0;
	return ip_find(s, len, out);
}

int
text_date_after(const char *p, size_t n, const char *label, time_t *t)
{
	const char *s;
	size_t len;

	if (p == NULL || (s = after_label(p, n, label, &len)) == NULL)
		return 0;
	return set_date_n(t, s, len);
}

char *
text_line_after(const char *p, size_t n, const char *label)
{
	const char *s;
	size_t len;

	if (p == NULL || (s = after_label(p, n, label, &len)) == NULL ||
	    len == 0)
		return NULL;
	return xstrndup(s, len);
}

const char *
line_starting(const char *p, size_t n, const char *prefix)
{
	size_t i = 0, pl = strlen(prefix);

	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) + 1 : n;

		if (e - i >= pl && ascii_ncasecmp(p + i, prefix, pl) == 0)
			return p + i;
		i = e;
	}
	return NULL;
}

int
first_hop_ip(const struct part *msgnode, char out[IP_STRLEN])
{
	struct received rv;
	const char *v;
	size_t i;

	for (i = 0; (v = hdr_get_nth(&msgnode->hdrs, "Received", i)) != NULL;
	    i++) {
		if (received_parse(v, strlen(v), &rv) < 0)
			continue;
		if (rv.from_unsure)
			return 0;
		if (rv.from_ip[0] != '\0') {
			memcpy(out, rv.from_ip, IP_STRLEN);
			return 1;
		}
	}
	return 0;
}

int
first_hop_date(const struct part *msgnode, time_t *t)
{
	const char *rcv = hdr_get(&msgnode->hdrs, "Received");
	const char *semi;

	return rcv != NULL && (semi = strrchr(rcv, ';')) != NULL &&
	    set_date(t, semi + 1);
}

void
source_ip_fallback(struct report *r, const struct part *off)
{
	char ip[IP_STRLEN];

	if (r->source_ip != NULL || off == NULL)
		return;
	if (set_ip(&r->source_ip, hdr_get(&off->hdrs, "X-Originating-IP")) ||
	    set_ip(&r->source_ip, hdr_get(&off->hdrs, "X-AOL-IP")))
		return;
	if (first_hop_ip(off, ip))
		report_setz(&r->source_ip, ip);
}
