/*
 * The inventory a rollout starts from: which accounts (CA, registrar,
 * identity provider, DNS provider...) recover through which mailbox, and
 * whether the mailboxes that matter accept mail.
 *
 * Every change is one transaction on one row, and adds an "inventory"
 * event to the domain's timeline in the same transaction, so several
 * operators editing one domain at once lose nothing: two additions are
 * two rows, and an edit names the version of the row it was made from.
 * An edit of a row someone else changed in the meantime is refused with
 * "changed by another operator" (optimistic locking) instead of silently
 * undoing their change.
 *
 * As in state.h: -1 with *cause on error, domain names in any case.
 */
#ifndef MXANCHOR_INVENTORY_H
#define MXANCHOR_INVENTORY_H

#include <stddef.h>
#include <time.h>

#include "state.h"

#define STATE_INVENTORY_FIELD_MAX	1024	/* bytes of one text field */

struct state_recovery {
	long long	 id;
	char		*account;	/* "Let's Encrypt ACME account" */
	char		*kind;		/* "ca", "registrar", "idp", ... */
	char		*address;	/* where its recovery mail goes */
	int		 third_party;	/* a mailbox someone else runs */
	int		 not_controlled; /* on a domain the operator does not
					   control */
	char		*note;		/* or NULL */
	time_t		 added;
	char		*added_by;
	time_t		 confirmed;	/* migration confirmed; 0: not yet */
	char		*confirmed_by;
	long long	 version;	/* bumped by every change */
};

struct state_mailbox {
	char	*address;
	char	*role;		/* "recovery", "rua", "postmaster", joined
				   by ',' when it plays several */
	time_t	 checked;
	char	*verdict;	/* "accepts", "rejects", "deferred",
				   "untested" */
	char	*detail;	/* the server's reply or why untested */
};

/* Adds a row (version 1); *id gets its id.  Fails for an unknown domain. */
int	state_recovery_add(struct state *, const char *domain,
	    const struct state_recovery *, const char *user, long long *id,
	    char **cause);
/*
 * Replaces account, kind, address, flags and note of row r->id, if its
 * version is still r->version; otherwise fails with "changed by another
 * operator".  Clears a confirmation when the address changes.
 */
int	state_recovery_update(struct state *, const char *domain,
	    const struct state_recovery *, const char *user, char **cause);
int	state_recovery_remove(struct state *, const char *domain,
	    long long id, const char *user, char **cause);
/* Records that user confirmed the migration of row id, at when. */
int	state_recovery_confirm(struct state *, const char *domain,
	    long long id, time_t when, const char *user, char **cause);
/* In the order they were added. */
int	state_recovery_list(struct state *, const char *domain,
	    struct state_recovery **out, size_t *n, char **cause);
void	state_recovery_free(struct state_recovery *);
void	state_recovery_list_free(struct state_recovery *, size_t);

/* Replaces the domain's mailbox results with these, in one transaction. */
int	state_mailbox_record(struct state *, const char *domain,
	    const struct state_mailbox *, size_t n, char **cause);
/* By address. */
int	state_mailbox_list(struct state *, const char *domain,
	    struct state_mailbox **out, size_t *n, char **cause);
void	state_mailbox_list_free(struct state_mailbox *, size_t);

#endif
