#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "netaddr.h"
#include "nettable.h"
#include "resolve.h"
#include "store.h"
#include "table.h"

/* A bearer token file holds one line. */
#define MAX_TOKEN_FILE	4096
/* The API's answer: {"customer": "..."} needs little. */
#define MAX_API_ANSWER	(64u * 1024)

/* A users or domains table: key -> customer, with the row's line. */
struct keytab {
	const char	*path;
	struct strmap	 keys;		/* case-insensitive */
	uint32_t	*cust;		/* by key id: resolver.cust id */
	int		*line;		/* by key id */
	size_t		 alloc;		/* of cust and line */
	size_t		 dups;		/* rows repeated exactly */
	int		 dup_line;
	size_t		 rows;		/* taken */
	struct resolver	*r;
};

struct resolver {
	const struct config	*c;
	const struct resolver_conf *rc;
	struct store		*store;
	struct strmap		 cust;	/* of users and domains */
	struct keytab		 users, domains;
	int			 have_users, have_domains;
	struct nettable		*nets;
	/* The http step. */
	struct http_client	*http;
	char			*auth;	/* the Authorization header */
	int			 http_reported;	/* failure logged */
	int			 http_down;	/* unreachable */
	int			 cache_purged;
	struct resolver_stats	 stats;
};

static const char *
keytab_row(void *arg, size_t ncols, char *const *cells, int line)
{
	static char msg[MAX_CUSTOMER_LEN * 2 + 128];
	struct keytab *t = arg;
	uint32_t id, cust;
	int added;

	if (cells[0][0] == '\0')
		return "the first cell is empty";
	if (!customer_valid(cells[1]))
		return "customer is empty, longer than 200 bytes or has "
		    "control characters";
	cust = strmap_add(&t->r->cust, cells[1], strlen(cells[1]), NULL);
	id = strmap_add(&t->keys, cells[0], strlen(cells[0]), &added);
	if (added) {
		if (id >= t->alloc) {
			t->alloc = t->alloc ? t->alloc * 2 : 256;
			t->cust = xrealloc(t->cust, t->alloc *
			    sizeof(*t->cust));
			t->line = xrealloc(t->line, t->alloc *
			    sizeof(*t->line));
		}
		t->cust[id] = cust;
		t->line[id] = line;
		return NULL;
	}
	if (t->cust[id] != cust) {
		snprintf(msg, sizeof(msg), "'%.100s' is listed for '%.100s' "
		    "here and for '%.100s' at line %d", cells[0], cells[1],
		    strmap_key(&t->r->cust, t->cust[id]), t->line[id]);
		return msg;
	}
	if (t->dups++ == 0)
		t->dup_line = line;
	return NULL;
}

/* A domain as the table and the lookup compare it: lower case, no
 * trailing dot. */
static int
domain_norm(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i;

	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= outsz)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == '@' || c == ',' || c == '/' ||
		    (c == '.' && (i == 0 || s[i - 1] == '.')))
			return -1;
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	return 0;
}

static const char *
domain_row(void *arg, size_t ncols, char *const *cells, int line)
{
	static char msg[300];
	char d[256];

	if (domain_norm(cells[0], strlen(cells[0]), d, sizeof(d)) < 0) {
		snprintf(msg, sizeof(msg), "'%.200s' is not a domain",
		    cells[0]);
		return msg;
	}
	snprintf(cells[0], strlen(cells[0]) + 1, "%s", d);
	return keytab_row(arg, ncols, cells, line);
}

static enum rc
keytab_load(struct resolver *r, struct keytab *t, const char *path,
    const char *col, table_row_fn fn, struct table_errs *te)
{
	const char *cols[] = { col, "customer" };
	int before = te->n;

	t->path = path;
	t->r = r;
	strmap_init(&t->keys, 1);
	t->rows = table_read_rows(path, cols, 2, 2, fn, t, te);
	if (te->n > before)
		return RC_FATAL;
	if (t->dups > 0)
		log_warn("%s:%d: %zu row%s repeated exactly; ignored", path,
		    t->dup_line, t->dups, t->dups == 1 ? "" : "s");
	return RC_OK;
}

static void
keytab_release(struct keytab *t)
{
	strmap_release(&t->keys);
	free(t->cust);
	free(t->line);
}

/* The customer of key, or NULL. */
static const char *
keytab_find(const struct resolver *r, const struct keytab *t, const char *k)
{
	int64_t id = strmap_find(&t->keys, k, strlen(k));

	return id < 0 ? NULL : strmap_key(&r->cust, t->cust[id]);
}

/*
 * The bearer token: one line of a file nobody else may read (it would
 * let anyone holding it query the provider's customer data).
 */
static enum rc
load_token(struct resolver *r, const char *path, struct err *e)
{
	struct stat st;
	char *data = NULL, why[PATH_MAX + 96];
	const char *p;
	size_t n, i;
	enum rc rc;

	if (stat(path, &st) != 0)
		return err_set(e, RC_FATAL, "http_token_file %s: %s", path,
		    strerror(errno));
	if (secret_file_private(path, st.st_mode, why, sizeof(why)) != 0)
		return err_set(e, RC_FATAL, "http_token_file %s", why);
	if ((rc = read_file(path, MAX_TOKEN_FILE, &data, &n, e)) != RC_OK) {
		err_prefix(e, "http_token_file");
		return RC_FATAL;
	}
	p = data;
	trim(&p, &n);
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x21 || p[i] == 0x7f)
			break;
	if (n == 0 || i < n) {
		free(data);
		return err_set(e, RC_FATAL, "http_token_file %s: the token "
		    "must be one line without spaces", path);
	}
	r->auth = xasprintf("Authorization: Bearer %.*s", (int)n, p);
	/* The token is now only in r->auth. */
	memset(data, 0, n);
	free(data);
	return RC_OK;
}

enum rc
resolver_open(struct resolver **rp, const struct config *c,
    struct store *store, struct err *e)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	const struct resolver_conf *rc = &c->resolver;
	struct table_errs te;
	struct err one;
	enum rc ret = RC_OK;

	r->c = c;
	r->rc = rc;
	r->store = store;
	strmap_init(&r->cust, 0);
	strmap_init(&r->users.keys, 1);
	strmap_init(&r->domains.keys, 1);
	/* Every table is read, so that one run names the errors of all. */
	table_errs_init(&te, "customer tables", e);
	if (rc->users_file != NULL) {
		r->have_users = 1;
		(void)keytab_load(r, &r->users, rc->users_file, "auth_user",
		    keytab_row, &te);
	}
	if (rc->domains_file != NULL) {
		r->have_domains = 1;
		(void)keytab_load(r, &r->domains, rc->domains_file, "domain",
		    domain_row, &te);
	}
	if (rc->networks_file != NULL)
		(void)nettable_read(&r->nets, rc->networks_file, &te);
	if (rc->http_url != NULL && rc->http_token_file != NULL &&
	    load_token(r, rc->http_token_file, &one) != RC_OK)
		table_errs_add(&te, "%s", one.msg);
	if ((ret = table_errs_end(&te)) != RC_OK)
		goto fail;
	log_debug("resolver: %zu users, %zu domains, %zu prefixes",
	    strmap_count(&r->users.keys), strmap_count(&r->domains.keys),
	    r->nets ? nettable_prefixes(r->nets) : 0);
	*rp = r;
	return RC_OK;
fail:
	resolver_close(r);
	*rp = NULL;
	return ret;
}

void
resolver_close(struct resolver *r)
{
	if (r == NULL)
		return;
	keytab_release(&r->users);
	keytab_release(&r->domains);
	strmap_release(&r->cust);
	nettable_free(r->nets);
	http_client_free(r->http);
	if (r->auth != NULL) {
		memset(r->auth, 0, strlen(r->auth));
		free(r->auth);
	}
	free(r);
}

#define PL(n)	(n), (n) == 1 ? "" : "s"

void
resolver_print_tables(const struct resolver *r, FILE *f)
{
	const struct resolver_conf *rc = r->rc;

	if (rc->users_file != NULL)
		fprintf(f, "# users_file %s: %zu row%s, %zu user%s\n",
		    rc->users_file, PL(r->users.rows),
		    PL(strmap_count(&r->users.keys)));
	if (rc->networks_file != NULL && r->nets != NULL)
		fprintf(f, "# networks_file %s: %zu row%s, %zu prefix%s\n",
		    rc->networks_file, PL(nettable_rows(r->nets)),
		    nettable_prefixes(r->nets), nettable_prefixes(r->nets) ==
		    1 ? "" : "es");
	if (rc->domains_file != NULL)
		fprintf(f, "# domains_file %s: %zu row%s, %zu domain%s\n",
		    rc->domains_file, PL(r->domains.rows),
		    PL(strmap_count(&r->domains.keys)));
}

const struct resolver_stats *
resolver_stats(const struct resolver *r)
{
	return &r->stats;
}

/* What the steps see, and where they write. */
struct attempt {
	struct report	*rep;
	time_t		 when;
	const char	*customer;	/* found */
	char		*owned;		/* found, to be freed */
	struct buf	 note;		/* evidence, or misses */
};

static void
note(struct attempt *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct attempt *a, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Past the cap the trail is cut; the first steps matter most. */
	if (a->note.len > 0)
		(void)buf_addstr(&a->note, "; ");
	(void)buf_addstr(&a->note, line);
}

static int
found(struct attempt *a, const char *customer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A step found customer: the evidence replaces the trail so far. */
static int
found(struct attempt *a, const char *customer, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_reset(&a->note);
	(void)buf_addstr(&a->note, line);
	a->customer = customer;
	return 1;
}

/* An SMTP auth user that is an address (IP-authenticated relays report
 * their IP as the user) names a server, not a customer. */
static int
ip_shaped(const char *user)
{
	const char *at = strrchr(user, '@');
	size_t n = at ? (size_t)(at - user) : strlen(user);
	uint8_t a[16];

	return addr_parse(user, n, a) == 0;
}

static int
step_header(struct resolver *r, struct attempt *a)
{
	const struct report *rep = a->rep;
	const char *cust;

	if (rep->identity_header == NULL || rep->auth_user == NULL) {
		note(a, "header: no identity header below a trusted hop");
		return 0;
	}
	if (r->have_users &&
	    (cust = keytab_find(r, &r->users, rep->auth_user)) != NULL)
		return found(a, cust, "header %s: '%.200s' in users_file",
		    rep->identity_header, rep->auth_user);
	if (!customer_valid(rep->auth_user)) {
		note(a, "header %s: the value is too long for a customer id",
		    rep->identity_header);
		return 0;
	}
	return found(a, rep->auth_user, "header %s: '%.200s' taken as the "
	    "customer id", rep->identity_header, rep->auth_user);
}

static int
step_smtp_auth(struct resolver *r, struct attempt *a)
{
	const char *user = a->rep->smtp_auth, *cust;

	if (!r->have_users)
		return 0;
	if (user == NULL) {
		note(a, "smtp_auth: no SMTP AUTH user");
		return 0;
	}
	if (ip_shaped(user)) {
		note(a, "smtp_auth: '%.200s' is an address (IP-authenticated "
		    "relay)", user);
		return 0;
	}
	if ((cust = keytab_find(r, &r->users, user)) != NULL)
		return found(a, cust, "smtp_auth: '%.200s' in users_file",
		    user);
	note(a, "smtp_auth: '%.200s' not in users_file", user);
	return 0;
}

/* 1 when ip is usable for attribution: an address not of our own hosts. */
static int
attributable(const struct resolver *r, const char *ip)
{
	return ip != NULL && !hostlist_match(&r->rc->trusted_hosts, NULL, ip);
}

static int
step_network(struct resolver *r, struct attempt *a)
{
	const char *ips[2] = { a->rep->origin_ip, a->rep->source_ip };
	struct net_hit h;
	uint8_t addr[16];
	char pfx[64];
	int i, any = 0;

	if (r->nets == NULL)
		return 0;
	for (i = 0; i < 2; i++) {
		if (ips[i] == NULL || (i == 1 && ips[0] != NULL &&
		    strcmp(ips[0], ips[1]) == 0))
			continue;
		any = 1;
		if (!attributable(r, ips[i])) {
			note(a, "network: %s is a trusted host", ips[i]);
			continue;
		}
		if (addr_parse(ips[i], strlen(ips[i]), addr) < 0)
			continue;
		if (nettable_lookup(r->nets, addr, (int64_t)a->when, &h)) {
			prefix_format(&h.prefix, pfx, sizeof(pfx));
			return found(a, h.customer, "network: %s in %s", ips[i],
			    pfx);
		}
		note(a, "network: %s not in networks_file at that time",
		    ips[i]);
	}
	if (!any)
		note(a, "network: no address");
	return 0;
}

static int
step_domain(struct resolver *r, struct attempt *a)
{
	const char *from = a->rep->mail_from, *at, *d, *cust;
	char dom[256];

	if (!r->have_domains)
		return 0;
	if (from == NULL || (at = strrchr(from, '@')) == NULL ||
	    domain_norm(at + 1, strlen(at + 1), dom, sizeof(dom)) < 0) {
		note(a, "domain: no sender domain");
		return 0;
	}
	/* The domain, then each parent: a.b.example.net, b.example.net, ... */
	for (d = dom; d != NULL; d = (d = strchr(d, '.')) ? d + 1 : NULL) {
		if ((cust = keytab_find(r, &r->domains, d)) == NULL)
			continue;
		if (d == dom)
			return found(a, cust, "domain: %s in domains_file", d);
		return found(a, cust, "domain: %s (parent of %s) in "
		    "domains_file", d, dom);
	}
	note(a, "domain: %s not in domains_file", dom);
	return 0;
}

/* The API's URL for the log: without user:password@ and query string,
 * either of which may hold a key. */
static void
url_for_log(const char *url, char *out, size_t outsz)
{
	const char *h = strstr(url, "://"), *at, *end;

	h = h ? h + 3 : url;
	end = h + strcspn(h, "/?");
	at = memchr(h, '@', (size_t)(end - h));
	snprintf(out, outsz, "%.*s%.*s", (int)(h - url), url,
	    (int)strcspn(at ? at + 1 : h, "?"), at ? at + 1 : h);
}

/* The first failure of the API in a run is logged; the rest only
 * counted, so a broken API costs one line in cron's mail. */
static void
api_failed(struct resolver *r, struct attempt *a, const char *why)
{
	r->stats.http_failures++;
	if (!r->http_reported) {
		r->http_reported = 1;
		log_error("resolver: lookup API: %s; reports fall through to "
		    "the next step%s", why, r->http_down ? " and the API is "
		    "not asked again in this run" : ", further failures in "
		    "this run are not reported");
	}
	note(a, "http: the lookup API failed (%s)", r->http_down ?
	    "unreachable" : "bad answer");
}

/*
 * The API's answer: 200 with {"customer": "..."} names one; 404, or 200
 * with no or a null customer, means it knows none (RC_OK, *cust NULL);
 * anything else is a failure (RC_REJECT with the reason in why).
 */
static enum rc
api_answer(const struct http_response *res, char **cust, char *why,
    size_t whysz)
{
	char *type = NULL, *v = NULL;
	enum rc rc = RC_REJECT;

	*cust = NULL;
	if (res->status == 404)
		return RC_OK;
	if (res->status != 200) {
		snprintf(why, whysz, "HTTP status %ld", res->status);
		return RC_REJECT;
	}
	type = json_type_at(res->body, "$");
	if (type == NULL || strcmp(type, "object") != 0) {
		snprintf(why, whysz, "the answer is not a JSON object");
		goto out;
	}
	free(type);
	type = json_type_at(res->body, "$.customer");
	if (type == NULL || strcmp(type, "null") == 0) {
		rc = RC_OK;
		goto out;
	}
	if (strcmp(type, "text") != 0 && strcmp(type, "integer") != 0) {
		snprintf(why, whysz, "\"customer\" is a JSON %s, not a string",
		    type);
		goto out;
	}
	v = json_get(res->body, "$.customer");
	if (v == NULL || !customer_valid(v)) {
		snprintf(why, whysz, "\"customer\" is empty, longer than %d "
		    "bytes or has control characters", MAX_CUSTOMER_LEN);
		goto out;
	}
	*cust = v;
	v = NULL;
	rc = RC_OK;
out:
	free(type);
	free(v);
	return rc;
}

static char *
api_url(const struct resolver *r, const char *ip, const char *user,
    time_t when)
{
	char iso[21], *eip, *euser, *etime, *url;
	const char *base = r->rc->http_url;

	iso8601_utc(when, iso);
	eip = http_escape(ip ? ip : "", ip ? strlen(ip) : 0);
	euser = http_escape(user ? user : "", user ? strlen(user) : 0);
	etime = http_escape(iso, strlen(iso));
	url = xasprintf("%s%sip=%s&user=%s&time=%s", base,
	    strchr(base, '?') ? "&" : "?", eip, euser, etime);
	free(eip);
	free(euser);
	free(etime);
	return url;
}

/*
 * The cache key: what the API is asked, with the time cut to the cache
 * lifetime, so a flood of reports about one address and user in one
 * such period asks once, yet a reassigned address is asked again later.
 */
static void
cache_key(const struct resolver *r, const char *ip, const char *user,
    time_t when, char out[65])
{
	char *k = xasprintf("http\n%s\n%s\n%s\n%lld", r->rc->http_url,
	    ip ? ip : "", user ? user : "", (long long)(when /
	    r->rc->http_cache_ttl));

	sha256_hex(k, strlen(k), out);
	free(k);
}

static int
step_http(struct resolver *r, struct attempt *a)
{
	const struct resolver_conf *rc = r->rc;
	const char *ip = NULL, *user = a->rep->auth_user;
	const char *hdrs[3] = { "Accept: application/json", NULL, NULL };
	struct http_request q;
	struct http_response res;
	struct err e;
	char key[65], why[200], *url = NULL, *cust = NULL;
	int cached = 0, ret = 0;
	time_t now = time(NULL);
	enum rc erc;

	if (rc->http_url == NULL)
		return 0;
	if (attributable(r, a->rep->origin_ip))
		ip = a->rep->origin_ip;
	else if (attributable(r, a->rep->source_ip))
		ip = a->rep->source_ip;
	if (ip == NULL && user == NULL) {
		note(a, "http: no address or user to ask about");
		return 0;
	}
	if (r->http_down) {
		note(a, "http: the lookup API is unreachable in this run");
		return 0;
	}
	if (r->store != NULL && rc->http_cache_ttl > 0) {
		cache_key(r, ip, user, a->when, key);
		if (store_cache_get(r->store, key, now, &cached, &cust, &e) !=
		    RC_OK)
			log_warn("resolver: %s", e.msg);
	}
	if (cached) {
		r->stats.http_cached++;
		goto answer;
	}
	if (r->http == NULL)
		r->http = http_client_new();
	if (r->auth != NULL)
		hdrs[1] = r->auth;
	url = api_url(r, ip, user, a->when);
	memset(&q, 0, sizeof(q));
	q.url = url;
	q.headers = hdrs;
	q.timeout_ms = (long)rc->http_timeout * 1000;
	q.ca_file = rc->ca_file;
	q.max_response = MAX_API_ANSWER;
	r->stats.http_requests++;
	erc = http_do(r->http, &q, &res, &e);
	if (erc == RC_TEMP)
		r->http_down = 1;
	if (erc != RC_OK) {
		api_failed(r, a, e.msg);
		goto out;
	}
	if (api_answer(&res, &cust, why, sizeof(why)) != RC_OK) {
		char msg[500], where[256];

		url_for_log(rc->http_url, where, sizeof(where));
		snprintf(msg, sizeof(msg), "GET %s: %s", where, why);
		api_failed(r, a, msg);
		goto out;
	}
	if (r->store != NULL && rc->http_cache_ttl > 0) {
		/* Expired entries go once a run, in the same transaction. */
		if (!r->cache_purged) {
			r->cache_purged = 1;
			if (store_cache_purge(r->store, now, &e) != RC_OK)
				log_warn("resolver: %s", e.msg);
		}
		if (store_cache_put(r->store, key, cust, now +
		    (time_t)rc->http_cache_ttl, &e) != RC_OK)
			log_warn("resolver: %s", e.msg);
	}
answer:
	if (cust == NULL) {
		note(a, "http: the lookup API knows no customer%s",
		    cached ? " (cached)" : "");
		goto out;
	}
	a->owned = cust;
	cust = NULL;
	ret = found(a, a->owned, "http: the lookup API named it%s",
	    cached ? " (cached)" : "");
out:
	if (url != NULL)
		http_response_release(&res);
	free(url);
	free(cust);
	return ret;
}

void
resolver_resolve_at(struct resolver *r, struct report *rep, time_t when)
{
	const struct resolver_conf *rc = r->rc;
	struct attempt a;
	size_t i;
	int hit = 0;

	memset(&a, 0, sizeof(a));
	a.rep = rep;
	a.when = when;
	buf_init(&a.note, MAX_FIELD_LEN);
	for (i = 0; i < rc->norder && !hit; i++) {
		switch (rc->order[i]) {
		case STEP_HEADER:
			hit = step_header(r, &a);
			break;
		case STEP_SMTP_AUTH:
			hit = step_smtp_auth(r, &a);
			break;
		case STEP_NETWORK:
			hit = step_network(r, &a);
			break;
		case STEP_DOMAIN:
			hit = step_domain(r, &a);
			break;
		case STEP_HTTP:
			hit = step_http(r, &a);
			break;
		default:
			break;
		}
		if (hit)
			report_setz(&rep->resolved_by,
			    resolve_step_name(rc->order[i]));
	}
	if (hit) {
		report_setz(&rep->customer, a.customer);
	} else {
		report_setz(&rep->customer, CUSTOMER_UNRESOLVED);
		report_setz(&rep->resolved_by, NULL);
		if (a.note.len == 0)
			(void)buf_addstr(&a.note, "no resolver step is "
			    "configured");
	}
	report_setz(&rep->resolve_note, a.note.data);
	buf_release(&a.note);
	free(a.owned);
}

void
resolver_resolve(struct resolver *r, struct report *rep)
{
	resolver_resolve_at(r, rep, rep->occurred_at ? rep->occurred_at :
	    time(NULL));
}

const char *
resolver_address(const struct resolver *r, const char *addr,
    const char **table)
{
	const char *at, *d, *cust;
	char dom[256];

	*table = NULL;
	if (addr == NULL)
		return NULL;
	if (r->have_users &&
	    (cust = keytab_find(r, &r->users, addr)) != NULL) {
		*table = "users_file";
		return cust;
	}
	if (!r->have_domains || (at = strrchr(addr, '@')) == NULL ||
	    domain_norm(at + 1, strlen(at + 1), dom, sizeof(dom)) < 0)
		return NULL;
	for (d = dom; d != NULL; d = (d = strchr(d, '.')) ? d + 1 : NULL)
		if ((cust = keytab_find(r, &r->domains, d)) != NULL) {
			*table = "domains_file";
			return cust;
		}
	return NULL;
}

int
resolver_from_domain(struct resolver *r, struct report *rep,
    const char *addr)
{
	const char *at, *d, *cust;
	char dom[256], note[600];
	size_t i;

	for (i = 0; i < r->rc->norder && r->rc->order[i] != STEP_DOMAIN; i++)
		;
	if (i == r->rc->norder || !r->have_domains || addr == NULL ||
	    (at = strrchr(addr, '@')) == NULL ||
	    domain_norm(at + 1, strlen(at + 1), dom, sizeof(dom)) < 0)
		return 0;
	for (d = dom; d != NULL; d = (d = strchr(d, '.')) ? d + 1 : NULL) {
		if ((cust = keytab_find(r, &r->domains, d)) == NULL)
			continue;
		snprintf(note, sizeof(note), "domain: %s%s%s%s in domains_file "
		    "(the sender in the offending message's From)", d,
		    d == dom ? "" : " (parent of ", d == dom ? "" : dom,
		    d == dom ? "" : ")");
		report_setz(&rep->customer, cust);
		report_setz(&rep->resolved_by, resolve_step_name(STEP_DOMAIN));
		report_setz(&rep->resolve_note, note);
		return 1;
	}
	return 0;
}
