#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nettable.h"
#include "table.h"

/*
 * Keys are the 128 address bits as two big-endian halves, so that prefix
 * tests and common-prefix lengths are a few word operations.
 *
 * A row as read (32 bytes); the few rows with a validity window keep it
 * in a side array, so the common open-ended row costs nothing for it.
 */
#define NO_WINDOW	UINT32_MAX
struct row {
	uint64_t	hi, lo;
	uint32_t	cust;
	int32_t		line;
	uint32_t	wref;		/* index into rwin, or NO_WINDOW */
	uint8_t		len;
};

struct span {
	int64_t		from, until;
};

struct win {
	int64_t		from, until;
	uint32_t	cust;
};

/*
 * A trie node: a prefix (bits past len are zero), its two subtrees
 * (0 = none; node 0 is the root and never a child) and what is listed
 * for exactly this prefix: nothing, one customer for all time (kept in
 * the node), or a run of windows.  32 bytes.
 */
enum { NODE_EMPTY, NODE_DIRECT, NODE_WINDOWS };
#define MAX_WINDOWS	((1u << 22) - 1)
struct node {
	uint64_t	hi, lo;
	uint32_t	child[2];
	uint32_t	val;		/* customer, or first window */
	uint32_t	len : 8;
	uint32_t	kind : 2;
	uint32_t	nwin : 22;
};

struct nettable {
	char		*name;
	struct strmap	 cust;
	struct row	*rows;		/* until built */
	size_t		 nrows, arows;
	struct span	*rwin;		/* rows' windows, until built */
	size_t		 nrwin, arwin;
	struct win	*wins;
	size_t		 nwins;
	struct node	*nodes;
	size_t		 nnodes, anodes;
	size_t		 nprefixes;
	size_t		 nread;		/* rows nettable_read took */
	int		 built;
	/* While nettable_read builds: where every overlap goes, so that
	 * all of them are named, not only the first. */
	struct table_errs *te;
};

static uint64_t
mask_hi(unsigned len)
{
	return len == 0 ? 0 : len >= 64 ? ~0ULL : ~0ULL << (64 - len);
}

static uint64_t
mask_lo(unsigned len)
{
	return len <= 64 ? 0 : len >= 128 ? ~0ULL : ~0ULL << (128 - len);
}

static unsigned
bit_at(uint64_t hi, uint64_t lo, unsigned i)
{
	return i < 64 ? (unsigned)(hi >> (63 - i)) & 1 :
	    (unsigned)(lo >> (127 - i)) & 1;
}

static unsigned
common_len(uint64_t ahi, uint64_t alo, uint64_t bhi, uint64_t blo)
{
	if (ahi != bhi)
		return (unsigned)__builtin_clzll(ahi ^ bhi);
	if (alo != blo)
		return 64 + (unsigned)__builtin_clzll(alo ^ blo);
	return 128;
}

static void
key_of(const uint8_t a[16], uint64_t *hi, uint64_t *lo)
{
	int i;

	*hi = *lo = 0;
	for (i = 0; i < 8; i++) {
		*hi = *hi << 8 | a[i];
		*lo = *lo << 8 | a[i + 8];
	}
}

static void
key_to(uint64_t hi, uint64_t lo, uint8_t a[16])
{
	int i;

	for (i = 7; i >= 0; i--) {
		a[i] = (uint8_t)hi;
		a[i + 8] = (uint8_t)lo;
		hi >>= 8;
		lo >>= 8;
	}
}

struct nettable *
nettable_new(const char *name)
{
	struct nettable *t = xcalloc(1, sizeof(*t));

	t->name = xstrdup(name);
	strmap_init(&t->cust, 0);
	return t;
}

void
nettable_free(struct nettable *t)
{
	if (t == NULL)
		return;
	strmap_release(&t->cust);
	free(t->name);
	free(t->rows);
	free(t->rwin);
	free(t->wins);
	free(t->nodes);
	free(t);
}

const char *
nettable_add(struct nettable *t, const struct prefix *p,
    const char *customer, int64_t from, int64_t until, int line)
{
	struct row *r;

	if (from >= until)
		return "valid_until is not after valid_from";
	if (t->built)
		return "the table is already built";
	if (t->nrows == t->arows) {
		t->arows = t->arows ? t->arows * 2 : 1024;
		t->rows = xrealloc(t->rows, t->arows * sizeof(*t->rows));
	}
	r = &t->rows[t->nrows++];
	key_of(p->addr, &r->hi, &r->lo);
	r->len = p->len;
	r->cust = strmap_add(&t->cust, customer, strlen(customer), NULL);
	r->line = line;
	r->wref = NO_WINDOW;
	if (from != NET_FOREVER_FROM || until != NET_FOREVER_UNTIL) {
		if (t->nrwin == t->arwin) {
			t->arwin = t->arwin ? t->arwin * 2 : 64;
			t->rwin = xrealloc(t->rwin, t->arwin *
			    sizeof(*t->rwin));
		}
		t->rwin[t->nrwin].from = from;
		t->rwin[t->nrwin].until = until;
		r->wref = (uint32_t)t->nrwin++;
	}
	return NULL;
}

static struct span
row_span(const struct nettable *t, const struct row *r)
{
	struct span open = { NET_FOREVER_FROM, NET_FOREVER_UNTIL };

	return r->wref == NO_WINDOW ? open : t->rwin[r->wref];
}

#define CMP(a, b)	if ((a) != (b)) return (a) < (b) ? -1 : 1

/* Order of rows: by prefix, then window, customer and line, so that one
 * prefix's rows are together and sorted by the start of their window. */
static int
row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct row *a = pa, *b = pb;
	struct span x, y;

	CMP(a->hi, b->hi);
	CMP(a->lo, b->lo);
	CMP(a->len, b->len);
	x = row_span(arg, a);
	y = row_span(arg, b);
	CMP(x.from, y.from);
	CMP(x.until, y.until);
	CMP(a->cust, b->cust);
	CMP(a->line, b->line);
	return 0;
}

static inline int
row_less(const struct nettable *t, const struct row *a, const struct row *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi;
	if (a->lo != b->lo)
		return a->lo < b->lo;
	if (a->len != b->len)
		return a->len < b->len;
	return row_cmp(a, b, (void *)(uintptr_t)t) < 0;
}

static inline void
row_swap(struct row *a, struct row *b)
{
	struct row x = *a;

	*a = *b;
	*b = x;
}

/*
 * Sorting a million rows is most of a load: a quicksort with the
 * comparison inlined takes a third of the time of qsort() calling
 * row_cmp.  Median of three keeps sorted and reversed input fast; past a
 * depth limit the rest goes to qsort_r, so no input is quadratic.
 */
static void
row_sort(const struct nettable *t, struct row *v, size_t n, int depth)
{
	while (n > 16) {
		struct row *m = &v[n / 2], *last = &v[n - 1], pivot;
		size_t i, j;

		if (depth-- == 0) {
			qsort_r(v, n, sizeof(*v), row_cmp,
			    (void *)(uintptr_t)t);
			return;
		}
		if (row_less(t, m, v))
			row_swap(m, v);
		if (row_less(t, last, m)) {
			row_swap(last, m);
			if (row_less(t, m, v))
				row_swap(m, v);
		}
		pivot = *m;
		i = 0;
		j = n - 1;
		for (;;) {
			while (row_less(t, &v[i], &pivot))
				i++;
			while (row_less(t, &pivot, &v[j]))
				j--;
			if (i >= j)
				break;
			row_swap(&v[i], &v[j]);
			i++;
			j--;
		}
		/* v[0..j] <= pivot <= v[j+1..]; recurse into the smaller. */
		if (j + 1 < n - j - 1) {
			row_sort(t, v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			row_sort(t, v + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct row x = v[i];
		size_t k = i;

		for (; k > 0 && row_less(t, &x, &v[k - 1]); k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

static uint32_t
node_new(struct nettable *t, uint64_t hi, uint64_t lo, unsigned len)
{
	struct node *n;

	if (t->nnodes == t->anodes) {
		t->anodes = t->anodes ? t->anodes * 2 : 1024;
		t->nodes = xrealloc(t->nodes, t->anodes * sizeof(*t->nodes));
	}
	n = &t->nodes[t->nnodes];
	memset(n, 0, sizeof(*n));
	n->hi = hi & mask_hi(len);
	n->lo = lo & mask_lo(len);
	n->len = len;
	return (uint32_t)t->nnodes++;
}

/*
 * The node for prefix (hi, lo)/len, created when absent.  Rows come in
 * sorted order, so consecutive inserts walk mostly the same, cached,
 * nodes.
 */
static uint32_t
insert(struct nettable *t, uint64_t hi, uint64_t lo, unsigned len)
{
	uint32_t n = 0, c, mid, leaf;
	unsigned b, cl;

	for (;;) {
		/* Here node n's prefix is a prefix of the key, and shorter. */
		if (t->nodes[n].len == len)
			return n;
		b = bit_at(hi, lo, t->nodes[n].len);
		if ((c = t->nodes[n].child[b]) == 0) {
			leaf = node_new(t, hi, lo, len);
			t->nodes[n].child[b] = leaf;
			return leaf;
		}
		cl = common_len(hi, lo, t->nodes[c].hi, t->nodes[c].lo);
		if (cl > len)
			cl = len;
		if (cl >= t->nodes[c].len) {
			n = c;
			continue;
		}
		/* The key leaves c's path at bit cl: a node goes between. */
		mid = node_new(t, hi, lo, cl);
		t->nodes[mid].child[bit_at(t->nodes[c].hi, t->nodes[c].lo,
		    cl)] = c;
		t->nodes[n].child[b] = mid;
		if (cl == len)
			return mid;
		leaf = node_new(t, hi, lo, len);
		t->nodes[mid].child[bit_at(hi, lo, cl)] = leaf;
		return leaf;
	}
}

/*
 * One prefix's rows, sorted by window start: refuse windows of two
 * customers that overlap, merge those of one customer, and attach the
 * result to node n.
 */
static enum rc
group(struct nettable *t, const struct row *r, size_t n, uint32_t node,
    size_t *dups, int *dup_line, struct err *e)
{
	const struct row *maxr = &r[0];
	struct span si, sm, sp;
	struct win *w;
	struct node *nd = &t->nodes[node];
	size_t i, first = t->nwins;
	char pfx[64];
	int overlap = 0;

	if (n == 1 && r[0].wref == NO_WINDOW) {
		nd->kind = NODE_DIRECT;
		nd->val = r[0].cust;
		return RC_OK;
	}
	for (i = 1; i < n; i++) {
		si = row_span(t, &r[i]);
		sm = row_span(t, maxr);
		sp = row_span(t, &r[i - 1]);
		/*
		 * Sorted by start, r[i] overlaps an earlier row only if it
		 * overlaps the one reaching furthest (maxr).  If that one is
		 * the same customer's while another customer's earlier row
		 * overlaps r[i], that row overlaps maxr too, and the pair was
		 * caught when the later of the two came by.
		 */
		if (si.from < sm.until && r[i].cust != maxr->cust) {
			const struct row *a = maxr->line < r[i].line ? maxr :
			    &r[i], *b = a == maxr ? &r[i] : maxr;
			struct prefix p;

			key_to(r[i].hi, r[i].lo, p.addr);
			p.len = r[i].len;
			prefix_format(&p, pfx, sizeof(pfx));
			if (t->te == NULL)
				return err_set(e, RC_FATAL, "%s:%d: prefix %s "
				    "for '%s' overlaps line %d, which gives it "
				    "to '%s' for an overlapping time", t->name,
				    b->line, pfx, strmap_key(&t->cust, b->cust),
				    a->line, strmap_key(&t->cust, a->cust));
			table_errs_add(t->te, "%s:%d: prefix %s for '%s' "
			    "overlaps line %d, which gives it to '%s' for an "
			    "overlapping time", t->name, b->line, pfx,
			    strmap_key(&t->cust, b->cust), a->line,
			    strmap_key(&t->cust, a->cust));
			overlap = 1;
		}
		if (si.from == sp.from && si.until == sp.until &&
		    r[i].cust == r[i - 1].cust) {
			if (*dups == 0 || r[i].line < *dup_line)
				*dup_line = r[i].line;
			(*dups)++;
		}
		if (si.until > sm.until)
			maxr = &r[i];
	}
	if (overlap)
		return err_set(e, RC_FATAL, "%s: overlapping prefixes",
		    t->name);
	for (i = 0; i < n; i++) {
		si = row_span(t, &r[i]);
		w = t->nwins > first ? &t->wins[t->nwins - 1] : NULL;
		/* No two customers overlap now: an overlapping or touching
		 * neighbour is the same customer's. */
		if (w != NULL && si.from <= w->until && r[i].cust == w->cust) {
			if (si.until > w->until)
				w->until = si.until;
			continue;
		}
		w = &t->wins[t->nwins++];
		w->from = si.from;
		w->until = si.until;
		w->cust = r[i].cust;
	}
	if (t->nwins - first > MAX_WINDOWS) {
		err_set(e, RC_FATAL, "%s:%d: more than %u rows for one prefix",
		    t->name, r[0].line, MAX_WINDOWS);
		if (t->te != NULL)
			table_errs_add(t->te, "%s", e->msg);
		return RC_FATAL;
	}
	w = &t->wins[first];
	if (t->nwins - first == 1 && w->from == NET_FOREVER_FROM &&
	    w->until == NET_FOREVER_UNTIL) {
		/* Repeated open-ended rows: one customer for all time. */
		nd->kind = NODE_DIRECT;
		nd->val = w->cust;
		t->nwins = first;
		return RC_OK;
	}
	nd->kind = NODE_WINDOWS;
	nd->val = (uint32_t)first;
	nd->nwin = (uint32_t)(t->nwins - first);
	return RC_OK;
}

enum rc
nettable_build(struct nettable *t, size_t *dups, int *dup_line,
    struct err *e)
{
	size_t i, j, ndup = 0, nw = 0;
	int dline = 0;
	uint32_t n;
	enum rc rc = RC_OK, failed = RC_OK;

	if (t->built)
		return RC_OK;
	for (i = 1; i < t->nrows; i++)
		if (row_cmp(&t->rows[i - 1], &t->rows[i], t) > 0)
			break;
	/* Tables are often written in address order already. */
	if (i < t->nrows)
		row_sort(t, t->rows, t->nrows, 64);
	/* Windows are needed for windowed rows and for repeated prefixes. */
	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].wref != NO_WINDOW || (i > 0 &&
		    t->rows[i].hi == t->rows[i - 1].hi &&
		    t->rows[i].lo == t->rows[i - 1].lo &&
		    t->rows[i].len == t->rows[i - 1].len))
			nw += 2;
	t->wins = xcalloc(nw ? nw : 1, sizeof(*t->wins));
	node_new(t, 0, 0, 0);
	for (i = 0; i < t->nrows; i = j) {
		for (j = i + 1; j < t->nrows && t->rows[j].hi ==
		    t->rows[i].hi && t->rows[j].lo == t->rows[i].lo &&
		    t->rows[j].len == t->rows[i].len; j++)
			;
		n = insert(t, t->rows[i].hi, t->rows[i].lo, t->rows[i].len);
		if ((rc = group(t, &t->rows[i], j - i, n, &ndup, &dline,
		    e)) != RC_OK) {
			/* Loading names every overlap (in t->te, as the
			 * prefix's error): the rest goes on. */
			if (t->te == NULL)
				goto out;
			failed = rc;
		}
		t->nprefixes++;
	}
	if ((rc = failed) != RC_OK)
		goto out;
	free(t->rows);
	free(t->rwin);
	t->rows = NULL;
	t->rwin = NULL;
	t->nrows = t->arows = t->nrwin = t->arwin = 0;
	if (t->nwins > 0)
		t->wins = xrealloc(t->wins, t->nwins * sizeof(*t->wins));
	t->nodes = xrealloc(t->nodes, t->nnodes * sizeof(*t->nodes));
	t->anodes = t->nnodes;
	t->built = 1;
	if (dups != NULL)
		*dups = ndup;
	if (dup_line != NULL)
		*dup_line = dline;
out:
	return rc;
}

/* The window of node n holding when, or NULL: a binary search, since a
 * node's windows are sorted and disjoint. */
static const struct win *
window_at(const struct nettable *t, const struct node *n, int64_t when)
{
	const struct win *w = &t->wins[n->val];
	size_t lo = 0, hi = n->nwin;

	/* The last window starting at or before when. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w[mid].from <= when)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || when >= w[lo - 1].until)
		return NULL;
	return &w[lo - 1];
}

int
nettable_lookup(const struct nettable *t, const uint8_t addr[16],
    int64_t when, struct net_hit *hit)
{
	static const struct win forever = { NET_FOREVER_FROM,
	    NET_FOREVER_UNTIL, 0 };
	const struct node *n, *best = NULL;
	const struct win *w, *bw = NULL;
	uint64_t hi, lo;
	uint32_t c;

	if (!t->built || t->nnodes == 0)
		return 0;
	key_of(addr, &hi, &lo);
	for (n = &t->nodes[0];;) {
		if (((hi ^ n->hi) & mask_hi(n->len)) != 0 ||
		    ((lo ^ n->lo) & mask_lo(n->len)) != 0)
			break;
		if (n->kind == NODE_DIRECT) {
			best = n;
			bw = &forever;
		} else if (n->kind == NODE_WINDOWS &&
		    (w = window_at(t, n, when)) != NULL) {
			best = n;
			bw = w;
		}
		if (n->len == 128 ||
		    (c = n->child[bit_at(hi, lo, n->len)]) == 0)
			break;
		n = &t->nodes[c];
	}
	if (best == NULL)
		return 0;
	hit->customer = strmap_key(&t->cust, best->kind == NODE_DIRECT ?
	    best->val : bw->cust);
	key_to(best->hi, best->lo, hit->prefix.addr);
	hit->prefix.len = (uint8_t)best->len;
	hit->from = bw->from;
	hit->until = bw->until;
	return 1;
}

size_t
nettable_prefixes(const struct nettable *t)
{
	return t->nprefixes;
}

size_t
nettable_rows(const struct nettable *t)
{
	return t->nread;
}

size_t
nettable_windows(const struct nettable *t)
{
	return t->nwins;
}

size_t
nettable_memory(const struct nettable *t)
{
	size_t m = t->anodes * sizeof(struct node) +
	    t->nwins * sizeof(struct win) + t->arows * sizeof(struct row) +
	    t->arwin * sizeof(struct span) +
	    t->cust.nslots * sizeof(struct strmap_slot) +
	    t->cust.alloc * sizeof(char *);
	size_t i;

	for (i = 0; i < strmap_count(&t->cust); i++)
		m += strlen(strmap_key(&t->cust, (uint32_t)i)) + 1;
	return m;
}

/* Reading a networks file. */

static const char *
net_row(void *arg, size_t ncols, char *const *cells, int line)
{
	static char msg[300];
	struct nettable *t = arg;
	struct prefix p;
	int64_t from = NET_FOREVER_FROM, until = NET_FOREVER_UNTIL;

	if (prefix_parse(cells[0], strlen(cells[0]), &p) < 0) {
		snprintf(msg, sizeof(msg), "'%.200s' is not a CIDR prefix "
		    "(address/length, host bits zero)", cells[0]);
		return msg;
	}
	if (!customer_valid(cells[1]))
		return "customer is empty, longer than 200 bytes or has "
		    "control characters";
	if (ncols > 2 && cells[2][0] != '\0' && table_time(cells[2], &from)) {
		snprintf(msg, sizeof(msg), "valid_from '%.100s' is not a date "
		    "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", cells[2]);
		return msg;
	}
	if (ncols > 3 && cells[3][0] != '\0' && table_time(cells[3], &until)) {
		snprintf(msg, sizeof(msg), "valid_until '%.100s' is not a "
		    "date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", cells[3]);
		return msg;
	}
	return nettable_add(t, &p, cells[1], from, until, line);
}

enum rc
nettable_read(struct nettable **tp, const char *path, struct table_errs *te)
{
	static const char *const cols[] = { "cidr", "customer", "valid_from",
	    "valid_until" };
	struct nettable *t = nettable_new(path);
	struct err be;
	size_t dups = 0;
	int dline = 0, before = te->n;

	t->nread = table_read_rows(path, cols, 2, 4, net_row, t, te);
	/* The rows taken are checked against each other even when others
	 * were refused, so that one load names every bad row. */
	t->te = te;
	if (nettable_build(t, &dups, &dline, &be) != RC_OK &&
	    te->n == before)
		table_errs_add(te, "%s", be.msg);
	t->te = NULL;
	if (te->n > before) {
		nettable_free(t);
		*tp = NULL;
		return RC_FATAL;
	}
	if (dups > 0)
		log_warn("%s:%d: %zu row%s repeated exactly; ignored", path,
		    dline, dups, dups == 1 ? "" : "s");
	*tp = t;
	return RC_OK;
}

enum rc
nettable_load(struct nettable **tp, const char *path, struct err *e)
{
	struct table_errs te;

	table_errs_init(&te, path, e);
	(void)nettable_read(tp, path, &te);
	return table_errs_end(&te);
}
