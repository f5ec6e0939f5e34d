/*
 * The after step of an imap source (after = seen or move:FOLDER): what
 * the server does with the messages of a committed batch, kept in step
 * with the store.
 *
 * The action a batch owes is recorded in the batch's own transaction
 * (after_record), done once the batch is committed, and forgotten when
 * the server has confirmed it (after_apply).  What a crash, a lost
 * connection or a refusal left undone is done first on the next session
 * of the run after (after_redo), and only for the UIDs still in the
 * folder: a move the server did do is not done twice.  Without MOVE, a
 * move is COPY, then \Deleted and UID EXPUNGE; that a COPY was sent, and
 * then that the server confirmed it, is recorded, so that it is not made
 * again; when its answer was lost, the target is searched first.
 *
 * A refused action (the server says NO: no right to insert into the
 * target, say) does not stop the source: its messages stay recorded and
 * the action is tried again on every run; after_finish says so once per
 * run, with the server's answer.
 */
#ifndef AC_IMAP_AFTER_H
#define AC_IMAP_AFTER_H

#include <stddef.h>
#include <stdint.h>

#include "imap.h"
#include "util.h"

struct store;

struct after_run {
	struct imap_session	*is;
	const struct source_conf *s;
	struct store		*st;
	int			 dry_run;	/* nothing recorded or done */
	uint32_t		 uidvalidity;	/* of the folder selected */
	int			 redone;	/* after_redo ran this run */
	int			 refused;	/* the server refused, ... */
	char			 answer[600];	/* ... with this answer */
	int			 warned_uidplus;
};

/* In the batch's open transaction: uids (ascending) owe the source's
 * after action.  RC_OK at once for after = keep and in a dry run. */
enum rc after_record(struct after_run *ar, const uint32_t *uids, size_t n,
    struct err *e);

/*
 * Once the batch is committed: the action for uids (as recorded).  RC_OK
 * when done, and when refused (ar->refused; once refused in a run, later
 * batches are only recorded); RC_TEMP when the session failed (the
 * messages stay recorded); RC_FATAL (or RC_TEMP) when the store did.
 */
enum rc after_apply(struct after_run *ar, const uint32_t *uids, size_t n,
    struct err *e);

/*
 * Right after the folder is selected, once per run: forget what was
 * recorded under another UIDVALIDITY (with a warning: those UIDs name
 * nothing now) or, with after = keep, all of it; then do what is still
 * owed, for the UIDs still in the folder.  Return codes as after_apply.
 */
enum rc after_redo(struct after_run *ar, struct err *e);

/* At the end of the folder: after a refusal, the warning (source,
 * folder, how many messages wait, the server's answer), also kept in
 * the store for status. */
enum rc after_finish(struct after_run *ar, struct err *e);

#endif
