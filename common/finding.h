/*
 * Findings: what a parser or a step has to tell the operator.
 *
 * A finding has a severity, a stable code (part of the JSON interface, e.g.
 * "dnssec.unsigned"), a message a sysadmin understands and, where one
 * decides it, the RFC section ("RFC 8461 §3.2") and what kind of rule
 * is broken: a MUST, a SHOULD, or advice beyond the RFC.  Parsers in
 * probes/ and verdicts in steps/ both produce them; a list owns its
 * strings.
 */
#ifndef MXANCHOR_FINDING_H
#define MXANCHOR_FINDING_H

#include <stddef.h>

enum severity {
	SEV_INFO,
	SEV_WARN,
	SEV_ERROR,
};

enum requirement {
	REQ_NONE,		/* not a rule of an RFC: an observation */
	REQ_MUST,
	REQ_SHOULD,
	REQ_ADVICE,		/* good practice, no RFC keyword */
};

/*
 * Messages are kept printable UTF-8 (common/printable.h) and at most this
 * long: they quote what servers sent.
 */
#define FINDING_MESSAGE_MAX	1024

struct finding {
	enum severity	 severity;
	enum requirement req;
	char		*code;
	char		*message;
	char		*rfc;		/* may be NULL */
};

struct findings {
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
};

void		 findings_add(struct findings *, enum severity,
		     const char *code, const char *rfc, const char *fmt, ...)
		     __attribute__((format(printf, 5, 6)));
void		 findings_add_req(struct findings *, enum severity,
		     enum requirement, const char *code, const char *rfc,
		     const char *fmt, ...)
		     __attribute__((format(printf, 6, 7)));
void		 findings_append(struct findings *, const struct findings *);
size_t		 findings_count(const struct findings *, enum severity);
const struct finding *findings_find(const struct findings *, const char *code);
void		 findings_free(struct findings *);

const char	*severity_name(enum severity);
int		 severity_parse(const char *, enum severity *);
/* "MUST", "SHOULD", "advice"; NULL for REQ_NONE. */
const char	*requirement_name(enum requirement);
int		 requirement_parse(const char *, enum requirement *);

#endif
