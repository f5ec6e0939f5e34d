/*
 * An IMAP session for one source, over libetpan: connect with the TLS the
 * source asks for (the server's certificate checked before anything is
 * sent), log in, and turn libetpan's results into errors that name the
 * source, the server and what the server said.  imap.c and source_imap.c
 * are the only files that know libetpan's IMAP API.
 */
#ifndef AC_IMAP_H
#define AC_IMAP_H

#include <libetpan/libetpan.h>

#include "config.h"
#include "imap_wire.h"
#include "util.h"

/* Bounds of a whole source, which hold across its connections. */
struct imap_limits {
	long long	 deadline_ms;	/* CLOCK_MONOTONIC ms; 0: none */
	uint64_t	 max_literal;	/* the largest literal taken */
};

struct imap_session {
	mailimap		*imap;
	const struct source_conf *s;
	char			 where[320];	/* "source: host:port" */
	int			 broken;	/* the stream failed: no LOGOUT */
	int			 timed_out;	/* ... by a timeout */
	char			 why[200];	/* the last failure's reason */
	long long		 since_ms;	/* when the server was last heard
						 * from, or the command began */
	int			 has_move;
	int			 has_uidplus;
	struct imap_wire	 wire;		/* the connection's checks */
};

/*
 * Connect to s's server, protect the connection as s->tls says, check the
 * certificate (tls.h), then log in with the password or the XOAUTH2 token.
 * STARTTLS is required when configured: a server that does not offer it
 * is an error, never a plain session.  Every network wait is bounded by
 * s->connect_timeout (connecting) or s->timeout (everything after), and
 * all of them by lim->deadline_ms; a literal over lim->max_literal is
 * refused before anything is allocated for it (imap_wire.h).  An end of
 * stream is an error, never a wait.
 *
 * RC_OK with an authenticated session that imap_close must end; RC_TEMP
 * otherwise, with is already closed and a message that starts with
 * is->where.  No secret ever appears in a message.
 */
enum rc imap_open(struct imap_session *is, const struct source_conf *s,
    const struct imap_limits *lim, struct err *e);

/* LOGOUT when the connection still works; free everything.  Safe to call
 * twice. */
void imap_close(struct imap_session *is);

/* Note the start of a command, or that the server sent something, so
 * that a failed read can be told to be a timeout. */
void imap_mark(struct imap_session *is);

/*
 * Set e for the libetpan result r of what (a short phrase such as
 * "select INBOX"): "source: host:port: what: reason", with the server's
 * own words when it gave a NO or BAD.  A broken stream marks the session
 * broken, and timed_out when the server stopped answering or the
 * deadline passed; is->why is the reason alone.  Returns RC_TEMP.
 */
enum rc imap_fail(struct imap_session *is, int r, struct err *e,
    const char *what);

#endif
