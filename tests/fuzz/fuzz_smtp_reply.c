/*
 * Fuzz harness: the SMTP reply parser (RFC 5321 §4.2) as the probe uses
 * it, consuming reply after reply from the bytes received, and the EHLO
 * keyword lookup on the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*p = (const char *)data;
	char		*text;
	size_t		 left = len, used;
	int		 code;

	while (left > 0 && smtp_reply_parse(p, left, &code, &used) == 1) {
		if (used == 0 || used > left || code < 200 || code > 599)
			abort();
		p += used;
		left -= used;
	}

	text = xstrndup((const char *)data, len);
	smtp_ehlo_has(text, "STARTTLS");
	smtp_ehlo_has(text, "");
	free(text);
	return 0;
}
