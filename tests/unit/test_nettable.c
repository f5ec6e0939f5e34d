/* nettable.c: longest-prefix match, IPv4 and IPv6, validity windows,
 * conflicts and malformed rows, and a randomized check against a plain
 * scan of the rows. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nettable.h"
#include "table.h"
#include "tap.h"
#include "util.h"

static char path[64];

/* Write text to a temporary file and load it; NULL with e on error. */
static struct nettable *
load(const char *text, struct err *e)
{
	struct nettable *t;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/ac-nets-XXXXXX");
	if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	if (nettable_load(&t, path, e) != RC_OK)
		t = NULL;
	unlink(path);
	return t;
}

static int64_t
when(const char *s)
{
	int64_t v;

	if (table_time(s, &v) < 0)
		abort();
	return v;
}

/* "customer prefix" or "-" for no match. */
static const char *
look(const struct nettable *t, const char *ip, const char *at)
{
	static char out[128];
	struct net_hit h;
	uint8_t a[16];
	char pfx[64];

	if (addr_parse(ip, strlen(ip), a) < 0)
		abort();
	if (!nettable_lookup(t, a, at ? when(at) : 0, &h))
		return "-";
	prefix_format(&h.prefix, pfx, sizeof(pfx));
	snprintf(out, sizeof(out), "%s %s", h.customer, pfx);
	return out;
}

static void
longest(void)
{
	static const char table[] =
	    "cidr,customer\n"
	    "10.0.0.0/8,a\n"
	    "10.1.0.0/16,b\n"
	    "10.1.2.0/24,c\n"
	    "10.1.2.3,d\n"
	    "10.1.2.128/25,e\n"
	    "0.0.0.0/0,everyone-v4\n"
	    "2001:db8::/32,f\n"
	    "2001:db8:1::/48,g\n"
	    "2001:db8:1:2::/64,h\n"
	    "2001:db8:1:2::1/128,i\n"
	    "\"2001:db8:ff00::/40\",j\n";
	static const struct {
		const char	*ip;
		const char	*want;
	} t[] = {
		{ "10.1.2.3", "d 10.1.2.3/32" },
		{ "10.1.2.4", "c 10.1.2.0/24" },
		{ "10.1.2.200", "e 10.1.2.128/25" },
		{ "10.1.3.1", "b 10.1.0.0/16" },
		{ "10.200.0.1", "a 10.0.0.0/8" },
		{ "11.0.0.1", "everyone-v4 0.0.0.0/0" },
		{ "::ffff:10.1.2.3", "d 10.1.2.3/32" },
		{ "2001:db8:1:2::1", "i 2001:db8:1:2::1/128" },
		{ "2001:db8:1:2::2", "h 2001:db8:1:2::/64" },
		{ "2001:db8:1:3::1", "g 2001:db8:1::/48" },
		{ "2001:db8:2::1", "f 2001:db8::/32" },
		{ "2001:db8:ff12::1", "j 2001:db8:ff00::/40" },
		{ "2001:db9::1", "-" },
		{ "::1", "-" },
		{ "2001:db8::", "f 2001:db8::/32" },
	};
	struct nettable *n;
	struct err e;
	size_t i;

	n = load(table, &e);
	if (!ok(n != NULL, "nested IPv4 and IPv6 table loads")) {
		printf("# %s\n", e.msg);
		return;
	}
	ok(nettable_prefixes(n) == 11, "11 distinct prefixes");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is(look(n, t[i].ip, NULL), t[i].want, "lookup %s", t[i].ip);
	nettable_free(n);
}

static void
windows(void)
{
	static const char table[] =
	    "cidr,customer,valid_from,valid_until\n"
	    "192.0.2.0/24,pool-owner,,\n"
	    "192.0.2.10,alice,2026-01-01,2026-02-01\n"
	    "192.0.2.10,bob,2026-02-01T00:00:00Z,2026-02-10T12:00:00Z\n"
	    "192.0.2.10,carol,2026-02-10T12:00:00Z,\n"
	    "192.0.2.11,dave,,2026-01-15\n"
	    "192.0.2.12,erin,2026-01-01,2026-01-10\n"
	    "192.0.2.12,erin,2026-01-05,2026-01-20\n"
	    "192.0.2.12,erin,2026-01-20,2026-01-25\n"
	    "2001:db8::/64,frank,2026-01-01,\n";
	static const struct {
		const char	*ip;
		const char	*at;
		const char	*want;
	} t[] = {
		{ "192.0.2.10", "2025-12-31T23:59:59Z", "pool-owner 192.0.2.0/24" },
		{ "192.0.2.10", "2026-01-01", "alice 192.0.2.10/32" },
		{ "192.0.2.10", "2026-01-31T23:59:59Z", "alice 192.0.2.10/32" },
		{ "192.0.2.10", "2026-02-01", "bob 192.0.2.10/32" },
		{ "192.0.2.10", "2026-02-10T11:59:59Z", "bob 192.0.2.10/32" },
		{ "192.0.2.10", "2026-02-10T12:00:00Z", "carol 192.0.2.10/32" },
		{ "192.0.2.10", "2031-01-01", "carol 192.0.2.10/32" },
		{ "192.0.2.11", "2026-01-14", "dave 192.0.2.11/32" },
		{ "192.0.2.11", "2026-01-15", "pool-owner 192.0.2.0/24" },
		{ "192.0.2.12", "2026-01-07", "erin 192.0.2.12/32" },
		{ "192.0.2.12", "2026-01-22", "erin 192.0.2.12/32" },
		{ "192.0.2.12", "2026-01-25", "pool-owner 192.0.2.0/24" },
		{ "2001:db8::5", "2025-06-01", "-" },
		{ "2001:db8::5", "2026-06-01", "frank 2001:db8::/64" },
	};
	struct nettable *n;
	struct err e;
	size_t i;

	n = load(table, &e);
	if (!ok(n != NULL, "windowed table loads")) {
		printf("# %s\n", e.msg);
		return;
	}
	/* erin's three overlapping or touching windows become one. */
	ok(nettable_windows(n) == 6, "same-customer windows merged (%zu)",
	    nettable_windows(n));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is(look(n, t[i].ip, t[i].at), t[i].want, "%s at %s", t[i].ip,
		    t[i].at);
	nettable_free(n);
}

static void
refused(void)
{
	static const struct {
		const char	*text;
		const char	*want;	/* the error after "FILE:" */
	} t[] = {
		{ "cidr,customer\n10.0.0.1/24,a\n", "2: '10.0.0.1/24' is not a "
		    "CIDR prefix (address/length, host bits zero)" },
		{ "cidr,customer\n10.0.0.0/33,a\n", "2: '10.0.0.0/33' is not a "
		    "CIDR prefix (address/length, host bits zero)" },
		{ "cidr,customer\n\n300.0.0.0/8,a\n", "3: '300.0.0.0/8' is not "
		    "a CIDR prefix (address/length, host bits zero)" },
		{ "cidr,customer\n10.0.0.0/,a\n", "2: '10.0.0.0/' is not a "
		    "CIDR prefix (address/length, host bits zero)" },
		{ "cidr,customer\n10.0.0.0/+8,a\n", "2: '10.0.0.0/+8' is not a "
		    "CIDR prefix (address/length, host bits zero)" },
		{ "cidr,customer\n2001:db8::/129,a\n", "2: '2001:db8::/129' is "
		    "not a CIDR prefix (address/length, host bits zero)" },
		{ "cidr,customer\nexample.net,a\n", "2: 'example.net' is not a "
		    "CIDR prefix (address/length, host bits zero)" },
		{ "cidr,customer\n10.0.0.0/8,\n", "2: customer is empty, longer "
		    "than 200 bytes or has control characters" },
		{ "cidr,customer,valid_from\n10.0.0.0/8,a,soon\n", "2: "
		    "valid_from 'soon' is not a date (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ)" },
		{ "cidr,customer,valid_from,valid_until\n"
		    "10.0.0.0/8,a,2026-02-01,2026-01-01\n",
		    "2: valid_until is not after valid_from" },
		{ "cidr,customer\n10.0.0.0/8,a\n10.0.0.0/8,b\n",
		    "3: prefix 10.0.0.0/8 for 'b' overlaps line 2, which gives "
		    "it to 'a' for an overlapping time" },
		{ "cidr,customer\n2001:db8::/32,b\n2001:DB8:0::/32,a\n",
		    "3: prefix 2001:db8::/32 for 'a' overlaps line 2, which "
		    "gives it to 'b' for an overlapping time" },
		{ "cidr,customer,valid_from,valid_until\n"
		    "10.0.0.0/8,a,2026-01-01,2026-03-01\n"
		    "10.0.0.0/8,a,2026-03-01,2026-04-01\n"
		    "10.0.0.0/8,b,2026-03-15,2026-05-01\n",
		    "4: prefix 10.0.0.0/8 for 'b' overlaps line 3, which gives "
		    "it to 'a' for an overlapping time" },
		{ "cidr,customer,valid_from,valid_until\n"
		    "10.0.0.0/8,b,2026-03-15,2026-05-01\n"
		    "10.0.0.0/8,a,2026-01-01,2027-01-01\n"
		    "10.0.0.0/8,a,2026-02-01,2026-02-02\n",
		    "3: prefix 10.0.0.0/8 for 'a' overlaps line 2, which gives "
		    "it to 'b' for an overlapping time" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct nettable *n;
		struct err e;
		char want[512];

		n = load(t[i].text, &e);
		snprintf(want, sizeof(want), "%s:%s", path, t[i].want);
		ok(n == NULL, "bad table %zu is refused", i);
		is(n ? "" : e.msg, want, "bad table %zu: error", i);
		nettable_free(n);
	}
}

static void
accepted(void)
{
	struct nettable *n;
	struct err e;

	n = load("cidr,customer,valid_from,valid_until\n"
	    "10.0.0.0/8,a,2026-01-01,2026-02-01\n"
	    "10.0.0.0/8,b,2026-02-01,2026-03-01\n"
	    "10.0.0.0/16,c,,\n10.0.0.0/16,c,,\n10.0.0.0/16,c,,\n", &e);
	if (!ok(n != NULL, "identical prefixes in disjoint windows, and exact "
	    "repeats, are accepted"))
		printf("# %s\n", e.msg);
	if (n != NULL) {
		is(look(n, "10.0.0.1", "2026-02-15"), "c 10.0.0.0/16",
		    "repeated rows answer once");
		is(look(n, "10.1.0.1", "2026-02-15"), "b 10.0.0.0/8",
		    "second window's owner");
		is(look(n, "10.1.0.1", "2026-01-15"), "a 10.0.0.0/8",
		    "first window's owner");
		is(look(n, "10.1.0.1", "2026-03-01"), "-",
		    "after the last window nobody");
	}
	nettable_free(n);
	n = load("cidr,customer\n", &e);
	ok(n != NULL && nettable_prefixes(n) == 0, "an empty table loads");
	if (n != NULL)
		is(look(n, "10.1.0.1", NULL), "-", "and finds nothing");
	nettable_free(n);
}

/*
 * Random prefixes with random windows against a scan of all rows: the
 * answer must be the longest prefix holding the address at that time.
 */
struct ref {
	struct prefix	p;
	int64_t		from, until;
	char		cust[16];
};

static uint64_t seed = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void
random_rows(struct ref *r, size_t n)
{
	size_t i;
	unsigned b;

	for (i = 0; i < n; i++) {
		uint64_t x = rnd();

		memset(&r[i].p, 0, sizeof(r[i].p));
		if (i % 3) {
			/* IPv4 in 10.0.0.0/12: dense, so prefixes nest. */
			r[i].p.addr[10] = r[i].p.addr[11] = 0xff;
			r[i].p.addr[12] = 10;
			r[i].p.addr[13] = (uint8_t)(x & 0x0f);
			r[i].p.addr[14] = (uint8_t)(x >> 8);
			r[i].p.addr[15] = (uint8_t)(x >> 16);
			r[i].p.len = (uint8_t)(96 + 12 + (x >> 24) % 21);
		} else {
			r[i].p.addr[0] = 0x20;
			r[i].p.addr[1] = 0x01;
			r[i].p.addr[2] = (uint8_t)(x & 0x03);
			memcpy(r[i].p.addr + 3, &x, 5);
			r[i].p.len = (uint8_t)(16 + (x >> 40) % 49);
		}
		for (b = r[i].p.len; b < 128; b++)
			r[i].p.addr[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
		/* Windows in 100 slots of time; one customer per prefix and
		 * slot, so windows of one prefix never conflict. */
		x = rnd();
		if (x % 4 == 0) {
			r[i].from = NET_FOREVER_FROM;
			r[i].until = NET_FOREVER_UNTIL;
		} else {
			r[i].from = (int64_t)(x % 100) * 1000;
			r[i].until = r[i].from + 1000 * (int64_t)(1 + x / 100 % 3);
		}
		snprintf(r[i].cust, sizeof(r[i].cust), "c%zu", i);
	}
}

static int
overlap(const struct ref *a, const struct ref *b)
{
	return a->p.len == b->p.len && memcmp(a->p.addr, b->p.addr, 16) == 0 &&
	    a->from < b->until && b->from < a->until;
}

static void
randomized(void)
{
	enum { N = 3000, Q = 20000 };
	struct ref *r = xcalloc(N, sizeof(*r));
	struct nettable *t = nettable_new("random");
	struct err e;
	size_t i, j, bad = 0, hits = 0;
	int *skip = xcalloc(N, sizeof(int));

	random_rows(r, N);
	/* Drop rows that would conflict with an earlier one. */
	for (i = 0; i < N; i++)
		for (j = 0; j < i && !skip[i]; j++)
			if (!skip[j] && overlap(&r[i], &r[j]))
				skip[i] = 1;
	for (i = 0; i < N; i++)
		if (!skip[i] && nettable_add(t, &r[i].p, r[i].cust, r[i].from,
		    r[i].until, (int)i + 2) != NULL)
			bad++;
	ok(nettable_build(t, NULL, NULL, &e) == RC_OK && bad == 0,
	    "random table builds");
	for (i = 0; i < Q; i++) {
		const struct ref *best = NULL, *q = &r[rnd() % N];
		uint8_t a[16];
		int64_t at = (int64_t)(rnd() % 110000) - 5000;
		struct net_hit h;
		unsigned b;
		uint64_t x = rnd();
		int found;

		/* An address in or near a listed prefix. */
		memcpy(a, q->p.addr, 16);
		for (b = q->p.len > 8 ? q->p.len - 8 : 0; b < 128; b++)
			if ((x >> (b % 64)) & 1)
				a[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
		for (j = 0; j < N; j++)
			if (!skip[j] && prefix_contains(&r[j].p, a) &&
			    r[j].from <= at && at < r[j].until &&
			    (best == NULL || r[j].p.len > best->p.len))
				best = &r[j];
		found = nettable_lookup(t, a, at, &h);
		hits += found;
		if (found != (best != NULL) || (found &&
		    (strcmp(h.customer, best->cust) != 0 ||
		    h.prefix.len != best->p.len)))
			bad++;
	}
	ok(bad == 0, "%d random lookups agree with a scan of the rows "
	    "(%zu found something, %zu differ)", Q, hits, bad);
	ok(hits > Q / 10 && hits < Q, "the random lookups hit and miss");
	nettable_free(t);
	free(skip);
	free(r);
}

int
main(void)
{
	longest();
	windows();
	refused();
	accepted();
	randomized();
	return tap_done();
}
