#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "imap_wire.h"
#include "log.h"
#include "util.h"

void
wire_init(struct imap_wire *w, const char *where, long timeout,
    long long deadline_ms, long deadline_s, uint64_t max_literal)
{
	memset(w, 0, sizeof(*w));
	w->where = where;
	w->timeout = timeout;
	w->deadline_ms = deadline_ms;
	w->deadline_s = deadline_s;
	w->max_literal = max_literal;
	w->max_response = IMAP_RESPONSE_BASE + (uint64_t)IMAP_BATCH_MAX *
	    IMAP_WINDOW_GROWTH * IMAP_RESPONSE_PER_UID;
}

/* The UID a FETCH response names before the point reached ("* 3 FETCH
 * (UID 7 BODY[] {N}"), or 0.  Servers that send the UID after the body
 * leave it unknown here. */
static uint32_t
uid_in_line(const struct imap_wire *w)
{
	const char *l = w->line;
	size_t i, n = w->linelen;
	uint64_t v;

	for (i = 1; i + 4 < n; i++) {
		if ((l[i - 1] != ' ' && l[i - 1] != '(') ||
		    strncasecmp(l + i, "UID ", 4) != 0 ||
		    !isdigit((unsigned char)l[i + 4]))
			continue;
		for (v = 0, i += 4; i < n && isdigit((unsigned char)l[i]) &&
		    v <= UINT32_MAX; i++)
			v = v * 10 + (uint64_t)(l[i] - '0');
		return v <= UINT32_MAX ? (uint32_t)v : 0;
	}
	return 0;
}

/* Record the first failure, with where in the responses it happened. */
static void
fault(struct imap_wire *w, enum wire_fault f, const char *what)
{
	char uid[32] = "";

	if (w->fault != WIRE_OK)
		return;
	w->fault = f;
	if (w->lit_left == 0 || f == WIRE_LITERAL) {
		snprintf(w->why, sizeof(w->why), "%s", what);
		return;
	}
	if (w->lit_uid != 0)
		snprintf(uid, sizeof(uid), "uid %u", w->lit_uid);
	snprintf(w->why, sizeof(w->why), "%s in the middle of %s (%llu of "
	    "%llu bytes read)", what, uid[0] ? uid : "a message",
	    (unsigned long long)(w->lit_size - w->lit_left),
	    (unsigned long long)w->lit_size);
}

/* Skip a word of line l[0..n) from *i, then the spaces after it. */
static int
next_word(const char *l, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && l[*i] != ' ' && l[*i] != '\r' && l[*i] != '\n')
		(*i)++;
	if (*i == start || *i >= n || l[*i] != ' ')
		return -1;
	while (*i < n && l[*i] == ' ')
		(*i)++;
	return 0;
}

/*
 * The response line just ended ("* OK [ALERT] text", or tagged, or NO,
 * BAD, BYE): the server wants its text shown to a person.  Said again
 * on the same connection, it is not logged again.
 */
static void
alert_check(struct imap_wire *w, int cut)
{
	static const char code[] = "[ALERT]";
	const char *l = w->line;
	size_t i = 0, n = w->linelen, k = 0, kind;
	char text[WIRE_LINE_KEPT + 1];

	if (next_word(l, n, &i) < 0)
		return;
	kind = i;
	if (next_word(l, n, &i) < 0 || (strncasecmp(l + kind, "OK ", 3) &&
	    strncasecmp(l + kind, "NO ", 3) &&
	    strncasecmp(l + kind, "BAD ", 4) &&
	    strncasecmp(l + kind, "BYE ", 4)) || n - i < sizeof(code) - 1 ||
	    strncasecmp(l + i, code, sizeof(code) - 1) != 0)
		return;
	for (i += sizeof(code) - 1; i < n && l[i] == ' '; i++)
		;
	for (; i < n && l[i] != '\r' && l[i] != '\n'; i++)
		text[k++] = (unsigned char)l[i] >= 0x20 &&
		    (unsigned char)l[i] < 0x7f ? l[i] : '?';
	text[k] = '\0';
	/* Servers repeat an alert with each answer: once is enough. */
	if (strcmp(text, w->alert) == 0)
		return;
	memcpy(w->alert, text, k + 1);
	log_warn("%s: the server's alert: %s%s", w->where ? w->where : "imap",
	    text, cut ? "..." : "");
}

/* A literal announced over the cap: refused before libetpan sees it. */
static void
refuse(struct imap_wire *w)
{
	char what[200], size[48], uid[32] = "";

	if ((w->lit_uid = uid_in_line(w)) != 0)
		snprintf(uid, sizeof(uid), " for uid %u", w->lit_uid);
	if (w->ndigits > 19)
		snprintf(size, sizeof(size), "a size of %d digits", w->ndigits);
	else
		snprintf(size, sizeof(size), "%llu bytes",
		    (unsigned long long)w->number);
	snprintf(what, sizeof(what), "the server announced a literal of "
	    "%s%s, over the limit of %llu (max_message_size and the "
	    "protocol's slack); refused before reading it", size, uid,
	    (unsigned long long)w->max_literal);
	fault(w, WIRE_LITERAL, what);
}

int
wire_scan(struct imap_wire *w, const unsigned char *p, size_t n)
{
	size_t i = 0, k;
	unsigned char c;

	while (i < n) {
		if (w->lit_left > 0) {
			k = n - i < w->lit_left ? n - i : (size_t)w->lit_left;
			w->lit_left -= k;
			i += k;
			continue;
		}
		c = p[i++];
		if (++w->resp_bytes > w->max_response) {
			char what[160];

			snprintf(what, sizeof(what), "the server sent more than "
			    "%llu bytes of responses without completing the "
			    "command", (unsigned long long)w->max_response);
			fault(w, WIRE_FLOOD, what);
			return -1;
		}
		if (w->linelen < WIRE_LINE_KEPT) {
			w->line[w->linelen++] = (char)c;
			w->line[w->linelen] = '\0';
		}
		if (w->brace == 1 && isdigit(c)) {
			/* Past 19 digits the number is absurd anyway. */
			if (w->ndigits++ < 19)
				w->number = w->number * 10 + (c - '0');
			continue;
		}
		if (w->brace == 1 && c == '}' && w->ndigits > 0) {
			w->brace = 2;
			/* Refused here, whatever follows: libetpan takes the
			 * size of a "{N}" even when no CRLF comes after it. */
			if (w->ndigits > 19 || w->number > w->max_literal) {
				refuse(w);
				return -1;
			}
			continue;
		}
		if (w->brace == 2 && c == '\r')
			continue;
		if (w->brace == 2 && c == '\n') {
			/* The literal's bytes follow; the response goes on
			 * after them. */
			w->brace = 0;
			w->lit_left = w->lit_size = w->number;
			w->lit_uid = uid_in_line(w);
			continue;
		}
		w->brace = 0;
		if (c == '{') {
			w->brace = 1;
			w->ndigits = 0;
			w->number = 0;
		} else if (c == '\n') {
			alert_check(w, w->linelen == WIRE_LINE_KEPT &&
			    w->line[WIRE_LINE_KEPT - 1] != '\n');
			/* A tagged line completes a command. */
			if (w->line[0] != '*' && w->line[0] != '+')
				w->resp_bytes = 0;
			w->linelen = 0;
			w->line[0] = '\0';
		}
	}
	return 0;
}

/* The low-level stream: ours around libetpan's. */
struct wire_low {
	mailstream_low	*inner;
	struct imap_wire *w;
};

/* Seconds the next wait may take: the timeout, or less before the
 * deadline; 0 when the deadline has passed. */
static long
wait_for(struct imap_wire *w)
{
	long long left;

	if (w->deadline_ms == 0)
		return w->timeout;
	left = w->deadline_ms - mono_ms();
	if (left <= 0)
		return 0;
	return (left + 999) / 1000 < w->timeout ? (long)((left + 999) / 1000) :
	    w->timeout;
}

static void
deadline_passed(struct imap_wire *w)
{
	char what[120];

	snprintf(what, sizeof(what), "the source's deadline of %ld s passed "
	    "(deadline)", w->deadline_s);
	fault(w, WIRE_DEADLINE, what);
}

/* Why a read or write on fd that waited secs from t0 failed. */
static void
failed(struct imap_wire *w, int fd, long secs, long long t0, int err)
{
	char what[120], c;
	long long now = mono_ms();

	/* libetpan gives up after exactly secs: a quarter of a second
	 * early is still that. */
	if (now - t0 >= secs * 1000 - 250) {
		if (w->deadline_ms != 0 && now >= w->deadline_ms - 250)
			deadline_passed(w);
		else {
			snprintf(what, sizeof(what), "no answer within %ld s "
			    "(timeout)", w->timeout);
			fault(w, WIRE_TIMEOUT, what);
		}
	} else if (err == ECONNRESET || err == EPIPE)
		fault(w, WIRE_EOF, "connection lost (reset by the server)");
	else if (fd >= 0 && recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
		/* TLS reports the end of the connection as an error. */
		fault(w, WIRE_EOF, "connection lost (closed by the server)");
	else
		fault(w, WIRE_IO, "connection lost");
}

/* Seconds the next read or write on wl may take, set on its inner
 * stream; 0 when the wire has failed already or its deadline passed. */
static long
io_secs(struct wire_low *wl)
{
	struct imap_wire *w = wl->w;
	long secs;

	if (w->fault != WIRE_OK)
		return 0;
	if ((secs = wait_for(w)) == 0) {
		deadline_passed(w);
		return 0;
	}
	mailstream_low_set_timeout(wl->inner, (time_t)secs);
	return secs;
}

static ssize_t
wire_read(mailstream_low *s, void *buf, size_t count)
{
	struct wire_low *wl = s->data;
	struct imap_wire *w = wl->w;
	long long t0;
	ssize_t n;
	long secs;
	int err;

	if ((secs = io_secs(wl)) == 0)
		return -1;
	t0 = mono_ms();
	errno = 0;
	n = mailstream_low_read(wl->inner, buf, count);
	if (n == 0) {
		/* libetpan 1.9.4 would ask again, for ever. */
		fault(w, WIRE_EOF, "connection lost (closed by the server)");
		return -1;
	}
	if (n < 0) {
		err = errno;
		failed(w, mailstream_low_get_fd(wl->inner), secs, t0, err);
		return -1;
	}
	if (wire_scan(w, buf, (size_t)n) < 0)
		return -1;
	return n;
}

static ssize_t
wire_write(mailstream_low *s, const void *buf, size_t count)
{
	struct wire_low *wl = s->data;
	struct imap_wire *w = wl->w;
	struct timespec zero = { 0, 0 };
	sigset_t pipe, old, pending;
	int was_pending, err;
	long long t0;
	ssize_t n;
	long secs;

	if ((secs = io_secs(wl)) == 0)
		return -1;
	/* A server that has closed the connection must not end the
	 * process with SIGPIPE: the signal is held back and taken. */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	t0 = mono_ms();
	errno = 0;
	n = mailstream_low_write(wl->inner, buf, count);
	err = errno;
	if (!was_pending && sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE))
		(void)sigtimedwait(&pipe, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (n < 0) {
		failed(w, mailstream_low_get_fd(wl->inner), secs, t0, err);
		return -1;
	}
	return n;
}

static int
wire_close(mailstream_low *s)
{
	struct wire_low *wl = s->data;

	return mailstream_low_close(wl->inner);
}

static int
wire_get_fd(mailstream_low *s)
{
	struct wire_low *wl = s->data;

	return mailstream_low_get_fd(wl->inner);
}

static void
wire_free(mailstream_low *s)
{
	struct wire_low *wl = s->data;

	mailstream_low_free(wl->inner);
	free(wl);
	free(s);
}

static void
wire_cancel(mailstream_low *s)
{
	struct wire_low *wl = s->data;

	mailstream_low_cancel(wl->inner);
}

static struct mailstream_cancel *
wire_get_cancel(mailstream_low *s)
{
	struct wire_low *wl = s->data;

	return mailstream_low_get_cancel(wl->inner);
}

static mailstream_low_driver wire_driver = {
	.mailstream_read = wire_read,
	.mailstream_write = wire_write,
	.mailstream_close = wire_close,
	.mailstream_get_fd = wire_get_fd,
	.mailstream_free = wire_free,
	.mailstream_cancel = wire_cancel,
	.mailstream_get_cancel = wire_get_cancel,
};

mailstream_low *
wire_wrap(mailstream_low *inner, struct imap_wire *w)
{
	struct wire_low *wl = xcalloc(1, sizeof(*wl));
	mailstream_low *s;

	wl->inner = inner;
	wl->w = w;
	if ((s = mailstream_low_new(wl, &wire_driver)) == NULL)
		abort();
	return s;
}
