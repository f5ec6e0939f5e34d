/*
 * check-config: the configuration file, the customer tables and the
 * paths a run will use (sources, the store's directory, the output
 * directory), every mistake named in one run, without changing anything.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "resolve.h"

/* One mistake, as the configuration's are: "FILE:LINE: [section] key: ",
 * or without a line for a default. */
static void
problem(const struct config *c, int line, const char *sect, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
problem(const struct config *c, int line, const char *sect, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	if (line > 0)
		fprintf(stderr, "%s:%d: [%s] %s: ", c->file, line, sect, key);
	else
		fprintf(stderr, "%s: [%s] %s (default): ", c->file, sect, key);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Whether a run can write in dir, making it when missing: dir must be a
 * directory this process can write, or the nearest of its parents that
 * exists must be one.  NULL, or why not (in why).
 */
static const char *
dir_usable(const char *dir, char *why, size_t whysz)
{
	char *p = xstrdup(dir), *slash;
	const char *ret = NULL;
	struct stat st;
	int exists = 1;

	while (stat(p, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			snprintf(why, whysz, "'%s': %s", p, strerror(errno));
			ret = why;
			goto out;
		}
		exists = 0;
		if ((slash = strrchr(p, '/')) == NULL || slash == p) {
			p[0] = '/';
			p[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
	if (!S_ISDIR(st.st_mode)) {
		if (exists)
			snprintf(why, whysz, "'%s' is not a directory", p);
		else
			snprintf(why, whysz, "'%s' cannot be made: '%s' is "
			    "not a directory", dir, p);
		ret = why;
	} else if (access(p, W_OK | X_OK) != 0) {
		if (exists)
			snprintf(why, whysz, "cannot write in '%s': %s", p,
			    strerror(errno));
		else
			snprintf(why, whysz, "'%s' cannot be made: cannot "
			    "write in '%s': %s", dir, p, strerror(errno));
		ret = why;
	}
out:
	free(p);
	return ret;
}

/* A directory a run reads: it and its cur/ and new/ must be readable. */
static const char *
maildir_usable(const char *path, char *why, size_t whysz)
{
	static const char *const sub[] = { "", "/cur", "/new" };
	char p[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s%s", path, sub[i]) >=
		    sizeof(p)) {
			snprintf(why, whysz, "'%.100s...': path too long",
			    path);
			return why;
		}
		if (stat(p, &st) != 0) {
			if (i == 0)
				snprintf(why, whysz, "'%s': %s", p,
				    strerror(errno));
			else
				snprintf(why, whysz, "'%s' is not a Maildir: "
				    "'%s': %s (a Maildir holds cur/, new/ "
				    "and tmp/)", path, p, strerror(errno));
			return why;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(why, whysz, "'%s' is not a directory%s", p,
			    i == 0 ? " (type = mbox reads a file)" : "");
			return why;
		}
		if (access(p, R_OK | X_OK) != 0) {
			snprintf(why, whysz, "cannot read '%s': %s", p,
			    strerror(errno));
			return why;
		}
	}
	return NULL;
}

/* A file a run reads from its start. */
static const char *
mbox_usable(const char *path, char *why, size_t whysz)
{
	struct stat st;
	int fd;

	if (stat(path, &st) != 0) {
		snprintf(why, whysz, "'%s': %s", path, strerror(errno));
		return why;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, whysz, "'%s' is a directory, not an mbox file "
		    "(type = maildir reads a Maildir)", path);
		return why;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "'%s' is not a regular file", path);
		return why;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, whysz, "cannot read '%s': %s", path,
		    strerror(errno));
		return why;
	}
	close(fd);
	return NULL;
}

/* The paths a run needs; returns the number of problems printed. */
static int
check_paths(const struct config *c)
{
	char why[2 * PATH_MAX + 128], *dir;
	const char *bad;
	struct stat st;
	size_t i;
	int n = 0;

	for (i = 0; i < c->nsources; i++) {
		const struct source_conf *s = &c->sources[i];
		char sect[128];

		if (s->path == NULL)
			continue;
		snprintf(sect, sizeof(sect), "source %s", s->name);
		bad = s->type == SOURCE_MAILDIR ?
		    maildir_usable(s->path, why, sizeof(why)) :
		    s->type == SOURCE_MBOX ?
		    mbox_usable(s->path, why, sizeof(why)) : NULL;
		if (bad != NULL) {
			problem(c, s->path_line, sect, "path", "%s", bad);
			n++;
		}
	}
	dir = xstrdup(c->store_path);
	if (strrchr(dir, '/') != NULL)
		*strrchr(dir, '/') = '\0';
	else
		dir[0] = '\0';
	if ((bad = dir_usable(dir[0] ? dir : "/", why, sizeof(why))) !=
	    NULL) {
		problem(c, c->store_line, "store", "path", "the store's "
		    "directory: %s", bad);
		n++;
	} else if (stat(c->store_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		problem(c, c->store_line, "store", "path", "'%s' is not a "
		    "regular file", c->store_path);
		n++;
	} else if (stat(c->store_path, &st) == 0 &&
	    access(c->store_path, R_OK | W_OK) != 0) {
		problem(c, c->store_line, "store", "path", "cannot read and "
		    "write '%s': %s", c->store_path, strerror(errno));
		n++;
	}
	free(dir);
	if ((bad = dir_usable(c->report.output_dir, why, sizeof(why))) !=
	    NULL) {
		problem(c, c->report.output_dir_line, "report", "output_dir",
		    "%s", bad);
		n++;
	}
	return n;
}

int
cmd_check_config(struct cli *cli, int argc, char **argv)
{
	struct resolver *r = NULL;
	struct err e;
	int errors = cli->config_errors > 0;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "abuse-collector: check-config takes no "
		    "arguments\n");
		return EXIT_USAGE;
	}
	/* The tables and the paths are part of the configuration: each is
	 * looked at, also after a mistake in the file, so that one run
	 * names every mistake. */
	if (resolver_open(&r, cli->cfg, NULL, &e) != RC_OK) {
		log_error("%s", e.msg);
		errors++;
	}
	errors += check_paths(cli->cfg);
	config_warn(cli->cfg);
	if (errors > 0) {
		log_error("%s: not usable, each mistake is named above; a run "
		    "would stop with exit status 78", cli->cfg->file);
		resolver_close(r);
		return EXIT_CONFIG;
	}
	config_print(cli->cfg, stdout);
	if (cli->cfg->resolver.users_file != NULL ||
	    cli->cfg->resolver.networks_file != NULL ||
	    cli->cfg->resolver.domains_file != NULL)
		printf("\n# tables\n");
	resolver_print_tables(r, stdout);
	resolver_close(r);
	return EXIT_OK;
}
