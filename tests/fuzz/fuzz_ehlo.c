/*
 * Fuzz harness: SMTP replies as the STARTTLS probe reads them (RFC 5321
 * §4.2): the reply parser on the raw bytes, then, as for an EHLO reply,
 * the text extraction and the search for STARTTLS (RFC 3207 §4).
 */
#include <stddef.h>
#include <stdint.h>

#include "smtp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	size_t	used;
	int	code, tls;

	if (smtp_reply_parse((const char *)data, len, &code, &used) == 1 &&
	    (used > len || code < 200 || code > 599))
		__builtin_trap();
	if (smtp_ehlo_parse((const char *)data, len, &code, &tls) == 0 &&
	    tls != 0 && tls != 1)
		__builtin_trap();
	return 0;
}
