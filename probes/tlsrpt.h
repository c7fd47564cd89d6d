/*
 * TLS-RPT record parsing (RFC 8460 §3).
 *
 * Records that do not start with v=TLSRPTv1 are discarded; if the count
 * left is not exactly one, the domain does not implement TLS-RPT.  Every
 * rua field is kept (a record may declare several, comma-separated or
 * repeated); each URI must be mailto: or https:.
 */
#ifndef MXANCHOR_TLSRPT_H
#define MXANCHOR_TLSRPT_H

#include <stddef.h>

#include "finding.h"

struct tlsrpt_txt {
	char	**rua;
	size_t	  nrua;
};

int	tlsrpt_txt_parse(const char *record, struct tlsrpt_txt *,
	    struct findings *);
int	tlsrpt_txt_select(char **records, size_t n, struct tlsrpt_txt *,
	    struct findings *);
void	tlsrpt_txt_free(struct tlsrpt_txt *);

#endif
