/*
 * The configuration file: one INI file read with inih.  config.c is the
 * only place that knows inih; everything else sees struct config.
 *
 * Every mistake is reported as "FILE:LINE: [section] key: what is wrong",
 * all of them before the load fails, so one edit fixes a file.
 */
#ifndef AC_CONFIG_H
#define AC_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "formats/formats.h"
#include "mime.h"
#include "netaddr.h"
#include "report.h"
#include "util.h"

enum source_type { SOURCE_IMAP, SOURCE_MAILDIR, SOURCE_MBOX };

struct source_conf {
	char		*name;
	int		 line;		/* where the section starts */
	enum source_type type;
	enum role	 role;		/* ROLE_AUTO: by format */
	char		*path;		/* maildir, mbox */
};

/* One step of the resolver chain. */
enum resolve_step {
	STEP_HEADER, STEP_SMTP_AUTH, STEP_NETWORK,
	STEP_COUNT
};

struct resolver_conf {
	enum resolve_step order[STEP_COUNT];
	size_t		 norder;
	char		**identity_headers;
	size_t		 nidentity_headers;
	/* identity_headers as the parsers take them. */
	struct identity_rule *identity;
	size_t		 nidentity;
	struct hostlist	 trusted_hosts;
	char		*users_file;	/* absolute, or NULL */
	char		*networks_file;
};

struct cases_conf {
	char		*timezone;	/* "UTC", or a zoneinfo name */
};

struct report_conf {
	char		*output_dir;	/* absolute */
};

struct config {
	char			*file;	/* as given */
	char			*dir;	/* its directory, for relative paths */
	int			 log_syslog;
	char			*store_path;
	struct source_conf	*sources;
	size_t			 nsources;
	struct resolver_conf	 resolver;
	struct cases_conf	 cases;
	struct report_conf	 report;
	struct limits		 limits;
};

/* The file used when -c is not given. */
#define CONFIG_DEFAULT_FILE	SYSCONFDIR "/abuse-collector/abuse-collector.ini"

/*
 * Load and check path into c.  On failure every problem found has been
 * printed to stderr (one line each, file:line first) and RC_FATAL is
 * returned; c is then released.
 */
enum rc config_load(struct config *c, const char *path, struct err *e);
void config_release(struct config *c);

/* The parser options the configuration implies (limits, identity
 * headers, trusted hosts); valid as long as c. */
void config_parse_opts(const struct config *c, struct parse_opts *o);

/* Print the configuration as it was understood, secrets masked. */
void config_print(const struct config *c, FILE *f);

const char *source_type_name(enum source_type);
const char *resolve_step_name(enum resolve_step);

#endif
