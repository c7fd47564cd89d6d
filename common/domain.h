/*
 * Domain names as operators type them, on the command line and in the
 * wizard: one set of rules for both, so a name one accepts the other
 * does not refuse.
 */
#ifndef MXANCHOR_DOMAIN_H
#define MXANCHOR_DOMAIN_H

/*
 * Trims blanks and one final dot, lower-cases, and checks: 1 to 253
 * characters, labels of 1 to 63 letters, digits, '-' or '_', at least
 * two labels (a mail domain, not a top-level name).  Returns a
 * new string, or NULL with *why (a static message).  Names with other
 * bytes (an internationalised name typed in Unicode) are refused with a
 * word on their ASCII form: DNS carries only that.
 */
char	*domain_normalise(const char *in, const char **why);

#endif
