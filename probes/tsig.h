/*
 * TSIG keys (RFC 8945) for signing DNS UPDATE messages, read from the
 * files operators already have for their update tools:
 *
 *   hmac-sha256:NAME:SECRET        knsupdate -y, keymgr -t (also NAME:SECRET)
 *   key "NAME" {                   BIND, nsupdate -k, tsig-keygen
 *       algorithm hmac-sha256;
 *       secret "SECRET";
 *   };
 *
 * The secret is secret: it is never logged, never put in a message, never
 * stored in the state; tsig_key_free() wipes it.  Only a file's path and
 * the key's name may appear in what mxanchor writes.
 */
#ifndef MXANCHOR_TSIG_H
#define MXANCHOR_TSIG_H

#include <ldns/ldns.h>

struct tsig_key {
	char	*name;		/* "lab-update." */
	char	*algorithm;	/* ldns' name: "hmac-sha256." */
	char	*secret;	/* base64 */
};

/* Files larger than this are not key files. */
#define TSIG_FILE_MAX	65536

/* Returns 0, or -1 with *cause (which never holds the secret). */
int	tsig_key_load(const char *path, struct tsig_key *, char **cause);
/* The same from text; name is for messages. */
int	tsig_key_parse(const char *text, const char *name, struct tsig_key *,
	    char **cause);
void	tsig_key_free(struct tsig_key *);

/* Signs what res sends from now on with the key (copied into res). */
void	tsig_key_apply(const struct tsig_key *, ldns_resolver *);
/* Wipes the copy of the key res holds, before ldns_resolver_deep_free. */
void	tsig_key_wipe_from(ldns_resolver *);

#endif
