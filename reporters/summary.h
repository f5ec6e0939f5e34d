/*
 * The daily summary files: summary-D.csv (one row per customer with a
 * case on day D).  Files are written to a temporary name and renamed, so
 * a reader never sees half a file.
 */
#ifndef AC_SUMMARY_H
#define AC_SUMMARY_H

#include "util.h"

struct store;
struct config;

/* Write the summaries of day into dir; *written gets the CSV's path
 * (caller frees). */
enum rc summary_write(struct store *s, const struct config *c,
    const char *day, const char *dir, char **written, struct err *e);

#endif
