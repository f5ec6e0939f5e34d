/*
 * Secrets for logging in to a mailbox: a password from a file, from the
 * environment or from the configuration, or an OAuth2 access token that a
 * command prints (as mail clients do for Microsoft 365 and Gmail).
 *
 * Every secret handed out is a NUL-terminated string owned by the caller
 * and released with secret_free, which wipes it.  No message produced here
 * contains the secret or any part of it.
 */
#ifndef AC_SECRET_H
#define AC_SECRET_H

#include "util.h"

/*
 * Check a password as found in (p, n): one line, not empty, at most
 * MAX_SECRET_LEN bytes, without NUL.  One trailing line end ("\n" or
 * "\r\n") is removed first.  On success *out is the password.  RC_TEMP
 * and a message starting with what otherwise.
 */
enum rc secret_take(const char *what, const char *p, size_t n, char **out,
    struct err *e);

/* The password in the file at path (secret_take's rules); a file others
 * can read is refused. */
enum rc secret_from_file(const char *path, char **out, struct err *e);

/* The password in environment variable name (secret_take's rules). */
enum rc secret_from_env(const char *name, char **out, struct err *e);

/*
 * Run command with /bin/sh -c, standard input from /dev/null, standard
 * error inherited, no other descriptor, in a process group of its own,
 * with only PATH, HOME, USER, LOGNAME, LANG, LC_ALL, LC_CTYPE and TMPDIR
 * of the environment.  What it prints on standard output until it exits
 * (a child left in the background may keep the output open; it is not
 * waited for), without surrounding white space, is the token: at most
 * MAX_TOKEN_LEN bytes of printable ASCII without spaces.  The command's
 * process group is killed when it takes longer than timeout seconds or
 * prints too much.  RC_TEMP when it cannot be run, fails, exits non-zero
 * or prints no usable token; the message says which (exit status,
 * signal, timeout).
 */
enum rc secret_from_command(const char *command, long timeout, char **out,
    struct err *e);

/* Wipe and free s (NULL is fine). */
void secret_free(char *s);

#endif
