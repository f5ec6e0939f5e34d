/*
 * backup FILE: a checked copy of the store, taken while runs go on.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "files.h"
#include "log.h"
#include "store.h"

/* 1 when path names the store or one of its companion files: writing
 * the copy there would replace the store under its runs. */
static int
is_store_file(const struct config *c, const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal",
	    ".lock" };
	struct stat a, b;
	char *p;
	size_t i;
	int same = 0;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]) && !same; i++) {
		p = xasprintf("%s%s", c->store_path, suffix[i]);
		same = strcmp(p, path) == 0 || (stat(p, &a) == 0 &&
		    stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino);
		free(p);
	}
	return same;
}

int
cmd_backup(struct cli *cli, int argc, char **argv)
{
	struct atomic_file af;
	struct store *s;
	struct err e;
	const char *file;
	long pages = 0;
	enum rc rc;

	if (argc != 2 || argv[1][0] == '\0' || argv[1][0] == '-') {
		fprintf(stderr, "abuse-collector: backup needs one FILE\n");
		return EXIT_USAGE;
	}
	file = argv[1];
	if (is_store_file(cli->cfg, file)) {
		fprintf(stderr, "abuse-collector: backup: '%s' is the store "
		    "or one of its files; give another FILE\n", file);
		return EXIT_USAGE;
	}
	if ((rc = cli_store(cli, 1, &s, &e)) != RC_OK) {
		log_error("backup: %s", e.msg);
		return exit_for(rc);
	}
	/* A fresh file beside FILE, with the store's mode and group: the
	 * copy holds the same personal data and raw mail. */
	if ((rc = atomic_file_open(&af, file, config_store_mode(cli->cfg),
	    cli->cfg->store_gid, &e)) != RC_OK) {
		log_error("backup: %s", e.msg);
		store_close(s);
		return rc == RC_TEMP ? EXIT_TEMP : EXIT_CANTCREAT;
	}
	rc = store_backup(s, af.tmp, file, &pages, &e);
	store_close(s);
	if (rc != RC_OK) {
		/* The previous copy at FILE, if any, stays as it was. */
		log_error("%s", e.msg);
		atomic_file_abort(&af);
		return rc == RC_TEMP ? EXIT_TEMP : EXIT_INTERNAL;
	}
	/* SQLite wrote the copy through its own descriptor; the commit's
	 * fsync of the file reaches those writes as well. */
	if ((rc = atomic_file_commit(&af, &e)) != RC_OK) {
		log_error("backup: %s", e.msg);
		return rc == RC_TEMP ? EXIT_TEMP : EXIT_CANTCREAT;
	}
	log_info("backup %s: %ld pages copied from %s, integrity_check ok",
	    file, pages, cli->cfg->store_path);
	return EXIT_OK;
}
