/*
 * XARF JSON (Abusix, v3 "ReporterInfo"/"Report" documents and v4
 * "xarf_version" documents), sent either as an ARF report whose feedback
 * part says "Feedback-Type: xarf" and whose third part is the JSON, or as
 * a plain mail with an application/json (xarf.json) attachment.  The JSON
 * is read with SQLite's JSON functions (json.h); evidence that is a whole
 * message (base64 message/rfc822) becomes the offending message.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "formats.h"

static int
json_leaf(const struct part *p)
{
	size_t fl;

	if (p->child != NULL || p->body == NULL)
		return 0;
	if (strcmp(p->type, "application/json") == 0)
		return 1;
	fl = p->filename ? strlen(p->filename) : 0;
	return fl > 5 && ascii_casecmp(p->filename + fl - 5, ".json") == 0;
}

/* The JSON part, when it looks like an XARF document. */
static const struct part *
json_part(const struct msg *m)
{
	struct part *p = NULL;

	while ((p = part_walk(m->root, p)) != NULL)
		if (json_leaf(p) &&
		    (memcasemem(p->body, p->body_len, "\"xarf_version\"") ||
		    memcasemem(p->body, p->body_len, "\"ReporterInfo\"") ||
		    memcasemem(p->body, p->body_len, "\"Report\"")))
			return p;
	return NULL;
}

static int
xarf_feedback(const struct msg *m)
{
	const struct part *fb = feedback_part(m->root);
	const char *ft;

	if (fb == NULL || fb->body == NULL ||
	    (ft = memcasemem(fb->body, fb->body_len, "Feedback-Type:")) ==
	    NULL)
		return 0;
	ft += strlen("Feedback-Type:");
	while (ft < fb->body + fb->body_len && (*ft == ' ' || *ft == '\t'))
		ft++;
	return has_prefix_ci(ft, (size_t)(fb->body + fb->body_len - ft),
	    "xarf");
}

static int
xj_match(const struct msg *m, struct cues *c)
{
	if (xarf_feedback(m))
		return 85;
	return json_part(m) != NULL ? 80 : 0;
}

/* The first of the paths that has a value; caller frees. */
static char *
first_of(const char *doc, const char *const *paths, size_t n)
{
	size_t i;
	char *v;

	for (i = 0; i < n; i++)
		if ((v = json_get(doc, paths[i])) != NULL)
			return v;
	return NULL;
}

#define FIRST(doc, ...) first_of(doc, (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* Evidence that is a whole message: parse it as the offending one. */
static void
evidence(struct msg *m, const struct part *jp, const char *doc,
    struct report *r)
{
	char path[64], *ct, *data;
	const char *msgtext;
	size_t i, len;

	for (i = 0; i < MAX_XARF_EVIDENCE && r->offending == NULL; i++) {
		(void)snprintf(path, sizeof(path), "$.evidence[%zu].content_type",
		    i);
		if ((ct = json_get(doc, path)) == NULL) {
			(void)snprintf(path, sizeof(path),
			    "$.Report.Attachment[%zu].ContentType", i);
			if ((ct = json_get(doc, path)) == NULL)
				break;
			(void)snprintf(path, sizeof(path),
			    "$.Report.Attachment[%zu].Data", i);
		} else {
			(void)snprintf(path, sizeof(path),
			    "$.evidence[%zu].payload", i);
		}
		if (ascii_ncasecmp(ct, "message/rfc822", 14) == 0 &&
		    (data = json_get(doc, path)) != NULL) {
			msgtext = mime_base64(m, data, strlen(data), &len);
			if (msgtext != NULL)
				r->offending = mime_parse_embedded(m,
				    (struct part *)(uintptr_t)jp, msgtext,
				    len);
			free(data);
		}
		free(ct);
	}
}

static void
from_json(struct msg *m, const struct part *jp, const char *doc,
    struct report *r)
{
	char *type, *cls, *v;
	const char *c;

	type = FIRST(doc, "$.type", "$.Report.ReportType");
	cls = FIRST(doc, "$.category", "$.Report.ReportClass");
	if (type != NULL || cls != NULL)
		set_lower(&r->feedback_type, type ? type : cls);
	if ((c = category_for_words(type, type ? strlen(type) : 0)) == NULL)
		c = category_for_words(cls, cls ? strlen(cls) : 0);
	report_setz(&r->category, c ? c : "other");
	free(type);
	free(cls);
	if ((v = FIRST(doc, "$.source_identifier", "$.Report.SourceIp",
	    "$.Report.Source.IP", "$.Report.Source.Ip")) != NULL)
		set_ip(&r->source_ip, v);
	free(v);
	if ((v = FIRST(doc, "$.timestamp", "$.Report.Date")) != NULL)
		set_date(&r->occurred_at, v);
	free(v);
	if ((v = FIRST(doc, "$.reporter.domain",
	    "$.ReporterInfo.ReporterOrgDomain")) != NULL)
		set_lower(&r->reporter, v);
	else if ((v = FIRST(doc, "$.reporter.contact",
	    "$.ReporterInfo.ReporterOrgEmail")) != NULL)
		report_take(&r->reporter, addr_domain(v));
	free(v);
	if ((v = FIRST(doc, "$.smtp_from",
	    "$.Report.AdditionalInfo.SMTPFrom")) != NULL)
		set_addr(&r->mail_from, v);
	free(v);
	if ((v = FIRST(doc, "$.subject",
	    "$.Report.AdditionalInfo.Subject")) != NULL)
		set_decoded(&r->subject, v);
	free(v);
	evidence(m, jp, doc, r);
}

static enum rc
xj_parse(struct msg *m, struct report *r, struct err *e)
{
	const struct part *jp = json_part(m);
	char *doc;

	if (jp == NULL) {
		/* An ARF "xarf" report whose JSON part is not recognisable
		 * by its keys: any JSON leaf will do. */
		struct part *p = NULL;

		while ((p = part_walk(m->root, p)) != NULL && !json_leaf(p))
			;
		jp = p;
	}
	if (jp == NULL)
		return err_set(e, RC_REJECT, "XARF report without a JSON part");
	if (jp->body_len > MAX_XARF_JSON)
		return err_set(e, RC_REJECT, "XARF JSON of %zu bytes is over "
		    "the limit of %u", jp->body_len, MAX_XARF_JSON);
	doc = xstrndup(jp->body, jp->body_len);
	if (!json_valid_text(doc)) {
		free(doc);
		return err_set(e, RC_REJECT, "XARF part is not valid JSON");
	}
	r->role = ROLE_EXTERNAL;
	if (r->reporter == NULL)
		report_take(&r->reporter, addr_domain(root_hdr(m, "From")));
	from_json(m, jp, doc, r);
	free(doc);
	return RC_OK;
}

const struct format format_xarf_json = {
	.name = "xarf",
	.is_report = 1,
	.match = xj_match,
	.most = 85,
	.parse = xj_parse,
};
