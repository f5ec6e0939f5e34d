#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "table.h"

int
csv_split(char *line, char **cells, size_t max)
{
	char *r = line, *w = line;
	size_t n = 0;

	for (;;) {
		char *start = w, delim;
		const char *s;
		size_t len;

		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					return -1;	/* unterminated quote */
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
			while (*r == ' ' || *r == '\t')
				r++;
			if (*r != ',' && *r != '\0')
				return -1;	/* text after a quoted cell */
		} else {
			while (*r != ',' && *r != '\0') {
				if (*r == '"')
					return -1;	/* quote inside a cell */
				*w++ = *r++;
			}
		}
		delim = *r;
		s = start;
		len = (size_t)(w - start);
		trim(&s, &len);
		if (n == max)
			return -1;
		memmove(start, s, len);
		start[len] = '\0';	/* may overwrite the comma at r */
		cells[n++] = start;
		if (delim == '\0')
			return (int)n;
		r++;
		w = r;
	}
}

enum rc
table_read(const char *path, const char *const *want, size_t nreq,
    size_t nwant, table_row_fn fn, void *arg, struct err *e)
{
	char line[MAX_TABLE_LINE + 2], *cells[TABLE_MAX_COLS];
	size_t ncols = 0, i;
	int lineno = 0, n;
	const char *msg;
	FILE *fp;
	enum rc rc = RC_OK;

	if ((fp = fopen(path, "r")) == NULL)
		return err_set(e, RC_FATAL, "cannot open '%s': %s", path,
		    strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len > 0 && line[len - 1] != '\n' && !feof(fp)) {
			rc = err_set(e, RC_FATAL, "%s:%d: line longer than "
			    "%d bytes", path, lineno, MAX_TABLE_LINE);
			goto out;
		}
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lineno == 1 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, len - 2);	/* UTF-8 BOM */
		if (line[strspn(line, " \t")] == '\0' || line[0] == '#')
			continue;
		n = csv_split(line, cells, TABLE_MAX_COLS);
		if (n < 0) {
			rc = err_set(e, RC_FATAL, "%s:%d: malformed CSV line",
			    path, lineno);
			goto out;
		}
		if (ncols == 0) {
			/* The header row. */
			if ((size_t)n < nreq || (size_t)n > nwant) {
				rc = err_set(e, RC_FATAL, "%s:%d: header must "
				    "be '%s,%s%s'", path, lineno, want[0],
				    want[1], nwant > nreq ? ",..." : "");
				goto out;
			}
			for (i = 0; i < (size_t)n; i++)
				if (strcmp(cells[i], want[i]) != 0) {
					rc = err_set(e, RC_FATAL, "%s:%d: column "
					    "%zu is '%s', expected '%s'", path,
					    lineno, i + 1, cells[i], want[i]);
					goto out;
				}
			ncols = (size_t)n;
			continue;
		}
		if ((size_t)n != ncols) {
			rc = err_set(e, RC_FATAL, "%s:%d: %d cells, the header "
			    "has %zu", path, lineno, n, ncols);
			goto out;
		}
		if ((msg = fn(arg, ncols, cells, lineno)) != NULL) {
			rc = err_set(e, RC_FATAL, "%s:%d: %s", path, lineno,
			    msg);
			goto out;
		}
	}
	if (ferror(fp))
		rc = err_set(e, RC_FATAL, "cannot read '%s': %s", path,
		    strerror(errno));
	else if (ncols == 0)
		rc = err_set(e, RC_FATAL, "%s: no header row", path);
out:
	fclose(fp);
	return rc;
}
