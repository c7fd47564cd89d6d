/*
 * Allocation helpers that never return NULL.
 *
 * mxanchor is an interactive tool: when memory runs out there is nothing
 * useful left to do, so every allocation goes through these wrappers and
 * the program stops with a message instead of checking NULL everywhere.
 */
#ifndef MXANCHOR_XMALLOC_H
#define MXANCHOR_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* Returns the formatted string; handy inside expressions. */
char	*xprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
