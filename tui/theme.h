/*
 * Colours, attributes and glyphs of the wizard.
 *
 * Every UI element is one row of THEME_ELEMENTS, with its colours and the
 * attributes used in monochrome (no colour support, or NO_COLOR set), so a
 * screen asks for an element and never for a colour.  Glyphs come in two
 * sets: UTF-8 when the locale's codeset is UTF-8, ASCII otherwise.
 *
 * theme_init() is called once, after curses has started; the other
 * functions only read what it set up.
 */
#ifndef MXANCHOR_THEME_H
#define MXANCHOR_THEME_H

#include "finding.h"
#include "step.h"

/*
 * X(element, foreground, background, attributes in colour, in monochrome);
 * -1 is the terminal's default colour.
 */
#define THEME_ELEMENTS							\
	X(NORMAL,    -1,           -1,          0,           0)		\
	X(HEADER,    COLOR_WHITE,  COLOR_BLUE,  A_BOLD,      A_REVERSE)	\
	X(TITLE,     -1,           -1,          A_BOLD,      A_BOLD)	\
	X(SELECTED,  COLOR_BLACK,  COLOR_CYAN,  0,           A_REVERSE)	\
	X(UNFOCUSED, -1,           -1,          A_REVERSE,   A_UNDERLINE) \
	X(DIM,       -1,           -1,          A_DIM,       0)		\
	X(PASS,      COLOR_GREEN,  -1,          A_BOLD,      A_BOLD)	\
	X(WARN,      COLOR_YELLOW, -1,          A_BOLD,      A_BOLD)	\
	X(FAIL,      COLOR_RED,    -1,          A_BOLD,      A_BOLD)	\
	X(PENDING,   -1,           -1,          A_DIM,       0)		\
	X(RUNNING,   COLOR_CYAN,   -1,          A_BOLD,      A_BOLD)	\
	X(INFO,      COLOR_CYAN,   -1,          0,           0)		\
	X(CODE,      -1,           -1,          A_DIM,       A_UNDERLINE) \
	X(ARTIFACT,  COLOR_CYAN,   -1,          0,           0)		\
	X(BORDER,    COLOR_BLUE,   -1,          0,           0)		\
	X(STATUS,    -1,           -1,          0,           0)		\
	X(ERROR,     COLOR_WHITE,  COLOR_RED,   A_BOLD,  A_BOLD|A_REVERSE) \
	X(KEYS,      COLOR_BLACK,  COLOR_WHITE, 0,           A_REVERSE)	\
	X(KEY,       COLOR_BLUE,   COLOR_WHITE, A_BOLD,  A_BOLD|A_REVERSE) \
	X(INPUT,     -1,           -1,          A_UNDERLINE, A_UNDERLINE)

enum theme_element {
#define X(name, fg, bg, attr, mono) THEME_##name,
	THEME_ELEMENTS
#undef X
	THEME_COUNT
};

/* Sets up colour pairs (or monochrome) and picks the glyph set. */
void		 theme_init(int utf8, int colour);
int		 theme_utf8(void);
int		 theme_colour(void);

/* The curses attribute (colour pair included) of an element. */
int		 theme_attr(enum theme_element);

/* A status mark, always theme_mark_width() columns wide. */
const char	*theme_mark(enum step_status);
int		 theme_mark_width(void);
enum theme_element theme_status_element(enum step_status);

/* Marks for a running check and for findings, same width as the others. */
const char	*theme_spinner(unsigned int frame);
const char	*theme_severity_mark(enum severity);
enum theme_element theme_severity_element(enum severity);

/* Small glyphs: the selection pointer, an ellipsis, separators. */
const char	*theme_pointer(void);
const char	*theme_ellipsis(void);
const char	*theme_bullet(void);
const char	*theme_vline(void);

#endif
