/*
 * TLS-RPT aggregate reports (RFC 8460 §4.4): the JSON a sending MTA
 * mails or posts to the addresses in _smtp._tls.
 *
 * The parser is strict about what it cannot do without (a report-id, a
 * date range, a policies array) and lenient about what real reporters
 * leave out or spell differently: a missing sending-mta-ip, a null
 * contact-info, no policy-domain (the caller may know it from the mail
 * header or the file name), "mx-host" for "mx-host-pattern", counts as
 * strings, a missing summary or failure-details.  Absent fields are NULL,
 * never an error.  The report owns every string.
 */
#ifndef MXANCHOR_TLSRPT_REPORT_H
#define MXANCHOR_TLSRPT_REPORT_H

#include <stddef.h>
#include <time.h>

#define TLSRPT_REPORT_MAX	(16 * 1024 * 1024)	/* JSON bytes */

struct tlsrpt_failure {
	char		*result_type;	/* "starttls-not-supported", ... */
	char		*sending_ip;
	char		*receiving_mx;
	char		*receiving_helo;
	char		*receiving_ip;
	long long	 sessions;
	char		*reason_code;
	char		*info;		/* additional-information */
};

struct tlsrpt_policy {
	char			*type;		/* "sts", "tlsa", ... */
	char			*domain;	/* lower-case, no final dot */
	char			**strings;	/* policy-string */
	size_t			  nstrings;
	char			**mx;		/* mx-host(-pattern) */
	size_t			  nmx;
	long long		  successful;
	long long		  failed;
	struct tlsrpt_failure	 *failures;
	size_t			  nfailures;
};

struct tlsrpt_report {
	char			*organization;
	char			*contact;
	char			*report_id;
	time_t			 begin;
	time_t			 end;
	struct tlsrpt_policy	*policies;
	size_t			 npolicies;
};

/*
 * Parses len bytes of JSON.  fallback_domain (may be NULL) stands in for
 * a missing policy-domain.  Returns 0, or -1 with *cause (caller frees).
 */
int	 tlsrpt_report_parse(const char *json, size_t len,
	     const char *fallback_domain, struct tlsrpt_report *,
	     char **cause);
void	 tlsrpt_report_free(struct tlsrpt_report *);

/* RFC 3339 date-time ("2026-12-02T00:00:00Z", offsets, fractions). */
int	 tlsrpt_time_parse(const char *, time_t *);

/*
 * The policy domain from a report file name (RFC 8460 §5.1:
 * submitter!policy-domain!begin!end!id.json[.gz]); NULL when the name
 * has another shape.  Caller frees.
 */
char	*tlsrpt_filename_domain(const char *name);

/*
 * What a failure means for the operator, in one sentence ("mx2 did not
 * offer STARTTLS to 3 sessions; ..."); caller frees.
 */
char	*tlsrpt_failure_guidance(const struct tlsrpt_policy *,
	     const struct tlsrpt_failure *);

#endif
