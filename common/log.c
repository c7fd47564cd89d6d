/*
 * Developer log: a timestamped file, one line per message, thread-safe.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"

static FILE		*log_file;
static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;

int
log_open(const char *path)
{
	FILE	*f;

	if ((f = fopen(path, "a")) == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);

	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void
log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

int
log_enabled(void)
{
	return log_file != NULL;
}

void
log_debug(const char *fmt, ...)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 stamp[32];
	va_list		 ap;

	if (log_file == NULL)
		return;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);

	pthread_mutex_lock(&log_lock);
	if (log_file != NULL) {
		fprintf(log_file, "%s.%03ld ", stamp, (long)tv.tv_usec / 1000);
		va_start(ap, fmt);
		vfprintf(log_file, fmt, ap);
		va_end(ap);
		fputc('\n', log_file);
	}
	pthread_mutex_unlock(&log_lock);
}
