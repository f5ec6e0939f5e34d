/*
 * IP addresses and CIDR prefixes as bytes, and small host lists (names
 * and prefixes) such as trusted_hosts.
 */
#ifndef AC_NETADDR_H
#define AC_NETADDR_H

#include <stddef.h>
#include <stdint.h>

/* An address or prefix: IPv4 is stored as IPv4-mapped IPv6, so one
 * comparison serves both families. */
struct prefix {
	uint8_t		addr[16];
	uint8_t		len;		/* 0..128, counted on the mapped form */
};

/* "192.0.2.0/24", "2001:db8::/32" or a bare address (a host prefix).
 * Host bits must be zero.  Returns 0, or -1 when malformed. */
int prefix_parse(const char *s, size_t n, struct prefix *out);
/* A plain address, same encoding.  Returns 0 or -1. */
int addr_parse(const char *s, size_t n, uint8_t out[16]);
int prefix_contains(const struct prefix *p, const uint8_t addr[16]);
/* Back to text: "192.0.2.0/24", "2001:db8::/32". */
void prefix_format(const struct prefix *p, char *out, size_t outsz);

/* Host names (case-insensitive, exact) and prefixes. */
struct hostlist {
	char		**names;
	size_t		  nnames;
	struct prefix	 *prefixes;
	size_t		  nprefixes;
};

/* Add an entry: a prefix or address when it parses as one, else a name.
 * Returns -1 for an entry that is neither (empty, spaces). */
int hostlist_add(struct hostlist *h, const char *s);
void hostlist_release(struct hostlist *h);
int hostlist_empty(const struct hostlist *h);
/* 1 when the name or the address (either may be NULL or empty) is listed. */
int hostlist_match(const struct hostlist *h, const char *name,
    const char *ip);

#endif
