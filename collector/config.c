#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "bounds.h"
#include "config.h"
#include "config_int.h"

enum sect { S_TOP, S_STORE, S_SOURCE, S_RESOLVER, S_CASES, S_REPORT,
	S_LIMITS, S_EMAIL, S_WEBHOOK, S_NONE };

static const char *const sect_names[] = { "", "store", "source",
	"resolver", "cases", "report", "limits", "email", "webhook" };

/* Sections that come once per name: [source NAME], [webhook NAME]. */
static int
sect_named(size_t i)
{
	return i == S_SOURCE || i == S_WEBHOOK;
}

struct loader;

struct key {
	enum sect	 sect;
	const char	*name;
	/* Store value at target; on a bad value return an error text. */
	const char	*(*set)(struct loader *, void *target, const char *v);
	size_t		 off;
	int		 secret;	/* inline secret: file must be private */
};

/* Keys that may be given more than once in their section. */
static int
repeatable(enum sect sect, const char *name)
{
	return sect == S_RESOLVER && strcmp(name, "identity_regex") == 0;
}

struct loader {
	struct config	*c;
	const char	*file;
	FILE		*fp;
	int		 line;		/* of the line inih handles now */
	char		 raw[MAX_TABLE_LINE];	/* that line, as read */
	enum sect	 sect;
	char		 sect_label[128];
	int		 sect_line;
	void		*base;		/* struct the section's keys fill */
	int		 errors;
	int		 secret_line;	/* first inline secret, or 0 */
	int		 token_line;	/* [resolver] http_token_file */
	/* Keys seen in the current section, for duplicates. */
	struct { const char *name; int line; } seen[64];
	size_t		 nseen;
};

static void
report_err(struct loader *l, int line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
report_err(struct loader *l, int line, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (++l->errors > MAX_CONFIG_ERRORS)
		return;
	fprintf(stderr, "%s:%d: ", l->file, line);
	if (l->sect_label[0] != '\0' || key != NULL)
		fprintf(stderr, "[%s]%s%s: ", l->sect_label,
		    key ? " " : "", key ? key : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* For the files that hold the keys of one kind of source. */
const char *
config_raw_line(const struct loader *l)
{
	return l->raw;
}

void
config_error(struct loader *l, int line, const char *key, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_err(l, line, key, "%s", msg);
}

/* Value setters. */

/* A path relative to the configuration file's directory. */
static char *
abs_path(const struct loader *l, const char *v)
{
	return v[0] == '/' ? xstrdup(v) : xasprintf("%s/%s", l->c->dir, v);
}

static const char *
set_path(struct loader *l, void *t, const char *v)
{
	char **p = t;

	if (*v == '\0')
		return "empty path";
	free(*p);
	*p = abs_path(l, v);
	return NULL;
}

/* A file that must exist and be readable now. */
static const char *
set_file(struct loader *l, void *t, const char *v)
{
	static char msg[PATH_MAX + 64];
	char **p = t;
	char *path;

	if (*v == '\0')
		return "empty path";
	path = abs_path(l, v);
	if (access(path, R_OK) != 0) {
		snprintf(msg, sizeof(msg), "cannot read '%s': %s", path,
		    strerror(errno));
		free(path);
		return msg;
	}
	free(*p);
	*p = path;
	return NULL;
}

static const char *
set_role(struct loader *l, void *t, const char *v)
{
	enum role *r = t;

	if (strcmp(v, "auto") == 0)
		*r = ROLE_AUTO;
	else if (strcmp(v, "internal") == 0)
		*r = ROLE_INTERNAL;
	else if (strcmp(v, "external") == 0)
		*r = ROLE_EXTERNAL;
	else
		return "must be auto, internal or external";
	return NULL;
}

static const char *
set_source_type(struct loader *l, void *t, const char *v)
{
	enum source_type *s = t;

	if (strcmp(v, "imap") == 0)
		*s = SOURCE_IMAP;
	else if (strcmp(v, "maildir") == 0)
		*s = SOURCE_MAILDIR;
	else if (strcmp(v, "mbox") == 0)
		*s = SOURCE_MBOX;
	else
		return "must be imap, maildir or mbox";
	return NULL;
}

static const char *
set_log(struct loader *l, void *t, const char *v)
{
	int *s = t;

	if (strcmp(v, "stderr") == 0)
		*s = 0;
	else if (strcmp(v, "syslog") == 0)
		*s = 1;
	else
		return "must be stderr or syslog";
	return NULL;
}

/* Split a comma-separated list; each item trimmed, none empty. */
static int
split_list(const char *v, char ***items, size_t *n)
{
	const char *p = v, *comma;
	size_t len;

	*items = NULL;
	*n = 0;
	for (;;) {
		const char *s = p;

		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		trim(&s, &len);
		if (len == 0) {
			/* The items so far are not the caller's. */
			while (*n > 0)
				free((*items)[--*n]);
			free(*items);
			*items = NULL;
			return -1;
		}
		*items = xrealloc(*items, (*n + 1) * sizeof(**items));
		(*items)[(*n)++] = xstrndup(s, len);
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static void
free_list(char **items, size_t n)
{
	while (n > 0)
		free(items[--n]);
	free(items);
}

static const char *
set_identity(struct loader *l, void *t, const char *v)
{
	struct resolver_conf *r = t;
	char **items;
	size_t n, i, j;

	if (split_list(v, &items, &n) < 0)
		return "empty item in list";
	for (i = 0; i < n; i++)
		for (j = 0; items[i][j]; j++)
			if (!isalnum((unsigned char)items[i][j]) &&
			    items[i][j] != '-' && items[i][j] != '_') {
				free_list(items, n);
				return "not a header field name";
			}
	free_list(r->identity_headers, r->nidentity_headers);
	r->identity_headers = items;
	r->nidentity_headers = n;
	return NULL;
}

static const char *
set_trusted(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	struct resolver_conf *r = t;
	char **items;
	size_t n, i;

	if (split_list(v, &items, &n) < 0)
		return "empty item in list";
	hostlist_release(&r->trusted_hosts);
	for (i = 0; i < n; i++)
		if (hostlist_add(&r->trusted_hosts, items[i]) < 0) {
			snprintf(msg, sizeof(msg), "'%.200s' is neither a host "
			    "name nor an address or CIDR prefix", items[i]);
			free_list(items, n);
			return msg;
		}
	free_list(items, n);
	return NULL;
}

static const char *
set_order(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	struct resolver_conf *r = t;
	char **items;
	size_t n, i, k;
	int used[STEP_COUNT] = { 0 };

	if (split_list(v, &items, &n) < 0)
		return "empty item in list";
	r->norder = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < STEP_COUNT; k++)
			if (strcmp(items[i], resolve_step_name(k)) == 0)
				break;
		if (k == STEP_COUNT || used[k]) {
			snprintf(msg, sizeof(msg), k == STEP_COUNT ?
			    "unknown step '%.200s'" : "step '%.200s' twice",
			    items[i]);
			free_list(items, n);
			return msg;
		}
		used[k] = 1;
		r->order[r->norder++] = k;
	}
	free_list(items, n);
	r->order_line = l->line;
	return NULL;
}

static const char *
set_timezone(struct loader *l, void *t, const char *v)
{
	char **p = t;
	char *zf;
	int ok;

	if (strcmp(v, "UTC") != 0) {
		if (v[0] == '/' || strstr(v, "..") != NULL)
			return "not a time zone name";
		zf = xasprintf("/usr/share/zoneinfo/%s", v);
		ok = access(zf, R_OK) == 0;
		free(zf);
		if (!ok)
			return "unknown time zone (not in /usr/share/zoneinfo)";
	}
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

static const char *
set_size(struct loader *l, void *t, const char *v)
{
	size_t *p = t;
	long long n;

	if (parse_size(v, &n) < 0 || n < 1024 || n > (1LL << 32))
		return "must be a size from 1k to 4G (like 25M)";
	*p = (size_t)n;
	return NULL;
}

static const char *
set_count(struct loader *l, void *t, const char *v)
{
	size_t *p = t;
	long long n;

	if (parse_ll(v, 1, 1000000, &n) < 0)
		return "must be a whole number from 1 to 1000000";
	*p = (size_t)n;
	return NULL;
}

static const char *
set_depth(struct loader *l, void *t, const char *v)
{
	int *p = t;
	long long n;

	if (parse_ll(v, 1, 64, &n) < 0)
		return "must be a whole number from 1 to 64";
	*p = (int)n;
	return NULL;
}

/*
 * Setters of the outputs: [email] and [webhook NAME].
 */

/* A whole-number key in [lo, hi]. */
static const char *
set_ll(long long *p, const char *v, long long lo, long long hi,
    const char *msg)
{
	long long n;

	if (parse_ll(v, lo, hi, &n) < 0)
		return msg;
	*p = n;
	return NULL;
}

static const char *
set_attempts(struct loader *l, void *t, const char *v)
{
	return set_ll(t, v, 1, 100, "must be a whole number from 1 to 100");
}

/* A duration from 1 second to 7 days ("30s", "10m", "6h"). */
static const char *
set_delay(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 7 * 86400)
		return "must be a duration from 1s to 7d (like 30s, 10m, 6h)";
	*(long long *)t = n;
	return NULL;
}

/* A network timeout: 1 second to 10 minutes. */
static const char *
set_timeout(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 600)
		return "must be a duration from 1s to 10m";
	*(long long *)t = n;
	return NULL;
}

static const char *
set_yesno(struct loader *l, void *t, const char *v)
{
	int *p = t;

	if (strcmp(v, "yes") == 0)
		*p = 1;
	else if (strcmp(v, "no") == 0)
		*p = 0;
	else
		return "must be yes or no";
	return NULL;
}

/* Text that goes into a mail header or a log line: printable ASCII and
 * UTF-8, no control characters. */
static const char *
set_text(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const unsigned char *u;

	if (*v == '\0')
		return "empty value";
	for (u = (const unsigned char *)v; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			return "control characters are not allowed";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

/* A bare mailbox address: local@domain, no spaces, brackets or quotes,
 * so that it is safe in an SMTP command and a header as it is. */
static int
valid_address(const char *v)
{
	const char *at = strchr(v, '@');
	const unsigned char *u;

	if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@') ||
	    strlen(v) > MAX_ADDRESS_LEN)
		return 0;
	for (u = (const unsigned char *)v; *u; u++)
		if (*u <= 0x20 || *u == 0x7f || strchr("<>()[]\\,;:\"", *u))
			return 0;
	return 1;
}

static const char *
set_address(struct loader *l, void *t, const char *v)
{
	char **p = t;

	if (!valid_address(v))
		return "not a mail address (local@domain, without a name "
		    "or brackets)";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

static const char *
set_recipients(struct loader *l, void *t, const char *v)
{
	static char msg[MAX_ADDRESS_LEN + 64];
	struct email_conf *m = t;
	char **items;
	size_t n, i;

	if (split_list(v, &items, &n) < 0)
		return "empty item in list";
	if (n > MAX_EMAIL_RCPT) {
		free_list(items, n);
		return "too many recipients";
	}
	for (i = 0; i < n; i++)
		if (!valid_address(items[i])) {
			snprintf(msg, sizeof(msg), "'%.*s' is not a mail "
			    "address", MAX_ADDRESS_LEN, items[i]);
			free_list(items, n);
			return msg;
		}
	free_list(m->to, m->nto);
	m->to = items;
	m->nto = n;
	return NULL;
}

static const char *
set_smtp_url(struct loader *l, void *t, const char *v)
{
	char **p = t;

	if (strncmp(v, "smtps://", 8) != 0 && strncmp(v, "smtp://", 7) != 0)
		return "must be smtps://HOST[:PORT] (TLS) or smtp://HOST[:PORT] "
		    "(STARTTLS, required)";
	if (v[strcspn(v, ":") + 3] == '\0' || strpbrk(v, " \t@") != NULL)
		return "needs a host name, and no user or spaces (use user "
		    "and password_file)";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

static const char *
set_http_url(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const char *host;

	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else
		return "must be an https:// URL (or http:// with "
		    "allow_plaintext = yes)";
	if (*host == '\0' || *host == '/' || strpbrk(v, " \t") != NULL ||
	    strchr(host, '@') != NULL)
		return "needs a host name, and no user or spaces";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

/*
 * A secret kept in a file: read now, so check-config proves it is there.
 * The file must not be readable by others; trailing line ends are not
 * part of the secret.
 */
static const char *
read_secret(struct loader *l, const char *v, char **secret, size_t *len,
    char **from)
{
	static char msg[PATH_MAX + 96];
	struct stat st;
	struct err e;
	char *path, *data;
	size_t n;

	if (*v == '\0')
		return "empty path";
	path = abs_path(l, v);
	if (stat(path, &st) == 0 && (st.st_mode & S_IROTH)) {
		snprintf(msg, sizeof(msg), "'%s' is readable by others: "
		    "chmod o-r it", path);
		free(path);
		return msg;
	}
	if (read_file(path, MAX_SECRET_LEN, &data, &n, &e) != RC_OK) {
		snprintf(msg, sizeof(msg), "%s", e.msg);
		free(path);
		return msg;
	}
	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		data[--n] = '\0';
	if (n == 0) {
		snprintf(msg, sizeof(msg), "'%s' is empty", path);
		free(data);
		free(path);
		return msg;
	}
	free(*secret);
	*secret = data;
	*len = n;
	free(*from);
	*from = path;
	return NULL;
}

static const char *
set_password_file(struct loader *l, void *t, const char *v)
{
	struct email_conf *m = t;
	char *path = NULL;
	size_t n;
	const char *msg;

	if (m->password != NULL)
		return "give one of password_file and password_env";
	if ((msg = read_secret(l, v, &m->password, &n, &path)) != NULL)
		return msg;
	if (strlen(m->password) != n) {
		free(m->password);
		m->password = NULL;
		free(path);
		return "the password holds a NUL byte";
	}
	m->password_from = xasprintf("file %s", path);
	free(path);
	return NULL;
}

static const char *
set_password_env(struct loader *l, void *t, const char *v)
{
	struct email_conf *m = t;
	const char *val;

	if (m->password != NULL)
		return "give one of password_file and password_env";
	if (*v == '\0' || strpbrk(v, "= \t") != NULL)
		return "not an environment variable name";
	if ((val = getenv(v)) == NULL || *val == '\0')
		return "that environment variable is not set";
	if (strlen(val) > MAX_SECRET_LEN)
		return "the password is too long";
	m->password = xstrdup(val);
	m->password_from = xasprintf("env %s", v);
	return NULL;
}

static const char *
set_secret_file(struct loader *l, void *t, const char *v)
{
	struct webhook_conf *w = t;

	if (w->secret != NULL)
		return "give one of secret and secret_file";
	return read_secret(l, v, &w->secret, &w->secret_len, &w->secret_file);
}

static const char *
set_secret_inline(struct loader *l, void *t, const char *v)
{
	struct webhook_conf *w = t;

	if (w->secret != NULL)
		return "give one of secret and secret_file";
	if (*v == '\0')
		return "empty secret";
	w->secret = xstrdup(v);
	w->secret_len = strlen(v);
	return NULL;
}

static const char *
set_events(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	unsigned *ev = t, f, all = 0;
	char **items;
	size_t n, i;

	if (split_list(v, &items, &n) < 0)
		return "empty item in list";
	for (i = 0; i < n; i++) {
		if ((f = event_flag(items[i])) == 0) {
			snprintf(msg, sizeof(msg), "unknown event '%.200s' "
			    "(case.opened, case.confirmed, case.escalated, "
			    "summary.daily)", items[i]);
			free_list(items, n);
			return msg;
		}
		all |= f;
	}
	free_list(items, n);
	*ev = all;
	return NULL;
}

/* [resolver] and [cases] keys of the resolver and correlation. */

/*
 * identity_regex = HEADER REGEX (POSIX extended; the first capture group
 * is the user).  Repeated, one line per header.
 */
static const char *
set_identity_regex(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	struct resolver_conf *r = t;
	struct identity_regex *x;
	const char *sp, *eq;
	size_t hn, i;
	regex_t re;
	int rc;

	/* inih ends a value at " ;", which a bracket expression may hold. */
	if ((eq = strchr(l->raw, '=')) != NULL &&
	    (strstr(eq, " ;") != NULL || strstr(eq, "\t;") != NULL))
		return "a space before ';' starts a comment in this file; "
		    "write [;] in the expression, and no comment after it";
	for (sp = v; *sp && !isspace((unsigned char)*sp); sp++)
		if (!isalnum((unsigned char)*sp) && *sp != '-' && *sp != '_')
			return "must be 'HEADER REGEX' (a header field name, "
			    "then the expression)";
	hn = (size_t)(sp - v);
	while (isspace((unsigned char)*sp))
		sp++;
	if (hn == 0 || *sp == '\0')
		return "must be 'HEADER REGEX' (a header field name, then the "
		    "expression)";
	for (i = 0; i < r->nregexes; i++)
		if (ascii_ncasecmp(r->regexes[i].header, v, hn) == 0 &&
		    r->regexes[i].header[hn] == '\0') {
			snprintf(msg, sizeof(msg), "header '%.*s' already has "
			    "an expression (line %d)", (int)hn, v,
			    r->regexes[i].line);
			return msg;
		}
	if ((rc = regcomp(&re, sp, REG_EXTENDED)) != 0) {
		char why[160];

		regerror(rc, &re, why, sizeof(why));
		snprintf(msg, sizeof(msg), "bad regular expression: %s", why);
		return msg;
	}
	if (re.re_nsub < 1) {
		regfree(&re);
		return "the expression needs a capture group, (...), around "
		    "the user";
	}
	r->regexes = xrealloc(r->regexes, (r->nregexes + 1) *
	    sizeof(*r->regexes));
	x = &r->regexes[r->nregexes++];
	x->header = xstrndup(v, hn);
	x->pattern = xstrdup(sp);
	x->re = re;
	x->line = l->line;
	return NULL;
}

/* An http:// or https:// URL with a host. */
static const char *
set_url(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const char *h;
	size_t i;

	if (ascii_ncasecmp(v, "https://", 8) == 0)
		h = v + 8;
	else if (ascii_ncasecmp(v, "http://", 7) == 0)
		h = v + 7;
	else
		return "must be an http:// or https:// URL";
	if (*h == '\0' || *h == '/' || *h == ':' || *h == '?')
		return "the URL has no host";
	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] <= ' ' || v[i] == 0x7f)
			return "the URL has white space or control characters";
	if (strchr(h, '#') != NULL)
		return "the URL has a fragment ('#')";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

static const char *
set_token_file(struct loader *l, void *t, const char *v)
{
	l->token_line = l->line;
	return set_file(l, t, v);
}

static const char *
set_cache_ttl(struct loader *l, void *t, const char *v)
{
	long long *p = t, n;

	if (parse_duration(v, &n) < 0 || n > 30 * 86400)
		return "must be a duration from 0 to 30d (like 3600, 1h)";
	*p = n;
	return NULL;
}

static const char *
set_http_timeout(struct loader *l, void *t, const char *v)
{
	long long *p = t, n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 300)
		return "must be a duration from 1s to 5m (like 10s)";
	*p = n;
	return NULL;
}

/* "N in M": N reports within M (a duration up to a day, as cases are). */
static const char *
set_escalation(struct loader *l, void *t, const char *v)
{
	struct escalation *x = t;
	const char *in = strstr(v, " in ");
	char num[32], dur[32];
	long long n, m;
	size_t nn;

	if (in == NULL)
		return "must be 'N in M' (like 5 in 10m)";
	nn = (size_t)(in - v);
	while (nn > 0 && isspace((unsigned char)v[nn - 1]))
		nn--;
	in += 4;
	while (isspace((unsigned char)*in))
		in++;
	if (nn == 0 || nn >= sizeof(num) || strlen(in) >= sizeof(dur))
		return "must be 'N in M' (like 5 in 10m)";
	memcpy(num, v, nn);
	num[nn] = '\0';
	snprintf(dur, sizeof(dur), "%s", in);
	if (parse_ll(num, 1, 1000000, &n) < 0)
		return "N must be a whole number from 1 to 1000000";
	if (parse_duration(dur, &m) < 0 || m < 1 || m > 86400)
		return "M must be a duration from 1s to 1d (like 10m)";
	x->count = (long)n;
	x->window = m;
	return NULL;
}

#define O(type, field)	offsetof(type, field)

static const struct key keys[] = {
	{ S_TOP, "log", set_log, O(struct config, log_syslog), 0 },
	{ S_STORE, "path", set_path, O(struct config, store_path), 0 },
	{ S_SOURCE, "type", set_source_type, O(struct source_conf, type), 0 },
	{ S_SOURCE, "path", set_path, O(struct source_conf, path), 0 },
	{ S_SOURCE, "role", set_role, O(struct source_conf, role), 0 },
	/* imap sources */
	{ S_SOURCE, "host", imap_set_host, O(struct source_conf, host), 0 },
	{ S_SOURCE, "port", imap_set_port, O(struct source_conf, port), 0 },
	{ S_SOURCE, "tls", imap_set_tls, O(struct source_conf, tls), 0 },
	{ S_SOURCE, "allow_plaintext", imap_set_yesno,
	    O(struct source_conf, allow_plaintext), 0 },
	{ S_SOURCE, "ca_file", set_file, O(struct source_conf, ca_file), 0 },
	{ S_SOURCE, "user", imap_set_string, O(struct source_conf, user), 0 },
	{ S_SOURCE, "auth", imap_set_auth, O(struct source_conf, auth), 0 },
	{ S_SOURCE, "password_file", set_file,
	    O(struct source_conf, password_file), 0 },
	{ S_SOURCE, "password_env", imap_set_env_name,
	    O(struct source_conf, password_env), 0 },
	{ S_SOURCE, "password", imap_set_password,
	    O(struct source_conf, password), 1 },
	{ S_SOURCE, "token_command", imap_set_token_command,
	    O(struct source_conf, token_command), 0 },
	{ S_SOURCE, "folder", imap_set_folder, O(struct source_conf, folder),
	    0 },
	{ S_SOURCE, "after", imap_set_after, 0, 0 },
	{ S_SOURCE, "batch_size", imap_set_batch,
	    O(struct source_conf, batch_size), 0 },
	{ S_SOURCE, "connect_timeout", imap_set_seconds,
	    O(struct source_conf, connect_timeout), 0 },
	{ S_SOURCE, "timeout", imap_set_seconds,
	    O(struct source_conf, timeout), 0 },
	{ S_RESOLVER, "order", set_order, 0, 0 },
	{ S_RESOLVER, "identity_headers", set_identity, 0, 0 },
	{ S_RESOLVER, "trusted_hosts", set_trusted, 0, 0 },
	{ S_RESOLVER, "users_file", set_file,
	    O(struct resolver_conf, users_file), 0 },
	{ S_RESOLVER, "networks_file", set_file,
	    O(struct resolver_conf, networks_file), 0 },
	/* The resolver's further steps, and escalation. */
	{ S_RESOLVER, "identity_regex", set_identity_regex, 0, 0 },
	{ S_RESOLVER, "domains_file", set_file,
	    O(struct resolver_conf, domains_file), 0 },
	{ S_RESOLVER, "http_url", set_url, O(struct resolver_conf, http_url),
	    0 },
	{ S_RESOLVER, "http_token_file", set_token_file,
	    O(struct resolver_conf, http_token_file), 0 },
	{ S_RESOLVER, "ca_file", set_file, O(struct resolver_conf, ca_file),
	    0 },
	{ S_RESOLVER, "http_cache_ttl", set_cache_ttl,
	    O(struct resolver_conf, http_cache_ttl), 0 },
	{ S_RESOLVER, "http_timeout", set_http_timeout,
	    O(struct resolver_conf, http_timeout), 0 },
	{ S_CASES, "escalate_internal", set_escalation,
	    O(struct cases_conf, escalate_internal), 0 },
	{ S_CASES, "escalate_external", set_escalation,
	    O(struct cases_conf, escalate_external), 0 },
	{ S_CASES, "timezone", set_timezone, O(struct cases_conf, timezone),
	    0 },
	{ S_REPORT, "output_dir", set_path, O(struct report_conf, output_dir),
	    0 },
	{ S_LIMITS, "max_message_size", set_size,
	    O(struct limits, message_size), 0 },
	{ S_LIMITS, "max_mime_depth", set_depth, O(struct limits, mime_depth),
	    0 },
	{ S_LIMITS, "max_mime_parts", set_count, O(struct limits, mime_parts),
	    0 },
	{ S_LIMITS, "max_headers", set_count, O(struct limits, headers), 0 },
	{ S_LIMITS, "max_header_length", set_size,
	    O(struct limits, header_len), 0 },
	{ S_LIMITS, "max_decoded_size", set_size,
	    O(struct limits, decoded_size), 0 },

	/* [email] */
	{ S_EMAIL, "url", set_smtp_url, O(struct email_conf, url), 0 },
	{ S_EMAIL, "from", set_address, O(struct email_conf, from), 0 },
	{ S_EMAIL, "to", set_recipients, 0, 0 },
	{ S_EMAIL, "user", set_text, O(struct email_conf, user), 0 },
	{ S_EMAIL, "password_file", set_password_file, 0, 0 },
	{ S_EMAIL, "password_env", set_password_env, 0, 0 },
	{ S_EMAIL, "ca_file", set_file, O(struct email_conf, ca_file), 0 },
	{ S_EMAIL, "subject", set_text, O(struct email_conf, subject), 0 },
	{ S_EMAIL, "timeout", set_timeout, O(struct email_conf, timeout), 0 },
	{ S_EMAIL, "max_attempts", set_attempts,
	    O(struct email_conf, max_attempts), 0 },
	{ S_EMAIL, "retry_base", set_delay, O(struct email_conf, retry_base),
	    0 },
	{ S_EMAIL, "retry_max", set_delay, O(struct email_conf, retry_max),
	    0 },

	/* [webhook NAME] */
	{ S_WEBHOOK, "url", set_http_url, O(struct webhook_conf, url), 0 },
	{ S_WEBHOOK, "secret_file", set_secret_file, 0, 0 },
	{ S_WEBHOOK, "secret", set_secret_inline, 0, 1 },
	{ S_WEBHOOK, "events", set_events, O(struct webhook_conf, events), 0 },
	{ S_WEBHOOK, "ca_file", set_file, O(struct webhook_conf, ca_file), 0 },
	{ S_WEBHOOK, "allow_plaintext", set_yesno,
	    O(struct webhook_conf, allow_plaintext), 0 },
	{ S_WEBHOOK, "timeout", set_timeout, O(struct webhook_conf, timeout),
	    0 },
	{ S_WEBHOOK, "max_attempts", set_attempts,
	    O(struct webhook_conf, max_attempts), 0 },
	{ S_WEBHOOK, "retry_base", set_delay,
	    O(struct webhook_conf, retry_base), 0 },
	{ S_WEBHOOK, "retry_max", set_delay,
	    O(struct webhook_conf, retry_max), 0 },
};

/* A new [webhook NAME]: its defaults, or NULL after reporting why not. */
static struct webhook_conf *
enter_webhook(struct loader *l, const char *name)
{
	struct config *c = l->c;
	struct webhook_conf *w;
	const char *p;
	size_t i;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			break;
	if (*p != '\0' || p - name > MAX_WEBHOOK_NAME) {
		report_err(l, l->line, NULL, "a webhook name is up to %d "
		    "letters, digits, '.', '_' or '-'", MAX_WEBHOOK_NAME);
		return NULL;
	}
	for (i = 0; i < c->nwebhooks; i++)
		if (strcmp(c->webhooks[i].name, name) == 0) {
			report_err(l, l->line, NULL, "webhook '%s' is already "
			    "defined at line %d", name, c->webhooks[i].line);
			return NULL;
		}
	if (c->nwebhooks >= MAX_WEBHOOKS) {
		report_err(l, l->line, NULL, "more than %d webhooks",
		    MAX_WEBHOOKS);
		return NULL;
	}
	c->webhooks = xrealloc(c->webhooks,
	    (c->nwebhooks + 1) * sizeof(*c->webhooks));
	w = &c->webhooks[c->nwebhooks++];
	memset(w, 0, sizeof(*w));
	w->name = xstrdup(name);
	w->line = l->line;
	w->events = EV_ALL;
	w->timeout = 10;
	w->max_attempts = 12;
	w->retry_base = 60;
	w->retry_max = 6 * 3600;
	return w;
}

/* Enter a section: "[store]", "[source NAME]". */
static void
enter_section(struct loader *l, const char *label)
{
	char kind[32];
	const char *sp = strchr(label, ' ');
	size_t kn = sp ? (size_t)(sp - label) : strlen(label), i;
	const char *name = sp ? sp + 1 : NULL;

	snprintf(l->sect_label, sizeof(l->sect_label), "%s", label);
	l->sect_line = l->line;
	l->sect = S_NONE;
	l->base = NULL;
	l->nseen = 0;
	if (kn >= sizeof(kind)) {
		report_err(l, l->line, NULL, "unknown section");
		return;
	}
	memcpy(kind, label, kn);
	kind[kn] = '\0';
	for (i = 1; i < sizeof(sect_names) / sizeof(sect_names[0]); i++)
		if (strcmp(kind, sect_names[i]) == 0)
			break;
	if (i == sizeof(sect_names) / sizeof(sect_names[0])) {
		report_err(l, l->line, NULL, "unknown section");
		return;
	}
	if (sect_named(i) != (name != NULL)) {
		if (sect_named(i))
			report_err(l, l->line, NULL, "this section needs a "
			    "name: [%s NAME]", sect_names[i]);
		else
			report_err(l, l->line, NULL, "this section takes no "
			    "name");
		return;
	}
	l->sect = (enum sect)i;
	switch (l->sect) {
	case S_STORE: l->base = l->c; break;
	case S_RESOLVER: l->base = &l->c->resolver; break;
	case S_CASES: l->base = &l->c->cases; break;
	case S_REPORT: l->base = &l->c->report; break;
	case S_LIMITS: l->base = &l->c->limits; break;
	case S_EMAIL:
		if (l->c->email.line != 0) {
			report_err(l, l->line, NULL, "already given at line "
			    "%d", l->c->email.line);
			l->sect = S_NONE;
			return;
		}
		l->c->email.line = l->line;
		l->base = &l->c->email;
		break;
	case S_WEBHOOK:
		l->base = enter_webhook(l, name);
		if (l->base == NULL)
			l->sect = S_NONE;
		break;
	case S_SOURCE: {
		struct config *c = l->c;
		struct source_conf *s;

		for (i = 0; i < c->nsources; i++)
			if (strcmp(c->sources[i].name, name) == 0) {
				report_err(l, l->line, NULL, "source '%s' is "
				    "already defined at line %d", name,
				    c->sources[i].line);
				l->sect = S_NONE;
				return;
			}
		if (c->nsources >= MAX_SOURCES) {
			report_err(l, l->line, NULL, "more than %d sources",
			    MAX_SOURCES);
			l->sect = S_NONE;
			return;
		}
		c->sources = xrealloc(c->sources,
		    (c->nsources + 1) * sizeof(*c->sources));
		s = &c->sources[c->nsources++];
		memset(s, 0, sizeof(*s));
		s->name = xstrdup(name);
		s->line = l->line;
		s->type = (enum source_type)-1;
		l->base = s;
		break;
	}
	default:
		break;
	}
}

/*
 * inih reads lines through this, so every line is seen here first: its
 * number is known when the handler runs, over-long lines are refused
 * instead of being cut in two, and continuation lines (which would append
 * to a value behind the user's back) are refused too.
 */
static char *
reader(char *out, int size, void *stream)
{
	struct loader *l = stream;
	size_t n;
	int c, too_long = 0;
	const char *p;

	n = 0;
	while ((c = getc(l->fp)) != EOF && c != '\n') {
		if (n + 1 < sizeof(l->raw))
			l->raw[n++] = (char)c;
		else
			too_long = 1;
	}
	if (c == EOF && n == 0 && !too_long)
		return NULL;
	l->line++;
	if (n > 0 && l->raw[n - 1] == '\r')
		n--;
	l->raw[n] = '\0';
	if (too_long || n > MAX_CONFIG_LINE || n + 2 > (size_t)size) {
		report_err(l, l->line, NULL, "line is longer than %d bytes; "
		    "put long values (URLs, secrets) in a file and name it "
		    "with a *_file key", MAX_CONFIG_LINE);
		snprintf(out, (size_t)size, "\n");
		return out;
	}
	for (p = l->raw; *p == ' ' || *p == '\t'; p++)
		;
	if (p != l->raw && *p != '\0' && *p != ';' && *p != '#') {
		report_err(l, l->line, NULL, "indented line: continuation "
		    "lines are not supported");
		snprintf(out, (size_t)size, "\n");
		return out;
	}
	if (*p != '[' && *p != '\0' && *p != ';' && *p != '#' &&
	    strpbrk(p, "=:") == NULL) {
		report_err(l, l->line, NULL, "expected 'key = value'");
		snprintf(out, (size_t)size, "\n");
		return out;
	}
	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (end == NULL) {
			report_err(l, l->line, NULL, "section header without "
			    "']'");
		} else {
			char label[128];
			size_t ln = (size_t)(end - p - 1);
			const char *s = p + 1;

			trim(&s, &ln);
			if (ln >= sizeof(label))
				ln = sizeof(label) - 1;
			memcpy(label, s, ln);
			label[ln] = '\0';
			enter_section(l, label);
		}
	}
	snprintf(out, (size_t)size, "%s\n", l->raw);
	return out;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *l = user;
	const char *msg;
	size_t i;

	(void)section;
	size_t k;

	if (l->sect == S_NONE)
		return 1;	/* the section was reported already */
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].sect == l->sect && strcmp(keys[i].name, name) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		report_err(l, l->line, name, "unknown key");
		return 1;
	}
	for (k = 0; k < l->nseen && !repeatable(l->sect, name); k++)
		if (strcmp(l->seen[k].name, name) == 0) {
			report_err(l, l->line, name, "given twice (first at "
			    "line %d)", l->seen[k].line);
			return 1;
		}
	if (!repeatable(l->sect, name) &&
	    l->nseen < sizeof(l->seen) / sizeof(l->seen[0])) {
		l->seen[l->nseen].name = keys[i].name;
		l->seen[l->nseen].line = l->line;
		l->nseen++;
	}
	if ((msg = keys[i].set(l, (char *)l->base + keys[i].off, value)) !=
	    NULL) {
		report_err(l, l->line, name, "%s", msg);
		return 1;
	}
	if (keys[i].secret && l->secret_line == 0)
		l->secret_line = l->line;
	if (keys[i].sect == S_SOURCE && imap_only_key(keys[i].name)) {
		struct source_conf *s = l->base;

		if (s->imap_key == NULL) {
			s->imap_key = keys[i].name;
			s->imap_key_line = l->line;
		}
	}
	return 1;
}

static void
defaults(struct config *c)
{
	static const enum resolve_step order[] = { STEP_HEADER,
	    STEP_SMTP_AUTH, STEP_NETWORK, STEP_DOMAIN, STEP_HTTP };
	static const char *const ident[] = { "X-AuthUser",
	    "X-Authenticated-Sender", "X-Authenticated-User" };
	size_t i;

	c->store_path = xstrdup(LOCALSTATEDIR "/lib/abuse-collector/abuse.db");
	c->report.output_dir = xstrdup(LOCALSTATEDIR
	    "/lib/abuse-collector/reports");
	c->cases.timezone = xstrdup("UTC");
	memcpy(c->resolver.order, order, sizeof(order));
	c->resolver.norder = sizeof(order) / sizeof(order[0]);
	c->resolver.nidentity_headers = sizeof(ident) / sizeof(ident[0]);
	c->resolver.identity_headers = xcalloc(sizeof(ident) / sizeof(ident[0]),
	    sizeof(char *));
	for (i = 0; i < sizeof(ident) / sizeof(ident[0]); i++)
		c->resolver.identity_headers[i] = xstrdup(ident[i]);
	c->resolver.http_cache_ttl = 3600;
	c->resolver.http_timeout = 10;
	limits_default(&c->limits);
	c->email.timeout = 60;
	c->email.max_attempts = 8;
	c->email.retry_base = 300;
	c->email.retry_max = 6 * 3600;
}

/* [email] and [webhook NAME]: required keys, and what goes together. */
static void
validate_outputs(struct loader *l)
{
	struct config *c = l->c;
	struct email_conf *m = &c->email;
	size_t i;

	if (m->line != 0) {
		snprintf(l->sect_label, sizeof(l->sect_label), "email");
		if (m->url == NULL)
			report_err(l, m->line, "url", "missing");
		if (m->from == NULL)
			report_err(l, m->line, "from", "missing");
		if (m->nto == 0)
			report_err(l, m->line, "to", "missing");
		if (m->user != NULL && m->password == NULL)
			report_err(l, m->line, "user", "needs password_file "
			    "or password_env");
		if (m->user == NULL && m->password != NULL)
			report_err(l, m->line, "user", "missing (a password "
			    "is given)");
		if (m->retry_max < m->retry_base)
			report_err(l, m->line, "retry_max", "is shorter than "
			    "retry_base");
	}
	for (i = 0; i < c->nwebhooks; i++) {
		struct webhook_conf *w = &c->webhooks[i];

		snprintf(l->sect_label, sizeof(l->sect_label), "webhook %s",
		    w->name);
		if (w->url == NULL)
			report_err(l, w->line, "url", "missing");
		else if (strncmp(w->url, "http://", 7) == 0 &&
		    !w->allow_plaintext)
			report_err(l, w->line, "url", "http:// sends events "
			    "unencrypted: use https://, or set "
			    "allow_plaintext = yes");
		if (w->secret == NULL)
			report_err(l, w->line, "secret_file", "missing (the "
			    "key that signs every delivery)");
		if (w->retry_max < w->retry_base)
			report_err(l, w->line, "retry_max", "is shorter than "
			    "retry_base");
	}
}

/*
 * The resolver's keys depend on each other: a step named in order needs
 * its table or URL (the default order skips steps not configured), an
 * expression needs its header in identity_headers, and a bearer token
 * goes only over https.  Then the identity rules the parsers use.
 */
static void
validate_resolver(struct loader *l)
{
	struct resolver_conf *r = &l->c->resolver;
	size_t i, k;

	snprintf(l->sect_label, sizeof(l->sect_label), "resolver");
	for (i = 0; r->order_line != 0 && i < r->norder; i++) {
		const char *need = NULL;

		switch (r->order[i]) {
		case STEP_SMTP_AUTH:
			need = r->users_file ? NULL : "users_file";
			break;
		case STEP_NETWORK:
			need = r->networks_file ? NULL : "networks_file";
			break;
		case STEP_DOMAIN:
			need = r->domains_file ? NULL : "domains_file";
			break;
		case STEP_HTTP:
			need = r->http_url ? NULL : "http_url";
			break;
		default:
			break;
		}
		if (need != NULL)
			report_err(l, r->order_line, "order", "step '%s' needs "
			    "%s", resolve_step_name(r->order[i]), need);
	}
	if (r->http_token_file != NULL && r->http_url != NULL &&
	    ascii_ncasecmp(r->http_url, "https://", 8) != 0)
		report_err(l, l->token_line, "http_token_file", "a bearer "
		    "token is sent only over https; http_url is http://");
	r->nidentity = r->nidentity_headers;
	r->identity = xcalloc(r->nidentity ? r->nidentity : 1,
	    sizeof(*r->identity));
	for (i = 0; i < r->nidentity; i++)
		r->identity[i].header = r->identity_headers[i];
	for (k = 0; k < r->nregexes; k++) {
		for (i = 0; i < r->nidentity; i++)
			if (ascii_casecmp(r->identity_headers[i],
			    r->regexes[k].header) == 0)
				break;
		if (i == r->nidentity)
			report_err(l, r->regexes[k].line, "identity_regex",
			    "header '%s' is not in identity_headers",
			    r->regexes[k].header);
		else
			r->identity[i].regex = &r->regexes[k].re;
	}
}

/* Checks that need the whole file: required keys per source type. */
static void
validate(struct loader *l)
{
	struct config *c = l->c;
	size_t i;

	for (i = 0; i < c->nsources; i++) {
		struct source_conf *s = &c->sources[i];

		snprintf(l->sect_label, sizeof(l->sect_label), "source %s",
		    s->name);
		if (s->type == (enum source_type)-1) {
			report_err(l, s->line, "type", "missing");
			continue;
		}
		if ((s->type == SOURCE_MAILDIR || s->type == SOURCE_MBOX) &&
		    s->path == NULL)
			report_err(l, s->line, "path", "missing (a %s source "
			    "reads a path)", source_type_name(s->type));
		if (s->type != SOURCE_IMAP && s->imap_key != NULL)
			report_err(l, s->imap_key_line, s->imap_key, "only an "
			    "imap source takes this key");
		if (s->type == SOURCE_IMAP)
			imap_validate(l, s);
	}
	validate_resolver(l);
	validate_outputs(l);
}

enum rc
config_load(struct config *c, const char *path, struct err *e)
{
	struct loader l;
	struct stat st;
	char *tmp;
	int r;

	memset(c, 0, sizeof(*c));
	memset(&l, 0, sizeof(l));
	c->file = xstrdup(path);
	tmp = xstrdup(path);
	c->dir = xstrdup(dirname(tmp));
	free(tmp);
	if (c->dir[0] != '/') {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) != NULL) {
			tmp = strcmp(c->dir, ".") == 0 ? xstrdup(cwd) :
			    xasprintf("%s/%s", cwd, c->dir);
			free(c->dir);
			c->dir = tmp;
		}
	}
	defaults(c);
	l.c = c;
	l.file = path;
	l.sect = S_TOP;
	l.base = c;
	if ((l.fp = fopen(path, "r")) == NULL) {
		err_set(e, RC_FATAL, "cannot open configuration '%s': %s",
		    path, strerror(errno));
		config_release(c);
		return RC_FATAL;
	}
	r = ini_parse_stream(reader, &l, handler, &l);
	if (r > 0 && l.errors == 0)
		report_err(&l, r, NULL, "cannot read this line");
	else if (r < 0)
		report_err(&l, 0, NULL, "cannot read the file");
	l.sect_label[0] = '\0';
	if (l.secret_line != 0 && fstat(fileno(l.fp), &st) == 0 &&
	    (st.st_mode & S_IROTH))
		report_err(&l, l.secret_line, NULL, "the file holds a secret "
		    "and is readable by others: chmod o-r %s, or move the "
		    "secret to a *_file key", path);
	fclose(l.fp);
	validate(&l);
	if (l.errors > MAX_CONFIG_ERRORS)
		fprintf(stderr, "%s: %d more errors not shown\n", path,
		    l.errors - MAX_CONFIG_ERRORS);
	if (l.errors > 0) {
		err_set(e, RC_FATAL, "%s: %d error%s in the configuration",
		    path, l.errors, l.errors == 1 ? "" : "s");
		config_release(c);
		return RC_FATAL;
	}
	return RC_OK;
}

/* Secrets are wiped before their memory goes back. */
static void
free_secret(char *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	free(p);
}

static void
release_outputs(struct config *c)
{
	struct email_conf *m = &c->email;
	size_t i;

	free(m->url);
	free(m->from);
	free_list(m->to, m->nto);
	free(m->user);
	free_secret(m->password, m->password ? strlen(m->password) : 0);
	free(m->password_from);
	free(m->ca_file);
	free(m->subject);
	for (i = 0; i < c->nwebhooks; i++) {
		struct webhook_conf *w = &c->webhooks[i];

		free(w->name);
		free(w->url);
		free_secret(w->secret, w->secret_len);
		free(w->secret_file);
		free(w->ca_file);
	}
	free(c->webhooks);
}

void
config_release(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nsources; i++) {
		free(c->sources[i].name);
		free(c->sources[i].path);
		imap_release(&c->sources[i]);
	}
	free(c->sources);
	free(c->resolver.identity);
	free_list(c->resolver.identity_headers, c->resolver.nidentity_headers);
	for (i = 0; i < c->resolver.nregexes; i++) {
		free(c->resolver.regexes[i].header);
		free(c->resolver.regexes[i].pattern);
		regfree(&c->resolver.regexes[i].re);
	}
	free(c->resolver.regexes);
	hostlist_release(&c->resolver.trusted_hosts);
	free(c->resolver.users_file);
	free(c->resolver.networks_file);
	free(c->resolver.domains_file);
	free(c->resolver.http_url);
	free(c->resolver.http_token_file);
	free(c->resolver.ca_file);
	free(c->cases.timezone);
	free(c->report.output_dir);
	release_outputs(c);
	free(c->store_path);
	free(c->file);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

void
config_parse_opts(const struct config *c, struct parse_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->lim = &c->limits;
	o->identity = c->resolver.identity;
	o->nidentity = c->resolver.nidentity;
	o->trusted = &c->resolver.trusted_hosts;
}

const char *
source_type_name(enum source_type t)
{
	switch (t) {
	case SOURCE_IMAP: return "imap";
	case SOURCE_MAILDIR: return "maildir";
	case SOURCE_MBOX: return "mbox";
	}
	return "?";
}

const char *
resolve_step_name(enum resolve_step s)
{
	switch (s) {
	case STEP_HEADER: return "header";
	case STEP_SMTP_AUTH: return "smtp_auth";
	case STEP_NETWORK: return "network";
	case STEP_DOMAIN: return "domain";
	case STEP_HTTP: return "http";
	default: return "?";
	}
}

/* http_url with any user:password@ masked. */
static void
print_url(FILE *f, const char *url)
{
	const char *h = strstr(url, "://") + 3, *at, *end;

	end = h + strcspn(h, "/?");
	at = memchr(h, '@', (size_t)(end - h));
	if (at == NULL)
		fprintf(f, "http_url = %s\n", url);
	else
		fprintf(f, "http_url = %.*s***@%s\n", (int)(h - url), url,
		    at + 1);
}

unsigned
event_flag(const char *name)
{
	static const struct { const char *name; unsigned flag; } ev[] = {
		{ "case.opened", EV_CASE_OPENED },
		{ "case.confirmed", EV_CASE_CONFIRMED },
		{ "case.escalated", EV_CASE_ESCALATED },
		{ "summary.daily", EV_SUMMARY_DAILY },
	};
	size_t i;

	for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		if (strcmp(name, ev[i].name) == 0)
			return ev[i].flag;
	return 0;
}

const struct webhook_conf *
config_webhook(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nwebhooks; i++)
		if (strcmp(c->webhooks[i].name, name) == 0)
			return &c->webhooks[i];
	return NULL;
}

/* [email] and the webhooks; a secret shows only where it comes from. */
static void
print_outputs(const struct config *c, FILE *f)
{
	static const char *const evname[] = { "case.opened",
	    "case.confirmed", "case.escalated", "summary.daily" };
	const struct email_conf *m = &c->email;
	size_t i, k, n;

	if (m->line != 0) {
		fprintf(f, "\n[email]\nurl = %s\nfrom = %s\nto = ", m->url,
		    m->from);
		for (i = 0; i < m->nto; i++)
			fprintf(f, "%s%s", i ? ", " : "", m->to[i]);
		fputc('\n', f);
		if (m->user != NULL)
			fprintf(f, "user = %s\n# password: (hidden, from %s)\n",
			    m->user, m->password_from);
		if (m->ca_file != NULL)
			fprintf(f, "ca_file = %s\n", m->ca_file);
		if (m->subject != NULL)
			fprintf(f, "subject = %s\n", m->subject);
		fprintf(f, "timeout = %llds\nmax_attempts = %lld\n"
		    "retry_base = %llds\nretry_max = %llds\n", m->timeout,
		    m->max_attempts, m->retry_base, m->retry_max);
	}
	for (i = 0; i < c->nwebhooks; i++) {
		const struct webhook_conf *w = &c->webhooks[i];

		fprintf(f, "\n[webhook %s]\nurl = %s\n", w->name, w->url);
		if (w->secret_file != NULL)
			fprintf(f, "secret_file = %s\n", w->secret_file);
		else
			fprintf(f, "secret = (hidden)\n");
		fprintf(f, "events = ");
		for (k = 0, n = 0; k < 4; k++)
			if (w->events & (1u << k))
				fprintf(f, "%s%s", n++ ? ", " : "", evname[k]);
		fputc('\n', f);
		if (w->ca_file != NULL)
			fprintf(f, "ca_file = %s\n", w->ca_file);
		if (w->allow_plaintext)
			fprintf(f, "allow_plaintext = yes\n");
		fprintf(f, "timeout = %llds\nmax_attempts = %lld\n"
		    "retry_base = %llds\nretry_max = %llds\n", w->timeout,
		    w->max_attempts, w->retry_base, w->retry_max);
	}
}

void
config_print(const struct config *c, FILE *f)
{
	const struct resolver_conf *r = &c->resolver;
	size_t i;
	char pfx[64];

	fprintf(f, "# %s\nlog = %s\n\n[store]\npath = %s\n", c->file,
	    c->log_syslog ? "syslog" : "stderr", c->store_path);
	for (i = 0; i < c->nsources; i++) {
		const struct source_conf *s = &c->sources[i];

		fprintf(f, "\n[source %s]\ntype = %s\nrole = %s\n", s->name,
		    source_type_name(s->type), role_name(s->role));
		if (s->path)
			fprintf(f, "path = %s\n", s->path);
		if (s->type == SOURCE_IMAP)
			imap_print(s, f);
	}
	fprintf(f, "\n[resolver]\norder = ");
	for (i = 0; i < r->norder; i++)
		fprintf(f, "%s%s", i ? ", " : "",
		    resolve_step_name(r->order[i]));
	fprintf(f, "\nidentity_headers = ");
	for (i = 0; i < r->nidentity_headers; i++)
		fprintf(f, "%s%s", i ? ", " : "", r->identity_headers[i]);
	fprintf(f, "\ntrusted_hosts = ");
	for (i = 0; i < r->trusted_hosts.nnames; i++)
		fprintf(f, "%s%s", i ? ", " : "", r->trusted_hosts.names[i]);
	for (i = 0; i < r->trusted_hosts.nprefixes; i++) {
		prefix_format(&r->trusted_hosts.prefixes[i], pfx, sizeof(pfx));
		fprintf(f, "%s%s", i || r->trusted_hosts.nnames ? ", " : "",
		    pfx);
	}
	fputc('\n', f);
	if (r->users_file)
		fprintf(f, "users_file = %s\n", r->users_file);
	if (r->networks_file)
		fprintf(f, "networks_file = %s\n", r->networks_file);
	for (i = 0; i < r->nregexes; i++)
		fprintf(f, "identity_regex = %s %s\n", r->regexes[i].header,
		    r->regexes[i].pattern);
	if (r->domains_file)
		fprintf(f, "domains_file = %s\n", r->domains_file);
	if (r->http_url) {
		print_url(f, r->http_url);
		if (r->http_token_file)
			fprintf(f, "http_token_file = %s\n",
			    r->http_token_file);
		if (r->ca_file)
			fprintf(f, "ca_file = %s\n", r->ca_file);
		fprintf(f, "http_cache_ttl = %lld\nhttp_timeout = %lld\n",
		    r->http_cache_ttl, r->http_timeout);
	}
	fprintf(f, "\n[cases]\ntimezone = %s\n", c->cases.timezone);
	if (c->cases.escalate_internal.count)
		fprintf(f, "escalate_internal = %ld in %llds\n",
		    c->cases.escalate_internal.count,
		    c->cases.escalate_internal.window);
	if (c->cases.escalate_external.count)
		fprintf(f, "escalate_external = %ld in %llds\n",
		    c->cases.escalate_external.count,
		    c->cases.escalate_external.window);
	fprintf(f, "\n[report]\noutput_dir = %s\n", c->report.output_dir);
	print_outputs(c, f);
	fprintf(f, "\n[limits]\nmax_message_size = %zu\nmax_mime_depth = %d\n"
	    "max_mime_parts = %zu\nmax_headers = %zu\nmax_header_length = %zu\n"
	    "max_decoded_size = %zu\n", c->limits.message_size,
	    c->limits.mime_depth, c->limits.mime_parts, c->limits.headers,
	    c->limits.header_len, c->limits.decoded_size);
}
