/*
 * Private to the store files (collector/store*.c): the SQLite handle
 * behind a struct store.  Nothing outside collector/store*.c includes
 * this header, so the rest of the program still sees only store.h.
 */
#ifndef AC_STORE_IMPL_H
#define AC_STORE_IMPL_H

#include <sqlite3.h>

#include "store.h"

sqlite3 *store_handle(struct store *s);
/* The SQL functions of the store's queries, on a new connection
 * (store_dump.c). */
void store_functions(sqlite3 *db);

/* Bind text or, for NULL, SQL NULL; the text must outlive the step. */
static inline void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}
/* Set e from the connection's last error (RC_TEMP when busy or locked,
 * else RC_FATAL), naming what failed; returns e->rc. */
enum rc store_fail(struct store *s, struct err *e, const char *what);

/* Prepare q for one use (the caller finalizes it); NULL, with e set,
 * when it fails. */
sqlite3_stmt *store_prepare(struct store *s, const char *q, struct err *e);
/* Step st to completion and finalize it, naming what on failure;
 * *changes (when not NULL) gets the rows changed. */
enum rc store_finish(struct store *s, sqlite3_stmt *st, const char *what,
    long *changes, struct err *e);
/* Copy column i's text, empty for NULL, into out. */
void store_col(sqlite3_stmt *st, int i, char *out, size_t outsz);

#endif
