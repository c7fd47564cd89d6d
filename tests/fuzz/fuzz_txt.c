/*
 * Fuzz harness: the _mta-sts and _smtp._tls TXT record parsers
 * (RFC 8461 §3.1, RFC 8460 §3).  Input is split on newlines into the
 * records of one RRset, so selection is exercised too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sts.h"
#include "tlsrpt.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct findings		  fs = { NULL, 0, 0 };
	struct sts_txt		  sts;
	struct tlsrpt_txt	  rpt;
	char			 *text, **records = NULL, *line, *save;
	size_t			  n = 0, i;

	/* TXT data may hold any byte but NUL in our joined strings. */
	text = xstrndup((const char *)data, len);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		records = xreallocarray(records, n + 1, sizeof *records);
		records[n++] = line;
	}

	sts_txt_select(records, n, &sts, &fs);
	sts_txt_free(&sts);
	tlsrpt_txt_select(records, n, &rpt, &fs);
	tlsrpt_txt_free(&rpt);

	for (i = 0; i < n; i++) {
		sts_txt_parse(records[i], &sts, &fs);
		sts_txt_free(&sts);
	}
	free(records);
	free(text);
	findings_free(&fs);
	return 0;
}
