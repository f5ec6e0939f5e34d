/*
 * Inside the configuration loader: what config.c offers the files that
 * hold the keys of one kind of source (config_imap.c), and what they
 * offer back.  The loader itself stays private to config.c.
 */
#ifndef AC_CONFIG_INT_H
#define AC_CONFIG_INT_H

#include <stdio.h>

#include "config.h"

struct loader;

/* The line being read as it was written, before inih cut comments off. */
const char *config_raw_line(const struct loader *l);
/* Report a mistake as "file:line: [section] key: message". */
void config_error(struct loader *l, int line, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * config_imap.c: the [source] keys of type = imap.  Each setter stores
 * value v at target t and returns NULL, or returns what is wrong with v.
 */
const char *imap_set_string(struct loader *, void *t, const char *v);
const char *imap_set_host(struct loader *, void *t, const char *v);
const char *imap_set_port(struct loader *, void *t, const char *v);
const char *imap_set_tls(struct loader *, void *t, const char *v);
const char *imap_set_yesno(struct loader *, void *t, const char *v);
const char *imap_set_auth(struct loader *, void *t, const char *v);
const char *imap_set_env_name(struct loader *, void *t, const char *v);
const char *imap_set_password(struct loader *, void *t, const char *v);
const char *imap_set_token_command(struct loader *, void *t,
    const char *v);
const char *imap_set_folder(struct loader *, void *t, const char *v);
/* t is the struct source_conf (after and after_folder). */
const char *imap_set_after(struct loader *, void *t, const char *v);
const char *imap_set_batch(struct loader *, void *t, const char *v);
const char *imap_set_seconds(struct loader *, void *t, const char *v);

/* 1 when name is a [source] key that only type = imap takes. */
int imap_only_key(const char *name);
/* Once the file is read: required keys, keys that exclude each other,
 * defaults.  Mistakes go to config_error. */
void imap_validate(struct loader *l, struct source_conf *s);
/* Free the imap fields of s; the inline password is wiped first. */
void imap_release(struct source_conf *s);
/* The imap keys as understood, the inline password masked. */
void imap_print(const struct source_conf *s, FILE *f);

#endif
