/*
 * The rollout checklist.
 *
 * A step turns what the probes observed about a domain into a verdict:
 * a status, findings, and artifacts (the exact records and files the
 * operator should publish).  Steps do no I/O of their own; the network
 * work is done once per check by observe.c, and each step's evaluate()
 * is a pure function of that observation, of the rollout's history
 * (context.h) and of the verdicts of the steps before it.  Nothing here includes curses.
 *
 * The step ids and status words are a stable interface (JSON, state).
 */
#ifndef MXANCHOR_STEP_H
#define MXANCHOR_STEP_H

#include <stddef.h>

#include <jansson.h>

#include "finding.h"

struct observation;
struct step_context;

enum step_status {
	STEP_PENDING,	/* cannot be judged yet, or waits on the operator */
	STEP_PASS,
	STEP_WARN,
	STEP_FAIL,
};

enum step_id {
	STEP_INVENTORY,
	STEP_DNSSEC,
	STEP_TLSA,
	STEP_MTA,
	STEP_MTA_STS,
	STEP_TLS_RPT,
	STEP_ENFORCE,
	STEP_COUNT
};

/* Something to publish: a zone fragment, a file, a command. */
struct artifact {
	char	*name;		/* "TLSA records for mx.example.net" */
	char	*kind;		/* to publish: "zone", "file", "script",
				   "form", "config"; to read: "text" */
	char	*content;
};

struct step_result {
	enum step_id	 id;
	enum step_status status;
	char		*summary;	/* one line for lists */
	struct findings	 findings;
	struct artifact	*artifacts;
	size_t		 nartifacts;
};

struct step {
	enum step_id	 id;
	const char	*name;		/* stable id: "dnssec" */
	const char	*title;		/* "DNSSEC" */
	const char	*help;		/* why it matters, what to do */
	void		(*evaluate)(const struct observation *,
			    const struct step_context *,
			    const struct step_result *earlier,
			    struct step_result *);
};

extern const struct step *const step_table[STEP_COUNT];

const struct step *step_by_name(const char *);

const char	*step_status_name(enum step_status);
int		 step_status_parse(const char *, enum step_status *);

void		 step_result_init(struct step_result *, enum step_id);
void		 step_result_free(struct step_result *);
void		 step_result_set(struct step_result *, enum step_status,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void		 step_result_artifact(struct step_result *, const char *name,
		     const char *kind, const char *content);

/* {"id":..., "status":..., "summary":..., "findings":[], "artifacts":[]} */
json_t		*step_result_to_json(const struct step_result *);
int		 step_result_from_json(json_t *, struct step_result *,
		     char **cause);

#endif
