/*
 * Allocation wrappers: abort on exhaustion, reject zero-sized requests.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static void __attribute__((noreturn))
xmalloc_fatal(const char *what, size_t size)
{
	fprintf(stderr, "mxanchor: %s(%zu) failed: %s\n", what, size,
	    strerror(errno));
	abort();
}

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		xmalloc_fatal("xmalloc zero", size);
	if ((p = malloc(size)) == NULL)
		xmalloc_fatal("xmalloc", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		xmalloc_fatal("xcalloc zero", size);
	if ((p = calloc(n, size)) == NULL)
		xmalloc_fatal("xcalloc", n * size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		xmalloc_fatal("xreallocarray zero", size);
	if (SIZE_MAX / n < size)
		xmalloc_fatal("xreallocarray overflow", size);
	if ((p = realloc(old, n * size)) == NULL)
		xmalloc_fatal("xreallocarray", n * size);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		xmalloc_fatal("xstrdup", strlen(s));
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		xmalloc_fatal("xstrndup", n);
	return p;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	 n;

	if ((n = vasprintf(ret, fmt, ap)) < 0)
		xmalloc_fatal("xvasprintf", 0);
	return n;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

char *
xprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	return s;
}
