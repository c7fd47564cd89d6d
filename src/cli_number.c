/*
 * Numeric command-line arguments, checked the same way everywhere.
 */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

long
cli_number(const char *option, const char *arg, long min, long max)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		cli_usage_error("%s wants a number from %ld to %ld, not %s",
		    option, min, max, arg);
	return n;
}
