/*
 * Received fields: which host handed the message over at each hop.
 *
 * A receiving server writes down two things about its client: the name
 * the client gave in HELO or EHLO, which the client chooses freely, and
 * the address of the connection (with its reverse DNS name), which it
 * cannot choose.  Only the second may say where a message came from.
 * Each MTA puts them in its own places:
 *
 *   Postfix    from HELO (rdns [addr])            rdns may be "unknown"
 *   Sendmail   from HELO (rdns [addr] (may be forged)), from HELO ([addr])
 *   Gmail      from HELO (rdns. [addr]),  from HELO ([addr])
 *   Exchange   from HELO (addr) by HOST (addr)
 *   qmail      from rdns (HELO name) (addr), (ident@addr), (user@dom@addr)
 *   Exim       from [addr] (port=N helo=HELO), from rdns ([addr]:N helo=HELO)
 *              or, with $sender_fullhost, from rdns (HELO) [addr]
 *   CommuniGate  from [addr] (HELO name)
 *
 * Postfix lets the HELO text hold anything printable, spaces, brackets,
 * parentheses and the word "by" included, and puts it first, left of
 * what the server adds; Exim puts it last, inside its one comment.  So
 * the "by" clause is found from the right, the address of most MTAs is
 * the rightmost comment of a recorded shape, and Exim's (named in its
 * "by" clause) is read from the left.  A clause that names an address in
 * no recorded place gives none, and says so (from_unsure), rather than
 * one that may be the client's HELO.
 */
#include "autoconf.h"

#include <ctype.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define MAX_ITEMS	16	/* comments and words of a from clause */

/* One top-level part of a from clause: a comment (without its
 * parentheses) or a word. */
struct item {
	const char	*p;
	size_t		 n;
	int		 comment;
};

enum mta { MTA_OTHER, MTA_EXIM, MTA_QMAIL_SCANNER };

static int
space(char c)
{
	return isspace((unsigned char)c);
}

/* 1 when the word w (case-insensitive) stands at i, between white space
 * or the ends of (p, n). */
static int
word_is(const char *p, size_t n, size_t i, const char *w)
{
	size_t m;

	/* Most positions fail here: w is a lower-case word, and only its
	 * first letter in either case survives the | 0x20. */
	if (i >= n || (i > 0 && !space(p[i - 1])) ||
	    ((unsigned char)p[i] | 0x20) != (unsigned char)w[0])
		return 0;
	m = strlen(w);
	return i + m <= n && ascii_ncasecmp(p + i, w, m) == 0 &&
	    (i + m == n || space(p[i + m]));
}

/* The first word w outside comments in (p, n) from position from; n when
 * absent. */
static size_t
word_at(const char *p, size_t n, const char *w, size_t from)
{
	size_t i, depth = 0;

	for (i = from; i < n; i++) {
		if (p[i] == '(')
			depth++;
		else if (p[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0 && word_is(p, n, i, w))
			return i;
	}
	return n;
}

/*
 * The words that end the by clause, "with", "id" and "for", each the
 * first outside comments in (p, n) from position from (n when absent):
 * what word_at() gives for each, in one pass.
 */
static void
clause_ends(const char *p, size_t n, size_t from, size_t *with, size_t *id,
    size_t *fr)
{
	size_t i, depth = 0, left = 3;

	*with = *id = *fr = n;
	for (i = from; i < n && left > 0; i++) {
		if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')') {
			if (depth > 0)
				depth--;
		} else if (depth == 0) {
			switch ((unsigned char)p[i] | 0x20) {
			case 'w':
				if (*with == n && word_is(p, n, i, "with")) {
					*with = i;
					left--;
				}
				break;
			case 'i':
				if (*id == n && word_is(p, n, i, "id")) {
					*id = i;
					left--;
				}
				break;
			case 'f':
				if (*fr == n && word_is(p, n, i, "for")) {
					*fr = i;
					left--;
				}
				break;
			}
		}
	}
}

/* The last of c in [from, to) of p, or to. */
static size_t
last_of(const char *p, size_t from, size_t to, char c)
{
	size_t i;

	for (i = to; i > from; i--)
		if (p[i - 1] == c)
			return i - 1;
	return to;
}

/*
 * The "by" that starts the receiving server's clause: the last one
 * outside comments, quoted strings and <addresses>, since what a client
 * sends (HELO, envelope addresses) may hold the word too.  n when none.
 */
static size_t
by_from_right(const char *p, size_t n, size_t from)
{
	size_t i = n, depth = 0, open;

	while (i > from) {
		i--;
		if (p[i] == ')') {
			depth++;
		} else if (p[i] == '(') {
			if (depth > 0)
				depth--;
		} else if (depth == 0 && (p[i] == '>' || p[i] == '"')) {
			open = last_of(p, from, i, p[i] == '>' ? '<' : '"');
			if (open < i)
				i = open;
		} else if (depth == 0 && ((unsigned char)p[i] | 0x20) == 'b' &&
		    word_is(p, n, i, "by")) {
			return i;
		}
	}
	return n;
}

/* Length of the token at p: up to white space or a parenthesis. */
static size_t
toklen(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && !space(p[i]) && p[i] != '(' && p[i] != ')')
		i++;
	return i;
}

/* An address in [brackets], also "[192.0.2.1:4227]" with a port. */
static int
bracket_ip(const char *p, size_t n, char out[IP_STRLEN])
{
	const char *colon;

	if (ip_normalise(p, n, out))
		return 1;
	/* IPv4 with a port: exactly one colon, after a dotted quad. */
	if ((colon = memchr(p, ':', n)) != NULL && memchr(p, '.', n) != NULL &&
	    memchr(colon + 1, ':', n - (size_t)(colon + 1 - p)) == NULL)
		return ip_normalise(p, (size_t)(colon - p), out);
	return 0;
}

/* A token "[addr]", "[addr]:port" or "[addr:port]". */
static int
bracket_word(const char *p, size_t n, char out[IP_STRLEN])
{
	const char *rb;
	size_t i;

	if (n < 3 || p[0] != '[' || (rb = memchr(p, ']', n)) == NULL)
		return 0;
	i = (size_t)(rb - p) + 1;
	if (i < n) {
		if (p[i] != ':' || i + 1 == n)
			return 0;
		for (i++; i < n; i++)
			if (!isdigit((unsigned char)p[i]))
				return 0;
	}
	return bracket_ip(p + 1, (size_t)(rb - p) - 1, out);
}

/* A token that introduces the client's HELO argument. */
static int
helo_word(const char *p, size_t n)
{
	return ((n == 4 && (ascii_ncasecmp(p, "HELO", 4) == 0 ||
	    ascii_ncasecmp(p, "EHLO", 4) == 0 ||
	    ascii_ncasecmp(p, "LHLO", 4) == 0)) ||
	    has_prefix_ci(p, n, "helo=") || has_prefix_ci(p, n, "ehlo="));
}

/*
 * The address in a comment the receiving server wrote about the
 * connection: "[addr]..." (Exim, Sendmail, Gmail; a port and helo=
 * may follow), "name [addr]..." (Postfix, Sendmail, Gmail), or the
 * comment being only "addr" or "ident@addr" (qmail, Exchange).  Never a
 * comment that starts with HELO or helo=.
 */
static int
recorded(const char *p, size_t n, char out[IP_STRLEN])
{
	size_t k, i, k2;
	const char *at;

	trim(&p, &n);
	if (n == 0)
		return 0;
	k = toklen(p, n);
	if (k == 0 || helo_word(p, k))
		return 0;
	if (p[0] == '[')
		return bracket_word(p, k, out);
	if (k == n) {
		/* qmail: the ident or SMTP AUTH user comes before the last
		 * '@', and is the client's to choose. */
		for (at = p + n; at > p && at[-1] != '@'; at--)
			;
		return ip_normalise(at, n - (size_t)(at - p), out);
	}
	if (memchr(p, '[', k) != NULL || memchr(p, '=', k) != NULL)
		return 0;
	for (i = k; i < n && space(p[i]); i++)
		;
	k2 = toklen(p + i, n - i);
	return i < n && p[i] == '[' && bracket_word(p + i, k2, out);
}

/* A comment after "[addr]" that only annotates it: Exim's "port=N",
 * "helo=..." and "ident=...", CommuniGate's "(HELO name)". */
static int
exim_comment(const char *p, size_t n)
{
	trim(&p, &n);
	return has_prefix_ci(p, n, "port=") || has_prefix_ci(p, n, "helo=") ||
	    has_prefix_ci(p, n, "ident=") || helo_word(p, toklen(p, n));
}

/*
 * The top-level parts of a from clause, from the right: it[0] is the
 * last.  *whole is 1 when they reach the clause's start; a parenthesis
 * without its partner (a client's HELO can hold one) stops them.
 */
static size_t
items_rtl(const char *p, size_t n, struct item *it, int *whole)
{
	size_t e = n, cnt = 0, depth, i;

	*whole = 0;
	for (;;) {
		while (e > 0 && space(p[e - 1]))
			e--;
		if (e == 0) {
			*whole = 1;
			return cnt;
		}
		if (cnt == MAX_ITEMS || p[e - 1] == '(')
			return cnt;
		if (p[e - 1] == ')') {
			depth = 0;
			for (i = e; i-- > 0;) {
				if (p[i] == ')')
					depth++;
				else if (p[i] == '(' && --depth == 0)
					break;
			}
			if (depth != 0)
				return cnt;
			it[cnt].p = p + i + 1;
			it[cnt].n = e - i - 2;
			it[cnt].comment = 1;
		} else {
			i = e;
			while (i > 0 && !space(p[i - 1]) && p[i - 1] != '(' &&
			    p[i - 1] != ')')
				i--;
			it[cnt].p = p + i;
			it[cnt].n = e - i;
			it[cnt].comment = 0;
		}
		e = i;
		cnt++;
	}
}

/*
 * Exim: "[addr] (port=N helo=...)" or "rdns ([addr]:port helo=...)"
 * ($sender_rcvhost), a clause ending in "[addr]" ($sender_fullhost), or
 * "helo (rdns [addr])" from a received_header_text of one's own.  Read
 * from the left: Exim puts the client's HELO after the address.
 */
static int
exim_addr(const char *p, size_t n, const struct item *it, size_t cnt,
    char out[IP_STRLEN])
{
	const char *c = NULL;
	size_t k, i, e = n, depth;

	k = toklen(p, n);
	for (i = k; i < n && space(p[i]); i++)
		;
	if (i < n && p[i] == '(') {
		for (e = ++i, depth = 1; e < n; e++) {
			if (p[e] == '(')
				depth++;
			else if (p[e] == ')' && --depth == 0)
				break;
		}
		c = p + i;
	}
	if (bracket_word(p, k, out) && (c == NULL || exim_comment(c, e - i)))
		return 1;
	/* $sender_rcvhost always ends in its comment's ')'. */
	if (k < n && cnt > 0 && !it[0].comment &&
	    bracket_word(it[0].p, it[0].n, out))
		return 1;
	return c != NULL && recorded(c, e - i, out);
}

/* Every other MTA: see the top of the file. */
static int
other_addr(const struct item *it, size_t cnt, int whole, enum mta mta,
    char out[IP_STRLEN])
{
	char tmp[IP_STRLEN];
	size_t k, j;

	for (k = 0; k < cnt; k++) {
		if (!it[k].comment || !recorded(it[k].p, it[k].n, out))
			continue;
		/* "(HELO) [addr]" is Exim's $sender_fullhost: which of
		 * the two the server recorded is not for us to guess. */
		for (j = 0; j < k; j++)
			if (!it[j].comment &&
			    bracket_word(it[j].p, it[j].n, tmp))
				return 0;
		return 1;
	}
	if (cnt == 0)
		return 0;
	/* "name [addr]": the server's address after the client's name. */
	if (!it[0].comment && (cnt >= 2 || !whole) &&
	    bracket_word(it[0].p, it[0].n, out))
		return 1;
	/* Exim not named in the by clause: "[addr] (port=N helo=...)";
	 * CommuniGate: "[addr] (HELO name)". */
	if (whole && cnt >= 2 && !it[cnt - 1].comment &&
	    bracket_word(it[cnt - 1].p, it[cnt - 1].n, out)) {
		for (j = 0; j + 1 < cnt; j++)
			if (!it[j].comment || !exim_comment(it[j].p, it[j].n))
				return 0;
		return 1;
	}
	/* qmail-scanner writes the connecting address alone. */
	if (mta == MTA_QMAIL_SCANNER && whole && cnt == 1 &&
	    ip_normalise(it[0].p, it[0].n, out))
		return 1;
	return 0;
}

/* Whether a from clause without a recorded address still names one
 * outside the client's HELO argument. */
static int
names_address(const char *p, size_t n)
{
	char copy[1024], ip[IP_STRLEN];
	size_t i, k, depth;

	if (n >= sizeof(copy))
		return 1;
	memcpy(copy, p, n);
	for (i = 0; i < n; i++) {
		if (i > 0 && !space(copy[i - 1]) && copy[i - 1] != '(')
			continue;
		k = toklen(copy + i, n - i);
		if (!helo_word(copy + i, k))
			continue;
		if (k > 4 && copy[i + 4] == '=') {
			memset(copy + i, ' ', k);
			continue;
		}
		/* "(HELO name)": blank to the end of the comment. */
		for (depth = 0; i < n; i++) {
			if (copy[i] == '(')
				depth++;
			else if (copy[i] == ')' && depth-- == 0)
				break;
			copy[i] = ' ';
		}
	}
	return ip_find(copy, n, ip);
}

/* The MTA that wrote the by clause at (p, n), whose words "with", "id"
 * and "for" stand at with, id and fr (n when absent; clause_ends()). */
static enum mta
mta_of(const char *p, size_t n, size_t with, size_t id, size_t fr)
{
	const char *env;
	size_t end = n, k;

	if (id < end)
		end = id;
	if (fr < end)
		end = fr;
	if (with < end) {
		for (k = with + 4; k < end && space(p[k]); k++)
			;
		if (has_prefix_ci(p + k, end - k, "qmail-scanner"))
			return MTA_QMAIL_SCANNER;
	}
	/* Exim names itself before the client's envelope sender. */
	if ((env = memcasemem(p, end, "(envelope-from")) != NULL)
		end = (size_t)(env - p);
	return memcasemem(p, end, "(Exim ") != NULL ? MTA_EXIM : MTA_OTHER;
}

static void
from_clause(const char *p, size_t n, enum mta mta, struct received *r)
{
	struct item it[MAX_ITEMS];
	size_t cnt, k;
	int whole, found;

	trim(&p, &n);
	k = toklen(p, n);
	if (k >= sizeof(r->from_host))
		k = sizeof(r->from_host) - 1;
	memcpy(r->from_host, p, k);
	r->from_host[k] = '\0';
	cnt = items_rtl(p, n, it, &whole);
	if (mta == MTA_EXIM)
		found = exim_addr(p, n, it, cnt, r->from_ip);
	else
		found = other_addr(it, cnt, whole, mta, r->from_ip);
	if (!found) {
		r->from_ip[0] = '\0';
		r->from_unsure = names_address(p, n);
	}
}

/* The receiving server's own address, which it writes itself. */
static void
by_clause_ip(const char *p, size_t n, char out[IP_STRLEN])
{
	const char *lb, *rb, *lp, *rp;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '[')
			continue;
		lb = p + i;
		if ((rb = memchr(lb, ']', n - i)) != NULL &&
		    bracket_ip(lb + 1, (size_t)(rb - lb) - 1, out))
			return;
	}
	for (lp = memchr(p, '(', n); lp != NULL;
	    lp = memchr(lp + 1, '(', n - (size_t)(lp + 1 - p))) {
		if ((rp = memchr(lp, ')', n - (size_t)(lp - p))) != NULL &&
		    ip_normalise(lp + 1, (size_t)(rp - lp) - 1, out))
			return;
	}
	if (!ip_find(p, n, out))
		out[0] = '\0';
}

int
received_parse(const char *p, size_t n, struct received *r)
{
	size_t from, by, end, k, s, with, id, fr;
	enum mta mta = MTA_OTHER;

	memset(r, 0, sizeof(*r));
	/* The date follows the last ';'; one before it may be the
	 * client's (HELO, recipient). */
	if ((k = last_of(p, 0, n, ';')) < n)
		n = k;
	trim(&p, &n);
	from = word_is(p, n, 0, "from") ? 4 : n;
	by = by_from_right(p, n, from < n ? from : 0);
	if (by == n)
		by = word_at(p, n, "by", from < n ? from : 0);
	if (from == n && by == n)
		return -1;
	if (by < n) {
		for (s = by + 2; s < n && space(p[s]); s++)
			;
		k = toklen(p + s, n - s);
		if (k >= sizeof(r->by_host))
			k = sizeof(r->by_host) - 1;
		memcpy(r->by_host, p + s, k);
		r->by_host[k] = '\0';
		clause_ends(p, n, s, &with, &id, &fr);
		mta = mta_of(p + s, n - s, with - s, id - s, fr - s);
		end = with;
		if (id < end)
			end = id;
		if (fr < end)
			end = fr;
		by_clause_ip(p + s, end - s, r->by_ip);
		if (r->by_ip[0] == '\0')
			ip_normalise(r->by_host, strlen(r->by_host), r->by_ip);
	}
	if (from < n)
		from_clause(p + from, (by < n ? by : n) - from, mta, r);
	return 0;
}
