/*
 * JSON, built and read by SQLite's JSON functions on a private in-memory
 * connection, so no JSON text is ever pasted together by hand.  Every
 * function returns a new string the caller frees, or NULL.
 */
#ifndef AC_JSON_H
#define AC_JSON_H

/* doc (NULL: "{}") with key set to the string value (NULL: null). */
char *json_set_str(const char *doc, const char *key, const char *value);
/* doc with key set to a number. */
char *json_set_num(const char *doc, const char *key, double value);
/* doc with key set to another JSON text (object, array, true, ...). */
char *json_set_json(const char *doc, const char *key, const char *json);
/* array (NULL: "[]") with the string value appended. */
char *json_append_str(const char *array, const char *value);
/* array (NULL: "[]") with another JSON text appended. */
char *json_append_json(const char *array, const char *json);
/* The value at path ("$.customer") as text; NULL when absent, null or
 * when doc is not valid JSON. */
char *json_get(const char *doc, const char *path);
/* The type of the value at path: "object", "array", "text", "integer",
 * "real", "true", "false" or "null"; NULL when absent or when doc is not
 * valid JSON.  Caller frees. */
char *json_type_at(const char *doc, const char *path);
/* 1 when doc is valid JSON. */
int json_valid_text(const char *doc);
/* Close the calling thread's connection (a thread that used these
 * functions calls it before it ends; the main thread's closes at exit). */
void json_release(void);
/* Pretty-free canonical form of doc (for output); NULL if invalid. */
char *json_minify(const char *doc);

/* s as a JSON string, quotes included: "a\"b\n". */
char *json_quote_text(const char *s);

#endif
