/*
 * The configuration of ticket targets: [ticket NAME].
 */
#include "autoconf.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "secret.h"

const char *
ticket_set_type(struct loader *l, void *t, const char *v)
{
	enum ticket_type *p = t;

	(void)l;
	if (strcmp(v, "rt") != 0)
		return "unknown type (rt: Request Tracker's REST2 API)";
	*p = TICKET_RT;
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

const char *
ticket_set_events(struct loader *l, void *t, const char *v)
{
	unsigned *ev = t;
	const char *msg;

	if ((msg = set_events(l, t, v)) != NULL)
		return msg;
	if (*ev & ~(EV_CASE_CONFIRMED | EV_CASE_ESCALATED |
	    EV_CASE_UNCONFIRMED | EV_CASE_OPENED))
		return "a ticket takes case events only (case.opened, "
		    "case.confirmed, case.escalated, case.unconfirmed)";
	return NULL;
}

struct ticket_conf *
enter_ticket(struct loader *l, const char *name)
{
	struct config *c = l->c;
	struct ticket_conf *k;
	const char *p;
	size_t i;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			break;
	if (*p != '\0' || p - name > MAX_WEBHOOK_NAME) {
		config_error(l, l->line, NULL, "a ticket target's name is up "
		    "to %d letters, digits, '.', '_' or '-'",
		    MAX_WEBHOOK_NAME);
		return NULL;
	}
	for (i = 0; i < c->ntickets; i++)
		if (strcmp(c->tickets[i].name, name) == 0) {
			config_error(l, l->line, NULL, "ticket '%s' is already "
			    "defined at line %d", name, c->tickets[i].line);
			return NULL;
		}
	if (c->ntickets >= MAX_WEBHOOKS) {
		config_error(l, l->line, NULL, "more than %d ticket targets",
		    MAX_WEBHOOKS);
		return NULL;
	}
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
			config_error(l, k->line, "type", "missing (rt)");
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

void
print_tickets(const struct config *c, FILE *f)
{
	static const char *const evname[] = { "case.opened",
	    "case.confirmed", "case.escalated", "summary.daily",
	    "case.unconfirmed" };
	size_t i, k, n;

	for (i = 0; i < c->ntickets; i++) {
		const struct ticket_conf *t = &c->tickets[i];

		fprintf(f, "\n[ticket %s]\ntype = rt\nurl = %s\n", t->name,
		    t->url);
		if (t->token_file != NULL)
			fprintf(f, "token_file = %s\n", t->token_file);
		if (t->user != NULL)
			fprintf(f, "user = %s\npassword_file = %s\n", t->user,
			    t->password_file);
		fprintf(f, "queue = %s\ncase_field = %s\nper = %s\nevents = ",
		    t->queue, t->case_field,
		    t->per == PER_CASE ? "case" : "customer");
		for (k = 0, n = 0; k < 5; k++)
			if (t->events & (1u << k))
				fprintf(f, "%s%s", n++ ? ", " : "", evname[k]);
		fprintf(f, "\nresolve_on_unconfirmed = %s\n",
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
