/*
 * The configuration of local actions: [action NAME], a program run on
 * case events (reporters/action.c runs it).
 */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"

/*
 * The program: an absolute path (it is executed as it is, with no
 * shell and no PATH search), to an executable regular file.  Checked
 * when the configuration is read, so that check-config names the line.
 */
const char *
action_set_command(struct loader *l, void *t, const char *v)
{
	static char msg[PATH_MAX + 128];
	struct action_conf *a = t;
	struct stat st;

	(void)l;
	a->command_given = 1;
	if (*v != '/')
		return "must be an absolute path (it is run as it is, without "
		    "a shell: give arguments in its own configuration)";
	if (strlen(v) >= PATH_MAX)
		return "path too long";
	if (stat(v, &st) != 0) {
		snprintf(msg, sizeof(msg), "'%s': %s", v, strerror(errno));
		return msg;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, sizeof(msg), "'%s' is not a regular file", v);
		return msg;
	}
	if (access(v, X_OK) != 0) {
		snprintf(msg, sizeof(msg), "'%s' is not executable: %s", v,
		    strerror(errno));
		return msg;
	}
	free(a->command);
	a->command = xstrdup(v);
	return NULL;
}

static const char *
action_name(const struct config *c, size_t i)
{
	return c->actions[i].name;
}

static int
action_line(const struct config *c, size_t i)
{
	return c->actions[i].line;
}

struct action_conf *
enter_action(struct loader *l, const char *name)
{
	struct config *c = l->c;
	struct action_conf *a;

	if (!target_name_ok(l, "action", name, c->nactions, action_name,
	    action_line))
		return NULL;
	c->actions = xrealloc(c->actions,
	    (c->nactions + 1) * sizeof(*c->actions));
	a = &c->actions[c->nactions++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	a->line = l->line;
	a->timeout = 30;
	a->max_attempts = 8;
	a->retry_base = 60;
	a->retry_max = 3600;
	return a;
}

void
validate_actions(struct loader *l)
{
	struct config *c = l->c;
	size_t i;

	for (i = 0; i < c->nactions; i++) {
		struct action_conf *a = &c->actions[i];

		snprintf(l->sect_label, sizeof(l->sect_label), "action %s",
		    a->name);
		/* A command that was given but refused is reported where
		 * it was given. */
		if (a->command == NULL && !a->command_given)
			config_error(l, a->line, "command", "missing (the "
			    "absolute path of the program to run)");
		/* Nothing is run unless asked for: a lock on every case
		 * event would surprise. */
		if (a->events == 0)
			config_error(l, a->line, "events", "missing (the case "
			    "events that run it, such as case.escalated, "
			    "case.unconfirmed)");
		if (a->retry_max < a->retry_base)
			config_error(l, a->line, "retry_max", "is shorter than "
			    "retry_base");
	}
}

void
release_actions(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nactions; i++) {
		free(c->actions[i].name);
		free(c->actions[i].command);
	}
	free(c->actions);
}

const struct action_conf *
config_action(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nactions; i++)
		if (strcmp(c->actions[i].name, name) == 0)
			return &c->actions[i];
	return NULL;
}

void
print_actions(const struct config *c, FILE *f)
{
	static const char *const evname[] = { "case.opened",
	    "case.confirmed", "case.escalated", "summary.daily",
	    "case.unconfirmed" };
	size_t i, k, n;

	for (i = 0; i < c->nactions; i++) {
		const struct action_conf *a = &c->actions[i];

		fprintf(f, "\n[action %s]\ncommand = %s\nevents = ", a->name,
		    a->command ? a->command : "");
		for (k = 0, n = 0; k < 5; k++)
			if (a->events & (1u << k))
				fprintf(f, "%s%s", n++ ? ", " : "", evname[k]);
		fprintf(f, "\ntimeout = %llds\nmax_attempts = %lld\n"
		    "retry_base = %llds\nretry_max = %llds\n", a->timeout,
		    a->max_attempts, a->retry_base, a->retry_max);
	}
}
