/*
 * Where the report gets its TLS-RPT figures.
 */
#include <stdlib.h>
#include <string.h>

#include "tlsrpt_summary.h"

int
tlsrpt_summary_load(struct state *st, const char *domain,
    struct tlsrpt_summary *out, char **cause)
{
	/* No report storage in the state yet: nothing to summarise. */
	memset(out, 0, sizeof *out);
	return 0;
}

void
tlsrpt_summary_free(struct tlsrpt_summary *s)
{
	free(s->days);
	memset(s, 0, sizeof *s);
}
