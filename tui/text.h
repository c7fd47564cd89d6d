/*
 * Text for the screen: decoding, measuring, clipping and wrapping.
 *
 * Everything the screens show comes from steps, probes or the state as
 * UTF-8.  text_decode() turns it into wide characters the terminal can
 * show: in a UTF-8 locale unprintable characters become U+FFFD, otherwise
 * common symbols are spelled in ASCII (§ as "Sec.", an em dash as "--") and
 * the rest become '?'.  Control characters never reach the terminal.
 *
 * A struct text_lines owns its lines; text_lines_free() frees them all.
 */
#ifndef MXANCHOR_TEXT_H
#define MXANCHOR_TEXT_H

#include <stddef.h>
#include <wchar.h>

struct text_line {
	wchar_t		*text;
	int		 attr;
	int		 indent;	/* blank columns before text */
	const char	*mark;		/* in the indent, or NULL */
	int		 mark_attr;
};

struct text_lines {
	struct text_line	*v;
	size_t			 n;
	size_t			 cap;
};

#define TEXT_VERBATIM	0x1	/* break anywhere, keep blanks */

/* Caller frees.  *len (if not NULL) gets the number of characters. */
wchar_t	*text_decode(const char *, size_t *len);
int	 text_width(const char *);
int	 text_wcs_width(const wchar_t *, size_t);

/* Draw at most width columns; pads with blanks when pad.  Returns used. */
int	 text_put(int y, int x, int width, int attr, const char *s, int pad);
int	 text_put_wcs(int y, int x, int width, int attr, const wchar_t *,
	    int pad);
void	 text_fill(int y, int x, int width, int attr);

/*
 * Wrap s (which may hold several lines) into lines of at most width
 * columns, indent included; continuation lines get hang more columns.
 */
void	 text_wrap(struct text_lines *, const char *s, int width,
	    int indent, int hang, int attr, int flags);
void	 text_lines_blank(struct text_lines *);
void	 text_lines_free(struct text_lines *);

#endif
