/*
 * X-ARF 0.1 / 0.2 (x-arf.org): multipart/mixed with a human part, a
 * report part named report.txt holding a flat YAML document
 * (Reported-From, Category, Report-Type, Date, Source-Type, Source, ...)
 * and an optional evidence part.  0.1 marks the mail "X-ARF: YES", 0.2
 * "X-XARF: PLAIN"; some senders write both, or neither.  Seen in the
 * wild: report.txt quoted-printable or base64 with CRLF, duplicated
 * name parameters, "charset=utf8", the YAML pasted into the human part.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

/* One flat YAML document: keys and values point into the part body. */
struct yaml {
	struct {
		const char	*k, *v;
		size_t		 kn, vn;
	}		 kv[MAX_YAML_KEYS];
	size_t		 n;
};

static void
yaml_read(const char *p, size_t n, struct yaml *y)
{
	size_t i = 0;

	y->n = 0;
	while (i < n && y->n < MAX_YAML_KEYS) {
		const char *nl = memchr(p + i, '\n', n - i), *l = p + i, *c;
		size_t e = nl ? (size_t)(nl - p) + 1 : n, ln = e - i, k;

		i = e;
		while (ln > 0 && (l[ln - 1] == '\n' || l[ln - 1] == '\r'))
			ln--;
		if (ln == 0 || l[0] == '#' || l[0] == ' ' || l[0] == '\t' ||
		    l[0] == '-' || (c = memchr(l, ':', ln)) == NULL)
			continue;
		for (k = 0; l + k < c; k++)
			if (!isalnum((unsigned char)l[k]) && l[k] != '-' &&
			    l[k] != '_')
				break;
		if (l + k != c)
			continue;
		y->kv[y->n].k = l;
		y->kv[y->n].kn = k;
		y->kv[y->n].v = c + 1;
		y->kv[y->n].vn = ln - k - 1;
		trim(&y->kv[y->n].v, &y->kv[y->n].vn);
		/* 'quoted' or "quoted" scalars. */
		if (y->kv[y->n].vn >= 2 && (y->kv[y->n].v[0] == '"' ||
		    y->kv[y->n].v[0] == '\'') && y->kv[y->n].v[y->kv[y->n].vn -
		    1] == y->kv[y->n].v[0]) {
			y->kv[y->n].v++;
			y->kv[y->n].vn -= 2;
		}
		y->n++;
	}
}

/* The value of key as a new string, or NULL when absent or empty. */
static char *
yaml_get(const struct yaml *y, const char *key)
{
	size_t i, kl = strlen(key);

	for (i = 0; i < y->n; i++)
		if (y->kv[i].kn == kl && ascii_ncasecmp(y->kv[i].k, key,
		    kl) == 0)
			return y->kv[i].vn ? xstrndup(y->kv[i].v,
			    y->kv[i].vn) : NULL;
	return NULL;
}

static int
is_report_txt(const struct part *p)
{
	return p->filename != NULL && ascii_casecmp(p->filename,
	    "report.txt") == 0;
}

/* The part holding the YAML document, or NULL. */
static const struct part *
report_part(const struct msg *m)
{
	struct part *p = NULL;

	while ((p = part_walk(m->root, p)) != NULL)
		if (p->child == NULL && p->body != NULL && is_report_txt(p))
			return p;
	p = NULL;
	while ((p = part_walk(m->root, p)) != NULL) {
		if (p->child != NULL || p->body == NULL ||
		    strncmp(p->type, "text/", 5) != 0)
			continue;
		if (line_starting(p->body, p->body_len, "Reported-From:"))
			return p;
	}
	return NULL;
}

static int
xarf_match(const struct msg *m, struct cues *c)
{
	int marked = cues_hdr(c, m, "X-XARF") != NULL ||
	    cues_hdr(c, m, "X-ARF") != NULL;
	const struct part *rp = report_part(m);

	if (rp != NULL)
		return marked ? 85 : 75;
	/* Marked but unreadable: still ours, so the reason says X-ARF. */
	return marked ? 45 : 0;
}

/*
 * Our category for an X-ARF 0.2 Category and Report-Type, after the
 * schemas of x-arf.org (abuse_login-attack, abuse_malware-attack,
 * abuse_bot-infection, abuse_grumbot-infection, abuse_compromised-account,
 * fraud, info_dnsbl, info, vertized) and the "mail" report type the
 * reporters send for spam.  A category named by the pair wins; a pair
 * of no schema is read for words, and is "other" when they say nothing.
 */
static const char *
xarf_category(const char *cat, const char *type)
{
	static const struct {
		const char	*cat;	/* NULL: any category */
		const char	*type, *ours;
	} map[] = {
		{ NULL, "mail", "spam" },
		{ NULL, "spam", "spam" },
		{ NULL, "spamvertized", "spam" },
		{ NULL, "nsvertized", "spam" },
		{ NULL, "malware-attack", "virus" },
		{ NULL, "bot-infection", "virus" },
		{ NULL, "grumbot-infection", "virus" },
		{ "fraud", "infected", "virus" },
		{ "fraud", "virus", "virus" },
		{ "fraud", "phishing", "phishing" },
		{ "fraud", "scam", "fraud" },
		{ "fraud", "defacement", "other" },
		{ "fraud", "other", "fraud" },
		{ NULL, "login-attack", "other" },
		{ NULL, "compromised-account", "other" },
		{ NULL, "harvesting", "other" },
		{ NULL, "hack-attack", "other" },
		{ "info", NULL, "other" },
	};
	const char *c;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].cat != NULL && (cat == NULL ||
		    ascii_casecmp(cat, map[i].cat) != 0))
			continue;
		if (map[i].type != NULL && (type == NULL ||
		    ascii_casecmp(type, map[i].type) != 0))
			continue;
		return map[i].ours;
	}
	if ((c = category_for_words(type, type ? strlen(type) : 0)) == NULL)
		c = category_for_words(cat, cat ? strlen(cat) : 0);
	if (c == NULL && cat != NULL && ascii_casecmp(cat, "fraud") == 0)
		c = "fraud";
	return c;
}

/* The domain of an address, or the value itself when it is a domain. */
static void
set_reporter(struct report *r, const char *v)
{
	report_take(&r->reporter, reporter_label(v, 1));
}

static enum rc
xarf_parse(struct msg *m, struct report *r, struct err *e)
{
	const struct part *rp = report_part(m);
	char *v, *type, *cat;
	const char *c;
	struct yaml y;

	if (rp == NULL)
		return err_set(e, RC_REJECT, "X-ARF report without a "
		    "report.txt part");
	yaml_read(rp->body, rp->body_len, &y);
	if (y.n == 0)
		return err_set(e, RC_REJECT, "X-ARF report.txt has no fields");
	r->role = ROLE_EXTERNAL;
	if ((v = yaml_get(&y, "Reported-From")) != NULL)
		set_reporter(r, v);
	if (r->reporter == NULL)
		set_reporter(r, root_hdr(m, "From"));
	free(v);
	type = yaml_get(&y, "Report-Type");
	cat = yaml_get(&y, "Category");
	set_lower(&r->feedback_type, type ? type : cat);
	c = xarf_category(cat, type);
	report_setz(&r->category, c ? c : "other");
	free(type);
	free(cat);
	if ((v = yaml_get(&y, "Date")) != NULL)
		set_date(&r->occurred_at, v);
	free(v);
	/* Source-Type ip-address, ipv4, ipv6; a uri is no address. */
	if ((v = yaml_get(&y, "Source")) != NULL)
		set_ip(&r->source_ip, v);
	free(v);
	r->offending = find_offending(m, m->root);
	return RC_OK;
}

const struct format format_xarf = {
	.name = "xarf",
	.is_report = 1,
	.match = xarf_match,
	.most = 85,
	.parse = xarf_parse,
};
