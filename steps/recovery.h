/*
 * Judging recovery addresses: where an account's password-reset or
 * certificate-validation mail goes decides who can take the account over.
 *
 * A recovery address is flagged "third party" when it is a mailbox on a
 * public mail service, whose transport security the operator does not
 * set; and "not under control" when its domain is neither the domain in
 * question (or below it) nor another domain the operator follows in the
 * state.  The operator can always override both guesses.
 */
#ifndef MXANCHOR_RECOVERY_H
#define MXANCHOR_RECOVERY_H

#include <stddef.h>

/* The kinds of account, by stable id: "ca", "registrar", ... */
extern const char *const recovery_kinds[];
extern const size_t recovery_nkinds;
int		 recovery_kind_valid(const char *);

/*
 * Fills the two flags for address; domain is the one being rolled out,
 * controlled the domains of the state (may include domain).
 */
void		 recovery_guess(const char *domain, const char *address,
		    char *const *controlled, size_t n, int *third_party,
		    int *not_controlled);

/* Who the operator is: $MXANCHOR_USER, $SUDO_USER, $USER or the login. */
const char	*recovery_user(void);

#endif
