/*
 * The theme: one table of UI elements in colour and in monochrome, and the
 * two glyph sets (UTF-8 and ASCII).
 */
#include <curses.h>

#include "theme.h"

struct theme_row {
	short	fg;
	short	bg;
	int	attr;
	int	mono;
};

static const struct theme_row theme_rows[THEME_COUNT] = {
#define X(name, fg, bg, attr, mono) { fg, bg, attr, mono },
	THEME_ELEMENTS
#undef X
};

struct theme_glyphs {
	const char	*marks[4];	/* by enum step_status */
	const char	*severity[3];	/* by enum severity */
	const char	*spinner[10];
	unsigned int	 nspinner;
	int		 width;
	const char	*pointer;
	const char	*ellipsis;
	const char	*bullet;
	const char	*vline;
};

static const struct theme_glyphs theme_glyphs_utf8 = {
	{ "\u00b7", "\u2713", "!", "\u2717" },
	{ "i", "!", "\u2717" },
	{ "\u280b", "\u2819", "\u2839", "\u2838", "\u283c", "\u2834",
	  "\u2826", "\u2827", "\u2807", "\u280f" },
	10,
	1,
	"\u25b8",
	"\u2026",
	"\u00b7",
	"\u2502",
};

static const struct theme_glyphs theme_glyphs_ascii = {
	{ "[..]", "[ok]", "[ww]", "[!!]" },
	{ "[ii]", "[ww]", "[!!]" },
	{ "[ |]", "[ /]", "[ -]", "[ \\]" },
	4,
	4,
	">",
	"...",
	"-",
	"|",
};

static const struct theme_glyphs	*theme_glyphs = &theme_glyphs_ascii;
static int				 theme_attrs[THEME_COUNT];
static int				 theme_is_utf8;
static int				 theme_has_colour;

void
theme_init(int utf8, int colour)
{
	const struct theme_row	*row;
	int			 i;

	theme_is_utf8 = utf8;
	theme_glyphs = utf8 ? &theme_glyphs_utf8 : &theme_glyphs_ascii;

	/* Colour pairs need at least as many pairs as elements. */
	if (colour && (!has_colors() || start_color() == ERR ||
	    COLOR_PAIRS < THEME_COUNT + 1))
		colour = 0;
	if (colour)
		use_default_colors();
	theme_has_colour = colour;

	for (i = 0; i < THEME_COUNT; i++) {
		row = &theme_rows[i];
		if (!colour) {
			theme_attrs[i] = row->mono;
			continue;
		}
		theme_attrs[i] = row->attr;
		if (row->fg != -1 || row->bg != -1) {
			init_pair(i + 1, row->fg, row->bg);
			theme_attrs[i] |= COLOR_PAIR(i + 1);
		}
	}
}

int
theme_utf8(void)
{
	return theme_is_utf8;
}

int
theme_colour(void)
{
	return theme_has_colour;
}

int
theme_attr(enum theme_element e)
{
	if ((int)e < 0 || e >= THEME_COUNT)
		return 0;
	return theme_attrs[e];
}

const char *
theme_mark(enum step_status status)
{
	if ((int)status < 0 || status > STEP_FAIL)
		status = STEP_PENDING;
	return theme_glyphs->marks[status];
}

int
theme_mark_width(void)
{
	return theme_glyphs->width;
}

enum theme_element
theme_status_element(enum step_status status)
{
	switch (status) {
	case STEP_PASS:
		return THEME_PASS;
	case STEP_WARN:
		return THEME_WARN;
	case STEP_FAIL:
		return THEME_FAIL;
	default:
		return THEME_PENDING;
	}
}

const char *
theme_spinner(unsigned int frame)
{
	return theme_glyphs->spinner[frame % theme_glyphs->nspinner];
}

const char *
theme_severity_mark(enum severity sev)
{
	if ((int)sev < 0 || sev > SEV_ERROR)
		sev = SEV_INFO;
	return theme_glyphs->severity[sev];
}

enum theme_element
theme_severity_element(enum severity sev)
{
	switch (sev) {
	case SEV_WARN:
		return THEME_WARN;
	case SEV_ERROR:
		return THEME_FAIL;
	default:
		return THEME_INFO;
	}
}

const char *
theme_pointer(void)
{
	return theme_glyphs->pointer;
}

const char *
theme_ellipsis(void)
{
	return theme_glyphs->ellipsis;
}

const char *
theme_bullet(void)
{
	return theme_glyphs->bullet;
}

const char *
theme_vline(void)
{
	return theme_glyphs->vline;
}
