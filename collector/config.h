/*
 * The configuration file: one INI file read with inih.  config.c is the
 * only place that knows inih; everything else sees struct config.
 *
 * Every mistake is reported as "FILE:LINE: [section] key: what is wrong",
 * all of them before the load fails, so one edit fixes a file.
 */
#ifndef AC_CONFIG_H
#define AC_CONFIG_H

#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "formats/formats.h"
#include "mime.h"
#include "netaddr.h"
#include "report.h"
#include "util.h"

enum source_type { SOURCE_IMAP, SOURCE_MAILDIR, SOURCE_MBOX };

/* IMAP sources: how the connection is protected, how the login is made
 * and what happens to a message once its batch is committed. */
enum imap_tls { TLS_IMPLICIT, TLS_STARTTLS, TLS_NONE };
enum imap_auth { AUTH_PASSWORD, AUTH_XOAUTH2 };
enum imap_after { AFTER_KEEP, AFTER_SEEN, AFTER_MOVE };

struct source_conf {
	char		*name;
	int		 line;		/* where the section starts */
	enum source_type type;
	enum role	 role;		/* ROLE_AUTO: by format */
	char		*path;		/* maildir, mbox */
	int		 path_line;

	/* imap (defaults filled in when the file has been read) */
	char		*host;
	long		 port;		/* 993 for implicit TLS, else 143 */
	enum imap_tls	 tls;
	int		 allow_plaintext;	/* needed for tls = none */
	char		*ca_file;	/* absolute; NULL: system store */
	char		*user;
	enum imap_auth	 auth;
	char		*password_file;	/* absolute */
	char		*password_env;	/* a variable name */
	char		*password;	/* inline secret; never printed */
	char		*token_command;	/* auth = xoauth2: prints a token */
	char		*folder;	/* "INBOX"; UTF-8, as people read it */
	enum imap_after	 after;
	char		*after_folder;	/* after = move:FOLDER */
	int		 readonly;	/* EXAMINE, not SELECT: after = keep */
	/* The same in IMAP's modified UTF-7, as the server spells them. */
	char		*folder_wire;
	char		*after_wire;
	size_t		 batch_size;	/* messages per transaction */
	long		 connect_timeout;	/* seconds */
	long		 timeout;	/* seconds, each read and the token */
	long		 deadline;	/* seconds, the whole source per run */
	/* The first key given that only an imap source takes, for the
	 * check that a maildir or mbox source does not carry one. */
	const char	*imap_key;
	int		 imap_key_line;
	/* silence: seconds without a new message before source.silent;
	 * -1: [alerts] silence. */
	long long	 silence;
};

/* One step of the resolver chain. */
enum resolve_step {
	STEP_HEADER, STEP_SMTP_AUTH, STEP_NETWORK, STEP_DOMAIN, STEP_HTTP,
	STEP_COUNT
};

/* identity_regex = HEADER REGEX: the user is the first capture group. */
struct identity_regex {
	char		*header;
	char		*pattern;	/* as written, for check-config */
	regex_t		 re;
	int		 line;
};

struct resolver_conf {
	enum resolve_step order[STEP_COUNT];
	size_t		 norder;
	int		 order_line;	/* 0: the default order */
	int		 trusted_line;	/* 0: no trusted_hosts */
	char		**identity_headers;
	size_t		 nidentity_headers;
	struct identity_regex *regexes;
	size_t		 nregexes;
	/* identity_headers (with their regexes) as the parsers take them. */
	struct identity_rule *identity;
	size_t		 nidentity;
	struct hostlist	 trusted_hosts;
	char		*users_file;	/* absolute, or NULL */
	char		*networks_file;
	char		*domains_file;
	char		*http_url;	/* http:// or https://, or NULL */
	char		*http_token_file;	/* bearer token, or NULL */
	char		*ca_file;	/* for https; NULL: the system's */
	long long	 http_cache_ttl;	/* seconds; 0: no caching */
	long long	 http_timeout;		/* seconds, whole request */
};

/* escalate_internal / escalate_external = "N in M". */
struct escalation {
	long		 count;		/* N; 0: never escalate */
	long long	 window;	/* M, seconds */
};

struct cases_conf {
	char		*timezone;	/* "UTC", or a zoneinfo name */
	struct escalation escalate_internal;
	struct escalation escalate_external;
	/* A report's own time is not trusted when it is more than
	 * max_clock_skew after its message arrived or more than
	 * max_report_age before (seconds). */
	long long	 max_clock_skew;
	long long	 max_report_age;	/* -1 while unset: [store]
					 * keep when smaller than 3650d */
};

struct report_conf {
	char		*output_dir;	/* absolute */
	int		 output_dir_line;	/* 0: the default */
	int		 mode;		/* of summaries; -1: the store's */
	/* A day is settled send_after seconds after its end: then its
	 * e-mail and summary.daily go out; later changes to its
	 * confirmed or escalated customers send an update, at most one
	 * per update_interval seconds.  0: at once. */
	long long	 send_after;
	long long	 update_interval;
	/* [report] keep: summary files of days older than this are
	 * removed by prune, in seconds; 0: kept for ever. */
	long long	 keep;
};

/*
 * [email]: the daily summary by SMTP.  line is 0 when the section is
 * absent.  TLS is always required: smtps:// (implicit) or smtp://
 * (STARTTLS, refused when the server does not offer it).
 */
struct email_conf {
	int		 line;
	char		*url;
	char		*from;
	char		**to;
	size_t		 nto;
	char		*user;		/* NULL: no SMTP AUTH */
	char		*password;	/* secret, never printed or logged */
	char		*password_from;	/* "file PATH" or "env NAME" */
	int		 password_given;	/* a password key, even bad */
	char		*ca_file;	/* NULL: the system's CA store */
	char		*subject;	/* {day} and {confirmed} are filled in */
	long long	 timeout;	/* seconds, one whole send */
	long long	 max_attempts;
	long long	 retry_base;	/* seconds before the first retry */
	long long	 retry_max;	/* longest wait between retries */
};

/*
 * [alerts]: when a source needs a person.  failures: collections in a
 * row that fail before source.failing (0: never); silence: seconds
 * without a new message before source.silent (0: never).
 */
struct alerts_conf {
	long long	 failures;
	long long	 silence;
};

/* The events a webhook can subscribe to. */
#define EV_CASE_OPENED		0x1
#define EV_CASE_CONFIRMED	0x2
#define EV_CASE_ESCALATED	0x4
#define EV_SUMMARY_DAILY	0x8
#define EV_CASE_UNCONFIRMED	0x10	/* implied by EV_CASE_CONFIRMED */
#define EV_SUMMARY_UPDATED	0x20	/* implied by EV_SUMMARY_DAILY */
#define EV_ALL			0x3f	/* without events: all but alerts */
#define EV_SOURCE_FAILING	0x40	/* the alerts: only when listed */
#define EV_SOURCE_SILENT	0x80
#define EV_SOURCE_RECOVERED	0x100

/* [webhook NAME]: events POSTed as signed JSON. */
struct webhook_conf {
	char		*name;
	int		 line;		/* where the section starts */
	char		*url;
	char		*secret;	/* the HMAC key; never printed or logged */
	size_t		 secret_len;
	char		*secret_file;	/* where it came from; NULL: inline */
	int		 secret_given;	/* a secret key, even bad */
	unsigned	 events;	/* EV_* */
	char		*ca_file;
	int		 allow_plaintext;	/* http:// allowed */
	long long	 timeout;
	long long	 max_attempts;
	long long	 retry_base;
	long long	 retry_max;
};

/*
 * [ticket NAME]: a ticket per case (or per customer) in a ticketing
 * system, kept up to date by the case's later events.  type = rt:
 * Request Tracker's REST2 API under url/REST/2.0; type = http: requests
 * built from templates (a create, an update, an optional search).
 */
enum ticket_type { TICKET_RT = 1, TICKET_HTTP };

/* The requests of a type = http target. */
struct ticket_http {
	char		*create_method;	/* NULL: POST */
	char		*create_url;	/* templates */
	char		*create_body;
	char		*update_method;	/* NULL: POST */
	char		*update_url;
	char		*update_body;
	char		*search_url;	/* NULL: no search */
	char		*search_pointer;	/* RFC 6901 */
	char		*id_pointer;
	char		*link;		/* NULL: none */
	char		*auth_scheme;	/* NULL: Bearer */
	int		 create_line;	/* where create_body came from, */
	int		 update_line;	/* for the check at the end */
};
enum ticket_per { PER_CASE, PER_CUSTOMER };

struct ticket_conf {
	char		*name;
	int		 line;
	enum ticket_type type;		/* 0: not given */
	char		*url;		/* without a trailing '/' */
	char		*token;		/* secret, never printed or logged */
	char		*token_file;
	char		*user;		/* basic auth with password */
	char		*password;	/* secret */
	char		*password_file;
	int		 secret_given;
	char		*queue;
	char		*case_field;
	enum ticket_per	 per;
	unsigned	 events;	/* EV_CASE_* */
	int		 resolve_on_unconfirmed;
	char		*ca_file;
	int		 allow_plaintext;
	long long	 timeout;
	long long	 max_attempts;
	long long	 retry_base;
	long long	 retry_max;
	struct ticket_http http;	/* type = http */
};

/*
 * [action NAME]: a local program run on case events, with the event's
 * JSON on its standard input (reporters/action.h).
 */
struct action_conf {
	char		*name;
	int		 line;
	char		*command;	/* absolute path, executable */
	int		 command_given;	/* even refused */
	unsigned	 events;	/* EV_CASE_* */
	long long	 timeout;
	long long	 max_attempts;
	long long	 retry_base;
	long long	 retry_max;
};

/* The EV_* flag of an event name, or 0. */
unsigned event_flag(const char *name);

/*
 * [notify]: a notice to the customer's contact on a case's events, over
 * the [email] SMTP transport.  line is 0 when the section is absent.
 * The contacts come from contacts_file (customer,email[,name][,language])
 * and templates[] from template_dir; both are read at load, so that
 * check-config names every bad row and placeholder.
 */
struct notify_contact {
	char		*customer;
	char		*email;
	char		*name;		/* "" when not given */
	char		*lang;		/* "" when not given */
};
struct notify_template {
	char		*event;		/* "case.confirmed" */
	char		*lang;		/* "de" */
	char		*subject;	/* the first line, after "Subject:" */
	char		*body;
};
struct notify_conf {
	int		 line;
	char		*contacts_file;
	unsigned	 events;	/* EV_CASE_CONFIRMED | EV_CASE_ESCALATED */
	char		*from;
	char		*reply_to;	/* NULL: none */
	char		*bcc;		/* NULL: none */
	long long	 min_interval;	/* seconds; 0: no limit */
	char		*template_dir;	/* NULL: the built-in template only */
	struct notify_contact *contacts;
	size_t		 ncontacts;
	struct notify_template *templates;
	size_t		 ntemplates;
};

struct config {
	char			*file;	/* as given */
	char			*dir;	/* its directory, for relative paths */
	int			 log_syslog;
	char			*store_path;
	int			 store_line;	/* 0: the default */
	/* [store] group: the store, its -wal and -shm, the summaries
	 * and the lock belong to it, mode 0640; NULL: 0600. */
	char			*store_group;
	gid_t			 store_gid;	/* or NO_GROUP */
	/* [store] keep_raw: how long the raw bytes of a message that is
	 * not quarantined are kept, in seconds; 0: not at all. */
	long long		 keep_raw;
	/* [store] keep: how long reports, cases, events, runs and
	 * messages are kept, in seconds (0: for ever); keep_quarantine:
	 * the raw bytes of quarantined messages (0: for ever). */
	long long		 keep;
	long long		 keep_quarantine;
	struct source_conf	*sources;
	size_t			 nsources;
	struct resolver_conf	 resolver;
	struct cases_conf	 cases;
	struct report_conf	 report;
	struct limits		 limits;
	struct email_conf	 email;
	struct alerts_conf	 alerts;
	struct webhook_conf	*webhooks;
	size_t			 nwebhooks;
	struct ticket_conf	*tickets;
	size_t			 ntickets;
	struct notify_conf	 notify;
	struct action_conf	*actions;
	size_t			 nactions;
	/* [metrics] textfile: the Prometheus text file each run writes,
	 * or NULL. */
	char			*metrics_textfile;
};

/* The mode of the store and its companion files: 0600, or 0640 with a
 * group; and that of summaries: [report] mode, or the store's. */
mode_t config_store_mode(const struct config *c);
mode_t config_report_mode(const struct config *c);

/* Say on stderr what is allowed but will not do what it seems to:
 * trusted_hosts with names only, no source. */
void config_warn(const struct config *c);

/* The webhook called name, or NULL. */
const struct webhook_conf *config_webhook(const struct config *c,
    const char *name);

/* The silence of source s in seconds (its own, or [alerts]'); 0: none. */
long long config_silence(const struct config *c, const struct source_conf *s);

/* The ticket target called name, or NULL. */
const struct ticket_conf *config_ticket(const struct config *c,
    const char *name);

/* The contact of customer under [notify], or NULL. */
const struct notify_contact *config_contact(const struct config *c,
    const char *customer);
/* The action called name, or NULL. */
const struct action_conf *config_action(const struct config *c,
    const char *name);

/* The file used when -c is not given, and the default store and
 * output directory: under the directories configure was given. */
#define CONFIG_DEFAULT_FILE	SYSCONFDIR "/abuse-collector/abuse-collector.ini"
#define CONFIG_DEFAULT_STORE	LOCALSTATEDIR "/lib/abuse-collector/abuse.db"
#define CONFIG_DEFAULT_OUTPUT	LOCALSTATEDIR "/lib/abuse-collector/reports"

/*
 * Load and check path into c.  On failure every problem found has been
 * printed to stderr (one line each, file:line first) and RC_FATAL is
 * returned; c is then released.
 */
enum rc config_load(struct config *c, const char *path, struct err *e);
/*
 * The same, but a file with mistakes stays loaded (what could be read of
 * it, for check-config to look further): returns the number of mistakes
 * printed, or -1 with e set and c released when the file cannot be opened.
 */
int config_read(struct config *c, const char *path, struct err *e);
void config_release(struct config *c);

/* The parser options the configuration implies (limits, identity
 * headers, trusted hosts); valid as long as c. */
void config_parse_opts(const struct config *c, struct parse_opts *o);

/* Print the configuration as it was understood, secrets masked. */
void config_print(const struct config *c, FILE *f);

const char *source_type_name(enum source_type);
const char *imap_tls_name(enum imap_tls);
const char *resolve_step_name(enum resolve_step);

#endif
