/*
 * The configuration of the resolver and of correlation: [resolver] and
 * [cases].
 */
#include "autoconf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"

#define ZONEINFO_DIR	"/usr/share/zoneinfo"

const char *
set_identity(struct loader *l, void *t, const char *v)
{
	struct resolver_conf *r = t;
	char **items;
	size_t n, i, j;

	if (cfg_split_list(v, &items, &n) < 0)
		return "empty item in list";
	for (i = 0; i < n; i++)
		for (j = 0; items[i][j]; j++)
			if (!isalnum((unsigned char)items[i][j]) &&
			    items[i][j] != '-' && items[i][j] != '_') {
				cfg_free_list(items, n);
				return "not a header field name";
			}
	cfg_free_list(r->identity_headers, r->nidentity_headers);
	r->identity_headers = items;
	r->nidentity_headers = n;
	return NULL;
}

const char *
set_trusted(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	struct resolver_conf *r = t;
	char **items;
	size_t n, i;

	if (cfg_split_list(v, &items, &n) < 0)
		return "empty item in list";
	hostlist_release(&r->trusted_hosts);
	for (i = 0; i < n; i++)
		if (hostlist_add(&r->trusted_hosts, items[i]) < 0) {
			snprintf(msg, sizeof(msg), "'%.200s' is neither a host "
			    "name nor an address or CIDR prefix", items[i]);
			cfg_free_list(items, n);
			return msg;
		}
	cfg_free_list(items, n);
	r->trusted_line = l->line;
	return NULL;
}

const char *
set_order(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	struct resolver_conf *r = t;
	char **items;
	size_t n, i, k;
	int used[STEP_COUNT] = { 0 };

	if (cfg_split_list(v, &items, &n) < 0)
		return "empty item in list";
	r->norder = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < STEP_COUNT; k++)
			if (strcmp(items[i], resolve_step_name(k)) == 0)
				break;
		if (k == STEP_COUNT) {
			size_t best = (size_t)-1, g = STEP_COUNT;

			for (k = 0; k < STEP_COUNT; k++)
				if (cfg_near(items[i], resolve_step_name(k),
				    &best))
					g = k;
			if (g < STEP_COUNT)
				snprintf(msg, sizeof(msg), "unknown step "
				    "'%.200s': did you mean %s?", items[i],
				    resolve_step_name(g));
			else
				snprintf(msg, sizeof(msg), "unknown step "
				    "'%.200s'", items[i]);
			cfg_free_list(items, n);
			return msg;
		}
		if (used[k]) {
			snprintf(msg, sizeof(msg), "step '%.200s' twice",
			    items[i]);
			cfg_free_list(items, n);
			return msg;
		}
		used[k] = 1;
		r->order[r->norder++] = k;
	}
	cfg_free_list(items, n);
	r->order_line = l->line;
	return NULL;
}

/* A file of compiled zone rules (RFC 8536) begins with "TZif". */
static int
is_zone_file(const char *path)
{
	struct stat st;
	char magic[4];
	FILE *f;
	int ok;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	    memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/*
 * The zone names nearest to v: a walk of the zoneinfo directory, two
 * levels deep (Area/Location, Area/Sub/Location), at most
 * MAX_ZONE_CANDIDATES names looked at; posix/ and right/ repeat the rest.
 */
struct zone_guess {
	char	 names[3][MAX_ZONE_NAME];
	size_t	 dist[3];
	size_t	 seen;
};

static void
zone_consider(struct zone_guess *g, const char *name, const char *v)
{
	size_t d = cfg_distance(v, name), i, j;

	for (i = 0; i < 3; i++)
		if (d < g->dist[i])
			break;
	if (i == 3)
		return;
	for (j = 2; j > i; j--) {
		g->dist[j] = g->dist[j - 1];
		memcpy(g->names[j], g->names[j - 1], MAX_ZONE_NAME);
	}
	g->dist[i] = d;
	snprintf(g->names[i], MAX_ZONE_NAME, "%s", name);
}

static void
zone_walk(struct zone_guess *g, const char *dir, const char *prefix,
    int depth, const char *v)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX], name[MAX_ZONE_NAME];
	struct stat st;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && g->seen < MAX_ZONE_CANDIDATES) {
		if (!isupper((unsigned char)de->d_name[0]))
			continue;	/* ., posix/, right/, zone.tab, ... */
		if (snprintf(name, sizeof(name), "%s%s", prefix,
		    de->d_name) >= (int)sizeof(name) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || stat(path, &st) != 0)
			continue;
		g->seen++;
		if (S_ISDIR(st.st_mode) && depth < 2) {
			char sub[MAX_ZONE_NAME + 1];

			snprintf(sub, sizeof(sub), "%s/", name);
			zone_walk(g, path, sub, depth + 1, v);
		} else if (S_ISREG(st.st_mode) &&
		    strchr(de->d_name, '.') == NULL)
			zone_consider(g, name, v);
	}
	closedir(d);
}

const char *
set_timezone(struct loader *l, void *t, const char *v)
{
	static char msg[MAX_ZONE_NAME * 5 + 200];
	struct zone_guess g;
	struct stat st;
	char **p = t;
	char *zf;
	size_t i;
	int ok;

	if (strcmp(v, "UTC") != 0) {
		if (v[0] == '/' || strstr(v, "..") != NULL ||
		    strlen(v) >= MAX_ZONE_NAME) {
			snprintf(msg, sizeof(msg), "'%.100s' is not a time "
			    "zone name (like Europe/Amsterdam)", v);
			return msg;
		}
		zf = xasprintf("%s/%s", ZONEINFO_DIR, v);
		ok = is_zone_file(zf);
		memset(&g, 0, sizeof(g));
		for (i = 0; i < 3; i++)
			g.dist[i] = (size_t)-1;
		if (!ok && stat(zf, &st) == 0 && S_ISDIR(st.st_mode)) {
			char area[MAX_ZONE_NAME + 1];
			size_t n = strlen(v);

			while (n > 0 && v[n - 1] == '/')
				n--;
			snprintf(area, sizeof(area), "%.*s/", (int)n, v);
			zone_walk(&g, zf, area, 1, v);
			snprintf(msg, sizeof(msg), "'%s' is a directory of "
			    "zones, not a time zone", v);
		} else if (!ok) {
			int exists = access(zf, F_OK) == 0;

			zone_walk(&g, ZONEINFO_DIR, "", 0, v);
			if (exists)
				snprintf(msg, sizeof(msg), "'%s' is not a time "
				    "zone (%s/%s is no zone file)", v,
				    ZONEINFO_DIR, v);
			else
				snprintf(msg, sizeof(msg), "unknown time zone "
				    "'%s' (not in %s)", v, ZONEINFO_DIR);
		}
		free(zf);
		if (!ok) {
			for (i = 0; i < 3 && g.dist[i] != (size_t)-1; i++)
				snprintf(msg + strlen(msg), sizeof(msg) -
				    strlen(msg), "%s%s", i ? ", " :
				    ": try ", g.names[i]);
			return msg;
		}
	}
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

/*
 * What glibc's regcomp makes of an expression can grow far beyond its
 * text: it copies what a "+" or {m,n} repeats once per copy, so nested
 * repetitions multiply; a bounded repetition of something that may match
 * nothing ((a?){1,64}) costs time about with the cube of its bound; and
 * two repetitions in a row (a+*), which POSIX leaves undefined, blow up
 * too.  rx_measure finds all three before regcomp is called.
 */
struct rx_item {
	unsigned long	cost;		/* atoms, copies counted */
	unsigned long	empty_rep;	/* product of the bounds of nested
					 * repetitions of what may be empty */
	int		empty;		/* may match nothing */
};

struct rx_group {
	struct rx_item	all;		/* cost and empty_rep of the group */
	int		branch_empty;	/* the current branch may be empty */
	int		group_empty;	/* an earlier branch may */
};

struct rx_measure {
	unsigned long	cost, empty_rep;
	int		stacked;
};

static unsigned long
rx_mul(unsigned long a, unsigned long b)
{
	return b != 0 && a > (MAX_REGEX_COST + 1) / b ? MAX_REGEX_COST + 1 :
	    a * b;
}

static unsigned long
rx_max(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

static void
rx_add(struct rx_group *g, const struct rx_item *it)
{
	/* Both are at most MAX_REGEX_COST + 1: no overflow. */
	g->all.cost = g->all.cost + it->cost > MAX_REGEX_COST ?
	    MAX_REGEX_COST + 1 : g->all.cost + it->cost;
	g->all.empty_rep = rx_max(g->all.empty_rep, it->empty_rep);
	g->branch_empty = g->branch_empty && it->empty;
}

static unsigned long
rx_number(const char **pp)
{
	unsigned long n = 0;

	for (; isdigit((unsigned char)**pp); (*pp)++)
		if (n <= MAX_REGEX_COST)
			n = n * 10 + (unsigned long)(**pp - '0');
	return n;
}

/* The repetition at *pp as the fewest matches and the copies made;
 * *pp moves past it. */
static void
rx_repeat(const char **pp, unsigned long *min, unsigned long *copies)
{
	const char *p = *pp;

	*min = *p == '+' ? 1 : 0;
	*copies = *p == '+' ? 2 : 1;
	if (*p != '{') {
		*pp = p + 1;
		return;
	}
	p++;
	*min = *copies = rx_number(&p);
	if (*p == ',') {
		p++;
		/* {m,} is m copies and a star. */
		*copies = isdigit((unsigned char)*p) ? rx_number(&p) :
		    *min + 1;
	}
	while (*p != '\0' && *p != '}')
		p++;
	*pp = *p != '\0' ? p + 1 : p;
	if (*copies < 1)
		*copies = 1;
}

/* Past a bracket expression at p: "[]a]", "[^]a]", "[[:alpha:]]". */
static const char *
rx_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *end = strchr(p + 2, p[1]);

			p = end != NULL && end[1] == ']' ? end + 2 : p + 1;
		} else {
			p++;
		}
	}
	return *p == ']' ? p + 1 : p;
}

/* Malformed expressions are left to regcomp to refuse. */
static void
rx_measure(const char *p, struct rx_measure *m)
{
	struct rx_group g[MAX_REGEX_DEPTH + 1];
	struct rx_item last;
	unsigned long min, copies;
	int depth = 0, have_last = 0, repeated = 0;

	memset(m, 0, sizeof(*m));
	memset(&g[0], 0, sizeof(g[0]));
	g[0].branch_empty = 1;
	while (*p != '\0') {
		if (*p == '*' || *p == '+' || *p == '?' ||
		    (*p == '{' && isdigit((unsigned char)p[1]))) {
			if (repeated)
				m->stacked = 1;
			rx_repeat(&p, &min, &copies);
			if (!have_last)
				continue;
			if (last.empty && copies > 1)
				last.empty_rep = rx_mul(rx_max(last.empty_rep,
				    1), copies);
			last.cost = rx_mul(last.cost, copies);
			last.empty = last.empty || min == 0;
			repeated = 1;
			continue;
		}
		repeated = 0;
		if (have_last)
			rx_add(&g[depth], &last);
		have_last = 0;
		memset(&last, 0, sizeof(last));
		last.cost = 1;
		switch (*p) {
		case '(':
			if (depth == MAX_REGEX_DEPTH) {
				m->cost = MAX_REGEX_COST + 1;
				return;
			}
			memset(&g[++depth], 0, sizeof(g[0]));
			g[depth].branch_empty = 1;
			p++;
			continue;
		case '|':
			g[depth].group_empty |= g[depth].branch_empty;
			g[depth].branch_empty = 1;
			p++;
			continue;
		case ')':
			if (depth > 0) {
				last = g[depth].all;
				last.cost = rx_max(last.cost, 1);
				last.empty = g[depth].group_empty ||
				    g[depth].branch_empty;
				depth--;
			}
			p++;
			break;
		case '^':
		case '$':
			last.empty = 1;
			p++;
			break;
		case '\\':
			p += p[1] != '\0' ? 2 : 1;
			break;
		case '[':
			p = rx_bracket(p);
			break;
		default:
			p++;
			break;
		}
		have_last = 1;
	}
	if (have_last)
		rx_add(&g[depth], &last);
	/* Groups left open: regcomp refuses them, but count them anyway. */
	for (; depth > 0; depth--)
		rx_add(&g[depth - 1], &g[depth].all);
	m->cost = g[0].all.cost;
	m->empty_rep = g[0].all.empty_rep;
}

/*
 * identity_regex = HEADER REGEX (POSIX extended; the first capture group
 * is the user).  Repeated, one line per header.
 */
const char *
set_identity_regex(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	struct resolver_conf *r = t;
	struct identity_regex *x;
	const char *sp, *eq;
	size_t hn, i;
	struct rx_measure rm;
	regex_t re;
	int rc;

	/* inih ends a value at " ;", which a bracket expression may hold. */
	if ((eq = strchr(l->raw, '=')) != NULL &&
	    (strstr(eq, " ;") != NULL || strstr(eq, "\t;") != NULL))
		return "a space before ';' starts a comment in this file; "
		    "write [;] in the expression, and no comment after it";
	for (sp = v; *sp && !isspace((unsigned char)*sp); sp++)
		if (!isalnum((unsigned char)*sp) && *sp != '-' && *sp != '_')
			return "must be 'HEADER REGEX' (a header field name, "
			    "then the expression)";
	hn = (size_t)(sp - v);
	while (isspace((unsigned char)*sp))
		sp++;
	if (hn == 0 || *sp == '\0')
		return "must be 'HEADER REGEX' (a header field name, then the "
		    "expression)";
	for (i = 0; i < r->nregexes; i++)
		if (ascii_ncasecmp(r->regexes[i].header, v, hn) == 0 &&
		    r->regexes[i].header[hn] == '\0') {
			snprintf(msg, sizeof(msg), "header '%.*s' already has "
			    "an expression (line %d)", (int)hn, v,
			    r->regexes[i].line);
			return msg;
		}
	/* Before regcomp, which could take gigabytes or minutes. */
	rx_measure(sp, &rm);
	if (rm.stacked)
		return "two repetitions in a row (such as a+* or a{2}?) are "
		    "undefined in POSIX expressions; group the first: (a+)*";
	if (rm.cost > MAX_REGEX_COST)
		return "the expression is too complex: its nested "
		    "repetitions, such as (a{40}){40}, would make it too large";
	if (rm.empty_rep > MAX_REGEX_EMPTY_REPEAT)
		return "the expression is too complex: a part that may match "
		    "nothing is repeated too often, as in (a?){1,100}";
	if ((rc = regcomp(&re, sp, REG_EXTENDED)) != 0) {
		char why[160];

		regerror(rc, &re, why, sizeof(why));
		snprintf(msg, sizeof(msg), "bad regular expression: %s", why);
		return msg;
	}
	if (re.re_nsub < 1) {
		regfree(&re);
		return "the expression needs a capture group, (...), around "
		    "the user";
	}
	r->regexes = xrealloc(r->regexes, (r->nregexes + 1) *
	    sizeof(*r->regexes));
	x = &r->regexes[r->nregexes++];
	x->header = xstrndup(v, hn);
	x->pattern = xstrdup(sp);
	x->re = re;
	x->line = l->line;
	return NULL;
}

/* An http:// or https:// URL with a host. */
const char *
set_url(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const char *h;
	size_t i;

	if (ascii_ncasecmp(v, "https://", 8) == 0)
		h = v + 8;
	else if (ascii_ncasecmp(v, "http://", 7) == 0)
		h = v + 7;
	else
		return "must be an http:// or https:// URL";
	if (*h == '\0' || *h == '/' || *h == ':' || *h == '?')
		return "the URL has no host";
	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] <= ' ' || v[i] == 0x7f)
			return "the URL has white space or control characters";
	if (strchr(h, '#') != NULL)
		return "the URL has a fragment ('#')";
	/* A user and password go in every request, readable on the way
	 * over plain http, like a bearer token (refused there too). */
	if (h == v + 7 && memchr(h, '@', strcspn(h, "/?")) != NULL)
		return "a user and password are sent only over https; this "
		    "URL is http://";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

const char *
set_token_file(struct loader *l, void *t, const char *v)
{
	l->token_line = l->line;
	return cfg_set_file(l, t, v);
}

const char *
set_cache_ttl(struct loader *l, void *t, const char *v)
{
	long long *p = t, n;

	if (parse_duration(v, &n) < 0 || n > 30 * 86400)
		return "must be a duration from 0 to 30d (like 3600, 1h)";
	*p = n;
	return NULL;
}

const char *
set_http_timeout(struct loader *l, void *t, const char *v)
{
	long long *p = t, n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 300)
		return "must be a duration from 1s to 5m (like 10s)";
	*p = n;
	return NULL;
}

/* How far after its message's arrival a report's own time may lie. */
const char *
set_clock_skew(struct loader *l, void *t, const char *v)
{
	long long n;

	(void)l;
	if (parse_duration(v, &n) < 0 || n > 7 * 86400)
		return "must be a duration from 0 to 7d (like 1h)";
	*(long long *)t = n;
	return NULL;
}

/* How far before its message's arrival a report's own time may lie. */
const char *
set_report_age(struct loader *l, void *t, const char *v)
{
	long long n;

	(void)l;
	if (parse_duration(v, &n) < 0 || n < 86400 || n > 36500LL * 86400)
		return "must be a duration from 1d to 36500d (like 365d)";
	*(long long *)t = n;
	return NULL;
}

/* "N in M": N reports within M (a duration up to a day, as cases are). */
const char *
set_escalation(struct loader *l, void *t, const char *v)
{
	struct escalation *x = t;
	const char *in = strstr(v, " in ");
	char num[32], dur[32];
	long long n, m;
	size_t nn;

	if (in == NULL)
		return "must be 'N in M' (like 5 in 10m)";
	nn = (size_t)(in - v);
	while (nn > 0 && isspace((unsigned char)v[nn - 1]))
		nn--;
	in += 4;
	while (isspace((unsigned char)*in))
		in++;
	if (nn == 0 || nn >= sizeof(num) || strlen(in) >= sizeof(dur))
		return "must be 'N in M' (like 5 in 10m)";
	memcpy(num, v, nn);
	num[nn] = '\0';
	snprintf(dur, sizeof(dur), "%s", in);
	if (parse_ll(num, 1, 1000000, &n) < 0)
		return "N must be a whole number from 1 to 1000000";
	if (parse_duration(dur, &m) < 0 || m < 1 || m > 86400)
		return "M must be a duration from 1s to 1d (like 10m)";
	x->count = (long)n;
	x->window = m;
	return NULL;
}

/*
 * The resolver's keys depend on each other: a step named in order needs
 * its table or URL (the default order skips steps not configured), an
 * expression needs its header in identity_headers, and a bearer token
 * goes only over https.  Then the identity rules the parsers use.
 */
void
validate_resolver(struct loader *l)
{
	struct resolver_conf *r = &l->c->resolver;
	size_t i, k;

	snprintf(l->sect_label, sizeof(l->sect_label), "resolver");
	for (i = 0; r->order_line != 0 && i < r->norder; i++) {
		const char *need = NULL;

		switch (r->order[i]) {
		case STEP_SMTP_AUTH:
			need = r->users_file ? NULL : "users_file";
			break;
		case STEP_NETWORK:
			need = r->networks_file ? NULL : "networks_file";
			break;
		case STEP_DOMAIN:
			need = r->domains_file ? NULL : "domains_file";
			break;
		case STEP_HTTP:
			need = r->http_url ? NULL : "http_url";
			break;
		default:
			break;
		}
		if (need != NULL)
			config_error(l, r->order_line, "order", "step '%s' needs "
			    "%s", resolve_step_name(r->order[i]), need);
	}
	if (r->http_token_file != NULL && r->http_url != NULL &&
	    ascii_ncasecmp(r->http_url, "https://", 8) != 0)
		config_error(l, l->token_line, "http_token_file", "a bearer "
		    "token is sent only over https; http_url is http://");
	r->nidentity = r->nidentity_headers;
	r->identity = xcalloc(r->nidentity ? r->nidentity : 1,
	    sizeof(*r->identity));
	for (i = 0; i < r->nidentity; i++)
		r->identity[i].header = r->identity_headers[i];
	for (k = 0; k < r->nregexes; k++) {
		for (i = 0; i < r->nidentity; i++)
			if (ascii_casecmp(r->identity_headers[i],
			    r->regexes[k].header) == 0)
				break;
		if (i == r->nidentity)
			config_error(l, r->regexes[k].line, "identity_regex",
			    "header '%s' is not in identity_headers",
			    r->regexes[k].header);
		else
			r->identity[i].regex = &r->regexes[k].re;
	}
}

const char *
resolve_step_name(enum resolve_step s)
{
	switch (s) {
	case STEP_HEADER: return "header";
	case STEP_SMTP_AUTH: return "smtp_auth";
	case STEP_NETWORK: return "network";
	case STEP_DOMAIN: return "domain";
	case STEP_HTTP: return "http";
	default: return "?";
	}
}

void
release_resolver(struct config *c)
{
	struct resolver_conf *r = &c->resolver;
	size_t i;

	free(r->identity);
	cfg_free_list(r->identity_headers, r->nidentity_headers);
	for (i = 0; i < r->nregexes; i++) {
		free(r->regexes[i].header);
		free(r->regexes[i].pattern);
		regfree(&r->regexes[i].re);
	}
	free(r->regexes);
	hostlist_release(&r->trusted_hosts);
	free(r->users_file);
	free(r->networks_file);
	free(r->domains_file);
	free(r->http_url);
	free(r->http_token_file);
	free(r->ca_file);
	free(c->cases.timezone);
}

/* http_url with any user:password@ and credentials in its query
 * masked. */
static void
print_url(FILE *f, const char *url)
{
	char *m = url_masked(url);

	fprintf(f, "http_url = %s\n", m);
	free(m);
}

/* [resolver] and [cases] as understood; a URL's password masked. */
void
print_resolver(const struct config *c, FILE *f)
{
	const struct resolver_conf *r = &c->resolver;
	char pfx[64];
	size_t i;

	fprintf(f, "\n[resolver]\norder = ");
	for (i = 0; i < r->norder; i++)
		fprintf(f, "%s%s", i ? ", " : "",
		    resolve_step_name(r->order[i]));
	fprintf(f, "\nidentity_headers = ");
	for (i = 0; i < r->nidentity_headers; i++)
		fprintf(f, "%s%s", i ? ", " : "", r->identity_headers[i]);
	fprintf(f, "\ntrusted_hosts = ");
	for (i = 0; i < r->trusted_hosts.nnames; i++)
		fprintf(f, "%s%s", i ? ", " : "", r->trusted_hosts.names[i]);
	for (i = 0; i < r->trusted_hosts.nprefixes; i++) {
		prefix_format(&r->trusted_hosts.prefixes[i], pfx, sizeof(pfx));
		fprintf(f, "%s%s", i || r->trusted_hosts.nnames ? ", " : "",
		    pfx);
	}
	fputc('\n', f);
	if (r->users_file)
		fprintf(f, "users_file = %s\n", r->users_file);
	if (r->networks_file)
		fprintf(f, "networks_file = %s\n", r->networks_file);
	for (i = 0; i < r->nregexes; i++)
		fprintf(f, "identity_regex = %s %s\n", r->regexes[i].header,
		    r->regexes[i].pattern);
	if (r->domains_file)
		fprintf(f, "domains_file = %s\n", r->domains_file);
	if (r->http_url) {
		print_url(f, r->http_url);
		if (r->http_token_file)
			fprintf(f, "http_token_file = %s\n",
			    r->http_token_file);
		if (r->ca_file)
			fprintf(f, "ca_file = %s\n", r->ca_file);
		fprintf(f, "http_cache_ttl = %lld\nhttp_timeout = %lld\n",
		    r->http_cache_ttl, r->http_timeout);
	}
	fprintf(f, "\n[cases]\ntimezone = %s\n", c->cases.timezone);
	if (c->cases.escalate_internal.count)
		fprintf(f, "escalate_internal = %ld in %llds\n",
		    c->cases.escalate_internal.count,
		    c->cases.escalate_internal.window);
	if (c->cases.escalate_external.count)
		fprintf(f, "escalate_external = %ld in %llds\n",
		    c->cases.escalate_external.count,
		    c->cases.escalate_external.window);
	fprintf(f, "max_clock_skew = %llds\nmax_report_age = %llds\n",
	    c->cases.max_clock_skew, c->cases.max_report_age);
}

