/*
 * The configuration of ticket targets: [ticket NAME].
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "secret.h"
#include "ticket_tpl.h"

const char *
ticket_set_type(struct loader *l, void *t, const char *v)
{
	enum ticket_type *p = t;

	(void)l;
	if (strcmp(v, "rt") == 0)
		*p = TICKET_RT;
	else if (strcmp(v, "http") == 0)
		*p = TICKET_HTTP;
	else
		return "unknown type (rt: Request Tracker's REST2 API; http: "
		    "requests from templates)";
	return NULL;
}

const char *
ticket_set_method(struct loader *l, void *t, const char *v)
{
	char **p = t;

	(void)l;
	if (strcmp(v, "POST") != 0 && strcmp(v, "PUT") != 0 &&
	    strcmp(v, "PATCH") != 0)
		return "must be POST, PUT or PATCH";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

/* A URL template: http(s)://, no spaces; checked again at the end for
 * its placeholders. */
const char *
ticket_set_url_tpl(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const unsigned char *u;

	(void)l;
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return "must start with https:// (or http://)";
	if (strlen(v) > 2048)
		return "longer than 2048 bytes";
	for (u = (const unsigned char *)v; *u; u++)
		if (*u <= 0x20 || *u >= 0x7f)
			return "spaces and characters that are not printable "
			    "ASCII are not allowed (percent-encode them)";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

static const char *
set_body(char **p, char *v)
{
	if (*p != NULL) {
		free(v);
		return "a body is given twice (inline and from a file?)";
	}
	*p = v;
	return NULL;
}

const char *
ticket_set_create_body(struct loader *l, void *t, const char *v)
{
	struct ticket_conf *k = t;

	k->http.create_line = l->line;
	return set_body(&k->http.create_body, xstrdup(v));
}

const char *
ticket_set_update_body(struct loader *l, void *t, const char *v)
{
	struct ticket_conf *k = t;

	k->http.update_line = l->line;
	return set_body(&k->http.update_body, xstrdup(v));
}

/* A body template from a file, for a body longer than a line of the
 * configuration may be. */
static const char *
body_file(struct loader *l, const char *v, char **out)
{
	static char msg[PATH_MAX + 128];
	char *path, *data;
	size_t n;
	FILE *f;

	*out = NULL;
	if (*v == '\0')
		return "empty path";
	path = cfg_abs_path(l, v);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		free(path);
		return msg;
	}
	data = xmalloc(MAX_TICKET_TEMPLATE + 1);
	n = fread(data, 1, MAX_TICKET_TEMPLATE + 1, f);
	if (ferror(f) || n > MAX_TICKET_TEMPLATE || memchr(data, '\0', n)) {
		snprintf(msg, sizeof(msg), "%s: %s", path, ferror(f) ?
		    strerror(errno) : n > MAX_TICKET_TEMPLATE ?
		    "longer than 32 KiB" : "holds a NUL byte");
		fclose(f);
		free(data);
		free(path);
		return msg;
	}
	fclose(f);
	free(path);
	data[n] = '\0';
	*out = data;
	return NULL;
}

const char *
ticket_set_create_body_file(struct loader *l, void *t, const char *v)
{
	struct ticket_conf *k = t;
	const char *msg;
	char *data;

	if ((msg = body_file(l, v, &data)) != NULL)
		return msg;
	k->http.create_line = l->line;
	return set_body(&k->http.create_body, data);
}

const char *
ticket_set_update_body_file(struct loader *l, void *t, const char *v)
{
	struct ticket_conf *k = t;
	const char *msg;
	char *data;

	if ((msg = body_file(l, v, &data)) != NULL)
		return msg;
	k->http.update_line = l->line;
	return set_body(&k->http.update_body, data);
}

const char *
ticket_set_pointer(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const char *msg;

	(void)l;
	if (*v == '\0')
		return "empty (a pointer into the answer, such as /id)";
	if ((msg = ticket_pointer_check(v)) != NULL)
		return msg;
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

/* The scheme of the Authorization header: a token (RFC 7235). */
const char *
ticket_set_auth_scheme(struct loader *l, void *t, const char *v)
{
	char **p = t;

	(void)l;
	if (*v == '\0' || strlen(v) > 32 ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~+") != strlen(v))
		return "must be one word of letters and digits (Bearer, "
		    "Token, ...)";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

/* The base URL; REST2 is under it at /REST/2.0. */
const char *
ticket_set_url(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const char *msg;
	size_t n;

	if (strchr(v, '?') != NULL || strchr(v, '#') != NULL)
		return "the base URL takes no query or fragment";
	if ((msg = set_http_url(l, t, v)) != NULL)
		return msg;
	n = strlen(*p);
	while (n > 0 && (*p)[n - 1] == '/')
		(*p)[--n] = '\0';
	return NULL;
}

/* A secret in a file others cannot read. */
static const char *
read_secret(struct loader *l, const char *v, char **secret, char **from)
{
	static char msg[PATH_MAX + 128];
	struct err e;
	char *path;

	if (*v == '\0')
		return "empty path";
	path = cfg_abs_path(l, v);
	if (secret_from_file(path, secret, &e) != RC_OK) {
		snprintf(msg, sizeof(msg), "%s", e.msg);
		free(path);
		return msg;
	}
	free(*from);
	*from = path;
	return NULL;
}

const char *
ticket_set_token_file(struct loader *l, void *t, const char *v)
{
	struct ticket_conf *k = t;
	const unsigned char *u;
	const char *msg;

	if (k->secret_given)
		return "give one of token_file and user with password_file";
	k->secret_given = 1;
	if ((msg = read_secret(l, v, &k->token, &k->token_file)) != NULL)
		return msg;
	/* It goes into a header line as it is. */
	for (u = (const unsigned char *)k->token; *u; u++)
		if (*u <= 0x20 || *u >= 0x7f)
			return "the token holds a space or a character that is "
			    "not printable ASCII";
	return NULL;
}

const char *
ticket_set_password_file(struct loader *l, void *t, const char *v)
{
	struct ticket_conf *k = t;

	if (k->secret_given)
		return "give one of token_file and user with password_file";
	k->secret_given = 1;
	return read_secret(l, v, &k->password, &k->password_file);
}

/*
 * A queue or custom field name: it goes into TicketSQL between quotes
 * and into a JSON body, so no quotes, backslashes, braces or control
 * characters.
 */
const char *
ticket_set_name(struct loader *l, void *t, const char *v)
{
	char **p = t;
	const unsigned char *u;

	(void)l;
	if (*v == '\0')
		return "empty value";
	if (strlen(v) > 100)
		return "longer than 100 bytes";
	for (u = (const unsigned char *)v; *u; u++)
		if (*u < 0x20 || *u == 0x7f || strchr("'\"\\{}", *u))
			return "quotes, backslashes, braces and control "
			    "characters are not allowed";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

const char *
ticket_set_per(struct loader *l, void *t, const char *v)
{
	enum ticket_per *p = t;

	(void)l;
	if (strcmp(v, "case") == 0)
		*p = PER_CASE;
	else if (strcmp(v, "customer") == 0)
		*p = PER_CUSTOMER;
	else
		return "must be case or customer";
	return NULL;
}

static const char *
ticket_name(const struct config *c, size_t i)
{
	return c->tickets[i].name;
}

static int
ticket_line(const struct config *c, size_t i)
{
	return c->tickets[i].line;
}

struct ticket_conf *
enter_ticket(struct loader *l, const char *name)
{
	struct config *c = l->c;
	struct ticket_conf *k;

	if (!target_name_ok(l, "ticket target", name, c->ntickets,
	    ticket_name, ticket_line))
		return NULL;
	c->tickets = xrealloc(c->tickets,
	    (c->ntickets + 1) * sizeof(*c->tickets));
	k = &c->tickets[c->ntickets++];
	memset(k, 0, sizeof(*k));
	k->name = xstrdup(name);
	k->line = l->line;
	k->events = EV_CASE_CONFIRMED | EV_CASE_ESCALATED | EV_CASE_UNCONFIRMED;
	k->timeout = 30;
	k->max_attempts = 12;
	k->retry_base = 60;
	k->retry_max = 6 * 3600;
	return k;
}

/* A template: given, and with known placeholders only. */
static void
check_tpl(struct loader *l, int line, const char *key, const char *tmpl,
    int with_id)
{
	const char *msg;

	if (tmpl == NULL)
		config_error(l, line, key, "missing");
	else if ((msg = ticket_tpl_check(tmpl, with_id)) != NULL)
		config_error(l, line, key, "%s", msg);
}

static void
validate_http(struct loader *l, struct ticket_conf *k)
{
	struct ticket_http *h = &k->http;
	const char *urls[] = { h->create_url, h->update_url, h->search_url };
	size_t i;

	check_tpl(l, k->line, "create_url", h->create_url, 0);
	check_tpl(l, h->create_line ? h->create_line : k->line,
	    "create_body", h->create_body, 0);
	check_tpl(l, k->line, "update_url", h->update_url, 1);
	check_tpl(l, h->update_line ? h->update_line : k->line,
	    "update_body", h->update_body, 1);
	if (h->search_url != NULL)
		check_tpl(l, k->line, "search_url", h->search_url, 0);
	if (h->link != NULL)
		check_tpl(l, k->line, "link", h->link, 1);
	if (h->id_pointer == NULL)
		config_error(l, k->line, "id_pointer", "missing (where the "
		    "create answer has the ticket id, such as /id)");
	if ((h->search_url == NULL) != (h->search_pointer == NULL))
		config_error(l, k->line, h->search_url ? "search_pointer" :
		    "search_url", "missing (a search takes both)");
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		if (urls[i] != NULL && strncmp(urls[i], "http://", 7) == 0 &&
		    !k->allow_plaintext) {
			config_error(l, k->line, "create_url", "http:// sends "
			    "the token and the evidence unencrypted: use "
			    "https://, or set allow_plaintext = yes");
			break;
		}
	if (!k->secret_given)
		config_error(l, k->line, "token_file", "missing (or "
		    "user and password_file)");
	if (k->password_file != NULL && k->user == NULL)
		config_error(l, k->line, "user", "missing (a password_file is "
		    "given)");
	if (k->user != NULL && k->token_file != NULL)
		config_error(l, k->line, "user", "give one of token_file and "
		    "user with password_file");
	if (k->user != NULL && strchr(k->user, ':') != NULL)
		config_error(l, k->line, "user", "holds ':'");
	if (h->auth_scheme != NULL && k->token_file == NULL)
		config_error(l, k->line, "auth_scheme", "goes with token_file");
	if (k->url != NULL || k->queue != NULL || k->case_field != NULL ||
	    k->resolve_on_unconfirmed)
		config_error(l, k->line, k->url ? "url" : k->queue ? "queue" :
		    k->case_field ? "case_field" : "resolve_on_unconfirmed",
		    "belongs to type = rt (type = http takes create_url, "
		    "update_url, ...)");
	if (k->retry_max < k->retry_base)
		config_error(l, k->line, "retry_max", "is shorter than "
		    "retry_base");
}

void
validate_tickets(struct loader *l)
{
	struct config *c = l->c;
	size_t i;

	for (i = 0; i < c->ntickets; i++) {
		struct ticket_conf *k = &c->tickets[i];

		snprintf(l->sect_label, sizeof(l->sect_label), "ticket %s",
		    k->name);
		if (k->type == 0)
			config_error(l, k->line, "type", "missing (rt or http)");
		if (k->type == TICKET_HTTP) {
			validate_http(l, k);
			continue;
		}
		if (k->url == NULL)
			config_error(l, k->line, "url", "missing");
		else if (strncmp(k->url, "http://", 7) == 0 &&
		    !k->allow_plaintext)
			config_error(l, k->line, "url", "http:// sends the "
			    "token and the evidence unencrypted: use https://, "
			    "or set allow_plaintext = yes");
		if (!k->secret_given)
			config_error(l, k->line, "token_file", "missing (or "
			    "user and password_file)");
		if (k->password_file != NULL && k->user == NULL)
			config_error(l, k->line, "user", "missing (a "
			    "password_file is given)");
		if (k->user != NULL && k->token_file != NULL)
			config_error(l, k->line, "user", "give one of "
			    "token_file and user with password_file");
		if (k->user != NULL && strchr(k->user, ':') != NULL)
			config_error(l, k->line, "user", "holds ':'");
		if (k->queue == NULL)
			config_error(l, k->line, "queue", "missing");
		if (k->case_field == NULL)
			config_error(l, k->line, "case_field", "missing (the "
			    "custom field that holds the case key)");
		if (k->retry_max < k->retry_base)
			config_error(l, k->line, "retry_max", "is shorter than "
			    "retry_base");
	}
}

void
release_tickets(struct config *c)
{
	size_t i;

	for (i = 0; i < c->ntickets; i++) {
		struct ticket_conf *k = &c->tickets[i];

		free(k->name);
		free(k->url);
		secret_free(k->token);
		free(k->token_file);
		free(k->user);
		secret_free(k->password);
		free(k->password_file);
		free(k->queue);
		free(k->case_field);
		free(k->ca_file);
		free(k->http.create_method);
		free(k->http.create_url);
		free(k->http.create_body);
		free(k->http.update_method);
		free(k->http.update_url);
		free(k->http.update_body);
		free(k->http.search_url);
		free(k->http.search_pointer);
		free(k->http.id_pointer);
		free(k->http.link);
		free(k->http.auth_scheme);
	}
	free(c->tickets);
}

const struct ticket_conf *
config_ticket(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ntickets; i++)
		if (strcmp(c->tickets[i].name, name) == 0)
			return &c->tickets[i];
	return NULL;
}

/* A body template as one line: its newlines as they are would end the
 * key (a body from a file is shown as read). */
static void
print_body(FILE *f, const char *key, const char *body)
{
	const char *p;

	fprintf(f, "%s = ", key);
	for (p = body; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			fputc(' ', f);
		else
			fputc(*p, f);
	fputc('\n', f);
}

static void
print_http(const struct ticket_conf *t, FILE *f)
{
	const struct ticket_http *h = &t->http;

	fprintf(f, "\n[ticket %s]\ntype = http\ncreate_method = %s\n"
	    "create_url = %s\n", t->name,
	    h->create_method ? h->create_method : "POST", h->create_url);
	print_body(f, "create_body", h->create_body);
	fprintf(f, "update_method = %s\nupdate_url = %s\n",
	    h->update_method ? h->update_method : "POST", h->update_url);
	print_body(f, "update_body", h->update_body);
	if (h->search_url != NULL)
		fprintf(f, "search_url = %s\nsearch_pointer = %s\n",
		    h->search_url, h->search_pointer);
	fprintf(f, "id_pointer = %s\n", h->id_pointer);
	if (h->link != NULL)
		fprintf(f, "link = %s\n", h->link);
	if (t->token_file != NULL)
		fprintf(f, "token_file = %s\nauth_scheme = %s\n",
		    t->token_file, h->auth_scheme ? h->auth_scheme : "Bearer");
	if (t->user != NULL)
		fprintf(f, "user = %s\npassword_file = %s\n", t->user,
		    t->password_file);
}

void
print_tickets(const struct config *c, FILE *f)
{
	static const char *const evname[] = { "case.opened",
	    "case.confirmed", "case.escalated", "summary.daily",
	    "case.unconfirmed" };
	size_t i, k, n;

	for (i = 0; i < c->ntickets; i++) {
		const struct ticket_conf *t = &c->tickets[i];

		if (t->type == TICKET_HTTP) {
			print_http(t, f);
			goto common;
		}
		fprintf(f, "\n[ticket %s]\ntype = rt\nurl = %s\n", t->name,
		    t->url);
		if (t->token_file != NULL)
			fprintf(f, "token_file = %s\n", t->token_file);
		if (t->user != NULL)
			fprintf(f, "user = %s\npassword_file = %s\n", t->user,
			    t->password_file);
		fprintf(f, "queue = %s\ncase_field = %s\n", t->queue,
		    t->case_field);
common:
		fprintf(f, "per = %s\nevents = ",
		    t->per == PER_CASE ? "case" : "customer");
		for (k = 0, n = 0; k < 5; k++)
			if (t->events & (1u << k))
				fprintf(f, "%s%s", n++ ? ", " : "", evname[k]);
		fputc('\n', f);
		if (t->type == TICKET_RT)
			fprintf(f, "resolve_on_unconfirmed = %s\n",
			    t->resolve_on_unconfirmed ? "yes" : "no");
		if (t->ca_file != NULL)
			fprintf(f, "ca_file = %s\n", t->ca_file);
		if (t->allow_plaintext)
			fprintf(f, "allow_plaintext = yes\n");
		fprintf(f, "timeout = %llds\nmax_attempts = %lld\n"
		    "retry_base = %llds\nretry_max = %llds\n", t->timeout,
		    t->max_attempts, t->retry_base, t->retry_max);
	}
}
