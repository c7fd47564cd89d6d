/*
 * Certificate files as Postfix reads them, without private keys.
 *
 * Postfix's smtpd_tls_chain_files hold keys and certificates together
 * (postconf(5): key1, cert1, [chain1], key2, cert2, ...).  mxanchor needs
 * the certificates and the order of the blocks, never the key material:
 * certfile_strip_keys() keeps a private key block's BEGIN and END lines
 * and drops its body.  The same filter runs on the remote host over SSH
 * (probes/ssh.c) and here on local files, so a key never reaches memory
 * that outlives one line of input.
 *
 * certfile_parse() turns stripped PEM text into blocks; certfile_chains()
 * groups the blocks of one or more files, concatenated in order, into
 * key-and-chain pairs the way Postfix does, with findings for what
 * Postfix would reject or ignore.
 */
#ifndef MXANCHOR_CERTFILE_H
#define MXANCHOR_CERTFILE_H

#include <stddef.h>

#include <openssl/x509.h>

#include "finding.h"

#define CERTFILE_MAX		(1024 * 1024)	/* bytes read per file */
#define CERTFILE_MAX_BLOCKS	64

struct certfile_block {
	int	 is_key;	/* a private key (body never kept) */
	char	*label;		/* "EC PRIVATE KEY", "CERTIFICATE" */
	X509	*cert;		/* certificates only; owned */
};

struct certfile {
	struct certfile_block	*blocks;
	size_t			 nblocks;
};

/* One key and the certificates after it: what Postfix loads as a pair. */
struct certfile_chain {
	int		 has_key;
	STACK_OF(X509)	*certs;		/* leaf first; owned */
	const char	*path;		/* file of the leaf, not owned */
};

/* The text without private key bodies; caller frees. */
char	*certfile_strip_keys(const char *text, size_t len);

/*
 * Reads a local file (at most CERTFILE_MAX bytes), stripping key bodies
 * line by line as they are read.  Returns the text or NULL with *cause.
 */
char	*certfile_read_local(const char *path, char **cause);

/*
 * Parses stripped PEM text: 0, or -1 with *cause when a certificate
 * block does not parse or there are too many blocks.  Other block kinds
 * (parameters) are skipped.
 */
int	 certfile_parse(const char *text, struct certfile *, char **cause);
void	 certfile_free(struct certfile *);

/*
 * Groups the blocks of files[0..n) (paths[i] names files[i]) into
 * key-and-chain pairs.  Findings (code prefix "mta."): a certificate
 * with no key before it, a key with no certificate after it, two keys
 * of one algorithm (Postfix uses only one of them).
 */
struct certfile_chain *certfile_chains(const struct certfile *files,
	    const char *const *paths, size_t n, size_t *nchains,
	    struct findings *);
void	 certfile_chains_free(struct certfile_chain *, size_t);

/* "RSA", "ECDSA", "Ed25519", ... for the leaf's key. */
const char *certfile_key_algorithm(X509 *);

#endif
