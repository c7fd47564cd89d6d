/*
 * A domain's rollout as a document for an auditor or a change board:
 * each step's status with its findings and RFC references, what remains
 * to publish, the inventory of recovery addresses with who confirmed
 * what and when, the timeline of events and notes, and the TLS-RPT
 * summary.
 *
 * report_load() reads everything from the state (no network); the
 * renderers turn a loaded report into Markdown or into one self-contained
 * HTML page (inline CSS and SVG, no script, no outside resource).  Every
 * string from the state or the network is escaped for the output format.
 * Nothing here prints; the caller writes the text where it wants.
 */
#ifndef MXANCHOR_REPORT_H
#define MXANCHOR_REPORT_H

#include <stddef.h>
#include <time.h>

#include "inventory.h"
#include "state.h"
#include "step.h"
#include "tlsrpt_summary.h"

struct report_step {
	int			 have;		/* ever checked */
	time_t			 changed;	/* status since */
	time_t			 checked;
	struct step_result	 result;
};

struct report {
	char			*domain;
	time_t			 added;
	time_t			 checked;	/* last check, 0: never */
	time_t			 generated;	/* clock_now() */
	struct report_step	 steps[STEP_COUNT];
	struct state_event	*events;	/* oldest first */
	size_t			 nevents;
	struct state_recovery	*recovery;	/* the inventory */
	size_t			 nrecovery;
	struct state_mailbox	*mailboxes;
	size_t			 nmailboxes;
	struct tlsrpt_summary	 tlsrpt;
};

/* 0, or -1 with *cause (also for a domain not in the state). */
int	 report_load(struct state *, const char *domain, struct report *,
	     char **cause);
void	 report_free(struct report *);

/*
 * A step's statuses over time, from the "status" events ("dnssec: pass",
 * "dnssec: pending -> pass"): each segment runs until the next change or
 * until the report's generation time.  Caller frees *out.
 */
struct report_segment {
	time_t			from;
	time_t			to;
	enum step_status	status;
};
size_t	 report_segments(const struct report *, enum step_id,
	     struct report_segment **out);

/* The document; caller frees. */
char	*report_markdown(const struct report *);
char	*report_html(const struct report *);

#endif
