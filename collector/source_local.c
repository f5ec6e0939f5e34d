/*
 * Local sources: Maildir folders and mbox files, read through libetpan's
 * drivers, and single message files for import.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libetpan/libetpan.h>

#include "bounds.h"
#include "log.h"
#include "source.h"

/* Commit every LOCAL_BATCH messages, so a kill loses little work. */
static enum rc
batch_step(struct pipeline *p, size_t *n, struct err *e)
{
	enum rc rc;

	if (++*n % LOCAL_BATCH != 0)
		return RC_OK;
	if ((rc = pipeline_commit(p, e)) != RC_OK)
		return rc;
	return pipeline_begin(p, e);
}

/* One file: read it (bounded) and hand it in; too big is quarantined. */
static enum rc
add_file(struct pipeline *p, const struct origin *o, const char *path,
    size_t max, struct err *e)
{
	struct err fe = { RC_OK, "" };
	struct origin oo = *o;
	struct stat st;
	size_t len;
	char *data;
	enum rc rc;
	int skip;

	if (stat(path, &st) == 0 && oo.arrived == 0)
		oo.arrived = st.st_mtime;
	oo.file = path;
	if ((rc = pipeline_reading(p, &oo, &skip, e)) != RC_OK || skip)
		return rc;
	rc = read_file(path, max, &data, &len, &fe);
	if (rc == RC_REJECT && stat(path, &st) == 0 &&
	    (unsigned long long)st.st_size > max)
		return pipeline_add_oversize(p, &oo, (size_t)st.st_size, e);
	if (rc != RC_OK) {
		/* Vanished or unreadable: say so, and let the next run retry
		 * (it is not remembered). */
		log_error("%s: %s", o->source, fe.msg);
		return RC_OK;
	}
	rc = pipeline_add(p, &oo, data, len, e);
	free(data);
	return rc;
}

/*
 * Why libetpan could not read the Maildir at path, in the system's words:
 * the directory itself, then cur/ and new/, each looked at the way the
 * scan reads it.  0 with why set when one of them fails; -1 when all can
 * be read (the failure was something else).
 */
static int
maildir_why(const char *path, char *why, size_t whysz)
{
	static const char *const sub[] = { "cur", "new" };
	char dir[4096];
	struct stat st;
	DIR *d;
	size_t i;

	if (stat(path, &st) != 0) {
		snprintf(why, whysz, "%s", strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, whysz, "not a directory (a Maildir is a "
		    "directory with cur/ and new/)");
		return 0;
	}
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", path,
		    sub[i]) >= sizeof(dir)) {
			snprintf(why, whysz, "path too long");
			return 0;
		}
		if ((d = opendir(dir)) == NULL) {
			snprintf(why, whysz, "%s/: %s", sub[i],
			    strerror(errno));
			return 0;
		}
		closedir(d);
	}
	return -1;
}

static enum rc
maildir_read(const char *source, const char *path, enum role role,
    int remember, struct pipeline *p, struct err *e)
{
	struct maildir *md;
	struct origin o;
	char why[256];
	size_t i, n = 0;
	enum rc rc = RC_OK;
	int r, seen;

	if ((md = maildir_new(path)) == NULL)
		return err_set(e, RC_TEMP, "%s: cannot open Maildir '%s'",
		    source, path);
	if ((r = maildir_update(md)) != MAILDIR_NO_ERROR) {
		maildir_free(md);
		if (maildir_why(path, why, sizeof(why)) == 0)
			return err_set(e, RC_TEMP, "%s: cannot read Maildir "
			    "'%s': %s", source, path, why);
		return err_set(e, RC_TEMP, "%s: cannot read Maildir '%s' "
		    "(libetpan error %d)", source, path, r);
	}
	memset(&o, 0, sizeof(o));
	o.source = source;
	o.folder = path;
	o.role = role;
	if ((rc = pipeline_begin(p, e)) != RC_OK)
		goto out;
	for (i = 0; i < carray_count(md->mdir_msg_list) && rc == RC_OK; i++) {
		struct maildir_msg *m = carray_get(md->mdir_msg_list, i);
		char *file;

		if (remember) {
			seen = pipeline_seen(p, source, m->msg_uid, e);
			if (seen < 0) {
				rc = e->rc;
				break;
			}
			if (seen)
				continue;
		}
		if ((file = maildir_message_get(md, m->msg_uid)) == NULL)
			continue;	/* gone since the scan */
		o.name = remember ? m->msg_uid : NULL;
		rc = add_file(p, &o, file, pipeline_limit(p), e);
		free(file);
		if (rc == RC_OK)
			rc = batch_step(p, &n, e);
	}
	if (rc == RC_OK)
		rc = pipeline_commit(p, e);
	else
		pipeline_abort(p);
out:
	maildir_free(md);
	return rc;
}

/* As maildir_why(), for an mbox file. */
static int
mbox_why(const char *path, char *why, size_t whysz)
{
	struct stat st;
	FILE *fp;

	if (stat(path, &st) != 0) {
		snprintf(why, whysz, "%s", strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, whysz, "a directory, not an mbox file");
		return 0;
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(why, whysz, "%s", strerror(errno));
		return 0;
	}
	fclose(fp);
	return -1;
}

static enum rc
mbox_read(const char *source, const char *path, enum role role,
    int remember, struct pipeline *p, struct err *e)
{
	struct mailmbox_folder *f = NULL;
	struct origin o;
	char why[256];
	unsigned int i;
	size_t n = 0;
	enum rc rc = RC_OK;
	int r;

	r = mailmbox_init(path, 1, 1, 0, &f);
	if (r != MAILMBOX_NO_ERROR) {
		if (mbox_why(path, why, sizeof(why)) == 0)
			return err_set(e, RC_TEMP, "%s: cannot open mbox "
			    "'%s': %s", source, path, why);
		return err_set(e, RC_TEMP, "%s: cannot open mbox '%s' "
		    "(libetpan error %d)", source, path, r);
	}
	if ((r = mailmbox_validate_read_lock(f)) != MAILMBOX_NO_ERROR) {
		mailmbox_done(f);
		return err_set(e, RC_TEMP, "%s: cannot lock mbox '%s' "
		    "(libetpan error %d)", source, path, r);
	}
	memset(&o, 0, sizeof(o));
	o.source = source;
	o.folder = path;
	o.role = role;
	if ((rc = pipeline_begin(p, e)) != RC_OK)
		goto out;
	for (i = 0; i < carray_count(f->mb_tab) && rc == RC_OK; i++) {
		struct mailmbox_msg_info *mi = carray_get(f->mb_tab, i);
		const char *raw;
		size_t len;
		char key[128], sha[65];
		int seen;

		if (mi == NULL)
			continue;
		raw = f->mb_mapping + mi->msg_headers;
		len = mi->msg_size - mi->msg_start_len;
		if (remember) {
			/* Position, size and the first bytes identify a
			 * message without hashing all of it; a rewritten
			 * mbox moves messages and they are read again (and
			 * found known by their hash). */
			sha256_hex(raw, len < 512 ? len : 512, sha);
			snprintf(key, sizeof(key), "%zu:%zu:%.32s",
			    mi->msg_start, len, sha);
			if ((seen = pipeline_seen(p, source, key, e)) < 0) {
				rc = e->rc;
				break;
			}
			if (seen)
				continue;
			o.name = key;
		}
		o.uid = i + 1;
		if (len > pipeline_limit(p))
			rc = pipeline_add_oversize(p, &o, len, e);
		else
			rc = pipeline_add(p, &o, raw, len, e);
		if (rc == RC_OK)
			rc = batch_step(p, &n, e);
	}
	if (rc == RC_OK)
		rc = pipeline_commit(p, e);
	else
		pipeline_abort(p);
out:
	mailmbox_read_unlock(f);
	mailmbox_done(f);
	return rc;
}

enum rc
maildir_collect(const struct source_conf *s, struct pipeline *p,
    struct err *e)
{
	return maildir_read(s->name, s->path, s->role, 1, p, e);
}

enum rc
mbox_collect(const struct source_conf *s, struct pipeline *p, struct err *e)
{
	return mbox_read(s->name, s->path, s->role, 1, p, e);
}

enum rc
source_collect(const struct source_conf *s, struct pipeline *p,
    struct err *e)
{
	switch (s->type) {
	case SOURCE_IMAP:
		return imap_collect(s, p, e);
	case SOURCE_MAILDIR:
		return maildir_collect(s, p, e);
	case SOURCE_MBOX:
		return mbox_collect(s, p, e);
	default:
		return err_set(e, RC_FATAL, "%s: no reader for source type %s",
		    s->name, source_type_name(s->type));
	}
}

static int
is_maildir(const char *path)
{
	char sub[4096];
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/cur", path);
	if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	snprintf(sub, sizeof(sub), "%s/new", path);
	return stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
}

/* An mbox starts with a "From " separator line. */
static int
is_mbox(const char *path)
{
	char head[5];
	FILE *fp = fopen(path, "rb");
	int r;

	if (fp == NULL)
		return 0;
	r = fread(head, 1, 5, fp) == 5 && memcmp(head, "From ", 5) == 0;
	fclose(fp);
	return r;
}

enum rc
import_path(const char *path, struct pipeline *p, struct err *e)
{
	struct origin o;
	struct stat st;
	enum rc rc;

	if (stat(path, &st) != 0)
		return err_set(e, RC_REJECT, "import: cannot read '%s': %s",
		    path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (!is_maildir(path))
			return err_set(e, RC_REJECT, "import: '%s' is a "
			    "directory but not a Maildir (no cur/ and new/)",
			    path);
		return maildir_read("import", path, ROLE_AUTO, 0, p, e);
	}
	if (is_mbox(path))
		return mbox_read("import", path, ROLE_AUTO, 0, p, e);
	memset(&o, 0, sizeof(o));
	o.source = "import";
	o.folder = path;
	if ((rc = pipeline_begin(p, e)) != RC_OK)
		return rc;
	if ((rc = add_file(p, &o, path, pipeline_limit(p), e)) != RC_OK) {
		pipeline_abort(p);
		return rc;
	}
	return pipeline_commit(p, e);
}
