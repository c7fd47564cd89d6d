/*
 * gzip decompression with an output cap, for reports from strangers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "gzip.h"
#include "xmalloc.h"

#define GZIP_CHUNK	65536

int
gzip_is(const void *p, size_t len)
{
	const unsigned char	*b = p;

	return len >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

/* Grows the output by one chunk, within max; 0, or -1 when over it. */
static int
gzip_grow(z_stream *z, char **buf, size_t *cap, size_t max)
{
	size_t	used = *cap - z->avail_out;

	if (*cap >= max + 1)
		return -1;
	*cap = *cap + GZIP_CHUNK > max + 1 ? max + 1 : *cap + GZIP_CHUNK;
	*buf = xreallocarray(*buf, *cap + 1, 1);
	z->next_out = (Bytef *)*buf + used;
	z->avail_out = (uInt)(*cap - used);
	return 0;
}

int
gzip_inflate(const void *in, size_t len, size_t max, char **out,
    size_t *outlen, char **cause)
{
	z_stream	 z;
	char		*buf = NULL;
	size_t		 cap = 0;
	int		 rc = Z_OK;

	*out = NULL;
	*outlen = 0;
	if (!gzip_is(in, len)) {
		*cause = xstrdup("not gzip data");
		return -1;
	}
	memset(&z, 0, sizeof z);
	/* 16 + MAX_WBITS: a gzip wrapper, not zlib's. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		*cause = xstrdup("cannot initialise zlib");
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);

	while (rc != Z_STREAM_END) {
		if (z.avail_out == 0 && gzip_grow(&z, &buf, &cap, max) != 0) {
			*cause = xprintf("decompresses to more than %zu bytes",
			    max);
			goto fail;
		}
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc == Z_BUF_ERROR && z.avail_in == 0) {
			*cause = xstrdup("the gzip data is truncated");
			goto fail;
		}
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			*cause = xprintf("the gzip data is damaged (%s)",
			    z.msg != NULL ? z.msg : "zlib error");
			goto fail;
		}
	}

	/* Within max by construction: the buffer never grows past it. */
	*outlen = cap - z.avail_out;
	if (*outlen > max) {
		*cause = xprintf("decompresses to more than %zu bytes", max);
		goto fail;
	}
	buf = xreallocarray(buf, *outlen + 1, 1);
	buf[*outlen] = '\0';
	*out = buf;
	inflateEnd(&z);
	return 0;

fail:
	inflateEnd(&z);
	free(buf);
	return -1;
}
