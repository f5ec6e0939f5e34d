/*
 * Private to the store files (store.c, store_dump.c, store_out.c): the SQLite handle
 * behind a struct store.  Nothing outside collector/store*.c includes
 * this header, so the rest of the program still sees only store.h.
 */
#ifndef AC_STORE_IMPL_H
#define AC_STORE_IMPL_H

#include <sqlite3.h>

#include "store.h"

sqlite3 *store_handle(struct store *s);

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

#endif
