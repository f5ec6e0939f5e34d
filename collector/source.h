/*
 * Sources: where messages come from.  Each source type is one function
 * that hands every message it has not processed yet to the pipeline, in
 * batches, committing each batch with its checkpoint.
 *
 * Return: RC_OK; RC_TEMP when the source could not be read or failed part
 * way (what was committed stays, the next run resumes there); RC_FATAL
 * when the store failed.  The error names the source, folder and, where
 * it applies, the UID or file.
 */
#ifndef AC_SOURCE_H
#define AC_SOURCE_H

#include "config.h"
#include "pipeline.h"
#include "util.h"

enum rc source_collect(const struct source_conf *s, struct pipeline *p,
    struct err *e);

/* Per type, in source_local.c and source_imap.c. */
enum rc imap_collect(const struct source_conf *s, struct pipeline *p,
    struct err *e);
enum rc maildir_collect(const struct source_conf *s, struct pipeline *p,
    struct err *e);
enum rc mbox_collect(const struct source_conf *s, struct pipeline *p,
    struct err *e);

/*
 * import: a file (one message), a Maildir (a directory with cur/ and
 * new/) or an mbox file, detected from what path is.  Imported messages
 * have the source name "import".
 */
enum rc import_path(const char *path, struct pipeline *p, struct err *e);

#endif
