/*
 * The [source] keys of an imap source: their values, what an imap source
 * needs and what goes together, their defaults, and how check-config
 * prints them.  ca_file and password_file are read by config.c's file
 * setter.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bounds.h"
#include "config.h"
#include "config_int.h"
#include "files.h"

/* The [source] keys that only type = imap takes. */
int
imap_only_key(const char *name)
{
	static const char *const names[] = { "host", "port", "tls",
	    "allow_plaintext", "ca_file", "user", "auth", "password_file",
	    "password_env", "password", "token_command", "folder", "after",
	    "readonly", "batch_size", "connect_timeout", "timeout", "deadline" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

const char *
imap_set_string(struct loader *l, void *t, const char *v)
{
	char **p = t;

	if (*v == '\0')
		return "empty value";
	free(*p);
	*p = xstrdup(v);
	return NULL;
}

const char *
imap_set_host(struct loader *l, void *t, const char *v)
{
	const char *c;

	if (*v == '\0' || strlen(v) > 253)
		return "must be a host name or an IP address";
	for (c = v; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-' &&
		    *c != ':' && *c != '_')
			return "must be a host name or an IP address (no "
			    "brackets, no port: use the port key)";
	return imap_set_string(l, t, v);
}

const char *
imap_set_port(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_ll(v, 1, 65535, &n) < 0)
		return "must be a port number from 1 to 65535";
	*(long *)t = (long)n;
	return NULL;
}

const char *
imap_set_tls(struct loader *l, void *t, const char *v)
{
	enum imap_tls *p = t;

	if (strcmp(v, "implicit") == 0)
		*p = TLS_IMPLICIT;
	else if (strcmp(v, "starttls") == 0)
		*p = TLS_STARTTLS;
	else if (strcmp(v, "none") == 0)
		*p = TLS_NONE;
	else
		return "must be implicit, starttls or none";
	return NULL;
}

const char *
imap_set_yesno(struct loader *l, void *t, const char *v)
{
	int *p = t;

	if (strcmp(v, "yes") == 0)
		*p = 1;
	else if (strcmp(v, "no") == 0)
		*p = 0;
	else
		return "must be yes or no";
	return NULL;
}

const char *
imap_set_auth(struct loader *l, void *t, const char *v)
{
	enum imap_auth *p = t;

	if (strcmp(v, "password") == 0)
		*p = AUTH_PASSWORD;
	else if (strcmp(v, "xoauth2") == 0)
		*p = AUTH_XOAUTH2;
	else
		return "must be password or xoauth2";
	return NULL;
}

const char *
imap_set_env_name(struct loader *l, void *t, const char *v)
{
	const char *c;

	if (!isalpha((unsigned char)*v) && *v != '_')
		return "must be an environment variable name";
	for (c = v; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return "must be an environment variable name";
	return imap_set_string(l, t, v);
}

/*
 * inih takes " ;" inside a value as the start of a comment and drops the
 * rest without a word, so a value that must arrive whole is checked
 * against the line as it was written.
 */
static int
cut_by_comment(const struct loader *l)
{
	const char *raw = config_raw_line(l);

	return strstr(raw, " ;") != NULL || strstr(raw, "\t;") != NULL;
}

const char *
imap_set_password(struct loader *l, void *t, const char *v)
{
	if (cut_by_comment(l))
		return "holds ' ;', which this file format reads as the "
		    "start of a comment: put the password in a file and "
		    "name it with password_file";
	return imap_set_string(l, t, v);
}

/* Like the other secrets' files, one others can read is refused. */
const char *
imap_set_password_file(struct loader *l, void *t, const char *v)
{
	static char msg[PATH_MAX + 96];
	char **p = t;
	const char *why;
	struct stat st;

	if ((why = cfg_set_file(l, t, v)) != NULL)
		return why;
	if (stat(*p, &st) == 0 &&
	    secret_file_private(*p, st.st_mode, msg, sizeof(msg)) != 0)
		return msg;
	return NULL;
}

const char *
imap_set_token_command(struct loader *l, void *t, const char *v)
{
	if (cut_by_comment(l))
		return "holds ' ;', which this file format reads as the "
		    "start of a comment: put the command in a script and "
		    "name the script here";
	return imap_set_string(l, t, v);
}

/*
 * A folder name as people read it (UTF-8) in IMAP's modified UTF-7
 * (RFC 3501 5.1.3), through iconv's UTF-7-IMAP; NULL with the reason in
 * *why when the name is not valid UTF-8 or iconv lacks the encoding.
 */
static char *
folder_to_wire(const char *name, const char **why)
{
	/* UTF-8 of n bytes is at most 3 n + 2 bytes of modified UTF-7. */
	size_t inleft = strlen(name), outsz = 3 * inleft + 3, outleft;
	char *in = (char *)(uintptr_t)name, *out, *o;
	iconv_t cd = iconv_open("UTF-7-IMAP", "UTF-8");

	if (cd == (iconv_t)-1) {
		*why = "holds characters that are not ASCII, and this "
		    "system's iconv has no UTF-7-IMAP to send them in";
		return NULL;
	}
	o = out = xmalloc(outsz);
	outleft = outsz - 1;
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1) {
		*why = errno == E2BIG ? "is too long once encoded for IMAP" :
		    "is not valid UTF-8";
		iconv_close(cd);
		free(out);
		return NULL;
	}
	iconv_close(cd);
	*o = '\0';
	return out;
}

/* A folder name v (UTF-8 without control characters) into *name, and
 * its modified UTF-7 into *wire; NULL, or why it is refused. */
static const char *
set_folder(char **name, char **wire, const char *v)
{
	const char *c, *why = "cannot be encoded for IMAP";
	char *w;

	if (*v == '\0' || strlen(v) > MAX_FOLDER_LEN)
		return "must be a folder name of 1 to 255 bytes";
	for (c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
			return "holds a control character";
	if ((w = folder_to_wire(v, &why)) == NULL)
		return why;
	free(*wire);
	*wire = w;
	free(*name);
	*name = xstrdup(v);
	return NULL;
}

const char *
imap_set_folder(struct loader *l, void *t, const char *v)
{
	struct source_conf *s = t;

	return set_folder(&s->folder, &s->folder_wire, v);
}

const char *
imap_set_after(struct loader *l, void *t, const char *v)
{
	struct source_conf *s = t;
	const char *msg;

	if (strcmp(v, "keep") == 0) {
		s->after = AFTER_KEEP;
	} else if (strcmp(v, "seen") == 0) {
		s->after = AFTER_SEEN;
	} else if (strncmp(v, "move:", 5) == 0) {
		if ((msg = set_folder(&s->after_folder, &s->after_wire,
		    v + 5)) != NULL)
			return msg;
		s->after = AFTER_MOVE;
	} else {
		return "must be keep, seen or move:FOLDER";
	}
	return NULL;
}

const char *
imap_set_batch(struct loader *l, void *t, const char *v)
{
	static char msg[80];
	long long n;

	if (parse_ll(v, 1, IMAP_BATCH_MAX, &n) < 0) {
		snprintf(msg, sizeof(msg), "must be a whole number from 1 "
		    "to %d", IMAP_BATCH_MAX);
		return msg;
	}
	*(size_t *)t = (size_t)n;
	return NULL;
}

const char *
imap_set_seconds(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 3600)
		return "must be a duration from 1s to 1h (like 30s or 2m)";
	*(long *)t = (long)n;
	return NULL;
}

/* How long one run may spend on the source, all connections together. */
const char *
imap_set_deadline(struct loader *l, void *t, const char *v)
{
	long long n;

	if (parse_duration(v, &n) < 0 || n < 1 || n > 86400)
		return "must be a duration from 1s to 24h (like 30m or 2h)";
	*(long *)t = (long)n;
	return NULL;
}

/* An imap source: what it needs, what goes together, and defaults. */
void
imap_validate(struct loader *l, struct source_conf *s)
{
	int npass = (s->password_file != NULL) + (s->password_env != NULL) +
	    (s->password != NULL);

	if (s->path != NULL)
		config_error(l, s->line, "path", "an imap source takes host and "
		    "folder, not path");
	if (s->host == NULL)
		config_error(l, s->line, "host", "missing (the IMAP server)");
	if (s->user == NULL)
		config_error(l, s->line, "user", "missing (the login name)");
	if (s->auth == AUTH_PASSWORD) {
		if (npass == 0)
			config_error(l, s->line, "password_file", "missing: "
			    "give password_file, password_env or password "
			    "(or auth = xoauth2 and token_command)");
		else if (npass > 1)
			config_error(l, s->line, "password_file", "give only "
			    "one of password_file, password_env and "
			    "password");
		if (s->token_command != NULL)
			config_error(l, s->line, "token_command", "is used only "
			    "with auth = xoauth2");
	} else {
		if (s->token_command == NULL)
			config_error(l, s->line, "token_command", "missing "
			    "(auth = xoauth2 logs in with the access token "
			    "that this command prints)");
		if (npass > 0)
			config_error(l, s->line, "auth", "xoauth2 takes no "
			    "password: remove password_file, password_env "
			    "and password");
	}
	if (s->tls == TLS_NONE && !s->allow_plaintext)
		config_error(l, s->line, "tls", "none sends the password in "
		    "clear text: set allow_plaintext = yes to accept that");
	if (s->folder == NULL)
		(void)set_folder(&s->folder, &s->folder_wire, "INBOX");
	if (s->after == AFTER_MOVE && strcmp(s->after_folder, s->folder) == 0)
		config_error(l, s->line, "after", "moves into the folder it "
		    "reads ('%s')", s->folder);
	if (s->readonly && s->after != AFTER_KEEP)
		config_error(l, s->line, "readonly", "yes opens the folder "
		    "read-only, where after = %s cannot %s messages: use "
		    "after = keep", s->after == AFTER_SEEN ? "seen" : "move",
		    s->after == AFTER_SEEN ? "flag" : "move");
	if (s->port == 0)
		s->port = s->tls == TLS_IMPLICIT ? 993 : 143;
	if (s->batch_size == 0)
		s->batch_size = IMAP_BATCH;
	if (s->connect_timeout == 0)
		s->connect_timeout = IMAP_CONNECT_TIMEOUT;
	if (s->timeout == 0)
		s->timeout = IMAP_TIMEOUT;
	if (s->deadline == 0)
		s->deadline = IMAP_DEADLINE;
	if (s->deadline < s->timeout || s->deadline < s->connect_timeout)
		config_error(l, s->line, "deadline", "%lds is shorter than "
		    "timeout (%lds) or connect_timeout (%lds)", s->deadline,
		    s->timeout, s->connect_timeout);
}

void
imap_release(struct source_conf *s)
{
	free(s->host);
	free(s->ca_file);
	free(s->user);
	free(s->password_file);
	free(s->password_env);
	if (s->password != NULL)
		explicit_bzero(s->password, strlen(s->password));
	free(s->password);
	free(s->token_command);
	free(s->folder);
	free(s->after_folder);
	free(s->folder_wire);
	free(s->after_wire);
}

const char *
imap_tls_name(enum imap_tls t)
{
	switch (t) {
	case TLS_IMPLICIT: return "implicit";
	case TLS_STARTTLS: return "starttls";
	case TLS_NONE: return "none";
	}
	return "?";
}

/* The keys of an imap source; the inline password is masked. */
/* "KEYname", and the name the server knows when it differs. */
static void
print_folder(FILE *f, const char *key, const char *name, const char *wire)
{
	fprintf(f, "%s%s\n", key, name);
	if (strcmp(name, wire) != 0)
		fprintf(f, "# the server knows it as %s\n", wire);
}

void
imap_print(const struct source_conf *s, FILE *f)
{
	fprintf(f, "host = %s\nport = %ld\ntls = %s\nallow_plaintext = %s\n",
	    s->host, s->port, imap_tls_name(s->tls),
	    s->allow_plaintext ? "yes" : "no");
	if (s->ca_file)
		fprintf(f, "ca_file = %s\n", s->ca_file);
	else
		fprintf(f, "# ca_file not set: the system's trust store\n");
	fprintf(f, "user = %s\nauth = %s\n", s->user,
	    s->auth == AUTH_XOAUTH2 ? "xoauth2" : "password");
	if (s->password_file)
		fprintf(f, "password_file = %s\n", s->password_file);
	if (s->password_env)
		fprintf(f, "password_env = %s\n", s->password_env);
	if (s->password)
		fprintf(f, "password = ********\n");
	if (s->token_command)
		fprintf(f, "token_command = %s\n", s->token_command);
	print_folder(f, "folder = ", s->folder, s->folder_wire);
	if (s->after == AFTER_MOVE)
		print_folder(f, "after = move:", s->after_folder,
		    s->after_wire);
	else
		fprintf(f, "after = %s\n", s->after == AFTER_SEEN ? "seen" :
		    "keep");
	fprintf(f, "readonly = %s\n", s->readonly ? "yes" : "no");
	fprintf(f, "batch_size = %zu\nconnect_timeout = %lds\n"
	    "timeout = %lds\ndeadline = %lds\n", s->batch_size,
	    s->connect_timeout, s->timeout, s->deadline);
}
