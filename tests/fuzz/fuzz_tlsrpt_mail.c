/*
 * Fuzz harness: TLS-RPT reports in mail (RFC 8460 §5.3) through GMime,
 * then each report part through gunzip and the JSON parser.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gzip.h"
#include "tlsrpt_mail.h"
#include "tlsrpt_report.h"

#define FUZZ_GZIP_MAX	(1024 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_part(const struct tlsrpt_part *p, const char *domain)
{
	struct tlsrpt_report	 r;
	const char		*json = p->data;
	char			*inflated = NULL, *cause = NULL;
	size_t			 len = p->len;

	if (p->gzipped) {
		if (gzip_inflate(p->data, p->len, FUZZ_GZIP_MAX, &inflated,
		    &len, &cause) != 0) {
			free(cause);
			return;
		}
		json = inflated;
	}
	if (tlsrpt_report_parse(json, len, domain, &r, &cause) == 0)
		tlsrpt_report_free(&r);
	else
		free(cause);
	free(inflated);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tlsrpt_mail	 m;
	char			*cause = NULL;
	size_t			 i;

	if (tlsrpt_mail_parse((const char *)data, len, &m, &cause) != 0) {
		free(cause);
		return 0;
	}
	for (i = 0; i < m.nparts; i++)
		fuzz_part(&m.parts[i], m.report_domain);
	tlsrpt_mail_free(&m);
	return 0;
}
