/*
 * Decoding, measuring and wrapping text for curses.
 *
 * The decoder reads UTF-8 itself instead of relying on mbrtowc(), so that
 * in an ASCII locale symbols from findings (§, dashes, quotes) can still be
 * recognised and spelled in ASCII.
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "theme.h"
#include "xmalloc.h"

#define TEXT_TAB	8
#define TEXT_BAD	0xfffd

/* ASCII spellings of symbols that findings and help text may use. */
static const struct {
	uint32_t	 cp;
	const char	*ascii;
} text_ascii[] = {
	{ 0x00a0, " " },	/* no-break space */
	{ 0x00a7, "Sec." },	/* section sign */
	{ 0x00b7, "." },	/* middle dot */
	{ 0x00d7, "x" },	/* multiplication sign */
	{ 0x2010, "-" },
	{ 0x2011, "-" },
	{ 0x2013, "-" },	/* en dash */
	{ 0x2014, "--" },	/* em dash */
	{ 0x2018, "'" },
	{ 0x2019, "'" },
	{ 0x201c, "\"" },
	{ 0x201d, "\"" },
	{ 0x2022, "*" },	/* bullet */
	{ 0x2026, "..." },
	{ 0x2190, "<-" },
	{ 0x2192, "->" },
	{ 0x2264, "<=" },
	{ 0x2265, ">=" },
	{ 0x2713, "ok" },
	{ 0x2717, "x" },
};

struct text_buf {
	wchar_t	*v;
	size_t	 n;
	size_t	 cap;
};

static void
text_buf_add(struct text_buf *b, wchar_t wc)
{
	if (b->n + 1 >= b->cap) {
		b->cap = b->cap == 0 ? 64 : b->cap * 2;
		b->v = xreallocarray(b->v, b->cap, sizeof *b->v);
	}
	b->v[b->n++] = wc;
	b->v[b->n] = L'\0';
}

/* Reads one code point; returns bytes used, TEXT_BAD in *cp if invalid. */
static size_t
text_utf8_next(const unsigned char *s, uint32_t *cp)
{
	uint32_t	c = s[0], min;
	size_t		n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		*cp = TEXT_BAD;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = TEXT_BAD;
			return i;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = TEXT_BAD;
	*cp = c;
	return n;
}

/* Appends the displayable form of one code point. */
static void
text_buf_add_cp(struct text_buf *b, uint32_t cp)
{
	const char	*s;
	size_t		 i;

	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
		text_buf_add(b, L'?');
		return;
	}
	if (cp < 0x7f) {
		text_buf_add(b, (wchar_t)cp);
		return;
	}
	if (theme_utf8()) {
		if (wcwidth((wchar_t)cp) < 0)
			cp = TEXT_BAD;
		text_buf_add(b, (wchar_t)cp);
		return;
	}
	for (i = 0; i < sizeof text_ascii / sizeof text_ascii[0]; i++) {
		if (text_ascii[i].cp == cp) {
			for (s = text_ascii[i].ascii; *s != '\0'; s++)
				text_buf_add(b, (wchar_t)*s);
			return;
		}
	}
	text_buf_add(b, L'?');
}

/* Decodes one line (up to a newline or the end), expanding tabs. */
static const char *
text_decode_line(const char *s, struct text_buf *b, int verbatim)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	int			 col = 0;

	while (*p != '\0' && *p != '\n') {
		p += text_utf8_next(p, &cp);
		if (cp == '\r')
			continue;
		if (cp == '\t') {
			do {
				text_buf_add(b, L' ');
				col++;
			} while (verbatim && col % TEXT_TAB != 0);
			continue;
		}
		text_buf_add_cp(b, cp);
		col += text_wcs_width(&b->v[b->n - 1], 1);
	}
	return (const char *)p;
}

wchar_t *
text_decode(const char *s, size_t *len)
{
	struct text_buf	 b = { NULL, 0, 0 };
	const char	*p;

	text_buf_add(&b, L' ');
	b.n = 0;
	for (p = s != NULL ? s : ""; *p != '\0'; p++) {
		p = text_decode_line(p, &b, 0);
		if (*p == '\0')
			break;
		text_buf_add(&b, L' ');
	}
	if (len != NULL)
		*len = b.n;
	return b.v;
}

int
text_wcs_width(const wchar_t *ws, size_t n)
{
	size_t	i;
	int	w, total = 0;

	for (i = 0; i < n && ws[i] != L'\0'; i++) {
		if (ws[i] < 0x80)
			w = 1;
		else if ((w = wcwidth(ws[i])) < 0)
			w = 1;
		total += w;
	}
	return total;
}

int
text_width(const char *s)
{
	wchar_t	*ws;
	size_t	 n;
	int	 w;

	ws = text_decode(s, &n);
	w = text_wcs_width(ws, n);
	free(ws);
	return w;
}

void
text_fill(int y, int x, int width, int attr)
{
	if (width <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', width);
	attrset(A_NORMAL);
}

int
text_put_wcs(int y, int x, int width, int attr, const wchar_t *ws, int pad)
{
	size_t	i;
	int	w, used = 0;

	if (width <= 0)
		return 0;
	for (i = 0; ws[i] != L'\0'; i++) {
		w = text_wcs_width(&ws[i], 1);
		if (used + w > width)
			break;
		used += w;
	}
	attrset(attr);
	if (i > 0)
		mvaddnwstr(y, x, ws, (int)i);
	attrset(A_NORMAL);
	if (pad && used < width)
		text_fill(y, x + used, width - used, attr);
	return used;
}

int
text_put(int y, int x, int width, int attr, const char *s, int pad)
{
	wchar_t	*ws;
	int	 used;

	ws = text_decode(s, NULL);
	used = text_put_wcs(y, x, width, attr, ws, pad);
	free(ws);
	return used;
}

static void
text_lines_add(struct text_lines *tl, const wchar_t *ws, size_t n, int attr,
    int indent)
{
	struct text_line	*l;

	if (tl->n == tl->cap) {
		tl->cap = tl->cap == 0 ? 32 : tl->cap * 2;
		tl->v = xreallocarray(tl->v, tl->cap, sizeof *tl->v);
	}
	l = &tl->v[tl->n++];
	l->text = xcalloc(n + 1, sizeof *l->text);
	if (n > 0)
		wmemcpy(l->text, ws, n);
	l->attr = attr;
	l->indent = indent;
	l->mark = NULL;
	l->mark_attr = 0;
}

void
text_lines_blank(struct text_lines *tl)
{
	text_lines_add(tl, L"", 0, 0, 0);
}

/* Wraps one decoded line. */
static void
text_wrap_line(struct text_lines *tl, const wchar_t *p, size_t n, int width,
    int indent, int hang, int attr, int flags)
{
	size_t	start = 0, end, brk, lastspace;
	int	avail, w, cw, first = 1;

	if (n == 0) {
		text_lines_add(tl, L"", 0, attr, indent);
		return;
	}
	while (start < n) {
		avail = width - indent - (first ? 0 : hang);
		if (avail < 1)
			avail = 1;

		/* The longest run from start that fits. */
		end = start;
		w = 0;
		lastspace = 0;
		while (end < n) {
			cw = text_wcs_width(&p[end], 1);
			if (w + cw > avail)
				break;
			if (p[end] == L' ')
				lastspace = end;
			w += cw;
			end++;
		}
		if (end == n) {
			text_lines_add(tl, &p[start], n - start, attr,
			    indent + (first ? 0 : hang));
			return;
		}

		/*
		 * Where to break.  Verbatim text (records, tables) keeps its
		 * spaces but still breaks after one: a digest cut in two
		 * cannot be read, let alone copied.
		 */
		if (flags & TEXT_VERBATIM)
			brk = lastspace > start ? lastspace + 1 : end;
		else if (p[end] == L' ')
			brk = end;
		else if (lastspace > start)
			brk = lastspace;
		else
			brk = end;
		if (brk == start)
			brk = start + 1;

		end = brk;
		if (!(flags & TEXT_VERBATIM)) {
			while (end > start && p[end - 1] == L' ')
				end--;
		}
		text_lines_add(tl, &p[start], end - start, attr,
		    indent + (first ? 0 : hang));
		start = brk;
		if (!(flags & TEXT_VERBATIM)) {
			while (start < n && p[start] == L' ')
				start++;
		}
		first = 0;
	}
}

void
text_wrap(struct text_lines *tl, const char *s, int width, int indent,
    int hang, int attr, int flags)
{
	struct text_buf	 b;
	const char	*p = s != NULL ? s : "";

	for (;;) {
		memset(&b, 0, sizeof b);
		text_buf_add(&b, L' ');
		b.n = 0;
		p = text_decode_line(p, &b, flags & TEXT_VERBATIM);
		text_wrap_line(tl, b.v, b.n, width, indent, hang, attr, flags);
		free(b.v);
		if (*p == '\0')
			break;
		p++;
		/* A final newline does not start another line. */
		if (*p == '\0')
			break;
	}
}

void
text_lines_free(struct text_lines *tl)
{
	size_t	i;

	for (i = 0; i < tl->n; i++)
		free(tl->v[i].text);
	free(tl->v);
	memset(tl, 0, sizeof *tl);
}
