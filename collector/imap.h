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
#include "util.h"

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
};

/*
 * Connect to s's server, protect the connection as s->tls says, check the
 * certificate (tls.h), then log in with the password or the XOAUTH2 token.
 * STARTTLS is required when configured: a server that does not offer it
 * is an error, never a plain session.  Every network wait is bounded by
 * s->connect_timeout (connecting) or s->timeout (everything after).
 *
 * RC_OK with an authenticated session that imap_close must end; RC_TEMP
 * otherwise, with is already closed and a message that starts with
 * is->where.  No secret ever appears in a message.
 */
enum rc imap_open(struct imap_session *is, const struct source_conf *s,
    struct err *e);

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
 * broken, and timed_out when the server stopped answering; is->why is
 * the reason alone.  Returns RC_TEMP.
 */
enum rc imap_fail(struct imap_session *is, int r, struct err *e,
    const char *what);

#endif
