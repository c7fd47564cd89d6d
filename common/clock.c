/*
 * Injectable wall clock.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

static time_t	clock_fixed = -1;

/* Pin the clock; (time_t)-1 returns to the real time. */
void
clock_set(time_t t)
{
	clock_fixed = t;
}

time_t
clock_now(void)
{
	const char	*env;
	time_t		 t;

	if (clock_fixed != -1)
		return clock_fixed;
	if ((env = getenv("MXANCHOR_NOW")) != NULL && clock_parse(env, &t) == 0)
		return t;
	return time(NULL);
}

/* Accepts seconds since the epoch or YYYY-MM-DDTHH:MM:SS[Z] (UTC). */
int
clock_parse(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*end;
	char		*numend;
	long long	 n;

	n = strtoll(s, &numend, 10);
	if (*s != '\0' && *numend == '\0') {
		*out = (time_t)n;
		return 0;
	}

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || (*end != '\0' && strcmp(end, "Z") != 0))
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* Formats as 2026-12-03T13:44:56Z. */
void
clock_format(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
