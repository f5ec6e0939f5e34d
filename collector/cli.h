/*
 * The command line: global options and the command table.  Each command
 * is a function in a cmd_*.c file; main.c parses the global options,
 * loads the configuration and takes the lock for the commands that need
 * them.
 */
#ifndef AC_CLI_H
#define AC_CLI_H

#include "config.h"
#include "util.h"

/* sysexits(3) */
#define EXIT_OK		0
#define EXIT_INTERNAL	1
#define EXIT_USAGE	64
#define EXIT_DATAERR	65
#define EXIT_NOINPUT	66
#define EXIT_CANTCREAT	73
#define EXIT_TEMP	75
#define EXIT_CONFIG	78

struct store;

struct cli {
	const char	*config_file;	/* -c, or NULL */
	int		 config_given;
	int		 verbosity;
	int		 dry_run;
	struct config	*cfg;		/* loaded for commands that need it */
	int		 config_errors;	/* CHECK_CONFIG: its mistakes */
};

/* How a command needs its environment. */
#define NEED_CONFIG	0x1	/* load the configuration */
#define NEED_LOCK	0x2	/* one run at a time */
#define OPT_CONFIG	0x4	/* load it only when -c is given */
#define NEED_SOURCE	0x8	/* refuse a configuration without sources */
#define CHECK_CONFIG	0x10	/* load it even with mistakes: the command
				 * looks further and names them all */

struct command {
	const char	*name;
	const char	*usage;		/* arguments, for --help */
	const char	*help;		/* one line */
	int		 needs;
	int		(*run)(struct cli *, int argc, char **argv);
};

/* Commands (argv[0] is the command name; returns an exit status). */
int cmd_run(struct cli *, int, char **);
int cmd_collect(struct cli *, int, char **);
int cmd_import(struct cli *, int, char **);
int cmd_report(struct cli *, int, char **);
int cmd_parse(struct cli *, int, char **);
int cmd_reports(struct cli *, int, char **);
int cmd_cases(struct cli *, int, char **);
int cmd_status(struct cli *, int, char **);
int cmd_check_config(struct cli *, int, char **);
int cmd_deliver(struct cli *, int, char **);
int cmd_accept(struct cli *, int, char **);
int cmd_dismiss(struct cli *, int, char **);
int cmd_restore(struct cli *, int, char **);
int cmd_quarantine(struct cli *, int, char **);
/* quarantine retry [--all | ID...] (cmd_collect.c): takes the lock. */
int quarantine_retry(struct cli *, int, char **);
int cmd_show(struct cli *, int, char **);
int cmd_backup(struct cli *, int, char **);
int cmd_prune(struct cli *, int, char **);
/* run's prune (cmd_prune.c): once a day, as prune does; an exit status,
 * the error (logged) in msg. */
int prune_daily(struct cli *cli, struct store *s, char *msg, size_t msgsz);

/* Helpers shared by the commands. */

/* Write [metrics] textfile from s; EXIT_OK, or the exit status its
 * failure calls for (said in the log): 75 on a full disk, 78 for any
 * other problem with the file, that of the store when it fails. */
int cli_write_metrics(struct cli *cli, struct store *s);

/* Map an rc to the exit status of the design. */
int exit_for(enum rc rc);
/* Open the configured store (read-only for queries), its files with the
 * configured mode and group. */
enum rc cli_store(struct cli *cli, int readonly, struct store **s,
    struct err *e);
/* Give path (created when create is set) the store's mode and group;
 * a change is logged with -v. */
enum rc cli_secure_file(const struct config *c, const char *path,
    int create, struct err *e);
/* 1 when s is a date YYYY-MM-DD. */
int valid_day(const char *s);
/* Today minus n days in the cases time zone. */
void day_ago(int n, char out[11]);
/* The run lock (main.c): EXIT_OK when taken, held until exit.  A dry
 * run creates no lock file: it shares an existing one, or takes none. */
int take_lock(const struct config *c, int dry_run);
/*
 * One delivery pass over the outbox (cmd_deliver.c): rows of kind, or
 * all when NULL.  Returns an exit status; on failure msg (when given)
 * has the first one, already logged.
 */
int deliver_due(struct cli *cli, struct store *s, const char *kind,
    char *msg, size_t msgsz);
/* Parse "--name VALUE" / "--name=VALUE" at argv[*i]; 1 when matched. */
int take_opt(int argc, char **argv, int *i, const char *name,
    const char **value);

#endif
