/*
 * The way every message goes, whatever its source: hash, deduplicate,
 * parse, resolve, store, and at the end of each batch correlate and
 * commit.  Sources hand messages in; nothing here knows where they came
 * from beyond struct origin.
 *
 * A batch is one transaction: its messages, reports, cases, events and
 * the source's checkpoint commit together.  Under --dry-run all batches
 * share one transaction that is rolled back when the pipeline is freed,
 * so a dry run sees its own work and leaves nothing behind.
 */
#ifndef AC_PIPELINE_H
#define AC_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "correlate.h"
#include "report.h"
#include "util.h"

struct store;
struct resolver;
struct pipeline;

struct origin {
	const char	*source;	/* source name, or "import" */
	const char	*folder;	/* IMAP folder, Maildir or file path */
	uint32_t	 uidvalidity;	/* IMAP; 0 otherwise */
	uint32_t	 uid;
	const char	*name;		/* Maildir unique name to remember */
	const char	*file;		/* the file read, for messages */
	enum role	 role;		/* forced role, or ROLE_AUTO */
	time_t		 arrived;	/* INTERNALDATE or mtime; 0: now */
};

/* "source folder uid N" or "source file F", for messages. */
void origin_where(const struct origin *o, char *out, size_t outsz);

struct pipeline_stats {
	long	read;		/* handed in (stored or not) */
	long	committed;	/* stored, their batch committed */
	long	messages;	/* processed in a batch */
	long	stored;		/* new messages stored */
	long	reports;	/* new reports */
	long	duplicates;	/* message or incident already stored */
	long	quarantined;
	long	ignored;
	long	replayed;	/* taken out of the quarantine */
};

struct pipeline *pipeline_new(const struct config *c, struct store *s,
    struct resolver *r, int dry_run);
/* Frees; rolls back an open batch (and a dry run). */
void pipeline_free(struct pipeline *p);

/*
 * Once, before the first batch: count a strike against each message a
 * dead run was working on (inflight.h), in a transaction of its own, and
 * read the strikes.  A message with two strikes is stored as quarantined
 * with its raw bytes by pipeline_add(), not parsed.  Not kept in a dry
 * run (the strikes are still obeyed).
 */
enum rc pipeline_recover(struct pipeline *p, struct err *e);
/*
 * A source is about to read the message at o into memory: *skip = 1 when
 * reading it killed two runs already (it is then stored as quarantined
 * without bytes); else it is named as read from now on.
 */
enum rc pipeline_reading(struct pipeline *p, const struct origin *o,
    int *skip, struct err *e);

enum rc pipeline_begin(struct pipeline *p, struct err *e);
/*
 * Process one message of the open batch.  A message that cannot be read
 * is stored as quarantined with its raw bytes; RC_OK unless the store
 * itself failed (RC_TEMP or RC_FATAL).
 */
enum rc pipeline_add(struct pipeline *p, const struct origin *o,
    const char *raw, size_t len, struct err *e);
/*
 * A quarantined message (row of the store, with its bytes) parsed again
 * with the current parsers and limits, in the open batch.  What parses
 * now goes on as a newly collected message would (reports, cases,
 * events at the commit) and the row takes its new status; what still
 * fails stays quarantined with its new reason.  o says where it came
 * from and o->arrived when it arrived.  pipeline_add does the same for
 * bytes that are already quarantined.
 */
enum rc pipeline_replay(struct pipeline *p, const struct origin *o,
    int64_t row, const char *raw, size_t len, struct err *e);
/* A message known only by its size, over the limit: stored as
 * quarantined without its bytes. */
enum rc pipeline_add_oversize(struct pipeline *p, const struct origin *o,
    size_t size, struct err *e);
/* A message the server would not send: stored as quarantined, without
 * bytes, with the reason. */
enum rc pipeline_add_unreadable(struct pipeline *p, const struct origin *o,
    const char *reason, struct err *e);
/* Advance a folder's checkpoint within the open batch. */
enum rc pipeline_checkpoint(struct pipeline *p, const char *source,
    const char *folder, uint32_t uidvalidity, uint32_t last_uid,
    struct err *e);
/* 1 when a Maildir source already processed this file name. */
int pipeline_seen(struct pipeline *p, const char *source, const char *name,
    struct err *e);
/* Correlate and commit the open batch. */
enum rc pipeline_commit(struct pipeline *p, struct err *e);
/* Roll back the open batch. */
void pipeline_abort(struct pipeline *p);

int pipeline_dry_run(const struct pipeline *p);
/* The message size limit ([limits] max_message_size). */
size_t pipeline_limit(const struct pipeline *p);
const struct pipeline_stats *pipeline_stats(const struct pipeline *p);
struct store *pipeline_store(const struct pipeline *p);
/* Hear of each case event as it is recorded (correlate.h: the seam for
 * the outbox). */
void pipeline_on_event(struct pipeline *p, event_hook fn, void *arg);
/* And of each flip of a case's confirmation (new reports confirming a
 * case again after a correction took its confirmation back). */
void pipeline_on_flip(struct pipeline *p, flip_hook fn, void *arg);

#endif
