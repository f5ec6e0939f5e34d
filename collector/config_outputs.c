/*
 * The configuration of the outputs: [email] and [webhook NAME].
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"
#include "files.h"

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

const char *
set_attempts(struct loader *l, void *t, const char *v)
{
	return set_ll(t, v, 1, 100, "must be a whole number from 1 to 100");
}

/* A duration from 1 second to 7 days ("30s", "10m", "6h"). */
const char *
set_delay(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 7 * 86400)
		return "must be a duration from 1s to 7d (like 30s, 10m, 6h)";
	*(long long *)t = n;
	return NULL;
}

/* A network timeout: 1 second to 10 minutes. */
const char *
set_timeout(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 600)
		return "must be a duration from 1s to 10m";
	*(long long *)t = n;
	return NULL;
}

/* Text that goes into a mail header or a log line: printable ASCII and
 * UTF-8, no control characters. */
const char *
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

const char *
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

const char *
set_recipients(struct loader *l, void *t, const char *v)
{
	static char msg[MAX_ADDRESS_LEN + 64];
	struct email_conf *m = t;
	char **items;
	size_t n, i;

	if (cfg_split_list(v, &items, &n) < 0)
		return "empty item in list";
	if (n > MAX_EMAIL_RCPT) {
		cfg_free_list(items, n);
		return "too many recipients";
	}
	for (i = 0; i < n; i++)
		if (!valid_address(items[i])) {
			snprintf(msg, sizeof(msg), "'%.*s' is not a mail "
			    "address", MAX_ADDRESS_LEN, items[i]);
			cfg_free_list(items, n);
			return msg;
		}
	cfg_free_list(m->to, m->nto);
	m->to = items;
	m->nto = n;
	return NULL;
}

const char *
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

const char *
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
	path = cfg_abs_path(l, v);
	if (stat(path, &st) == 0 &&
	    secret_file_private(path, st.st_mode, msg, sizeof(msg)) != 0) {
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

const char *
set_password_file(struct loader *l, void *t, const char *v)
{
	struct email_conf *m = t;
	char *path = NULL;
	size_t n;
	const char *msg;

	if (m->password != NULL)
		return "give one of password_file and password_env";
	m->password_given = 1;
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

const char *
set_password_env(struct loader *l, void *t, const char *v)
{
	struct email_conf *m = t;
	const char *val;

	if (m->password != NULL)
		return "give one of password_file and password_env";
	m->password_given = 1;
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

const char *
set_secret_file(struct loader *l, void *t, const char *v)
{
	struct webhook_conf *w = t;

	if (w->secret != NULL)
		return "give one of secret and secret_file";
	w->secret_given = 1;
	return read_secret(l, v, &w->secret, &w->secret_len, &w->secret_file);
}

const char *
set_secret_inline(struct loader *l, void *t, const char *v)
{
	struct webhook_conf *w = t;

	if (w->secret != NULL)
		return "give one of secret and secret_file";
	w->secret_given = 1;
	if (*v == '\0')
		return "empty secret";
	w->secret = xstrdup(v);
	w->secret_len = strlen(v);
	return NULL;
}

const char *
set_events(struct loader *l, void *t, const char *v)
{
	static char msg[400];
	unsigned *ev = t, f, all = 0;
	char **items;
	size_t n, i;

	if (cfg_split_list(v, &items, &n) < 0)
		return "empty item in list";
	for (i = 0; i < n; i++) {
		if ((f = event_flag(items[i])) == 0) {
			snprintf(msg, sizeof(msg), "unknown event '%.200s' "
			    "(case.opened, case.confirmed, case.unconfirmed, "
			    "case.escalated, summary.daily, summary.updated, "
			    "source.failing, source.silent, source.recovered)",
			    items[i]);
			cfg_free_list(items, n);
			return msg;
		}
		all |= f;
	}
	/* Whoever acts on a confirmation must hear when it is taken back. */
	if (all & EV_CASE_CONFIRMED)
		all |= EV_CASE_UNCONFIRMED;
	/* Whoever keeps a day's summary must hear when it changes. */
	if (all & EV_SUMMARY_DAILY)
		all |= EV_SUMMARY_UPDATED;
	/* Whoever hears of a source's fault must hear when it passes. */
	if (all & (EV_SOURCE_FAILING | EV_SOURCE_SILENT))
		all |= EV_SOURCE_RECOVERED;
	cfg_free_list(items, n);
	*ev = all;
	return NULL;
}

/* events of [ticket NAME] and [action NAME]: case events only. */
const char *
set_case_events(struct loader *l, void *t, const char *v)
{
	unsigned *ev = t;
	const char *msg;

	if ((msg = set_events(l, t, v)) != NULL)
		return msg;
	if (*ev & ~(EV_CASE_CONFIRMED | EV_CASE_ESCALATED |
	    EV_CASE_UNCONFIRMED | EV_CASE_OPENED))
		return "case events only (case.opened, case.confirmed, "
		    "case.escalated, case.unconfirmed)";
	return NULL;
}

/* A target's name (config_int.h). */
int
target_name_ok(struct loader *l, const char *what, const char *name,
    size_t n, const char *(*name_of)(const struct config *, size_t),
    int (*line_of)(const struct config *, size_t))
{
	const char *p;
	size_t i;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			break;
	if (*p != '\0' || p - name > MAX_WEBHOOK_NAME) {
		config_error(l, l->line, NULL, "a %s name is up to %d "
		    "letters, digits, '.', '_' or '-'", what, MAX_WEBHOOK_NAME);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (strcmp(name_of(l->c, i), name) == 0) {
			config_error(l, l->line, NULL, "%s '%s' is already "
			    "defined at line %d", what, name, line_of(l->c, i));
			return 0;
		}
	if (n >= MAX_WEBHOOKS) {
		config_error(l, l->line, NULL, "more than %d %ss",
		    MAX_WEBHOOKS, what);
		return 0;
	}
	return 1;
}

static const char *
webhook_name(const struct config *c, size_t i)
{
	return c->webhooks[i].name;
}

static int
webhook_line(const struct config *c, size_t i)
{
	return c->webhooks[i].line;
}

/* A new [webhook NAME]: its defaults, or NULL after reporting why not. */
struct webhook_conf *
enter_webhook(struct loader *l, const char *name)
{
	struct config *c = l->c;
	struct webhook_conf *w;

	if (!target_name_ok(l, "webhook", name, c->nwebhooks, webhook_name,
	    webhook_line))
		return NULL;
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

/* [email] and [webhook NAME]: required keys, and what goes together. */
void
validate_outputs(struct loader *l)
{
	struct config *c = l->c;
	struct email_conf *m = &c->email;
	size_t i;

	if (m->line != 0) {
		snprintf(l->sect_label, sizeof(l->sect_label), "email");
		if (m->url == NULL)
			config_error(l, m->line, "url", "missing");
		if (m->from == NULL)
			config_error(l, m->line, "from", "missing");
		if (m->nto == 0)
			config_error(l, m->line, "to", "missing");
		if (m->user != NULL && m->password == NULL &&
		    !m->password_given)
			config_error(l, m->line, "user", "needs password_file "
			    "or password_env");
		if (m->user == NULL && (m->password != NULL ||
		    m->password_given))
			config_error(l, m->line, "user", "missing (a password "
			    "is given)");
		if (m->retry_max < m->retry_base)
			config_error(l, m->line, "retry_max", "is shorter than "
			    "retry_base");
	}
	for (i = 0; i < c->nwebhooks; i++) {
		struct webhook_conf *w = &c->webhooks[i];

		snprintf(l->sect_label, sizeof(l->sect_label), "webhook %s",
		    w->name);
		if (w->url == NULL)
			config_error(l, w->line, "url", "missing");
		else if (strncmp(w->url, "http://", 7) == 0 &&
		    !w->allow_plaintext)
			config_error(l, w->line, "url", "http:// sends events "
			    "unencrypted: use https://, or set "
			    "allow_plaintext = yes");
		if (w->secret == NULL && !w->secret_given)
			config_error(l, w->line, "secret_file", "missing (the "
			    "key that signs every delivery)");
		if (w->retry_max < w->retry_base)
			config_error(l, w->line, "retry_max", "is shorter than "
			    "retry_base");
	}
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

void
release_outputs(struct config *c)
{
	struct email_conf *m = &c->email;
	size_t i;

	free(m->url);
	free(m->from);
	cfg_free_list(m->to, m->nto);
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

unsigned
event_flag(const char *name)
{
	static const struct { const char *name; unsigned flag; } ev[] = {
		{ "case.opened", EV_CASE_OPENED },
		{ "case.confirmed", EV_CASE_CONFIRMED },
		{ "case.escalated", EV_CASE_ESCALATED },
		{ "summary.daily", EV_SUMMARY_DAILY },
		{ "case.unconfirmed", EV_CASE_UNCONFIRMED },
		{ "summary.updated", EV_SUMMARY_UPDATED },
		{ "source.failing", EV_SOURCE_FAILING },
		{ "source.silent", EV_SOURCE_SILENT },
		{ "source.recovered", EV_SOURCE_RECOVERED },
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
void
print_outputs(const struct config *c, FILE *f)
{
	static const char *const evname[] = { "case.opened",
	    "case.confirmed", "case.escalated", "summary.daily",
	    "case.unconfirmed", "summary.updated", "source.failing",
	    "source.silent", "source.recovered" };
	const struct email_conf *m = &c->email;
	size_t i, k, n;
	char *u;

	if (m->line != 0) {
		u = url_masked(m->url);
		fprintf(f, "\n[email]\nurl = %s\nfrom = %s\nto = ", u, m->from);
		free(u);
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

		u = url_masked(w->url);
		fprintf(f, "\n[webhook %s]\nurl = %s\n", w->name, u);
		free(u);
		if (w->secret_file != NULL)
			fprintf(f, "secret_file = %s\n", w->secret_file);
		else
			fprintf(f, "secret = (hidden)\n");
		fprintf(f, "events = ");
		for (k = 0, n = 0; k < sizeof(evname) / sizeof(evname[0]);
		    k++)
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
