/*
 * Fuzz harness: reading certificates and keys (probes/credfile.c) and the
 * TLSA records they give (probes/tlsagen.c).  The input is one file's
 * bytes, read as any kind and, when it is not PEM, as a private and a
 * public key too.  OpenSSL 3's decoders make this a slow target (a few
 * milliseconds an input): give it long runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credfile.h"
#include "tlsagen.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_one(const uint8_t *data, size_t len, enum credfile_kind kind)
{
	struct credfile_set	 set = { NULL, 0, 0 };
	char			*cause = NULL, *hex;
	size_t			 i;

	if (credfile_load_mem(&set, data, len, "fuzz", kind, &cause) != 0) {
		free(cause);
		credfile_set_free(&set);
		return;
	}
	for (i = 0; i < set.n; i++) {
		hex = tlsagen_data(&set.v[i], 3, 1, 1, &cause);
		free(hex);
		free(cause);
		cause = NULL;
		hex = tlsagen_data(&set.v[i], 2, 0, 2, &cause);
		free(hex);
		free(cause);
		cause = NULL;
	}
	credfile_set_free(&set);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	fuzz_one(data, len, CREDFILE_ANY);

	/* The kind only changes how DER is tried; PEM says what it is. */
	if (memmem(data, len, "-----BEGIN ", 11) == NULL) {
		fuzz_one(data, len, CREDFILE_KEY);
		fuzz_one(data, len, CREDFILE_PUBKEY);
	}
	return 0;
}
