/*
 * Making text from outside safe to show and to store.
 *
 * Messages quote what servers sent: a policy line, an SMTP reply, a TXT
 * record.  Those bytes may be Latin-1, binary, or terminal escapes.  JSON
 * (and so the state) only takes UTF-8, and a terminal must not receive
 * control characters from a stranger.  printable_str() keeps valid UTF-8
 * and writes every other byte, and every control character, as \xNN.
 */
#ifndef MXANCHOR_PRINTABLE_H
#define MXANCHOR_PRINTABLE_H

#include <stddef.h>

/* A new string (caller frees), valid UTF-8 without control characters. */
char	*printable_str(const char *);

/* Takes s and returns it, or a printable copy of it (s is then freed). */
char	*printable_take(char *s);

/*
 * Cuts a printable s (which it takes) to at most max bytes, on a
 * character boundary, saying how much was cut: a message that quotes a
 * 50 KB record says so instead of carrying it.
 */
char	*printable_cut(char *s, size_t max);

#endif
