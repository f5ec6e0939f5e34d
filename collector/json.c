#include "autoconf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "json.h"
#include "util.h"

enum { J_SET_STR, J_SET_NUM, J_SET_JSON, J_APPEND, J_GET, J_VALID, J_MIN,
	J_TYPE, J_APPEND_JSON, J_QUOTE, J_COUNT };

static const char *const jsql[J_COUNT] = {
	[J_SET_STR] = "SELECT json_set(coalesce(?1, '{}'), '$.' ||"
	    " json_quote(?2), ?3)",
	[J_SET_NUM] = "SELECT json_set(coalesce(?1, '{}'), '$.' ||"
	    " json_quote(?2), ?3)",
	[J_SET_JSON] = "SELECT json_set(coalesce(?1, '{}'), '$.' ||"
	    " json_quote(?2), json(?3))",
	[J_APPEND] = "SELECT json_insert(coalesce(?1, '[]'), '$[#]', ?2)",
	[J_APPEND_JSON] = "SELECT json_insert(coalesce(?1, '[]'), '$[#]',"
	    " json(?2))",
	[J_GET] = "SELECT CASE WHEN json_valid(?1) THEN"
	    " json_extract(?1, ?2) END",
	[J_VALID] = "SELECT json_valid(?1)",
	[J_MIN] = "SELECT CASE WHEN json_valid(?1) THEN json(?1) END",
	[J_TYPE] = "SELECT CASE WHEN json_valid(?1) THEN"
	    " json_type(?1, ?2) END",
	[J_QUOTE] = "SELECT json_quote(?1)",
};

/* One connection per thread: the parser may run in a thread of its own
 * (pipeline.c), and a connection opened without a mutex is not shared. */
static _Thread_local sqlite3 *db;
static _Thread_local sqlite3_stmt *st[J_COUNT];

void
json_release(void)
{
	int i;

	for (i = 0; i < J_COUNT; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
	sqlite3_close(db);
	db = NULL;
}

static void
json_close(void)
{
	json_release();
}

static void
register_close(void)
{
	atexit(json_close);
}

static sqlite3_stmt *
get(int q)
{
	if (db == NULL) {
		static pthread_once_t once = PTHREAD_ONCE_INIT;

		if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
			abort();
		/* The exit handler runs in the main thread and closes its
		 * connection; other threads call json_release before they
		 * end. */
		(void)pthread_once(&once, register_close);
	}
	if (st[q] == NULL &&
	    sqlite3_prepare_v2(db, jsql[q], -1, &st[q], NULL) != SQLITE_OK)
		abort();	/* a programming error in the SQL above */
	sqlite3_reset(st[q]);
	sqlite3_clear_bindings(st[q]);
	return st[q];
}

static void
bind(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static char *
result(sqlite3_stmt *s)
{
	char *r = NULL;

	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		r = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return r;
}

char *
json_set_str(const char *doc, const char *key, const char *value)
{
	sqlite3_stmt *s = get(J_SET_STR);

	bind(s, 1, doc);
	bind(s, 2, key);
	bind(s, 3, value);
	return result(s);
}

char *
json_set_num(const char *doc, const char *key, double value)
{
	sqlite3_stmt *s = get(J_SET_NUM);

	bind(s, 1, doc);
	bind(s, 2, key);
	if (value == (double)(long long)value)
		sqlite3_bind_int64(s, 3, (long long)value);
	else
		sqlite3_bind_double(s, 3, value);
	return result(s);
}

char *
json_set_json(const char *doc, const char *key, const char *json)
{
	sqlite3_stmt *s = get(J_SET_JSON);

	bind(s, 1, doc);
	bind(s, 2, key);
	bind(s, 3, json);
	return result(s);
}

char *
json_append_str(const char *array, const char *value)
{
	sqlite3_stmt *s = get(J_APPEND);

	bind(s, 1, array);
	bind(s, 2, value);
	return result(s);
}

char *
json_append_json(const char *array, const char *json)
{
	sqlite3_stmt *s = get(J_APPEND_JSON);

	bind(s, 1, array);
	bind(s, 2, json);
	return result(s);
}

char *
json_get(const char *doc, const char *path)
{
	sqlite3_stmt *s = get(J_GET);

	bind(s, 1, doc);
	bind(s, 2, path);
	return result(s);
}

char *
json_type_at(const char *doc, const char *path)
{
	sqlite3_stmt *s = get(J_TYPE);

	bind(s, 1, doc);
	bind(s, 2, path);
	return result(s);
}

int
json_valid_text(const char *doc)
{
	sqlite3_stmt *s = get(J_VALID);
	int r = 0;

	bind(s, 1, doc);
	if (sqlite3_step(s) == SQLITE_ROW)
		r = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return r;
}

char *
json_minify(const char *doc)
{
	sqlite3_stmt *s = get(J_MIN);

	bind(s, 1, doc);
	return result(s);
}

char *
json_quote_text(const char *s)
{
	sqlite3_stmt *q = get(J_QUOTE);

	sqlite3_bind_text(q, 1, s, -1, SQLITE_STATIC);
	return result(q);
}
