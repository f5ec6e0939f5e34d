/*
 * Checking a TLS server's certificate.  libetpan completes the handshake
 * without checking anything, so the chain it hands back is checked here
 * with GnuTLS, against the system's trust store or a CA file, and for the
 * host name that was asked for, before any credential is sent.
 */
#ifndef AC_TLS_H
#define AC_TLS_H

#include <stddef.h>

#include "util.h"

/* One certificate of the chain the server sent, DER encoded. */
struct tls_cert {
	const unsigned char	*der;
	size_t			 len;
};

/*
 * Check chain[0..n) (the server's own certificate first, then whatever
 * intermediates it sent, in any order) for host (a DNS name or a textual
 * IPv4/IPv6 address), trusting the CA certificates in ca_file (PEM) or,
 * when ca_file is NULL, the system's trust store.
 *
 * RC_OK when the chain leads to a trusted CA, every certificate is within
 * its validity period, the server certificate names host and may serve
 * TLS.  Otherwise RC_TEMP with a message that names every reason found:
 * "untrusted issuer", "expired", "not yet valid", "name mismatch", and
 * the rarer "revoked", "bad signature", "insecure algorithm", "not a TLS
 * server certificate".  A CA file (or trust store) that cannot be read
 * is RC_TEMP too: it stops this source, not the others.
 */
enum rc tls_verify(const struct tls_cert *chain, size_t n, const char *host,
    const char *ca_file, struct err *e);

#endif
