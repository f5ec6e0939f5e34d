#include "autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "util.h"

int
addr_parse(const char *s, size_t n, uint8_t out[16])
{
	char tmp[64];
	uint8_t v4[4];

	trim(&s, &n);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, tmp, out) == 1 ? 0 : -1;
}

static int
is_mapped(const uint8_t a[16])
{
	static const uint8_t m[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff };

	return memcmp(a, m, 12) == 0;
}

int
prefix_parse(const char *s, size_t n, struct prefix *out)
{
	const char *slash;
	long long len;
	char num[8];
	size_t i, an;
	int v4;

	trim(&s, &n);
	slash = memchr(s, '/', n);
	an = slash ? (size_t)(slash - s) : n;
	if (addr_parse(s, an, out->addr) < 0)
		return -1;
	/* The length counts bits of the address as written: "/24" after
	 * a dotted IPv4 address, "/120" after "::ffff:192.0.2.0". */
	v4 = memchr(s, ':', an) == NULL;
	if (slash == NULL) {
		out->len = 128;
		return 0;
	}
	i = n - (size_t)(slash + 1 - s);
	if (i == 0 || i >= sizeof(num))
		return -1;
	memcpy(num, slash + 1, i);
	num[i] = '\0';
	if (num[0] < '0' || num[0] > '9' ||
	    parse_ll(num, 0, v4 ? 32 : 128, &len) < 0)
		return -1;
	out->len = (uint8_t)(v4 ? len + 96 : len);
	/* Host bits set mean a typo more often than intent: refuse. */
	for (i = out->len; i < 128; i++)
		if (out->addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

int
prefix_contains(const struct prefix *p, const uint8_t addr[16])
{
	size_t full = p->len / 8, rest = p->len % 8;

	if (memcmp(p->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((p->addr[full] ^ addr[full]) & (0xff << (8 - rest))) == 0;
}

void
prefix_format(const struct prefix *p, char *out, size_t outsz)
{
	char a[64];

	if (is_mapped(p->addr) && p->len >= 96) {
		inet_ntop(AF_INET, p->addr + 12, a, sizeof(a));
		snprintf(out, outsz, "%s/%u", a, p->len - 96u);
	} else {
		inet_ntop(AF_INET6, p->addr, a, sizeof(a));
		snprintf(out, outsz, "%s/%u", a, (unsigned)p->len);
	}
}

int
hostlist_add(struct hostlist *h, const char *s)
{
	struct prefix p;
	size_t n = strlen(s), i;

	trim(&s, &n);
	if (n == 0)
		return -1;
	if (prefix_parse(s, n, &p) == 0) {
		h->prefixes = xrealloc(h->prefixes,
		    (h->nprefixes + 1) * sizeof(*h->prefixes));
		h->prefixes[h->nprefixes++] = p;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return -1;
	h->names = xrealloc(h->names, (h->nnames + 1) * sizeof(*h->names));
	h->names[h->nnames++] = xstrndup(s, n);
	return 0;
}

void
hostlist_release(struct hostlist *h)
{
	size_t i;

	for (i = 0; i < h->nnames; i++)
		free(h->names[i]);
	free(h->names);
	free(h->prefixes);
	memset(h, 0, sizeof(*h));
}

int
hostlist_empty(const struct hostlist *h)
{
	return h->nnames == 0 && h->nprefixes == 0;
}

int
hostlist_match(const struct hostlist *h, const char *name, const char *ip)
{
	uint8_t a[16];
	size_t i;

	if (name != NULL && *name != '\0')
		for (i = 0; i < h->nnames; i++)
			if (ascii_casecmp(h->names[i], name) == 0)
				return 1;
	if (ip != NULL && *ip != '\0' && addr_parse(ip, strlen(ip), a) == 0)
		for (i = 0; i < h->nprefixes; i++)
			if (prefix_contains(&h->prefixes[i], a))
				return 1;
	return 0;
}
