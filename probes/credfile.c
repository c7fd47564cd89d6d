/*
 * Reading certificates and keys from files (RFC 7468 PEM, or DER), and
 * grouping them into credentials as Postfix groups smtpd_tls_chain_files
 * (postconf(5)): each key is followed by its certificate chain.
 *
 * PEM objects are taken one by one with PEM_read_bio() and decoded by
 * their label, so one file may mix keys and certificates in any of the
 * forms OpenSSL writes (PKCS#8 and the older RSA/EC forms).  The buffers
 * that held a private key are cleared before they are freed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "credfile.h"
#include "log.h"
#include "xmalloc.h"

/* More objects than this in one file is not a credential file. */
#define CREDFILE_MAX_OBJECTS	64

/* What one decoded object is. */
enum credfile_obj {
	OBJ_SKIP,		/* parameters, CRLs: not ours to use */
	OBJ_CERT,
	OBJ_PRIVATE,		/* pub holds the public half only */
	OBJ_PUBLIC,
};

/* Reading one file: where it goes and what it brought. */
struct credfile_read {
	struct credfile_set	*set;
	const char		*path;
	int			 started;	/* a credential began here */
	int			 certs, privs, pubs;
};

/* Reads a whole file of at most CREDFILE_MAX_SIZE bytes. */
static unsigned char *
credfile_slurp(const char *path, size_t *len, char **cause)
{
	unsigned char	*buf = NULL;
	struct stat	 sb;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s is not a regular file", path);
		goto fail;
	}
	if (sb.st_size > CREDFILE_MAX_SIZE) {
		xasprintf(cause, "%s is too large for a key or certificate "
		    "file (%lld bytes)", path, (long long)sb.st_size);
		goto fail;
	}

	buf = xmalloc((size_t)sb.st_size + 1);	/* never 0 bytes */
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			xasprintf(cause, "cannot read %s: %s", path,
			    n == 0 ? "file shrank" : strerror(errno));
			goto fail;
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;

fail:
	if (buf != NULL) {
		explicit_bzero(buf, got);
		free(buf);
	}
	close(fd);
	return NULL;
}

/* The public half of a private key, as a key holding nothing else. */
static EVP_PKEY *
credfile_public_of(EVP_PKEY *priv)
{
	const unsigned char	*p;
	unsigned char		*der = NULL;
	EVP_PKEY		*pub;
	int			 len;

	if ((len = i2d_PUBKEY(priv, &der)) <= 0)
		return NULL;
	p = der;
	pub = d2i_PUBKEY(NULL, &p, len);
	OPENSSL_free(der);
	return pub;
}

/* Keeps only the public half of priv, which is freed. */
static EVP_PKEY *
credfile_drop_private(EVP_PKEY *priv)
{
	EVP_PKEY	*pub;

	if (priv == NULL)
		return NULL;
	pub = credfile_public_of(priv);
	EVP_PKEY_free(priv);
	return pub;
}

/* Decodes one DER private key of any algorithm, PKCS#8 or older. */
static EVP_PKEY *
credfile_d2i_private(const unsigned char *der, long len)
{
	const unsigned char	*p = der;
	EVP_PKEY		*k;

	k = d2i_AutoPrivateKey(NULL, &p, len);
	if (k != NULL && p != der + len) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return credfile_drop_private(k);
}

static EVP_PKEY *
credfile_d2i_public(const unsigned char *der, long len, int rsa_only)
{
	const unsigned char	*p = der;
	EVP_PKEY		*k;

	if (rsa_only)
		k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
	else
		k = d2i_PUBKEY(NULL, &p, len);
	if (k != NULL && p != der + len) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

static X509 *
credfile_d2i_cert(const unsigned char *der, long len, int trusted)
{
	const unsigned char	*p = der;
	X509			*x;

	x = trusted ? d2i_X509_AUX(NULL, &p, len) : d2i_X509(NULL, &p, len);
	if (x != NULL && p != der + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/*
 * Decodes a PEM object by its label.  Returns the kind, with *x or *pk
 * set, or -1 with *cause.
 */
static int
credfile_decode_pem(const char *name, const char *header,
    const unsigned char *data, long len, X509 **x, EVP_PKEY **pk,
    char **cause)
{
	*x = NULL;
	*pk = NULL;
	if (strcmp(name, PEM_STRING_X509) == 0 ||
	    strcmp(name, PEM_STRING_X509_OLD) == 0 ||
	    strcmp(name, PEM_STRING_X509_TRUSTED) == 0) {
		*x = credfile_d2i_cert(data, len,
		    strcmp(name, PEM_STRING_X509_TRUSTED) == 0);
		if (*x == NULL)
			xasprintf(cause, "a certificate is malformed");
		return *x != NULL ? OBJ_CERT : -1;
	}
	if (strcmp(name, PEM_STRING_PKCS8) == 0 ||
	    (strstr(name, "PRIVATE KEY") != NULL &&
	    strstr(header, "ENCRYPTED") != NULL)) {
		xasprintf(cause, "the private key is encrypted; give its "
		    "certificate or public key instead");
		return -1;
	}
	if (strstr(name, "PRIVATE KEY") != NULL) {
		if ((*pk = credfile_d2i_private(data, len)) == NULL)
			xasprintf(cause, "a private key is malformed");
		return *pk != NULL ? OBJ_PRIVATE : -1;
	}
	if (strcmp(name, PEM_STRING_PUBLIC) == 0 ||
	    strcmp(name, PEM_STRING_RSA_PUBLIC) == 0) {
		*pk = credfile_d2i_public(data, len,
		    strcmp(name, PEM_STRING_RSA_PUBLIC) == 0);
		if (*pk == NULL)
			xasprintf(cause, "a public key is malformed");
		return *pk != NULL ? OBJ_PUBLIC : -1;
	}
	log_debug("credfile: skipping a PEM \"%s\" object", name);
	return OBJ_SKIP;
}

/* A DER file holds exactly one object; the kind says which to try first. */
static int
credfile_decode_der(const unsigned char *data, long len,
    enum credfile_kind kind, X509 **x, EVP_PKEY **pk)
{
	*x = NULL;
	*pk = NULL;
	if (kind != CREDFILE_KEY && kind != CREDFILE_PUBKEY &&
	    (*x = credfile_d2i_cert(data, len, 0)) != NULL)
		return OBJ_CERT;
	if (kind != CREDFILE_KEY &&
	    (*pk = credfile_d2i_public(data, len, 0)) != NULL)
		return OBJ_PUBLIC;
	if (kind != CREDFILE_PUBKEY &&
	    (*pk = credfile_d2i_private(data, len)) != NULL)
		return OBJ_PRIVATE;
	if (kind == CREDFILE_PUBKEY &&
	    (*pk = credfile_d2i_public(data, len, 1)) != NULL)
		return OBJ_PUBLIC;
	return -1;
}

static struct cred *
credfile_new_cred(struct credfile_read *r, EVP_PKEY *pub)
{
	struct credfile_set	*set = r->set;
	struct cred		*c;

	set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
	c = &set->v[set->n++];
	memset(c, 0, sizeof *c);
	c->pub = pub;
	c->chain = sk_X509_new_null();
	c->source = xstrdup(r->path);
	r->started = 1;
	return c;
}

/* A key: a new credential, unless it is the key of the leaf just read. */
static int
credfile_add_key(struct credfile_read *r, EVP_PKEY *pub, int private,
    char **cause)
{
	struct credfile_set	*set = r->set;
	struct cred		*last;

	last = set->n > 0 ? &set->v[set->n - 1] : NULL;
	if (private && r->started && last != NULL && last->leaf != NULL &&
	    !last->from_private && EVP_PKEY_eq(last->pub, pub) == 1) {
		/* Certificate first, then its key: one credential. */
		last->from_private = 1;
		EVP_PKEY_free(pub);
		return 0;
	}
	/* A key still waiting for its certificate stays a bare key. */
	last = credfile_new_cred(r, pub);
	last->from_private = private;
	set->awaiting_leaf = private;
	return 0;
}

/*
 * Does x continue the chain of the last credential from an earlier file?
 * Postfix reads its chain files as one concatenation, so a chain may be
 * split across files (key, cert, chain); x continues only when it issued
 * the last certificate, so that separate leaves stay separate.
 */
static int
credfile_continues(const struct cred *last, X509 *x)
{
	X509	*tail;
	int	 n;

	if (last == NULL || last->leaf == NULL)
		return 0;
	n = sk_X509_num(last->chain);
	tail = n > 0 ? sk_X509_value(last->chain, n - 1) : last->leaf;
	return X509_check_issued(x, tail) == X509_V_OK;
}

/* A certificate: the leaf of a waiting key, a new leaf, or chain. */
static int
credfile_add_cert(struct credfile_read *r, X509 *x, char **cause)
{
	struct credfile_set	*set = r->set;
	struct cred		*last;
	EVP_PKEY		*pub;

	last = set->n > 0 ? &set->v[set->n - 1] : NULL;
	if (set->awaiting_leaf || (r->started && last->leaf == NULL)) {
		if (EVP_PKEY_eq(last->pub, X509_get0_pubkey(x)) != 1) {
			xasprintf(cause, "%s: the certificate after the key "
			    "from %s is not that key's certificate", r->path,
			    last->source);
			X509_free(x);
			return -1;
		}
		last->leaf = x;
		set->awaiting_leaf = 0;
		r->started = 1;
		return 0;
	}
	if (r->started || credfile_continues(last, x)) {
		sk_X509_push(last->chain, x);
		r->started = 1;
		return 0;
	}
	if ((pub = X509_get_pubkey(x)) == NULL) {
		xasprintf(cause, "%s: the certificate's public key cannot be "
		    "read", r->path);
		X509_free(x);
		return -1;
	}
	credfile_new_cred(r, pub)->leaf = x;
	return 0;
}

static int
credfile_add(struct credfile_read *r, int obj, X509 *x, EVP_PKEY *pk,
    char **cause)
{
	switch (obj) {
	case OBJ_CERT:
		r->certs++;
		return credfile_add_cert(r, x, cause);
	case OBJ_PRIVATE:
	case OBJ_PUBLIC:
		if (pk == NULL) {
			xasprintf(cause, "%s: the public key cannot be "
			    "derived", r->path);
			return -1;
		}
		obj == OBJ_PRIVATE ? r->privs++ : r->pubs++;
		return credfile_add_key(r, pk, obj == OBJ_PRIVATE, cause);
	}
	return 0;
}

/* Every PEM object of the buffer, in order. */
static int
credfile_read_pem(struct credfile_read *r, const unsigned char *buf,
    size_t len, char **cause)
{
	BIO		*bio;
	char		*name = NULL, *header = NULL, *why = NULL;
	unsigned char	*data = NULL;
	long		 dlen;
	X509		*x;
	EVP_PKEY	*pk;
	int		 obj, count = 0, ret = -1;

	bio = BIO_new_mem_buf(buf, (int)len);
	for (;;) {
		ERR_clear_error();
		if (!PEM_read_bio(bio, &name, &header, &data, &dlen)) {
			if (ERR_GET_REASON(ERR_peek_last_error()) ==
			    PEM_R_NO_START_LINE && count > 0)
				break;
			xasprintf(cause, "%s: %s", r->path, count == 0 ?
			    "no PEM object found" : "malformed PEM after "
			    "the last complete object");
			goto out;
		}
		if (++count > CREDFILE_MAX_OBJECTS) {
			xasprintf(cause, "%s: more than %d PEM objects",
			    r->path, CREDFILE_MAX_OBJECTS);
			goto out;
		}
		obj = credfile_decode_pem(name, header, data, dlen, &x, &pk,
		    &why);
		OPENSSL_clear_free(data, (size_t)dlen);
		OPENSSL_free(name);
		OPENSSL_free(header);
		data = NULL;
		name = header = NULL;
		if (obj == -1) {
			xasprintf(cause, "%s: %s", r->path, why);
			free(why);
			goto out;
		}
		if (credfile_add(r, obj, x, pk, cause) != 0)
			goto out;
	}
	ret = 0;

out:
	ERR_clear_error();
	BIO_free(bio);
	return ret;
}

static int
credfile_read_der(struct credfile_read *r, const unsigned char *buf,
    size_t len, enum credfile_kind kind, char **cause)
{
	X509		*x;
	EVP_PKEY	*pk;
	int		 obj;

	obj = credfile_decode_der(buf, (long)len, kind, &x, &pk);
	ERR_clear_error();
	if (obj == -1) {
		xasprintf(cause, "%s is neither PEM nor a DER certificate or "
		    "key", r->path);
		return -1;
	}
	return credfile_add(r, obj, x, pk, cause);
}

/* The file held what the caller asked for. */
static int
credfile_check_kind(const struct credfile_read *r, enum credfile_kind kind,
    char **cause)
{
	const char	*want = NULL;

	if (kind == CREDFILE_CERT && r->certs == 0)
		want = "certificate";
	else if (kind == CREDFILE_KEY && r->privs == 0)
		want = "private key";
	else if (kind == CREDFILE_PUBKEY && r->pubs == 0)
		want = "public key";
	else if (r->certs + r->privs + r->pubs == 0)
		want = "certificate or key";
	if (want == NULL)
		return 0;
	xasprintf(cause, "%s holds no %s", r->path, want);
	return -1;
}

int
credfile_load_mem(struct credfile_set *set, const void *buf, size_t len,
    const char *name, enum credfile_kind kind, char **cause)
{
	struct credfile_read	 r;
	int			 rc;

	memset(&r, 0, sizeof r);
	r.set = set;
	r.path = name;
	if (len > CREDFILE_MAX_SIZE) {
		xasprintf(cause, "%s is too large for a key or certificate "
		    "file (%zu bytes)", name, len);
		return -1;
	}

	if (memmem(buf, len, "-----BEGIN ", 11) != NULL)
		rc = credfile_read_pem(&r, buf, len, cause);
	else
		rc = credfile_read_der(&r, buf, len, kind, cause);
	if (rc == 0)
		rc = credfile_check_kind(&r, kind, cause);
	log_debug("credfile %s: %d certificates, %d private and %d public "
	    "keys, %zu credentials in all", name, r.certs, r.privs, r.pubs,
	    set->n);
	return rc;
}

int
credfile_load(struct credfile_set *set, const char *path,
    enum credfile_kind kind, char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	int		 rc;

	if ((buf = credfile_slurp(path, &len, cause)) == NULL)
		return -1;
	rc = credfile_load_mem(set, buf, len, path, kind, cause);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

void
credfile_set_free(struct credfile_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++) {
		EVP_PKEY_free(set->v[i].pub);
		X509_free(set->v[i].leaf);
		sk_X509_pop_free(set->v[i].chain, X509_free);
		free(set->v[i].source);
	}
	free(set->v);
	memset(set, 0, sizeof *set);
}

const char *
credfile_algorithm(const EVP_PKEY *pk)
{
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return "rsa";
	case EVP_PKEY_EC:
		return "ecdsa";
	case EVP_PKEY_ED25519:
		return "ed25519";
	case EVP_PKEY_ED448:
		return "ed448";
	}
	return "other";
}

X509 *
credfile_issuer(const struct cred *c)
{
	if (c->leaf == NULL || sk_X509_num(c->chain) < 1)
		return NULL;
	return sk_X509_value(c->chain, 0);
}
