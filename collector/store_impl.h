/*
 * Private to the store files (store.c, store_out.c): the SQLite handle
 * behind a struct store.  Nothing outside collector/store*.c includes
 * this header, so the rest of the program still sees only store.h.
 */
#ifndef AC_STORE_IMPL_H
#define AC_STORE_IMPL_H

#include <sqlite3.h>

#include "store.h"

sqlite3 *store_handle(struct store *s);
/* Set e from the connection's last error (RC_TEMP when busy or locked,
 * else RC_FATAL), naming what failed; returns e->rc. */
enum rc store_fail(struct store *s, struct err *e, const char *what);

#endif
