/*
 * What counts.  A report from a machine (the outbound filter, a feedback
 * loop) names the offending message itself and counts as it is.  A
 * complaint written by a person counts only with evidence that points at
 * one of our customers: the offending message attached, forwarded or
 * pasted, and the customer found from that message by the resolver (an
 * identity header written by our hops, an origin address in our
 * networks, the offending sender's domain in our tables (its envelope
 * sender, or the From of a forward that kept nothing else), the lookup
 * API asked about them), never from the complainant's own address,
 * headers or words.  Without it the complaint is stored unverified: it waits for
 * the abuse desk (accept, dismiss) and counts nowhere.
 *
 * A complaint whose own sender (From or envelope sender) belongs to the
 * very customer its quoted message resolves to is that customer talking
 * about their own account ("sorry, my account was hacked" quoting the
 * spam): it is no report, and is stored ignored as kind "reply".  A
 * customer complaining about another customer's mail is a complaint
 * like any other.
 */
#ifndef AC_EVIDENCE_H
#define AC_EVIDENCE_H

#include <time.h>

#include "report.h"

struct resolver;

enum verdict {
	VERDICT_COUNTED,	/* counts into its case */
	VERDICT_UNVERIFIED,	/* stored, waits for review, counts nowhere */
	VERDICT_REPLY		/* not a report: rep->status is MSG_IGNORED */
};

#define KIND_REPLY	"reply"

/*
 * Resolve rep as resolver_resolve_at does, and judge it.  A report that
 * does not need evidence is only resolved.  For one that does,
 * rep->evidence says why it counts or not and rep->unverified is set
 * when it does not; an unverified report keeps as its customer what the
 * resolver found from anything it had (the desk's suggestion), which may
 * be "(unresolved)".  A reply gets rep->status = MSG_IGNORED and the
 * reason.
 */
enum verdict evidence_resolve(struct resolver *r, struct report *rep,
    time_t when);

#endif
