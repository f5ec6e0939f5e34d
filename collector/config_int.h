/*
 * Inside the configuration loader, shared by its files: config.c (the
 * reader, the key table, sections, the general setters), config_imap.c
 * (the keys of imap sources), config_resolver.c ([resolver] and [cases])
 * and config_outputs.c ([email] and [webhook NAME]).  Nothing outside
 * them includes this.
 */
#ifndef AC_CONFIG_INT_H
#define AC_CONFIG_INT_H

#include <stdio.h>

#include "bounds.h"
#include "config.h"

enum sect { S_TOP, S_STORE, S_SOURCE, S_RESOLVER, S_CASES, S_REPORT,
	S_LIMITS, S_EMAIL, S_WEBHOOK, S_TICKET, S_METRICS, S_ALERTS, S_NOTIFY,
	S_ACTION, S_NONE };

/* The state of one load: the line inih is at, the section, errors. */
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
	const char	*secret_key;	/* its key */
	char		 secret_sect[128];	/* and section */
	int		 token_line;	/* [resolver] http_token_file */
	/* Keys seen in the current section, for duplicates. */
	struct { const char *name; int line; } seen[64];
	size_t		 nseen;
};


/*
 * A setter stores value v at target t (inside the section's struct) and
 * returns NULL, or returns what is wrong with v.  Those of config.c that
 * the other files use:
 */
char *cfg_abs_path(const struct loader *l, const char *v);
const char *cfg_set_path(struct loader *, void *t, const char *v);
const char *cfg_set_file(struct loader *, void *t, const char *v);
/* Split a comma-separated list, each item trimmed; -1 for an empty one. */
int cfg_split_list(const char *v, char ***items, size_t *n);
void cfg_free_list(char **items, size_t n);

/* Edit distance, without case; (size_t)-1 for over-long names. */
size_t cfg_distance(const char *a, const char *b);
/* 1 when given is a likely misspelling of known and nearer than *best
 * (then *best is its distance). */
int cfg_near(const char *given, const char *known, size_t *best);

/* The line being read as it was written, before inih cut comments off. */
const char *config_raw_line(const struct loader *l);
/* Report a mistake as "file:line: [section] key: message". */
void config_error(struct loader *l, int line, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* config_resolver.c: [resolver] and [cases]. */
const char *set_identity(struct loader *, void *t, const char *v);
const char *set_trusted(struct loader *, void *t, const char *v);
const char *set_order(struct loader *, void *t, const char *v);
const char *set_timezone(struct loader *, void *t, const char *v);
const char *set_identity_regex(struct loader *, void *t, const char *v);
const char *set_url(struct loader *, void *t, const char *v);
const char *set_token_file(struct loader *, void *t, const char *v);
const char *set_cache_ttl(struct loader *, void *t, const char *v);
const char *set_http_timeout(struct loader *, void *t, const char *v);
const char *set_escalation(struct loader *, void *t, const char *v);
const char *set_clock_skew(struct loader *, void *t, const char *v);
const char *set_report_age(struct loader *, void *t, const char *v);
/* What the keys say together (a step needs its table; a regex needs its
 * header), then the identity rules the parsers use. */
void validate_resolver(struct loader *l);
void release_resolver(struct config *c);
void print_resolver(const struct config *c, FILE *f);

/* config_outputs.c: [email] and [webhook NAME]. */
const char *set_attempts(struct loader *, void *t, const char *v);
const char *set_delay(struct loader *, void *t, const char *v);
const char *set_timeout(struct loader *, void *t, const char *v);
const char *set_text(struct loader *, void *t, const char *v);
const char *set_address(struct loader *, void *t, const char *v);
const char *set_recipients(struct loader *, void *t, const char *v);
const char *set_smtp_url(struct loader *, void *t, const char *v);
const char *set_http_url(struct loader *, void *t, const char *v);
const char *set_password_file(struct loader *, void *t, const char *v);
const char *set_password_env(struct loader *, void *t, const char *v);
const char *set_secret_file(struct loader *, void *t, const char *v);
const char *set_secret_inline(struct loader *, void *t, const char *v);
const char *set_events(struct loader *, void *t, const char *v);
const char *set_case_events(struct loader *, void *t, const char *v);
/* A new [webhook NAME] with its defaults, or NULL after saying why not. */
/* Whether name may name the next of n targets of a kind (what:
 * "webhook", "ticket target"), each named name_of(c, i) and defined at
 * line_of(c, i); else 0, the reason reported (config_outputs.c). */
int target_name_ok(struct loader *l, const char *what, const char *name,
    size_t n, const char *(*name_of)(const struct config *, size_t),
    int (*line_of)(const struct config *, size_t));
struct webhook_conf *enter_webhook(struct loader *l, const char *name);
void validate_outputs(struct loader *l);
void release_outputs(struct config *c);
/* [email] and the webhooks; a secret shows only where it comes from. */
void print_outputs(const struct config *c, FILE *f);

/* config_ticket.c: [ticket NAME]. */
const char *ticket_set_type(struct loader *, void *t, const char *v);
const char *ticket_set_url(struct loader *, void *t, const char *v);
const char *ticket_set_method(struct loader *, void *t, const char *v);
const char *ticket_set_url_tpl(struct loader *, void *t, const char *v);
const char *ticket_set_create_body(struct loader *, void *t, const char *v);
const char *ticket_set_update_body(struct loader *, void *t, const char *v);
const char *ticket_set_create_body_file(struct loader *, void *t,
    const char *v);
const char *ticket_set_update_body_file(struct loader *, void *t,
    const char *v);
const char *ticket_set_pointer(struct loader *, void *t, const char *v);
const char *ticket_set_auth_scheme(struct loader *, void *t, const char *v);
const char *ticket_set_token_file(struct loader *, void *t, const char *v);
const char *ticket_set_password_file(struct loader *, void *t,
    const char *v);
const char *ticket_set_name(struct loader *, void *t, const char *v);
const char *ticket_set_per(struct loader *, void *t, const char *v);
struct ticket_conf *enter_ticket(struct loader *l, const char *name);
void validate_tickets(struct loader *l);
void release_tickets(struct config *c);
void print_tickets(const struct config *c, FILE *f);

/* config_notify.c: [notify]. */
const char *notify_set_events(struct loader *, void *t, const char *v);
const char *notify_set_interval(struct loader *, void *t, const char *v);
const char *notify_set_dir(struct loader *, void *t, const char *v);
void enter_notify(struct loader *l);
void validate_notify(struct loader *l);
void release_notify(struct config *c);
void print_notify(const struct config *c, FILE *f);
/* config_action.c: [action NAME]. */
const char *action_set_command(struct loader *, void *t, const char *v);
struct action_conf *enter_action(struct loader *l, const char *name);
void validate_actions(struct loader *l);
void release_actions(struct config *c);
void print_actions(const struct config *c, FILE *f);

/*
 * config_imap.c: the [source] keys of type = imap.  Each setter stores
 * value v at target t and returns NULL, or returns what is wrong with v.
 */
const char *imap_set_string(struct loader *, void *t, const char *v);
const char *imap_set_host(struct loader *, void *t, const char *v);
const char *imap_set_port(struct loader *, void *t, const char *v);
const char *imap_set_tls(struct loader *, void *t, const char *v);
const char *imap_set_yesno(struct loader *, void *t, const char *v);
const char *imap_set_auth(struct loader *, void *t, const char *v);
const char *imap_set_env_name(struct loader *, void *t, const char *v);
const char *imap_set_password(struct loader *, void *t, const char *v);
const char *imap_set_password_file(struct loader *, void *t,
    const char *v);
const char *imap_set_token_command(struct loader *, void *t,
    const char *v);
const char *imap_set_folder(struct loader *, void *t, const char *v);
/* t is the struct source_conf (after and after_folder). */
const char *imap_set_after(struct loader *, void *t, const char *v);
const char *imap_set_batch(struct loader *, void *t, const char *v);
const char *imap_set_seconds(struct loader *, void *t, const char *v);
const char *imap_set_deadline(struct loader *, void *t, const char *v);

/* 1 when name is a [source] key that only type = imap takes. */
int imap_only_key(const char *name);
/* Once the file is read: required keys, keys that exclude each other,
 * defaults.  Mistakes go to config_error. */
void imap_validate(struct loader *l, struct source_conf *s);
/* Free the imap fields of s; the inline password is wiped first. */
void imap_release(struct source_conf *s);
/* The imap keys as understood, the inline password masked. */
void imap_print(const struct source_conf *s, FILE *f);

#endif
