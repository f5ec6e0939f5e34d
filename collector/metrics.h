/*
 * What monitoring is told: the store's counts (store_facts) and how each
 * configured source is doing, as a Prometheus text file for
 * node_exporter's textfile collector ([metrics] textfile, written at the
 * end of every run, collect, import and deliver) and as JSON (status
 * --json).
 */
#ifndef AC_METRICS_H
#define AC_METRICS_H

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "store.h"
#include "util.h"

struct facts;

/* Read the facts of s at now; "today" is now's day in the process's
 * time zone (the cases time zone).  *fp is freed with facts_free. */
enum rc facts_read(struct facts **fp, const struct config *c,
    struct store *s, time_t now, struct err *e);
void facts_free(struct facts *f);

/* The facts in the Prometheus text exposition format, every name
 * prefixed abuse_collector_, with HELP and TYPE; -1 when out fails. */
int metrics_print(FILE *out, const struct facts *f);

/* metrics_print into path, written whole or not at all (a temporary
 * file renamed over it), mode 0644: node_exporter reads it as another
 * user.  RC_TEMP when the disk is full, RC_FATAL otherwise; errors name
 * the file. */
enum rc metrics_write(const struct facts *f, const char *path,
    struct err *e);

/* The facts as one JSON object (caller frees). */
char *facts_json(const struct facts *f);

/* A label value escaped for the text format: backslash, double quote
 * and line feed as \\, \" and \n (caller frees). */
char *prom_escape(const char *v);

#endif
