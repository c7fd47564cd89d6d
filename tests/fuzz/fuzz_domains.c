/*
 * Fuzz harness: the domain list file of check --domains (steps/fleet.c).
 * Whatever the file holds, reading it ends with a list of valid, distinct,
 * lower-case names or an error naming a line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	FILE		*f;
	const char	*why;
	char		**names, *cause = NULL, *again;
	size_t		  n, i, j;

	if (len == 0 || (f = fmemopen((void *)data, len, "r")) == NULL)
		return 0;
	if (fleet_read_stream(f, "fuzz", &names, &n, &cause) != 0) {
		if (cause == NULL || strncmp(cause, "fuzz", 4) != 0)
			abort();
		free(cause);
		fclose(f);
		return 0;
	}
	for (i = 0; i < n; i++) {
		/* Each name is its own normal form, and appears once. */
		if ((again = fleet_domain_name(names[i], &why)) == NULL ||
		    strcmp(again, names[i]) != 0)
			abort();
		free(again);
		for (j = i + 1; j < n && n < 200; j++)
			if (strcmp(names[i], names[j]) == 0)
				abort();
	}
	fleet_domains_free(names, n);
	fclose(f);
	return 0;
}
