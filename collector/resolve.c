#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "resolve.h"
#include "table.h"

/* users_file: auth_user -> customer, kept sorted for binary search. */
struct user {
	char	*user;
	char	*customer;
};

/* networks_file: prefixes grouped by length, each group sorted, so a
 * lookup is one binary search per length present, longest first. */
struct net {
	struct prefix	 p;
	char		*customer;
	int		 line;
};

struct resolver {
	const struct config	*c;
	struct user		*users;
	size_t			 nusers;
	struct net		*nets;
	size_t			 nnets;
	/* nets sorted by (len desc, addr); start of each length's run. */
	size_t			 len_start[130];
	size_t			 len_count[130];
};

static int
customer_ok(const char *c)
{
	size_t n = strlen(c), i;

	if (n == 0 || n > MAX_CUSTOMER_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			return 0;
	return 1;
}

static const char *
user_row(void *arg, size_t ncols, char *const *cells, int line)
{
	struct resolver *r = arg;

	if (cells[0][0] == '\0')
		return "empty auth_user";
	if (!customer_ok(cells[1]))
		return "customer is empty, too long or has control characters";
	r->users = xrealloc(r->users, (r->nusers + 1) * sizeof(*r->users));
	r->users[r->nusers].user = xstrdup(cells[0]);
	r->users[r->nusers].customer = xstrdup(cells[1]);
	r->nusers++;
	return NULL;
}

static int
user_cmp(const void *a, const void *b)
{
	return ascii_casecmp(((const struct user *)a)->user,
	    ((const struct user *)b)->user);
}

static const char *
net_row(void *arg, size_t ncols, char *const *cells, int line)
{
	static char msg[300];
	struct resolver *r = arg;
	struct prefix p;

	if (prefix_parse(cells[0], strlen(cells[0]), &p) < 0) {
		snprintf(msg, sizeof(msg), "'%.200s' is not a CIDR prefix "
		    "(address/length, host bits zero)", cells[0]);
		return msg;
	}
	if (!customer_ok(cells[1]))
		return "customer is empty, too long or has control characters";
	r->nets = xrealloc(r->nets, (r->nnets + 1) * sizeof(*r->nets));
	r->nets[r->nnets].p = p;
	r->nets[r->nnets].customer = xstrdup(cells[1]);
	r->nets[r->nnets].line = line;
	r->nnets++;
	return NULL;
}

static int
net_cmp(const void *a, const void *b)
{
	const struct net *x = a, *y = b;

	if (x->p.len != y->p.len)
		return x->p.len > y->p.len ? -1 : 1;
	return memcmp(x->p.addr, y->p.addr, 16);
}

static enum rc
load_users(struct resolver *r, const char *path, struct err *e)
{
	static const char *const cols[] = { "auth_user", "customer" };
	size_t i;
	enum rc rc;

	if ((rc = table_read(path, cols, 2, 2, user_row, r, e)) != RC_OK)
		return rc;
	qsort(r->users, r->nusers, sizeof(*r->users), user_cmp);
	for (i = 1; i < r->nusers; i++)
		if (ascii_casecmp(r->users[i - 1].user, r->users[i].user) ==
		    0 && strcmp(r->users[i - 1].customer,
		    r->users[i].customer) != 0)
			return err_set(e, RC_FATAL, "%s: user '%s' is listed "
			    "for two customers ('%s' and '%s')", path,
			    r->users[i].user, r->users[i - 1].customer,
			    r->users[i].customer);
	return RC_OK;
}

static enum rc
load_networks(struct resolver *r, const char *path, struct err *e)
{
	static const char *const cols[] = { "cidr", "customer" };
	char pfx[64];
	size_t i;
	enum rc rc;

	if ((rc = table_read(path, cols, 2, 2, net_row, r, e)) != RC_OK)
		return rc;
	qsort(r->nets, r->nnets, sizeof(*r->nets), net_cmp);
	for (i = 0; i < r->nnets; i++) {
		unsigned l = r->nets[i].p.len;

		if (r->len_count[l]++ == 0)
			r->len_start[l] = i;
		if (i > 0 && net_cmp(&r->nets[i - 1], &r->nets[i]) == 0 &&
		    strcmp(r->nets[i - 1].customer, r->nets[i].customer)) {
			prefix_format(&r->nets[i].p, pfx, sizeof(pfx));
			return err_set(e, RC_FATAL, "%s:%d: prefix %s is also "
			    "listed at line %d for another customer", path,
			    r->nets[i].line, pfx, r->nets[i - 1].line);
		}
	}
	return RC_OK;
}

enum rc
resolver_open(struct resolver **rp, const struct config *c,
    struct store *store, struct err *e)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	enum rc rc = RC_OK;

	(void)store;
	r->c = c;
	if (c->resolver.users_file != NULL &&
	    (rc = load_users(r, c->resolver.users_file, e)) != RC_OK)
		goto fail;
	if (c->resolver.networks_file != NULL &&
	    (rc = load_networks(r, c->resolver.networks_file, e)) != RC_OK)
		goto fail;
	*rp = r;
	return RC_OK;
fail:
	resolver_close(r);
	*rp = NULL;
	return rc;
}

void
resolver_close(struct resolver *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nusers; i++) {
		free(r->users[i].user);
		free(r->users[i].customer);
	}
	for (i = 0; i < r->nnets; i++)
		free(r->nets[i].customer);
	free(r->users);
	free(r->nets);
	free(r);
}

static const char *
lookup_user(const struct resolver *r, const char *user)
{
	struct user key = { (char *)(uintptr_t)user, NULL };
	const struct user *u;

	if (r->nusers == 0)
		return NULL;
	u = bsearch(&key, r->users, r->nusers, sizeof(*r->users), user_cmp);
	return u ? u->customer : NULL;
}

static const char *
lookup_ip(const struct resolver *r, const char *ip)
{
	uint8_t a[16];
	int len;

	if (ip == NULL || addr_parse(ip, strlen(ip), a) < 0)
		return NULL;
	for (len = 128; len >= 0; len--) {
		size_t lo, hi;
		struct prefix p;

		if (r->len_count[len] == 0)
			continue;
		memset(&p, 0, sizeof(p));
		p.len = (uint8_t)len;
		memcpy(p.addr, a, (size_t)len / 8);
		if (len % 8)
			p.addr[len / 8] = a[len / 8] &
			    (uint8_t)(0xff << (8 - len % 8));
		lo = r->len_start[len];
		hi = lo + r->len_count[len];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = memcmp(r->nets[mid].p.addr, p.addr, 16);

			if (c == 0)
				return r->nets[mid].customer;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
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

static void
found(struct report *rep, const char *customer, const char *step)
{
	report_setz(&rep->customer, customer);
	report_setz(&rep->resolved_by, step);
}

void
resolver_resolve(struct resolver *r, struct report *rep)
{
	const struct resolver_conf *rc = &r->c->resolver;
	const char *cust;
	size_t i;

	for (i = 0; i < rc->norder; i++) {
		switch (rc->order[i]) {
		case STEP_HEADER:
			if (rep->identity_header == NULL ||
			    rep->auth_user == NULL)
				break;
			cust = lookup_user(r, rep->auth_user);
			found(rep, cust ? cust : rep->auth_user, "header");
			return;
		case STEP_SMTP_AUTH:
			if (rep->smtp_auth == NULL || ip_shaped(rep->smtp_auth))
				break;
			if ((cust = lookup_user(r, rep->smtp_auth)) != NULL) {
				found(rep, cust, "smtp_auth");
				return;
			}
			break;
		case STEP_NETWORK:
			cust = lookup_ip(r, rep->origin_ip ? rep->origin_ip :
			    rep->source_ip);
			if (cust == NULL && rep->origin_ip != NULL)
				cust = lookup_ip(r, rep->source_ip);
			if (cust != NULL) {
				found(rep, cust, "network");
				return;
			}
			break;
		default:
			break;
		}
	}
	report_setz(&rep->customer, CUSTOMER_UNRESOLVED);
	report_setz(&rep->resolve_note, rep->origin_ip || rep->source_ip ||
	    rep->auth_user ? "no step matched the report's user or address" :
	    "the report names no user or address");
}
