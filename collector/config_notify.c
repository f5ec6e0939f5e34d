/*
 * [notify]: the keys, the contacts table and the notice templates, all
 * read and checked at load so that check-config names every mistake
 * with its file and line.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"
#include "notice_tpl.h"
#include "table.h"

const char *
notify_set_events(struct loader *l, void *t, const char *v)
{
	static char msg[300];
	unsigned *ev = t, f, all = 0;
	char **items;
	size_t n, i;

	(void)l;
	if (cfg_split_list(v, &items, &n) < 0)
		return "empty item in list";
	for (i = 0; i < n; i++) {
		f = event_flag(items[i]);
		if (f != EV_CASE_CONFIRMED && f != EV_CASE_ESCALATED) {
			snprintf(msg, sizeof(msg), "'%.200s' is no event a "
			    "notice is sent on (case.confirmed, "
			    "case.escalated)", items[i]);
			cfg_free_list(items, n);
			return msg;
		}
		all |= f;
	}
	cfg_free_list(items, n);
	*ev = all;
	return NULL;
}

const char *
notify_set_interval(struct loader *l, void *t, const char *v)
{
	long long n;

	(void)l;
	if (parse_duration(v, &n) < 0 || n < 0 || n > 90LL * 86400)
		return "must be a duration from 0s to 90d (like 12h, 1d)";
	*(long long *)t = n;
	return NULL;
}

const char *
notify_set_dir(struct loader *l, void *t, const char *v)
{
	static char msg[PATH_MAX + 64];
	char **p = t, *path;
	DIR *d;

	if (*v == '\0')
		return "empty path";
	path = cfg_abs_path(l, v);
	if ((d = opendir(path)) == NULL) {
		snprintf(msg, sizeof(msg), "cannot read the directory '%s': "
		    "%s", path, strerror(errno));
		free(path);
		return msg;
	}
	closedir(d);
	free(*p);
	*p = path;
	return NULL;
}

void
enter_notify(struct loader *l)
{
	struct notify_conf *n = &l->c->notify;

	if (n->line != 0) {
		config_error(l, l->line, NULL, "already given at line %d",
		    n->line);
		l->sect = S_NONE;
		return;
	}
	n->line = l->line;
	n->events = EV_CASE_CONFIRMED | EV_CASE_ESCALATED;
	n->min_interval = 86400;
	l->base = n;
}

/* A language tag as contacts and template names give it: 2 to 8
 * lower-case letters, and optionally "-" and 2 to 8 letters or digits. */
static int
lang_valid(const char *s)
{
	size_t i = 0, k;

	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 8)
		return 0;
	if (s[i] == '\0')
		return 1;
	if (s[i++] != '-')
		return 0;
	for (k = 0; (s[i + k] >= 'a' && s[i + k] <= 'z') ||
	    (s[i + k] >= '0' && s[i + k] <= '9'); k++)
		;
	return k >= 2 && k <= 8 && s[i + k] == '\0';
}

struct contacts {
	struct loader		*l;
	struct notify_conf	*n;
	size_t			 alloc;
};

static const char *
contact_row(void *arg, size_t ncols, char *const *cells, int line)
{
	static char msg[200];
	struct contacts *cs = arg;
	struct notify_conf *n = cs->n;
	struct notify_contact *c;
	char *email = NULL;
	const char *why;

	(void)line;
	if (!customer_valid(cells[0]))
		return "customer: empty, too long or with control characters";
	if ((why = set_address(cs->l, &email, cells[1])) != NULL) {
		snprintf(msg, sizeof(msg), "email: %s", why);
		return msg;
	}
	if (ncols > 2 && strlen(cells[2]) > MAX_CONTACT_NAME) {
		free(email);
		return "name: too long";
	}
	if (ncols > 3 && cells[3][0] != '\0' && !lang_valid(cells[3])) {
		free(email);
		return "language: not a language tag like en, de or pt-br";
	}
	if (n->ncontacts >= MAX_CONTACTS) {
		free(email);
		return "too many contacts";
	}
	if (n->ncontacts == cs->alloc) {
		cs->alloc = cs->alloc ? 2 * cs->alloc : 64;
		n->contacts = xrealloc(n->contacts, cs->alloc *
		    sizeof(*n->contacts));
	}
	c = &n->contacts[n->ncontacts++];
	c->customer = xstrdup(cells[0]);
	c->email = email;
	c->name = xstrdup(ncols > 2 ? cells[2] : "");
	c->lang = xstrdup(ncols > 3 ? cells[3] : "");
	return NULL;
}

static int
contact_cmp(const void *a, const void *b)
{
	const struct notify_contact *x = a, *y = b;

	return strcmp(x->customer, y->customer);
}

const struct notify_contact *
config_contact(const struct config *c, const char *customer)
{
	struct notify_contact k;

	if (c->notify.line == 0 || c->notify.ncontacts == 0)
		return NULL;
	k.customer = (char *)(uintptr_t)customer;
	return bsearch(&k, c->notify.contacts, c->notify.ncontacts,
	    sizeof(k), contact_cmp);
}

static void
read_contacts(struct loader *l, struct notify_conf *n)
{
	static const char *const want[] = { "customer", "email", "name",
	    "language" };
	struct contacts cs = { l, n, 0 };
	struct table_errs te;
	struct err e;
	size_t i;

	table_errs_init(&te, n->contacts_file, &e);
	(void)table_read_rows(n->contacts_file, want, 2, 4, contact_row, &cs,
	    &te);
	if (table_errs_end(&te) != RC_OK) {
		config_error(l, n->line, "contacts_file", "%s", e.msg);
		return;
	}
	if (n->ncontacts > 1)
		qsort(n->contacts, n->ncontacts, sizeof(*n->contacts),
		    contact_cmp);
	for (i = 1; i < n->ncontacts; i++)
		if (strcmp(n->contacts[i - 1].customer,
		    n->contacts[i].customer) == 0) {
			config_error(l, n->line, "contacts_file", "%s: "
			    "customer '%s' has two contacts", n->contacts_file,
			    n->contacts[i].customer);
			return;
		}
}

/* A mistake in a template file: "file:line: message", counted with the
 * configuration's. */
static void
tpl_error(struct loader *l, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
tpl_error(struct loader *l, const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	if (++l->errors > MAX_CONFIG_ERRORS)
		return;
	if (line > 0)
		fprintf(stderr, "%s:%d: [notify] template_dir: ", path, line);
	else
		fprintf(stderr, "%s: [notify] template_dir: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* One template file, "EVENT.LANG.txt", checked and kept. */
static void
read_template(struct loader *l, struct notify_conf *n, const char *file)
{
	struct notify_template *t;
	char *path, *text = NULL, *subject = NULL, *body = NULL, *ev, *dot;
	char name[64];
	const char *why;
	size_t len;
	struct err e;
	int line;

	len = strlen(file);
	if (len < 5 || strcmp(file + len - 4, ".txt") != 0)
		return;
	path = xasprintf("%s/%s", n->template_dir, file);
	ev = xstrndup(file, len - 4);
	if ((dot = strrchr(ev, '.')) == NULL || !lang_valid(dot + 1) ||
	    (*dot = '\0', event_flag(ev) != EV_CASE_CONFIRMED &&
	    event_flag(ev) != EV_CASE_ESCALATED)) {
		tpl_error(l, path, 0, "%s: not named EVENT.LANG.txt (like "
		    "case.confirmed.de.txt)", file);
		goto out;
	}
	if (n->ntemplates >= MAX_NOTICE_TEMPLATES) {
		tpl_error(l, path, 0, "%s: too many templates", file);
		goto out;
	}
	if (read_file(path, MAX_NOTICE_TEMPLATE, &text, &len, &e) != RC_OK) {
		tpl_error(l, path, 0, "%s", e.msg);
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		tpl_error(l, path, 0, "a NUL byte in the text");
		goto out;
	}
	if ((why = notice_tpl_split(text, &subject, &body, &line)) != NULL) {
		tpl_error(l, path, line, "%s", why);
		goto out;
	}
	if ((line = notice_tpl_check(subject, 1, name, sizeof(name))) != 0 ||
	    (line = notice_tpl_check(body, 3, name, sizeof(name))) != 0) {
		tpl_error(l, path, line, "unknown placeholder %s", name);
		goto out;
	}
	n->templates = xrealloc(n->templates, (n->ntemplates + 1) *
	    sizeof(*n->templates));
	t = &n->templates[n->ntemplates++];
	t->event = xstrdup(ev);
	t->lang = xstrdup(dot + 1);
	t->subject = subject;
	t->body = body;
	subject = body = NULL;
out:
	free(subject);
	free(body);
	free(text);
	free(ev);
	free(path);
}

static void
read_templates(struct loader *l, struct notify_conf *n)
{
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, i;
	DIR *d;

	if ((d = opendir(n->template_dir)) == NULL) {
		config_error(l, n->line, "template_dir", "cannot read '%s': %s",
		    n->template_dir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL && nn <= MAX_NOTICE_TEMPLATES) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (nn + 1) * sizeof(*names));
		names[nn++] = xstrdup(de->d_name);
	}
	closedir(d);
	for (i = 0; i < nn; i++) {
		read_template(l, n, names[i]);
		free(names[i]);
	}
	free(names);
}

void
validate_notify(struct loader *l)
{
	struct notify_conf *n = &l->c->notify;

	if (n->line == 0)
		return;
	snprintf(l->sect_label, sizeof(l->sect_label), "notify");
	if (n->contacts_file == NULL)
		config_error(l, n->line, "contacts_file", "missing");
	if (n->from == NULL)
		config_error(l, n->line, "from", "missing");
	if (l->c->email.line == 0)
		config_error(l, n->line, NULL, "notices are sent over the "
		    "[email] section's SMTP server: it is missing");
	/* The notices that hold back a customer's next one must still be
	 * in the store. */
	if (l->c->keep > 0 && n->min_interval > l->c->keep)
		config_error(l, n->line, "min_interval", "longer than [store] "
		    "keep: the notices it counts would be pruned before it "
		    "ends");
	if (n->contacts_file != NULL)
		read_contacts(l, n);
	if (n->template_dir != NULL)
		read_templates(l, n);
}

void
release_notify(struct config *c)
{
	struct notify_conf *n = &c->notify;
	size_t i;

	for (i = 0; i < n->ncontacts; i++) {
		free(n->contacts[i].customer);
		free(n->contacts[i].email);
		free(n->contacts[i].name);
		free(n->contacts[i].lang);
	}
	for (i = 0; i < n->ntemplates; i++) {
		free(n->templates[i].event);
		free(n->templates[i].lang);
		free(n->templates[i].subject);
		free(n->templates[i].body);
	}
	free(n->contacts);
	free(n->templates);
	free(n->contacts_file);
	free(n->from);
	free(n->reply_to);
	free(n->bcc);
	free(n->template_dir);
	memset(n, 0, sizeof(*n));
}

void
print_notify(const struct config *c, FILE *f)
{
	const struct notify_conf *n = &c->notify;
	size_t i;

	if (n->line == 0)
		return;
	fprintf(f, "\n[notify]\ncontacts_file = %s\n# contacts: %zu\n"
	    "events = ", n->contacts_file, n->ncontacts);
	if (n->events & EV_CASE_CONFIRMED)
		fprintf(f, "case.confirmed%s",
		    n->events & EV_CASE_ESCALATED ? ", " : "");
	if (n->events & EV_CASE_ESCALATED)
		fprintf(f, "case.escalated");
	fprintf(f, "\nfrom = %s\n", n->from);
	if (n->reply_to != NULL)
		fprintf(f, "reply_to = %s\n", n->reply_to);
	if (n->bcc != NULL)
		fprintf(f, "bcc = %s\n", n->bcc);
	fprintf(f, "min_interval = %llds\n", n->min_interval);
	if (n->template_dir != NULL) {
		fprintf(f, "template_dir = %s\n", n->template_dir);
		for (i = 0; i < n->ntemplates; i++)
			fprintf(f, "# template: %s.%s.txt\n",
			    n->templates[i].event, n->templates[i].lang);
	}
}
