/*
 * Printable text: valid UTF-8 passes, anything else becomes \xNN.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printable.h"
#include "strbuf.h"
#include "xmalloc.h"

/*
 * The length of the UTF-8 sequence at p, or 0 when it is not valid: no
 * overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629 §3),
 * so that whatever passes here, JSON libraries take too.
 */
static size_t
printable_utf8_len(const unsigned char *p)
{
	uint32_t	cp;
	size_t		len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;

	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* C0 controls, DEL, and C1 controls (U+0080-U+009F, "\xc2\x80".."\x9f"). */
static int
printable_is_control(const unsigned char *p, size_t len)
{
	if (len == 1)
		return p[0] < 0x20 || p[0] == 0x7f;
	return len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

static int
printable_clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len;

	while (*p != '\0') {
		len = printable_utf8_len(p);
		if (len == 0 || printable_is_control(p, len))
			return 0;
		p += len;
	}
	return 1;
}

char *
printable_str(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct strbuf		 b = { NULL, 0, 0 };
	size_t			 len;

	strbuf_add(&b, "", 0);
	while (*p != '\0') {
		len = printable_utf8_len(p);
		if (len == 0 || printable_is_control(p, len)) {
			strbuf_printf(&b, "\\x%02X", *p);
			p++;
		} else {
			strbuf_add(&b, (const char *)p, len);
			p += len;
		}
	}
	return strbuf_take(&b);
}

char *
printable_take(char *s)
{
	char	*clean;

	if (printable_clean(s))
		return s;
	clean = printable_str(s);
	free(s);
	return clean;
}

char *
printable_cut(char *s, size_t max)
{
	char	*cut;
	size_t	 len = strlen(s), keep;

	if (len <= max)
		return s;
	keep = max > 40 ? max - 40 : 0;
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	cut = xprintf("%.*s... (%zu bytes cut)", (int)keep, s, len - keep);
	free(s);
	return cut;
}
