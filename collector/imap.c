#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "imap.h"
#include "log.h"
#include "secret.h"
#include "tls.h"

void
imap_mark(struct imap_session *is)
{
	is->since_ms = mono_ms();
}

/* The server has said nothing for the whole timeout since imap_mark (a
 * quarter of a second early: the stream gives up on time, not after). */
static int
waited_out(const struct imap_session *is)
{
	return is->since_ms != 0 &&
	    mono_ms() - is->since_ms >= is->s->timeout * 1000 - 250;
}

static int
is_ip_literal(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/*
 * The addresses of host:port, looked up within timeout seconds (a name
 * server that does not answer would otherwise hold the run for as long
 * as the system's resolver settings say).  A lookup that has not ended
 * by then is cancelled; one that cannot be cancelled goes on in glibc's
 * own thread, with its request kept in abandoned so that it stays valid.
 * -1 with the reason in why.
 */
struct lookup {
	struct gaicb	 cb;
	struct addrinfo	 hints;
	char		 port[8];
	char		*host;
	struct lookup	*next;
};
static struct lookup *abandoned;

static int
lookup(const char *host, long port, long long deadline, long timeout,
    struct addrinfo **res, char *why, size_t whysz)
{
	struct lookup *l = xcalloc(1, sizeof(*l));
	struct gaicb *list[1] = { &l->cb };
	struct timespec ts;
	long long left;
	int r;

	*res = NULL;
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	snprintf(l->port, sizeof(l->port), "%ld", port);
	l->host = xstrdup(host);
	l->cb.ar_name = l->host;
	l->cb.ar_service = l->port;
	l->cb.ar_request = &l->hints;
	if ((r = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL)) != 0) {
		snprintf(why, whysz, "cannot resolve the host: %s",
		    gai_strerror(r));
		goto done;
	}
	do {
		left = deadline - mono_ms();
		ts.tv_sec = left > 0 ? left / 1000 : 0;
		ts.tv_nsec = left > 0 ? left % 1000 * 1000000 : 0;
	} while (gai_suspend((const struct gaicb *const *)list, 1, &ts) ==
	    EAI_INTR);
	if ((r = gai_error(&l->cb)) == EAI_INPROGRESS) {
		snprintf(why, whysz, "cannot resolve the host: no answer "
		    "within %ld s", timeout);
		if (gai_cancel(&l->cb) != EAI_CANCELED) {
			l->next = abandoned;
			abandoned = l;
			return -1;
		}
		goto done;
	}
	if (r != 0) {
		snprintf(why, whysz, "cannot resolve the host: %s",
		    gai_strerror(r));
		goto done;
	}
	*res = l->cb.ar_result;
done:
	free(l->host);
	free(l);
	return *res != NULL ? 0 : -1;
}

/*
 * A TCP connection to host:port within timeout seconds (the lookup
 * included), trying each address in turn; the descriptor is blocking,
 * as libetpan expects.  -1 with the reason in why.
 */
static int
tcp_connect(const char *host, long port, long timeout, char *why,
    size_t whysz)
{
	struct addrinfo *res = NULL, *ai;
	long long deadline = mono_ms() + timeout * 1000;
	int fd = -1, r, soerr, flags;
	socklen_t len;

	if (lookup(host, port, deadline, timeout, &res, why, whysz) < 0)
		return -1;
	snprintf(why, whysz, "no address");
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct pollfd pfd;
		long long left = deadline - mono_ms();

		if (left <= 0) {
			snprintf(why, whysz, "connection timed out after "
			    "%ld s", timeout);
			break;
		}
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			snprintf(why, whysz, "socket: %s", strerror(errno));
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
		    errno != EINPROGRESS) {
			snprintf(why, whysz, "cannot connect: %s",
			    strerror(errno));
			goto next;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			r = poll(&pfd, 1, (int)left);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			snprintf(why, whysz, "connection timed out after "
			    "%ld s", timeout);
			goto next;
		}
		len = sizeof(soerr);
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
		    &len) != 0 || soerr != 0) {
			snprintf(why, whysz, "cannot connect: %s",
			    strerror(r < 0 ? errno : soerr));
			goto next;
		}
		if ((flags = fcntl(fd, F_GETFL)) < 0 ||
		    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
			snprintf(why, whysz, "fcntl: %s", strerror(errno));
			goto next;
		}
		break;
next:
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Server Name Indication, for servers with a certificate per name. */
static void
sni_callback(struct mailstream_ssl_context *ctx, void *data)
{
	const char *host = data;

	if (!is_ip_literal(host))
		mailstream_ssl_set_server_name(ctx, (char *)(uintptr_t)host);
}

/* The certificate chain of stream, checked for the source's host. */
static enum rc
check_certificate(struct imap_session *is, mailstream *stream, struct err *e)
{
	const struct source_conf *s = is->s;
	struct tls_cert certs[MAX_TLS_CHAIN];
	unsigned char *leaf = NULL;
	carray *chain = NULL;
	size_t n = 0;
	unsigned int i;
	enum rc rc;

	/* The chain call is only safe once a certificate is known to be
	 * there: without one, libetpan returns an unset pointer. */
	if (mailstream_ssl_get_certificate(stream, &leaf) < 0 ||
	    (chain = mailstream_get_certificate_chain(stream)) == NULL) {
		rc = err_set(e, RC_TEMP, "%s: the server sent no certificate; "
		    "login not attempted", is->where);
		goto out;
	}
	for (i = 0; i < carray_count(chain) && n < MAX_TLS_CHAIN; i++) {
		MMAPString *der = carray_get(chain, i);

		certs[n].der = (const unsigned char *)der->str;
		certs[n].len = der->len;
		n++;
	}
	if ((rc = tls_verify(certs, n, s->host, s->ca_file, e)) != RC_OK)
		err_prefix(e, "%s", is->where);
	else
		log_debug("%s: certificate accepted", is->where);
out:
	free(leaf);
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	return rc;
}

/*
 * libetpan reports a failed TLS handshake only by failing; GnuTLS's own
 * reason goes to standard error (gnutls_perror).  Around a handshake,
 * standard error goes to a temporary file instead: the reason becomes
 * part of the collector's message, which names the source, and anything
 * else written there meanwhile is passed on.  Nothing in the process
 * writes to standard error from another thread at that time.
 */
struct stderr_catch {
	FILE	*f;
	int	 saved;		/* the real standard error */
};

static void
catch_begin(struct stderr_catch *c)
{
	fflush(stderr);
	c->saved = -1;
	if ((c->f = tmpfile()) == NULL)
		return;		/* then GnuTLS's line goes out as it is */
	if ((c->saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    dup2(fileno(c->f), STDERR_FILENO) < 0) {
		if (c->saved >= 0)
			close(c->saved);
		fclose(c->f);
		c->f = NULL;
	}
}

/* Standard error back; GnuTLS's reason, printable, in out ("" if none). */
static void
catch_end(struct stderr_catch *c, char *out, size_t outsz)
{
	static const char tag[] = "GnuTLS error: ";
	char line[512];
	size_t i, n = 0, len;

	out[0] = '\0';
	if (c->f == NULL)
		return;
	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	rewind(c->f);
	while (fgets(line, sizeof(line), c->f) != NULL) {
		if (out[0] != '\0' || strncmp(line, tag, sizeof(tag) - 1)) {
			fputs(line, stderr);
			continue;
		}
		len = strcspn(line, "\r\n");
		while (len > sizeof(tag) - 1 && line[len - 1] == '.')
			len--;
		for (i = sizeof(tag) - 1; i < len && n + 1 < outsz; i++)
			out[n++] = (unsigned char)line[i] >= 0x20 &&
			    (unsigned char)line[i] < 0x7f ? line[i] : '?';
		out[n] = '\0';
	}
	fclose(c->f);
}

/*
 * Why the TLS handshake on fd, begun at imap_mark, failed: what is left
 * of the connection tells a server that went away or never answered from
 * one that answered something else than TLS (said: GnuTLS's reason).
 */
static void
handshake_why(const struct imap_session *is, int fd, const char *said,
    int implicit, char *why, size_t whysz)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	const char *sep = said[0] != '\0' ? ": " : "";

	/* A reset is seen by GnuTLS first; after it, an end of file. */
	if (n == 0 || (n < 0 && errno == ECONNRESET))
		snprintf(why, whysz, "TLS handshake failed: the server closed "
		    "the connection");
	else if (waited_out(is))
		snprintf(why, whysz, "TLS handshake failed: no answer within "
		    "%ld s (timeout)", is->s->timeout);
	else if (implicit)
		snprintf(why, whysz, "TLS handshake failed%s%s (is it an "
		    "implicit TLS port? for port 143 use tls = starttls)",
		    sep, said);
	else
		snprintf(why, whysz, "TLS handshake failed after STARTTLS%s%s",
		    sep, said);
}

/* Printable ASCII of the server's last response text, shortened. */
static void
server_text(const struct imap_session *is, char *out, size_t outsz)
{
	const char *t = is->imap ? is->imap->imap_response : NULL;
	size_t i, n = 0;

	out[0] = '\0';
	if (t == NULL)
		return;
	for (i = 0; t[i] != '\0' && n + 1 < outsz && n < 120; i++)
		out[n++] = (unsigned char)t[i] >= 0x20 &&
		    (unsigned char)t[i] < 0x7f ? t[i] : '?';
	out[n] = '\0';
}

enum rc
imap_fail(struct imap_session *is, int r, struct err *e, const char *what)
{
	char said[128], *why = is->why;
	size_t whysz = sizeof(is->why);

	server_text(is, said, sizeof(said));
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PARSE:
		is->broken = 1;
		/* What the stream saw comes first, except for a server
		 * that said BYE before it closed. */
		if (is->wire.fault != WIRE_OK && (r != MAILIMAP_ERROR_FATAL ||
		    is->wire.fault != WIRE_EOF)) {
			is->timed_out = is->wire.fault == WIRE_TIMEOUT ||
			    is->wire.fault == WIRE_DEADLINE;
			snprintf(why, whysz, "%s", is->wire.why);
		} else if (r == MAILIMAP_ERROR_STREAM && waited_out(is)) {
			is->timed_out = 1;
			snprintf(why, whysz, "no answer within %ld s "
			    "(timeout)", is->s->timeout);
		} else if (r == MAILIMAP_ERROR_PARSE)
			snprintf(why, whysz, "the server's answer cannot be "
			    "read");
		else if (r == MAILIMAP_ERROR_FATAL)
			snprintf(why, whysz, "the server closed the session%s%s",
			    said[0] ? ": " : "", said);
		else
			snprintf(why, whysz, "connection lost");
		break;
	case MAILIMAP_ERROR_MEMORY:
		abort();
	default:
		if (said[0] != '\0')
			snprintf(why, whysz, "the server said: %s", said);
		else
			snprintf(why, whysz, "failed (libetpan error %d)", r);
		break;
	}
	return err_set(e, RC_TEMP, "%s: %s: %s", is->where, what, why);
}

/* CAPABILITY, for what the server offers now. */
static enum rc
capabilities(struct imap_session *is, struct err *e)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	imap_mark(is);
	if ((r = mailimap_capability(is->imap, &cap)) != MAILIMAP_NO_ERROR)
		return imap_fail(is, r, e, "capability");
	mailimap_capability_data_free(cap);
	return RC_OK;
}

static enum rc
login(struct imap_session *is, struct err *e)
{
	const struct source_conf *s = is->s;
	char *secret = NULL;
	char what[300];
	enum rc rc;
	int r;

	if (s->auth == AUTH_XOAUTH2) {
		if (!mailimap_has_xoauth2(is->imap))
			return err_set(e, RC_TEMP, "%s: the server does not "
			    "offer AUTH=XOAUTH2", is->where);
		if ((rc = secret_from_command(s->token_command, s->timeout,
		    &secret, e)) != RC_OK) {
			err_prefix(e, "%s", is->where);
			return rc;
		}
		imap_mark(is);
		r = mailimap_oauth2_authenticate(is->imap, s->user, secret);
	} else {
		if (mailimap_has_extension(is->imap, "LOGINDISABLED"))
			return err_set(e, RC_TEMP, "%s: the server refuses "
			    "password logins on this connection "
			    "(LOGINDISABLED)", is->where);
		if (s->password_file != NULL)
			rc = secret_from_file(s->password_file, &secret, e);
		else if (s->password_env != NULL)
			rc = secret_from_env(s->password_env, &secret, e);
		else
			rc = secret_take("password", s->password,
			    strlen(s->password), &secret, e);
		if (rc != RC_OK) {
			err_prefix(e, "%s", is->where);
			return rc;
		}
		imap_mark(is);
		r = mailimap_login(is->imap, s->user, secret);
	}
	secret_free(secret);
	if (r == MAILIMAP_NO_ERROR)
		return RC_OK;
	snprintf(what, sizeof(what), "login as '%.100s' with %s failed",
	    s->user, s->auth == AUTH_XOAUTH2 ? "XOAUTH2" : "the password");
	return imap_fail(is, r, e, what);
}

/* Put the checks of imap_wire.h between libetpan and the connection. */
static void
guard(struct imap_session *is, mailstream *stream)
{
	mailstream_set_low(stream, wire_wrap(mailstream_get_low(stream),
	    &is->wire));
}

enum rc
imap_open(struct imap_session *is, const struct source_conf *s,
    const struct imap_limits *lim, struct err *e)
{
	mailstream *stream = NULL;
	struct stderr_catch cat;
	char why[200], said[200];
	long long left;
	long ctimeout = s->connect_timeout;
	int fd, r;
	enum rc rc;

	memset(is, 0, sizeof(*is));
	is->s = s;
	snprintf(is->where, sizeof(is->where), "%s: %s:%ld", s->name, s->host,
	    s->port);
	wire_init(&is->wire, is->where, s->timeout, lim->deadline_ms,
	    s->deadline, lim->max_literal);
	is->wire.max_response = IMAP_RESPONSE_BASE + (uint64_t)s->batch_size *
	    IMAP_WINDOW_GROWTH * IMAP_RESPONSE_PER_UID;
	if (lim->deadline_ms != 0) {
		if ((left = lim->deadline_ms - mono_ms()) <= 0)
			return err_set(e, RC_TEMP, "%s: the source's deadline "
			    "of %ld s passed (deadline)", is->where,
			    s->deadline);
		if ((left + 999) / 1000 < ctimeout)
			ctimeout = (long)((left + 999) / 1000);
	}
	if ((is->imap = mailimap_new(0, NULL)) == NULL)
		abort();
	mailimap_set_timeout(is->imap, s->timeout);
	if ((fd = tcp_connect(s->host, s->port, ctimeout, why,
	    sizeof(why))) < 0) {
		rc = err_set(e, RC_TEMP, "%s: %s", is->where, why);
		goto fail;
	}
	imap_mark(is);
	if (s->tls == TLS_IMPLICIT) {
		catch_begin(&cat);
		stream = mailstream_ssl_open_with_callback_timeout(fd,
		    s->timeout, sni_callback, (void *)(uintptr_t)s->host);
		catch_end(&cat, said, sizeof(said));
		if (stream == NULL) {
			handshake_why(is, fd, said, 1, why, sizeof(why));
			close(fd);
			rc = err_set(e, RC_TEMP, "%s: %s", is->where, why);
			goto fail;
		}
		if ((rc = check_certificate(is, stream, e)) != RC_OK) {
			mailstream_close(stream);
			goto fail;
		}
	} else if ((stream = mailstream_socket_open_timeout(fd,
	    s->timeout)) == NULL) {
		abort();
	}
	guard(is, stream);
	r = mailimap_connect(is->imap, stream);
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		rc = imap_fail(is, r, e, "greeting");
		goto fail;
	}
	if (s->tls == TLS_STARTTLS) {
		if ((rc = capabilities(is, e)) != RC_OK)
			goto fail;
		if (!mailimap_has_extension(is->imap, "STARTTLS")) {
			is->broken = 1;	/* not even a LOGOUT in clear */
			rc = err_set(e, RC_TEMP, "%s: the server does not "
			    "offer STARTTLS, which tls = starttls requires; "
			    "nothing was sent in clear text", is->where);
			goto fail;
		}
		imap_mark(is);
		catch_begin(&cat);
		r = mailimap_socket_starttls_with_callback(is->imap,
		    sni_callback, (void *)(uintptr_t)s->host);
		catch_end(&cat, said, sizeof(said));
		if (r == MAILIMAP_ERROR_STREAM && said[0] != '\0') {
			/* The server agreed; the handshake failed. */
			is->broken = 1;
			handshake_why(is, mailstream_low_get_fd(
			    mailstream_get_low(is->imap->imap_stream)),
			    said, 0, why, sizeof(why));
			rc = err_set(e, RC_TEMP, "%s: %s", is->where, why);
			goto fail;
		}
		if (r != MAILIMAP_NO_ERROR) {
			rc = imap_fail(is, r, e, "STARTTLS");
			goto fail;
		}
		if ((rc = check_certificate(is, is->imap->imap_stream, e)) !=
		    RC_OK) {
			/* Not another word to a server not trusted. */
			is->broken = 1;
			goto fail;
		}
		/* libetpan replaced the stream's low level with its own. */
		guard(is, is->imap->imap_stream);
	}
	/* What was offered before TLS does not count. */
	if ((rc = capabilities(is, e)) != RC_OK)
		goto fail;
	if (is->imap->imap_state != MAILIMAP_STATE_AUTHENTICATED &&
	    (rc = login(is, e)) != RC_OK)
		goto fail;
	/* Servers offer more once logged in (MOVE, UIDPLUS). */
	if ((rc = capabilities(is, e)) != RC_OK)
		goto fail;
	is->has_move = mailimap_has_extension(is->imap, "MOVE");
	is->has_uidplus = mailimap_has_uidplus(is->imap);
	log_debug("%s: logged in as %s%s%s", is->where, s->user,
	    is->has_move ? ", MOVE" : "", is->has_uidplus ? ", UIDPLUS" : "");
	return RC_OK;
fail:
	imap_close(is);
	return rc;
}

void
imap_close(struct imap_session *is)
{
	if (is->imap == NULL)
		return;
	/* LOGOUT on a stalled or dead connection would wait a whole
	 * timeout more, or fail: just close it. */
	if (is->broken && is->imap->imap_stream != NULL) {
		mailstream_close(is->imap->imap_stream);
		is->imap->imap_stream = NULL;
	}
	if (is->imap->imap_stream != NULL) {
		imap_mark(is);
		(void)mailimap_logout(is->imap);
	}
	mailimap_free(is->imap);
	is->imap = NULL;
}
