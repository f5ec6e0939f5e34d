#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "bounds.h"
#include "tls.h"

/* Reasons, most useful first: the message is cut at struct err's size. */
static void
next_reason(struct buf *b)
{
	if (b->len > 0)
		buf_addstr(b, "; ");
}

/* The certificate's issuer DN, shortened to fit a message. */
static void
issuer_of(gnutls_x509_crt_t crt, char *out, size_t outsz)
{
	size_t n = outsz;

	if (gnutls_x509_crt_get_issuer_dn(crt, out, &n) < 0)
		snprintf(out, outsz, "?");
}

static void
day_of_time(time_t t, char out[11])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "?");
}

/* The DNS and IP names the certificate is for, "a, b, c". */
static void
names_of(gnutls_x509_crt_t crt, char *out, size_t outsz)
{
	struct buf b;
	unsigned int i;
	char name[256];
	size_t n;
	int type;

	buf_init(&b, outsz - 1);
	for (i = 0; i < 8; i++) {
		unsigned char raw[16];

		n = sizeof(name);
		type = gnutls_x509_crt_get_subject_alt_name(crt, i, name, &n,
		    NULL);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type != GNUTLS_SAN_DNSNAME && (type != GNUTLS_SAN_IPADDRESS ||
		    (n != 4 && n != 16)))
			continue;
		if (b.len > 0)
			buf_addstr(&b, ", ");
		if (type == GNUTLS_SAN_DNSNAME) {
			buf_add(&b, name, strnlen(name, n));
		} else {
			memcpy(raw, name, n);
			if (n == 4)
				buf_addf(&b, "%u.%u.%u.%u", raw[0], raw[1],
				    raw[2], raw[3]);
			else
				buf_addstr(&b, "(IPv6 address)");
		}
	}
	if (b.len == 0) {
		n = sizeof(name);
		if (gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, 0, 0, name, &n) == 0)
			buf_addf(&b, "CN %s", name);
		else
			buf_addstr(&b, "no names");
	}
	snprintf(out, outsz, "%s", b.data);
	buf_release(&b);
}

/* Load the trust anchors: ca_file, or the system's store. */
static enum rc
load_trust(gnutls_x509_trust_list_t tl, const char *ca_file, struct err *e)
{
	int r;

	if (ca_file != NULL) {
		r = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
		if (r < 0)
			return err_set(e, RC_TEMP, "ca_file %s: %s", ca_file,
			    gnutls_strerror(r));
		if (r == 0)
			return err_set(e, RC_TEMP, "ca_file %s holds no PEM "
			    "certificate", ca_file);
		return RC_OK;
	}
	r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (r <= 0)
		return err_set(e, RC_TEMP, "the system's trust store is "
		    "empty or unreadable (%s); install ca-certificates or set "
		    "ca_file", r < 0 ? gnutls_strerror(r) : "no certificates");
	return RC_OK;
}

/* Reasons that need no detail. */
static const struct {
	unsigned int	 flag;
	const char	*text;
} simple[] = {
	{ GNUTLS_CERT_SIGNER_NOT_CA, "issuer is not a CA" },
	{ GNUTLS_CERT_REVOKED, "revoked" },
	{ GNUTLS_CERT_SIGNATURE_FAILURE, "bad signature" },
	{ GNUTLS_CERT_INSECURE_ALGORITHM, "insecure algorithm" },
	{ GNUTLS_CERT_PURPOSE_MISMATCH, "not a TLS server certificate" },
};

enum rc
tls_verify(const struct tls_cert *chain, size_t n, const char *host,
    const char *ca_file, struct err *e)
{
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_crt_t crt[MAX_TLS_CHAIN];
	gnutls_typed_vdata_st vdata[2];
	struct buf why;
	char text[200], day[11];
	unsigned int status = 0, left;
	size_t i, ncrt = 0;
	time_t now = time(NULL), t;
	enum rc rc = RC_OK;
	int r;

	buf_init(&why, sizeof(e->msg));
	if (n == 0) {
		rc = err_set(e, RC_TEMP, "the server sent no certificate");
		goto out;
	}
	if (n > MAX_TLS_CHAIN)
		n = MAX_TLS_CHAIN;	/* the rest cannot be needed */
	for (i = 0; i < n; i++) {
		gnutls_datum_t d;

		d.data = (unsigned char *)(uintptr_t)chain[i].der;
		d.size = (unsigned int)chain[i].len;
		if (gnutls_x509_crt_init(&crt[ncrt]) < 0)
			abort();
		if ((r = gnutls_x509_crt_import(crt[ncrt], &d,
		    GNUTLS_X509_FMT_DER)) < 0) {
			gnutls_x509_crt_deinit(crt[ncrt]);
			if (i == 0) {
				rc = err_set(e, RC_TEMP, "the server's "
				    "certificate cannot be read: %s",
				    gnutls_strerror(r));
				goto out;
			}
			continue;	/* a broken extra is ignored */
		}
		ncrt++;
	}
	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		abort();
	if ((rc = load_trust(tl, ca_file, e)) != RC_OK)
		goto out;
	vdata[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vdata[0].data = (unsigned char *)(uintptr_t)host;
	vdata[0].size = 0;
	vdata[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata[1].data = (unsigned char *)(uintptr_t)GNUTLS_KP_TLS_WWW_SERVER;
	vdata[1].size = 0;
	r = gnutls_x509_trust_list_verify_crt2(tl, crt, (unsigned int)ncrt,
	    vdata, 2, 0, &status, NULL);
	if (r < 0) {
		rc = err_set(e, RC_TEMP, "certificate check failed: %s",
		    gnutls_strerror(r));
		goto out;
	}
	/*
	 * GnuTLS stops at the first broken link, so the server certificate's
	 * own dates and name are checked here as well: an operator fixing
	 * one problem should learn about the next one in the same run.
	 */
	if ((t = gnutls_x509_crt_get_expiration_time(crt[0])) != (time_t)-1 &&
	    t < now)
		status |= GNUTLS_CERT_EXPIRED;
	if ((t = gnutls_x509_crt_get_activation_time(crt[0])) != (time_t)-1 &&
	    t > now)
		status |= GNUTLS_CERT_NOT_ACTIVATED;
	if (!gnutls_x509_crt_check_hostname2(crt[0], host, 0))
		status |= GNUTLS_CERT_UNEXPECTED_OWNER;
	if (status == 0)
		goto out;
	left = status & ~(unsigned int)GNUTLS_CERT_INVALID;
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		issuer_of(crt[ncrt - 1], text, 120);
		next_reason(&why);
		buf_addf(&why, "untrusted issuer '%s'", text);
	}
	if (status & GNUTLS_CERT_EXPIRED) {
		day_of_time(gnutls_x509_crt_get_expiration_time(crt[0]), day);
		next_reason(&why);
		buf_addf(&why, "expired (not after %s)", day);
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED) {
		day_of_time(gnutls_x509_crt_get_activation_time(crt[0]), day);
		next_reason(&why);
		buf_addf(&why, "not yet valid (not before %s)", day);
	}
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
		names_of(crt[0], text, 100);
		next_reason(&why);
		buf_addf(&why, "name mismatch (certificate is for %s, not %s)",
		    text, host);
	}
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (status & simple[i].flag) {
			next_reason(&why);
			buf_addstr(&why, simple[i].text);
		}
	left &= ~(unsigned int)(GNUTLS_CERT_SIGNER_NOT_FOUND |
	    GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_EXPIRED |
	    GNUTLS_CERT_NOT_ACTIVATED | GNUTLS_CERT_UNEXPECTED_OWNER |
	    GNUTLS_CERT_REVOKED | GNUTLS_CERT_SIGNATURE_FAILURE |
	    GNUTLS_CERT_INSECURE_ALGORITHM | GNUTLS_CERT_PURPOSE_MISMATCH);
	if (left != 0 || why.len == 0) {
		snprintf(text, sizeof(text), "rejected (GnuTLS status 0x%x)",
		    status);
		next_reason(&why);
		buf_addf(&why, "%s", text);
	}
	rc = err_set(e, RC_TEMP, "TLS certificate not accepted: %s",
	    why.data);
out:
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (i = 0; i < ncrt; i++)
		gnutls_x509_crt_deinit(crt[i]);
	buf_release(&why);
	return rc;
}
