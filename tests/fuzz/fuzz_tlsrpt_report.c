/*
 * Fuzz harness: TLS-RPT JSON reports (RFC 8460 §4.4), gzipped or not, as
 * the importer sees a file: gunzip with a cap, parse, and say what each
 * failure means.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gzip.h"
#include "tlsrpt_report.h"

#define FUZZ_GZIP_MAX	(1024 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tlsrpt_report	 r;
	const char		*json = (const char *)data;
	char			*inflated = NULL, *cause = NULL, *g;
	size_t			 jlen = len, i, j;

	if (gzip_is(data, len)) {
		if (gzip_inflate(data, len, FUZZ_GZIP_MAX, &inflated, &jlen,
		    &cause) != 0) {
			free(cause);
			return 0;
		}
		json = inflated;
	}
	if (tlsrpt_report_parse(json, jlen, "example.net", &r, &cause) != 0) {
		free(cause);
		free(inflated);
		return 0;
	}
	for (i = 0; i < r.npolicies; i++) {
		for (j = 0; j < r.policies[i].nfailures; j++) {
			g = tlsrpt_failure_guidance(&r.policies[i],
			    &r.policies[i].failures[j]);
			free(g);
		}
	}
	tlsrpt_report_free(&r);
	free(inflated);
	return 0;
}
