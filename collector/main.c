#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"

static const struct command commands[] = {
	{ "run", "", "collect, deliver, then report the finished days",
	    NEED_CONFIG | NEED_LOCK | NEED_SOURCE, cmd_run },
	{ "collect", "", "fetch, parse, resolve and store new messages",
	    NEED_CONFIG | NEED_LOCK | NEED_SOURCE, cmd_collect },
	{ "report", "[--date D] [--out DIR] [--email [--force]]",
	    "write the summary of day D (default: yesterday)", NEED_CONFIG,
	    cmd_report },
	{ "deliver", "[--retry-dead]",
	    "send due webhooks, tickets, actions and e-mails",
	    NEED_CONFIG | NEED_LOCK, cmd_deliver },
	{ "parse", "[--json] FILE... (- for stdin)",
	    "print what the parsers extract from each message", OPT_CONFIG,
	    cmd_parse },
	{ "import", "PATH...", "ingest .eml files, Maildirs or mbox files",
	    NEED_CONFIG | NEED_LOCK, cmd_import },
	{ "reports", "[--since D] [--until D] [--review] [--customer C] "
	    "[--ip ADDR[/LEN]]\n"
	    "                [--user U] [--message-id ID] "
	    "[--format csv|json]",
	    "dump or search stored reports (--review: those waiting for "
	    "review)", NEED_CONFIG, cmd_reports },
	{ "cases", "[--date D] [--customer C] [--since D] [--until D] "
	    "[--format csv|json]", "dump cases; a customer's history",
	    NEED_CONFIG, cmd_cases },
	{ "show", "[--raw] ID", "a report, its case, origin and message "
	    "(--raw: the message's bytes)", NEED_CONFIG, cmd_show },
	{ "accept", "ID... [--customer C] [--reason TEXT]",
	    "count unverified complaints (for customer C)", NEED_CONFIG,
	    cmd_accept },
	{ "dismiss", "ID... --reason TEXT",
	    "make reports stop counting, and say why", NEED_CONFIG,
	    cmd_dismiss },
	{ "restore", "ID... [--reason TEXT]", "undo a dismissal",
	    NEED_CONFIG, cmd_restore },
	{ "quarantine", "[--format csv|json] | show ID | retry [--all | ID...]",
	    "list the quarantine, write out a message, parse them again",
	    NEED_CONFIG, cmd_quarantine },
	{ "status", "[--json]", "sources, checkpoints, counts, quarantine; "
	    "--json for scripts", NEED_CONFIG, cmd_status },
	{ "prune", "[--dry-run]", "remove what is older than [store] keep "
	    "and give the space back", NEED_CONFIG, cmd_prune },
	{ "backup", "FILE", "copy the store to FILE while runs go on, "
	    "checked", NEED_CONFIG, cmd_backup },
	{ "check-config", "", "check the configuration, its tables and "
	    "paths; print it", CHECK_CONFIG, cmd_check_config },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: abuse-collector [-c FILE] [-v|-vv|-q] [-n|--dry-run] "
	    "COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].usage[0] == '\0')
			fprintf(f, "  %-13s %s\n", commands[i].name,
			    commands[i].help);
		else
			fprintf(f, "  %-13s %s\n  %-13s   %s\n",
			    commands[i].name, commands[i].usage, "",
			    commands[i].help);
	fprintf(f, "\noptions:\n"
	    "  -c FILE       configuration (default %s)\n"
	    "  -v            say what is done: per source, the messages read "
	    "and committed\n"
	    "  -vv           and per message: where (folder and UID, or file), "
	    "format,\n"
	    "                customer and why\n"
	    "  -q            only errors\n"
	    "  -n, --dry-run fetch and parse, change nothing\n"
	    "  -h, --help    this text\n"
	    "  -V, --version print the version\n"
	    "\ndefaults: the store %s,\nthe summaries in %s\n"
	    "\nexit status: 0 success, 75 temporary failure (a source not "
	    "reached, the lock\nheld, a full disk), 78 configuration error, "
	    "64 usage error, 65 a\ncorrection that cannot be made, 66 a file "
	    "parse cannot read or a message\nshow does not have, 73 a backup "
	    "FILE that cannot be created, 1 internal\nerror\n",
	    CONFIG_DEFAULT_FILE, CONFIG_DEFAULT_STORE, CONFIG_DEFAULT_OUTPUT);
}

/*
 * One run at a time: an exclusive flock on a file next to the store.
 * The descriptor stays open (and locked) until the process exits, which
 * releases it however the process ends.
 */
int
take_lock(const struct config *c, int dry_run)
{
	char *path = xasprintf("%s.lock", c->store_path);
	char pid[32];
	struct err e;
	int fd, n;

	/* A dry run creates nothing: without a lock file no run has been
	 * here yet, and an existing one is shared-locked, unchanged. */
	if (dry_run) {
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			free(path);
			return EXIT_OK;
		}
		if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
			log_error("another run holds the lock %s", path);
			free(path);
			close(fd);
			return EXIT_TEMP;
		}
		free(path);
		return EXIT_OK;
	}
	if (cli_secure_file(c, path, 1, &e) != RC_OK) {
		log_error("lock: %s", e.msg);
		free(path);
		return EXIT_CONFIG;
	}
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_error("cannot open lock %s: %s", path, strerror(errno));
		free(path);
		return errno == ENOENT || errno == EACCES ? EXIT_CONFIG :
		    EXIT_TEMP;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		char other[32] = "";
		ssize_t r = pread(fd, other, sizeof(other) - 1, 0);

		if (r > 0)
			other[strcspn(other, "\n")] = '\0';
		log_error("another run holds the lock %s%s%s%s", path,
		    r > 0 ? " (pid " : "", r > 0 ? other : "",
		    r > 0 ? ")" : "");
		free(path);
		close(fd);
		return EXIT_TEMP;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("cannot write pid to %s", path);
	free(path);
	return EXIT_OK;
}

/* The store's directory is made when missing; one that cannot be made
 * or written is a configuration error. */
static int
store_dir_ok(const struct config *c)
{
	char *d = xstrdup(c->store_path), *slash = strrchr(d, '/');
	int ok = 1;

	if (slash != NULL && slash != d) {
		*slash = '\0';
		if (mkdirs(d, 0750) != 0 || access(d, W_OK) != 0) {
			log_error("store directory %s: %s", d, strerror(errno));
			ok = 0;
		}
	}
	free(d);
	return ok;
}

static int
set_timezone(const struct config *c)
{
	const char *tz = c && c->cases.timezone ? c->cases.timezone : "UTC";

	if (setenv("TZ", strcmp(tz, "UTC") == 0 ? "UTC0" : tz, 1) != 0)
		return -1;
	tzset();
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct config cfg;
	const struct command *cmd = NULL;
	struct err e;
	int i, status;
	size_t k;

	memset(&cli, 0, sizeof(cli));
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-c") == 0 && i + 1 < argc) {
			cli.config_file = argv[++i];
			cli.config_given = 1;
		} else if (strcmp(a, "-v") == 0) {
			cli.verbosity++;
		} else if (strcmp(a, "-vv") == 0) {
			cli.verbosity += 2;
		} else if (strcmp(a, "-q") == 0) {
			cli.verbosity = -1;
		} else if (strcmp(a, "-n") == 0 ||
		    strcmp(a, "--dry-run") == 0) {
			cli.dry_run = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "-V") == 0 ||
		    strcmp(a, "--version") == 0) {
			printf("abuse-collector %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "abuse-collector: unknown option '%s'\n",
			    a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (k = 0; k < NCOMMANDS; k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			cmd = &commands[k];
	if (cmd == NULL) {
		fprintf(stderr, "abuse-collector: unknown command '%s'\n",
		    argv[i]);
		usage(stderr);
		return EXIT_USAGE;
	}
	log_init(cli.verbosity, 0);
	if (cli.config_file == NULL)
		cli.config_file = CONFIG_DEFAULT_FILE;
	if (cmd->needs & CHECK_CONFIG) {
		/* Mistakes go to stderr, not to syslog: someone reads them. */
		if ((cli.config_errors = config_read(&cfg, cli.config_file,
		    &e)) < 0) {
			log_error("%s", e.msg);
			return EXIT_CONFIG;
		}
		cli.cfg = &cfg;
	} else if ((cmd->needs & NEED_CONFIG) ||
	    ((cmd->needs & OPT_CONFIG) && cli.config_given)) {
		if (config_load(&cfg, cli.config_file, &e) != RC_OK) {
			log_error("%s", e.msg);
			return EXIT_CONFIG;
		}
		cli.cfg = &cfg;
		log_init(cli.verbosity, cfg.log_syslog);
		if ((cmd->needs & NEED_SOURCE) && cfg.nsources == 0) {
			log_error("%s: no [source NAME] section: %s has "
			    "nothing to read", cfg.file, cmd->name);
			status = EXIT_CONFIG;
			goto out;
		}
	}
	if (set_timezone(cli.cfg) < 0) {
		log_error("cannot set the time zone");
		status = EXIT_INTERNAL;
		goto out;
	}
	if (cmd->needs & NEED_LOCK) {
		if (!cli.dry_run && !store_dir_ok(cli.cfg)) {
			status = EXIT_CONFIG;
			goto out;
		}
		if ((status = take_lock(cli.cfg, cli.dry_run)) != EXIT_OK)
			goto out;
	}
	status = cmd->run(&cli, argc - i, argv + i);
out:
	if (cli.cfg != NULL)
		config_release(cli.cfg);
	return status;
}
