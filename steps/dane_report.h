/*
 * The DANE verdict for one MX address, as findings and as a line of the
 * tlsa step's per-address table: which record matched which certificate
 * and, where none did, what was published beside what was served.
 */
#ifndef MXANCHOR_DANE_REPORT_H
#define MXANCHOR_DANE_REPORT_H

#include <stddef.h>
#include <time.h>

#include "smtp.h"
#include "step.h"
#include "strbuf.h"
#include "tlsa.h"

/* What one address is judged with. */
struct dane_report_target {
	const char			*host;	/* MX host name */
	const char			*base;	/* TLSA base domain */
	const struct smtp_result	*smtp;	/* TLS completed */
	time_t				 now;
};

/*
 * Judges the address against recs (all records of the RRset, usable or
 * not); adds findings to r and a block of lines to table.  Returns 1
 * when every kind of usable record has a match (RFC 7671 §8).
 */
int	dane_report_addr(const struct dane_report_target *,
	    const struct tlsa_record *recs, size_t n, struct step_result *r,
	    struct strbuf *table);

/*
 * Whether the records would authenticate the address (any usable
 * record matches, as a client decides); no findings.
 */
int	dane_report_would_pass(const struct dane_report_target *,
	    const struct tlsa_record *recs, size_t n);

#endif
