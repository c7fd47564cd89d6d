/*
 * The keys a mail host serves now: every address of the host, probed
 * with STARTTLS at once.  Used to verify a key switch (rollover) and a
 * renewal (hook): what matters is what senders get, not what a file says.
 */
#ifndef MXANCHOR_SERVED_H
#define MXANCHOR_SERVED_H

#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "smtp.h"

struct served {
	char			*host;
	struct smtp_result	*v;	/* one per address */
	size_t			 n;
};

/* Looks up host's A and AAAA and probes each; -1 with *cause if none. */
int	 served_probe(const struct probe_opts *, const char *host, int port,
	     struct served *, char **cause);
/*
 * The same, offering only the signatures of algorithm ("rsa", "ecdsa"):
 * a server with two certificates then shows the one of that kind, and
 * one without fails the handshake.  Other algorithms probe as usual.
 */
int	 served_probe_key(const struct probe_opts *, const char *host,
	     int port, const char *algorithm, struct served *, char **cause);
/* Whether served_probe_key() can ask for the algorithm's key. */
int	 served_can_ask(const char *algorithm);
void	 served_free(struct served *);

/*
 * Of the addresses that completed a handshake (*tested), how many serve
 * a leaf whose TLSA data for selector and mtype is hex.
 */
size_t	 served_matching(const struct served *, uint8_t selector,
	     uint8_t mtype, const char *hex, size_t *tested);

/* "rsa", "ecdsa"... of the first leaf served, or NULL. */
const char *served_algorithm(const struct served *);

/* "a.b.c.d: why" for each address that did not complete; caller frees. */
char	*served_failures(const struct served *);

#endif
