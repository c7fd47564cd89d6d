/*
 * A growing string, for building artifacts and messages piece by piece.
 * The buffer is always NUL-terminated; strbuf_take() hands it over.
 */
#ifndef MXANCHOR_STRBUF_H
#define MXANCHOR_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

void	 strbuf_printf(struct strbuf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 strbuf_add(struct strbuf *, const char *, size_t);
/* The string (never NULL); the buffer is empty afterwards. */
char	*strbuf_take(struct strbuf *);
void	 strbuf_free(struct strbuf *);

#endif
