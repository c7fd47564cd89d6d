/*
 * Decompressing gzip (RFC 1952) with zlib, for TLS-RPT reports
 * (RFC 8460 §5.2), with a cap on the output against gzip bombs.
 *
 * Only the first member is read; bytes after it (padding some reporters
 * and mail gateways leave) are ignored.  A truncated or corrupt stream
 * is an error: half a report is not a report.
 */
#ifndef MXANCHOR_GZIP_H
#define MXANCHOR_GZIP_H

#include <stddef.h>

/* The gzip magic bytes 1f 8b. */
int	gzip_is(const void *, size_t);

/*
 * Inflates in into *out (NUL-terminated, *outlen bytes, caller frees);
 * -1 with *cause when the data is not gzip, is damaged, or inflates to
 * more than max bytes.
 */
int	gzip_inflate(const void *in, size_t len, size_t max, char **out,
	    size_t *outlen, char **cause);

#endif
