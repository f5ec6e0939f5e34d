/*
 * Benchmark of the networks table: load time and lookups per second for
 * a large generated table, against the peer it replaced (prefixes sorted
 * by length and address, one binary search per length present).  Both
 * answer the same lookups, and the answers are compared, so the run is
 * also a cross-check of the trie at scale.
 *
 *   bench_resolve DIR [PREFIXES [LOOKUPS]]
 *
 * writes DIR/networks.csv (shuffled) and DIR/networks-sorted.csv.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nettable.h"
#include "netaddr.h"
#include "util.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

struct gen {
	struct prefix	p;
	uint32_t	cust;
};

/*
 * Prefixes shaped like an access provider's plan: IPv4 (80 %) from /16 to
 * /32, most of them /24 to /32, nested in one another; IPv6 (20 %) /32 to
 * /64, mostly /48, /56 and /64.  Seventeen IPv4 and a dozen IPv6 lengths
 * are present, as in real tables.  Repeated prefixes are dropped later.
 */
static unsigned
pick_len(uint64_t r, int v6)
{
	static const unsigned l4[] = { 16, 18, 19, 20, 21, 22, 22, 23, 23, 24,
	    24, 24, 24, 24, 25, 26, 27, 28, 28, 29, 29, 30, 30, 31, 32, 32,
	    32, 32, 32, 32 };
	static const unsigned l6[] = { 32, 36, 40, 44, 48, 48, 48, 48, 48,
	    52, 56, 56, 56, 56, 56, 60, 64, 64, 64, 64, 64, 64 };

	return v6 ? l6[r % (sizeof(l6) / sizeof(l6[0]))] :
	    l4[r % (sizeof(l4) / sizeof(l4[0]))];
}

static void
generate(struct gen *g, size_t n)
{
	size_t i;
	unsigned b;

	for (i = 0; i < n; i++) {
		uint8_t *a = g[i].p.addr;
		uint64_t r = rnd(), x = rnd();
		int v6 = i % 5 == 4;
		unsigned len = pick_len(r >> 32, v6);

		memset(a, 0, 16);
		if (v6) {
			/* Within 2a02::/16, so the plan is dense. */
			a[0] = 0x2a;
			a[1] = 0x02;
			memcpy(a + 2, &x, 6);
			g[i].p.len = (uint8_t)len;
		} else {
			/* Within a few /8s, so prefixes nest. */
			a[10] = a[11] = 0xff;
			a[12] = (uint8_t)(80 + r % 8);
			memcpy(a + 13, &x, 3);
			g[i].p.len = (uint8_t)(96 + len);
		}
		for (b = g[i].p.len; b < 128; b++)
			a[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
		g[i].cust = (uint32_t)(rnd() % 100000);
	}
}

static int
gen_cmp(const void *pa, const void *pb)
{
	const struct gen *a = pa, *b = pb;
	int c = memcmp(a->p.addr, b->p.addr, 16);

	return c ? c : (int)a->p.len - (int)b->p.len;
}

/* Sort and drop repeated prefixes; returns how many are left. */
static size_t
uniq(struct gen *g, size_t n)
{
	size_t i, k = 0;

	qsort(g, n, sizeof(*g), gen_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || gen_cmp(&g[k - 1], &g[i]) != 0)
			g[k++] = g[i];
	return k;
}

static void
write_csv(const char *path, const struct gen *g, const size_t *order,
    size_t n)
{
	FILE *f = fopen(path, "w");
	char pfx[64];
	size_t i;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs("cidr,customer\n", f);
	for (i = 0; i < n; i++) {
		const struct gen *r = &g[order ? order[i] : i];

		prefix_format(&r->p, pfx, sizeof(pfx));
		fprintf(f, "%s,cust-%u\n", pfx, r->cust);
	}
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The peer: the structure the trie replaced. */
struct peer_net {
	struct prefix	p;
	uint32_t	cust;
};

struct peer {
	struct peer_net	*v;
	size_t		 n;
	size_t		 start[129], count[129];
};

static int
peer_cmp(const void *a, const void *b)
{
	const struct peer_net *x = a, *y = b;

	if (x->p.len != y->p.len)
		return x->p.len > y->p.len ? -1 : 1;
	return memcmp(x->p.addr, y->p.addr, 16);
}

static void
peer_build(struct peer *pe, const struct gen *g, size_t n)
{
	size_t i;

	memset(pe, 0, sizeof(*pe));
	pe->v = xcalloc(n, sizeof(*pe->v));
	for (i = 0; i < n; i++) {
		pe->v[i].p = g[i].p;
		pe->v[i].cust = g[i].cust;
	}
	pe->n = n;
	qsort(pe->v, n, sizeof(*pe->v), peer_cmp);
	for (i = 0; i < n; i++)
		if (pe->count[pe->v[i].p.len]++ == 0)
			pe->start[pe->v[i].p.len] = i;
}

static long
peer_lookup(const struct peer *pe, const uint8_t a[16])
{
	int len;

	for (len = 128; len >= 0; len--) {
		struct prefix p;
		size_t lo, hi;

		if (pe->count[len] == 0)
			continue;
		memset(&p, 0, sizeof(p));
		memcpy(p.addr, a, (size_t)len / 8);
		if (len % 8)
			p.addr[len / 8] = a[len / 8] &
			    (uint8_t)(0xff << (8 - len % 8));
		lo = pe->start[len];
		hi = lo + pe->count[len];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = memcmp(pe->v[mid].p.addr, p.addr, 16);

			if (c == 0)
				return pe->v[mid].cust;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	size_t n = 1000000, nl = 4000000, i, *order, hits = 0, phits = 0;
	char path[4096], spath[4096];
	struct gen *g;
	uint8_t (*q)[16];
	struct nettable *t, *t2;
	struct peer pe;
	struct err e;
	double t0, t_load, t_load_sorted, t_build, t_peer_build, t_look,
	    t_peer_look;
	long mismatch = 0, *pres;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_resolve DIR [PREFIXES "
		    "[LOOKUPS]]\n");
		return 64;
	}
	if (argc > 2)
		n = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		nl = strtoul(argv[3], NULL, 10);
	snprintf(path, sizeof(path), "%s/networks.csv", argv[1]);
	snprintf(spath, sizeof(spath), "%s/networks-sorted.csv", argv[1]);
	/* Draw a few more than asked for; repeats are dropped. */
	g = xcalloc(n + n / 4, sizeof(*g));
	generate(g, n + n / 4);
	if ((i = uniq(g, n + n / 4)) < n) {
		fprintf(stderr, "bench_resolve: too few distinct prefixes\n");
		return 1;
	}
	/* Keep a random n of them, not the lowest addresses. */
	for (; i > 1; i--) {
		size_t j = (size_t)(rnd() % i);
		struct gen x = g[i - 1];

		g[i - 1] = g[j];
		g[j] = x;
	}
	order = xcalloc(n, sizeof(*order));
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		size_t j = (size_t)(rnd() % i), x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
	write_csv(path, g, order, n);
	write_csv(spath, g, NULL, n);
	free(order);

	/* Lookups: half inside a listed prefix, half anywhere. */
	q = xcalloc(nl, sizeof(*q));
	for (i = 0; i < nl; i++) {
		const struct gen *r = &g[rnd() % n];
		uint64_t x = rnd(), y = rnd();

		memcpy(q[i], r->p.addr, 16);
		if (i % 2 == 0) {
			/* Random host bits below the prefix. */
			unsigned b;

			for (b = r->p.len; b < 128; b++)
				if ((b < 64 ? x >> (b % 64) : y >> (b % 64)) & 1)
					q[i][b / 8] |= (uint8_t)(0x80 >> (b % 8));
		} else if (i % 4 == 1) {
			memset(q[i], 0, 10);
			q[i][10] = q[i][11] = 0xff;
			memcpy(q[i] + 12, &x, 4);
		} else {
			memcpy(q[i], &x, 8);
			memcpy(q[i] + 8, &y, 8);
		}
	}

	/* The sorted file first, freed, so both loads start alike. */
	t0 = now();
	if (nettable_load(&t2, spath, &e) != RC_OK) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	t_load_sorted = now() - t0;
	nettable_free(t2);
	t0 = now();
	if (nettable_load(&t, path, &e) != RC_OK) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	t_load = now() - t0;

	/* Index build from parsed rows, to compare with the peer's. */
	t2 = nettable_new("bench");
	t0 = now();
	for (i = 0; i < n; i++) {
		char c[32];

		snprintf(c, sizeof(c), "cust-%u", g[i].cust);
		nettable_add(t2, &g[i].p, c, NET_FOREVER_FROM,
		    NET_FOREVER_UNTIL, (int)i + 2);
	}
	if (nettable_build(t2, NULL, NULL, &e) != RC_OK) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	t_build = now() - t0;
	nettable_free(t2);
	t0 = now();
	peer_build(&pe, g, n);
	t_peer_build = now() - t0;

	t0 = now();
	for (i = 0; i < nl; i++) {
		struct net_hit h;

		hits += (size_t)nettable_lookup(t, q[i], 0, &h);
	}
	t_look = now() - t0;
	pres = xcalloc(nl, sizeof(*pres));
	t0 = now();
	for (i = 0; i < nl; i++)
		phits += (pres[i] = peer_lookup(&pe, q[i])) >= 0;
	t_peer_look = now() - t0;

	/* Same answers from both. */
	for (i = 0; i < nl; i++) {
		struct net_hit h;
		long pc = pres[i];
		char c[32];

		if (!nettable_lookup(t, q[i], 0, &h)) {
			mismatch += pc >= 0;
			continue;
		}
		snprintf(c, sizeof(c), "cust-%ld", pc);
		mismatch += pc < 0 || strcmp(c, h.customer) != 0;
	}

	printf("prefixes: %zu (%zu distinct), lookups: %zu (%zu hits)\n",
	    n, nettable_prefixes(t), nl, hits);
	printf("load %s (read, parse, sort, build): %.3f s\n", path, t_load);
	printf("load of the same rows in address order: %.3f s\n",
	    t_load_sorted);
	printf("index build from parsed rows: trie %.3f s, peer %.3f s "
	    "(ratio %.2f)\n", t_build, t_peer_build, t_build / t_peer_build);
	printf("lookups per second: trie %.0f, peer %.0f (ratio %.2f)\n",
	    (double)nl / t_look, (double)nl / t_peer_look,
	    t_peer_look / t_look);
	printf("memory: trie %.1f MiB (%.0f bytes per prefix), peer %.1f MiB "
	    "(its array alone, customers not counted)\n",
	    (double)nettable_memory(t) / 1048576.0,
	    (double)nettable_memory(t) / (double)n,
	    (double)(n * sizeof(struct peer_net)) / 1048576.0);
	printf("answers differing between trie and peer: %ld\n", mismatch);

	nettable_free(t);
	free(pe.v);
	free(pres);
	free(q);
	free(g);
	return mismatch == 0 && hits == phits ? 0 : 1;
}
