/*
 * tls.c: certificate chains made here with GnuTLS (CAs, an intermediate,
 * server certificates with good and bad names, dates and purposes) are
 * checked as a server would present them, and each refusal must name its
 * reason.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap.h"
#include "tls.h"
#include "util.h"

struct cert {
	gnutls_x509_crt_t	crt;
	gnutls_x509_privkey_t	key;
	gnutls_datum_t		der;
};

#define DAY	(24 * 3600)

/*
 * A certificate for cn, valid from now + from days to now + until days,
 * signed by issuer (NULL: by itself).  ca: may sign others.  names:
 * DNS names and dotted IPv4 addresses, comma-separated.  server: has the
 * TLS server purpose (else e-mail protection only).
 */
static void
make(struct cert *c, const char *cn, const struct cert *issuer, int ca,
    const char *names, int server, long from, long until)
{
	static unsigned char serial = 1;
	time_t now = time(NULL);
	unsigned char id[20];
	size_t idlen = sizeof(id);
	char list[256], *n, *save;

	if (gnutls_x509_privkey_init(&c->key) < 0 ||
	    gnutls_x509_privkey_generate(c->key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&c->crt) < 0)
		abort();
	gnutls_x509_crt_set_version(c->crt, 3);
	serial++;
	gnutls_x509_crt_set_serial(c->crt, &serial, 1);
	gnutls_x509_crt_set_activation_time(c->crt, now + from * DAY);
	gnutls_x509_crt_set_expiration_time(c->crt, now + until * DAY);
	gnutls_x509_crt_set_dn_by_oid(c->crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    cn, (unsigned int)strlen(cn));
	gnutls_x509_crt_set_key(c->crt, c->key);
	gnutls_x509_crt_set_basic_constraints(c->crt, ca, -1);
	gnutls_x509_crt_set_key_usage(c->crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN |
	    GNUTLS_KEY_CRL_SIGN : GNUTLS_KEY_DIGITAL_SIGNATURE);
	if (!ca)
		gnutls_x509_crt_set_key_purpose_oid(c->crt, server ?
		    GNUTLS_KP_TLS_WWW_SERVER : GNUTLS_KP_EMAIL_PROTECTION, 0);
	if (gnutls_x509_crt_get_key_id(c->crt, 0, id, &idlen) >= 0)
		gnutls_x509_crt_set_subject_key_id(c->crt, id, idlen);
	if (names != NULL) {
		snprintf(list, sizeof(list), "%s", names);
		for (n = strtok_r(list, ",", &save); n != NULL;
		    n = strtok_r(NULL, ",", &save)) {
			unsigned int a, b, cc, d;

			if (sscanf(n, "%u.%u.%u.%u", &a, &b, &cc, &d) == 4) {
				unsigned char ip[4] = { (unsigned char)a,
				    (unsigned char)b, (unsigned char)cc,
				    (unsigned char)d };

				gnutls_x509_crt_set_subject_alt_name(c->crt,
				    GNUTLS_SAN_IPADDRESS, ip, 4,
				    GNUTLS_FSAN_APPEND);
			} else {
				gnutls_x509_crt_set_subject_alt_name(c->crt,
				    GNUTLS_SAN_DNSNAME, n,
				    (unsigned int)strlen(n),
				    GNUTLS_FSAN_APPEND);
			}
		}
	}
	if (issuer != NULL) {
		idlen = sizeof(id);
		if (gnutls_x509_crt_get_subject_key_id(issuer->crt, id, &idlen,
		    NULL) >= 0)
			gnutls_x509_crt_set_authority_key_id(c->crt, id, idlen);
	}
	if (gnutls_x509_crt_sign2(c->crt, issuer ? issuer->crt : c->crt,
	    issuer ? issuer->key : c->key, GNUTLS_DIG_SHA256, 0) < 0 ||
	    gnutls_x509_crt_export2(c->crt, GNUTLS_X509_FMT_DER, &c->der) < 0)
		abort();
}

static void
release(struct cert *c)
{
	gnutls_free(c->der.data);
	gnutls_x509_crt_deinit(c->crt);
	gnutls_x509_privkey_deinit(c->key);
}

/* The PEM of c in a new temporary file, whose name is returned. */
static char *
pem_file(const struct cert *c)
{
	gnutls_datum_t pem;
	char *path = xstrdup("/tmp/ac-tls-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || gnutls_x509_crt_export2(c->crt, GNUTLS_X509_FMT_PEM,
	    &pem) < 0 || write(fd, pem.data, pem.size) != (ssize_t)pem.size)
		abort();
	close(fd);
	gnutls_free(pem.data);
	return path;
}

int
main(void)
{
	struct cert ca, other, inter, good, ipc, wild, expired, future, mail,
	    byinter, byother, worst;
	char *ca_file, *other_file;
	size_t i;

	make(&ca, "Test Root CA", NULL, 1, NULL, 0, -1, 30);
	make(&other, "Other CA", NULL, 1, NULL, 0, -1, 30);
	make(&inter, "Test Intermediate", &ca, 1, NULL, 0, -1, 30);
	make(&good, "localhost", &ca, 0, "localhost,127.0.0.1", 1, -1, 30);
	make(&ipc, "192.0.2.7", &ca, 0, "192.0.2.7", 1, -1, 30);
	make(&wild, "wildcard", &ca, 0, "*.example.test", 1, -1, 30);
	make(&expired, "localhost", &ca, 0, "localhost", 1, -40, -10);
	make(&future, "localhost", &ca, 0, "localhost", 1, 10, 40);
	make(&mail, "localhost", &ca, 0, "localhost", 0, -1, 30);
	make(&byinter, "imap.example.test", &inter, 0, "imap.example.test", 1,
	    -1, 30);
	make(&byother, "localhost", &other, 0, "localhost", 1, -1, 30);
	make(&worst, "old.example.test", &other, 0, "old.example.test", 1,
	    -40, -10);
	ca_file = pem_file(&ca);
	other_file = pem_file(&other);

	{
		const struct {
			const char		*what;
			const struct cert	*chain[3];
			const char		*host;
			const char		*ca_file;
			/* NULL: accepted; else parts of the message,
			 * separated by '|'. */
			const char		*want;
		} t[] = {
			{ "a server certificate for its name",
			    { &good }, "localhost", ca_file, NULL },
			{ "its IP address",
			    { &good }, "127.0.0.1", ca_file, NULL },
			{ "an IP-only certificate",
			    { &ipc }, "192.0.2.7", ca_file, NULL },
			{ "a wildcard, one label",
			    { &wild }, "mail.example.test", ca_file, NULL },
			{ "through an intermediate",
			    { &byinter, &inter }, "imap.example.test", ca_file,
			    NULL },
			{ "with an unrelated certificate in between",
			    { &byinter, &other, &inter }, "imap.example.test",
			    ca_file, NULL },
			{ "another CA file",
			    { &byother }, "localhost", other_file, NULL },
			{ "another name",
			    { &good }, "mail.example.net", ca_file,
			    "name mismatch (certificate is for localhost, "
			    "127.0.0.1, not mail.example.net)" },
			{ "another address",
			    { &good }, "127.0.0.2", ca_file, "name mismatch" },
			{ "a wildcard, two labels",
			    { &wild }, "a.b.example.test", ca_file,
			    "name mismatch (certificate is for *.example.test" },
			{ "an unknown CA",
			    { &byother }, "localhost", ca_file,
			    "untrusted issuer 'CN=Other CA'" },
			{ "a self-signed CA as the server",
			    { &other }, "localhost", ca_file,
			    "untrusted issuer 'CN=Other CA'" },
			{ "the intermediate not sent",
			    { &byinter }, "imap.example.test", ca_file,
			    "untrusted issuer 'CN=Test Intermediate'" },
			{ "expired",
			    { &expired }, "localhost", ca_file,
			    "expired (not after " },
			{ "not yet valid",
			    { &future }, "localhost", ca_file,
			    "not yet valid (not before " },
			{ "for e-mail, not for TLS servers",
			    { &mail }, "localhost", ca_file,
			    "not a TLS server certificate" },
			{ "every reason at once",
			    { &worst }, "localhost", ca_file,
			    "untrusted issuer|expired|name mismatch" },
			{ "a CA file that is not there",
			    { &good }, "localhost", "/nonexistent/ca.pem",
			    "ca_file /nonexistent/ca.pem" },
			{ "the system store does not know the test CA",
			    { &good }, "localhost", NULL, "" },
		};

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			struct tls_cert chain[3];
			struct err e = { RC_OK, "" };
			size_t n = 0;
			enum rc rc;

			while (n < 3 && t[i].chain[n] != NULL) {
				chain[n].der = t[i].chain[n]->der.data;
				chain[n].len = t[i].chain[n]->der.size;
				n++;
			}
			rc = tls_verify(chain, n, t[i].host, t[i].ca_file, &e);
			if (t[i].want == NULL) {
				ok(rc == RC_OK, "%s: accepted (%s)", t[i].what,
				    e.msg);
			} else {
				char parts[256], *p, *save;
				int all = rc == RC_TEMP;

				snprintf(parts, sizeof(parts), "%s",
				    t[i].want);
				for (p = strtok_r(parts, "|", &save); p;
				    p = strtok_r(NULL, "|", &save))
					all = all && strstr(e.msg, p) != NULL;
				ok(all, "%s: refused: %s", t[i].what, e.msg);
			}
		}
	}
	{
		struct tls_cert junk = { (const unsigned char *)"not DER", 7 };
		struct err e = { RC_OK, "" };

		ok(tls_verify(&junk, 1, "localhost", ca_file, &e) == RC_TEMP &&
		    strstr(e.msg, "cannot be read") != NULL,
		    "a certificate that is not DER: %s", e.msg);
		ok(tls_verify(NULL, 0, "localhost", ca_file, &e) == RC_TEMP &&
		    strstr(e.msg, "no certificate") != NULL,
		    "no certificate at all: %s", e.msg);
	}
	unlink(ca_file);
	unlink(other_file);
	free(ca_file);
	free(other_file);
	release(&ca);
	release(&other);
	release(&inter);
	release(&good);
	release(&ipc);
	release(&wild);
	release(&expired);
	release(&future);
	release(&mail);
	release(&byinter);
	release(&byother);
	release(&worst);
	return tap_done();
}
