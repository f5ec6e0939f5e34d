#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
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
#include "files.h"

static const char *const sect_names[] = { "", "store", "source",
	"resolver", "cases", "report", "limits", "email", "webhook", "ticket",
	"metrics", "alerts", "notify", "action" };

/* Sections that come once per name: [source NAME], [webhook NAME]. */
static int
sect_named(size_t i)
{
	return i == S_SOURCE || i == S_WEBHOOK || i == S_TICKET ||
	    i == S_ACTION;
}

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


void
config_error(struct loader *l, int line, const char *key, const char *fmt,
    ...)
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

/*
 * Levenshtein distance of a and b, letters compared without case; names
 * longer than MAX_SUGGEST_NAME are too far from anything.
 */
size_t
cfg_distance(const char *a, const char *b)
{
	size_t row[MAX_SUGGEST_NAME + 1], la = strlen(a), lb = strlen(b);
	size_t i, j, diag, up, cost;

	if (la > MAX_SUGGEST_NAME || lb > MAX_SUGGEST_NAME)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cost = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? 0 : 1;
			row[j] = diag + cost;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* Near enough to be a misspelling: a third of the longer name, at least 2. */
int
cfg_near(const char *given, const char *known, size_t *best)
{
	size_t d = cfg_distance(given, known), la = strlen(given),
	    lb = strlen(known), lim = (la > lb ? la : lb) / 3;

	if (lim < 2)
		lim = 2;
	if (d == 0 || d > lim || d >= *best)
		return 0;
	*best = d;
	return 1;
}

/* For the files that hold the keys of one kind of source. */
const char *
config_raw_line(const struct loader *l)
{
	return l->raw;
}


/* Value setters. */

/* A path relative to the configuration file's directory. */
char *
cfg_abs_path(const struct loader *l, const char *v)
{
	return v[0] == '/' ? xstrdup(v) : xasprintf("%s/%s", l->c->dir, v);
}

const char *
cfg_set_path(struct loader *l, void *t, const char *v)
{
	char **p = t;

	if (*v == '\0')
		return "empty path";
	free(*p);
	*p = cfg_abs_path(l, v);
	return NULL;
}

/* A file that must exist and be readable now. */
const char *
cfg_set_file(struct loader *l, void *t, const char *v)
{
	static char msg[PATH_MAX + 64];
	char **p = t;
	char *path;

	if (*v == '\0')
		return "empty path";
	path = cfg_abs_path(l, v);
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

/* [store] group: a group that exists, by name or number. */
static const char *
set_group(struct loader *l, void *t, const char *v)
{
	static char msg[128 + MAX_GROUP_NAME];
	struct config *c = l->c;
	struct group *g;
	long long n;

	errno = 0;
	if (*v == '\0' || strlen(v) > MAX_GROUP_NAME)
		g = NULL;
	else if ((g = getgrnam(v)) == NULL && parse_ll(v, 0, 0x7ffffffe,
	    &n) == 0)
		g = getgrgid((gid_t)n);
	if (g == NULL) {
		snprintf(msg, sizeof(msg), "no group '%.*s' on this system",
		    MAX_GROUP_NAME, v);
		return msg;
	}
	free(c->store_group);
	c->store_group = xstrdup(g->gr_name);
	c->store_gid = g->gr_gid;
	return NULL;
}

/* [report] mode: octal, permissions bits only, nothing others may write
 * or run. */
static const char *
set_mode(struct loader *l, void *t, const char *v)
{
	int *p = t;
	char *end;
	long m;

	if (v[0] != '0' || strspn(v, "01234567") != strlen(v))
		return "must be an octal mode like 0640 (with its leading 0)";
	errno = 0;
	m = strtol(v, &end, 8);
	if (errno != 0 || *end != '\0' || m > 0777)
		return "must be an octal mode from 0000 to 0777";
	if (m & 0133)
		return "a summary is not run, and only its owner may write it: "
		    "use 0600, 0640 or 0644";
	if (!(m & 0400))
		return "the owner must be able to read it (0600, 0640, 0644)";
	*p = (int)m;
	return NULL;
}

/* [report] send_after and update_interval: 0 (at once) to 7 days. */
static const char *
set_settle(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_duration(v, &n) < 0 || n > 7 * 86400)
		return "must be a duration from 0 to 7d (like 0, 30m, 6h)";
	*(long long *)t = n;
	return NULL;
}

mode_t
config_store_mode(const struct config *c)
{
	return c->store_group != NULL ? 0640 : 0600;
}

mode_t
config_report_mode(const struct config *c)
{
	return c->report.mode >= 0 ? (mode_t)c->report.mode :
	    config_store_mode(c);
}

/* Split a comma-separated list; each item trimmed, none empty. */
int
cfg_split_list(const char *v, char ***items, size_t *n)
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

void
cfg_free_list(char **items, size_t n)
{
	while (n > 0)
		free(items[--n]);
	free(items);
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

/* A duration from 0 (keep nothing) to 10 years. */
static const char *
set_keep(struct loader *l, void *t, const char *v)
{
	long long *p = t, n;

	if (parse_duration(v, &n) < 0 || n > 3650LL * 86400)
		return "must be a duration from 0 to 3650d (like 30d)";
	*p = n;
	return NULL;
}

/* [alerts] source_failures: 0 (never) to 1000 collections in a row. */
static const char *
set_failures(struct loader *l, void *t, const char *v)
{
	long long *p = t;

	if (parse_ll(v, 0, 1000, p) < 0)
		return "must be a whole number from 0 (no alert) to 1000";
	return NULL;
}

/* silence: a duration from 0 (no alert) to 365 days. */
static const char *
set_silence(struct loader *l, void *t, const char *v)
{
	long long *p = t, n;

	if (parse_duration(v, &n) < 0 || n > 365LL * 86400)
		return "must be a duration from 0 (no alert) to 365d "
		    "(like 6h)";
	*p = n;
	return NULL;
}

/*
 * Every key: its section, its setter (here, in config_imap.c,
 * config_resolver.c or config_outputs.c) and where it goes.
 */
#define O(type, field)	offsetof(type, field)

static const struct key keys[] = {
	{ S_TOP, "log", set_log, O(struct config, log_syslog), 0 },
	{ S_STORE, "path", cfg_set_path, O(struct config, store_path), 0 },
	{ S_STORE, "group", set_group, 0, 0 },
	{ S_STORE, "keep_raw", set_keep, O(struct config, keep_raw), 0 },
	{ S_STORE, "keep", set_keep, O(struct config, keep), 0 },
	{ S_STORE, "keep_quarantine", set_keep,
	    O(struct config, keep_quarantine), 0 },
	{ S_SOURCE, "type", set_source_type, O(struct source_conf, type), 0 },
	{ S_SOURCE, "path", cfg_set_path, O(struct source_conf, path), 0 },
	{ S_SOURCE, "role", set_role, O(struct source_conf, role), 0 },
	/* imap sources */
	{ S_SOURCE, "host", imap_set_host, O(struct source_conf, host), 0 },
	{ S_SOURCE, "port", imap_set_port, O(struct source_conf, port), 0 },
	{ S_SOURCE, "tls", imap_set_tls, O(struct source_conf, tls), 0 },
	{ S_SOURCE, "allow_plaintext", imap_set_yesno,
	    O(struct source_conf, allow_plaintext), 0 },
	{ S_SOURCE, "ca_file", cfg_set_file, O(struct source_conf, ca_file), 0 },
	{ S_SOURCE, "user", imap_set_string, O(struct source_conf, user), 0 },
	{ S_SOURCE, "auth", imap_set_auth, O(struct source_conf, auth), 0 },
	{ S_SOURCE, "password_file", imap_set_password_file,
	    O(struct source_conf, password_file), 0 },
	{ S_SOURCE, "password_env", imap_set_env_name,
	    O(struct source_conf, password_env), 0 },
	{ S_SOURCE, "password", imap_set_password,
	    O(struct source_conf, password), 1 },
	{ S_SOURCE, "token_command", imap_set_token_command,
	    O(struct source_conf, token_command), 0 },
	{ S_SOURCE, "folder", imap_set_folder, 0, 0 },
	{ S_SOURCE, "after", imap_set_after, 0, 0 },
	{ S_SOURCE, "readonly", imap_set_yesno,
	    O(struct source_conf, readonly), 0 },
	{ S_SOURCE, "batch_size", imap_set_batch,
	    O(struct source_conf, batch_size), 0 },
	{ S_SOURCE, "connect_timeout", imap_set_seconds,
	    O(struct source_conf, connect_timeout), 0 },
	{ S_SOURCE, "timeout", imap_set_seconds,
	    O(struct source_conf, timeout), 0 },
	{ S_SOURCE, "deadline", imap_set_deadline,
	    O(struct source_conf, deadline), 0 },
	{ S_SOURCE, "silence", set_silence, O(struct source_conf, silence),
	    0 },
	{ S_ALERTS, "source_failures", set_failures,
	    O(struct alerts_conf, failures), 0 },
	{ S_ALERTS, "silence", set_silence, O(struct alerts_conf, silence),
	    0 },
	{ S_RESOLVER, "order", set_order, 0, 0 },
	{ S_RESOLVER, "identity_headers", set_identity, 0, 0 },
	{ S_RESOLVER, "trusted_hosts", set_trusted, 0, 0 },
	{ S_RESOLVER, "users_file", cfg_set_file,
	    O(struct resolver_conf, users_file), 0 },
	{ S_RESOLVER, "networks_file", cfg_set_file,
	    O(struct resolver_conf, networks_file), 0 },
	/* The resolver's further steps, and escalation. */
	{ S_RESOLVER, "identity_regex", set_identity_regex, 0, 0 },
	{ S_RESOLVER, "domains_file", cfg_set_file,
	    O(struct resolver_conf, domains_file), 0 },
	{ S_RESOLVER, "http_url", set_url, O(struct resolver_conf, http_url),
	    0 },
	{ S_RESOLVER, "http_token_file", set_token_file,
	    O(struct resolver_conf, http_token_file), 0 },
	{ S_RESOLVER, "ca_file", cfg_set_file, O(struct resolver_conf, ca_file),
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
	{ S_CASES, "max_clock_skew", set_clock_skew,
	    O(struct cases_conf, max_clock_skew), 0 },
	{ S_CASES, "max_report_age", set_report_age,
	    O(struct cases_conf, max_report_age), 0 },
	{ S_REPORT, "output_dir", cfg_set_path, O(struct report_conf, output_dir),
	    0 },
	{ S_REPORT, "keep", set_keep, O(struct report_conf, keep), 0 },
	{ S_REPORT, "mode", set_mode, O(struct report_conf, mode), 0 },
	{ S_REPORT, "send_after", set_settle, O(struct report_conf, send_after),
	    0 },
	{ S_REPORT, "update_interval", set_settle,
	    O(struct report_conf, update_interval), 0 },
	{ S_METRICS, "textfile", cfg_set_path,
	    O(struct config, metrics_textfile), 0 },
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
	{ S_EMAIL, "ca_file", cfg_set_file, O(struct email_conf, ca_file), 0 },
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
	{ S_WEBHOOK, "ca_file", cfg_set_file, O(struct webhook_conf, ca_file), 0 },
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
	/* [ticket NAME] */
	{ S_TICKET, "type", ticket_set_type, O(struct ticket_conf, type), 0 },
	{ S_TICKET, "url", ticket_set_url, O(struct ticket_conf, url), 0 },
	{ S_TICKET, "token_file", ticket_set_token_file, 0, 0 },
	{ S_TICKET, "user", set_text, O(struct ticket_conf, user), 0 },
	{ S_TICKET, "password_file", ticket_set_password_file, 0, 0 },
	{ S_TICKET, "queue", ticket_set_name, O(struct ticket_conf, queue), 0 },
	{ S_TICKET, "case_field", ticket_set_name,
	    O(struct ticket_conf, case_field), 0 },
	{ S_TICKET, "per", ticket_set_per, O(struct ticket_conf, per), 0 },
	{ S_TICKET, "events", set_case_events,
	    O(struct ticket_conf, events), 0 },
	{ S_TICKET, "resolve_on_unconfirmed", set_yesno,
	    O(struct ticket_conf, resolve_on_unconfirmed), 0 },
	{ S_TICKET, "ca_file", cfg_set_file, O(struct ticket_conf, ca_file), 0 },
	{ S_TICKET, "allow_plaintext", set_yesno,
	    O(struct ticket_conf, allow_plaintext), 0 },
	{ S_TICKET, "timeout", set_timeout, O(struct ticket_conf, timeout), 0 },
	{ S_TICKET, "max_attempts", set_attempts,
	    O(struct ticket_conf, max_attempts), 0 },
	{ S_TICKET, "retry_base", set_delay, O(struct ticket_conf, retry_base),
	    0 },
	{ S_TICKET, "retry_max", set_delay, O(struct ticket_conf, retry_max),
	    0 },
	{ S_TICKET, "create_method", ticket_set_method,
	    O(struct ticket_conf, http.create_method), 0 },
	{ S_TICKET, "create_url", ticket_set_url_tpl,
	    O(struct ticket_conf, http.create_url), 0 },
	{ S_TICKET, "create_body", ticket_set_create_body, 0, 0 },
	{ S_TICKET, "create_body_file", ticket_set_create_body_file, 0, 0 },
	{ S_TICKET, "update_method", ticket_set_method,
	    O(struct ticket_conf, http.update_method), 0 },
	{ S_TICKET, "update_url", ticket_set_url_tpl,
	    O(struct ticket_conf, http.update_url), 0 },
	{ S_TICKET, "update_body", ticket_set_update_body, 0, 0 },
	{ S_TICKET, "update_body_file", ticket_set_update_body_file, 0, 0 },
	{ S_TICKET, "search_url", ticket_set_url_tpl,
	    O(struct ticket_conf, http.search_url), 0 },
	{ S_TICKET, "search_pointer", ticket_set_pointer,
	    O(struct ticket_conf, http.search_pointer), 0 },
	{ S_TICKET, "id_pointer", ticket_set_pointer,
	    O(struct ticket_conf, http.id_pointer), 0 },
	{ S_TICKET, "link", ticket_set_url_tpl,
	    O(struct ticket_conf, http.link), 0 },
	{ S_TICKET, "auth_scheme", ticket_set_auth_scheme,
	    O(struct ticket_conf, http.auth_scheme), 0 },
	/* [notify] */
	{ S_NOTIFY, "contacts_file", cfg_set_file,
	    O(struct notify_conf, contacts_file), 0 },
	{ S_NOTIFY, "events", notify_set_events, O(struct notify_conf, events),
	    0 },
	{ S_NOTIFY, "from", set_address, O(struct notify_conf, from), 0 },
	{ S_NOTIFY, "reply_to", set_address, O(struct notify_conf, reply_to),
	    0 },
	{ S_NOTIFY, "bcc", set_address, O(struct notify_conf, bcc), 0 },
	{ S_NOTIFY, "min_interval", notify_set_interval,
	    O(struct notify_conf, min_interval), 0 },
	{ S_NOTIFY, "template_dir", notify_set_dir,
	    O(struct notify_conf, template_dir), 0 },
	/* [action NAME] */
	{ S_ACTION, "command", action_set_command, 0, 0 },
	{ S_ACTION, "events", set_case_events,
	    O(struct action_conf, events), 0 },
	{ S_ACTION, "timeout", set_timeout, O(struct action_conf, timeout), 0 },
	{ S_ACTION, "max_attempts", set_attempts,
	    O(struct action_conf, max_attempts), 0 },
	{ S_ACTION, "retry_base", set_delay, O(struct action_conf, retry_base),
	    0 },
	{ S_ACTION, "retry_max", set_delay, O(struct action_conf, retry_max),
	    0 },
};

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
		config_error(l, l->line, NULL, "unknown section");
		return;
	}
	memcpy(kind, label, kn);
	kind[kn] = '\0';
	for (i = 1; i < sizeof(sect_names) / sizeof(sect_names[0]); i++)
		if (strcmp(kind, sect_names[i]) == 0)
			break;
	if (i == sizeof(sect_names) / sizeof(sect_names[0])) {
		size_t best = (size_t)-1, g = 0;

		for (i = 1; i < sizeof(sect_names) / sizeof(sect_names[0]); i++)
			if (cfg_near(kind, sect_names[i], &best))
				g = i;
		if (g != 0)
			config_error(l, l->line, NULL, "unknown section: did "
			    "you mean [%s%s]?", sect_names[g],
			    sect_named(g) ? " NAME" : "");
		else
			config_error(l, l->line, NULL, "unknown section");
		return;
	}
	if (sect_named(i) != (name != NULL)) {
		if (sect_named(i))
			config_error(l, l->line, NULL, "this section needs a "
			    "name: [%s NAME]", sect_names[i]);
		else
			config_error(l, l->line, NULL, "this section takes no "
			    "name");
		return;
	}
	l->sect = (enum sect)i;
	switch (l->sect) {
	case S_STORE: l->base = l->c; break;
	case S_METRICS: l->base = l->c; break;
	case S_RESOLVER: l->base = &l->c->resolver; break;
	case S_CASES: l->base = &l->c->cases; break;
	case S_REPORT: l->base = &l->c->report; break;
	case S_LIMITS: l->base = &l->c->limits; break;
	case S_ALERTS: l->base = &l->c->alerts; break;
	case S_EMAIL:
		if (l->c->email.line != 0) {
			config_error(l, l->line, NULL, "already given at line "
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
	case S_TICKET:
		l->base = enter_ticket(l, name);
		if (l->base == NULL)
			l->sect = S_NONE;
		break;
	case S_NOTIFY:
		enter_notify(l);
		break;
	case S_ACTION:
		l->base = enter_action(l, name);
		if (l->base == NULL)
			l->sect = S_NONE;
		break;
	case S_SOURCE: {
		struct config *c = l->c;
		struct source_conf *s;

		for (i = 0; i < c->nsources; i++)
			if (strcmp(c->sources[i].name, name) == 0) {
				config_error(l, l->line, NULL, "source '%s' is "
				    "already defined at line %d", name,
				    c->sources[i].line);
				l->sect = S_NONE;
				return;
			}
		if (c->nsources >= MAX_SOURCES) {
			config_error(l, l->line, NULL, "more than %d sources",
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
		s->silence = -1;
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
		config_error(l, l->line, NULL, "line is longer than %d bytes; "
		    "put long values (URLs, secrets) in a file and name it "
		    "with a *_file key", MAX_CONFIG_LINE);
		snprintf(out, (size_t)size, "\n");
		return out;
	}
	for (p = l->raw; *p == ' ' || *p == '\t'; p++)
		;
	if (p != l->raw && *p != '\0' && *p != ';' && *p != '#') {
		config_error(l, l->line, NULL, "indented line: continuation "
		    "lines are not supported");
		snprintf(out, (size_t)size, "\n");
		return out;
	}
	if (*p != '[' && *p != '\0' && *p != ';' && *p != '#' &&
	    strpbrk(p, "=:") == NULL) {
		config_error(l, l->line, NULL, "expected 'key = value'");
		snprintf(out, (size_t)size, "\n");
		return out;
	}
	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (end == NULL) {
			config_error(l, l->line, NULL, "section header without "
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
		size_t best = (size_t)-1, g = i;

		if (l->sect == S_EMAIL && strcmp(name, "password") == 0) {
			l->c->email.password_given = 1;
			config_error(l, l->line, name, "not taken here: put "
			    "the password in a file others cannot read and "
			    "give password_file, or give password_env");
			return 1;
		}
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (keys[k].sect == l->sect &&
			    cfg_near(name, keys[k].name, &best))
				g = k;
		if (g < sizeof(keys) / sizeof(keys[0]))
			config_error(l, l->line, name, "unknown key: did you "
			    "mean %s?", keys[g].name);
		else
			config_error(l, l->line, name, "unknown key");
		return 1;
	}
	for (k = 0; k < l->nseen && !repeatable(l->sect, name); k++)
		if (strcmp(l->seen[k].name, name) == 0) {
			config_error(l, l->line, name, "given twice (first at "
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
		config_error(l, l->line, name, "%s", msg);
		return 1;
	}
	/* Where the paths check-config looks at were given. */
	if (l->sect == S_SOURCE && strcmp(name, "path") == 0)
		((struct source_conf *)l->base)->path_line = l->line;
	else if (l->sect == S_STORE && strcmp(name, "path") == 0)
		l->c->store_line = l->line;
	else if (l->sect == S_REPORT && strcmp(name, "output_dir") == 0)
		l->c->report.output_dir_line = l->line;
	if (keys[i].secret && l->secret_line == 0) {
		l->secret_line = l->line;
		snprintf(l->secret_sect, sizeof(l->secret_sect), "%s",
		    l->sect_label);
		l->secret_key = keys[i].name;
	}
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

	c->store_path = xstrdup(CONFIG_DEFAULT_STORE);
	c->report.output_dir = xstrdup(CONFIG_DEFAULT_OUTPUT);
	c->report.mode = -1;
	c->report.send_after = 6 * 3600;
	c->report.update_interval = 12 * 3600;
	c->store_gid = NO_GROUP;
	c->keep_raw = 30LL * 86400;
	c->keep = 400LL * 86400;
	c->keep_quarantine = 90LL * 86400;
	c->cases.timezone = xstrdup("UTC");
	c->cases.max_clock_skew = 3600;
	c->cases.max_report_age = -1;
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
	c->alerts.failures = 3;
	c->alerts.silence = 6 * 3600;
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
			config_error(l, s->line, "type", "missing");
			continue;
		}
		if ((s->type == SOURCE_MAILDIR || s->type == SOURCE_MBOX) &&
		    s->path == NULL)
			config_error(l, s->line, "path", "missing (a %s source "
			    "reads a path)", source_type_name(s->type));
		if (s->type != SOURCE_IMAP && s->imap_key != NULL)
			config_error(l, s->imap_key_line, s->imap_key, "only an "
			    "imap source takes this key");
		if (s->type == SOURCE_IMAP)
			imap_validate(l, s);
	}
	/* A report older than what the store keeps is not trusted with
	 * its own date either, unless said otherwise. */
	if (c->cases.max_report_age < 0)
		c->cases.max_report_age = c->keep <= 0 ||
		    c->keep >= 3650LL * 86400 ? 3650LL * 86400 :
		    c->keep < 86400 ? 86400 : c->keep;
	validate_resolver(l);
	validate_outputs(l);
	validate_tickets(l);
	validate_notify(l);
	validate_actions(l);
}

int
config_read(struct config *c, const char *path, struct err *e)
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
		return -1;
	}
	r = ini_parse_stream(reader, &l, handler, &l);
	if (r > 0 && l.errors == 0)
		config_error(&l, r, NULL, "cannot read this line");
	else if (r < 0)
		config_error(&l, 0, NULL, "cannot read the file");
	l.sect_label[0] = '\0';
	if (l.secret_line != 0 && fstat(fileno(l.fp), &st) == 0 &&
	    (st.st_mode & S_IROTH)) {
		snprintf(l.sect_label, sizeof(l.sect_label), "%s",
		    l.secret_sect);
		config_error(&l, l.secret_line, l.secret_key, "an inline "
		    "secret in a file others can read: chmod o-r %s, or "
		    "move the secret to %s_file", path, l.secret_key);
		l.sect_label[0] = '\0';
	}
	fclose(l.fp);
	validate(&l);
	if (l.errors > MAX_CONFIG_ERRORS)
		fprintf(stderr, "%s: %d more errors not shown\n", path,
		    l.errors - MAX_CONFIG_ERRORS);
	if (l.errors > 0)
		err_set(e, RC_FATAL, "%s: %d error%s in the configuration",
		    path, l.errors, l.errors == 1 ? "" : "s");
	return l.errors;
}

enum rc
config_load(struct config *c, const char *path, struct err *e)
{
	int n = config_read(c, path, e);

	if (n == 0)
		return RC_OK;
	if (n > 0)
		config_release(c);
	return RC_FATAL;
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
	release_resolver(c);
	free(c->report.output_dir);
	release_outputs(c);
	release_tickets(c);
	release_notify(c);
	release_actions(c);
	free(c->store_path);
	free(c->store_group);
	free(c->metrics_textfile);
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
	o->own_from = c->email.from;
	o->own_subject = c->email.subject;
}

void
config_warn(const struct config *c)
{
	const struct hostlist *t = &c->resolver.trusted_hosts;

	if (t->nnames > 0 && t->nprefixes == 0)
		fprintf(stderr, "%s:%d: [resolver] trusted_hosts: warning: "
		    "names only, no address: a hop counts as sent by one of "
		    "our hosts only by the address its receiver recorded, and "
		    "names alone match none; list the servers' addresses or "
		    "prefixes too\n",
		    c->file, c->resolver.trusted_line);
	if (c->nsources == 0)
		fprintf(stderr, "%s: warning: no [source NAME] section: run "
		    "and collect refuse to start (parse, import and report "
		    "need none)\n", c->file);
}

long long
config_silence(const struct config *c, const struct source_conf *s)
{
	return s->silence >= 0 ? s->silence : c->alerts.silence;
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

/* A duration in whole days when it is, with 0 for "for ever" or "not
 * at all" as the key says. */
static void
print_keep(FILE *f, const char *key, long long v)
{
	fprintf(f, "%s = %lld%s\n", key, v % 86400 == 0 ? v / 86400 : v,
	    v % 86400 == 0 && v != 0 ? "d" : "s");
}

void
config_print(const struct config *c, FILE *f)
{
	size_t i;

	fprintf(f, "# %s\nlog = %s\n\n[store]\npath = %s\n", c->file,
	    c->log_syslog ? "syslog" : "stderr", c->store_path);
	if (c->store_group != NULL)
		fprintf(f, "group = %s\n", c->store_group);
	fprintf(f, "# mode %04o\n", (unsigned)config_store_mode(c));
	print_keep(f, "keep_raw", c->keep_raw);
	print_keep(f, "keep", c->keep);
	print_keep(f, "keep_quarantine", c->keep_quarantine);
	for (i = 0; i < c->nsources; i++) {
		const struct source_conf *s = &c->sources[i];

		fprintf(f, "\n[source %s]\ntype = %s\nrole = %s\n", s->name,
		    source_type_name(s->type), role_name(s->role));
		if (s->path)
			fprintf(f, "path = %s\n", s->path);
		if (s->silence >= 0)
			fprintf(f, "silence = %llds\n", s->silence);
		if (s->type == SOURCE_IMAP)
			imap_print(s, f);
	}
	print_resolver(c, f);
	fprintf(f, "\n[report]\noutput_dir = %s\n", c->report.output_dir);
	if (c->report.mode >= 0)
		fprintf(f, "mode = %04o\n", (unsigned)c->report.mode);
	else
		fprintf(f, "# mode %04o\n", (unsigned)config_report_mode(c));
	fprintf(f, "send_after = %llds\nupdate_interval = %llds\n",
	    c->report.send_after, c->report.update_interval);
	print_keep(f, "keep", c->report.keep);
	print_outputs(c, f);
	fprintf(f, "\n[alerts]\nsource_failures = %lld\nsilence = %llds\n",
	    c->alerts.failures, c->alerts.silence);
	print_tickets(c, f);
	print_notify(c, f);
	print_actions(c, f);
	if (c->metrics_textfile != NULL)
		fprintf(f, "\n[metrics]\ntextfile = %s\n", c->metrics_textfile);
	fprintf(f, "\n[limits]\nmax_message_size = %zu\nmax_mime_depth = %d\n"
	    "max_mime_parts = %zu\nmax_headers = %zu\nmax_header_length = %zu\n"
	    "max_decoded_size = %zu\n", c->limits.message_size,
	    c->limits.mime_depth, c->limits.mime_parts, c->limits.headers,
	    c->limits.header_len, c->limits.decoded_size);
}
