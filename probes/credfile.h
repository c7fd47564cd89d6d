/*
 * Server credentials read from files: certificates, chains, private keys
 * and bare public keys, in PEM or DER, as MTAs and ACME clients keep them.
 *
 * Files are read in order as one concatenation, the way Postfix reads
 * smtpd_tls_chain_files: a private key (or a bare public key) starts a new
 * credential and the certificates that follow it are its leaf and then its
 * chain.  A file that holds no key starts a new credential with its first
 * certificate, unless the previous credential is a key still waiting for
 * its certificate (key and chain in two files).  So "key.pem,
 * fullchain.pem, ecdsa-combined.pem" gives two credentials, and two
 * certificate files give two.
 *
 * Private keys never leave this module: only the public key derived from
 * them is kept, and the bytes read from the file are wiped before they are
 * freed.  An encrypted private key is refused (there is no one to ask for
 * a passphrase); give its certificate or public key instead.
 */
#ifndef MXANCHOR_CREDFILE_H
#define MXANCHOR_CREDFILE_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* What the caller expects a file to hold; the file may hold more. */
enum credfile_kind {
	CREDFILE_ANY,
	CREDFILE_CERT,		/* at least one certificate */
	CREDFILE_KEY,		/* at least one private key */
	CREDFILE_PUBKEY,	/* at least one bare public key */
};

struct cred {
	EVP_PKEY	*pub;		/* public key only; never NULL */
	X509		*leaf;		/* NULL for a bare key */
	STACK_OF(X509)	*chain;		/* certificates after the leaf */
	int		 from_private;	/* pub was derived from a private key */
	char		*source;	/* file the key (or leaf) came from */
};

struct credfile_set {
	struct cred	*v;
	size_t		 n;
	int		 awaiting_leaf;	/* v[n - 1] is a key, no leaf yet */
};

/* Files larger than this are refused: no credential file is this big. */
#define CREDFILE_MAX_SIZE	(1024 * 1024)

/*
 * Reads path and appends what it holds to set (zeroed before the first
 * call).  On error returns -1 with *cause; set may then hold part of the
 * file and is only fit to be freed.
 */
int	 credfile_load(struct credfile_set *, const char *path,
	     enum credfile_kind, char **cause);
/* The same from memory; name is for messages. */
int	 credfile_load_mem(struct credfile_set *, const void *, size_t,
	     const char *name, enum credfile_kind, char **cause);
void	 credfile_set_free(struct credfile_set *);

/* "rsa", "ecdsa", "ed25519", "ed448" or "other". */
const char *credfile_algorithm(const EVP_PKEY *);

/* The issuer certificate sent after the leaf, or NULL. */
X509	*credfile_issuer(const struct cred *);

#endif
