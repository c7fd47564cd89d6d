/*
 * The clock every verdict uses.
 *
 * Times that decide a verdict (signature expiry, how long a policy has been
 * in testing, when a rollover may proceed) come from clock_now(), never from
 * time(2) directly, so that tests can pin the date with --now or the
 * MXANCHOR_NOW environment variable.
 */
#ifndef MXANCHOR_CLOCK_H
#define MXANCHOR_CLOCK_H

#include <time.h>

time_t	clock_now(void);
void	clock_set(time_t);
int	clock_parse(const char *, time_t *);
void	clock_format(time_t, char *, size_t);

#endif
