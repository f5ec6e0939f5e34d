/*
 * resolve.c and the [resolver]/[cases] keys of config.c: every step, the
 * chain's order, trusted hosts never attributed, time-windowed addresses,
 * IPv6, parent domains, what an unresolved report keeps as the reason,
 * and bad tables and keys.
 */
#include "autoconf.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "resolve.h"
#include "table.h"
#include "tap.h"
#include "util.h"

static char dir[] = "/tmp/ac-resolve-XXXXXX";

static void
put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

/* Load a configuration; what config_load printed goes to errors. */
static enum rc
load(const char *ini, struct config *c, char *errors, size_t errsz)
{
	char p[256], ep[256];
	struct err e;
	int fd, saved;
	ssize_t n;
	enum rc rc;

	put("ac.ini", ini);
	snprintf(p, sizeof(p), "%s/ac.ini", dir);
	snprintf(ep, sizeof(ep), "%s/stderr", dir);
	fflush(stderr);
	saved = dup(2);
	if ((fd = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		abort();
	dup2(fd, 2);
	close(fd);
	rc = config_load(c, p, &e);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if ((fd = open(ep, O_RDONLY)) < 0)
		abort();
	n = read(fd, errors, errsz - 1);
	errors[n > 0 ? n : 0] = '\0';
	close(fd);
	return rc;
}

struct rq {
	const char	*what;
	const char	*identity_header, *auth_user, *smtp_auth;
	const char	*origin_ip, *source_ip, *mail_from;
	const char	*when;		/* for the windows; NULL: 2026-06-01 */
	const char	*customer, *resolved_by;
	const char	*note;		/* a part of resolve_note */
};

static void
check(struct resolver *r, const struct rq *q)
{
	struct report rep;
	int64_t t;

	report_init(&rep);
	report_setz(&rep.identity_header, q->identity_header);
	report_setz(&rep.auth_user, q->auth_user);
	report_setz(&rep.smtp_auth, q->smtp_auth);
	report_setz(&rep.origin_ip, q->origin_ip);
	report_setz(&rep.source_ip, q->source_ip);
	report_setz(&rep.mail_from, q->mail_from);
	if (table_time(q->when ? q->when : "2026-06-01", &t) < 0)
		abort();
	resolver_resolve_at(r, &rep, (time_t)t);
	is(rep.customer, q->customer, "%s: customer", q->what);
	is(rep.resolved_by, q->resolved_by, "%s: resolved_by", q->what);
	if (q->note != NULL && !ok(rep.resolve_note != NULL &&
	    strstr(rep.resolve_note, q->note) != NULL, "%s: note has '%s'",
	    q->what, q->note))
		printf("#   note: %s\n", rep.resolve_note ? rep.resolve_note :
		    "NULL");
	report_release(&rep);
}

static const char users[] =
    "auth_user,customer\n"
    "alice@example.com,cust-alice\n"
    "bob,cust-bob\n"
    "bob,cust-bob\n"			/* repeated exactly: a warning */
    "10.0.2.35@example.com,cust-relay\n";
static const char nets[] =
    "cidr,customer,valid_from,valid_until\n"
    "198.51.100.0/24,cust-net,,\n"
    "198.51.100.128/25,cust-net2,,\n"
    "192.0.2.0/24,cust-never,,\n"	/* our own hosts: never attributed */
    "2001:db8:5::/48,cust-v6,,\n"
    "203.0.113.7,cust-jan,2026-01-01,2026-02-01\n"
    "203.0.113.7,cust-feb,2026-02-01,2026-03-01\n";
static const char domains[] =
    "domain,customer\n"
    "example.org,cust-dom\n"
    "Shop.Example.NET.,cust-shop\n";

static void
chain(void)
{
	static const struct rq t[] = {
		{ "identity header in users_file", "X-AuthUser",
		    "alice@example.com", NULL, "198.51.100.5", NULL, NULL,
		    NULL, "cust-alice", "header", "'alice@example.com' in "
		    "users_file" },
		{ "identity header not listed", "X-AuthUser",
		    "carol@example.com", NULL, NULL, NULL, NULL, NULL,
		    "carol@example.com", "header", "taken as the customer id" },
		{ "smtp auth user", NULL, "bob", "bob", "198.51.100.5", NULL,
		    NULL, NULL, "cust-bob", "smtp_auth", NULL },
		{ "smtp auth, any case", NULL, NULL, "ALICE@Example.COM", NULL,
		    NULL, NULL, NULL, "cust-alice", "smtp_auth", NULL },
		{ "IP-shaped smtp auth user does not count", NULL, NULL,
		    "10.0.2.35@example.com", "198.51.100.5", NULL, NULL, NULL,
		    "cust-net", "network", "198.51.100.5 in 198.51.100.0/24" },
		{ "longest prefix wins", NULL, NULL, "zed", "198.51.100.200",
		    NULL, NULL, NULL, "cust-net2", "network",
		    "198.51.100.200 in 198.51.100.128/25" },
		{ "trusted origin skipped for the source ip", NULL, NULL,
		    NULL, "192.0.2.10", "198.51.100.9", NULL, NULL, "cust-net",
		    "network", NULL },
		{ "trusted host never attributed", NULL, NULL, NULL,
		    "192.0.2.10", NULL, "x@example.org", NULL, "cust-dom",
		    "domain", "example.org in domains_file" },
		{ "parent domain", NULL, NULL, NULL, NULL, NULL,
		    "u@a.b.shop.example.net", NULL, "cust-shop", "domain",
		    "shop.example.net (parent of a.b.shop.example.net)" },
		{ "domain in any case with a trailing dot", NULL, NULL, NULL,
		    NULL, NULL, "X@Example.ORG.", NULL, "cust-dom", "domain",
		    NULL },
		{ "IPv6", NULL, NULL, NULL, "2001:db8:5:7::1", NULL, NULL, NULL,
		    "cust-v6", "network", "2001:db8:5::/48" },
		{ "windowed address in January", NULL, NULL, NULL,
		    "203.0.113.7", NULL, NULL, "2026-01-15", "cust-jan",
		    "network", NULL },
		{ "windowed address in February", NULL, NULL, NULL,
		    "203.0.113.7", NULL, NULL, "2026-02-28T23:59:59Z",
		    "cust-feb", "network", NULL },
		{ "windowed address after its last window", NULL, NULL, NULL,
		    "203.0.113.7", NULL, NULL, "2026-03-01", "(unresolved)",
		    NULL, "203.0.113.7 not in networks_file at that time" },
		{ "nothing to go by", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		    "(unresolved)", NULL, "header: no identity header below a "
		    "trusted hop; smtp_auth: no SMTP AUTH user; network: no "
		    "address; domain: no sender domain" },
		{ "every step misses", NULL, NULL, "mallory", "192.0.2.99",
		    "198.18.0.1", "m@nowhere.example", NULL, "(unresolved)",
		    NULL, "smtp_auth: 'mallory' not in users_file; network: "
		    "192.0.2.99 is a trusted host; network: 198.18.0.1 not in "
		    "networks_file at that time; domain: nowhere.example not "
		    "in domains_file" },
	};
	struct config c;
	struct resolver *r;
	struct err e;
	char errs[2048];
	size_t i;

	put("users.csv", users);
	put("nets.csv", nets);
	put("domains.csv", domains);
	if (!ok(load("[resolver]\n"
	    "order = header, smtp_auth, network, domain\n"
	    "trusted_hosts = mx1.example.net, 192.0.2.0/24\n"
	    "users_file = users.csv\nnetworks_file = nets.csv\n"
	    "domains_file = domains.csv\n", &c, errs, sizeof(errs)) == RC_OK,
	    "configuration loads"))
		printf("# %s", errs);
	if (!ok(resolver_open(&r, &c, NULL, &e) == RC_OK, "tables load"))
		printf("# %s\n", e.msg);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check(r, &t[i]);
	resolver_close(r);
	config_release(&c);
}

/* The same report under different orders: the first step in order that
 * finds a customer wins. */
static void
order(void)
{
	static const struct {
		const char	*order;
		const char	*customer, *by;
	} t[] = {
		{ "header, smtp_auth, network, domain", "cust-alice", "header" },
		{ "smtp_auth, header, network, domain", "cust-bob", "smtp_auth" },
		{ "network, smtp_auth, header", "cust-net", "network" },
		{ "domain, network", "cust-dom", "domain" },
		{ "network", "cust-net", "network" },
	};
	static const struct rq base = { "", "X-AuthUser",
	    "alice@example.com", "bob", "198.51.100.5", NULL,
	    "x@example.org", NULL, NULL, NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct config c;
		struct resolver *r;
		struct rq q = base;
		struct err e;
		char ini[512], errs[1024], what[128];

		snprintf(ini, sizeof(ini), "[resolver]\norder = %s\n"
		    "users_file = users.csv\nnetworks_file = nets.csv\n"
		    "domains_file = domains.csv\n", t[i].order);
		if (load(ini, &c, errs, sizeof(errs)) != RC_OK ||
		    resolver_open(&r, &c, NULL, &e) != RC_OK) {
			ok(0, "order '%s' loads: %s", t[i].order, errs);
			continue;
		}
		snprintf(what, sizeof(what), "order %s", t[i].order);
		q.what = what;
		q.customer = t[i].customer;
		q.resolved_by = t[i].by;
		check(r, &q);
		resolver_close(r);
		config_release(&c);
	}
}

static void
bad_config(void)
{
	static const struct {
		const char	*ini;
		const char	*want;	/* part of what config_load prints */
	} t[] = {
		{ "[resolver]\norder = header, http\n",
		    ":2: [resolver] order: step 'http' needs http_url" },
		{ "[resolver]\norder = domain\n",
		    ":2: [resolver] order: step 'domain' needs domains_file" },
		{ "[resolver]\norder = header, dns\n",
		    ":2: [resolver] order: unknown step 'dns'" },
		{ "[resolver]\nidentity_regex = X-Foo ^([0-9]+):\n",
		    ":2: [resolver] identity_regex: header 'X-Foo' is not in "
		    "identity_headers" },
		{ "[resolver]\nidentity_regex = X-AuthUser ^[0-9]+\n",
		    "needs a capture group" },
		{ "[resolver]\nidentity_regex = X-AuthUser ([a-\n",
		    "bad regular expression" },
		{ "[resolver]\nidentity_regex = X-AuthUser ([^ ;]+)\n",
		    "write [;] in the expression" },
		{ "[resolver]\nidentity_regex = X-AuthUser\n",
		    "must be 'HEADER REGEX'" },
		{ "[resolver]\nidentity_regex = X-AuthUser (a+)++++++++++++\n",
		    ":2: [resolver] identity_regex: two repetitions in a row" },
		{ "[resolver]\nidentity_regex = X-AuthUser ((ab){1,33}){1,32}\n",
		    ":2: [resolver] identity_regex: the expression is too "
		    "complex: its nested repetitions" },
		{ "[resolver]\nidentity_regex = X-AuthUser ^(([a-z]?){1,8}){1,9}\n",
		    "a part that may match nothing is repeated too often" },
		{ "[resolver]\nidentity_regex = X-AuthUser ^(x|(y|)){65}\n",
		    "a part that may match nothing is repeated too often" },
		{ "[resolver]\nidentity_regex = X-AuthUser ^((x*y?)z?){1,65}\n",
		    "a part that may match nothing is repeated too often" },
		{ "[resolver]\nidentity_regex = X-AuthUser ([a-z]{1025})\n",
		    "too complex" },
		{ "[resolver]\nidentity_regex = X-AuthUser (a+*)\n",
		    ":2: [resolver] identity_regex: two repetitions in a row" },
		{ "[resolver]\nidentity_regex = X-AuthUser (a{2}?)\n",
		    "two repetitions in a row" },
		{ "[resolver]\nidentity_regex = X-AuthUser (a)?+\n",
		    "two repetitions in a row" },
		{ "[resolver]\nidentity_regex = X-AuthUser (x{1,99999999999})\n",
		    "too complex" },
		{ "[resolver]\nidentity_regex = X-AuthUser "
		    "((((((((((((((((((x))))))))))))))))))\n", "too complex" },
		{ "[resolver]\nidentity_regex = X-AuthUser ^(.*)$\n"
		    "identity_regex = x-authuser (.*)\n",
		    ":3: [resolver] identity_regex: header 'x-authuser' already "
		    "has an expression (line 2)" },
		{ "[resolver]\nhttp_url = ftp://crm.example.net/\n",
		    "must be an http:// or https:// URL" },
		{ "[resolver]\nhttp_url = https:///path\n", "the URL has no host" },
		{ "[resolver]\nhttp_url = http://crm.example.net/\n"
		    "http_token_file = users.csv\n",
		    ":3: [resolver] http_token_file: a bearer token is sent only "
		    "over https" },
		{ "[resolver]\nhttp_timeout = 0\n", "from 1s to 5m" },
		{ "[resolver]\nhttp_cache_ttl = soon\n", "from 0 to 30d" },
		{ "[cases]\nescalate_internal = 5 per 10m\n",
		    "must be 'N in M' (like 5 in 10m)" },
		{ "[cases]\nescalate_internal = 0 in 10m\n",
		    "N must be a whole number from 1 to 1000000" },
		{ "[cases]\nescalate_external = 5 in 2d\n",
		    "M must be a duration from 1s to 1d" },
		{ "[cases]\nescalate_external = 5 in 10m\n"
		    "escalate_external = 6 in 10m\n", "given twice" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct config c;
		char errs[2048];
		enum rc rc = load(t[i].ini, &c, errs, sizeof(errs));

		ok(rc == RC_FATAL, "bad configuration %zu is refused", i);
		if (!ok(strstr(errs, t[i].want) != NULL, "bad configuration "
		    "%zu says '%s'", i, t[i].want))
			printf("#   printed: %s", errs);
		if (rc == RC_OK)
			config_release(&c);
	}
}

static void
good_config(void)
{
	struct config c;
	char errs[1024];

	if (!ok(load("[resolver]\n"
	    "identity_headers = X-AuthUser, X-PHP-Originating-Script, Received\n"
	    "identity_regex = X-PHP-Originating-Script ^([0-9]+):\n"
	    "identity_regex = Received \\(Authenticated sender: ([^)]+)\\)\n"
	    "identity_regex = X-AuthUser ^[]a(+]*(([a-z]?){1,8}){1,8}"
	    "(x{30}|y){1,30}$\n"
	    "http_url = https://crm.example.net/lookup?src=ac\n"
	    "http_cache_ttl = 1h\nhttp_timeout = 3s\n"
	    "[cases]\nescalate_internal = 5 in 10m\n"
	    "escalate_external = 2 in 1h\n", &c, errs, sizeof(errs)) ==
	    RC_OK, "expressions, http and escalation load"))
		printf("# %s", errs);
	ok(c.resolver.nidentity == 3 &&
	    c.resolver.identity[0].regex == &c.resolver.regexes[2].re &&
	    c.resolver.identity[1].regex == &c.resolver.regexes[0].re &&
	    c.resolver.identity[2].regex == &c.resolver.regexes[1].re,
	    "each expression is attached to its header");
	ok(c.resolver.http_cache_ttl == 3600 && c.resolver.http_timeout == 3,
	    "http_cache_ttl and http_timeout");
	ok(c.cases.escalate_internal.count == 5 &&
	    c.cases.escalate_internal.window == 600 &&
	    c.cases.escalate_external.count == 2 &&
	    c.cases.escalate_external.window == 3600, "escalation rules");
	ok(c.resolver.norder == 5 && c.resolver.order[4] == STEP_HTTP,
	    "the default order has all five steps");
	config_release(&c);
}

static void
bad_tables(void)
{
	static const struct {
		const char	*file, *text;
		const char	*want;
	} t[] = {
		{ "users.csv", "auth_user,customer\nalice,a\nbob,b\nALICE,c\n",
		    "users.csv:4: 'ALICE' is listed for 'c' here and for 'a' at "
		    "line 2" },
		{ "users.csv", "user,customer\nalice,a\n",
		    "users.csv:1: column 1 is 'user', expected 'auth_user'" },
		{ "users.csv", "auth_user,customer\n,a\n",
		    "users.csv:2: the first cell is empty" },
		{ "domains.csv", "domain,customer\nexample..org,a\n",
		    "domains.csv:2: 'example..org' is not a domain" },
		{ "domains.csv", "domain,customer\nexample.org,a\n"
		    "EXAMPLE.org,b\n", "domains.csv:3: 'example.org' is listed "
		    "for 'b' here and for 'a' at line 2" },
		{ "nets.csv", "cidr,customer\n198.51.100.0/24,a\n"
		    "198.51.100.1/24,a\n", "nets.csv:3: '198.51.100.1/24' is "
		    "not a CIDR prefix" },
		{ "nets.csv", "cidr,customer\n198.51.100.0/24,a\n"
		    "198.51.100.0/24,b\n", "nets.csv:3: prefix 198.51.100.0/24 "
		    "for 'b' overlaps line 2" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct config c;
		struct resolver *r;
		struct err e;
		char errs[1024];

		put("users.csv", users);
		put("nets.csv", nets);
		put("domains.csv", domains);
		put(t[i].file, t[i].text);
		if (load("[resolver]\nusers_file = users.csv\n"
		    "networks_file = nets.csv\ndomains_file = domains.csv\n",
		    &c, errs, sizeof(errs)) != RC_OK) {
			ok(0, "bad table %zu: configuration loads", i);
			continue;
		}
		ok(resolver_open(&r, &c, NULL, &e) == RC_FATAL && r == NULL,
		    "bad table %zu is refused", i);
		if (!ok(strstr(e.msg, t[i].want) != NULL, "bad table %zu says "
		    "'%s'", i, t[i].want))
			printf("#   got: %s\n", e.msg);
		config_release(&c);
	}
	/* Bad rows in two tables: each is named, then they are counted. */
	put("users.csv", "auth_user,customer\n,cust-1\nbob,cust-2\n");
	put("nets.csv", "cidr,customer\nfoo,cust-1\n10.0.0.0/8,cust-1\n"
	    "10.0.0.0/8,cust-2\n");
	put("domains.csv", domains);
	{
		struct config c;
		struct resolver *r;
		struct err e;
		char errs[1024];

		if (load("[resolver]\nusers_file = users.csv\n"
		    "networks_file = nets.csv\ndomains_file = domains.csv\n",
		    &c, errs, sizeof(errs)) != RC_OK) {
			ok(0, "two bad tables: configuration loads");
		} else {
			ok(resolver_open(&r, &c, NULL, &e) == RC_FATAL &&
			    r == NULL, "two bad tables are refused");
			is(e.msg, "customer tables: 3 errors", "the bad rows "
			    "of both are counted");
			config_release(&c);
		}
	}
	put("users.csv", users);
	put("nets.csv", nets);
	put("domains.csv", domains);
}

static void
token(void)
{
	struct config c;
	struct resolver *r;
	struct err e;
	char errs[1024], p[256];

	put("token", "  s3cret-token \n");
	snprintf(p, sizeof(p), "%s/token", dir);
	chmod(p, 0644);
	if (load("[resolver]\nhttp_url = https://127.0.0.1:9/lookup\n"
	    "http_token_file = token\n", &c, errs, sizeof(errs)) != RC_OK) {
		ok(0, "token configuration loads: %s", errs);
		return;
	}
	ok(resolver_open(&r, &c, NULL, &e) == RC_FATAL &&
	    strstr(e.msg, "is readable by others (mode 0644): chmod o-r") !=
	    NULL,
	    "a token file others can read is refused");
	chmod(p, 0600);
	ok(resolver_open(&r, &c, NULL, &e) == RC_OK, "a private token file "
	    "is read");
	resolver_close(r);
	put("token", "two words\n");
	ok(resolver_open(&r, &c, NULL, &e) == RC_FATAL &&
	    strstr(e.msg, "one line without spaces") != NULL,
	    "a token with a space is refused");
	config_release(&c);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		abort();
	chain();
	order();
	bad_config();
	good_config();
	bad_tables();
	token();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return tap_done();
}
